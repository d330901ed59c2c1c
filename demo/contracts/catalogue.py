"""The 21 demo contracts of the seven institutions: open, draft, cancelled and awarded; split
evenly, by district or by hand; hyper-local and reserved as each institution's regime allows."""

from anchors.models import Contract
from demo.contracts.specs import (
    BCC_RESERVATION,
    EAST,
    WMCA_RESERVATION,
    WMP_RESERVATION,
    AwardSpec,
    ContractSpec,
    LotSpec,
)

CONTRACTS: tuple[ContractSpec, ...] = (
    # Birmingham City Council (2026 Order).
    ContractSpec(
        "birmingham-city-council",
        "School meals for East Birmingham primary schools",
        "Hot, freshly cooked lunches for primary schools in four East Birmingham districts, "
        "term time only, from September 2026. One lot per district so local caterers can bid.",
        "160000",
        "B9 5UA",
        ("55523100",),
        districts=("B8", "B9", "B10", "B25"),
        reserve={1: BCC_RESERVATION, 2: BCC_RESERVATION},
        closes_in_days=35,
    ),
    ContractSpec(
        "birmingham-city-council",
        "Grounds maintenance of parks in Shard End and Hodge Hill",
        "Grass cutting, shrub beds, litter picking and seasonal planting in six neighbourhood "
        "parks, March to October.",
        "96000",
        "B34 7AG",
        ("77310000",),
        lots=(
            LotSpec("Shard End parks", "36000", delivery_postcode="B34 7AG"),
            LotSpec("Hodge Hill parks", "34000", delivery_postcode="B36 8LA"),
            LotSpec("Seasonal planting and bulbs", "26000", cpv_codes=("77311000",)),
        ),
        target=EAST,
        reserve={1: BCC_RESERVATION, 3: BCC_RESERVATION},
    ),
    ContractSpec(
        "birmingham-city-council",
        "Community centre cleaning, Alum Rock and Washwood Heath",
        "Daily cleaning of three council community centres, evenings and weekends included.",
        "72000",
        "B8 1RN",
        ("90910000",),
        even=2,
        target=EAST,
        reserve={1: BCC_RESERVATION, 2: BCC_RESERVATION},
    ),
    ContractSpec(
        "birmingham-city-council",
        "Responsive repairs to empty council homes, Stechford and Yardley",
        "Making empty council homes ready to let: joinery, plastering, plumbing and decorating.",
        "180000",
        "B33 8QE",
        ("50700000",),
        procurement_type=Contract.ProcurementType.WORKS,
        lots=(
            LotSpec("Stechford voids: joinery and plastering", "52000", cpv_codes=("45453000",)),
            LotSpec("Stechford voids: plumbing and heating", "48000"),
            LotSpec("Yardley voids: joinery and plastering", "44000", cpv_codes=("45453000",)),
            LotSpec("Decorating across both areas", "36000", cpv_codes=("45453000",)),
        ),
        target={1: EAST, 2: EAST, 3: ("B25", "B26", "B33"), 4: EAST},
    ),
    ContractSpec(
        "birmingham-city-council",
        "Printing of East Birmingham ward newsletters",
        "Four issues a year of a 12-page newsletter for ten East Birmingham wards.",
        "18000",
        "B9 4AA",
        ("79810000",),
        no_lots_reason="A single small print run per issue: splitting it would add cost and "
        "delay for no benefit to smaller printers, who can bid for the whole.",
        target=EAST,
    ),
    ContractSpec(
        "birmingham-city-council",
        "Home-to-school transport for SEND pupils, Yardley and Sheldon",
        "Accessible minibus routes with passenger assistants for pupils with special "
        "educational needs.",
        "140000",
        "B26 1AA",
        ("60130000",),
        even=3,
        target=EAST,
        state="draft",
    ),
    ContractSpec(
        "birmingham-city-council",
        "Warm spaces community meals, winter 2025",
        "Hot meals served at warm spaces in libraries and community centres, November 2025 to "
        "February 2026.",
        "36000",
        "B9 5AB",
        ("55520000",),
        lots=(
            LotSpec("Small Heath and Bordesley Green warm spaces", "14000"),
            LotSpec("Alum Rock and Saltley warm spaces", "12000", delivery_postcode="B8 1QT"),
            LotSpec("Stechford warm spaces", "10000", delivery_postcode="B33 8QE"),
        ),
        target=EAST,
        state="awarded",
        awards=(
            AwardSpec(1, business="Small Heath Community Kitchen CIC", share="1"),
            AwardSpec(2, share="0.95"),  # a local micro VCSE caterer (see _award_business_picker)
            AwardSpec(3, share="0.96"),
        ),
    ),
    # West Midlands Combined Authority (2026 Order).
    ContractSpec(
        "west-midlands-combined-authority",
        "Digital inclusion helpdesk for East Birmingham residents",
        "Drop-in and phone help with devices, online forms and job applications at three "
        "community hubs.",
        "60000",
        "B10 0HJ",
        ("72253000",),
        even=3,
        target=EAST,
        reserve={1: WMCA_RESERVATION, 2: WMCA_RESERVATION, 3: WMCA_RESERVATION},
    ),
    ContractSpec(
        "west-midlands-combined-authority",
        "Community transport to training and job interviews",
        "Door-to-door minibus transport for residents getting to training courses and interviews.",
        "84000",
        "B33 9UA",
        ("60100000",),
        districts=("B33", "B34", "B36", "B37"),
    ),
    ContractSpec(
        "west-midlands-combined-authority",
        "Skills fair event printing",
        "Banners, leaflets and signage for a one-day skills fair.",
        "12000",
        "B1 1BB",
        ("79810000",),
        no_lots_reason="One event with one design and delivery date.",
        state="cancelled",
    ),
    # University Hospitals Birmingham (central threshold class, no reservations).
    ContractSpec(
        "university-hospitals-birmingham",
        "Ward and outpatient cleaning support, Heartlands Hospital",
        "Additional cleaning for outpatient areas, waiting rooms and staff rooms at Heartlands "
        "Hospital, Bordesley Green East.",
        "150000",
        "B9 5SS",
        ("90910000",),
        lots=(
            LotSpec("Outpatient waiting areas", "42000"),
            LotSpec("Staff rooms and offices", "30000", cpv_codes=("90919200",)),
            LotSpec("Out-of-hours deep cleans", "28000"),
            LotSpec("Window cleaning", "26000"),
            LotSpec(
                "Community clinics in Sheldon and Yardley", "24000", delivery_postcode="B26 3QJ"
            ),
        ),
        target={1: EAST, 2: EAST, 5: ("B25", "B26")},
    ),
    ContractSpec(
        "university-hospitals-birmingham",
        "Patient transport for outpatient appointments",
        "Accessible car and minibus transport for patients who cannot use public transport.",
        "45000",
        "B9 5SS",
        ("60130000",),
        even=2,
        target=("B9", "B10", "B33"),
    ),
    ContractSpec(
        "university-hospitals-birmingham",
        "Garden and grounds upkeep at Heartlands Hospital, 2025",
        "Grounds and healing-garden maintenance, spring and summer 2025.",
        "28000",
        "B9 5SS",
        ("77310000",),
        lots=(
            LotSpec("Healing garden", "12000", cpv_codes=("77311000",)),
            LotSpec("Car parks and verges", "16000"),
        ),
        target={1: EAST},
        state="awarded",
        awards=(
            AwardSpec(1, business="Shard End Grounds & Gardens Ltd", share="0.98"),
            AwardSpec(
                2,
                supplier_name="Midland Estates Landscaping Group Ltd",
                supplier_postcode="WS10 8LT",
                share="0.92",
            ),
        ),
    ),
    # University of Birmingham (no reservations).
    ContractSpec(
        "university-of-birmingham",
        "IT support for community engagement hubs",
        "Helpdesk and on-site support for three university community hubs in East Birmingham.",
        "54000",
        "B15 2TT",
        ("72250000", "72253000"),
        districts=("B8", "B9", "B10"),
    ),
    ContractSpec(
        "university-of-birmingham",
        "Catering for the public lecture series",
        "Refreshments and light buffets for twelve public lectures.",
        "22000",
        "B15 2TT",
        ("55520000",),
        even=2,
        state="draft",
    ),
    # Aston University.
    ContractSpec(
        "aston-university",
        "Printing for the widening participation programme",
        "Prospectuses, posters and workshop packs for schools outreach.",
        "32000",
        "B4 7ET",
        ("79810000",),
        even=2,
        target={1: EAST},
    ),
    ContractSpec(
        "aston-university",
        "Repairs to the Aston community outreach centre",
        "Refurbishing the kitchen, toilets and meeting rooms of a community outreach centre.",
        "40000",
        "B7 4BL",
        ("45453000",),
        procurement_type=Contract.ProcurementType.WORKS,
        lots=(
            LotSpec("Kitchen and toilets", "24000"),
            LotSpec("Meeting rooms: decorating and flooring", "16000"),
        ),
        target=EAST,
    ),
    # Bournville Village Trust.
    ContractSpec(
        "bournville-village-trust",
        "Communal area cleaning and gardens, Bournville estates",
        "Cleaning of communal stairs and halls, and upkeep of shared gardens.",
        "66000",
        "B30 2RA",
        ("90910000", "77310000"),
        lots=(
            LotSpec("Communal stairs and halls", "30000", cpv_codes=("90910000",)),
            LotSpec("Shared gardens", "24000", cpv_codes=("77310000",)),
            LotSpec("Bin store cleaning", "12000", cpv_codes=("90910000",)),
        ),
        target=("B30", "B31"),
    ),
    ContractSpec(
        "bournville-village-trust",
        "Tenancy sustainment and befriending support",
        "One-to-one support for tenants at risk of losing their homes, and a befriending "
        "service for older tenants.",
        "90000",
        "B30 2RA",
        ("85310000",),
        procurement_type=Contract.ProcurementType.LIGHT_TOUCH,
        lots=(
            LotSpec("Tenancy sustainment support", "54000"),
            LotSpec("Befriending for older tenants", "36000"),
        ),
        target={2: ("B30", "B31", "B29")},
    ),
    # West Midlands Police (PPN 005).
    ContractSpec(
        "west-midlands-police",
        "Station cleaning and vehicle valeting, East Birmingham",
        "Cleaning at neighbourhood police bases and valeting of patrol vehicles.",
        "58000",
        "B9 5AA",
        ("90910000",),
        lots=(
            LotSpec("Neighbourhood base cleaning", "26000"),
            LotSpec("Vehicle valeting", "20000"),
            LotSpec("Custody suite deep cleans", "12000"),
        ),
        target=EAST,
        reserve={1: WMP_RESERVATION, 2: WMP_RESERVATION},
    ),
    ContractSpec(
        "west-midlands-police",
        "Victim support befriending service",
        "Befriending and practical support for repeat victims of crime in East Birmingham.",
        "70000",
        "B8 3HT",
        ("85310000",),
        procurement_type=Contract.ProcurementType.LIGHT_TOUCH,
        even=2,
        target=EAST,
    ),
)

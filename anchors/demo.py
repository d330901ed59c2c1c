"""The East Birmingham demo: data and the builders behind ``manage.py seed_demo``.

Everything is created through the services (as the institution's officer, or the business's
owner), so the demo data obeys the same rules as real data. It is deterministic
(``random.Random(2026)``) and idempotent: each object has a natural key (institution slug, user
email, business name, contract institution + title) and an object that already exists is left
alone, so a second run creates nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from anchors import rules
from anchors.models import Contract, Institution, Lot, Membership, Question
from anchors.services import (
    LotDraft,
    award_record,
    contract_cancel,
    contract_create,
    contract_publish,
    contract_split_into_lots,
    contract_update,
    institution_create,
    lot_set_reservation,
    lot_set_target_area,
    membership_add,
    propose_by_district,
    propose_even_split,
    question_answer,
    question_ask,
)
from places.areas import EAST_BIRMINGHAM_CORE_DISTRICTS, EAST_BIRMINGHAM_SLUG
from places.models import NamedArea
from sectors.cpv import candidate_parents
from sectors.models import CpvCode
from suppliers.models import Business, Certification
from suppliers.services import business_create

DEMO_PASSWORD = "locallots-demo"
DEMO_DOMAIN = "demo.locallots.test"
COORDINATOR_EMAIL = f"coordinator@{DEMO_DOMAIN}"
SEED = 2026

# --- CPV codes -----------------------------------------------------------------------------
# (code, check digit, label) from the official CPV 2008 list (cpv_2008_en.csv), parents first,
# so a fresh install without ``load_cpv`` gets them with the right parent.
DEMO_CPV_CODES: tuple[tuple[str, str, str], ...] = (
    ("55520000", "1", "Catering services"),
    ("55523100", "3", "School-meal services"),
    ("90910000", "9", "Cleaning services"),
    ("90919200", "4", "Office cleaning services"),
    ("77310000", "6", "Planting and maintenance services of green areas"),
    ("77311000", "3", "Ornamental and pleasure gardens maintenance services"),
    ("50700000", "2", "Repair and maintenance services of building installations"),
    ("45453000", "7", "Overhaul and refurbishment work"),
    ("79810000", "5", "Printing services"),
    ("72250000", "2", "System and support services"),
    ("72253000", "3", "Helpdesk and support services"),
    ("60100000", "9", "Road transport services"),
    ("60130000", "8", "Special-purpose road passenger-transport services"),
    ("85310000", "5", "Social work services"),
    ("85311000", "2", "Social work services with accommodation"),
)

# The eight sector families of the demo: (name, CPV codes a business in it may list, prefixes
# that identify it in lots and sectors).
SECTOR_FAMILIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "catering": (("55520000", "55523100", "55000000"), ("5552",)),
    "cleaning": (("90910000", "90919200", "90000000"), ("9091",)),
    "grounds maintenance": (("77310000", "77311000", "77000000"), ("7731",)),
    "building repairs": (("50700000", "45453000", "45000000"), ("507", "45453")),
    "printing": (("79810000", "79000000"), ("7981",)),
    "IT support": (("72253000", "72250000", "72000000"), ("7225",)),
    "transport": (("60100000", "60130000", "60000000"), ("601",)),
    "care and support": (("85310000", "85311000", "85000000"), ("8531",)),
}


def family_of(code: str) -> str | None:
    """The demo sector family a CPV code belongs to (divisions count for none)."""
    for name, (_codes, prefixes) in SECTOR_FAMILIES.items():
        if any(code.startswith(p) for p in prefixes):
            return name
    return None


# --- Institutions and people ---------------------------------------------------------------


@dataclass(frozen=True)
class InstitutionSpec:
    slug: str
    name: str
    kind: str
    threshold_class: str
    regime: str
    officer_email: str
    officer_name: str
    role: str = Membership.Role.OFFICER
    home_area_name: str = ""
    county_name: str = ""
    website: str = ""


K, T, R = Institution.Kind, Institution.ThresholdClass, Institution.Regime
INSTITUTIONS: tuple[InstitutionSpec, ...] = (
    InstitutionSpec(
        "birmingham-city-council",
        "Birmingham City Council",
        K.COUNCIL,
        T.SUB_CENTRAL,
        R.ORDER_2026,
        f"officer.bcc@{DEMO_DOMAIN}",
        "Priya Sharma",
        role=Membership.Role.ADMIN,
        home_area_name="Birmingham",
        county_name="West Midlands",
        website="https://www.birmingham.gov.uk/",
    ),
    InstitutionSpec(
        "west-midlands-combined-authority",
        "West Midlands Combined Authority",
        K.COMBINED_AUTHORITY,
        T.SUB_CENTRAL,
        R.ORDER_2026,
        f"officer.wmca@{DEMO_DOMAIN}",
        "Daniel Okafor",
        home_area_name="West Midlands Combined Authority area",
        county_name="West Midlands",
        website="https://www.wmca.org.uk/",
    ),
    InstitutionSpec(
        "university-hospitals-birmingham",
        "University Hospitals Birmingham NHS Foundation Trust",
        K.NHS_TRUST,
        T.CENTRAL,
        R.NONE,
        f"officer.uhb@{DEMO_DOMAIN}",
        "Helen Murphy",
        home_area_name="Birmingham",
        website="https://www.uhb.nhs.uk/",
    ),
    InstitutionSpec(
        "university-of-birmingham",
        "University of Birmingham",
        K.UNIVERSITY,
        T.SUB_CENTRAL,
        R.NONE,
        f"officer.uob@{DEMO_DOMAIN}",
        "Tom Reynolds",
        home_area_name="Birmingham",
        website="https://www.birmingham.ac.uk/",
    ),
    InstitutionSpec(
        "aston-university",
        "Aston University",
        K.UNIVERSITY,
        T.SUB_CENTRAL,
        R.NONE,
        f"officer.aston@{DEMO_DOMAIN}",
        "Aisha Begum",
        home_area_name="Birmingham",
        website="https://www.aston.ac.uk/",
    ),
    InstitutionSpec(
        "bournville-village-trust",
        "Bournville Village Trust",
        K.HOUSING_ASSOCIATION,
        T.SUB_CENTRAL,
        R.NONE,
        f"officer.bvt@{DEMO_DOMAIN}",
        "Gareth Lewis",
        home_area_name="Birmingham",
        website="https://www.bvt.org.uk/",
    ),
    InstitutionSpec(
        "west-midlands-police",
        "West Midlands Police",
        K.POLICE,
        T.SUB_CENTRAL,
        R.PPN_005,
        f"officer.wmp@{DEMO_DOMAIN}",
        "Sam Kaur",
        home_area_name="West Midlands",
        county_name="West Midlands",
        website="https://www.west-midlands.police.uk/",
    ),
)


# --- Businesses ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessSpec:
    name: str
    legal_form: str
    postcode: str
    sector_codes: tuple[str, ...]
    staff_headcount: int
    annual_turnover: Decimal
    max_contract_value: Decimal
    concurrent_capacity: int
    certification_slugs: tuple[str, ...]
    description: str
    public_profile: bool
    social_enterprise_declared: bool
    owner_email: str
    owner_name: str


LF = Business.LegalForm

# Businesses whose owners are the demo supplier logins: (spec fields..., what to try).
FEATURED_BUSINESSES: tuple[tuple[BusinessSpec, str], ...] = (
    (
        BusinessSpec(
            "Small Heath Community Kitchen CIC",
            LF.CIC,
            "B9 4AA",
            ("55520000", "55523100"),
            6,
            Decimal("210000"),
            Decimal("60000"),
            2,
            ("food-hygiene-rating-5", "living-wage-employer"),
            "A community kitchen in Small Heath cooking fresh, halal and vegetarian meals for "
            "schools, warm spaces and community events across East Birmingham.",
            True,
            False,
            f"business@{DEMO_DOMAIN}",
            "Nadia Hussain",
        ),
        "Supplier (micro CIC, B9 catering)",
    ),
    (
        BusinessSpec(
            "Alum Rock Cleaning Co-op",
            LF.COOPERATIVE,
            "B8 1QT",
            ("90910000", "90919200"),
            8,
            Decimal("180000"),
            Decimal("45000"),
            2,
            ("safecontractor", "living-wage-employer"),
            "A worker-owned cleaning co-operative in Alum Rock: offices, community centres and "
            "communal areas, all staff paid the Real Living Wage.",
            True,
            False,
            f"business.cleaning@{DEMO_DOMAIN}",
            "Farid Akhtar",
        ),
        "Supplier (micro co-op, B8 cleaning)",
    ),
    (
        BusinessSpec(
            "Shard End Grounds & Gardens Ltd",
            LF.LIMITED_COMPANY,
            "B34 7HD",
            ("77310000", "77311000"),
            12,
            Decimal("520000"),
            Decimal("90000"),
            3,
            ("chas", "iso-14001"),
            "Grounds maintenance, grass cutting, planting and small landscaping jobs for parks, "
            "schools and housing estates in north-east Birmingham.",
            True,
            False,
            f"business.grounds@{DEMO_DOMAIN}",
            "Lee Thompson",
        ),
        "Supplier (small company, B34 grounds)",
    ),
    (
        BusinessSpec(
            "Bordesley Green IT Help",
            LF.SOLE_TRADER,
            "B10 0SJ",
            ("72253000",),
            1,
            Decimal("48000"),
            Decimal("20000"),
            1,
            ("cyber-essentials",),
            "One-person IT support: helpdesk, laptops and Wi-Fi for charities, community hubs "
            "and small offices in Bordesley Green and Small Heath.",
            False,
            False,
            f"business.it@{DEMO_DOMAIN}",
            "Imran Ali",
        ),
        "Supplier (sole trader, B10 IT, private profile)",
    ),
)

# Neighbourhood names per postcode district, for business names.
PLACES: dict[str, tuple[str, ...]] = {
    "B7": ("Nechells", "Bloomsbury", "Duddeston"),
    "B8": ("Alum Rock", "Saltley", "Washwood Heath", "Ward End"),
    "B9": ("Small Heath", "Bordesley Green", "Bordesley"),
    "B10": ("Small Heath", "Sparkbrook", "Bordesley Green"),
    "B11": ("Sparkhill", "Tyseley", "Sparkbrook"),
    "B25": ("Yardley", "South Yardley"),
    "B26": ("Sheldon", "Yardley", "Garretts Green"),
    "B33": ("Stechford", "Kitts Green", "Glebe Farm", "Tile Cross"),
    "B34": ("Shard End", "Hodge Hill"),
    "B35": ("Castle Vale",),
    "B36": ("Hodge Hill", "Bromford", "Castle Bromwich"),
    "B37": ("Chelmsley Wood", "Tile Cross", "Kingshurst"),
    "B1": ("Jewellery Quarter", "City Centre"),
    "B5": ("Digbeth", "Highgate"),
    "B6": ("Aston", "Witton"),
    "B12": ("Balsall Heath", "Highgate"),
    "B13": ("Moseley", "Billesley"),
    "B14": ("Kings Heath", "Yardley Wood"),
    "B15": ("Edgbaston",),
    "B19": ("Lozells", "Newtown"),
    "B20": ("Handsworth", "Handsworth Wood"),
    "B21": ("Handsworth",),
    "B23": ("Erdington", "Stockland Green"),
    "B24": ("Erdington", "Pype Hayes"),
    "B27": ("Acocks Green",),
    "B28": ("Hall Green",),
    "B29": ("Selly Oak", "Weoley Castle"),
    "B30": ("Bournville", "Stirchley"),
    "B31": ("Northfield", "Longbridge"),
    "B42": ("Perry Barr", "Great Barr"),
    "B43": ("Great Barr",),
    "B44": ("Kingstanding",),
}
OTHER_DISTRICTS = tuple(d for d in PLACES if d not in EAST_BIRMINGHAM_CORE_DISTRICTS)
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# Per family: trade words for names, certifications it may hold, what it does, turnover per head.
TRADES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str, int]] = {
    "catering": (
        ("Community Kitchen", "Catering", "Kitchen", "Meals on the Move", "Food Co", "Lunch Club"),
        ("food-hygiene-rating-5", "living-wage-employer"),
        "Fresh meals, buffets and school lunches",
        38000,
    ),
    "cleaning": (
        ("Cleaning", "Cleaning Services", "Clean Team", "Hygiene Services", "Spotless Cleaners"),
        ("safecontractor", "chas", "iso-9001", "living-wage-employer"),
        "Office, community building and communal area cleaning",
        30000,
    ),
    "grounds maintenance": (
        ("Grounds & Gardens", "Gardening", "Landscapes", "Green Spaces", "Tree & Garden Care"),
        ("chas", "safecontractor", "iso-14001"),
        "Grass cutting, planting, hedges and small landscaping jobs",
        42000,
    ),
    "building repairs": (
        ("Building Repairs", "Property Maintenance", "Builders", "Handyman Services", "Joinery"),
        ("chas", "constructionline", "gas-safe", "niceic", "safecontractor"),
        "Responsive repairs, voids, decorating and small works",
        60000,
    ),
    "printing": (
        ("Print", "Print & Design", "Printers", "Print Works"),
        ("iso-14001", "iso-9001"),
        "Leaflets, newsletters, posters and event print",
        55000,
    ),
    "IT support": (
        ("IT Support", "Tech Help", "Computer Services", "Digital", "IT Solutions"),
        ("cyber-essentials", "cyber-essentials-plus", "iso-9001"),
        "Helpdesk, device set-up, networks and digital skills support",
        65000,
    ),
    "transport": (
        ("Community Transport", "Minibus Hire", "Travel", "Cars", "Accessible Transport"),
        ("dbs-enhanced",),
        "Minibus and accessible passenger transport, school runs and day trips",
        40000,
    ),
    "care and support": (
        ("Care", "Support Services", "Befriending", "Home Support", "Community Care"),
        ("cqc-registered", "dbs-enhanced", "living-wage-employer"),
        "Befriending, tenancy support and care at home",
        32000,
    ),
}
LEGAL_FORM_WEIGHTS = (
    (LF.SOLE_TRADER, 22),
    (LF.LIMITED_COMPANY, 38),
    (LF.CIC, 16),
    (LF.CHARITY, 9),
    (LF.COOPERATIVE, 7),
    (LF.PARTNERSHIP, 8),
)
FIRST_NAMES = (
    "Amir", "Beth", "Carlos", "Dev", "Ella", "Femi", "Grace", "Hassan", "Ivy", "Jamal",
    "Kerry", "Leon", "Maya", "Nasir", "Olu", "Parveen", "Ravi", "Shona", "Tariq", "Una",
)  # fmt: skip
SURNAMES = (
    "Ahmed", "Brown", "Clarke", "Desai", "Evans", "Francis", "Green", "Hussain", "Iqbal",
    "Jones", "Khan", "Lewis", "Mahmood", "Nelson", "O'Connor", "Patel", "Rahman", "Smith",
)  # fmt: skip
GENERATED_BUSINESSES = 156


def _suffixed(base: str, legal_form: str, rng: random.Random) -> str:
    if legal_form == LF.LIMITED_COMPANY:
        return f"{base} Ltd"
    if legal_form == LF.CIC:
        return f"{base} CIC"
    if legal_form == LF.CHARITY:
        return f"{base} {rng.choice(('Trust', 'Project', 'Community Trust'))}"
    if legal_form == LF.COOPERATIVE:
        return f"{base} Co-op"
    if legal_form == LF.PARTNERSHIP:
        return f"{base} {rng.choice(('& Partners', '& Co', 'Partnership'))}"
    return base


def _money(value: float, step: int = 1000) -> Decimal:
    return Decimal(max(step, round(value / step) * step))


def business_specs() -> list[BusinessSpec]:
    """The demo businesses: the featured ones, then 156 generated ones, always the same."""
    rng = random.Random(SEED)
    specs = [spec for spec, _ in FEATURED_BUSINESSES]
    names = {spec.name for spec in specs}
    families = list(TRADES)
    forms, weights = zip(*LEGAL_FORM_WEIGHTS, strict=True)
    while len(specs) < len(FEATURED_BUSINESSES) + GENERATED_BUSINESSES:
        family = families[len(specs) % len(families)]
        trades, certs, does, per_head = TRADES[family]
        local = rng.random() < 0.72
        district = rng.choice(EAST_BIRMINGHAM_CORE_DISTRICTS if local else OTHER_DISTRICTS)
        place = rng.choice(PLACES[district])
        legal_form = rng.choices(forms, weights)[0]
        if legal_form == LF.SOLE_TRADER:
            base = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {rng.choice(trades)}"
        else:
            base = f"{place} {rng.choice(trades)}"
        name = _suffixed(base, legal_form, rng)
        if name in names:
            continue  # try another combination; the loop stays deterministic
        names.add(name)
        size_roll = rng.random()
        if legal_form == LF.SOLE_TRADER:
            staff = rng.randint(1, 3)
        elif size_roll < 0.72:
            staff = rng.randint(1, 9)
        elif size_roll < 0.95:
            staff = rng.randint(10, 49)
        else:
            staff = rng.randint(50, 249)
        turnover = _money(staff * per_head * rng.uniform(0.8, 1.3))
        family_codes = SECTOR_FAMILIES[family][0]
        codes = rng.sample(family_codes, rng.randint(1, min(3, len(family_codes))))
        if rng.random() < 0.15:  # some do a second trade (cleaning and grounds, say)
            other = rng.choice([f for f in families if f != family])
            codes.append(SECTOR_FAMILIES[other][0][0])
        slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
        slug = "-".join(part for part in slug.split("-") if part)
        specs.append(
            BusinessSpec(
                name=name,
                legal_form=legal_form,
                postcode=f"{district} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}"
                f"{rng.choice(INWARD_LETTERS)}",
                sector_codes=tuple(codes),
                staff_headcount=staff,
                annual_turnover=turnover,
                max_contract_value=_money(float(turnover) * rng.uniform(0.25, 0.6)),
                concurrent_capacity=rng.randint(1, 4 if staff >= 5 else 2),
                certification_slugs=tuple(rng.sample(certs, rng.randint(0, min(2, len(certs))))),
                description=f"{does} from {place} ({district}).",
                public_profile=rng.random() < 0.5,
                social_enterprise_declared=legal_form == LF.LIMITED_COMPANY and rng.random() < 0.12,
                owner_email=f"owner+{slug}@{DEMO_DOMAIN}",
                owner_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
            )
        )
    return specs


# --- Contracts -----------------------------------------------------------------------------

EAST = "east-birmingham"  # target: the built-in East Birmingham area

BCC_RESERVATION = (
    "sme_vcse",
    "authority_area",
    "Small, local and social-enterprise providers can deliver this lot well; reserving it "
    "supports the East Birmingham Inclusive Growth Strategy (2026 Order).",
)
WMCA_RESERVATION = (
    "sme_vcse",
    "authority_area",
    "A below-threshold lot suited to SMEs and VCSEs in the combined authority area; reserved "
    "under the 2026 Order to grow local supply chains.",
)
WMP_RESERVATION = (
    "sme_vcse",
    "county",
    "Below threshold and suited to small local providers; reserved for SMEs and VCSEs in the "
    "West Midlands county under PPN 005.",
)


@dataclass(frozen=True)
class LotSpec:
    title: str
    value: str
    description: str = ""
    cpv_codes: tuple[str, ...] = ()
    delivery_postcode: str = ""


@dataclass(frozen=True)
class AwardSpec:
    lot: int
    business: str = ""  # a demo business's name, or
    supplier_name: str = ""  # an outside supplier
    supplier_postcode: str = ""
    share: str = "0.97"  # award value as a share of the lot value


@dataclass(frozen=True)
class ContractSpec:
    institution: str
    title: str
    description: str
    value: str
    postcode: str
    cpv_codes: tuple[str, ...]
    procurement_type: str = Contract.ProcurementType.SERVICES
    vat_exempt: bool = False
    even: int = 0  # split evenly into this many lots
    districts: tuple[str, ...] = ()  # or one lot per district (each hyper-local to it)
    lots: tuple[LotSpec, ...] = ()  # or these lots
    no_lots_reason: str = ""  # or not split, and why
    target: object = None  # EAST, a tuple of districts, or {lot number: EAST | districts}
    reserve: dict = field(default_factory=dict)  # {lot number: (suppliers, location, rationale)}
    state: str = "open"  # open | draft | cancelled | awarded
    closes_in_days: int = 28
    awards: tuple[AwardSpec, ...] = ()


def _ref(n: int) -> str:
    return f"2026/S 000-0{n:05d}"


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

# The warm-spaces awards: a B8 catering social enterprise and a B33 one, chosen at run time
# from the generated businesses (see ``_award_business``).
LOCAL_CATERER_DISTRICTS = ("B8", "B33")


# --- Building ------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    created: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str, str]] = field(default_factory=list)  # role, email, pw, try

    @property
    def already_present(self) -> bool:
        return not any(self.created.values())


def ensure_cpv_codes() -> int:
    """Make sure every demo CPV code exists (a fresh install has only the divisions)."""
    existing = set(
        CpvCode.objects.filter(code__in=[c for c, _, _ in DEMO_CPV_CODES]).values_list(
            "code", flat=True
        )
    )
    created = 0
    for code, check_digit, label in DEMO_CPV_CODES:
        if code in existing:
            continue
        known = set(
            CpvCode.objects.filter(code__in=candidate_parents(code)).values_list("code", flat=True)
        )
        parent = next((p for p in candidate_parents(code) if p in known), None)
        CpvCode.objects.create(code=code, check_digit=check_digit, label=label, parent_id=parent)
        existing.add(code)
        created += 1
    return created


class _Users:
    """Demo users by email, created once with one pre-computed password hash (fast)."""

    def __init__(self, summary: DemoSummary):
        self.summary = summary
        self.password_hash = make_password(DEMO_PASSWORD)
        self.now = timezone.now()

    def get(self, email: str, full_name: str, **flags):
        User = get_user_model()
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=full_name, email_verified_at=self.now, **flags)
            user.password = self.password_hash
            user.save()
            self.summary.created["users"] = self.summary.created.get("users", 0) + 1
        return user


def build_institutions(users: _Users, coordinator) -> dict[str, tuple[Institution, object]]:
    """Each institution and its officer, keyed by slug."""
    out = {}
    for spec in INSTITUTIONS:
        institution = Institution.objects.filter(slug=spec.slug).first()
        if institution is None:
            institution = institution_create(
                actor=coordinator,
                name=spec.name,
                slug=spec.slug,
                kind=spec.kind,
                threshold_class=spec.threshold_class,
                reservation_regime=spec.regime,
                home_area_name=spec.home_area_name,
                county_name=spec.county_name,
                website=spec.website,
            )
            users.summary.created["institutions"] = users.summary.created.get("institutions", 0) + 1
        officer = users.get(spec.officer_email, spec.officer_name)
        if not Membership.objects.filter(institution=institution, user=officer).exists():
            membership_add(actor=coordinator, institution=institution, user=officer, role=spec.role)
        out[spec.slug] = (institution, officer)
    return out


def build_businesses(users: _Users) -> dict[str, Business]:
    """Every demo business, keyed by name; missing ones registered by their owner."""
    existing = {
        b.name: b for b in Business.objects.filter(name__in=[s.name for s in business_specs()])
    }
    known_certs = set(Certification.objects.values_list("slug", flat=True))
    for spec in business_specs():
        if spec.name in existing:
            continue
        owner = users.get(spec.owner_email, spec.owner_name)
        existing[spec.name] = business_create(
            actor=owner,
            name=spec.name,
            legal_form=spec.legal_form,
            postcode=spec.postcode,
            sector_codes=spec.sector_codes,
            staff_headcount=spec.staff_headcount,
            annual_turnover=spec.annual_turnover,
            max_contract_value=spec.max_contract_value,
            concurrent_capacity=spec.concurrent_capacity,
            certification_slugs=[s for s in spec.certification_slugs if s in known_certs],
            description=spec.description,
            public_profile=spec.public_profile,
            social_enterprise_declared=spec.social_enterprise_declared,
        )
        users.summary.created["businesses"] = users.summary.created.get("businesses", 0) + 1
    return existing


def _notice_needed(contract: Contract, on) -> bool:
    gross = rules.vat_inclusive(contract.estimated_value, vat_exempt=contract.vat_exempt)
    notifiable = rules.notifiable_value_for(
        threshold_class=contract.institution.threshold_class, on=on
    )
    return gross >= notifiable


def _plan(spec: ContractSpec, contract: Contract) -> list[LotDraft] | None:
    if spec.even:
        return propose_even_split(contract=contract, lots=spec.even)
    if spec.districts:
        return propose_by_district(contract=contract, districts=list(spec.districts))
    if spec.lots:
        return [
            LotDraft(
                title=lot.title,
                value=Decimal(lot.value),
                description=lot.description,
                delivery_postcode=lot.delivery_postcode,
                cpv_codes=list(lot.cpv_codes),
            )
            for lot in spec.lots
        ]
    return None


def _targets(spec: ContractSpec, lots: list[Lot]) -> dict[int, object]:
    if spec.target is None:
        return {}
    if isinstance(spec.target, dict):
        return spec.target
    return {lot.number: spec.target for lot in lots}


def build_contract(
    spec: ContractSpec,
    *,
    institution: Institution,
    officer,
    east: NamedArea,
    award_business: Callable[[AwardSpec], Business | None],
    ref_number: int,
) -> Contract:
    """One demo contract, taken through the services from draft to its demo state."""
    now = timezone.now()
    contract = contract_create(
        actor=officer,
        institution=institution,
        title=spec.title,
        description=spec.description,
        estimated_value=spec.value,
        delivery_postcode=spec.postcode,
        cpv_codes=list(spec.cpv_codes),
        procurement_type=spec.procurement_type,
        closes_at=now + timedelta(days=spec.closes_in_days),
        starts_on=(now + timedelta(days=spec.closes_in_days + 30)).date(),
        ends_on=(now + timedelta(days=spec.closes_in_days + 30 + 365)).date(),
        vat_exempt=spec.vat_exempt,
    )
    plan = _plan(spec, contract)
    if plan is not None:
        lots = contract_split_into_lots(actor=officer, contract=contract, plan=plan)
    else:
        lots = list(contract.lots.all())
    changes = {}
    if spec.no_lots_reason:
        changes["no_lots_reason"] = spec.no_lots_reason
    if _notice_needed(contract, now.date()):
        changes["find_a_tender_ref"] = _ref(ref_number)
    if changes:
        contract = contract_update(actor=officer, contract=contract, **changes)
    by_number = {lot.number: lot for lot in lots}
    for number, target in _targets(spec, lots).items():
        if target == EAST:
            lot_set_target_area(actor=officer, lot=by_number[number], area=east)
        else:
            lot_set_target_area(actor=officer, lot=by_number[number], districts=list(target))
    for number, (suppliers, location, rationale) in spec.reserve.items():
        lot_set_reservation(
            actor=officer,
            lot=by_number[number],
            suppliers=suppliers,
            location=location,
            rationale=rationale,
        )
    if spec.state == "draft":
        return contract
    contract = contract_publish(actor=officer, contract=contract)
    if spec.state == "cancelled":
        return contract_cancel(
            actor=officer,
            contract=contract,
            reason="The skills fair was postponed to next year; we will publish again then.",
        )
    if spec.state == "awarded":
        # Demo history: this contract was published and closed months ago. The services only
        # publish with a future closing date, so move the dates into the past directly.
        Contract.objects.filter(pk=contract.pk).update(
            published_at=now - timedelta(days=150), closes_at=now - timedelta(days=120)
        )
        contract.refresh_from_db()
        for award in spec.awards:
            lot = Lot.objects.get(contract=contract, number=award.lot)
            business = award_business(award)
            award_record(
                actor=officer,
                lot=lot,
                value=(lot.value * Decimal(award.share)).quantize(Decimal("0.01")),
                awarded_on=(now - timedelta(days=100)).date(),
                business=business,
                supplier_name="" if business else award.supplier_name,
                supplier_postcode="" if business else award.supplier_postcode,
            )
    return contract


def _award_business_picker(businesses: dict[str, Business]):
    """An award names a demo business, an outside supplier, or neither: then the next local
    (B8, B33) micro VCSE caterer among the generated businesses wins it."""
    caterer_names = {
        spec.name
        for spec in business_specs()
        if any(code.startswith("5552") for code in spec.sector_codes)
    }
    featured = {spec.name for spec, _ in FEATURED_BUSINESSES}
    pool = iter(
        b
        for name, b in sorted(businesses.items())
        if name in caterer_names
        and name not in featured
        and b.district in LOCAL_CATERER_DISTRICTS
        and b.is_vcse
        and b.size_class == Business.SizeClass.MICRO
    )

    def pick(award: AwardSpec) -> Business | None:
        if award.supplier_name:
            return None
        if award.business:
            return businesses[award.business]
        return next(pool, None) or businesses[FEATURED_BUSINESSES[0][0].name]

    return pick


def build_contracts(institutions, businesses: dict[str, Business], summary: DemoSummary) -> None:
    east = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    pick = _award_business_picker(businesses)
    for number, spec in enumerate(CONTRACTS, start=1):
        institution, officer = institutions[spec.institution]
        if Contract.objects.filter(institution=institution, title=spec.title).exists():
            continue
        build_contract(
            spec,
            institution=institution,
            officer=officer,
            east=east,
            award_business=pick,
            ref_number=number,
        )
        summary.created["contracts"] = summary.created.get("contracts", 0) + 1


# Clarification questions on open hyper-local lots: (question, answer or "" for unanswered).
DEMO_QUESTIONS: tuple[tuple[str, str], ...] = (
    (
        "Can two micro-enterprises bid for this lot together as a consortium?",
        "Yes. Name a lead business when you register interest and list your partners in the "
        "note; each partner must meet the lot's reservation on its own.",
    ),
    (
        "Is there parking or a loading bay at the delivery address?",
        "",
    ),
)


def build_questions(businesses: dict[str, Business], summary: DemoSummary) -> None:
    """A published answer and an unanswered question on the first open hyper-local lots."""
    if Question.objects.filter(business__in=list(businesses.values())).exists():
        return
    asker_spec, _ = FEATURED_BUSINESSES[0]
    business = businesses[asker_spec.name]
    owner = business.members.select_related("user").first().user
    lots = list(
        Lot.objects.open()
        .hyper_local()
        .select_related("contract__institution")
        .order_by("contract__closes_at", "pk")[: len(DEMO_QUESTIONS)]
    )
    for lot, (text, answer) in zip(lots, DEMO_QUESTIONS, strict=False):
        question = question_ask(actor=owner, business=business, lot=lot, text=text)
        if answer:
            officer = lot.contract.institution.memberships.select_related("user").first().user
            question_answer(actor=officer, question=question, answer=answer)
        summary.created["questions"] = summary.created.get("questions", 0) + 1


def _counts() -> dict[str, int]:
    demo_institutions = Institution.objects.filter(slug__in=[s.slug for s in INSTITUTIONS])
    contracts = Contract.objects.filter(institution__in=demo_institutions)
    lots = Lot.objects.filter(contract__in=contracts)
    businesses = Business.objects.filter(name__in=[s.name for s in business_specs()])
    return {
        "institutions": demo_institutions.count(),
        "contracts": contracts.count(),
        "published contracts": contracts.published().count(),
        "lots": lots.count(),
        "hyper-local lots": lots.hyper_local().count(),
        "reserved lots": lots.reserved().count(),
        "awarded lots": lots.filter(award__isnull=False).count(),
        "businesses": businesses.count(),
        "micro businesses": businesses.filter(size_class=Business.SizeClass.MICRO).count(),
        "VCSE businesses": businesses.filter(is_vcse=True).count(),
        "in East Birmingham (core)": businesses.filter(
            district__in=EAST_BIRMINGHAM_CORE_DISTRICTS
        ).count(),
    }


def _logins() -> list[tuple[str, str, str, str]]:
    rows = [
        (
            "Coordinator",
            COORDINATOR_EMAIL,
            DEMO_PASSWORD,
            "The network dashboard at /network/; every record in the Django admin at /admin/",
        )
    ]
    for spec in INSTITUTIONS:
        role = "Institution admin" if spec.role == Membership.Role.ADMIN else "Officer"
        rows.append(
            (
                f"{role}, {spec.name}",
                spec.officer_email,
                DEMO_PASSWORD,
                "Their institution's contracts, lots, questions and awards at /buyer/contracts/",
            )
        )
    for spec, what in FEATURED_BUSINESSES:
        rows.append((f"Supplier, {spec.name}", spec.owner_email, DEMO_PASSWORD, what))
    rows.append(
        (
            "Supplier, any other demo business",
            f"owner+<business-name-slug>@{DEMO_DOMAIN}",
            DEMO_PASSWORD,
            f"e.g. {business_specs()[len(FEATURED_BUSINESSES)].owner_email}; "
            "see Business members in the admin",
        )
    )
    return rows


def seed_demo(stdout=None) -> DemoSummary:
    """Create whatever part of the demo is missing, in one transaction, and sum it up."""

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message)

    summary = DemoSummary()
    with transaction.atomic():
        summary.created["CPV codes"] = ensure_cpv_codes()
        users = _Users(summary)
        coordinator = users.get(
            COORDINATOR_EMAIL,
            "Demo Coordinator",
            is_coordinator=True,
            is_staff=True,
            is_superuser=True,
        )
        say("Institutions and officers...")
        institutions = build_institutions(users, coordinator)
        say("Businesses...")
        businesses = build_businesses(users)
        say("Contracts and lots...")
        build_contracts(institutions, businesses, summary)
        build_questions(businesses, summary)
        summary.counts = _counts()
        summary.logins = _logins()
    return summary

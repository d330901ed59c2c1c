"""The demo businesses whose owners are the supplier logins, and the shape of every demo business."""

from dataclasses import dataclass
from decimal import Decimal

from demo.context import DEMO_DOMAIN
from suppliers.models import Business


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

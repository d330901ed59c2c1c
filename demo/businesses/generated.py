"""The 156 generated demo businesses: local trades across Birmingham's districts, mostly micro
and many social enterprises, always the same (``random.Random(2026)``)."""

import random
from decimal import Decimal

from demo.businesses.featured import FEATURED_BUSINESSES, LF, BusinessSpec
from demo.context import DEMO_DOMAIN
from demo.sectors import SECTOR_FAMILIES
from places.areas import EAST_BIRMINGHAM_CORE_DISTRICTS

SEED = 2026

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

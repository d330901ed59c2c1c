"""Registering the demo businesses, each by its owner through ``business_create``."""

from demo.businesses.featured import FEATURED_BUSINESSES, BusinessSpec
from demo.businesses.generated import business_specs
from demo.context import DEMO_DOMAIN, Demo, Login
from places.areas import EAST_BIRMINGHAM_CORE_DISTRICTS
from suppliers.models import Business, Certification
from suppliers.services import business_create


def seed(demo: Demo) -> list[str]:
    """Every demo business into ``demo.businesses``; the missing ones registered by their owner."""
    specs = business_specs()
    existing = {b.name: b for b in Business.objects.filter(name__in=[s.name for s in specs])}
    missing = [spec for spec in specs if spec.name not in existing]
    if missing:
        owners = demo.users({spec.owner_email: spec.owner_name for spec in missing})
        known_certifications = set(Certification.objects.values_list("slug", flat=True))
        for spec in missing:
            existing[spec.name] = _register(spec, owners[spec.owner_email], known_certifications)
    demo.businesses.update(existing)
    if not missing:
        return []
    made = [existing[spec.name] for spec in missing]
    micro = sum(b.size_class == Business.SizeClass.MICRO for b in made)
    vcse = sum(b.is_vcse for b in made)
    east = sum(b.district in EAST_BIRMINGHAM_CORE_DISTRICTS for b in made)
    return [
        f"Created {len(made)} businesses ({micro} micro, {vcse} VCSE, {east} in East "
        "Birmingham), each with its owner's login"
    ]


def _register(spec: BusinessSpec, owner, known_certifications: set[str]) -> Business:
    return business_create(
        actor=owner,
        name=spec.name,
        legal_form=spec.legal_form,
        postcode=spec.postcode,
        sector_codes=spec.sector_codes,
        staff_headcount=spec.staff_headcount,
        annual_turnover=spec.annual_turnover,
        max_contract_value=spec.max_contract_value,
        concurrent_capacity=spec.concurrent_capacity,
        certification_slugs=[s for s in spec.certification_slugs if s in known_certifications],
        description=spec.description,
        public_profile=spec.public_profile,
        social_enterprise_declared=spec.social_enterprise_declared,
    )


def logins() -> list[Login]:
    rows = [
        Login(f"Supplier, {spec.name}", spec.owner_email, what)
        for spec, what in FEATURED_BUSINESSES
    ]
    example = business_specs()[len(FEATURED_BUSINESSES)].owner_email
    rows.append(
        Login(
            "Supplier, any other demo business",
            f"owner+<business-name-slug>@{DEMO_DOMAIN}",
            f"e.g. {example}; see Business members in the admin",
        )
    )
    return rows

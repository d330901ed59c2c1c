"""The seven anchor institutions of the demo, one per kind and regime, each with an officer."""

from dataclasses import dataclass

from anchors.models import Institution, Membership
from anchors.services import institution_create, membership_add
from demo.context import COORDINATOR_EMAIL, DEMO_DOMAIN, Demo, Login


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


def seed(demo: Demo) -> list[str]:
    """Each institution (created by the coordinator) and its officer, into ``demo``."""
    coordinator = demo.coordinator
    officers = demo.users({spec.officer_email: spec.officer_name for spec in INSTITUTIONS})
    existing = {i.slug: i for i in Institution.objects.filter(slug__in=_slugs())}
    members = set(
        Membership.objects.filter(institution__in=existing.values()).values_list(
            "institution__slug", "user__email"
        )
    )
    created = 0
    for spec in INSTITUTIONS:
        institution = existing.get(spec.slug)
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
            created += 1
        officer = officers[spec.officer_email]
        if (spec.slug, spec.officer_email) not in members:
            membership_add(actor=coordinator, institution=institution, user=officer, role=spec.role)
        demo.institutions[spec.slug] = (institution, officer)
    return [f"Created {created} anchor institutions, each with an officer"] if created else []


def _slugs() -> list[str]:
    return [spec.slug for spec in INSTITUTIONS]


def logins() -> list[Login]:
    rows = [
        Login(
            "Coordinator",
            COORDINATOR_EMAIL,
            "The network dashboard at /network/; every record in the Django admin at /admin/",
        )
    ]
    for spec in INSTITUTIONS:
        role = "Institution admin" if spec.role == Membership.Role.ADMIN else "Officer"
        rows.append(
            Login(
                f"{role}, {spec.name}",
                spec.officer_email,
                "Their institution's contracts, lots, questions and awards at /buyer/contracts/",
            )
        )
    return rows

"""The certifications a fresh install offers: ones UK public buyers commonly ask for.

Pure data (no Django imports): the data migration imports it, so keep slugs stable. Operators
add more through the admin.
"""

# (slug, name, description, url)
COMMON_CERTIFICATIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "cyber-essentials",
        "Cyber Essentials",
        "Government-backed scheme showing basic protection against common cyber attacks; "
        "required for many central government contracts that handle personal data.",
        "https://www.ncsc.gov.uk/cyberessentials/overview",
    ),
    (
        "cyber-essentials-plus",
        "Cyber Essentials Plus",
        "Cyber Essentials with an independent technical audit of the business's systems.",
        "https://www.ncsc.gov.uk/cyberessentials/overview",
    ),
    (
        "iso-9001",
        "ISO 9001",
        "Quality management system certified to ISO 9001.",
        "https://www.iso.org/iso-9001-quality-management.html",
    ),
    (
        "iso-14001",
        "ISO 14001",
        "Environmental management system certified to ISO 14001.",
        "https://www.iso.org/iso-14001-environmental-management.html",
    ),
    (
        "iso-45001",
        "ISO 45001",
        "Occupational health and safety management system certified to ISO 45001.",
        "https://www.iso.org/iso-45001-occupational-health-and-safety.html",
    ),
    (
        "safecontractor",
        "SafeContractor",
        "Health and safety accreditation for contractors, accepted under the SSIP scheme.",
        "https://www.safecontractor.com/",
    ),
    (
        "chas",
        "CHAS",
        "Contractors Health and Safety Assessment Scheme accreditation (an SSIP member).",
        "https://www.chas.co.uk/",
    ),
    (
        "constructionline",
        "Constructionline",
        "Pre-qualified construction supplier on the Constructionline register.",
        "https://www.constructionline.co.uk/",
    ),
    (
        "food-hygiene-rating-5",
        "Food hygiene rating 5",
        "The top rating (5, very good) under the Food Standards Agency's food hygiene scheme.",
        "https://www.food.gov.uk/safety-hygiene/food-hygiene-rating-scheme",
    ),
    (
        "living-wage-employer",
        "Living Wage employer",
        "Accredited by the Living Wage Foundation: pays at least the real Living Wage.",
        "https://www.livingwage.org.uk/",
    ),
    (
        "dbs-enhanced",
        "Disclosure and Barring Service (enhanced) checks",
        "Staff who work with children or vulnerable adults hold enhanced DBS checks.",
        "https://www.gov.uk/government/organisations/disclosure-and-barring-service",
    ),
    (
        "gas-safe",
        "Gas Safe registered",
        "On the Gas Safe Register: legally allowed to work on gas appliances.",
        "https://www.gassaferegister.co.uk/",
    ),
    (
        "niceic",
        "NICEIC",
        "Electrical contractor certified by NICEIC.",
        "https://www.niceic.com/",
    ),
    (
        "cqc-registered",
        "CQC registered",
        "Registered with the Care Quality Commission to provide health or social care.",
        "https://www.cqc.org.uk/",
    ),
)

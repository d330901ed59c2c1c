"""Local authorities and counties: which businesses a location reservation lets in.

Pure Python. A lot reserved "for suppliers based in the authority's area" (2026 Order) or "in
one county" (PPN 005; metropolitan counties count) admits a business by the local authority
its registered postcode lies in. The postcode district table records that authority (the
district file's "Region" column, ONSPD's ``laua`` name); this module turns an institution's
``home_area_name`` or ``county_name`` into the set of authority names that satisfy it.

Coverage is the West Midlands region, where LocalLots runs. A name we do not know stands for
itself (an institution whose home area is "Leeds" admits businesses whose authority is
"Leeds"). "Bordering counties" is read county-wide: an authority's own county plus the counties
that border it, which is generous at the edges and never narrower than the law allows.
"""

from collections.abc import Iterable

COUNTY_AUTHORITIES: dict[str, tuple[str, ...]] = {
    "West Midlands": (
        "Birmingham",
        "Coventry",
        "Dudley",
        "Sandwell",
        "Solihull",
        "Walsall",
        "Wolverhampton",
    ),
    "Staffordshire": (
        "Cannock Chase",
        "East Staffordshire",
        "Lichfield",
        "Newcastle-under-Lyme",
        "South Staffordshire",
        "Stafford",
        "Staffordshire Moorlands",
        "Stoke-on-Trent",
        "Tamworth",
    ),
    "Warwickshire": (
        "North Warwickshire",
        "Nuneaton and Bedworth",
        "Rugby",
        "Stratford-on-Avon",
        "Warwick",
    ),
    "Worcestershire": (
        "Bromsgrove",
        "Malvern Hills",
        "Redditch",
        "Worcester",
        "Wychavon",
        "Wyre Forest",
    ),
    "Shropshire": ("Shropshire", "Telford and Wrekin"),
    "Herefordshire": ("Herefordshire",),
}

BORDERING_COUNTIES: dict[str, tuple[str, ...]] = {
    "West Midlands": ("Staffordshire", "Warwickshire", "Worcestershire"),
    "Staffordshire": ("West Midlands", "Shropshire", "Warwickshire", "Worcestershire"),
    "Warwickshire": ("West Midlands", "Staffordshire", "Worcestershire"),
    "Worcestershire": (
        "West Midlands",
        "Staffordshire",
        "Warwickshire",
        "Shropshire",
        "Herefordshire",
    ),
    "Shropshire": ("Staffordshire", "Worcestershire", "Herefordshire"),
    "Herefordshire": ("Shropshire", "Worcestershire"),
}

# Areas that are made of whole counties' authorities under another name.
AREA_ALIASES: dict[str, str] = {
    "west midlands combined authority": "West Midlands",
    "west midlands combined authority area": "West Midlands",
    "wmca": "West Midlands",
}

_AUTHORITY_COUNTY = {
    authority: county
    for county, authorities in COUNTY_AUTHORITIES.items()
    for authority in authorities
}
_BY_LOWER = {name.lower(): name for name in _AUTHORITY_COUNTY}


def local_authority_name(raw: str) -> str:
    """The canonical authority name for a district file's region text ("Birmingham ",
    "Bromsgrove Worcestershire" -> "Bromsgrove"); unknown text comes back stripped."""
    text = " ".join(raw.split())
    if text.lower() in _BY_LOWER:
        return _BY_LOWER[text.lower()]
    for lower, name in _BY_LOWER.items():
        if text.lower().startswith(lower + " "):
            return name
    return text


def county_of(authority: str) -> str | None:
    return _AUTHORITY_COUNTY.get(local_authority_name(authority))


def _county_name(raw: str) -> str | None:
    text = " ".join(raw.split())
    alias = AREA_ALIASES.get(text.lower())
    if alias:
        return alias
    return next((county for county in COUNTY_AUTHORITIES if county.lower() == text.lower()), None)


def authorities_in(area_name: str, *, authority_first: bool = False) -> frozenset[str]:
    """The authorities making up a named area: a county's members, or the authority itself.

    Some names are both (Shropshire is a county and a unitary council): an authority's own area
    (``authority_first``, for the 2026 Order) reads the name as the council, a county
    reservation (PPN 005) as the county.
    """
    if not area_name.strip():
        return frozenset()
    if authority_first and " ".join(area_name.split()).lower() in _BY_LOWER:
        return frozenset({local_authority_name(area_name)})
    county = _county_name(area_name)
    if county:
        return frozenset(COUNTY_AUTHORITIES[county])
    return frozenset({local_authority_name(area_name)})


def authorities_in_and_bordering(area_name: str) -> frozenset[str]:
    """The area's authorities plus every authority of its county and the bordering counties."""
    own = authorities_in(area_name, authority_first=True)
    counties = {_county_name(area_name)} | {county_of(name) for name in own}
    counties.discard(None)
    found = set(own)
    for county in counties:
        found.update(COUNTY_AUTHORITIES[county])
        for neighbour in BORDERING_COUNTIES.get(county, ()):
            found.update(COUNTY_AUTHORITIES[neighbour])
    return frozenset(found)


def describe(authorities: Iterable[str]) -> str:
    """A short list for sentences: "Birmingham", or "Birmingham, Dudley and 5 more"."""
    names = sorted(authorities)
    if len(names) <= 3:
        return (
            " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)
        )
    return f"{', '.join(names[:2])} and {len(names) - 2} more"

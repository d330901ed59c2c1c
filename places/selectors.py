"""Reads: where a postcode is, how far apart two are, and which named areas hold it.

Every function accepts a ``Postcode``, or a string holding a full postcode or an outward code
alone (``"B9"``, answered at district precision); a string that is neither raises
``InvalidPostcode``. Locations prefer the full postcode's own coordinates and fall back to the
district centroid; non-geographic districts (B99: PO boxes, large users) have no usable
centroid. Each lookup is one query; the batch variants are one query per 2,000 postcodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Literal

from django.db.models import CharField, Exists, F, OuterRef, Q, Subquery, Value

from places.models import (
    FullPostcode,
    NamedArea,
    NamedAreaDistrict,
    NamedAreaWard,
    PostcodeDistrict,
)
from places.postcodes import Postcode, haversine_km, parse_postcode_or_district

PostcodeLike = Postcode | str
Precision = Literal["postcode", "district"]
Membership = NamedArea.Membership
BATCH_SIZE = 2000


@dataclass(frozen=True, slots=True)
class Location:
    """A point and how precise it is: a full postcode's own, or its district's centroid."""

    latitude: float
    longitude: float
    precision: Precision


@dataclass(frozen=True, slots=True)
class AreaMembership:
    slug: str
    name: str
    membership: Membership


@dataclass(frozen=True, slots=True)
class _Key:
    """A parsed input: the full postcode when given, and always its district."""

    full: str | None
    district: str

    @classmethod
    def of(cls, postcode: PostcodeLike) -> _Key:
        parsed = (
            postcode if isinstance(postcode, Postcode) else parse_postcode_or_district(postcode)
        )
        if isinstance(parsed, Postcode):
            return cls(parsed.value, parsed.district)
        return cls(None, parsed)

    @property
    def value(self) -> str:
        return self.full or self.district


def _chunks(items: list, size: int = BATCH_SIZE) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _location_rows(keys: list[_Key]):
    """One UNION query: known full-postcode points and geographic district centroids."""
    fulls = {key.full for key in keys if key.full}
    districts = {key.district for key in keys}
    fields = ("key", "lat", "lon", "precision")
    points = (
        FullPostcode.objects.filter(postcode__in=fulls)
        .with_location()
        .annotate(
            key=F("postcode"),
            lat=F("latitude"),
            lon=F("longitude"),
            precision=Value("postcode", output_field=CharField()),
        )
        .values_list(*fields)
        .order_by()
    )
    centroids = (
        PostcodeDistrict.objects.filter(code__in=districts)
        .geographic()
        .with_location()
        .annotate(
            key=F("code"),
            lat=F("latitude"),
            lon=F("longitude"),
            precision=Value("district", output_field=CharField()),
        )
        .values_list(*fields)
        .order_by()
    )
    return centroids.union(points, all=True) if fulls else centroids


def locations_for(postcodes: Iterable[PostcodeLike]) -> dict[str, Location]:
    """Locations keyed by the normalised input (``"B9 4AA"`` or ``"B9"``); unknown ones left out."""
    keys = list(dict.fromkeys(_Key.of(postcode) for postcode in postcodes))
    found: dict[str, Location] = {}
    for chunk in _chunks(keys):
        points: dict[tuple[str, str], Location] = {
            (key, precision): Location(lat, lon, precision)
            for key, lat, lon, precision in _location_rows(chunk)
        }
        for key in chunk:
            location = points.get((key.full, "postcode")) or points.get((key.district, "district"))
            if location:
                found[key.value] = location
    return found


def postcode_location(postcode: PostcodeLike) -> Location | None:
    """Where a postcode is: its own coordinates, else its district's centroid, else None."""
    return locations_for([postcode]).get(_Key.of(postcode).value)


def distance_km(a: PostcodeLike, b: PostcodeLike) -> float | None:
    """Straight-line distance between two postcodes; None when either location is unknown."""
    locations = locations_for([a, b])
    first, second = locations.get(_Key.of(a).value), locations.get(_Key.of(b).value)
    if first is None or second is None:
        return None
    return haversine_km(first.latitude, first.longitude, second.latitude, second.longitude)


def area_get(*, slug: str) -> NamedArea | None:
    return NamedArea.objects.filter(slug=slug).first()


def _membership(*, ward: str, area_has_wards: bool, in_ward: bool, fringe: bool | None):
    """Ward decides when both sides know wards (exact); otherwise the district list does."""
    if ward and area_has_wards:
        return Membership.CORE if in_ward else None
    if fringe is None:
        return None
    return Membership.FRINGE if fringe else Membership.CORE


def _with_membership(areas, key: _Key):
    """Annotate areas with everything ``_membership`` needs, in the same query."""
    ward = (
        FullPostcode.objects.filter(postcode=key.full)
        .exclude(ward_code="")
        .order_by()
        .values("ward_code")
    )
    area_wards = NamedAreaWard.objects.filter(area=OuterRef("pk")).order_by()
    district = NamedAreaDistrict.objects.filter(
        area=OuterRef("pk"), district_code=key.district
    ).order_by()
    return areas.annotate(
        m_ward=Subquery(ward[:1]) if key.full else Value("", output_field=CharField()),
        m_has_wards=Exists(area_wards),
        m_in_ward=Exists(area_wards.filter(ward_code=Subquery(ward[:1]))),
        m_fringe=Subquery(district.values("is_fringe")[:1]),
    )


def _membership_of(area: NamedArea) -> Membership | None:
    return _membership(
        ward=area.m_ward or "",
        area_has_wards=area.m_has_wards,
        in_ward=area.m_in_ward,
        fringe=area.m_fringe,
    )


def area_membership(area: NamedArea, postcode: PostcodeLike) -> Membership | None:
    """``"core"`` inside, ``"fringe"`` in a partly-inside district, None outside."""
    annotated = _with_membership(NamedArea.objects.filter(pk=area.pk), _Key.of(postcode)).first()
    return _membership_of(annotated) if annotated else None


def area_contains(area: NamedArea, postcode: PostcodeLike) -> bool:
    """True for core and fringe alike: a hyper-local lot promotes to both."""
    return area_membership(area, postcode) is not None


def areas_for_postcode(postcode: PostcodeLike) -> list[AreaMembership]:
    """Every named area the postcode is in or partly in, by name."""
    candidates = _with_membership(NamedArea.objects.all(), _Key.of(postcode)).filter(
        Q(m_in_ward=True) | Q(m_fringe__isnull=False)
    )
    memberships = [(area, _membership_of(area)) for area in candidates]
    return [AreaMembership(a.slug, a.name, m) for a, m in memberships if m is not None]


def area_memberships(area: NamedArea, postcodes: Iterable[PostcodeLike]) -> dict[str, Membership]:
    """Batch ``area_membership`` for bulk matching, keyed by normalised input; outsiders left out.

    Two queries for the area, then one per 2,000 full postcodes (only when the area has wards).
    """
    keys = list(dict.fromkeys(_Key.of(postcode) for postcode in postcodes))
    area_wards = set(area.wards.values_list("ward_code", flat=True))
    fringes = dict(area.districts.values_list("district_code", "is_fringe"))
    wards: dict[str, str] = {}
    fulls = [key.full for key in keys if key.full]
    for chunk in _chunks(fulls if area_wards else []):
        rows = FullPostcode.objects.filter(postcode__in=chunk).exclude(ward_code="")
        wards.update(rows.values_list("postcode", "ward_code"))
    found = {}
    for key in keys:
        ward = wards.get(key.full, "")
        membership = _membership(
            ward=ward,
            area_has_wards=bool(area_wards),
            in_ward=ward in area_wards,
            fringe=fringes.get(key.district),
        )
        if membership is not None:
            found[key.value] = membership
    return found


@dataclass(frozen=True, slots=True)
class PostcodeLookup:
    """Everything the service knows about one postcode, for the postcode API."""

    postcode: Postcode
    location: Location | None
    areas: list[AreaMembership]

    @property
    def latitude(self) -> float | None:
        return self.location.latitude if self.location else None

    @property
    def longitude(self) -> float | None:
        return self.location.longitude if self.location else None

    @property
    def precision(self) -> Precision | None:
        return self.location.precision if self.location else None


def postcode_lookup(postcode: Postcode) -> PostcodeLookup:
    """The parts, location and named areas of a postcode (two queries)."""
    return PostcodeLookup(postcode, postcode_location(postcode), areas_for_postcode(postcode))

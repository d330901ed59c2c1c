"""Turn database rows into the engine's plain inputs: lot profiles and candidate tables.

This is where the SQL pre-filter lives (DESIGN section 4): candidates for a lot are active
businesses with a complete profile and a sector in one of the lot's CPV divisions (indexed),
narrowed by the lot's reservation (``reservation_filter``, the SQL form of
``matching.reservations``). The engine then scores them in bulk. A fixed number of queries per
lot, whatever the number of candidates.

``candidate_table`` loads the table the engine, the lot designer and team search read
(``matching.candidates``) for any queryset of matchable businesses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import reduce
from operator import or_

import numpy as np
import pandas as pd
from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from anchors.models import Award, Lot, LotCpv
from matching import engine
from matching.candidates import Candidates, candidates_frame
from matching.reservations import SIZE_CLASSES, Reservation, Verdict
from places import areas
from places.authorities import authorities_in, authorities_in_and_bordering, local_authority_name
from places.models import FullPostcode, PostcodeDistrict
from places.postcodes import InvalidPostcode, Postcode
from suppliers import sizes
from suppliers.models import Business, BusinessSector

REGIME_SHORT_NAMES = {"order_2026": "the 2026 Order", "ppn_005": "PPN 005"}


def engine_config() -> engine.EngineConfig:
    """The engine's numbers from ``settings.MATCHING``; the focus area is East Birmingham."""
    matching = settings.MATCHING
    return engine.EngineConfig(
        weights=engine.Weights(
            sector=matching["WEIGHT_SECTOR"],
            location=matching["WEIGHT_LOCATION"],
            capacity=matching["WEIGHT_CAPACITY"],
            inclusion=matching["WEIGHT_INCLUSION"],
        ),
        threshold=matching["THRESHOLD"],
        max_stored=matching["MAX_MATCHES_PER_LOT"],
        half_distance_km=matching["HALF_DISTANCE_KM"],
        far_beyond_ratio=matching["FAR_BEYOND_RATIO"],
        focus_districts=frozenset(
            areas.EAST_BIRMINGHAM_CORE_DISTRICTS + areas.EAST_BIRMINGHAM_FRINGE_DISTRICTS
        ),
        focus_name=areas.EAST_BIRMINGHAM_NAME,
    )


@dataclass
class Context:
    """What every lot in a run shares: the engine settings and the district table (one query)."""

    config: engine.EngineConfig
    latitude: dict[str, float] = field(default_factory=dict)
    longitude: dict[str, float] = field(default_factory=dict)
    authority: dict[str, str] = field(default_factory=dict)
    today: object = None
    # Candidate tables already loaded in this run, by what the pre-filter reads (see
    # ``candidates_for_lot``): the lots of a nightly chunk share a few sectors.
    candidates: dict[tuple, Candidates] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Context:
        context = cls(engine_config(), today=timezone.localdate())
        rows = PostcodeDistrict.objects.values_list(
            "code", "latitude", "longitude", "region", "non_geographic"
        )
        for code, latitude, longitude, region, non_geographic in rows:
            if latitude is not None and longitude is not None and not non_geographic:
                context.latitude[code], context.longitude[code] = latitude, longitude
            if region:
                context.authority[code] = local_authority_name(region)
        return context


def lots_for_matching(lots: QuerySet[Lot]) -> QuerySet[Lot]:
    """Lots with everything ``lot_profile`` reads, in four queries for any number of lots."""
    return lots.select_related("contract__institution", "target_area").prefetch_related(
        Prefetch("cpv_links", queryset=LotCpv.objects.order_by("cpv_code_id")),
        "target_area__districts",
        "required_certifications",
    )


def lot_reservation(lot: Lot) -> Reservation:
    """The lot's reservation as the rule reads it: the local authorities its location part
    admits, worked out from the institution's area, and the names for sentences."""
    institution = lot.contract.institution
    kind = lot.reservation_location
    authorities, place = frozenset(), "the UK" if kind == Lot.LocationReservation.UK else ""
    if kind == Lot.LocationReservation.AUTHORITY_AREA:
        place = institution.home_area_name
        authorities = authorities_in(place, authority_first=True)
    elif kind == Lot.LocationReservation.AUTHORITY_AREA_AND_NEIGHBOURS:
        place = f"{institution.home_area_name} or a bordering county"
        authorities = authorities_in_and_bordering(institution.home_area_name)
    elif kind == Lot.LocationReservation.COUNTY:
        place = institution.county_name
        authorities = authorities_in(place)
    return Reservation(
        suppliers=lot.reservation_suppliers,
        location=kind,
        authorities=authorities,
        place=place,
        regime=REGIME_SHORT_NAMES.get(institution.reservation_regime, ""),
    )


def _point(postcode: str, district: str, context: Context) -> tuple[float | None, float | None]:
    if postcode:
        point = FullPostcode.objects.with_location().filter(postcode=postcode)
        found = point.values_list("latitude", "longitude").first()
        if found:
            return found
    return context.latitude.get(district), context.longitude.get(district)


def lot_profile(lot: Lot, context: Context) -> engine.LotProfile:
    """The engine's view of a lot fetched through ``lots_for_matching``."""
    if lot.target_area_id:
        target = frozenset(d.district_code for d in lot.target_area.districts.all())
        target_name = lot.target_area.name
    else:
        target = frozenset(lot.target_districts)
        target_name = ", ".join(lot.target_districts)
    latitude, longitude = _point(lot.delivery_postcode, lot.delivery_district, context)
    certifications = list(lot.required_certifications.all())
    return engine.LotProfile(
        lot_id=lot.pk,
        # NaN for an imported notice without a value: capacity fit is then unknown.
        value=float(lot.value) if lot.value is not None else float("nan"),
        cpv_codes=tuple(link.cpv_code_id for link in lot.cpv_links.all()),
        postcode=lot.delivery_postcode,
        district=lot.delivery_district,
        latitude=latitude,
        longitude=longitude,
        target_districts=target,
        target_name=target_name,
        reservation=lot_reservation(lot),
        required_certifications=tuple(c.slug for c in certifications),
        certification_names={c.slug: c.name for c in certifications},
    )


def candidate_filter(profile: engine.LotProfile, context: Context) -> QuerySet[Business]:
    """The SQL pre-filter: who could possibly be stored as a match for this lot."""
    divisions = {code[:2] for code in profile.cpv_codes}
    businesses = Business.objects.active().complete().with_sector_division(divisions)
    return businesses.filter(reservation_filter(profile.reservation, context))


def reservation_filter(reservation: Reservation, context: Context) -> Q:
    """The businesses that meet the reservation, as a filter on ``Business``.

    Built by asking the rule itself (``Reservation.admits_supplier`` and ``location_verdict``,
    whose weaker answer is the verdict) about every value the stored columns can take: each
    size class (or none) with and without VCSE status, and the authority of every district we
    know. So the pre-filter cannot drift from the engine and the interest check.
    """
    admitted = {
        vcse: [size for size in (*SIZE_CLASSES, None) if reservation.admits_supplier(size, vcse)]
        for vcse in (False, True)
    }
    if admitted[False] == admitted[True]:  # VCSE status makes no difference
        supplier = _size_class_in(admitted[False])
    else:
        either = [Q(is_vcse=vcse) & _size_class_in(sizes) for vcse, sizes in admitted.items()]
        supplier = reduce(or_, either)
    return supplier & _location_filter(reservation, context)


def _size_class_in(size_classes: list[str | None]) -> Q:
    """``size_class`` is one of these (None: not known); no condition when it may be any."""
    if len(size_classes) == len(SIZE_CLASSES) + 1:
        return Q()
    known = Q(size_class__in=[size for size in size_classes if size])
    return known | Q(size_class__isnull=True) if None in size_classes else known


def _location_filter(reservation: Reservation, context: Context) -> Q:
    """The districts whose authority meets the location part; a district we do not know (no
    authority on record) meets it only if an unknown authority does."""
    verdicts = {
        code: reservation.location_verdict(name) for code, name in context.authority.items()
    }
    meets = sorted(code for code, verdict in verdicts.items() if verdict == Verdict.MEETS)
    if reservation.location_verdict(None) != Verdict.MEETS:
        return Q(district__in=meets)
    if len(meets) < len(verdicts):
        return ~Q(district__in=sorted(set(verdicts) - set(meets)))
    return Q()


BUSINESS_FIELDS = (
    "id",
    "postcode",
    "district",
    "size_class",
    "is_vcse",
    "max_contract_value",
    "annual_turnover",
    "concurrent_capacity",
    "is_active",
)


def candidates_for_lot(profile: engine.LotProfile, context: Context) -> Candidates:
    """Pre-filtered candidates for one lot: four queries, and one more when the lot asks for
    certificates.

    The table without certificates depends only on the lot's divisions and reservation, so
    the lots of one run (``match_lots``, sharing a ``Context``) with the same ones share one
    load; the certificates the lot asks for are added per lot.
    """
    divisions = sorted({code[:2] for code in profile.cpv_codes})
    reservation = profile.reservation
    key = (tuple(divisions), reservation.suppliers, reservation.location, reservation.authorities)
    if key not in context.candidates:
        context.candidates[key] = candidate_table(
            candidate_filter(profile, context), context, divisions=divisions, certifications=()
        )
    candidates = context.candidates[key]
    if not profile.required_certifications or not len(candidates):
        return candidates
    # Holders of the certificates anywhere: pairs for businesses not in the table are dropped.
    held = Business.certifications.through.objects.filter(
        certification__slug__in=profile.required_certifications
    ).values_list("business_id", "certification__slug")
    certifications = Candidates.from_frame(candidates.businesses, (), held).certifications
    return replace(candidates, certifications=certifications)


def candidates_for_business(business: Business, context: Context) -> Candidates:
    """The business alone as a candidate table (empty when it cannot be matched)."""
    return candidate_table(Business.objects.filter(pk=business.pk).active().complete(), context)


def candidate_table(
    businesses: QuerySet[Business],
    context: Context,
    *,
    divisions: Iterable[str] | None = None,
    certifications: Iterable[str] | None = None,
) -> Candidates:
    """The candidate table (``matching.candidates``) of these businesses, in id order.

    They are taken to be matchable (``profile_ok``): pass active businesses with a complete
    profile, as ``candidate_filter`` does. Their sectors: those in the CPV ``divisions`` ("55")
    when given (read without a join to the businesses, the fast way over a whole division), else
    all of them; their certificates: those of ``certifications`` (slugs) they hold when given,
    else all. Four queries, and one for certificates unless ``certifications`` is empty.
    """
    businesses = businesses.order_by("pk")
    rows = list(businesses.values_list(*BUSINESS_FIELDS))
    if not rows:
        return Candidates.from_frame(_frame(businesses, rows, context))
    if divisions is None:
        sectors = BusinessSector.objects.filter(business__in=businesses.order_by().values("pk"))
    else:
        sectors = BusinessSector.objects.filter(division__in=list(divisions))
    held = []
    certifications = None if certifications is None else list(certifications)
    if certifications is None or certifications:
        through = Business.certifications.through.objects.filter(
            business__in=businesses.order_by().values("pk")
        )
        if certifications:
            through = through.filter(certification__slug__in=certifications)
        held = list(through.values_list("business_id", "certification__slug"))
    pairs = sectors.values_list("business_id", "cpv_code_id")
    return Candidates.from_frame(_frame(businesses, rows, context), pairs, held)


def _frame(businesses, rows, context: Context):
    columns = dict(zip(BUSINESS_FIELDS, zip(*rows, strict=True), strict=False)) if rows else {}
    ids = np.asarray(columns.get("id", ()), dtype=np.int64)
    postcodes = list(columns.get("postcode", ()))
    districts = pd.Series(list(columns.get("district", ())), dtype=object)
    points = _full_postcode_points(businesses) if rows else {}
    latitude = np.array(
        [points.get(pc, (None, None))[0] or np.nan for pc in postcodes], dtype=np.float64
    )
    longitude = np.array(
        [points.get(pc, (None, None))[1] or np.nan for pc in postcodes], dtype=np.float64
    )
    missing = np.isnan(latitude)
    if missing.any():
        latitude[missing] = districts[missing].map(context.latitude).to_numpy(dtype=np.float64)
        longitude[missing] = districts[missing].map(context.longitude).to_numpy(dtype=np.float64)
    maximum = _floats(columns.get("max_contract_value", ()))
    turnover = _floats(columns.get("annual_turnover", ()))
    capacity = np.where(
        np.isnan(maximum), turnover * float(sizes.CAPACITY_SHARE_OF_TURNOVER), maximum
    )
    commitments = _commitments(businesses, ids, context) if rows else np.zeros(0, np.int64)
    return candidates_frame(
        {
            "business_id": ids,
            "postcode": postcodes,
            "district": districts.to_numpy(dtype=object),
            "latitude": latitude,
            "longitude": longitude,
            "local_authority": districts.map(context.authority)
            .astype(object)
            .fillna("")
            .to_numpy(dtype=object),
            "size_class": [size or "" for size in columns.get("size_class", ())],
            "is_vcse": np.asarray(columns.get("is_vcse", ()), dtype=bool),
            "capacity": capacity,
            "concurrent_capacity": np.asarray(columns.get("concurrent_capacity", ()), np.int64),
            "commitments": commitments,
            "profile_ok": np.ones(len(ids), dtype=bool),
        }
    )


def _floats(values) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _full_postcode_points(businesses: QuerySet[Business]) -> dict[str, tuple[float, float]]:
    """Coordinates of the candidates' own postcodes (when the ONSPD is loaded): one query."""
    points = FullPostcode.objects.with_location().filter(
        postcode__in=businesses.order_by().values("postcode")
    )
    return {
        pc: (lat, lon) for pc, lat, lon in points.values_list("postcode", "latitude", "longitude")
    }


def _commitments(businesses: QuerySet[Business], ids: np.ndarray, context: Context) -> np.ndarray:
    """Contracts each candidate is delivering now: awards whose contract has not ended."""
    under_way = (
        Award.objects.filter(business__in=businesses.order_by().values("pk"))
        .filter(
            Q(lot__contract__ends_on__isnull=True) | Q(lot__contract__ends_on__gte=context.today)
        )
        .values("business_id")
        .annotate(count=Count("id"))
        .values_list("business_id", "count")
    )
    counts = dict(under_way)
    return np.array([counts.get(int(i), 0) for i in ids], dtype=np.int64)


def business_local_authority(business: Business, context: Context) -> str:
    try:
        district = Postcode.parse(business.postcode).district
    except InvalidPostcode:
        return ""
    return context.authority.get(district, "")

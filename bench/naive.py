"""The matching score the straightforward way: a Python loop over candidates, pair by pair.

The reference the vectorised engine is measured against (``naive_over_engine``), and a second
reading of DESIGN section 4: written from the rules with ``sectors.cpv`` helpers and ``math``,
not from the engine's arrays, and checked to agree with the engine to 1e-6 on every candidate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from matching.candidates import Candidates, postcode_area, postcode_sector
from matching.engine import (
    AT_CONCURRENT_LIMIT_FACTOR,
    BASIS_AREA,
    BASIS_DISTRICT,
    BASIS_FOCUS,
    BASIS_NONE,
    BASIS_SECTOR,
    CAPACITY_FITS,
    CAPACITY_RATIOS,
    CAPACITY_UNKNOWN_FIT,
    HIERARCHY_SCORES,
    INCLUSION_FOCUS_SHARE,
    INCLUSION_SIZE_SHARE,
    INCLUSION_VCSE_SHARE,
    SECTOR_COVERS_SCORE,
    SECTOR_SIBLING_MAX,
    SECTOR_SIBLING_MIN,
    SECTOR_WITHIN_SCORE,
    SIZE_SCORES,
    SIZE_UNKNOWN_SCORE,
    EngineConfig,
    LotProfile,
)
from matching.reservations import Verdict
from sectors import cpv

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class NaiveScore:
    score: float
    eligible: bool
    stored: bool


def candidate_records(candidates: Candidates) -> list[dict]:
    """The candidate table as one plain dict per business, with its ``codes`` and ``certs``."""
    records = candidates.businesses.astype(object).to_dict("records")
    for record in records:
        record["codes"], record["certs"] = [], set()
    for row, code in zip(candidates.sectors["row"], candidates.sectors["code"], strict=True):
        records[row]["codes"].append(f"{int(code):08d}")
    for row, slug in zip(
        candidates.certifications["row"], candidates.certifications["slug"], strict=True
    ):
        records[row]["certs"].add(slug)
    return records


def naive_score(profile: LotProfile, records: list[dict], config: EngineConfig) -> list[NaiveScore]:
    """Score each candidate record in turn."""
    weights = config.weights.normalised()
    results = []
    for record in records:
        sector = _sector(record["codes"], profile.cpv_codes)
        location = _location(profile, record, config)
        capacity = _capacity(profile, record, config)
        inclusion = _inclusion(record, config)
        total = (
            weights.sector * sector
            + weights.location * location
            + weights.capacity * capacity
            + weights.inclusion * inclusion
        )
        total = min(max(total, 0.0), 1.0)
        eligible = bool(record["profile_ok"]) and sector > 0 and _reservation_ok(profile, record)
        results.append(NaiveScore(total, eligible, eligible and total >= config.threshold - 1e-9))
    return results


def _sector(business_codes: list[str], lot_codes) -> float:
    best = 0.0
    for business in business_codes:
        for lot in lot_codes:
            if business == lot or cpv.is_ancestor(business, lot):
                score = SECTOR_COVERS_SCORE
            elif cpv.is_ancestor(lot, business):
                score = SECTOR_WITHIN_SCORE
            else:
                depth = cpv.common_prefix_depth(business, lot)
                step = (SECTOR_SIBLING_MAX - SECTOR_SIBLING_MIN) * (depth - 2) / 5.0
                score = SECTOR_SIBLING_MIN + step if depth >= 2 else 0.0
            best = max(best, score)
    return best


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (lat1, lon1, lat2, lon2))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


def _location(profile: LotProfile, record: dict, config: EngineConfig) -> float:
    district = record["district"] or ""
    latitude, longitude = record["latitude"], record["longitude"]
    known = not (math.isnan(latitude) or math.isnan(longitude))
    if profile.latitude is not None and profile.longitude is not None and known:
        distance = _haversine_km(latitude, longitude, profile.latitude, profile.longitude)
        raw = math.exp(-math.log(2) * distance / config.half_distance_km)
    else:
        area = profile.postcode_area
        if profile.postcode_sector and postcode_sector(record["postcode"] or "") == (
            profile.postcode_sector
        ):
            raw = HIERARCHY_SCORES[BASIS_SECTOR]
        elif profile.district and district == profile.district:
            raw = HIERARCHY_SCORES[BASIS_DISTRICT]
        elif district in config.focus_districts and profile.district in config.focus_districts:
            raw = HIERARCHY_SCORES[BASIS_FOCUS]
        elif area and district and postcode_area(district) == area:
            raw = HIERARCHY_SCORES[BASIS_AREA]
        else:
            raw = HIERARCHY_SCORES[BASIS_NONE]
    if not profile.is_hyper_local:
        return raw
    return 0.5 + 0.5 * raw if district in profile.target_districts else 0.5 * raw


def _interpolate(x: float, xs: tuple[float, ...], ys: tuple[float, ...]) -> float:
    if x <= xs[0]:
        return ys[0]
    for (x0, y0), (x1, y1) in zip(
        zip(xs, ys, strict=True), zip(xs[1:], ys[1:], strict=True), strict=False
    ):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return ys[-1]


def _capacity(profile: LotProfile, record: dict, config: EngineConfig) -> float:
    limit = record["capacity"]
    if math.isnan(limit):
        fit = CAPACITY_UNKNOWN_FIT
    else:
        ratio = profile.value / limit if limit > 0 else config.far_beyond_ratio * 2
        far = config.far_beyond_ratio
        points = [(r, f) for r, f in zip(CAPACITY_RATIOS, CAPACITY_FITS, strict=True) if r < far]
        xs, ys = zip(*[*points, (far, 0.0)], strict=True)
        fit = _interpolate(ratio, xs, ys)
    if record["commitments"] >= record["concurrent_capacity"]:
        fit *= AT_CONCURRENT_LIMIT_FACTOR
    required = profile.required_certifications
    if required:
        held = sum(1 for slug in required if slug in record["certs"])
        fit *= 0.5 + 0.5 * held / len(required)
    return fit


def _inclusion(record: dict, config: EngineConfig) -> float:
    size = SIZE_SCORES.get(record["size_class"], SIZE_UNKNOWN_SCORE)
    focus = (record["district"] or "") in config.focus_districts
    return (
        INCLUSION_SIZE_SHARE * size
        + INCLUSION_VCSE_SHARE * bool(record["is_vcse"])
        + INCLUSION_FOCUS_SHARE * focus
    )


def _reservation_ok(profile: LotProfile, record: dict) -> bool:
    """The reservation rule is not scoring: it has one definition, for one business, which
    the engine lifts over the table; this loop asks it directly."""
    verdict = profile.reservation.verdict(
        size_class=record["size_class"],
        is_vcse=record["is_vcse"],
        local_authority=record["local_authority"],
    )
    return verdict == Verdict.MEETS

"""The matching engine: score one lot against a table of candidate businesses, in bulk.

Pure NumPy/pandas (no Django): the service layer loads a ``LotProfile`` and a candidate table
(``matching.candidates``) from the database, calls ``score``, and stores what it returns. Every
step is a vectorised operation over all candidates at once (the only Python loops are over the
lot's own few CPV codes and the columns' few distinct values); the sentences that explain a
match are written afterwards, by ``matching.reasons``, for the stored matches only.

The model is DESIGN section 4:

- Eligibility for a stored match (``eligibility``): active with a complete profile, a sector
  overlap with the lot, and the lot's reservation met (``matching.reservations``). Nothing else
  is a bar (PA23 s.85: capacity and certifications are for the buyer to assess, so they rank and
  warn).
- Four components in [0, 1], combined with the configured weights: sector (CPV hierarchy,
  ``sector_fit``), location (distance decay, or the postcode hierarchy without coordinates;
  inside a hyper-local lot's target area never scores below outside it, ``location_fit``),
  capacity fit (``capacity_fit``), and inclusion (micro > small > medium > large; VCSE and being
  based in the focus area add, ``inclusion``).
- Stored when eligible, the score reaches the threshold and it is among the lot's
  ``max_stored`` best (a bound on work and on noise: a lot in a busy sector can clear the
  threshold for thousands of businesses; the rest still find it by search); notified unless the
  lot is far beyond the business's capacity.

Each component function returns a small frozen dataclass of per-candidate arrays (the score and
the facts behind it, aligned with the candidate table by position), so the lot designer and team
search can call the parts they need; ``score`` puts them together in a ``MatchResult``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from matching.candidates import Candidates, isin, postcode_area, postcode_sector
from matching.reservations import Reservation, Verdict

ENGINE_VERSION = "2026.11.3"

# Sector relations, strongest first. ``COVERS``: the business code is the lot code or above it.
# ``WITHIN``: the lot code is above the business code (the business is more specialised).
# ``SIBLING``: they share at least the division. Stored as small ints in the result arrays.
SECTOR_NONE, SECTOR_SIBLING, SECTOR_WITHIN, SECTOR_COVERS = 0, 1, 2, 3
SECTOR_COVERS_SCORE = 1.0
SECTOR_WITHIN_SCORE = 0.85
SECTOR_SIBLING_MIN, SECTOR_SIBLING_MAX = 0.3, 0.75  # common prefix of 2 digits ... of 7

# How the location component was worked out, for the reasons.
BASIS_DISTANCE, BASIS_SECTOR, BASIS_DISTRICT, BASIS_FOCUS, BASIS_AREA, BASIS_NONE = range(6)
HIERARCHY_SCORES = {  # without coordinates on both sides (DESIGN section 4)
    BASIS_SECTOR: 0.9,
    BASIS_DISTRICT: 0.75,
    BASIS_FOCUS: 0.5,
    BASIS_AREA: 0.3,
    BASIS_NONE: 0.1,
}
# Capacity fit by ratio of lot value to the business's limit: trivial work scores modestly,
# the comfortable middle fully, then falling to nothing at FAR_BEYOND_RATIO.
CAPACITY_RATIOS = (0.0, 0.01, 0.1, 0.7, 1.0, 1.5)
# Trivial work scores no lower than work at the limit: a larger limit must never make a lot that
# is beyond the business fit worse.
CAPACITY_FITS = (0.6, 0.6, 1.0, 1.0, 0.6, 0.25)
CAPACITY_UNKNOWN_FIT = 0.5
AT_CONCURRENT_LIMIT_FACTOR = 0.5
SIZE_SCORES = {"micro": 1.0, "small": 0.7, "medium": 0.4, "large": 0.1}
SIZE_UNKNOWN_SCORE = 0.3
INCLUSION_SIZE_SHARE, INCLUSION_VCSE_SHARE, INCLUSION_FOCUS_SHARE = 0.6, 0.25, 0.15

_POWERS = np.array([10 ** (8 - k) for k in range(1, 9)], dtype=np.int64)  # 10^7 .. 10^0


@dataclass(frozen=True)
class Weights:
    sector: float = 0.40
    location: float = 0.30
    capacity: float = 0.15
    inclusion: float = 0.15

    def normalised(self) -> Weights:
        parts = (self.sector, self.location, self.capacity, self.inclusion)
        total = sum(parts)
        if not all(math.isfinite(part) and part >= 0 for part in parts) or total <= 0:
            raise ValueError("Matching weights must be non-negative and not all zero.")
        return Weights(
            self.sector / total,
            self.location / total,
            self.capacity / total,
            self.inclusion / total,
        )


@dataclass(frozen=True)
class EngineConfig:
    """The tunable numbers (``settings.MATCHING``), with DESIGN section 4's defaults."""

    weights: Weights = Weights()
    threshold: float = 0.5
    max_stored: int = 1000  # the most matches stored per lot, best first
    half_distance_km: float = 8.0  # the location score halves every this many km
    far_beyond_ratio: float = 3.0  # lot value over the business's limit: no email beyond this
    focus_districts: frozenset[str] = frozenset()  # East Birmingham, for inclusion
    focus_name: str = "East Birmingham"


@dataclass(frozen=True)
class LotProfile:
    """What the engine needs to know about one lot, as plain data."""

    lot_id: int
    value: float  # NaN when the buyer did not publish one
    cpv_codes: tuple[str, ...]
    postcode: str = ""  # full delivery postcode when known
    district: str = ""
    latitude: float | None = None
    longitude: float | None = None
    target_districts: frozenset[str] = frozenset()  # non-empty: the lot is hyper-local
    target_name: str = ""
    reservation: Reservation = field(default_factory=Reservation)
    required_certifications: tuple[str, ...] = ()  # slugs
    certification_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_hyper_local(self) -> bool:
        return bool(self.target_districts)

    @property
    def postcode_sector(self) -> str:
        return postcode_sector(self.postcode)

    @property
    def postcode_area(self) -> str:
        return postcode_area(self.district)


# The result, in named parts: per-candidate arrays aligned with the candidate table. ------------


@dataclass(frozen=True, eq=False)
class SectorFit:
    """The best (business code, lot code) pair of each candidate, on the CPV hierarchy."""

    score: np.ndarray  # in [0, 1]
    relation: np.ndarray  # SECTOR_NONE .. SECTOR_COVERS
    business_code: np.ndarray  # the business's code in the best pair, as an int (0: none)
    lot_code: np.ndarray  # the lot's code in it
    common_digits: np.ndarray  # leading digits the two share

    @property
    def overlaps(self) -> np.ndarray:
        """A sector overlap with the lot: one of the hard filters for a stored match."""
        return self.relation > SECTOR_NONE


@dataclass(frozen=True, eq=False)
class LocationFit:
    score: np.ndarray  # in [0, 1]
    basis: np.ndarray  # BASIS_DISTANCE, or the postcode hierarchy's tier without coordinates
    distance_km: np.ndarray  # NaN when not measured
    in_target: np.ndarray  # in the hyper-local lot's target area


@dataclass(frozen=True, eq=False)
class CapacityFit:
    score: np.ndarray  # in [0, 1]
    ratio: np.ndarray  # lot value / limit; NaN when the limit is unknown, inf when it is 0
    limit: np.ndarray  # the business's largest contract; NaN when unknown
    at_concurrent_limit: np.ndarray
    concurrent_capacity: np.ndarray
    commitments: np.ndarray  # contracts under way
    required: tuple[str, ...]  # the lot's required certificates (slugs)
    held: pd.DataFrame | None  # (row, slug) of the required ones candidates hold

    def missing_for(self, row: int) -> list[str]:
        """Slugs of the lot's required certifications this candidate does not hold."""
        held = self._held_by_row.get(int(row), set())
        return [slug for slug in self.required if slug not in held]

    @cached_property
    def _held_by_row(self) -> dict[int, set[str]]:  # one pass, not a scan per row
        by_row: dict[int, set[str]] = {}
        if self.held is not None:
            for row, slug in zip(self.held["row"], self.held["slug"], strict=True):
                by_row.setdefault(int(row), set()).add(slug)
        return by_row


@dataclass(frozen=True, eq=False)
class Inclusion:
    score: np.ndarray  # in [0, 1]
    size_class: np.ndarray  # "micro" ... "large", "" when unknown
    is_vcse: np.ndarray
    in_focus: np.ndarray  # based in the focus area (East Birmingham)


@dataclass(frozen=True, eq=False)
class Eligibility:
    """The hard filters for a stored match (DESIGN section 4), per candidate."""

    profile_ok: np.ndarray  # active, profile complete
    sector_overlap: np.ndarray
    reservation: np.ndarray  # a ``Verdict`` per candidate (int8): meets / not / cannot confirm
    local_authority: pd.Categorical  # what the location part was judged on ("" when unknown)
    eligible: np.ndarray  # all three hold

    @property
    def reservation_met(self) -> np.ndarray:
        return self.reservation == Verdict.MEETS


@dataclass(frozen=True, eq=False)
class MatchResult:
    """Everything ``score`` found for one lot: the parts, the total, what to store and email."""

    profile: LotProfile
    config: EngineConfig
    business_id: np.ndarray
    eligibility: Eligibility
    sector: SectorFit
    location: LocationFit
    capacity: CapacityFit
    inclusion: Inclusion
    score: np.ndarray  # the weighted total, in [0, 1]
    stored: np.ndarray  # eligible, at or above the threshold, among the lot's best
    notify: np.ndarray  # stored, and the lot not far beyond the business's capacity

    @property
    def eligible(self) -> np.ndarray:
        return self.eligibility.eligible

    def stored_rows(self) -> np.ndarray:
        """Rows of the stored matches, best first (ties by business id, for stable output)."""
        rows = np.flatnonzero(self.stored)
        order = np.lexsort((self.business_id[rows], -self.score[rows]))
        return rows[order]


# Scoring ---------------------------------------------------------------------------------------


def score(profile: LotProfile, candidates: Candidates, config: EngineConfig) -> MatchResult:
    """Score every candidate for the lot. Never touches a database; vectorised throughout."""
    weights = config.weights.normalised()
    sector = sector_fit(profile, candidates)
    location = location_fit(profile, candidates, config)
    capacity = capacity_fit(profile, candidates, config)
    included = inclusion(candidates, config)
    eligible = eligibility(profile, candidates, sector)
    total = (
        weights.sector * sector.score
        + weights.location * location.score
        + weights.capacity * capacity.score
        + weights.inclusion * included.score
    )
    total = np.clip(total, 0.0, 1.0)
    stored = _best(eligible.eligible & (total >= config.threshold - 1e-9), total, config.max_stored)
    notify = stored & ~(capacity.ratio > config.far_beyond_ratio)  # NaN (unknown limit) notifies
    return MatchResult(
        profile=profile,
        config=config,
        business_id=candidates.businesses["business_id"].to_numpy(dtype=np.int64),
        eligibility=eligible,
        sector=sector,
        location=location,
        capacity=capacity,
        inclusion=included,
        score=total,
        stored=stored,
        notify=notify,
    )


def eligibility(
    profile: LotProfile, candidates: Candidates, sector: SectorFit | None = None
) -> Eligibility:
    """Who could be stored as a match for the lot, whatever their score: active with a complete
    profile, a sector overlap, and the reservation met. ``sector`` saves working it out again
    when the caller has it."""
    frame = candidates.businesses
    sector = sector if sector is not None else sector_fit(profile, candidates)
    authority = frame["local_authority"]
    reservation = profile.reservation.verdicts(frame["size_class"], frame["is_vcse"], authority)
    profile_ok = frame["profile_ok"].to_numpy(dtype=bool)
    return Eligibility(
        profile_ok=profile_ok,
        sector_overlap=sector.overlaps,
        reservation=reservation,
        local_authority=authority.array,
        eligible=profile_ok & sector.overlaps & (reservation == Verdict.MEETS),
    )


def _best(passing: np.ndarray, total: np.ndarray, limit: int) -> np.ndarray:
    """``passing`` narrowed to the ``limit`` highest scores (ties at the cut all kept)."""
    if passing.sum() <= limit:
        return passing
    scores = total[passing]
    cut = np.partition(scores, len(scores) - limit)[len(scores) - limit]
    return passing & (total >= cut)


# Sector ----------------------------------------------------------------------------------------


def _significant_lengths(codes: np.ndarray) -> np.ndarray:
    # Remainder below the k-th digit is non-zero <=> at least k+1 significant digits.
    lengths = np.full(codes.shape, 2, dtype=np.int64)
    for k in range(2, 8):
        lengths = np.where(codes % (10 ** (8 - k)) != 0, k + 1, lengths)
    return lengths


def _common_digits(codes: np.ndarray, lot_code: int) -> np.ndarray:
    """Leading digits shared with ``lot_code`` (0..8): prefix equality is monotone, so count."""
    common = np.zeros(codes.shape, dtype=np.int64)
    for power in _POWERS:
        common += (codes // power) == (lot_code // power)
    return common


def sector_fit(profile: LotProfile, candidates: Candidates) -> SectorFit:
    """Best sector score per candidate over (business code, lot code) pairs."""
    n = len(candidates)
    rows = candidates.sectors["row"].to_numpy(dtype=np.int64)
    codes = candidates.sectors["code"].to_numpy(dtype=np.int64)
    business_length = _significant_lengths(codes)
    pair_score = np.zeros(codes.shape, dtype=np.float64)
    pair_relation = np.zeros(codes.shape, dtype=np.int64)
    pair_lot = np.zeros(codes.shape, dtype=np.int64)
    pair_common = np.zeros(codes.shape, dtype=np.int64)
    for raw in profile.cpv_codes:  # the lot's few codes, not the candidates
        lot_code = int(raw)
        lot_length = int(_significant_lengths(np.array([lot_code]))[0])
        common = np.minimum(
            _common_digits(codes, lot_code), np.minimum(business_length, lot_length)
        )
        covers = (common >= business_length) & (business_length <= lot_length)
        within = (common >= lot_length) & (lot_length < business_length)
        sibling = (common >= 2) & ~covers & ~within
        sibling_score = SECTOR_SIBLING_MIN + (SECTOR_SIBLING_MAX - SECTOR_SIBLING_MIN) * (
            (common - 2) / 5.0
        )
        this = np.select(
            [covers, within, sibling],
            [SECTOR_COVERS_SCORE, SECTOR_WITHIN_SCORE, sibling_score],
            default=0.0,
        )
        relation = np.select(
            [covers, within, sibling], [SECTOR_COVERS, SECTOR_WITHIN, SECTOR_SIBLING], default=0
        )
        better = this > pair_score
        pair_score = np.where(better, this, pair_score)
        pair_relation = np.where(better, relation, pair_relation)
        pair_lot = np.where(better, lot_code, pair_lot)
        pair_common = np.where(better, common, pair_common)

    best = np.zeros(n, dtype=np.float64)
    np.maximum.at(best, rows, pair_score)
    winner = np.full(n, -1, dtype=np.int64)
    is_best = (pair_score == best[rows]) & (pair_score > 0)
    winner[rows[is_best]] = np.flatnonzero(is_best)
    found = winner >= 0
    pick = np.where(found, winner, 0)

    def gather(values):
        return np.where(found, values[pick] if len(values) else 0, 0)

    return SectorFit(
        score=best,
        relation=gather(pair_relation),
        business_code=gather(codes),
        lot_code=gather(pair_lot),
        common_digits=gather(pair_common),
    )


# Location --------------------------------------------------------------------------------------


def _decay(distance_km: np.ndarray, half_distance_km: float) -> np.ndarray:
    return np.exp(-math.log(2) * distance_km / half_distance_km)


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km, vectorised (same formula as ``places.postcodes``)."""
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def location_fit(profile: LotProfile, candidates: Candidates, config: EngineConfig) -> LocationFit:
    """Distance decay where both sides have coordinates, else the postcode hierarchy; a
    hyper-local lot's target area owns the top half of the scale."""
    frame = candidates.businesses
    latitude = frame["latitude"].to_numpy(dtype=np.float64)
    longitude = frame["longitude"].to_numpy(dtype=np.float64)
    distance = np.full(len(frame), np.nan)
    if profile.latitude is not None and profile.longitude is not None:
        distance = haversine_km(latitude, longitude, profile.latitude, profile.longitude)
    measured = ~np.isnan(distance)

    district = frame["district"]
    same_district = isin(district, {profile.district} - {""})
    same_sector = isin(frame["postcode_sector"], {profile.postcode_sector} - {""})
    focus = config.focus_districts
    both_in_focus = isin(district, focus) & (profile.district in focus)
    same_area = isin(district, _districts_of_area(district, profile.postcode_area))
    basis = np.select(
        [measured, same_sector, same_district, both_in_focus, same_area],
        [BASIS_DISTANCE, BASIS_SECTOR, BASIS_DISTRICT, BASIS_FOCUS, BASIS_AREA],
        default=BASIS_NONE,
    )
    hierarchy = np.select(
        [basis == b for b in HIERARCHY_SCORES], list(HIERARCHY_SCORES.values()), default=0.1
    )
    raw = np.where(measured, _decay(np.nan_to_num(distance), config.half_distance_km), hierarchy)

    in_target = isin(district, profile.target_districts)
    # Hyper-local: inside never below outside, as the target area owns the top half of the scale.
    location = np.where(in_target, 0.5 + 0.5 * raw, 0.5 * raw) if profile.is_hyper_local else raw
    return LocationFit(score=location, basis=basis, distance_km=distance, in_target=in_target)


def _districts_of_area(district: pd.Series, area_letters: str) -> set[str]:
    """The candidate districts in the lot's postcode area ("B"), from the categories only."""
    if not area_letters:
        return set()
    names = district.cat.categories if isinstance(district.dtype, pd.CategoricalDtype) else None
    names = names if names is not None else pd.Index(district.unique())
    return {str(d) for d in names if postcode_area(str(d)) == area_letters}


# Capacity and inclusion ------------------------------------------------------------------------


def capacity_fit(profile: LotProfile, candidates: Candidates, config: EngineConfig) -> CapacityFit:
    """How comfortably the lot fits each business: its limit, concurrent work, certificates."""
    frame = candidates.businesses
    limit = frame["capacity"].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(limit > 0, profile.value / limit, np.where(limit == 0, np.inf, np.nan))
    # The curve's points below the far-beyond ratio, then nothing from it on (np.interp needs
    # increasing points, whatever ratio the settings choose).
    far = config.far_beyond_ratio
    points = [(r, f) for r, f in zip(CAPACITY_RATIOS, CAPACITY_FITS, strict=True) if r < far]
    fit = np.interp(
        np.nan_to_num(ratio, nan=0.0, posinf=far * 2),
        [r for r, _ in points] + [far],
        [f for _, f in points] + [0.0],
    )
    fit = np.where(np.isnan(ratio), CAPACITY_UNKNOWN_FIT, fit)
    concurrent = frame["concurrent_capacity"].to_numpy(dtype=np.int64)
    commitments = frame["commitments"].to_numpy(dtype=np.int64)
    at_limit = commitments >= concurrent
    fit = np.where(at_limit, fit * AT_CONCURRENT_LIMIT_FACTOR, fit)
    held = None
    required = profile.required_certifications
    if required:
        # Each certificate counts once, so the factor never passes 1.
        certifications = candidates.certifications
        held = certifications[certifications["slug"].isin(list(required))].drop_duplicates()
        count = np.bincount(held["row"].to_numpy(dtype=np.int64), minlength=len(frame))
        fit = fit * (0.5 + 0.5 * count[: len(frame)] / len(required))
    return CapacityFit(
        score=fit,
        ratio=ratio,
        limit=limit,
        at_concurrent_limit=at_limit,
        concurrent_capacity=concurrent,
        commitments=commitments,
        required=tuple(required),
        held=held,
    )


def inclusion(candidates: Candidates, config: EngineConfig) -> Inclusion:
    """Micro > small > medium > large; being a VCSE and being based in the focus area add."""
    frame = candidates.businesses
    size_class = frame["size_class"].astype(object)
    is_vcse = frame["is_vcse"].to_numpy(dtype=bool)
    in_focus = isin(frame["district"], config.focus_districts)
    size = size_class.map(SIZE_SCORES).to_numpy(dtype=np.float64, na_value=np.nan)
    size = np.where(np.isnan(size), SIZE_UNKNOWN_SCORE, size)
    score = (
        INCLUSION_SIZE_SHARE * size
        + INCLUSION_VCSE_SHARE * is_vcse
        + INCLUSION_FOCUS_SHARE * in_focus
    )
    return Inclusion(
        score=score, size_class=size_class.to_numpy(), is_vcse=is_vcse, in_focus=in_focus
    )

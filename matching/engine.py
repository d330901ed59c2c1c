"""The matching engine: score one lot against a table of candidate businesses, in bulk.

Pure NumPy/pandas (no Django): the service layer loads a ``LotProfile`` and ``Candidates``
from the database, calls ``score``, and stores what it returns. Every step is a vectorised
operation over all candidates at once (the only Python loops are over the lot's own few CPV
codes); the sentences that explain a match are written afterwards, by ``matching.reasons``, for
the stored matches only.

The model is DESIGN section 4:

- Eligibility for a stored match: active with a complete profile, a sector overlap with the
  lot, and the lot's reservation satisfied. Nothing else is a bar (PA23 s.85: capacity and
  certifications are for the buyer to assess, so they rank and warn).
- Four components in [0, 1], combined with the configured weights: sector (CPV hierarchy),
  location (distance decay, or the postcode hierarchy without coordinates; inside a hyper-local
  lot's target area never scores below outside it), capacity fit, and inclusion (micro > small >
  medium > large; VCSE and being based in the focus area add).
- Stored when eligible, the score reaches the threshold and it is among the lot's
  ``max_stored`` best (a bound on work and on noise: a lot in a busy sector can clear the
  threshold for thousands of businesses; the rest still find it by search); notified unless the
  lot is far
  beyond the business's capacity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from suppliers import sizes  # pure: the same size bands the database uses

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
SME_CLASSES = tuple(size.value for size, _, _ in sizes.SIZE_BANDS)  # micro, small, medium


def postcode_sector(postcode: str) -> str:
    """ "B9 4" for "B9 4AA": a full postcode less its unit; "" for a district alone."""
    return postcode[:-2].strip() if " " in postcode else ""


def postcode_area(district: str) -> str:
    """The leading letters of a district: "B" for "B9", "EC" for "EC1A" (not "EC1A")."""
    letters = len(district) - len(district.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return district[:letters]


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
    value: float
    cpv_codes: tuple[str, ...]
    postcode: str = ""  # full delivery postcode when known
    district: str = ""
    latitude: float | None = None
    longitude: float | None = None
    target_districts: frozenset[str] = frozenset()  # non-empty: the lot is hyper-local
    target_name: str = ""
    supplier_reservation: str = "none"  # none | sme | vcse | sme_vcse
    location_reservation: str = "none"  # none | uk | authority_area | ... | county
    location_authorities: frozenset[str] = frozenset()  # who a location reservation admits
    location_name: str = ""  # "Birmingham", for sentences
    regime_name: str = ""  # the law the reservation is made under, for sentences
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


CANDIDATE_COLUMNS = {
    "business_id": "int64",
    "postcode": "object",
    "postcode_sector": "category",  # "B9 4": the full postcode less its last two characters
    "district": "category",
    "latitude": "float64",
    "longitude": "float64",
    "local_authority": "category",
    "size_class": "category",
    "is_vcse": "bool",
    "capacity": "float64",  # effective largest contract; NaN when unknown
    "concurrent_capacity": "int64",
    "commitments": "int64",  # contracts under way (awards not yet ended)
    "profile_ok": "bool",  # active and profile complete
}


@dataclass
class Candidates:
    """Businesses to score: one row each, plus long tables of their sectors and certificates.

    ``sectors`` has ``row`` (position in ``businesses``) and ``code`` (CPV as an int, 55523100);
    ``certifications`` has ``row`` and ``slug``.
    """

    businesses: pd.DataFrame
    sectors: pd.DataFrame
    certifications: pd.DataFrame

    def __len__(self) -> int:
        return len(self.businesses)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, sectors=(), certifications=()) -> Candidates:
        """Candidates from a ``candidates_frame`` and (business_id, code) and
        (business_id, slug) pairs; pairs for businesses not in the frame are dropped."""
        positions = pd.Index(frame["business_id"])
        return cls(
            frame,
            _long_table(positions, sectors, "code", np.int64),
            _long_table(positions, certifications, "slug", object),
        )

    @classmethod
    def from_records(cls, businesses, sectors=(), certifications=()) -> Candidates:
        """Candidates from plain rows: a dict per business with ``CANDIDATE_COLUMNS``."""
        rows = list(businesses)
        columns = {name: [row.get(name) for row in rows] for name in CANDIDATE_COLUMNS}
        return cls.from_frame(candidates_frame(columns), sectors, certifications)


def candidates_frame(columns: Mapping[str, object]) -> pd.DataFrame:
    """A candidate table with the engine's dtypes; ``postcode_sector`` is derived where absent
    (no column, or None in a row, as ``from_records`` gives for rows without it)."""
    data = dict(columns)
    given = data.get("postcode_sector")
    if given is None:
        given = [None] * len(data["postcode"])
    data["postcode_sector"] = [
        postcode_sector(pc or "") if sector is None else sector
        for pc, sector in zip(data["postcode"], given, strict=True)
    ]
    frame = pd.DataFrame({name: data[name] for name in CANDIDATE_COLUMNS})
    for name in ("latitude", "longitude", "capacity"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    for name in ("district", "local_authority", "size_class", "postcode_sector"):
        frame[name] = frame[name].fillna("").astype(object)
    return frame.astype(CANDIDATE_COLUMNS)


def _long_table(positions: pd.Index, pairs, name: str, dtype) -> pd.DataFrame:
    pairs = list(pairs)
    ids = np.fromiter((pair[0] for pair in pairs), dtype=np.int64, count=len(pairs))
    values = np.array([pair[1] for pair in pairs], dtype=object)
    if dtype is np.int64:
        values = values.astype(str).astype(np.int64) if len(values) else values.astype(np.int64)
    rows = positions.get_indexer(ids) if len(ids) else np.zeros(0, dtype=np.int64)
    keep = rows >= 0
    return pd.DataFrame({"row": rows[keep].astype(np.int64), name: values[keep]})


@dataclass
class MatchResult:
    """Per-candidate arrays, aligned with ``Candidates.businesses``."""

    profile: LotProfile
    config: EngineConfig
    business_id: np.ndarray
    eligible: np.ndarray
    stored: np.ndarray
    notify: np.ndarray
    score: np.ndarray
    sector: np.ndarray
    location: np.ndarray
    capacity: np.ndarray
    inclusion: np.ndarray
    # Facts behind the components, for the reasons.
    sector_relation: np.ndarray
    business_code: np.ndarray  # the business's CPV code that matched best (0: none)
    lot_code: np.ndarray  # the lot's CPV code it matched
    common_digits: np.ndarray
    location_basis: np.ndarray
    distance_km: np.ndarray  # NaN when not measured
    in_target: np.ndarray
    in_focus: np.ndarray
    capacity_ratio: np.ndarray  # lot value / limit; NaN when the limit is unknown
    at_concurrent_limit: np.ndarray
    reservation_ok: np.ndarray
    size_class: np.ndarray
    is_vcse: np.ndarray
    capacity_limit: np.ndarray
    concurrent_capacity: np.ndarray
    commitments: np.ndarray
    _held: pd.DataFrame | None = None
    _held_by_row: dict[int, set[str]] | None = None  # ``_held`` grouped, built on first use

    def stored_rows(self) -> np.ndarray:
        """Rows of the stored matches, best first (ties by business id, for stable output)."""
        rows = np.flatnonzero(self.stored)
        order = np.lexsort((self.business_id[rows], -self.score[rows]))
        return rows[order]

    def missing_for(self, row: int) -> list[str]:
        """Slugs of the lot's required certifications this candidate does not hold."""
        if self._held is None or not self.profile.required_certifications:
            return list(self.profile.required_certifications)
        if self._held_by_row is None:  # one pass, not a scan of ``_held`` per row
            self._held_by_row = {}
            for held_row, slug in zip(self._held["row"], self._held["slug"], strict=True):
                self._held_by_row.setdefault(int(held_row), set()).add(slug)
        held = self._held_by_row.get(int(row), set())
        return [slug for slug in self.profile.required_certifications if slug not in held]


def score(profile: LotProfile, candidates: Candidates, config: EngineConfig) -> MatchResult:
    """Score every candidate for the lot. Never touches a database; vectorised throughout."""
    frame = candidates.businesses
    n = len(frame)
    weights = config.weights.normalised()

    sector, relation, business_code, lot_code, common = _sector(profile, candidates.sectors, n)
    location, basis, distance, in_target = _location(profile, frame, config)
    in_focus = _in(frame["district"], config.focus_districts)
    capacity, ratio, at_limit, held = _capacity(profile, frame, candidates.certifications, config)
    size_class = frame["size_class"].astype(object).to_numpy()
    is_vcse = frame["is_vcse"].to_numpy(dtype=bool)
    inclusion = _inclusion(frame["size_class"], is_vcse, in_focus)
    reservation_ok = _reservation_ok(profile, frame, is_vcse)

    total = (
        weights.sector * sector
        + weights.location * location
        + weights.capacity * capacity
        + weights.inclusion * inclusion
    )
    total = np.clip(total, 0.0, 1.0)
    eligible = frame["profile_ok"].to_numpy(dtype=bool) & (relation > SECTOR_NONE) & reservation_ok
    stored = _best(eligible & (total >= config.threshold - 1e-9), total, config.max_stored)
    notify = stored & ~(ratio > config.far_beyond_ratio)  # NaN (unknown limit) notifies
    return MatchResult(
        profile=profile,
        config=config,
        business_id=frame["business_id"].to_numpy(dtype=np.int64),
        eligible=eligible,
        stored=stored,
        notify=notify,
        score=total,
        sector=sector,
        location=location,
        capacity=capacity,
        inclusion=inclusion,
        sector_relation=relation,
        business_code=business_code,
        lot_code=lot_code,
        common_digits=common,
        location_basis=basis,
        distance_km=distance,
        in_target=in_target,
        in_focus=in_focus,
        capacity_ratio=ratio,
        at_concurrent_limit=at_limit,
        reservation_ok=reservation_ok,
        size_class=size_class,
        is_vcse=is_vcse,
        capacity_limit=frame["capacity"].to_numpy(dtype=np.float64),
        concurrent_capacity=frame["concurrent_capacity"].to_numpy(dtype=np.int64),
        commitments=frame["commitments"].to_numpy(dtype=np.int64),
        _held=held,
    )


def _best(passing: np.ndarray, total: np.ndarray, limit: int) -> np.ndarray:
    """``passing`` narrowed to the ``limit`` highest scores (ties at the cut all kept)."""
    if passing.sum() <= limit:
        return passing
    scores = total[passing]
    cut = np.partition(scores, len(scores) - limit)[len(scores) - limit]
    return passing & (total >= cut)


def _in(column: pd.Series, values) -> np.ndarray:
    """Membership test through the category codes when the column is categorical (fast)."""
    if not values:
        return np.zeros(len(column), dtype=bool)
    if isinstance(column.dtype, pd.CategoricalDtype):
        hit = column.cat.categories.isin(list(values))
        codes = column.cat.codes.to_numpy()
        return np.where(codes >= 0, hit[codes] if len(hit) else False, False)
    return column.isin(list(values)).to_numpy(dtype=bool)


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


def _sector(profile: LotProfile, sectors: pd.DataFrame, n: int):
    """Best sector score per candidate over (business code, lot code) pairs."""
    rows = sectors["row"].to_numpy(dtype=np.int64)
    codes = sectors["code"].to_numpy(dtype=np.int64)
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

    return best, gather(pair_relation), gather(codes), gather(pair_lot), gather(pair_common)


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


def _location(profile: LotProfile, frame: pd.DataFrame, config: EngineConfig):
    n = len(frame)
    latitude = frame["latitude"].to_numpy(dtype=np.float64)
    longitude = frame["longitude"].to_numpy(dtype=np.float64)
    distance = np.full(n, np.nan)
    if profile.latitude is not None and profile.longitude is not None:
        distance = haversine_km(latitude, longitude, profile.latitude, profile.longitude)
    measured = ~np.isnan(distance)

    district = frame["district"]
    same_district = _in(district, {profile.district} if profile.district else set())
    same_sector = _in(
        frame["postcode_sector"], {profile.postcode_sector} if profile.postcode_sector else set()
    )
    focus = config.focus_districts
    both_in_focus = _in(district, focus) & (profile.district in focus)
    same_area = _in(district, _districts_of_area(district, profile.postcode_area))
    basis = np.select(
        [measured, same_sector, same_district, both_in_focus, same_area],
        [BASIS_DISTANCE, BASIS_SECTOR, BASIS_DISTRICT, BASIS_FOCUS, BASIS_AREA],
        default=BASIS_NONE,
    )
    hierarchy = np.select(
        [basis == b for b in HIERARCHY_SCORES], list(HIERARCHY_SCORES.values()), default=0.1
    )
    raw = np.where(measured, _decay(np.nan_to_num(distance), config.half_distance_km), hierarchy)

    in_target = _in(district, profile.target_districts)
    # Hyper-local: inside never below outside, as the target area owns the top half of the scale.
    location = np.where(in_target, 0.5 + 0.5 * raw, 0.5 * raw) if profile.is_hyper_local else raw
    return location, basis, distance, in_target


def _districts_of_area(district: pd.Series, area_letters: str) -> set[str]:
    """The candidate districts in the lot's postcode area ("B"), from the categories only."""
    if not area_letters:
        return set()
    names = district.cat.categories if isinstance(district.dtype, pd.CategoricalDtype) else None
    names = names if names is not None else pd.Index(district.unique())
    return {str(d) for d in names if postcode_area(str(d)) == area_letters}


def _capacity(
    profile: LotProfile, frame: pd.DataFrame, certifications: pd.DataFrame, config: EngineConfig
):
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
    at_limit = frame["commitments"].to_numpy(dtype=np.int64) >= frame[
        "concurrent_capacity"
    ].to_numpy(dtype=np.int64)
    fit = np.where(at_limit, fit * AT_CONCURRENT_LIMIT_FACTOR, fit)
    held = None
    required = profile.required_certifications
    if required:
        # Each certificate counts once, so the factor never passes 1.
        held = certifications[certifications["slug"].isin(list(required))].drop_duplicates()
        count = np.bincount(held["row"].to_numpy(dtype=np.int64), minlength=len(frame))
        fit = fit * (0.5 + 0.5 * count[: len(frame)] / len(required))
    return fit, ratio, at_limit, held


def _inclusion(size_class: pd.Series, is_vcse: np.ndarray, in_focus: np.ndarray) -> np.ndarray:
    size = size_class.astype(object).map(SIZE_SCORES).to_numpy(dtype=np.float64, na_value=np.nan)
    size = np.where(np.isnan(size), SIZE_UNKNOWN_SCORE, size)
    return (
        INCLUSION_SIZE_SHARE * size
        + INCLUSION_VCSE_SHARE * is_vcse
        + INCLUSION_FOCUS_SHARE * in_focus
    )


def _reservation_ok(profile: LotProfile, frame: pd.DataFrame, is_vcse: np.ndarray) -> np.ndarray:
    n = len(frame)
    is_sme = _in(frame["size_class"], SME_CLASSES)
    suppliers_ok = {
        "none": np.ones(n, dtype=bool),
        "sme": is_sme,
        "vcse": is_vcse,
        "sme_vcse": is_sme | is_vcse,
    }[profile.supplier_reservation]
    if profile.location_reservation in ("none", "uk"):
        return suppliers_ok  # every business here has a UK postcode
    return suppliers_ok & _in(frame["local_authority"], profile.location_authorities)


def reservation_refusal(
    profile: LotProfile, *, size_class: str | None, is_vcse: bool, local_authority: str
) -> str | None:
    """Why the lot's reservation shuts this business out, in words; None when it may take part.

    The one bar to registering interest (PA23 s.85 forbids the others). An unknown authority is
    let through: the buyer checks where a supplier is based when it assesses bids.
    """
    rule = f" under {profile.regime_name}" if profile.regime_name else ""
    is_sme = size_class in SME_CLASSES
    wanted = {
        "sme": (is_sme, "SMEs (fewer than 250 staff)"),
        "vcse": (is_vcse, "voluntary, community and social enterprises (VCSEs)"),
        "sme_vcse": (is_sme or is_vcse, "SMEs and VCSEs"),
    }.get(profile.supplier_reservation)
    if wanted and not wanted[0]:
        return f"This lot is reserved for {wanted[1]}{rule}, and your profile says you are not one."
    if (
        profile.location_reservation not in ("none", "uk")
        and local_authority
        and local_authority not in profile.location_authorities
    ):
        return (
            f"This lot is reserved for suppliers based in {profile.location_name}{rule}; "
            f"your postcode is in {local_authority}."
        )
    return None

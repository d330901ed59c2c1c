"""Properties of the matching engine that must hold for any lot and business (hypothesis).

Pure and fast: each example scores one business twice, before and after one change that can
only make it a better fit, and checks the score did not fall.
"""

import math
from dataclasses import replace

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from matching import engine
from matching.candidates import Candidates
from matching.reservations import Reservation
from places import areas

EAST_BIRMINGHAM = frozenset(
    areas.EAST_BIRMINGHAM_CORE_DISTRICTS + areas.EAST_BIRMINGHAM_FRINGE_DISTRICTS
)
CONFIG = engine.EngineConfig(focus_districts=EAST_BIRMINGHAM)
DISTRICTS = ["B1", "B9", "B10", "B33", "B37", "B90", "CV1", "EC1A"]
DIVISIONS = ["03", "45", "55", "79", "90"]
SIZES = ["micro", "small", "medium", "large", ""]
SLUGS = ["food-hygiene-5", "iso-9001", "cyber-essentials"]

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)

latitudes = st.floats(52.30, 52.65)
longitudes = st.floats(-2.10, -1.60)
values = st.floats(100.0, 5_000_000.0)


@st.composite
def cpv_codes(draw, division=None):
    """An 8-digit code with ``2..8`` significant digits (no zero inside the significant part)."""
    division = division or draw(st.sampled_from(DIVISIONS))
    length = draw(st.integers(2, 8))
    tail = draw(st.lists(st.integers(1, 9), min_size=length - 2, max_size=length - 2))
    return (division + "".join(map(str, tail))).ljust(8, "0")


def prefix_code(code: str, digits: int) -> str:
    """The ancestor-or-self of ``code`` keeping ``digits`` leading digits."""
    return code[:digits].ljust(8, "0")


def significant(code: str) -> int:
    return max(2, len(code.rstrip("0")))


@st.composite
def sibling_codes(draw, lot_code: str, common: int):
    """A code sharing exactly ``common`` leading digits with ``lot_code`` (not above it)."""
    other = draw(st.integers(1, 9).filter(lambda d: d != int(lot_code[common])))
    rest = draw(st.lists(st.integers(0, 9), min_size=7 - common, max_size=7 - common))
    return lot_code[:common] + str(other) + "".join(map(str, rest))


@st.composite
def lots(draw, hyper_local=None, with_point=None):
    hyper_local = draw(st.booleans()) if hyper_local is None else hyper_local
    with_point = draw(st.booleans()) if with_point is None else with_point
    district = draw(st.sampled_from(DISTRICTS))
    target = draw(st.sets(st.sampled_from(DISTRICTS), min_size=1)) if hyper_local else set()
    required = draw(st.lists(st.sampled_from(SLUGS), unique=True, max_size=2))
    return engine.LotProfile(
        lot_id=1,
        value=draw(values),
        cpv_codes=tuple(draw(st.lists(cpv_codes(), min_size=1, max_size=3))),
        postcode=f"{district} {draw(st.integers(1, 9))}AA" if draw(st.booleans()) else "",
        district=district,
        latitude=draw(latitudes) if with_point else None,
        longitude=draw(longitudes) if with_point else None,
        target_districts=frozenset(target),
        reservation=Reservation(
            suppliers=draw(st.sampled_from(["none", "sme", "vcse", "sme_vcse"]))
        ),
        required_certifications=tuple(required),
    )


@st.composite
def businesses(draw, with_point=None):
    with_point = draw(st.booleans()) if with_point is None else with_point
    district = draw(st.sampled_from(DISTRICTS))
    capacity = draw(st.one_of(st.just(math.nan), st.just(0.0), st.floats(1.0, 1e8)))
    concurrent = draw(st.integers(1, 5))
    return dict(
        business_id=1,
        postcode=f"{district} {draw(st.integers(1, 9))}ZZ",
        district=district,
        latitude=draw(latitudes) if with_point else None,
        longitude=draw(longitudes) if with_point else None,
        local_authority="Birmingham",
        size_class=draw(st.sampled_from(SIZES)),
        is_vcse=draw(st.booleans()),
        capacity=capacity,
        concurrent_capacity=concurrent,
        commitments=draw(st.integers(0, 6)),
        profile_ok=draw(st.booleans()),
    )


def before_and_after(profile, before, after, held=()) -> engine.MatchResult:
    """Score two versions of one business, each a (row, codes), side by side (rows 0 and 1)."""
    rows, sectors, certifications = [], [], []
    for business_id, (row, codes) in enumerate((before, after), start=1):
        rows.append(dict(row, business_id=business_id))
        sectors += [(business_id, code) for code in codes]
        certifications += [(business_id, slug) for slug in held]
    candidates = Candidates.from_records(rows, sectors, certifications)
    return engine.score(profile, candidates, CONFIG)


def did_not_fall(values) -> bool:
    return bool(values[1] >= values[0] - 1e-12)


@PROPERTY_SETTINGS
@given(
    profile=lots(with_point=True),
    row=businesses(with_point=True),
    closer=st.floats(0.0, 1.0),
    data=st.data(),
)
def test_moving_closer_to_the_delivery_site_never_lowers_the_score(profile, row, closer, data):
    # Same district before and after, so a hyper-local lot sees it on the same side.
    codes = data.draw(st.lists(cpv_codes(profile.cpv_codes[0][:2]), min_size=1, max_size=2))
    moved = dict(
        row,
        latitude=profile.latitude + closer * (row["latitude"] - profile.latitude),
        longitude=profile.longitude + closer * (row["longitude"] - profile.longitude),
    )
    result = before_and_after(profile, (row, codes), (moved, codes))
    assume(result.location.distance_km[1] <= result.location.distance_km[0])
    assert did_not_fall(result.location.score)
    assert did_not_fall(result.score)


@PROPERTY_SETTINGS
@given(profile=lots(), row=businesses(), data=st.data())
def test_a_sector_more_specific_to_the_lot_never_lowers_the_score(profile, row, data):
    lot_code = profile.cpv_codes[0]
    profile = replace(profile, cpv_codes=(lot_code,))  # "more specific" is to this one code
    depth = significant(lot_code)
    kind = data.draw(st.sampled_from(["ancestor", "sibling", "other division"]))
    if kind == "ancestor":
        shared = data.draw(st.integers(2, depth))
        old = prefix_code(lot_code, shared)
    elif kind == "sibling":
        assume(depth > 2)
        shared = data.draw(st.integers(2, depth - 1))
        old = data.draw(sibling_codes(lot_code, shared))
    else:
        shared = 0
        old = data.draw(cpv_codes(division="98"))
    better = data.draw(st.integers(max(shared, 2), depth))
    if kind != "ancestor" and better < depth and data.draw(st.booleans()):
        new = data.draw(sibling_codes(lot_code, better))  # a sibling sharing more digits
    else:
        new = prefix_code(lot_code, better)  # deeper on the path to the lot code
    others = data.draw(st.lists(cpv_codes(), max_size=2))
    result = before_and_after(profile, (row, [old, *others]), (row, [new, *others]))
    assert did_not_fall(result.sector.score)
    assert did_not_fall(result.score)


@PROPERTY_SETTINGS
@given(
    profile=lots(),
    row=businesses(),
    codes=st.lists(cpv_codes(), max_size=3),
    extra=cpv_codes(),
)
def test_adding_a_sector_never_lowers_the_score(profile, row, codes, extra):
    result = before_and_after(profile, (row, codes), (row, [*codes, extra]))
    assert did_not_fall(result.score)
    assert did_not_fall(result.eligible)


@PROPERTY_SETTINGS
@given(
    profile=lots(),
    row=businesses(),
    codes=st.lists(cpv_codes(), min_size=1, max_size=2),
    shortfall=st.floats(0.0001, 1.0, exclude_max=True),
    growth=st.floats(1.0001, 1e6),
    held=st.lists(st.sampled_from(SLUGS), unique=True),
)
def test_a_larger_limit_never_lowers_the_score_when_the_lot_is_beyond_it(
    profile, row, codes, shortfall, growth, held
):
    limit = profile.value * shortfall  # the lot is beyond it
    result = before_and_after(
        profile,
        (dict(row, capacity=limit), codes),
        (dict(row, capacity=limit * growth), codes),
        held,
    )
    assert did_not_fall(result.capacity.score)
    assert did_not_fall(result.score)


@PROPERTY_SETTINGS
@given(
    profile=lots(),
    rows=st.lists(businesses(), min_size=1, max_size=4),
    codes=st.lists(cpv_codes(), max_size=6),
    weights=st.tuples(*[st.floats(0.0, 10.0)] * 4).filter(lambda w: sum(w) > 1e-6),
    threshold=st.floats(0.0, 1.0),
    far_beyond=st.floats(0.5, 20.0),
    data=st.data(),
)
def test_scores_are_always_in_the_unit_interval(
    profile, rows, codes, weights, threshold, far_beyond, data
):
    rows = [dict(row, business_id=i) for i, row in enumerate(rows, start=1)]
    sectors = [(data.draw(st.integers(1, len(rows))), code) for code in codes]
    config = engine.EngineConfig(
        weights=engine.Weights(*weights),
        threshold=threshold,
        far_beyond_ratio=far_beyond,
        focus_districts=EAST_BIRMINGHAM,
    )
    result = engine.score(profile, Candidates.from_records(rows, sectors), config)
    for name in ("sector", "location", "capacity", "inclusion"):
        values_ = getattr(result, name).score
        assert np.all((values_ >= 0) & (values_ <= 1)), name
    assert np.all((result.score >= 0) & (result.score <= 1))
    assert np.all(result.eligible[result.stored])
    assert np.all(result.score[result.stored] >= threshold - 1e-9)
    assert np.all(result.stored[result.notify])
    assert result.business_id.tolist() == [row["business_id"] for row in rows]

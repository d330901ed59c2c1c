"""The matching engine on plain data (DESIGN section 4): no database, no Django.

Candidates are built with ``Candidates.from_records`` from the rows ``business`` makes; the lot
is a ``LotProfile``. District centroids are the real ones (doogal.co.uk, B area).
"""

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from matching import engine
from matching.candidates import Candidates, candidates_frame
from matching.reservations import Reservation
from places import areas

SCHOOL_MEALS = "55523100"
CATERING = "55520000"
BUILDING = "45000000"

# District centroids (latitude, longitude), copied from the doogal B-area district file.
B1 = (52.4796, -1.90783)
B9 = (52.4781, -1.85282)
B10 = (52.4701, -1.8533)
B33 = (52.4808, -1.78802)
B37 = (52.4784, -1.74179)
B90 = (52.4007, -1.82567)

EAST_BIRMINGHAM = frozenset(
    areas.EAST_BIRMINGHAM_CORE_DISTRICTS + areas.EAST_BIRMINGHAM_FRINGE_DISTRICTS
)
CONFIG = engine.EngineConfig(focus_districts=EAST_BIRMINGHAM)


def lot(**fields) -> engine.LotProfile:
    """School meals worth £40,000 delivered at B9 4AA (district centroid coordinates)."""
    values = dict(
        lot_id=1,
        value=40_000.0,
        cpv_codes=(SCHOOL_MEALS,),
        postcode="B9 4AA",
        district="B9",
        latitude=B9[0],
        longitude=B9[1],
    )
    values.update(fields)
    return engine.LotProfile(**values)


def business(business_id: int, *, at=None, **fields) -> dict:
    """A complete micro business in B9 (no coordinates unless ``at``), limit £100,000."""
    row = dict(
        business_id=business_id,
        postcode="B9 5QT",
        district="B9",
        latitude=None,
        longitude=None,
        local_authority="Birmingham",
        size_class="micro",
        is_vcse=False,
        capacity=100_000.0,
        concurrent_capacity=1,
        commitments=0,
        profile_ok=True,
    )
    if at is not None:
        row["latitude"], row["longitude"] = at
    row.update(fields)
    return row


PARTS = ("sector", "location", "capacity", "inclusion")


def components(result):
    """The four component scores, in ``PARTS`` order."""
    return [getattr(result, part).score for part in PARTS]


def run(profile, rows, sectors=None, certifications=(), config=CONFIG):
    """Score ``rows``; every business works in catering unless ``sectors`` says otherwise."""
    if sectors is None:
        sectors = [(row["business_id"], CATERING) for row in rows]
    candidates = Candidates.from_records(rows, sectors, certifications)
    return engine.score(profile, candidates, config)


# --- Sector -----------------------------------------------------------------------------------


def sector_scores(codes, lot_codes=(SCHOOL_MEALS,)):
    rows = [business(i) for i in range(len(codes))]
    result = run(lot(cpv_codes=lot_codes), rows, [(i, code) for i, code in enumerate(codes)])
    return result


def test_same_code_and_business_code_above_the_lot_code_score_highest():
    codes = [SCHOOL_MEALS, "55523000", CATERING, "55500000", "55000000"]
    result = sector_scores(codes)
    assert result.sector.score.tolist() == [1.0] * len(codes)
    assert (result.sector.relation == engine.SECTOR_COVERS).all()
    assert result.eligible.all()


def test_lot_code_above_the_business_code_scores_a_little_less():
    # A catering lot and a business that only does school meals (more specialised).
    result = sector_scores([CATERING, SCHOOL_MEALS, "55521000"], lot_codes=(CATERING,))
    covers, within, _sibling = result.sector.score
    assert result.sector.relation[1] == engine.SECTOR_WITHIN
    assert 0.7 < within < covers == 1.0
    assert result.eligible[1]


def test_within_scores_above_the_closest_sibling():
    result = sector_scores(["55523110", "55523200"])
    assert result.sector.relation.tolist() == [engine.SECTOR_WITHIN, engine.SECTOR_SIBLING]
    assert result.sector.score[0] > result.sector.score[1]


def test_siblings_score_by_the_depth_of_their_common_prefix():
    # Sharing 5, 4, 3 and 2 leading digits with school meals (55523100).
    codes = ["55523200", "55521000", "55510000", "55100000"]
    result = sector_scores(codes)
    assert result.sector.relation.tolist() == [engine.SECTOR_SIBLING] * 4
    assert result.sector.common_digits.tolist() == [5, 4, 3, 2]
    assert np.all(np.diff(result.sector.score) < 0)
    assert result.sector.score[-1] == pytest.approx(engine.SECTOR_SIBLING_MIN)
    assert result.sector.score[0] < engine.SECTOR_WITHIN_SCORE
    assert result.eligible.all()


def test_another_division_scores_nothing_and_is_never_eligible():
    result = sector_scores([BUILDING, "03000000"])
    assert result.sector.score.tolist() == [0.0, 0.0]
    assert result.sector.relation.tolist() == [engine.SECTOR_NONE] * 2
    assert not result.eligible.any()
    assert not result.stored.any()
    assert not result.notify.any()


def test_best_pair_wins_over_the_lot_and_business_codes():
    rows = [business(1)]
    sectors = [(1, BUILDING), (1, "55521000"), (1, CATERING)]
    result = run(lot(cpv_codes=("90910000", SCHOOL_MEALS)), rows, sectors)
    assert result.sector.score[0] == 1.0
    assert result.sector.business_code[0] == int(CATERING)
    assert result.sector.lot_code[0] == int(SCHOOL_MEALS)


def test_a_lot_without_codes_matches_nobody():
    result = run(lot(cpv_codes=()), [business(1)])
    assert result.sector.score[0] == 0.0
    assert not result.eligible[0]


# --- Location ---------------------------------------------------------------------------------


def test_location_decays_with_distance_halving_every_half_distance():
    places = [B9, B10, B33, B37, B90]
    rows = [business(i, at=point) for i, point in enumerate(places)]
    result = run(lot(), rows)
    assert (result.location.basis == engine.BASIS_DISTANCE).all()
    assert result.location.distance_km[0] == pytest.approx(0.0, abs=1e-6)
    assert result.location.distance_km[2] == pytest.approx(4.4, abs=0.1)  # B9 to B33
    assert np.all(np.diff(result.location.score) < 0)
    expected = 0.5 ** (result.location.distance_km / CONFIG.half_distance_km)
    np.testing.assert_allclose(result.location.score, expected)


def test_half_distance_comes_from_the_config():
    rows = [business(1, at=B90)]
    near = run(lot(), rows, config=engine.EngineConfig(half_distance_km=2.0))
    far = run(lot(), rows, config=engine.EngineConfig(half_distance_km=20.0))
    assert near.location.score[0] < far.location.score[0]


def test_without_coordinates_the_postcode_hierarchy_ranks_the_candidates():
    profile = lot(latitude=None, longitude=None)
    rows = [
        business(1, postcode="B9 4ZZ", district="B9"),  # same sector as B9 4AA
        business(2, postcode="B9 5QT", district="B9"),  # same district
        business(3, postcode="B33 8TH", district="B33"),  # both in East Birmingham
        business(4, postcode="B1 1BB", district="B1"),  # same postcode area
        business(5, postcode="CV1 2AA", district="CV1"),  # nothing in common
    ]
    result = run(profile, rows)
    assert result.location.basis.tolist() == [
        engine.BASIS_SECTOR,
        engine.BASIS_DISTRICT,
        engine.BASIS_FOCUS,
        engine.BASIS_AREA,
        engine.BASIS_NONE,
    ]
    assert np.all(np.diff(result.location.score) < 0)
    assert np.isnan(result.location.distance_km).all()


def test_focus_tier_needs_the_delivery_site_in_the_focus_area_too():
    profile = lot(postcode="B1 1BB", district="B1", latitude=None, longitude=None)
    result = run(profile, [business(1, postcode="B33 8TH", district="B33")])
    assert result.location.basis[0] == engine.BASIS_AREA


def test_postcode_area_is_the_leading_letters_of_the_district():
    profile = lot(postcode="EC1A 1BB", district="EC1A", latitude=None, longitude=None)
    rows = [
        business(1, postcode="EC2V 7HH", district="EC2V"),
        business(2, postcode="E1 6AN", district="E1"),
    ]
    result = run(profile, rows)
    assert profile.postcode_area == "EC"
    assert result.location.basis.tolist() == [engine.BASIS_AREA, engine.BASIS_NONE]


def test_coordinates_missing_on_one_side_fall_back_to_the_hierarchy():
    with_point = run(lot(), [business(1, postcode="B9 5QT")])
    assert with_point.location.basis[0] == engine.BASIS_DISTRICT
    without_lot_point = run(lot(latitude=None, longitude=None), [business(1, at=B9)])
    assert without_lot_point.location.basis[0] == engine.BASIS_DISTRICT


def test_postcode_sector_is_derived_from_the_postcode_in_from_records():
    candidates = Candidates.from_records([business(1, postcode="B9 4ZZ"), business(2)])
    assert candidates.businesses["postcode_sector"].astype(str).tolist() == ["B9 4", "B9 5"]
    given = candidates_frame(
        {**pd.DataFrame([business(1)]).to_dict("list"), "postcode_sector": ["B9 9"]}
    )
    assert given["postcode_sector"].astype(str).tolist() == ["B9 9"]


def hyper_local(**fields):
    return lot(target_districts=frozenset({"B9", "B10", "B33", "B37"}), **fields)


def test_hyper_local_inside_the_target_area_never_scores_below_outside():
    rows = [
        business(1, postcode="B37 7AA", district="B37", at=B37),  # inside, 7.5 km
        business(2, postcode="B1 1BB", district="B1", at=B1),  # outside, 3.7 km
        business(3, postcode="B5 4AA", district="B5", at=B9),  # outside, on the site itself
        business(4, postcode="B33 8TH", district="B33"),  # inside, location unknown
    ]
    result = run(hyper_local(), rows)
    assert result.location.in_target.tolist() == [True, False, False, True]
    inside, outside = (
        result.location.score[result.location.in_target],
        result.location.score[~result.location.in_target],
    )
    assert inside.min() >= outside.max()
    assert result.location.score[1] < result.location.score[2]  # distance still ranks within a side


def test_without_a_target_area_nearer_beats_inside_east_birmingham():
    rows = [
        business(1, postcode="B37 7AA", district="B37", at=B37),
        business(2, postcode="B1 1BB", district="B1", at=B1),
    ]
    result = run(lot(), rows)
    assert not result.location.in_target.any()
    assert result.location.score[1] > result.location.score[0]


# --- Capacity fit -----------------------------------------------------------------------------


def capacity_result(ratios, **fields):
    rows = [
        business(i, capacity=math.nan if r is None else 40_000.0 / r, **fields)
        for i, r in enumerate(ratios)
    ]
    return run(lot(), rows)


def test_capacity_comfortable_beats_at_the_limit_beats_beyond():
    result = capacity_result([0.4, 1.0, 2.0, 5.0])
    comfortable, at_limit, beyond, far_beyond = result.capacity.score
    assert comfortable == 1.0
    assert comfortable > at_limit > beyond > far_beyond == 0.0
    np.testing.assert_allclose(result.capacity.ratio, [0.4, 1.0, 2.0, 5.0])


def test_trivial_work_scores_less_than_comfortable_work():
    trivial, comfortable = capacity_result([0.001, 0.3]).capacity.score
    assert 0 < trivial < comfortable


def test_trivial_work_never_scores_below_work_beyond_the_limit():
    trivial, at_limit, beyond = capacity_result([0.001, 1.0, 1.01]).capacity.score
    assert trivial >= at_limit > beyond


def test_unknown_limit_is_neutral():
    unknown, comfortable, beyond = capacity_result([None, 0.4, 2.0]).capacity.score
    assert unknown == engine.CAPACITY_UNKNOWN_FIT
    assert beyond < unknown < comfortable
    assert np.isnan(capacity_result([None]).capacity.ratio[0])


def test_a_zero_limit_is_far_beyond():
    result = capacity_result([math.inf])  # capacity 0
    assert result.capacity.score[0] == 0.0
    assert result.eligible[0]
    assert not result.notify[0]


def test_far_beyond_ratio_below_the_curve_points_still_gives_a_falling_fit():
    config = engine.EngineConfig(far_beyond_ratio=1.2)
    ratios = [0.5, 1.0, 1.1, 1.19, 1.25, 1.4]
    rows = [business(i, capacity=40_000.0 / r) for i, r in enumerate(ratios)]
    result = run(lot(), rows, config=config)
    assert np.all(np.diff(result.capacity.score) <= 0)
    assert result.capacity.score[3] < 0.1  # the fit fades out towards the ratio, no cliff
    assert result.capacity.score[-2:].tolist() == [0.0, 0.0]  # past the far-beyond ratio: no fit
    assert result.notify.tolist() == [True, True, True, True, False, False]


def test_concurrent_capacity_at_the_limit_lowers_the_fit():
    rows = [
        business(1, concurrent_capacity=2, commitments=1),
        business(2, concurrent_capacity=2, commitments=2),
        business(3, concurrent_capacity=1, commitments=3),
    ]
    result = run(lot(), rows)
    assert result.capacity.at_concurrent_limit.tolist() == [False, True, True]
    assert result.capacity.score[1] < result.capacity.score[0]
    assert result.capacity.score[1] == pytest.approx(result.capacity.score[0] * 0.5)


def test_missing_certifications_lower_the_fit_but_never_make_a_candidate_ineligible():
    profile = lot(required_certifications=("food-hygiene-5", "iso-9001"))
    rows = [business(1), business(2), business(3)]
    held = [(1, "food-hygiene-5"), (1, "iso-9001"), (2, "iso-9001"), (3, "cyber-essentials")]
    result = run(profile, rows, certifications=held)
    both, one, none = result.capacity.score
    assert both > one > none > 0
    assert result.eligible.all()
    assert result.stored.all()
    assert result.capacity.missing_for(0) == []
    assert result.capacity.missing_for(1) == ["food-hygiene-5"]
    assert result.capacity.missing_for(2) == ["food-hygiene-5", "iso-9001"]


def test_a_certificate_listed_twice_counts_once():
    profile = lot(required_certifications=("food-hygiene-5", "iso-9001"))
    once = run(profile, [business(1)], certifications=[(1, "iso-9001")])
    twice = run(profile, [business(1)], certifications=[(1, "iso-9001"), (1, "iso-9001")])
    assert twice.capacity.score[0] == once.capacity.score[0] < 1.0


# --- Inclusion --------------------------------------------------------------------------------


def test_inclusion_ranks_micro_small_medium_large():
    sizes = ["micro", "small", "medium", "large"]
    rows = [business(i, size_class=size) for i, size in enumerate(sizes)]
    result = run(lot(), rows)
    assert np.all(np.diff(result.inclusion.score) < 0)


def test_vcse_and_the_focus_area_add_to_inclusion():
    rows = [
        business(1, size_class="large", postcode="B1 1BB", district="B1"),
        business(2, size_class="large", postcode="B1 1BB", district="B1", is_vcse=True),
        business(3, size_class="large", postcode="B9 5QT", district="B9"),
        business(4, size_class="micro", postcode="B9 5QT", district="B9", is_vcse=True),
    ]
    result = run(lot(), rows)
    plain, vcse, focus, best = result.inclusion.score
    assert vcse > plain and focus > plain
    assert result.inclusion.in_focus.tolist() == [False, False, True, True]
    assert best == pytest.approx(1.0)


def test_no_focus_area_configured_adds_nothing():
    result = run(lot(), [business(1)], config=engine.EngineConfig())
    assert not result.inclusion.in_focus[0]


# --- Reservations -----------------------------------------------------------------------------


def reservation_rows():
    return [
        business(1, size_class="micro"),
        business(2, size_class="medium"),
        business(3, size_class="large"),
        business(4, size_class="large", is_vcse=True),
        business(5, size_class="micro", is_vcse=True),
    ]


@pytest.mark.parametrize(
    ("reservation", "stored"),
    [
        ("none", [True, True, True, True, True]),
        ("sme", [True, True, False, False, True]),
        ("vcse", [False, False, False, True, True]),
        ("sme_vcse", [True, True, False, True, True]),
    ],
)
def test_supplier_reservation_stores_only_those_it_admits(reservation, stored):
    result = run(lot(reservation=Reservation(suppliers=reservation)), reservation_rows())
    assert result.eligibility.reservation_met.tolist() == stored
    assert result.eligible.tolist() == stored
    assert result.stored.tolist() == stored


def test_location_reservation_admits_businesses_by_local_authority():
    profile = lot(
        reservation=Reservation(
            location="authority_area", authorities=frozenset({"Birmingham"}), place="Birmingham"
        )
    )
    rows = [
        business(1, local_authority="Birmingham"),
        business(2, local_authority="Solihull", postcode="B90 1AA", district="B90"),
        business(3, local_authority=""),
    ]
    result = run(profile, rows)
    assert result.stored.tolist() == [True, False, False]


def test_uk_location_reservation_admits_everyone():
    profile = lot(reservation=Reservation(location="uk"))
    result = run(profile, [business(1, local_authority=""), business(2, local_authority="Leeds")])
    assert result.stored.all()


def test_supplier_and_location_reservations_both_apply():
    profile = lot(
        reservation=Reservation(
            suppliers="vcse", location="county", authorities=frozenset({"Birmingham", "Solihull"})
        )
    )
    rows = [
        business(1, is_vcse=True, local_authority="Solihull"),
        business(2, is_vcse=True, local_authority="Bromsgrove"),
        business(3, is_vcse=False, local_authority="Birmingham"),
    ]
    assert run(profile, rows).stored.tolist() == [True, False, False]


def refusal(reservation, size_class="micro", is_vcse=False, local_authority="Birmingham"):
    return reservation.judge(
        size_class=size_class, is_vcse=is_vcse, local_authority=local_authority
    ).refusal


def test_refusal_names_the_reservation_and_the_regime():
    text = refusal(Reservation(suppliers="sme", regime="the 2026 Order"), "large")
    assert text == (
        "This lot is reserved for SMEs (fewer than 250 staff) under the 2026 Order, "
        "and your profile says you are not one."
    )


def test_refusal_for_vcse_and_sme_vcse_reservations():
    vcse = refusal(Reservation(suppliers="vcse"), "micro", is_vcse=False)
    assert "voluntary, community and social enterprises (VCSEs)" in vcse
    assert " under " not in vcse
    assert refusal(Reservation(suppliers="vcse"), "large", is_vcse=True) is None
    both = refusal(Reservation(suppliers="sme_vcse"), "large", is_vcse=False)
    assert "reserved for SMEs and VCSEs" in both
    assert refusal(Reservation(suppliers="sme_vcse"), "large", is_vcse=True) is None
    assert refusal(Reservation(suppliers="sme_vcse"), "small", is_vcse=False) is None


def test_refusal_for_a_business_outside_the_reserved_area_names_its_authority():
    profile = Reservation(
        location="authority_area",
        authorities=frozenset({"Birmingham"}),
        place="Birmingham",
        regime="the 2026 Order",
    )
    assert refusal(profile, local_authority="Birmingham") is None
    assert refusal(profile, local_authority="Solihull") == (
        "This lot is reserved for suppliers based in Birmingham under the 2026 Order; "
        "your postcode is in Solihull."
    )


def test_refusal_lets_an_unknown_authority_through():
    profile = Reservation(location="county", authorities=frozenset({"Birmingham"}))
    assert refusal(profile, local_authority="") is None


def test_no_refusal_without_a_reservation():
    assert refusal(Reservation(), "large") is None
    assert refusal(Reservation(location="uk"), local_authority="Leeds") is None


# --- Threshold, weights, notify ---------------------------------------------------------------


def mixed_rows():
    return [
        business(1, at=B9),
        business(2, at=B90, size_class="large", postcode="B90 1AA", district="B90"),
        business(3, at=B33, capacity=10_000.0),
        business(4, capacity=math.nan, size_class="small"),
    ]


def test_threshold_comes_from_the_config_and_is_inclusive():
    scores = run(lot(), mixed_rows()).score
    cut = float(np.sort(scores)[1])
    result = run(lot(), mixed_rows(), config=replace(CONFIG, threshold=cut))
    assert result.stored.tolist() == (scores >= cut).tolist()
    assert result.stored.sum() == 3
    nobody = run(lot(), mixed_rows(), config=replace(CONFIG, threshold=1.01))
    assert not nobody.stored.any()
    assert nobody.eligible.all()


def test_weights_are_normalised():
    scaled = replace(CONFIG, weights=engine.Weights(4, 3, 1.5, 1.5))
    np.testing.assert_allclose(
        run(lot(), mixed_rows(), config=scaled).score, run(lot(), mixed_rows()).score
    )
    assert engine.Weights(2, 2, 0, 0).normalised() == engine.Weights(0.5, 0.5, 0.0, 0.0)


def test_weights_pick_the_components():
    only_location = engine.EngineConfig(weights=engine.Weights(0, 1, 0, 0))
    result = run(lot(), mixed_rows(), config=only_location)
    np.testing.assert_allclose(result.score, result.location.score)


@pytest.mark.parametrize(
    "weights",
    [
        engine.Weights(0, 0, 0, 0),
        engine.Weights(-0.1, 0.5, 0.3, 0.3),
        engine.Weights(math.nan, 0.3, 0.15, 0.15),
        engine.Weights(math.inf, 0.3, 0.15, 0.15),
    ],
)
def test_invalid_weights_raise(weights):
    with pytest.raises(ValueError, match="weights"):
        weights.normalised()
    with pytest.raises(ValueError):
        run(lot(), mixed_rows(), config=engine.EngineConfig(weights=weights))


def test_a_lot_far_beyond_capacity_is_stored_but_not_notified():
    rows = [
        business(1, capacity=40_000.0 / 3.5),  # beyond the default far-beyond ratio of 3
        business(2, capacity=40_000.0 / 3.0),  # exactly at it: still notified
        business(3, capacity=math.nan),  # unknown: notified
    ]
    result = run(lot(), rows, config=engine.EngineConfig(threshold=0.3))
    assert result.eligible.all()
    assert result.stored.all()
    assert result.notify.tolist() == [False, True, True]
    relaxed = run(lot(), rows, config=engine.EngineConfig(threshold=0.3, far_beyond_ratio=10))
    assert relaxed.notify.all()


def test_only_stored_matches_are_notified():
    result = run(lot(), [business(1)], sectors=[(1, BUILDING)])
    assert not result.notify[0]


def test_an_incomplete_or_inactive_profile_is_never_eligible():
    result = run(lot(), [business(1, profile_ok=False), business(2)])
    assert result.eligible.tolist() == [False, True]
    assert result.stored.tolist() == [False, True]


# --- Shapes and order -------------------------------------------------------------------------


def test_an_empty_candidate_table_gives_empty_results():
    result = engine.score(lot(), Candidates.from_records([]), CONFIG)
    assert len(result.score) == 0
    assert result.stored_rows().tolist() == []
    for values in (result.eligible, result.stored, result.notify, *components(result)):
        assert len(values) == 0


def test_candidates_without_sector_rows_are_scored_but_not_eligible():
    result = run(lot(), [business(1, at=B9), business(2)], sectors=[])
    assert result.sector.score.tolist() == [0.0, 0.0]
    assert result.sector.business_code.tolist() == [0, 0]
    assert not result.eligible.any()
    assert ((result.score >= 0) & (result.score <= 1)).all()


def test_sector_pairs_for_unknown_businesses_are_dropped():
    candidates = Candidates.from_records([business(7)], [(7, CATERING), (99, CATERING)])
    assert candidates.sectors["row"].tolist() == [0]


def test_results_align_with_the_input_order():
    rows = [
        business(30, at=B90, postcode="B90 1AA", district="B90"),
        business(10, at=B9),
        business(20, size_class="large"),
    ]
    sectors = [(10, CATERING), (20, CATERING), (30, BUILDING)]
    result = run(lot(), rows, sectors)
    assert result.business_id.tolist() == [30, 10, 20]
    assert result.eligible.tolist() == [False, True, True]
    assert result.inclusion.size_class.tolist() == ["micro", "micro", "large"]


def test_a_frame_with_a_shuffled_index_scores_by_position():
    rows = [business(i, at=point) for i, point in enumerate([B9, B33, B90], start=1)]
    sectors = [(1, CATERING), (2, "55521000"), (3, SCHOOL_MEALS)]
    plain = run(lot(), rows, sectors)
    frame = Candidates.from_records(rows).businesses
    shuffled = frame.iloc[[2, 0, 1]].set_axis([7, 3, 5])
    result = engine.score(lot(), Candidates.from_frame(shuffled, sectors), CONFIG)
    assert result.business_id.tolist() == [3, 1, 2]
    np.testing.assert_allclose(result.score, plain.score[[2, 0, 1]])


def test_stored_rows_are_best_first_with_ties_by_business_id():
    rows = [
        business(9),
        business(3),
        business(5, at=B9, is_vcse=True),  # best
        business(4, size_class="large", postcode="CV1 2AA", district="CV1"),
        business(1),
    ]
    sectors = [(row["business_id"], CATERING) for row in rows if row["business_id"] != 4]
    result = run(lot(latitude=None, longitude=None), rows, [*sectors, (4, "55100000")])
    ordered = result.business_id[result.stored_rows()].tolist()
    assert ordered == [5, 1, 3, 9]  # the same score: by id
    assert result.eligible[3]  # a distant large firm in a sibling sector: below the threshold
    assert np.all(np.diff(result.score[result.stored_rows()]) <= 0)


def test_scores_stay_within_the_unit_interval():
    rows = [
        business(1, at=B9, is_vcse=True),
        business(2, at=B90, size_class="large", capacity=0.0, concurrent_capacity=1, commitments=9),
        business(3, capacity=1e12, size_class=""),
        business(4, capacity=math.nan, postcode="", district=""),
    ]
    sectors = [(1, SCHOOL_MEALS), (1, CATERING), (2, BUILDING), (3, "55100000"), (4, CATERING)]
    for profile in (lot(), hyper_local(), lot(latitude=None, longitude=None)):
        result = run(profile, rows, sectors)
        for name, values in [("score", result.score), *zip(PARTS, components(result), strict=True)]:
            assert ((values >= 0) & (values <= 1)).all(), name


def test_only_the_lots_best_max_stored_candidates_are_stored():
    rows = [business(i, at=(B9[0] + i * 0.01, B9[1])) for i in range(6)]  # further and further

    result = run(lot(), rows, config=replace(CONFIG, max_stored=3))

    assert result.eligible.all()
    assert list(result.business_id[result.stored_rows()]) == [0, 1, 2]
    assert run(lot(), rows).stored.sum() == 6  # the default limit is far above six


def test_the_engine_and_its_reasons_load_without_django():
    import subprocess
    import sys

    code = (
        "import sys, matching.engine, matching.reasons, matching.reservations, matching.candidates;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"

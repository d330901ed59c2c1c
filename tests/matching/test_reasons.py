"""Reasons and warnings: sentences a business owner understands, carrying the facts.

Pure: a ``MatchResult`` from the engine on plain data, explained row by row.
"""

import math

import pytest

from matching import engine
from matching.candidates import Candidates
from matching.reasons import explain, money
from matching.reservations import Reservation
from places import areas

SCHOOL_MEALS = "55523100"
CATERING = "55520000"
LABELS = {
    SCHOOL_MEALS: "School-meal services",
    CATERING: "Catering services",
    "55523200": "Canteen services for schools",
    "55000000": "Hotel, restaurant and retail trade services",
}
B1 = (52.4796, -1.90783)
B9 = (52.4781, -1.85282)
B37 = (52.4784, -1.74179)
EAST_BIRMINGHAM = frozenset(
    areas.EAST_BIRMINGHAM_CORE_DISTRICTS + areas.EAST_BIRMINGHAM_FRINGE_DISTRICTS
)
CONFIG = engine.EngineConfig(focus_districts=EAST_BIRMINGHAM, focus_name="East Birmingham")


def lot(**fields) -> engine.LotProfile:
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


def explained(profile=None, *, code=CATERING, certifications=(), labels=LABELS, **fields):
    """Reasons and warnings for one business (micro, B9 centroid, £100,000 limit)."""
    row = dict(
        business_id=1,
        postcode="B9 5QT",
        district="B9",
        latitude=B9[0],
        longitude=B9[1],
        local_authority="Birmingham",
        size_class="micro",
        is_vcse=False,
        capacity=100_000.0,
        concurrent_capacity=1,
        commitments=0,
        profile_ok=True,
    )
    row.update(fields)
    candidates = Candidates.from_records([row], [(1, code)], certifications)
    result = engine.score(profile or lot(), candidates, CONFIG)
    return explain(result, 0, labels)


def text(explanation) -> str:
    return " ".join(explanation.reasons)


# --- Sector -----------------------------------------------------------------------------------


def test_sector_reason_names_both_codes_with_their_labels():
    assert explained().reasons[0] == (
        "Your sector Catering services (55520000) covers School-meal services (55523100)."
    )


def test_sector_reason_for_the_exact_code():
    assert explained(code=SCHOOL_MEALS).reasons[0] == (
        "Your sector School-meal services (55523100) is exactly what this lot asks for."
    )


def test_sector_reason_when_the_business_is_more_specialised():
    reason = explained(lot(cpv_codes=(CATERING,)), code=SCHOOL_MEALS).reasons[0]
    assert reason == (
        "The lot's sector Catering services (55520000) includes your more specialised "
        "School-meal services (55523100)."
    )


def test_sector_reason_for_a_sibling_names_the_shared_level():
    reason = explained(code="55523200").reasons[0]
    assert reason == (
        "Your sector Canteen services for schools (55523200) is in the same CPV category as "
        "the lot's School-meal services (55523100)."
    )
    division = explained(code="55100000").reasons[0]
    assert "same CPV division" in division
    assert "55100000" in division


def test_sector_reason_without_labels_shows_the_bare_codes():
    reason = explained(labels={}).reasons[0]
    assert reason == "Your sector 55520000 covers 55523100."


def test_codes_keep_their_leading_zero():
    reason = explained(lot(cpv_codes=("03000000",)), code="03100000", labels={}).reasons[0]
    assert "03100000" in reason and "03000000" in reason


# --- Location ---------------------------------------------------------------------------------


def test_distance_is_in_km_to_one_decimal():
    reason = explained(latitude=B1[0], longitude=B1[1], postcode="B1 1BB", district="B1")
    assert "3.7 km from the delivery site in B9." in reason.reasons


def test_hyper_local_reason_names_the_target_area_inside_and_outside():
    profile = lot(target_districts=EAST_BIRMINGHAM, target_name="East Birmingham")
    inside = explained(profile, latitude=B37[0], longitude=B37[1], district="B37")
    assert (
        "7.5 km from the delivery site in B9, inside East Birmingham, where the buyer wants "
        "to spend locally." in inside.reasons
    )
    outside = explained(profile, latitude=B1[0], longitude=B1[1], district="B1")
    assert "3.7 km from the delivery site in B9, outside East Birmingham" in text(outside)


def test_hyper_local_reason_without_a_name_says_the_target_area():
    profile = lot(target_districts=frozenset({"B9"}))
    assert "inside the target area" in text(explained(profile))


@pytest.mark.parametrize(
    ("postcode", "district", "expected"),
    [
        ("B9 4ZZ", "B9", "In the same postcode sector as the delivery site (B9 4)."),
        ("B9 5QT", "B9", "In the same postcode district as the delivery site (B9)."),
        ("B33 8TH", "B33", "In East Birmingham, like the delivery site in B9."),
        ("B1 1BB", "B1", "In the same postcode area as the delivery site (B)."),
        ("CV1 2AA", "CV1", "We could not work out how far you are from the delivery site."),
    ],
)
def test_without_coordinates_the_reason_names_the_shared_place(postcode, district, expected):
    profile = lot(latitude=None, longitude=None)
    result = explained(profile, postcode=postcode, district=district, latitude=None)
    assert expected in result.reasons


# --- Capacity ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("capacity", "expected"),
    [
        (100_000.0, "£40,000 is within your £100,000 limit."),
        (50_000.0, "£40,000 is close to your £50,000 limit."),
        (25_000_000.0, "£40,000 is a small job next to your £25,000,000 limit."),
        (30_000.0, "£40,000 is more than your £30,000 limit."),
        (math.nan, "The lot is worth £40,000; add your largest contract size to see how it fits."),
    ],
)
def test_capacity_reason_gives_the_amounts_with_thousands_separators(capacity, expected):
    assert expected in explained(capacity=capacity).reasons


def test_pennies_are_shown_only_when_there_are_some():
    assert money(40_000.0) == "£40,000"
    assert money(1_234.5) == "£1,234.50"
    assert money(999.999) == "£1,000"
    assert money(math.nan) == "an unknown amount"
    assert money(None) == "an unknown amount"


# --- Inclusion and reservations ---------------------------------------------------------------


def test_inclusion_reason_names_size_vcse_and_focus_area():
    reason = explained(is_vcse=True)
    assert (
        "You are a micro-enterprise and a voluntary, community or social enterprise based in "
        "East Birmingham: the network ranks local small firms and social enterprises first."
    ) in reason.reasons


def test_inclusion_reason_for_a_large_firm_only_mentions_the_focus_area():
    inside = explained(size_class="large")
    assert any(r.startswith("Based in East Birmingham:") for r in inside.reasons)
    outside = explained(size_class="large", district="B1", postcode="B1 1BB")
    assert not any("ranks local small firms" in r for r in outside.reasons)


def test_inclusion_reason_for_a_small_business_outside_the_focus_area():
    reason = explained(size_class="small", district="B1", postcode="B1 1BB")
    assert any(r.startswith("You are a small business:") for r in reason.reasons)


def test_reservation_reason_says_the_business_qualifies():
    sme = explained(lot(reservation=Reservation(suppliers="sme", regime="the 2026 Order")))
    assert "Reserved for SMEs under the 2026 Order: you qualify." in sme.reasons
    place = explained(
        lot(
            reservation=Reservation(
                suppliers="vcse",
                location="authority_area",
                authorities=frozenset({"Birmingham"}),
                place="Birmingham",
            ),
        ),
        is_vcse=True,
    )
    assert "Reserved for VCSEs based in Birmingham: you qualify." in place.reasons


def test_no_reservation_reason_without_a_reservation():
    assert not any(r.startswith("Reserved") for r in explained().reasons)


# --- Warnings ---------------------------------------------------------------------------------


def test_a_comfortable_match_has_no_warnings():
    assert explained().warnings == []


def test_warning_for_a_lot_far_beyond_capacity():
    result = explained(lot(value=250_000.0), capacity=20_000.0)
    assert len(result.warnings) == 1
    warning = result.warnings[0]
    assert "£250,000" in warning and "far beyond your £20,000 limit" in warning
    assert "You can still register interest" in warning


def test_warning_for_a_lot_over_the_limit():
    result = explained(capacity=30_000.0)
    assert result.warnings == [
        "At £40,000 this lot is more than your £30,000 limit: make sure you could deliver it. "
        "You can still register interest."
    ]


def test_warning_at_the_concurrent_limit():
    one = explained(concurrent_capacity=1, commitments=1).warnings
    assert one == [
        "You told us you can deliver 1 contract at once and you already have 1 under way."
    ]
    two = explained(concurrent_capacity=2, commitments=3).warnings
    assert "deliver 2 contracts at once and you already have 3 under way" in two[0]
    assert explained(concurrent_capacity=2, commitments=1).warnings == []


def test_warning_names_the_missing_certificates():
    profile = lot(
        required_certifications=("food-hygiene-5", "iso-9001", "cyber-essentials"),
        certification_names={"food-hygiene-5": "Food hygiene rating 5", "iso-9001": "ISO 9001"},
    )
    result = explained(profile, certifications=[(1, "iso-9001")])
    assert result.warnings == [
        "The buyer asks for Food hygiene rating 5, cyber-essentials, which your profile does "
        "not list. This does not stop you registering interest."
    ]
    every = [(1, slug) for slug in profile.required_certifications]
    assert explained(profile, certifications=every).warnings == []

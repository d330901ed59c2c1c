"""Computing and storing matches: match_lot, match_business, match_lots, open_lot_chunks,
match_dismiss."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anchors.models import Lot
from core.exceptions import PermissionDenied
from matching import engine
from matching.models import Interest, Match
from matching.services import match_business, match_dismiss, match_lot, match_lots, open_lot_chunks
from suppliers.models import BusinessSector
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory
from tests.matching.factories import (
    CATERING,
    CONSTRUCTION,
    SCHOOL_MEALS,
    InterestFactory,
    award_lot,
    cancel_lot,
    close_lot,
    far_and_weak_business,
    matching_business,
    open_lot,
)
from tests.places.factories import PostcodeDistrictFactory
from tests.suppliers.factories import OwnerFactory

pytestmark = pytest.mark.django_db


def pairs(**filters) -> set[tuple[int, int]]:
    return set(Match.objects.filter(**filters).values_list("lot_id", "business_id"))


# --- match_lot: what is stored ----------------------------------------------------------------


def test_match_lot_stores_an_eligible_match_with_version_components_and_reasons():
    lot = open_lot(cpv=[CATERING])
    business = matching_business()

    run = match_lot(lot_id=lot.pk)

    assert (run.stored, run.removed, run.skipped) == (1, 0, False)
    match = Match.objects.get()
    assert (match.lot, match.business) == (lot, business)
    assert match.engine_version == engine.ENGINE_VERSION
    assert 0.5 <= match.score <= 1
    assert match.sector_score == 1.0  # the same code
    for component in (match.location_score, match.capacity_score, match.inclusion_score):
        assert 0 < component <= 1
    assert match.notify is True
    assert match.computed_at is not None
    assert match.notified_at is None and match.dismissed_at is None
    assert any("Catering services (55520000)" in reason for reason in match.reasons)
    assert any("£40,000" in reason for reason in match.reasons)
    assert match.warnings == []


def test_match_lot_stores_only_eligible_candidates_above_the_threshold():
    lot = open_lot(cpv=[SCHOOL_MEALS])
    good = matching_business(sector_codes=[CATERING])  # covers school meals
    other_division = matching_business(sector_codes=[CONSTRUCTION])
    incomplete = matching_business(description="")
    inactive = matching_business(is_active=False)
    weak = far_and_weak_business()

    match_lot(lot_id=lot.pk)

    assert pairs() == {(lot.pk, good.pk)}
    for business in (other_division, incomplete, inactive, weak):
        assert not Match.objects.filter(business=business).exists()


def test_a_lot_far_beyond_capacity_is_stored_with_a_warning_but_not_notified():
    lot = open_lot(value=Decimal("40000"))
    business = matching_business(max_contract_value=Decimal("10000"))

    match_lot(lot_id=lot.pk)

    match = Match.objects.get(business=business)
    assert match.notify is False
    assert any("far beyond your £10,000 limit" in warning for warning in match.warnings)


# --- match_lot: idempotent recompute ----------------------------------------------------------


def test_match_lot_twice_gives_the_same_rows_and_keeps_lifecycle_facts():
    lot = open_lot()
    first, second = matching_business(), matching_business()
    match_lot(lot_id=lot.pk)
    before = {m.business_id: m for m in Match.objects.all()}
    assert set(before) == {first.pk, second.pk}
    notified = timezone.now() - timedelta(days=2)
    dismissed = timezone.now() - timedelta(days=1)
    Match.objects.filter(business=first).update(notified_at=notified)
    Match.objects.filter(business=second).update(dismissed_at=dismissed)

    run = match_lot(lot_id=lot.pk)

    assert (run.stored, run.removed) == (2, 0)
    after = {m.business_id: m for m in Match.objects.all()}
    assert Match.objects.count() == 2
    for business_id, match in after.items():
        assert match.pk == before[business_id].pk
        assert match.created_at == before[business_id].created_at
        assert match.score == before[business_id].score
        assert match.reasons == before[business_id].reasons
        assert match.computed_at >= before[business_id].computed_at
    assert after[first.pk].notified_at == notified
    assert after[second.pk].dismissed_at == dismissed


def test_recompute_refreshes_the_stored_numbers():
    lot = open_lot()
    business = matching_business()
    Match.objects.create(
        lot=lot,
        business=business,
        score=0.51,
        sector_score=0,
        location_score=0,
        capacity_score=0,
        inclusion_score=0,
        reasons=["old"],
        engine_version="0.0.1",
        computed_at=timezone.now() - timedelta(days=3),
    )

    match_lot(lot_id=lot.pk)

    match = Match.objects.get()
    assert match.engine_version == engine.ENGINE_VERSION
    assert match.score > 0.51 and match.sector_score == 1.0
    assert match.reasons != ["old"]


# --- match_lot: removing what no longer holds -------------------------------------------------


def test_a_match_that_no_longer_holds_is_removed_when_the_business_changes_sector():
    lot = open_lot()
    business = matching_business()
    match_lot(lot_id=lot.pk)
    assert pairs() == {(lot.pk, business.pk)}

    BusinessSector.objects.filter(business=business).delete()
    BusinessSector.objects.create(business=business, cpv_code_id=CONSTRUCTION)
    run = match_lot(lot_id=lot.pk)

    assert (run.stored, run.removed) == (0, 1)
    assert pairs() == set()


def test_a_deactivated_business_loses_its_match_on_recompute():
    lot = open_lot()
    business, stays = matching_business(), matching_business()
    match_lot(lot_id=lot.pk)

    business.is_active = False
    business.save(update_fields=["is_active"])
    match_lot(lot_id=lot.pk)

    assert pairs() == {(lot.pk, stays.pk)}


@pytest.mark.parametrize("status", [Interest.Status.REGISTERED, Interest.Status.SHORTLISTED])
def test_a_match_with_an_active_interest_is_kept_when_it_no_longer_holds(status):
    lot = open_lot()
    business = matching_business()
    match_lot(lot_id=lot.pk)
    InterestFactory(lot=lot, business=business, status=status)

    business.is_active = False
    business.save(update_fields=["is_active"])
    run = match_lot(lot_id=lot.pk)

    assert run.removed == 0
    assert pairs() == {(lot.pk, business.pk)}


@pytest.mark.parametrize("status", [Interest.Status.WITHDRAWN, Interest.Status.DECLINED])
def test_a_match_with_an_inactive_interest_is_removed(status):
    lot = open_lot()
    business = matching_business()
    match_lot(lot_id=lot.pk)
    InterestFactory(lot=lot, business=business, status=status)

    business.is_active = False
    business.save(update_fields=["is_active"])
    match_lot(lot_id=lot.pk)

    assert pairs() == set()


# --- match_lot: only open lots ----------------------------------------------------------------


@pytest.mark.parametrize(
    "make_not_open",
    [
        pytest.param(lambda: open_lot(published=False), id="draft"),
        pytest.param(lambda: close_lot(open_lot()), id="closed"),
        pytest.param(lambda: cancel_lot(open_lot()), id="cancelled"),
        pytest.param(lambda: award_lot(open_lot()).lot, id="awarded"),
    ],
)
def test_match_lot_does_nothing_for_a_lot_that_is_not_open(make_not_open):
    lot = make_not_open()
    matching_business()

    run = match_lot(lot_id=lot.pk)

    assert run.skipped is True
    assert (run.stored, run.removed) == (0, 0)
    assert not Match.objects.exists()


def test_match_lot_for_a_missing_lot_is_skipped():
    assert match_lot(lot_id=987654).skipped is True


def test_matches_of_a_closed_lot_stay_as_the_record():
    lot = open_lot()
    business = matching_business()
    match_lot(lot_id=lot.pk)
    close_lot(lot)
    business.is_active = False
    business.save(update_fields=["is_active"])

    run = match_lot(lot_id=lot.pk)

    assert run.skipped is True
    assert pairs() == {(lot.pk, business.pk)}


# --- match_lot: reservations ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reservation", "expected"),
    [
        (Lot.SupplierReservation.NONE, {"micro", "large", "large_vcse"}),
        (Lot.SupplierReservation.SME, {"micro"}),
        (Lot.SupplierReservation.VCSE, {"large_vcse"}),
        (Lot.SupplierReservation.SME_VCSE, {"micro", "large_vcse"}),
    ],
)
def test_a_reserved_lot_only_matches_qualifying_businesses(reservation, expected):
    lot = open_lot(reservation_suppliers=reservation, reservation_rationale="Local social value.")
    big = {"staff_headcount": 300, "annual_turnover": Decimal("60000000")}
    businesses = {
        "micro": matching_business(),
        "large": matching_business(max_contract_value=Decimal("100000"), **big),
        "large_vcse": matching_business(
            max_contract_value=Decimal("100000"), social_enterprise_declared=True, **big
        ),
    }

    match_lot(lot_id=lot.pk)

    names = {name for name, b in businesses.items() if Match.objects.filter(business=b).exists()}
    assert names == expected


@pytest.fixture
def authorities():
    """Postcode districts with the local authority their region column names."""
    for code, region in [
        ("B9", "Birmingham"),
        ("WS1", "Walsall"),
        ("CV1", "Coventry"),
        ("ST16", "Stafford"),
        ("SY1", "Shropshire"),
    ]:
        PostcodeDistrictFactory(code=code, region=region, latitude=52.48, longitude=-1.85)


@pytest.mark.parametrize(
    ("location", "home_area", "county", "expected"),
    [
        (
            Lot.LocationReservation.NONE,
            "Birmingham",
            "West Midlands",
            {"B9", "WS1", "CV1", "ST16", "SY1"},
        ),
        (
            Lot.LocationReservation.UK,
            "Birmingham",
            "West Midlands",
            {"B9", "WS1", "CV1", "ST16", "SY1"},
        ),
        (Lot.LocationReservation.AUTHORITY_AREA, "Birmingham", "West Midlands", {"B9"}),
        (Lot.LocationReservation.AUTHORITY_AREA, "Walsall", "West Midlands", {"WS1"}),
        (Lot.LocationReservation.COUNTY, "Birmingham", "West Midlands", {"B9", "WS1", "CV1"}),
        (
            Lot.LocationReservation.AUTHORITY_AREA_AND_NEIGHBOURS,
            "Birmingham",
            "West Midlands",
            {"B9", "WS1", "CV1", "ST16"},
        ),
    ],
)
def test_a_location_reservation_admits_businesses_in_the_institutions_authority(
    authorities, location, home_area, county, expected
):
    institution = InstitutionFactory(home_area_name=home_area, county_name=county)
    lot = open_lot(
        institution=institution,
        reservation_location=location,
        reservation_rationale="Spend in the local economy.",
    )
    businesses = {
        district: matching_business(postcode=f"{district} 1AA")
        for district in ["B9", "WS1", "CV1", "ST16", "SY1"]
    }

    match_lot(lot_id=lot.pk)

    matched = {d for d, b in businesses.items() if Match.objects.filter(business=b).exists()}
    assert matched == expected


def test_a_location_reserved_lot_leaves_out_a_business_whose_authority_is_unknown(authorities):
    lot = open_lot(reservation_location=Lot.LocationReservation.AUTHORITY_AREA)
    local = matching_business()
    matching_business(postcode="B10 1AA")  # no district row: its authority is not known

    match_lot(lot_id=lot.pk)

    assert pairs() == {(lot.pk, local.pk)}


# --- match_lot: a fixed number of queries -----------------------------------------------------


def _queries_for_a_lot_with(candidates: int) -> int:
    lot = open_lot()
    for _ in range(candidates):
        matching_business()
    with CaptureQueriesContext(connection) as captured:
        run = match_lot(lot_id=lot.pk)
    assert run.stored == candidates
    Match.objects.all().delete()
    from suppliers.models import Business

    Business.objects.all().update(is_active=False)
    return len(captured)


def test_match_lot_takes_a_fixed_number_of_queries_whatever_the_number_of_candidates(
    django_assert_max_num_queries,
):
    few = _queries_for_a_lot_with(5)
    many = _queries_for_a_lot_with(50)

    assert few == many
    lot = open_lot()
    for _ in range(50):
        matching_business()
    with django_assert_max_num_queries(few):
        match_lot(lot_id=lot.pk)


def test_recomputing_takes_the_same_number_of_queries_for_5_or_50_matches():
    counts = []
    for candidates in (5, 50):
        lot = open_lot()
        for _ in range(candidates):
            matching_business()
        match_lot(lot_id=lot.pk)
        with CaptureQueriesContext(connection) as captured:
            match_lot(lot_id=lot.pk)
        counts.append(len(captured))
        from suppliers.models import Business

        Business.objects.all().update(is_active=False)
        Match.objects.all().delete()
    assert counts[0] == counts[1]


# --- match_business ---------------------------------------------------------------------------


def test_match_business_matches_a_business_against_every_open_lot():
    first, second = open_lot(), open_lot(cpv=[SCHOOL_MEALS])
    close_lot(closed := open_lot())
    draft = open_lot(published=False)
    elsewhere = open_lot(cpv=[CONSTRUCTION])
    business = matching_business()

    run = match_business(business_id=business.pk)

    assert run.stored == 2
    assert pairs() == {(first.pk, business.pk), (second.pk, business.pk)}
    for lot in (closed, draft, elsewhere):
        assert not lot.matches.exists()


def test_match_business_agrees_with_match_lot():
    lots = [open_lot(), open_lot(cpv=[SCHOOL_MEALS]), open_lot(value=Decimal("900000"))]
    business = matching_business()
    match_business(business_id=business.pk)
    by_business = {
        (m.lot_id, m.business_id): (m.score, m.reasons, m.warnings, m.notify)
        for m in Match.objects.all()
    }
    Match.objects.all().delete()
    for lot in lots:
        match_lot(lot_id=lot.pk)
    by_lot = {
        (m.lot_id, m.business_id): (m.score, m.reasons, m.warnings, m.notify)
        for m in Match.objects.all()
    }
    assert by_business == by_lot
    assert len(by_lot) == 3


def test_match_business_respects_reservations_as_match_lot_does(authorities):
    institution = InstitutionFactory(home_area_name="Birmingham", county_name="West Midlands")
    rationale = {"reservation_rationale": "Local social value."}
    in_county = open_lot(
        institution=institution, reservation_location=Lot.LocationReservation.COUNTY, **rationale
    )
    open_lot(
        institution=institution,
        reservation_location=Lot.LocationReservation.AUTHORITY_AREA,
        **rationale,
    )
    open_lot(reservation_suppliers=Lot.SupplierReservation.VCSE, **rationale)
    unreserved = open_lot()
    walsall = matching_business(postcode="WS1 1AA")

    match_business(business_id=walsall.pk)
    by_business = pairs()
    Match.objects.all().delete()
    for lot in Lot.objects.all():
        match_lot(lot_id=lot.pk)

    assert by_business == pairs() == {(in_county.pk, walsall.pk), (unreserved.pk, walsall.pk)}


def test_match_business_after_a_sector_change_removes_its_matches_on_open_lots():
    lot = open_lot()
    business = matching_business()
    match_business(business_id=business.pk)
    assert pairs() == {(lot.pk, business.pk)}

    BusinessSector.objects.filter(business=business).delete()
    BusinessSector.objects.create(business=business, cpv_code_id=CONSTRUCTION)
    run = match_business(business_id=business.pk)

    assert (run.stored, run.removed) == (0, 1)
    assert pairs() == set()


def test_match_business_for_a_deactivated_business_removes_its_open_matches_only():
    open_one, closing, kept = open_lot(), open_lot(), open_lot()
    business, other = matching_business(), matching_business()
    match_business(business_id=business.pk)
    match_business(business_id=other.pk)
    close_lot(closing)
    InterestFactory(lot=kept, business=business)

    business.is_active = False
    business.save(update_fields=["is_active"])
    run = match_business(business_id=business.pk)

    assert run.stored == 0
    assert pairs(business=business) == {(closing.pk, business.pk), (kept.pk, business.pk)}
    assert not Match.objects.filter(lot=open_one, business=business).exists()
    assert len(pairs(business=other)) == 3


def test_match_business_for_a_missing_business_is_skipped():
    assert match_business(business_id=987654).skipped is True


# --- match_lots and open_lot_chunks -----------------------------------------------------------


def test_match_lots_matches_each_lot_and_adds_up():
    lots = [open_lot(), open_lot(), close_lot(open_lot())]
    matching_business()
    matching_business()

    run = match_lots(lot_ids=[lot.pk for lot in lots])

    assert (run.stored, run.removed) == (4, 0)
    assert {lot_id for lot_id, _ in pairs()} == {lots[0].pk, lots[1].pk}


def test_open_lot_chunks_gives_every_open_lot_once_in_order():
    lots = [open_lot() for _ in range(5)]
    close_lot(open_lot())
    open_lot(published=False)

    chunks = list(open_lot_chunks(size=2))

    assert chunks == [[lots[0].pk, lots[1].pk], [lots[2].pk, lots[3].pk], [lots[4].pk]]


def test_open_lot_chunks_with_no_open_lot_gives_nothing():
    close_lot(open_lot())
    assert list(open_lot_chunks(size=10)) == []


# --- match_dismiss ----------------------------------------------------------------------------


def _stored_match():
    lot = open_lot()
    owner = OwnerFactory(business=matching_business())
    match_lot(lot_id=lot.pk)
    return Match.objects.get(), owner.user


def test_a_member_dismisses_a_match_and_recompute_keeps_it_dismissed():
    match, owner = _stored_match()

    match_dismiss(actor=owner, match=match)
    dismissed_at = Match.objects.get().dismissed_at
    match_lot(lot_id=match.lot_id)

    assert dismissed_at is not None
    assert Match.objects.get().dismissed_at == dismissed_at
    assert not Match.objects.current().exists()
    match_dismiss(actor=owner, match=Match.objects.get())  # a second dismissal changes nothing
    assert Match.objects.get().dismissed_at == dismissed_at


@pytest.mark.parametrize("who", ["other_business", "coordinator", "anonymous", "no_role"])
def test_only_members_may_dismiss_a_match(who):
    match, _ = _stored_match()
    actor = {
        "other_business": lambda: OwnerFactory().user,
        "coordinator": CoordinatorFactory,
        "anonymous": AnonymousUser,
        "no_role": UserFactory,
    }[who]()

    with pytest.raises(PermissionDenied):
        match_dismiss(actor=actor, match=match)
    assert Match.objects.get().dismissed_at is None


def test_match_business_joins_a_full_lot_only_above_its_lowest_stored_match(settings):
    settings.MATCHING = {**settings.MATCHING, "MAX_MATCHES_PER_LOT": 2}
    lot = open_lot(cpv=[CATERING])
    best, second = matching_business(), matching_business(social_enterprise_declared=True)
    match_lot(lot_id=lot.pk)
    assert Match.objects.filter(lot=lot).count() == 2
    lowest = Match.objects.filter(lot=lot).order_by("score").first()

    weaker = matching_business(staff_headcount=40)  # small, not micro: scores lower
    stronger = matching_business(social_enterprise_declared=True, postcode=best.postcode)

    assert match_business(business_id=weaker.pk).stored == 0
    assert match_business(business_id=stronger.pk).stored == 1
    assert Match.objects.get(lot=lot, business=stronger).score >= lowest.score
    assert {best.pk, second.pk} <= set(
        Match.objects.filter(lot=lot).values_list("business", flat=True)
    )
    match_lot(lot_id=lot.pk)  # the nightly re-match trims the lot back to its best two
    assert Match.objects.filter(lot=lot).count() == 2

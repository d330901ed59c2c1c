"""Match quality: scenarios where the right order is obvious to a person.

Each scenario runs twice: through the pure engine on plain rows, and end to end through the
database with ``match_lot`` (SQL pre-filter, scoring, upsert). District centroids are the real
ones for the B area (doogal.co.uk), copied here as constants.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from anchors.models import Lot
from matching import engine
from matching.candidates import Candidates
from matching.models import Interest, Match
from matching.reservations import Reservation
from matching.services import interest_register, match_lot
from places import areas
from places.models import NamedArea
from suppliers.models import Business
from tests.accounts.factories import UserFactory
from tests.anchors.factories import ContractFactory, InstitutionFactory
from tests.places.factories import PostcodeDistrictFactory
from tests.sectors.factories import CpvCodeFactory
from tests.suppliers.factories import BusinessFactory

SCHOOL_MEALS = "55523100"
CATERING = "55520000"
BUILDING = "45000000"

# (latitude, longitude, local authority) of district centroids, from the doogal B-area file.
DISTRICTS = {
    "B1": (52.4796, -1.90783, "Birmingham"),
    "B9": (52.4781, -1.85282, "Birmingham"),
    "B10": (52.4701, -1.8533, "Birmingham"),
    "B33": (52.4808, -1.78802, "Birmingham"),
    "B37": (52.4784, -1.74179, "Birmingham"),
    "B90": (52.4007, -1.82567, "Solihull"),
}
POSTCODES = {"B1": "B1 1BB", "B9": "B9 5QT", "B10": "B10 0AB", "B33": "B33 8TH", "B37": "B37 7AA"}
EAST_BIRMINGHAM = frozenset(
    areas.EAST_BIRMINGHAM_CORE_DISTRICTS + areas.EAST_BIRMINGHAM_FRINGE_DISTRICTS
)
CONFIG = engine.EngineConfig(focus_districts=EAST_BIRMINGHAM)


# --- The pure engine --------------------------------------------------------------------------


def profile(**fields) -> engine.LotProfile:
    """A £40,000 school-meals lot delivered at B9 4AA (district centroid coordinates)."""
    latitude, longitude, _ = DISTRICTS["B9"]
    values = dict(
        lot_id=1,
        value=40_000.0,
        cpv_codes=(SCHOOL_MEALS,),
        postcode="B9 4AA",
        district="B9",
        latitude=latitude,
        longitude=longitude,
    )
    values.update(fields)
    return engine.LotProfile(**values)


def row(business_id, district, *, size="micro", vcse=False, capacity=125_000.0, **fields):
    latitude, longitude, authority = DISTRICTS[district]
    values = dict(
        business_id=business_id,
        postcode=POSTCODES.get(district, f"{district} 1AA"),
        district=district,
        latitude=latitude,
        longitude=longitude,
        local_authority=authority,
        size_class=size,
        is_vcse=vcse,
        capacity=capacity,
        concurrent_capacity=1,
        commitments=0,
        profile_ok=True,
    )
    values.update(fields)
    return values


def ranked(lot_profile, rows, sectors) -> tuple[list[int], engine.MatchResult]:
    candidates = Candidates.from_records(rows, sectors)
    result = engine.score(lot_profile, candidates, CONFIG)
    return result.business_id[result.stored_rows()].tolist(), result


def test_school_meals_in_b9_ranks_local_micro_caterers_first_pure():
    rows = [
        row(1, "B1", size="medium", capacity=500_000.0),
        row(2, "B33"),
        row(3, "B9"),
        row(4, "B9"),
    ]
    sectors = [(1, CATERING), (2, CATERING), (3, CATERING), (4, BUILDING)]
    order, result = ranked(profile(), rows, sectors)
    assert order == [3, 2, 1]
    assert not result.eligible[3]  # the builder is not matched at all


def test_vcse_reserved_lot_never_stores_a_non_vcse_business_pure():
    rows = [row(1, "B9"), row(2, "B9", vcse=True), row(3, "B33", size="large", vcse=True)]
    sectors = [(i, CATERING) for i in (1, 2, 3)]
    order, result = ranked(profile(reservation=Reservation(suppliers="vcse")), rows, sectors)
    assert order == [2, 3]
    assert result.score[0] > result.score[2]  # the best score, yet shut out


def test_far_beyond_capacity_is_stored_but_not_notified_pure():
    trader = row(1, "B9", capacity=20_000.0)
    order, result = ranked(profile(value=250_000.0), [trader], [(1, CATERING)])
    assert order == [1]
    assert not result.notify[0]


def test_vcse_micro_in_east_birmingham_beats_an_identical_large_firm_pure():
    rows = [row(1, "B9", size="large"), row(2, "B9", vcse=True)]
    order, _ = ranked(profile(), rows, [(1, CATERING), (2, CATERING)])
    assert order == [2, 1]


def test_hyper_local_lot_prefers_businesses_inside_the_target_area_pure():
    rows = [row(1, "B1"), row(2, "B37")]  # B1 is nearer B9 than B37 is
    sectors = [(1, CATERING), (2, CATERING)]
    plain, _ = ranked(profile(), rows, sectors)
    assert plain == [1, 2]
    targeted, _ = ranked(
        profile(target_districts=EAST_BIRMINGHAM, target_name="East Birmingham"), rows, sectors
    )
    assert targeted == [2, 1]


def test_exact_sector_beats_a_sibling_at_the_same_place_pure():
    rows = [row(1, "B9"), row(2, "B9"), row(3, "B9")]
    sectors = [(1, "55100000"), (2, SCHOOL_MEALS), (3, "55523200")]
    order, result = ranked(profile(), rows, sectors)
    assert order[:2] == [2, 3]
    assert result.sector.score[1] > result.sector.score[2] > result.sector.score[0]


def test_a_business_at_capacity_ranks_below_an_identical_one_with_room_pure():
    rows = [row(1, "B9", commitments=1), row(2, "B9")]
    order, _ = ranked(profile(), rows, [(1, CATERING), (2, CATERING)])
    assert order == [2, 1]


# --- End to end through the database ----------------------------------------------------------


@pytest.fixture
def places(db):
    for code, (latitude, longitude, authority) in DISTRICTS.items():
        PostcodeDistrictFactory(code=code, latitude=latitude, longitude=longitude, region=authority)


@pytest.fixture
def cpv_tree(db):
    for code, parent in [
        ("55500000", "55000000"),
        (CATERING, "55500000"),
        ("55523000", CATERING),
        (SCHOOL_MEALS, "55523000"),
    ]:
        CpvCodeFactory(code=code, parent_id=parent)


@pytest.fixture
def setup(places, cpv_tree):
    """District centroids and the slice of the CPV tree the scenarios use."""


def published_lot(*, value="40000", cpv=(SCHOOL_MEALS,), **lot_fields) -> Lot:
    """The single lot of a published contract, open for interest, delivered at B9 4AA."""
    contract = ContractFactory(
        institution=InstitutionFactory(),
        estimated_value=Decimal(value),
        delivery_postcode="B9 4AA",
        published_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=30),
        no_lots_reason="One school kitchen: it cannot reasonably be split.",
        lots__cpv=list(cpv),
    )
    lot = contract.lots.get()
    for name, value_ in lot_fields.items():
        setattr(lot, name, value_)
    lot.save()
    return lot


def caterer(district="B9", *, sectors=(CATERING,), **fields) -> Business:
    """A complete micro business (4 staff, £250,000 turnover) in ``district``."""
    return BusinessFactory(
        postcode=POSTCODES.get(district, f"{district} 1AA"), sector_codes=list(sectors), **fields
    )


def matched(lot: Lot) -> list[int]:
    return list(Match.objects.filter(lot=lot).order_by("-score").values_list("business", flat=True))


@pytest.mark.django_db
def test_school_meals_in_b9_ranks_local_micro_caterers_first(setup):
    lot = published_lot()
    medium_b1 = caterer(
        "B1",
        staff_headcount=120,
        annual_turnover=Decimal("8000000"),
        max_contract_value=Decimal("500000"),
    )
    micro_b33 = caterer("B33")
    micro_b9 = caterer("B9")
    builder_b9 = caterer("B9", sectors=(BUILDING,))
    assert medium_b1.size_class == "medium" and micro_b9.size_class == "micro"

    run = match_lot(lot_id=lot.pk)

    assert run.stored == 3
    assert matched(lot) == [micro_b9.pk, micro_b33.pk, medium_b1.pk]
    assert not Match.objects.filter(business=builder_b9).exists()
    top = Match.objects.get(lot=lot, business=micro_b9)
    assert top.notify
    assert top.distance_km == pytest.approx(0.0, abs=0.01)
    assert top.engine_version == engine.ENGINE_VERSION
    assert top.reasons[0].startswith("Your sector")
    assert Match.objects.get(business=micro_b33).distance_km == pytest.approx(4.4, abs=0.05)


@pytest.mark.django_db
def test_vcse_reserved_lot_never_stores_a_match_for_a_non_vcse_business(setup):
    lot = published_lot(reservation_suppliers=Lot.SupplierReservation.VCSE)
    company = caterer("B9")
    cic = caterer("B33", legal_form=Business.LegalForm.CIC)
    declared = caterer("B1", social_enterprise_declared=True)

    match_lot(lot_id=lot.pk)

    assert set(matched(lot)) == {cic.pk, declared.pk}
    assert not Match.objects.filter(business=company).exists()
    assert any("Reserved for VCSEs" in reason for reason in Match.objects.get(business=cic).reasons)


@pytest.mark.django_db
def test_a_lot_far_beyond_a_sole_traders_limit_is_not_notified_but_open_to_interest(setup):
    owner = UserFactory()
    trader = caterer(
        "B9",
        legal_form=Business.LegalForm.SOLE_TRADER,
        staff_headcount=1,
        annual_turnover=Decimal("45000"),
        max_contract_value=Decimal("20000"),
        owner=owner,
    )
    lot = published_lot(value="250000")

    match_lot(lot_id=lot.pk)

    match = Match.objects.get(lot=lot, business=trader)  # seen in "My matches", not emailed
    assert not match.notify
    assert not Match.objects.undigested().filter(business=trader).exists()
    assert any("far beyond your £20,000 limit" in warning for warning in match.warnings)

    outcome = interest_register(actor=owner, business=trader, lot=lot, note="With a partner.")
    assert outcome.interest.status == Interest.Status.REGISTERED
    assert any("£250,000" in w and "far beyond" in w for w in outcome.warnings)
    assert outcome.interest.warnings == outcome.warnings


@pytest.mark.django_db
def test_vcse_micro_in_east_birmingham_beats_an_otherwise_identical_large_firm(setup):
    lot = published_lot()
    large = caterer("B9", staff_headcount=400, annual_turnover=Decimal("60000000"))
    vcse = caterer("B9", legal_form=Business.LegalForm.CHARITY)

    match_lot(lot_id=lot.pk)

    assert matched(lot) == [vcse.pk, large.pk]


@pytest.mark.django_db
def test_hyper_local_lot_prefers_businesses_inside_the_target_area(setup):
    near_outside = caterer("B1")
    far_inside = caterer("B37")
    plain = published_lot()
    targeted = published_lot(target_area=NamedArea.objects.get(slug=areas.EAST_BIRMINGHAM_SLUG))

    match_lot(lot_id=plain.pk)
    match_lot(lot_id=targeted.pk)

    assert matched(plain) == [near_outside.pk, far_inside.pk]
    assert matched(targeted) == [far_inside.pk, near_outside.pk]
    inside = Match.objects.get(lot=targeted, business=far_inside)
    assert any("inside East Birmingham" in reason for reason in inside.reasons)


@pytest.mark.django_db
def test_a_deactivated_business_or_an_incomplete_profile_is_never_matched(setup):
    lot = published_lot()
    active = caterer("B9")
    deactivated = caterer("B9", is_active=False)
    no_description = caterer("B9", description="")
    no_staff_count = caterer("B9", staff_headcount=None)
    no_sectors = caterer("B9", sectors=())

    match_lot(lot_id=lot.pk)

    assert matched(lot) == [active.pk]
    for business in (deactivated, no_description, no_staff_count, no_sectors):
        assert not Match.objects.filter(business=business).exists()


@pytest.mark.django_db
def test_rematching_is_idempotent_and_drops_matches_that_no_longer_hold(setup):
    lot = published_lot()
    stays, leaves, interested, moves_sector = (caterer("B9") for _ in range(4))
    Interest.objects.create(
        lot=lot,
        business=interested,
        status=Interest.Status.REGISTERED,
        registered_at=timezone.now(),
    )

    first = match_lot(lot_id=lot.pk)
    before = sorted(Match.objects.filter(lot=lot).values_list("pk", "business", "score"))
    second = match_lot(lot_id=lot.pk)
    after = sorted(Match.objects.filter(lot=lot).values_list("pk", "business", "score"))

    assert (first.stored, first.removed) == (4, 0)
    assert (second.stored, second.removed) == (4, 0)
    assert after == before

    Business.objects.filter(pk__in=[leaves.pk, interested.pk]).update(is_active=False)
    moves_sector.sector_links.update(cpv_code_id=BUILDING)
    third = match_lot(lot_id=lot.pk)

    assert third.removed == 2
    assert set(matched(lot)) == {stays.pk, interested.pk}  # an active interest keeps its match


@pytest.mark.django_db
def test_a_closed_lot_is_not_rematched(setup):
    lot = published_lot()
    caterer("B9")
    lot.contract.closes_at = timezone.now() - timedelta(minutes=1)
    lot.contract.save(update_fields=["closes_at"])

    run = match_lot(lot_id=lot.pk)

    assert run.skipped
    assert not Match.objects.filter(lot=lot).exists()

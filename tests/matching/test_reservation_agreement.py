"""One reservation rule, four places, the same answer (issue 13, scope 5).

``matching.reservations`` defines who a lot's reservation admits once; the SQL pre-filter
(``inputs.reservation_filter`` inside ``candidate_filter``), the engine's vectorised eligibility
(``engine.eligibility``), the refusal when registering interest (``interest_check``) and the
reasons on a match (``reasons.explain``) all derive from it. These tests check every
supplier reservation x location reservation x size class x VCSE x where the business is based
(inside the admitted area, outside it, or an authority we do not know): 4 x 5 x 5 x 2 x 3 = 600
combinations, first on plain data against the law as the tests state it, then through the
database and the services.
"""

import itertools
from decimal import Decimal

import pytest

from anchors.models import Lot
from matching import engine, inputs
from matching.candidates import Candidates
from matching.reasons import explain
from matching.reservations import (
    LOCATION_RESERVATIONS,
    SUPPLIER_RESERVATIONS,
    Reservation,
    Verdict,
)
from matching.services import interest_reservation
from places.models import PostcodeDistrict
from suppliers.models import Business
from tests.anchors.factories import InstitutionFactory
from tests.matching.factories import CATERING, SCHOOL_MEALS, matching_business, open_lot

SIZES = ("micro", "small", "medium", "large", None)  # None: the profile gives no headcount
PLACES = ("inside", "outside", "unknown")
# Where each place is, for a Birmingham council (home Birmingham, county West Midlands):
# (postcode, its district's authority as the district table records it; None: no row).
POSTCODES = {"inside": ("B9 4AA", "Birmingham"), "outside": ("LS1 4AP", "Leeds")}
POSTCODES["unknown"] = ("TR1 2AA", None)
AUTHORITY = {"inside": "Birmingham", "outside": "Leeds", "unknown": ""}
ADMITTED = {  # who each location reservation of a Birmingham council admits
    "authority_area": frozenset({"Birmingham"}),
    "authority_area_and_neighbours": frozenset({"Birmingham", "Solihull", "Bromsgrove"}),
    "county": frozenset({"Birmingham", "Solihull", "Coventry"}),
}
COMBINATIONS = list(
    itertools.product(SUPPLIER_RESERVATIONS, LOCATION_RESERVATIONS, SIZES, (False, True), PLACES)
)


def the_law(suppliers, location, size, vcse, place) -> Verdict:
    """PA23 reservations as the tests read them: an SME has fewer than 250 staff (an unknown
    size is not shown to be one); a location reservation admits businesses whose postcode lies
    in an admitted authority, and cannot be confirmed for one whose authority is unknown."""
    sme = size in ("micro", "small", "medium")
    if not {"none": True, "sme": sme, "vcse": vcse, "sme_vcse": sme or vcse}[suppliers]:
        return Verdict.DOES_NOT_MEET
    if location in ("none", "uk"):
        return Verdict.MEETS
    return {
        "inside": Verdict.MEETS,
        "outside": Verdict.DOES_NOT_MEET,
        "unknown": Verdict.CANNOT_CONFIRM,
    }[place]


def test_the_rule_knows_every_reservation_a_lot_can_carry():
    assert set(SUPPLIER_RESERVATIONS) == set(Lot.SupplierReservation.values)
    assert set(LOCATION_RESERVATIONS) == set(Lot.LocationReservation.values)
    assert len(COMBINATIONS) == 600


def test_an_unknown_reservation_is_refused_rather_than_read_as_open():
    with pytest.raises(ValueError, match="supplier reservation 'smes'"):
        Reservation(suppliers="smes")
    with pytest.raises(ValueError, match="location reservation 'city'"):
        Reservation(location="city")


def reservation_of(suppliers, location) -> Reservation:
    return Reservation(
        suppliers=suppliers,
        location=location,
        authorities=ADMITTED.get(location, frozenset()),
        place="Birmingham",
        regime="the 2026 Order",
    )


@pytest.mark.parametrize(("suppliers", "location", "size", "vcse", "place"), COMBINATIONS)
def test_one_business_and_the_candidate_table_get_the_laws_answer(
    suppliers, location, size, vcse, place
):
    reservation = reservation_of(suppliers, location)
    facts = dict(size_class=size, is_vcse=vcse, local_authority=AUTHORITY[place])
    expected = the_law(suppliers, location, size, vcse, place)

    judged = reservation.judge(**facts)
    row = {"size_class": size or "", "is_vcse": vcse, "local_authority": AUTHORITY[place]}
    in_table = reservation.verdicts([row["size_class"]], [vcse], [row["local_authority"]])

    assert reservation.verdict(**facts) == expected
    assert judged.verdict == expected
    assert in_table.tolist() == [expected]
    assert (judged.refusal is not None) == (expected == Verdict.DOES_NOT_MEET)
    assert judged.sentence.endswith("you qualify.") == (
        expected == Verdict.MEETS and bool(judged.sentence)
    )


# Through the database and the services ---------------------------------------------------------


@pytest.fixture
def districts(db):
    for code, authority in (("B9", "Birmingham"), ("LS1", "Leeds")):
        PostcodeDistrict.objects.update_or_create(
            code=code, defaults={"region": authority, "latitude": 52.48, "longitude": -1.85}
        )
    PostcodeDistrict.objects.filter(code="TR1").delete()


def every_kind_of_business() -> dict[tuple, Business]:
    """A catering business for every size x VCSE x place, by (size, vcse, place)."""
    staff = {"micro": 4, "small": 20, "medium": 100, "large": 300, None: None}
    made = {}
    for size, vcse, place in itertools.product(SIZES, (False, True), PLACES):
        made[size, vcse, place] = matching_business(
            name=f"{size} {'VCSE' if vcse else 'firm'} {place}",
            postcode=POSTCODES[place][0],
            staff_headcount=staff[size],
            annual_turnover=Decimal("90000000") if size == "large" else Decimal("250000"),
            legal_form=(Business.LegalForm.CIC if vcse else Business.LegalForm.LIMITED_COMPANY),
        )
    return made


def test_pre_filter_engine_refusal_and_reasons_agree_with_the_rule(districts):
    """Every reservation a Birmingham council's lot can carry, against every kind of business,
    through the pre-filter, the engine, the interest refusal and the reasons."""
    institution = InstitutionFactory(home_area_name="Birmingham", county_name="West Midlands")
    businesses = every_kind_of_business()
    everyone = Business.objects.filter(pk__in=[b.pk for b in businesses.values()])
    context = inputs.Context.load()
    table = inputs.candidate_table(everyone, context)
    disagreements = []
    for suppliers, location in itertools.product(SUPPLIER_RESERVATIONS, LOCATION_RESERVATIONS):
        lot = open_lot(
            cpv=[SCHOOL_MEALS],
            institution=institution,
            reservation_suppliers=suppliers,
            reservation_location=location,
        )
        for combination, expected, wrong in _compare(lot, businesses, everyone, table, context):
            disagreements.append(((suppliers, location, *combination), expected, wrong))
    assert disagreements == []


def _compare(lot, businesses, everyone, table, context):
    """(size, vcse, place), the law's verdict and the forms that disagree with it, for each
    business whose answers differ anywhere."""
    profile = inputs.lot_profile(
        inputs.lots_for_matching(Lot.objects.filter(pk=lot.pk)).get(), context
    )
    reservation = profile.reservation
    in_sql = set(everyone.filter(inputs.reservation_filter(reservation, context)))
    pre_filtered = set(inputs.candidate_filter(profile, context).filter(pk__in=everyone))
    result = engine.score(profile, table, context.config)
    row_of = {int(business_id): row for row, business_id in enumerate(result.business_id)}
    says_who = reservation.suppliers != "none" or reservation.limits_location  # "uk": everyone
    for (size, vcse, place), business in businesses.items():
        expected = the_law(reservation.suppliers, reservation.location, size, vcse, place)
        meets = expected == Verdict.MEETS
        row = row_of[business.pk]
        judged = interest_reservation(lot=lot, business=business, context=context)
        reasons = explain(result, row, {}).reasons
        answers = {
            "engine": Verdict(result.eligibility.reservation[row]) == expected,
            "engine eligible": bool(result.eligible[row]) == meets,
            "pre-filter": (business in in_sql) == meets,
            "interest": judged.verdict == expected,
            "refusal": (judged.refusal is not None) == (expected == Verdict.DOES_NOT_MEET),
            "reasons": any(r.endswith("you qualify.") for r in reasons) == (meets and says_who),
        }
        if size is not None:  # the whole pre-filter also wants a complete profile (a headcount)
            answers["whole pre-filter"] = (business in pre_filtered) == meets
        wrong = sorted(form for form, agrees in answers.items() if not agrees)
        if wrong:
            yield (size, vcse, place), expected, wrong


def test_the_candidate_table_carries_what_the_rule_reads(districts):
    business = matching_business(postcode="LS1 4AP", legal_form=Business.LegalForm.CHARITY)
    table = inputs.candidate_table(Business.objects.filter(pk=business.pk), inputs.Context.load())

    assert isinstance(table, Candidates)
    row = table.businesses.iloc[0]
    assert (row["size_class"], bool(row["is_vcse"]), row["local_authority"]) == (
        "micro",
        True,
        "Leeds",
    )
    assert table.sectors["code"].tolist() == [int(CATERING)]

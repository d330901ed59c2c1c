"""A notice's stated reservation becomes the imported lot's reservation, which matching and
interest registration then enforce as for any lot; one LocalLots cannot enforce is refused."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from anchors.models import Contract, Institution, Lot
from core.exceptions import ApplicationError
from matching.models import Interest, Match
from matching.services import interest_register
from ocds.models import ImportedRelease
from ocds.releases import other_requirements
from ocds.reservations import (
    OPEN,
    Reservation,
    UnrepresentableReservation,
    reservation_of,
)
from tests.matching.factories import matching_business
from tests.ocds.test_importer import a_release
from tests.places.factories import PostcodeDistrictFactory
from tests.suppliers.factories import OwnerFactory

OPEN_UNTIL = {"endDate": "2099-01-01T12:00:00Z"}


def import_file(tmp_path, *releases) -> str:
    path = tmp_path / "notices.json"
    path.write_text(json.dumps({"releases": list(releases)}))
    out = StringIO()
    call_command("import_ocds", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def reserved_release(**requirements) -> dict:
    return a_release(tender__tenderPeriod=OPEN_UNTIL, tender__otherRequirements=requirements)


def large_business():
    return matching_business(
        staff_headcount=400, annual_turnover=Decimal("90000000"), name="Big Catering plc"
    )


# --- Reading otherRequirements ------------------------------------------------------------


@pytest.mark.parametrize(
    ("requirements", "expected"),
    [
        ({}, OPEN),
        ({"reservedParticipation": []}, OPEN),
        ({"reservedParticipation": ["sme"]}, Reservation(suppliers="sme")),
        ({"reservedParticipation": "SME"}, Reservation(suppliers="sme")),
        ({"reservedParticipation": ["vcse"]}, Reservation(suppliers="vcse")),
        ({"reservedParticipation": ["smeVcse"]}, Reservation(suppliers="sme_vcse")),
        ({"reservedParticipation": ["sme", "vcse"]}, Reservation(suppliers="sme_vcse")),
        (
            {"reservedParticipationLocation": {"gazetteer": {"identifiers": ["GB"]}}},
            Reservation(location="uk"),
        ),
        (
            {"reservedParticipationLocation": {"description": "Suppliers based in the UK"}},
            Reservation(location="uk"),
        ),
        (
            {
                "reservedParticipation": ["sme"],
                "reservedParticipationLocation": {"description": "West Midlands"},
            },
            Reservation(suppliers="sme", location="county", place="West Midlands"),
        ),
        (
            {"reservedParticipationLocation": {"description": "Suppliers based in Birmingham"}},
            Reservation(location="authority_area", place="Birmingham"),
        ),
        (
            {"reservedParticipationLocation": "Dudley or a bordering county"},
            Reservation(location="authority_area_and_neighbours", place="Dudley"),
        ),
    ],
)
def test_stated_reservations_are_read_in_lot_terms(requirements, expected):
    assert reservation_of(requirements) == expected


@pytest.mark.parametrize(
    ("requirements", "reason"),
    [
        ({"reservedParticipation": ["shelteredWorkshop"]}, "'shelteredWorkshop' organisations"),
        ({"reservedParticipation": ["sme", "publicServiceMission"]}, "publicServiceMission"),
        ({"reservedParticipation": [{"code": "sme"}]}, "not a list of codes"),
        ({"reservedParticipation": 7}, "not a list of codes"),
        ({"reservedParticipationLocation": {"description": "England"}}, "'England'"),
        ({"reservedParticipationLocation": {"gazetteer": {"identifiers": ["UKG31"]}}}, "UKG31"),
        ({"reservedParticipationLocation": ["Birmingham"]}, "is not a place"),
    ],
)
def test_a_reservation_lot_terms_cannot_express_is_refused_with_the_reason(requirements, reason):
    with pytest.raises(UnrepresentableReservation) as caught:
        reservation_of(requirements)
    assert reason in caught.value.reason


def test_a_lot_keeps_the_tenders_reservation_unless_it_states_its_own():
    tender = {"reservedParticipation": ["sme"]}
    assert reservation_of({}, tender) == Reservation(suppliers="sme")
    assert reservation_of({"reservedParticipation": []}, tender) == OPEN
    assert reservation_of({"reservedParticipation": ["vcse"]}, tender).suppliers == "vcse"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("suppliers", "location", "home", "county"),
    [
        ("sme", "none", "", ""),
        ("sme_vcse", "uk", "", ""),
        ("vcse", "authority_area", "Birmingham", ""),
        ("none", "authority_area_and_neighbours", "Dudley", ""),
        ("sme", "county", "", "West Midlands"),
    ],
)
def test_our_own_export_of_a_reservation_reads_back_as_the_same_reservation(
    suppliers, location, home, county
):
    institution = Institution(name="Council", home_area_name=home, county_name=county)
    lot = Lot(reservation_suppliers=suppliers, reservation_location=location)
    contract = Contract(institution=institution)
    read = reservation_of(other_requirements(contract, lot))
    assert (read.suppliers, read.location) == (suppliers, location)
    assert read.place == (home or county)


# --- End to end: the import command, matching and interest --------------------------------


@pytest.mark.django_db
def test_an_sme_reserved_notice_gives_an_sme_reserved_lot_that_a_large_business_cannot_join(
    tmp_path, django_capture_on_commit_callbacks
):
    small, large = matching_business(name="Small Kitchen Ltd"), large_business()
    with django_capture_on_commit_callbacks(execute=True):
        out = import_file(tmp_path, reserved_release(reservedParticipation=["sme"]))
    assert "1 created" in out
    lot = Lot.objects.get()
    assert lot.reservation_suppliers == Lot.SupplierReservation.SME
    assert lot.reservation_location == Lot.LocationReservation.NONE
    assert lot.reservation_rationale == (
        "The buyer reserved this lot for SMEs in its notice on Contracts Finder."
    )
    assert Lot.objects.reserved().filter(pk=lot.pk).exists()
    # Matching honours it: the SME is matched, the large business is not.
    assert set(Match.objects.values_list("business__name", flat=True)) == {"Small Kitchen Ltd"}
    # So does interest: the large business is refused, with the reason.
    with pytest.raises(ApplicationError) as refused:
        interest_register(actor=OwnerFactory(business=large).user, business=large, lot=lot)
    assert refused.value.message == (
        "This lot is reserved for SMEs (fewer than 250 staff), and your profile says you are "
        "not one."
    )
    assert refused.value.extra["rule"] == "reservation"
    outcome = interest_register(actor=OwnerFactory(business=small).user, business=small, lot=lot)
    assert outcome.interest.status == Interest.Status.REGISTERED


@pytest.mark.django_db
def test_the_detail_page_says_who_may_register_interest_in_an_imported_reserved_lot(
    tmp_path, client
):
    import_file(tmp_path, reserved_release(reservedParticipation=["smeVcse"]))
    page = client.get(f"/opportunities/{Lot.objects.get().pk}/").content.decode()
    assert "Reserved for small and medium-sized enterprises (SMEs) and voluntary" in page
    assert "Why it is reserved: The buyer reserved this lot for SMEs and VCSEs" in page
    assert "Open to all suppliers" not in page


@pytest.mark.django_db
def test_a_county_reservation_is_enforced_through_the_buyers_county(tmp_path):
    PostcodeDistrictFactory(code="B9", region="Birmingham")
    PostcodeDistrictFactory(code="ST1", region="Stoke-on-Trent")
    location = {"description": "Suppliers based in West Midlands"}
    import_file(tmp_path, reserved_release(reservedParticipationLocation=location))
    lot = Lot.objects.select_related("contract__institution").get()
    assert lot.reservation_location == Lot.LocationReservation.COUNTY
    assert lot.contract.institution.county_name == "West Midlands"
    stoke = matching_business(postcode="ST1 1AA")
    with pytest.raises(ApplicationError) as refused:
        interest_register(actor=OwnerFactory(business=stoke).user, business=stoke, lot=lot)
    assert "reserved for suppliers based in West Midlands" in refused.value.message
    assert "your postcode is in Stoke-on-Trent" in refused.value.message
    local = matching_business()
    interest_register(actor=OwnerFactory(business=local).user, business=local, lot=lot)


@pytest.mark.django_db
def test_lots_carry_their_own_reservations(tmp_path):
    release = reserved_release(reservedParticipation=["sme"])
    release["tender"]["lots"] = [
        {"id": "1", "title": "Open lot", "otherRequirements": {"reservedParticipation": []}},
        {"id": "2", "title": "Tender's reservation"},
        {"id": "3", "title": "VCSE lot", "otherRequirements": {"reservedParticipation": ["vcse"]}},
    ]
    import_file(tmp_path, release)
    assert list(Lot.objects.order_by("number").values_list("reservation_suppliers", flat=True)) == [
        "none",
        "sme",
        "vcse",
    ]


@pytest.mark.django_db
def test_a_later_release_lifting_the_reservation_opens_the_lot(tmp_path):
    import_file(tmp_path, reserved_release(reservedParticipation=["sme"]))
    lifted = a_release(id="lifted-2", date="2025-02-01T00:00:00Z", tender__tenderPeriod=OPEN_UNTIL)
    out = import_file(tmp_path, lifted)
    assert "1 updated" in out
    lot = Lot.objects.get()
    assert (lot.reservation_suppliers, lot.reservation_rationale) == ("none", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("requirements", "reason"),
    [
        (
            {"reservedParticipation": ["shelteredWorkshop"]},
            "the notice is reserved for 'shelteredWorkshop' organisations, which LocalLots "
            "cannot check: not imported",
        ),
        (
            {"reservedParticipationLocation": {"description": "Suppliers based in England"}},
            "the notice is reserved for suppliers based in 'England', a place LocalLots cannot "
            "check: not imported",
        ),
    ],
)
def test_a_reservation_that_cannot_be_enforced_skips_the_release_with_the_reason(
    tmp_path, requirements, reason
):
    out = import_file(tmp_path, reserved_release(**requirements))
    assert f"skipped: {reason}" in out
    assert not Contract.objects.exists() and not Institution.objects.exists()


@pytest.mark.django_db
def test_a_buyer_reserving_for_two_different_places_is_refused_and_the_first_is_kept(tmp_path):
    import_file(
        tmp_path,
        reserved_release(reservedParticipationLocation={"description": "Birmingham"}),
    )
    other = reserved_release(reservedParticipationLocation={"description": "Walsall"})
    other.update(ocid="ocds-b5fd17-second", id="second-1")
    out = import_file(tmp_path, other)
    assert (
        "skipped: lot 1 is reserved for suppliers based in Walsall, but Birmingham City Council "
        "is recorded here with Birmingham"
    ) in out
    assert Institution.objects.get().home_area_name == "Birmingham"
    assert Contract.objects.count() == 1
    assert not ImportedRelease.objects.filter(ocid="ocds-b5fd17-second").exists()

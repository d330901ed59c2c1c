"""Interest: register, withdraw, re-register, shortlist, decline; permissions in the services."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from accounts.models import User
from anchors.models import Lot
from core.exceptions import ApplicationError, PermissionDenied
from core.models import AuditEvent, OutboundEmail
from matching.models import NOTE_MAX_LENGTH, Interest
from matching.services import (
    interest_check,
    interest_decline,
    interest_register,
    interest_shortlist,
    interest_withdraw,
)
from suppliers.models import Business
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory, officer_of
from tests.matching.factories import (
    CONSTRUCTION,
    InterestFactory,
    award_lot,
    cancel_lot,
    close_lot,
    matching_business,
    open_lot,
)
from tests.places.factories import PostcodeDistrictFactory
from tests.suppliers.factories import BusinessMemberFactory, CertificationFactory, OwnerFactory

pytestmark = pytest.mark.django_db


@dataclass
class Scene:
    lot: Lot
    business: Business
    owner: User
    member: User
    officer: User


@pytest.fixture
def scene() -> Scene:
    lot = open_lot()
    business = matching_business(name="Hodge Hill Kitchens")
    owner = OwnerFactory(business=business, user__email="owner@example.org").user
    member = BusinessMemberFactory(business=business, user__email="member@example.org").user
    return Scene(lot, business, owner, member, officer_of(lot.contract.institution))


def audit_verbs(target) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_id=str(target.pk))
        .order_by("pk")
        .values_list("verb", flat=True)
    )


# --- register ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "member"])
def test_a_member_of_the_business_registers_interest(scene, who):
    actor = getattr(scene, who)

    outcome = interest_register(
        actor=actor, business=scene.business, lot=scene.lot, note="  We cook for 3 schools. "
    )

    interest = Interest.objects.get()
    assert outcome.interest == interest
    assert (interest.lot, interest.business) == (scene.lot, scene.business)
    assert interest.status == Interest.Status.REGISTERED
    assert interest.note == "We cook for 3 schools."
    assert interest.registered_by == actor
    assert interest.registered_at is not None and interest.withdrawn_at is None
    assert outcome.warnings == [] == interest.warnings
    event = AuditEvent.objects.get(verb="interest.registered")
    assert event.actor == actor
    assert event.target_id == str(interest.pk)
    assert event.summary["lot"] == scene.lot.pk and event.summary["business"] == scene.business.pk


def _outsider(kind: str, scene: Scene):
    return {
        "other_business_member": lambda: OwnerFactory().user,
        "officer_of_the_lot": lambda: scene.officer,
        "officer_elsewhere": lambda: officer_of(InstitutionFactory()),
        "coordinator": CoordinatorFactory,
        "no_role": UserFactory,
        "anonymous": AnonymousUser,
    }[kind]()


OUTSIDERS = [
    "other_business_member",
    "officer_of_the_lot",
    "officer_elsewhere",
    "coordinator",
    "no_role",
    "anonymous",
]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_only_people_at_the_business_may_register_its_interest(scene, who):
    with pytest.raises(PermissionDenied, match="Only people at Hodge Hill Kitchens"):
        interest_register(actor=_outsider(who, scene), business=scene.business, lot=scene.lot)
    assert not Interest.objects.exists()
    assert not AuditEvent.objects.filter(verb="interest.registered").exists()


def test_registering_twice_is_refused(scene):
    interest_register(actor=scene.owner, business=scene.business, lot=scene.lot)

    with pytest.raises(ApplicationError, match="already registered interest"):
        interest_register(actor=scene.member, business=scene.business, lot=scene.lot)
    assert Interest.objects.count() == 1


def test_a_deactivated_business_cannot_register_interest(scene):
    Business.objects.filter(pk=scene.business.pk).update(is_active=False)
    scene.business.refresh_from_db()

    with pytest.raises(ApplicationError, match="deactivated"):
        interest_register(actor=scene.owner, business=scene.business, lot=scene.lot)
    assert not Interest.objects.exists()


def test_a_business_outside_the_lots_sectors_may_still_register(scene):
    business = matching_business(sector_codes=[CONSTRUCTION])
    owner = OwnerFactory(business=business).user

    outcome = interest_register(actor=owner, business=business, lot=scene.lot)

    assert outcome.interest.status == Interest.Status.REGISTERED


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (close_lot, "closed for interest on"),
        (cancel_lot, "was cancelled"),
        (lambda lot: award_lot(lot), "has been awarded"),
    ],
    ids=["closed", "cancelled", "awarded"],
)
def test_a_lot_that_is_not_open_refuses_interest(scene, make, message):
    make(scene.lot)

    with pytest.raises(ApplicationError, match=message):
        interest_register(actor=scene.owner, business=scene.business, lot=scene.lot)
    assert not Interest.objects.exists()


def test_an_unpublished_lot_refuses_interest(scene):
    lot = open_lot(published=False)

    with pytest.raises(ApplicationError, match="not published yet"):
        interest_register(actor=scene.owner, business=scene.business, lot=lot)


def test_a_note_that_is_too_long_is_a_validation_error(scene):
    with pytest.raises(ValidationError) as raised:
        interest_register(
            actor=scene.owner,
            business=scene.business,
            lot=scene.lot,
            note="x" * (NOTE_MAX_LENGTH + 1),
        )
    assert "note" in raised.value.message_dict
    assert str(NOTE_MAX_LENGTH) in raised.value.message_dict["note"][0]
    assert not Interest.objects.exists()


def test_a_note_of_the_maximum_length_is_accepted(scene):
    note = "x" * NOTE_MAX_LENGTH
    outcome = interest_register(
        actor=scene.owner, business=scene.business, lot=scene.lot, note=note
    )
    assert outcome.interest.note == note


# --- reservations refuse, naming the rule; capacity and certificates only warn ------------------


def test_a_supplier_reservation_refuses_a_business_that_does_not_qualify_and_names_the_rule():
    lot = open_lot(reservation_suppliers=Lot.SupplierReservation.SME)
    large = matching_business(
        staff_headcount=300, annual_turnover=Decimal("60000000"), name="Big Catering plc"
    )
    owner = OwnerFactory(business=large).user

    with pytest.raises(ApplicationError) as raised:
        interest_register(actor=owner, business=large, lot=lot)

    assert "reserved for SMEs" in raised.value.message
    assert "the 2026 Order" in raised.value.message  # the regime it is reserved under
    assert raised.value.extra["rule"] == "reservation"
    assert raised.value.extra["fields"]["lot"] == [raised.value.message]
    assert not Interest.objects.exists()


def test_a_location_reservation_refusal_names_the_area_and_the_business_authority():
    PostcodeDistrictFactory(code="B9", region="Birmingham")
    PostcodeDistrictFactory(code="WS1", region="Walsall")
    lot = open_lot(
        institution=InstitutionFactory(home_area_name="Birmingham"),
        reservation_location=Lot.LocationReservation.AUTHORITY_AREA,
    )
    walsall = matching_business(postcode="WS1 1AA")
    owner = OwnerFactory(business=walsall).user

    with pytest.raises(ApplicationError) as raised:
        interest_register(actor=owner, business=walsall, lot=lot)

    message = raised.value.message
    assert "reserved for suppliers based in Birmingham under the 2026 Order" in message
    assert "your postcode is in Walsall" in message


def test_a_qualifying_business_registers_in_a_reserved_lot():
    PostcodeDistrictFactory(code="B9", region="Birmingham")
    lot = open_lot(
        reservation_suppliers=Lot.SupplierReservation.SME,
        reservation_location=Lot.LocationReservation.AUTHORITY_AREA,
    )
    business = matching_business()
    owner = OwnerFactory(business=business).user

    outcome = interest_register(actor=owner, business=business, lot=lot)

    assert outcome.interest.status == Interest.Status.REGISTERED


def test_capacity_and_missing_certificates_only_warn():
    certificate = CertificationFactory(slug="food-hygiene-5", name="Food hygiene rating 5")
    lot = open_lot(value=Decimal("900000"))
    lot.required_certifications.set([certificate])
    business = matching_business(max_contract_value=Decimal("20000"))
    owner = OwnerFactory(business=business).user

    outcome = interest_register(actor=owner, business=business, lot=lot)

    assert outcome.interest.status == Interest.Status.REGISTERED
    assert len(outcome.warnings) == 2
    assert "far beyond your £20,000 limit" in outcome.warnings[0]
    assert "Food hygiene rating 5" in outcome.warnings[1]
    assert Interest.objects.get().warnings == outcome.warnings
    assert AuditEvent.objects.get(verb="interest.registered").summary["warnings"] == (
        outcome.warnings
    )


def test_interest_check_reports_refusal_and_warnings_without_writing():
    lot = open_lot(value=Decimal("900000"), reservation_suppliers=Lot.SupplierReservation.VCSE)
    business = matching_business(max_contract_value=Decimal("20000"))

    refusal, warnings = interest_check(lot=lot, business=business)

    assert "reserved for voluntary, community and social enterprises" in refusal
    assert any("far beyond" in warning for warning in warnings)
    assert not Interest.objects.exists()


# --- withdraw and re-register -----------------------------------------------------------------


def test_withdraw_then_register_again_reuses_the_interest(scene):
    first = interest_register(
        actor=scene.owner, business=scene.business, lot=scene.lot, note="First"
    ).interest

    withdrawn = interest_withdraw(actor=scene.member, interest=first)
    assert withdrawn.status == Interest.Status.WITHDRAWN
    assert withdrawn.withdrawn_at is not None

    again = interest_register(
        actor=scene.member, business=scene.business, lot=scene.lot, note="Second"
    ).interest

    assert again.pk == first.pk
    again.refresh_from_db()
    assert again.status == Interest.Status.REGISTERED
    assert (again.note, again.registered_by, again.withdrawn_at) == ("Second", scene.member, None)
    assert audit_verbs(again) == [
        "interest.registered",
        "interest.withdrawn",
        "interest.registered",
    ]
    event = AuditEvent.objects.get(verb="interest.withdrawn")
    assert event.summary == {"before": {"status": "registered"}, "after": {"status": "withdrawn"}}


@pytest.mark.parametrize("who", OUTSIDERS)
def test_only_people_at_the_business_may_withdraw(scene, who):
    interest = InterestFactory(lot=scene.lot, business=scene.business)

    with pytest.raises(PermissionDenied):
        interest_withdraw(actor=_outsider(who, scene), interest=interest)
    interest.refresh_from_db()
    assert interest.status == Interest.Status.REGISTERED


@pytest.mark.parametrize("status", [Interest.Status.WITHDRAWN, Interest.Status.DECLINED])
def test_only_an_active_interest_can_be_withdrawn(scene, status):
    interest = InterestFactory(lot=scene.lot, business=scene.business, status=status)

    with pytest.raises(ApplicationError, match="Only a registered or shortlisted interest"):
        interest_withdraw(actor=scene.owner, interest=interest)


def test_a_shortlisted_interest_can_be_withdrawn(scene):
    interest = InterestFactory(
        lot=scene.lot, business=scene.business, status=Interest.Status.SHORTLISTED
    )
    assert interest_withdraw(actor=scene.owner, interest=interest).status == "withdrawn"


def test_a_declined_business_cannot_register_again(scene):
    InterestFactory(lot=scene.lot, business=scene.business, status=Interest.Status.DECLINED)

    with pytest.raises(ApplicationError, match="already declined"):
        interest_register(actor=scene.owner, business=scene.business, lot=scene.lot)


# --- shortlist and decline ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decide", "status", "verb"),
    [
        (interest_shortlist, Interest.Status.SHORTLISTED, "interest.shortlisted"),
        (interest_decline, Interest.Status.DECLINED, "interest.declined"),
    ],
)
def test_an_officer_of_the_lots_institution_decides_and_the_business_is_emailed(
    scene, decide, status, verb
):
    inactive = BusinessMemberFactory(business=scene.business, user__is_active=False).user
    interest = InterestFactory(lot=scene.lot, business=scene.business)

    decided = decide(actor=scene.officer, interest=interest, note="  Strong local offer. ")

    decided.refresh_from_db()
    assert decided.status == status
    assert decided.officer_note == "Strong local offer."
    assert decided.decided_by == scene.officer and decided.decided_at is not None
    event = AuditEvent.objects.get(verb=verb)
    assert event.actor == scene.officer
    assert event.summary["before"] == {"status": "registered", "officer_note": ""}
    assert event.summary["after"] == {"status": status, "officer_note": "Strong local offer."}
    emails = OutboundEmail.objects.order_by("to")
    assert [e.to for e in emails] == ["member@example.org", "owner@example.org"]
    assert inactive.email not in {e.to for e in emails}
    institution = scene.lot.contract.institution.name
    for email in emails:
        assert email.kind == f"interest_{status}"
        assert institution in email.subject and "Hodge Hill Kitchens" in email.subject
        assert "Strong local offer." in email.body_text
        assert scene.lot.title in email.body_text


def test_shortlist_then_decline_records_both_decisions(scene):
    interest = InterestFactory(lot=scene.lot, business=scene.business)

    interest_shortlist(actor=scene.officer, interest=interest)
    interest_decline(actor=scene.officer, interest=interest, note="Another bid was closer.")

    interest.refresh_from_db()
    assert interest.status == Interest.Status.DECLINED
    assert audit_verbs(interest) == ["interest.shortlisted", "interest.declined"]
    assert OutboundEmail.objects.filter(kind="interest_declined").count() == 2


@pytest.mark.parametrize("decide", [interest_shortlist, interest_decline])
@pytest.mark.parametrize(
    "who", ["owner", "other_business_member", "officer_elsewhere", "coordinator", "anonymous"]
)
def test_only_officers_of_the_lots_institution_decide(scene, decide, who):
    actor = scene.owner if who == "owner" else _outsider(who, scene)
    interest = InterestFactory(lot=scene.lot, business=scene.business)

    with pytest.raises(PermissionDenied):
        decide(actor=actor, interest=interest, note="No")

    interest.refresh_from_db()
    assert interest.status == Interest.Status.REGISTERED
    assert not OutboundEmail.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="interest.").exists()


@pytest.mark.parametrize("decide", [interest_shortlist, interest_decline])
def test_a_withdrawn_interest_cannot_be_decided(scene, decide):
    interest = InterestFactory(
        lot=scene.lot, business=scene.business, status=Interest.Status.WITHDRAWN
    )

    with pytest.raises(ApplicationError, match="withdrew this interest"):
        decide(actor=scene.officer, interest=interest)
    assert not OutboundEmail.objects.exists()


def test_an_officer_note_that_is_too_long_is_a_validation_error(scene):
    interest = InterestFactory(lot=scene.lot, business=scene.business)

    with pytest.raises(ValidationError) as raised:
        interest_decline(actor=scene.officer, interest=interest, note="x" * (NOTE_MAX_LENGTH + 1))

    assert "officer_note" in raised.value.message_dict
    interest.refresh_from_db()
    assert interest.status == Interest.Status.REGISTERED
    assert not OutboundEmail.objects.exists()

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anchors.models import MAX_CPV_CODES, Contract
from anchors.services import (
    award_record,
    contract_amend,
    contract_cancel,
    contract_create,
    contract_publish,
    contract_update,
)
from core.models import AuditEvent
from tests.anchors.factories import ContractFactory, InstitutionFactory, officer_of

pytestmark = pytest.mark.django_db


def create(officer, institution, **overrides):
    data = dict(
        title="Grounds maintenance",
        description="Grass cutting at 12 sites.",
        estimated_value="60000",
        delivery_postcode="b336ty",
        cpv_codes=["77000000-0"],
        closes_at=timezone.now() + timedelta(days=14),
    )
    return contract_create(actor=officer, institution=institution, **{**data, **overrides})


def test_create_makes_a_draft_with_one_lot_for_the_whole_value():
    institution = InstitutionFactory()
    contract = create(officer_of(institution), institution)
    assert contract.status == Contract.Status.DRAFT
    assert contract.delivery_postcode == "B33 6TY"
    [lot] = contract.lots.all()
    assert (lot.number, lot.value, lot.delivery_district) == (1, Decimal("60000"), "B33")
    assert [c.code for c in lot.cpv_codes.all()] == ["77000000"]
    assert AuditEvent.objects.filter(verb="contract.created", target_id=str(contract.pk)).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("delivery_postcode", "not a postcode", "postcode"),
        ("estimated_value", "lots", "amount in pounds"),
        ("estimated_value", "0", "more than £0"),
        ("estimated_value", "10.001", "2 decimal places"),
        ("cpv_codes", ["99999999"], "don't recognise"),
        ("cpv_codes", ["12"], "8 digits"),
    ],
)
def test_create_refuses_bad_values_with_the_field_named(field, value, message):
    institution = InstitutionFactory()
    with pytest.raises(ValidationError) as exc:
        create(officer_of(institution), institution, **{field: value})
    text = " ".join(str(m) for m in exc.value.messages)
    assert message in text
    assert not Contract.objects.exists()


def test_update_of_a_single_lot_contract_moves_its_lot_too():
    institution = InstitutionFactory()
    officer = officer_of(institution)
    contract = create(officer, institution)
    contract_update(
        actor=officer, contract=contract, estimated_value="75000", delivery_postcode="B9 4AA"
    )
    lot = contract.lots.get()
    assert (lot.value, lot.delivery_district) == (Decimal("75000"), "B9")
    event = AuditEvent.objects.get(verb="contract.updated")
    assert event.summary["before"]["estimated_value"] == "60000.00"


def test_update_refuses_a_value_change_that_breaks_the_split():
    contract = ContractFactory(lots=["40000", "60000"])
    with pytest.raises(ValidationError, match="split into 2 lots"):
        contract_update(
            actor=officer_of(contract.institution), contract=contract, estimated_value="90000"
        )


def publishable(**kwargs):
    defaults = dict(
        no_lots_reason="One kitchen serves every school.", find_a_tender_ref="2026/S 000-012345"
    )
    return ContractFactory(**{**defaults, **kwargs})


def test_publish_sets_published_and_the_contract_is_open():
    contract = publishable()
    contract_publish(actor=officer_of(contract.institution), contract=contract)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.OPEN
    assert AuditEvent.objects.filter(verb="contract.published").count() == 1


def test_publish_refuses_an_unsplit_contract_without_reasons_citing_s18():
    contract = publishable(no_lots_reason="")
    with pytest.raises(ValidationError) as exc:
        contract_publish(actor=officer_of(contract.institution), contract=contract)
    assert "PA23 s.18" in exc.value.message_dict["no_lots_reason"][0]
    contract.refresh_from_db()
    assert contract.published_at is None


def test_a_split_contract_needs_no_s18_reason():
    contract = publishable(no_lots_reason="", lots=["50000", "50000"])
    contract_publish(actor=officer_of(contract.institution), contract=contract)


@pytest.mark.parametrize(
    ("threshold_class", "value", "needs_notice"),
    [
        ("sub_central", "24999.99", False),  # £29,999.99 incl. VAT
        ("sub_central", "25000", True),  # £30,000 incl. VAT: at the notifiable value
        ("central", "9999.99", False),
        ("central", "10000", True),  # £12,000 incl. VAT
    ],
)
def test_publish_needs_a_find_a_tender_reference_at_the_notifiable_value(
    threshold_class, value, needs_notice
):
    contract = publishable(
        find_a_tender_ref="",
        estimated_value=Decimal(value),
        institution=InstitutionFactory(threshold_class=threshold_class),
    )
    officer = officer_of(contract.institution)
    if needs_notice:
        with pytest.raises(ValidationError) as exc:
            contract_publish(actor=officer, contract=contract)
        assert "PA23 s.84 and s.86" in exc.value.message_dict["find_a_tender_ref"][0]
    else:
        contract_publish(actor=officer, contract=contract)


def test_publish_refuses_a_past_closing_date_and_a_lot_without_sector():
    contract = publishable(closes_at=timezone.now() - timedelta(hours=1))
    contract.lots.get().cpv_codes.clear()
    with pytest.raises(ValidationError) as exc:
        contract_publish(actor=officer_of(contract.institution), contract=contract)
    assert set(exc.value.message_dict) == {"closes_at", "cpv_codes"}


def test_publish_twice_is_refused():
    contract = publishable()
    officer = officer_of(contract.institution)
    contract_publish(actor=officer, contract=contract)
    with pytest.raises(ValidationError, match="already published"):
        contract_publish(actor=officer, contract=contract)


def test_amend_records_before_after_and_reason_and_refuses_value_changes():
    contract = publishable()
    officer = officer_of(contract.institution)
    contract_publish(actor=officer, contract=contract)
    contract_amend(
        actor=officer, contract=contract, reason="Typo", title="School meals (6 schools)"
    )
    event = AuditEvent.objects.get(verb="contract.amended")
    assert event.summary["after"]["title"] == "School meals (6 schools)"
    assert event.summary["reason"] == "Typo"
    with pytest.raises(ValidationError, match="estimated_value"):
        contract_amend(actor=officer, contract=contract, reason="More", estimated_value="1")


def test_amend_refuses_drafts_and_a_missing_reason():
    contract = publishable()
    officer = officer_of(contract.institution)
    with pytest.raises(ValidationError, match="published"):
        contract_amend(actor=officer, contract=contract, reason="x", title="New")
    contract_publish(actor=officer, contract=contract)
    with pytest.raises(ValidationError):
        contract_amend(actor=officer, contract=contract, reason=" ", title="New")


def test_cancel_records_reason_and_derives_status():
    contract = publishable()
    officer = officer_of(contract.institution)
    contract_cancel(actor=officer, contract=contract, reason="Budget withdrawn")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.CANCELLED
    with pytest.raises(ValidationError, match="already cancelled"):
        contract_cancel(actor=officer, contract=contract, reason="again")


def test_status_moves_through_closed_partly_awarded_and_awarded(time_machine):
    contract = publishable(lots=["50000", "50000"])
    officer = officer_of(contract.institution)
    contract_publish(actor=officer, contract=contract)
    time_machine.move_to(contract.closes_at + timedelta(minutes=1))
    assert Contract.objects.get(pk=contract.pk).status == Contract.Status.CLOSED
    first, second = contract.lots.all()
    award_record(
        actor=officer,
        lot=first,
        value="49000",
        awarded_on=date(2026, 12, 1),
        supplier_name="Small Heath Catering CIC",
        supplier_postcode="B10 0AB",
    )
    assert (
        Contract.objects.with_status_facts().get(pk=contract.pk).status
        == Contract.Status.PARTLY_AWARDED
    )
    award_record(
        actor=officer,
        lot=second,
        value="50000",
        awarded_on=date(2026, 12, 1),
        supplier_name="Other Ltd",
    )
    assert Contract.objects.get(pk=contract.pk).status == Contract.Status.AWARDED


def test_open_lots_are_published_before_closing_and_unawarded(time_machine):
    from anchors.models import Lot

    draft = publishable()
    contract = publishable()
    contract_publish(actor=officer_of(contract.institution), contract=contract)
    assert list(Lot.objects.open()) == list(contract.lots.all())
    assert not Lot.objects.open().filter(contract=draft).exists()
    time_machine.move_to(contract.closes_at + timedelta(minutes=1))
    assert not Lot.objects.open().exists()


def test_create_takes_every_detail_in_one_write_and_one_audit_event():
    institution = InstitutionFactory()
    contract = create(
        officer_of(institution),
        institution,
        find_a_tender_ref="2027/S 000-012345",
        cross_border_interest=True,
        no_lots_reason="One kitchen, one kitchen contract.",
    )
    contract.refresh_from_db()
    assert (contract.find_a_tender_ref, contract.cross_border_interest) == (
        "2027/S 000-012345",
        True,
    )
    assert contract.no_lots_reason == "One kitchen, one kitchen contract."
    assert list(AuditEvent.objects.values_list("verb", flat=True)) == ["contract.created"]
    assert AuditEvent.objects.get().summary["after"]["find_a_tender_ref"] == "2027/S 000-012345"


def test_create_refuses_an_unusable_detail_and_writes_nothing():
    institution = InstitutionFactory()
    with pytest.raises(ValidationError) as exc:
        create(officer_of(institution), institution, find_a_tender_ref="x" * 65)
    assert "find_a_tender_ref" in exc.value.message_dict
    assert not Contract.objects.exists()
    assert not AuditEvent.objects.exists()


def test_create_refuses_more_cpv_codes_than_a_contract_carries():
    institution = InstitutionFactory()
    codes = [f"{45000000 + n * 100000}" for n in range(MAX_CPV_CODES + 1)]
    with pytest.raises(ValidationError) as exc:
        create(officer_of(institution), institution, cpv_codes=codes)
    assert exc.value.message_dict == {
        "cpv_codes": ["Give at most 20 CPV codes (you gave 21): choose the closest ones."]
    }
    assert not Contract.objects.exists()

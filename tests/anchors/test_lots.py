from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from anchors.models import MAX_CPV_CODES, Institution, Lot
from anchors.services import (
    contract_publish,
    lot_configure,
    lot_set_reservation,
    lot_set_target_area,
    lot_update,
)
from core.exceptions import PermissionDenied
from core.models import AuditEvent
from places.areas import EAST_BIRMINGHAM_SLUG
from places.models import NamedArea
from tests.accounts.factories import CoordinatorFactory
from tests.anchors.factories import ContractFactory, InstitutionFactory, officer_of

pytestmark = pytest.mark.django_db


def contract_for(regime, value="50000", **kwargs):
    institution = InstitutionFactory(reservation_regime=regime)
    return ContractFactory(
        institution=institution,
        estimated_value=Decimal(value),
        lots=[value],
        no_lots_reason="One site",
        find_a_tender_ref="ref",
        **kwargs,
    )


def test_council_under_the_2026_order_may_reserve_for_local_smes():
    contract = contract_for(Institution.Regime.ORDER_2026)
    lot = lot_set_reservation(
        actor=officer_of(contract.institution),
        lot=contract.lots.get(),
        suppliers="sme_vcse",
        location="authority_area",
        rationale="Strong local market",
    )
    assert lot.is_reserved
    assert Lot.objects.reserved().count() == 1


def test_nhs_trust_with_no_regime_cannot_reserve_and_is_told_to_use_a_target_area():
    contract = contract_for(Institution.Regime.NONE)
    with pytest.raises(ValidationError) as exc:
        lot_set_reservation(
            actor=officer_of(contract.institution),
            lot=contract.lots.get(),
            suppliers="vcse",
            location="none",
            rationale="x",
        )
    assert "target area" in exc.value.message_dict["reservation_suppliers"][0]
    assert not contract.lots.get().is_reserved


def test_ppn_005_refuses_an_sme_reservation_without_a_location():
    contract = contract_for(Institution.Regime.PPN_005)
    with pytest.raises(ValidationError) as exc:
        lot_set_reservation(
            actor=officer_of(contract.institution),
            lot=contract.lots.get(),
            suppliers="sme",
            location="none",
            rationale="x",
        )
    assert "PPN 005" in exc.value.message_dict["reservation_location"][0]


def test_reservation_refused_above_threshold_but_allowed_when_vat_exempt():
    # £180,000 + VAT = £216,000, above the £207,720 sub-central threshold (from 1 Jan 2026).
    contract = contract_for(Institution.Regime.ORDER_2026, value="180000")
    officer = officer_of(contract.institution)
    with pytest.raises(ValidationError, match="below-threshold only"):
        lot_set_reservation(
            actor=officer, lot=contract.lots.get(), suppliers="sme", location="none", rationale="x"
        )
    contract.vat_exempt = True
    contract.save()
    lot_set_reservation(
        actor=officer, lot=contract.lots.get(), suppliers="sme", location="none", rationale="x"
    )


def test_unknown_reservation_values_are_refused():
    contract = contract_for(Institution.Regime.ORDER_2026)
    with pytest.raises(ValidationError, match="Unknown"):
        lot_set_reservation(
            actor=officer_of(contract.institution),
            lot=contract.lots.get(),
            suppliers="friends",
            location="none",
        )


def test_publish_rechecks_reservations_after_the_value_changed():
    contract = contract_for(Institution.Regime.ORDER_2026)
    lot = lot_set_reservation(
        actor=officer_of(contract.institution),
        lot=contract.lots.get(),
        suppliers="sme",
        location="none",
        rationale="x",
    )
    lot.contract.cross_border_interest = True
    lot.contract.save()
    with pytest.raises(ValidationError, match="cross-border"):
        contract_publish(actor=officer_of(contract.institution), contract=contract)


def test_target_area_makes_a_lot_hyper_local_without_reserving_it():
    contract = contract_for(Institution.Regime.NONE)
    east = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    lot = lot_set_target_area(
        actor=officer_of(contract.institution), lot=contract.lots.get(), area=east
    )
    assert lot.is_hyper_local and not lot.is_reserved
    assert list(Lot.objects.hyper_local()) == [lot]
    lot = lot_set_target_area(
        actor=officer_of(contract.institution), lot=lot, districts=["b9", "B10"]
    )
    assert (lot.target_area, lot.target_districts) == (None, ["B9", "B10"])


def test_target_area_refuses_both_kinds_and_bad_districts():
    contract = contract_for(Institution.Regime.NONE)
    officer = officer_of(contract.institution)
    east = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    with pytest.raises(ValidationError, match="not both"):
        lot_set_target_area(actor=officer, lot=contract.lots.get(), area=east, districts=["B9"])
    with pytest.raises(ValidationError):
        lot_set_target_area(actor=officer, lot=contract.lots.get(), districts=["XYZ123"])


def test_lot_update_changes_words_place_and_codes():
    contract = contract_for(Institution.Regime.NONE)
    lot = lot_update(
        actor=officer_of(contract.institution),
        lot=contract.lots.get(),
        title="Kitchen",
        delivery_postcode="b330aa",
        cpv_codes=["55000000"],
    )
    assert (lot.title, lot.delivery_postcode, lot.delivery_district) == (
        "Kitchen",
        "B33 0AA",
        "B33",
    )
    # The matching pre-filter indexes the division: the database derives it for set() too.
    assert list(lot.cpv_links.values_list("division", flat=True)) == ["55"]
    with pytest.raises(ValidationError, match="cannot be changed"):
        lot_update(actor=officer_of(contract.institution), lot=lot, value="1")


# lot_configure: details, target area and reservation in one go, all or nothing --------------


def configure(contract, user=None, **parts):
    return lot_configure(
        actor=user or officer_of(contract.institution), lot=contract.lots.get(), **parts
    )


def test_configure_sets_details_target_and_reservation_and_audits_each():
    contract = contract_for(Institution.Regime.ORDER_2026)
    east = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    lot = configure(
        contract,
        details={"title": "Kitchen", "cpv_codes": ["55000000"]},
        target={"area": east, "districts": []},
        reservation={"suppliers": "sme", "location": "authority_area", "rationale": "Local"},
    )
    lot.refresh_from_db()
    assert (lot.title, lot.target_area, lot.reservation_suppliers) == ("Kitchen", east, "sme")
    verbs = set(AuditEvent.objects.filter(target_id=str(lot.pk)).values_list("verb", flat=True))
    assert verbs == {"lot.updated", "lot.target_area_set", "lot.reservation_set"}


def test_configure_changes_only_the_parts_given():
    contract = contract_for(Institution.Regime.NONE)
    lot = configure(contract, target={"area": None, "districts": ["b9"]})
    lot.refresh_from_db()
    assert (lot.title, lot.target_districts, lot.reservation_suppliers) == (
        contract.lots.get().title,
        ["B9"],
        "none",
    )


def test_configure_with_an_unlawful_reservation_changes_nothing():
    contract = contract_for(Institution.Regime.NONE)  # no regime: no reservation is lawful
    before = contract.lots.get()
    with pytest.raises(ValidationError) as exc:
        configure(
            contract,
            details={"title": "Renamed"},
            target={"area": None, "districts": ["B9"]},
            reservation={"suppliers": "vcse", "location": "none", "rationale": "x"},
        )
    assert "reservation_suppliers" in exc.value.message_dict
    lot = Lot.objects.get(pk=before.pk)
    assert (lot.title, lot.target_districts, lot.reservation_suppliers) == (
        before.title,
        before.target_districts,
        "none",
    )
    assert not AuditEvent.objects.filter(verb__startswith="lot.").exists()


def test_configure_refuses_a_coordinator_and_a_call_with_nothing_to_change():
    contract = contract_for(Institution.Regime.NONE)
    with pytest.raises(PermissionDenied):
        configure(contract, user=CoordinatorFactory(), details={"title": "Renamed"})
    with pytest.raises(ValidationError, match="Give the lot's details"):
        configure(contract)
    assert contract.lots.get().title != "Renamed"


def test_configure_refuses_more_cpv_codes_than_a_lot_carries():
    contract = contract_for(Institution.Regime.NONE)
    codes = [f"{45000000 + n * 100000}" for n in range(MAX_CPV_CODES + 1)]
    with pytest.raises(ValidationError) as exc:
        configure(contract, details={"cpv_codes": codes})
    assert exc.value.message_dict == {
        "cpv_codes": ["Give at most 20 CPV codes (you gave 21): choose the closest ones."]
    }

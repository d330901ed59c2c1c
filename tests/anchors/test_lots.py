from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from anchors.models import Institution, Lot
from anchors.services import contract_publish, lot_set_reservation, lot_set_target_area, lot_update
from places.areas import EAST_BIRMINGHAM_SLUG
from places.models import NamedArea
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

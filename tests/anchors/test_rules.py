from datetime import date
from decimal import Decimal

import pytest

from anchors import rules


def request(**overrides):
    base = dict(
        regime="order_2026",
        suppliers="sme",
        location="none",
        rationale="Local SME market is strong.",
        contract_value_incl_vat=Decimal("120000"),
        threshold=Decimal("207720"),
        cross_border_interest=False,
    )
    return rules.ReservationRequest(**{**base, **overrides})


def test_vat_is_added_unless_exempt():
    assert rules.vat_inclusive(Decimal("25000"), vat_exempt=False) == Decimal("30000.00")
    assert rules.vat_inclusive(Decimal("25000"), vat_exempt=True) == Decimal("25000")


@pytest.mark.parametrize(
    ("threshold_class", "procurement_type", "on", "expected"),
    [
        ("sub_central", "services", date(2026, 1, 1), "207720"),
        ("sub_central", "goods", date(2025, 12, 31), "214904"),
        ("central", "services", date(2026, 6, 1), "135018"),
        ("central", "services", date(2025, 6, 1), "139688"),
        ("sub_central", "works", date(2026, 6, 1), "5193000"),
        ("central", "light_touch", date(2026, 6, 1), "663540"),
    ],
)
def test_threshold_follows_buyer_type_and_date(threshold_class, procurement_type, on, expected):
    assert rules.threshold_for(
        threshold_class=threshold_class, procurement_type=procurement_type, on=on
    ) == Decimal(expected)


def test_notifiable_values_differ_for_central_government():
    assert rules.notifiable_value_for(threshold_class="central", on=date(2026, 3, 1)) == Decimal(
        "12000"
    )
    assert rules.notifiable_value_for(
        threshold_class="sub_central", on=date(2026, 3, 1)
    ) == Decimal("30000")


def test_no_reservation_is_always_lawful():
    assert (
        rules.reservation_breaches(request(regime="none", suppliers="none", location="none")) == []
    )


@pytest.mark.parametrize(
    ("regime", "suppliers", "location"),
    [
        ("order_2026", "sme", "none"),
        ("order_2026", "vcse", "authority_area"),
        ("order_2026", "sme_vcse", "authority_area_and_neighbours"),
        ("order_2026", "none", "uk"),
        ("ppn_005", "sme_vcse", "county"),
        ("ppn_005", "none", "uk"),
    ],
)
def test_lawful_reservations_pass(regime, suppliers, location):
    assert (
        rules.reservation_breaches(request(regime=regime, suppliers=suppliers, location=location))
        == []
    )


@pytest.mark.parametrize(
    ("overrides", "rule_fragment", "field"),
    [
        ({"regime": "none"}, "No reservation regime", "reservation_suppliers"),
        (
            {"contract_value_incl_vat": Decimal("207720")},
            "below-threshold only",
            "reservation_suppliers",
        ),
        ({"cross_border_interest": True}, "cross-border", "reservation_suppliers"),
        (
            {"regime": "ppn_005", "location": "none"},
            "PPN 005: SME/VCSE only with a location",
            "reservation_location",
        ),
        (
            {"regime": "ppn_005", "location": "authority_area"},
            "PPN 005: permitted areas",
            "reservation_location",
        ),
        ({"regime": "order_2026", "location": "county"}, "2026 Order", "reservation_location"),
        ({"rationale": "  "}, "rationale", "reservation_rationale"),
    ],
)
def test_unlawful_reservations_name_the_rule(overrides, rule_fragment, field):
    breaches = rules.reservation_breaches(request(**overrides))
    assert any(rule_fragment in b.rule and b.field == field for b in breaches), breaches


def test_threshold_breach_message_gives_the_figures():
    [breach] = rules.reservation_breaches(request(contract_value_incl_vat=Decimal("240000")))
    assert "£240,000" in breach.message and "£207,720" in breach.message

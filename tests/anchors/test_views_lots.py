"""The buyer workspace's lot pages: lot settings with the inline legal check, publishing with
its breaches listed first, and recording awards."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from anchors.models import Award, Contract, Institution, Lot
from matching.services import interest_register
from tests.accounts.factories import UserFactory
from tests.anchors.factories import ContractFactory, InstitutionFactory, officer_of
from tests.anchors.test_views import lot_data, signed_in
from tests.matching.factories import CATERING, close_lot, cpv_codes, matching_business, open_lot

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    cpv_codes(CATERING)
    return InstitutionFactory(
        name="Birmingham City Council", reservation_regime=Institution.Regime.ORDER_2026
    )


def draft_lot(institution, *, value="20000", **contract_fields) -> Lot:
    contract = ContractFactory(
        institution=institution,
        estimated_value=Decimal(value) * 2,
        lots=[value, value],
        lots__cpv=[CATERING],
        **contract_fields,
    )
    return contract.lots.order_by("number").first()


def check(client, lot, **choice):
    data = {"reservation_location": "none", "reservation_rationale": "Local market", **choice}
    return client.post(
        reverse("anchors:reservation_check", args=[lot.pk]), data, HTTP_HX_REQUEST="true"
    )


# The inline legal check ----------------------------------------------------------------------


def test_check_allows_an_sme_reservation_below_the_threshold_and_says_why(client, council):
    lot = draft_lot(council)
    response = check(signed_in(client, officer_of(council)), lot, reservation_suppliers="sme")
    body = response.content.decode()
    assert 'data-check="allowed"' in body
    assert "£48,000 including VAT" in body  # the whole contract counts (PA23 Sch. 3)
    assert "£207,720 threshold" in body
    assert "2026 Order" in body
    assert "reserved for smes" in body


def test_check_above_the_threshold_names_the_breached_rule(client, council):
    lot = draft_lot(council, value="150000")
    response = check(signed_in(client, officer_of(council)), lot, reservation_suppliers="sme")
    body = response.content.decode()
    assert 'data-check="refused"' in body
    assert "PA23 s.84 / Sch. 1 (below-threshold only)" in body


def test_check_lists_every_breach_under_ppn_005(client):
    cpv_codes(CATERING)
    college = InstitutionFactory(reservation_regime=Institution.Regime.PPN_005)
    lot = draft_lot(college)
    response = check(
        signed_in(client, officer_of(college)),
        lot,
        reservation_suppliers="vcse",
        reservation_location="authority_area",
        reservation_rationale="",
    )
    body = response.content.decode()
    assert "breaks 2 rules" in body
    assert "PPN 005: permitted areas" in body
    assert "Reservation rationale recorded" in body


def test_check_says_not_reserved_when_open_to_all(client, council):
    lot = draft_lot(council)
    response = check(signed_in(client, officer_of(council)), lot, reservation_suppliers="none")
    assert 'data-check="open"' in response.content.decode()


def test_check_with_tampered_choices_answers_with_an_error_not_a_crash(client, council):
    lot = draft_lot(council)
    response = check(
        signed_in(client, officer_of(council)), lot, reservation_suppliers="everyone-but-bob"
    )
    assert response.status_code == 200
    assert "Choose one of the supplier reservations." in response.content.decode()


def test_lot_page_shows_the_check_and_htmx_wiring_with_a_no_js_button(client, council):
    lot = draft_lot(council)
    response = signed_in(client, officer_of(council)).get(
        reverse("anchors:lot_edit", args=[lot.pk])
    )
    body = response.content.decode()
    assert f'hx-post="{reverse("anchors:reservation_check", args=[lot.pk])}"' in body
    assert 'hx-target="#reservation-check"' in body
    assert 'name="action" value="check"' in body
    assert 'data-check="open"' in body


# Saving lot settings -------------------------------------------------------------------------


def test_unlawful_reservation_is_refused_with_the_rule_and_nothing_is_saved(client, council):
    lot = draft_lot(council, value="150000")
    response = signed_in(client, officer_of(council)).post(
        reverse("anchors:lot_edit", args=[lot.pk]),
        lot_data(
            lot,
            title="A new title",
            target="districts",
            target_districts="B9, B10",
            reservation_suppliers="sme",
            reservation_rationale="Local market",
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "PA23 s.84 / Sch. 1 (below-threshold only)" in body
    assert 'href="#id_reservation_suppliers_0"' in body
    lot.refresh_from_db()
    assert (lot.title, lot.target_districts, lot.reservation_suppliers) != (
        "A new title",
        ["B9", "B10"],
        "sme",
    )
    assert lot.title != "A new title"  # all three settings, or none
    assert lot.target_districts == []


def test_saving_a_district_target_area_and_codes(client, council):
    lot = draft_lot(council)
    response = signed_in(client, officer_of(council)).post(
        reverse("anchors:lot_edit", args=[lot.pk]),
        lot_data(lot, target="districts", target_districts="b9 b10, B9", description="Lunches"),
    )
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.target_districts == ["B9", "B10"]
    assert lot.target_area is None
    assert lot.description == "Lunches"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target": "districts", "target_districts": ""}, "target_districts"),
        ({"target": "districts", "target_districts": "NOPE NOPE"}, "target_districts"),
        ({"target": "area:atlantis"}, "target"),
        ({"reservation_location": "the-moon"}, "reservation_location"),
        ({"title": "t" * 201}, "title"),
        ({"description": "d" * 100_000}, "description"),
        ({"cpv_codes": "not-a-code"}, "cpv_codes"),
        ({"delivery_postcode": "XYZ"}, "delivery_postcode"),
        ({"required_certifications": "999999"}, "required_certifications"),
    ],
)
def test_bad_lot_input_is_a_field_error(client, council, overrides, field):
    lot = draft_lot(council)
    response = signed_in(client, officer_of(council)).post(
        reverse("anchors:lot_edit", args=[lot.pk]), lot_data(lot, **overrides)
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert "There is a problem" in response.content.decode()


def test_lots_of_a_published_contract_cannot_be_edited_and_the_service_says_why(client, council):
    lot = draft_lot(council)
    Contract.objects.filter(pk=lot.contract_id).update(published_at=timezone.now())
    response = signed_in(client, officer_of(council)).post(
        reverse("anchors:lot_edit", args=[lot.pk]), lot_data(lot, title="Changed")
    )
    assert response.status_code == 200
    assert "already published" in response.content.decode()
    lot.refresh_from_db()
    assert lot.title != "Changed"


# Publishing ----------------------------------------------------------------------------------


def test_detail_lists_publish_breaches_before_publishing(client, council):
    contract = ContractFactory(
        institution=council, estimated_value=Decimal("90000"), closes_at=None, lots__cpv=[CATERING]
    )
    response = signed_in(client, officer_of(council)).get(
        reverse("anchors:contract_detail", args=[contract.pk])
    )
    body = response.content.decode()
    rules = {breach.rule for breach in response.context["breaches"]}
    assert rules == {
        "Closing date",
        "PA23 s.18",
        "PA23 s.84 and s.86 (below-threshold tender notice)",
    }
    assert "You cannot publish this contract yet" in body
    assert "Publish contract" not in body


def test_publishing_with_breaches_lists_them_and_publishes_nothing(client, council):
    contract = ContractFactory(institution=council, closes_at=None, lots__cpv=[CATERING])
    response = signed_in(client, officer_of(council)).post(
        reverse("anchors:contract_publish", args=[contract.pk])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Set a closing date for interest that is in the future. (Closing date)" in body
    assert "record why it cannot" in body
    contract.refresh_from_db()
    assert contract.published_at is None


def test_publishing_a_single_lot_contract_with_the_s18_reason(client, council):
    contract = ContractFactory(
        institution=council,
        estimated_value=Decimal("20000"),
        no_lots_reason="One kitchen; it cannot reasonably be split.",
        lots__cpv=[CATERING],
    )
    client = signed_in(client, officer_of(council))
    assert (
        client.get(reverse("anchors:contract_detail", args=[contract.pk])).context["breaches"] == []
    )
    response = client.post(reverse("anchors:contract_publish", args=[contract.pk]), follow=True)
    assert "You have published" in response.content.decode()
    contract.refresh_from_db()
    assert contract.published_at is not None
    again = client.post(reverse("anchors:contract_publish", args=[contract.pk]))
    assert again.status_code == 200
    assert "already published" in again.content.decode()


def test_contract_detail_query_count_is_pinned(client, council, django_assert_num_queries):
    contract = ContractFactory(
        institution=council, estimated_value=Decimal("40000"), lots=["10000"] * 4
    )
    client = signed_in(client, officer_of(council))
    url = reverse("anchors:contract_detail", args=[contract.pk])
    client.get(url)
    with django_assert_num_queries(14):
        client.get(url)
    bigger = ContractFactory(
        institution=council, estimated_value=Decimal("90000"), lots=["10000"] * 9
    )
    with django_assert_num_queries(14):  # the same, however many lots
        client.get(reverse("anchors:contract_detail", args=[bigger.pk]))


# Awards --------------------------------------------------------------------------------------


@pytest.fixture
def closed_lot(council):
    lot = open_lot(institution=council, value="20000")
    return close_lot(lot)


def test_award_to_a_business_that_registered_interest(client, council):
    lot = open_lot(institution=council, value="20000")
    owner = UserFactory()
    business = matching_business(name="Saltley Kitchen Ltd", owner=owner)
    interest_register(actor=owner, business=business, lot=lot)
    close_lot(lot)
    client = signed_in(client, officer_of(council))
    url = reverse("anchors:award_record", args=[lot.pk])
    page = client.get(url)
    assert "Saltley Kitchen Ltd" in page.content.decode()
    response = client.post(
        url,
        {"business": str(business.pk), "value": "19,500", "awarded_on": "1/3/2027"},
    )
    assert response.status_code == 302
    award = Award.objects.get(lot=lot)
    assert (award.business, award.value) == (business, Decimal("19500"))


def test_award_to_an_outside_supplier(client, council, closed_lot):
    response = signed_in(client, officer_of(council)).post(
        reverse("anchors:award_record", args=[closed_lot.pk]),
        {
            "business": "outside",
            "supplier_name": "Kitchens R Us",
            "supplier_postcode": "b10 0aa",
            "value": "20000",
            "awarded_on": "01/03/2027",
        },
    )
    assert response.status_code == 302
    award = Award.objects.get(lot=closed_lot)
    assert (award.supplier_name, award.supplier_postcode) == ("Kitchens R Us", "B10 0AA")


def test_award_before_closing_is_refused_with_the_rule(client, council):
    lot = open_lot(institution=council, value="20000")
    response = signed_in(client, officer_of(council)).post(
        reverse("anchors:award_record", args=[lot.pk]),
        {"business": "outside", "supplier_name": "X", "value": "1", "awarded_on": "1/3/2027"},
    )
    assert response.status_code == 200
    assert "record the award after it closes" in response.content.decode()
    assert not Award.objects.exists()


def test_award_is_recorded_once(client, council, closed_lot):
    client = signed_in(client, officer_of(council))
    url = reverse("anchors:award_record", args=[closed_lot.pk])
    data = {"business": "outside", "supplier_name": "X", "value": "1", "awarded_on": "1/3/2027"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert "already been awarded" in again.content.decode()
    assert Award.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, "Choose the business that won, or another supplier."),
        ({"business": "outside"}, "Choose the business that won, or enter the supplier"),
        ({"business": "123456"}, "Choose one of the businesses listed"),
        ({"business": "outside", "supplier_name": "n" * 201}, "at most 200 characters"),
        ({"business": "outside", "supplier_name": "X", "value": "-1"}, "more than £0"),
        ({"business": "outside", "supplier_name": "X", "awarded_on": "32/13/2027"}, "real date"),
    ],
)
def test_award_errors_are_specific(client, council, closed_lot, data, expected):
    data = {"value": "20000", "awarded_on": "1/3/2027", **data}
    response = signed_in(client, officer_of(council)).post(
        reverse("anchors:award_record", args=[closed_lot.pk]), data
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not Award.objects.exists()


def test_award_of_a_draft_lot_is_refused(client, council):
    lot = draft_lot(council)
    Contract.objects.filter(pk=lot.contract_id).update(closes_at=timezone.now() - timedelta(days=1))
    response = signed_in(client, officer_of(council)).post(
        reverse("anchors:award_record", args=[lot.pk]),
        {"business": "outside", "supplier_name": "X", "value": "1", "awarded_on": "1/3/2027"},
    )
    assert "Only lots of a published" in response.content.decode()
    assert not Award.objects.exists()

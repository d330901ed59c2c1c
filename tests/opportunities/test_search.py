"""Public opportunity search: each filter, sorting, bad input, pagination and query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from anchors.models import Lot
from opportunities.selectors import opportunity_search
from places.areas import EAST_BIRMINGHAM_SLUG
from places.models import NamedArea
from tests.anchors.factories import InstitutionFactory
from tests.matching.factories import (
    CATERING,
    CONSTRUCTION,
    SCHOOL_MEALS,
    award_lot,
    cancel_lot,
    close_lot,
    open_lot,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("opportunities:search")


def ids(params: dict) -> set[int]:
    lots, _ = opportunity_search(params=params)
    return {lot.pk for lot in lots}


def ordered_ids(params: dict) -> list[int]:
    lots, _ = opportunity_search(params=params)
    return [lot.pk for lot in lots]


def titled(title: str, **fields) -> Lot:
    lot = open_lot(**fields)
    lot.title = title
    lot.save(update_fields=["title"])
    return lot


# Which lots are searched ----------------------------------------------------------------------


def test_search_lists_only_open_published_lots():
    shown = open_lot()
    draft = open_lot(published=False)
    closed = close_lot(open_lot())
    cancelled = cancel_lot(open_lot())
    awarded = open_lot()
    award_lot(awarded)

    found = ids({})

    assert shown.pk in found
    assert not found & {draft.pk, closed.pk, cancelled.pk, awarded.pk}


# Keyword --------------------------------------------------------------------------------------


def test_keyword_matches_lot_title_description_contract_and_buyer_case_insensitively():
    by_title = titled("Window cleaning at Heartlands")
    by_description = open_lot(description="Includes GRAFFITI removal")
    by_contract = open_lot()
    by_contract.contract.title = "Grounds maintenance"
    by_contract.contract.save(update_fields=["title"])
    by_buyer = open_lot(institution=InstitutionFactory(name="Heartlands Hospital Trust"))
    other = titled("Printing")

    assert ids({"q": "window CLEANING"}) == {by_title.pk}
    assert ids({"q": "graffiti"}) == {by_description.pk}
    assert ids({"q": "grounds"}) == {by_contract.pk}
    assert ids({"q": "heartlands"}) == {by_title.pk, by_buyer.pk}
    assert other.pk not in ids({"q": "heartlands"})


# Sector (CPV) ---------------------------------------------------------------------------------


def test_cpv_division_matches_every_code_under_it():
    meals = open_lot(cpv=[SCHOOL_MEALS])
    catering = open_lot(cpv=[CATERING])
    building = open_lot(cpv=[CONSTRUCTION])

    assert ids({"cpv": "55000000"}) == {meals.pk, catering.pk}
    assert building.pk not in ids({"cpv": "55000000"})


def test_cpv_deeper_code_matches_itself_and_codes_below_only():
    meals = open_lot(cpv=[SCHOOL_MEALS])  # 55523100, under 55520000
    catering = open_lot(cpv=[CATERING])  # 55520000
    private = open_lot(cpv=["55521000"])

    assert ids({"cpv": "55520000"}) == {meals.pk, catering.pk, private.pk}
    assert ids({"cpv": "55523000"}) == {meals.pk}
    assert ids({"cpv": "55523100-5"}) == {meals.pk}  # the check digit is forgiven


def test_a_lot_with_several_codes_is_listed_once():
    lot = open_lot(cpv=[CATERING, SCHOOL_MEALS])

    assert ordered_ids({"cpv": "55000000"}) == [lot.pk]


# Where ----------------------------------------------------------------------------------------


def test_district_matches_delivery_postcode_target_districts_and_target_area():
    delivered = open_lot(delivery_postcode="B10 0AA")
    targeted = open_lot(delivery_postcode="B1 1AA", target_districts=["B10", "B11"])
    area = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)  # B10 is one of its districts
    in_area = open_lot(delivery_postcode="B1 1AA", target_area=area)
    elsewhere = open_lot(delivery_postcode="B1 1AA", target_districts=["B1"])

    found = ids({"district": "b10"})  # any spelling

    assert found == {delivered.pk, targeted.pk, in_area.pk}
    assert elsewhere.pk not in found
    b2 = open_lot(delivery_postcode="B2 4QA", target_districts=["B10"])
    assert b2.pk not in ids({"district": "B1"})  # "B1" is not "B10"


def test_area_east_birmingham_matches_targeted_and_delivered_lots():
    area = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    targeted = open_lot(delivery_postcode="B1 1AA", target_area=area)
    delivered_in_b9 = open_lot(delivery_postcode="B9 4AA")
    districts_inside = open_lot(delivery_postcode="B1 1AA", target_districts=["B33"])
    city_centre = open_lot(delivery_postcode="B1 1AA")
    coventry = open_lot(delivery_postcode="CV1 1AA")

    found = ids({"area": EAST_BIRMINGHAM_SLUG})

    assert found == {targeted.pk, delivered_in_b9.pk, districts_inside.pk}
    assert not found & {city_centre.pk, coventry.pk}


def test_hyper_local_only():
    area = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    by_area = open_lot(target_area=area)
    by_districts = open_lot(target_districts=["B9"])
    plain = open_lot()

    assert ids({"hyper_local": "1"}) == {by_area.pk, by_districts.pk}
    assert ids({"hyper_local": "on"}) == {by_area.pk, by_districts.pk}  # the checkbox's value
    assert plain.pk in ids({"hyper_local": ""})


# Reservation ----------------------------------------------------------------------------------


def test_reserved_variants():
    sme = open_lot(reservation_suppliers=Lot.SupplierReservation.SME)
    vcse = open_lot(reservation_suppliers=Lot.SupplierReservation.VCSE)
    both = open_lot(reservation_suppliers=Lot.SupplierReservation.SME_VCSE)
    place = open_lot(reservation_location=Lot.LocationReservation.AUTHORITY_AREA)
    unreserved = open_lot()

    assert ids({"reserved": "sme"}) == {sme.pk, both.pk}
    assert ids({"reserved": "vcse"}) == {vcse.pk, both.pk}
    assert ids({"reserved": "location"}) == {place.pk}
    assert ids({"reserved": "any"}) == {sme.pk, vcse.pk, both.pk, place.pk}
    assert unreserved.pk in ids({})


# Value and closing date -----------------------------------------------------------------------


def test_value_range_is_inclusive_and_excludes_vat():
    small = open_lot(value="5000")
    middle = open_lot(value="20000")
    large = open_lot(value="80000")

    assert ids({"value_min": "5000", "value_max": "20000"}) == {small.pk, middle.pk}
    assert ids({"value_min": "20000.00"}) == {middle.pk, large.pk}
    assert ids({"value_max": "19999.99"}) == {small.pk}


def test_closing_range_by_day():
    soon = open_lot(closes_in=timedelta(days=3))
    later = open_lot(closes_in=timedelta(days=20))
    latest = open_lot(closes_in=timedelta(days=60))
    today = timezone.localdate()

    after = (today + timedelta(days=10)).isoformat()
    before = (today + timedelta(days=30)).isoformat()
    assert ids({"closing_after": after}) == {later.pk, latest.pk}
    assert ids({"closing_before": before}) == {soon.pk, later.pk}
    assert ids({"closing_after": after, "closing_before": before}) == {later.pk}
    on_the_day = timezone.localtime(soon.contract.closes_at).date().isoformat()
    assert soon.pk in ids({"closing_before": on_the_day})
    assert soon.pk in ids({"closing_after": on_the_day})


# Sorting --------------------------------------------------------------------------------------


def test_sorting():
    cheap_late = open_lot(value="1000", closes_in=timedelta(days=40))
    dear_soon = open_lot(value="90000", closes_in=timedelta(days=5))
    middle = open_lot(value="30000", closes_in=timedelta(days=20))
    for days_ago, lot in enumerate([middle, dear_soon, cheap_late]):
        lot.contract.published_at = timezone.now() - timedelta(days=days_ago)
        lot.contract.save(update_fields=["published_at"])

    assert ordered_ids({}) == [dear_soon.pk, middle.pk, cheap_late.pk]  # closing soonest
    assert ordered_ids({"sort": "closing"}) == [dear_soon.pk, middle.pk, cheap_late.pk]
    assert ordered_ids({"sort": "newest"}) == [middle.pk, dear_soon.pk, cheap_late.pk]
    assert ordered_ids({"sort": "value_high"}) == [dear_soon.pk, middle.pk, cheap_late.pk]
    assert ordered_ids({"sort": "value_low"}) == [cheap_late.pk, middle.pk, dear_soon.pk]


# Bad input ------------------------------------------------------------------------------------


BAD_PARAMS = [
    {"cpv": "catering"},
    {"cpv": "1234"},
    {"district": "not a district"},
    {"area": "atlantis"},
    {"reserved": "everyone"},
    {"value_min": "lots"},
    {"value_max": "-5"},
    {"value_min": "1e999"},
    {"closing_after": "31/02/2026"},
    {"closing_before": "2026-02-31"},
    {"closing_before": "9999-12-31"},
    {"closing_after": "0001-01-01"},
    {"sort": "random"},
    {"page": "banana"},
    {"page": "99999"},
    {"q": "x" * 5000},
    {"hyper_local": "maybe"},
]


@pytest.mark.parametrize("params", BAD_PARAMS)
def test_bad_params_never_fail_the_page(client, params):
    lot = open_lot()

    response = client.get(SEARCH, params)

    assert response.status_code == 200
    assert lot.title in response.content.decode()  # the bad filter is ignored


def test_a_bad_filter_shows_its_error_and_the_good_ones_still_apply(client):
    cheap = open_lot(value="1000")
    open_lot(value="90000")

    response = client.get(SEARCH, {"value_max": "5000", "cpv": "not-a-code", "sort": "random"})

    html = response.content.decode()
    assert "There is a problem" in html
    assert "CPV codes have 8 digits" in html
    assert 'href="#id_cpv"' in html  # the summary links to the field
    assert "Choose a sort order from the list." in html
    assert "<title>Error: " in html
    assert [row["lot"].pk for row in response.context["results"]] == [cheap.pk]


def test_minimum_above_maximum_is_an_error_and_the_maximum_is_ignored(client):
    open_lot(value="1000")
    big = open_lot(value="90000")

    response = client.get(SEARCH, {"value_min": "50000", "value_max": "10"})

    assert "The maximum value must be the same as or more than the minimum" in (
        response.content.decode()
    )
    assert [row["lot"].pk for row in response.context["results"]] == [big.pk]


# Page -----------------------------------------------------------------------------------------


def test_page_shows_count_and_filter_form(client):
    open_lot()
    open_lot()

    response = client.get(SEARCH)

    html = response.content.decode()
    assert "2 opportunities" in html
    assert "govuk-grid-column-one-third" in html
    assert "Apply filters" in html
    for name in [
        "q",
        "cpv",
        "district",
        "area",
        "hyper_local",
        "reserved",
        "value_min",
        "value_max",
        "closing_after",
        "closing_before",
        "sort",
    ]:
        assert f'for="id_{name}"' in html, name
    assert 'hx-get="/opportunities/"' in html
    assert 'hx-select="#results"' in html
    assert 'hx-push-url="true"' in html
    assert 'action="/opportunities/"' in html  # works without JavaScript


def test_one_result_is_singular(client):
    open_lot()

    assert "1 opportunity<" in client.get(SEARCH).content.decode()


def test_pagination_keeps_the_query_string(client):
    for _ in range(21):
        open_lot(value="1000", reservation_suppliers=Lot.SupplierReservation.SME)
    open_lot(value="1000")  # not reserved: filtered out

    first = client.get(SEARCH, {"reserved": "sme", "value_max": "2000"})
    second = client.get(SEARCH, {"reserved": "sme", "value_max": "2000", "page": "2"})

    assert "21 opportunities" in first.content.decode()
    assert len(first.context["results"]) == 20
    assert "reserved=sme&amp;value_max=2000&amp;page=2" in first.content.decode()
    assert len(second.context["results"]) == 1


def _many_lots(count: int):
    area = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    for number in range(count):
        open_lot(
            cpv=[CATERING, SCHOOL_MEALS],
            value=Decimal(1000 + number),
            target_area=area if number % 2 else None,
            reservation_suppliers=Lot.SupplierReservation.SME,
        )


@pytest.mark.parametrize("count", [1, 30])
def test_search_page_query_count_does_not_grow_with_results(
    client, django_assert_num_queries, count
):
    _many_lots(count)

    # count, page of lots, their codes, and the named areas for the select
    with django_assert_num_queries(4):
        response = client.get(SEARCH, {"cpv": "55000000", "reserved": "sme"})

    assert response.context["count"] == count


@pytest.mark.parametrize("count", [1, 30])
def test_search_with_area_query_count_does_not_grow(client, django_assert_num_queries, count):
    _many_lots(count)

    # as above, plus reading the area and its districts
    with django_assert_num_queries(6):
        response = client.get(SEARCH, {"area": EAST_BIRMINGHAM_SLUG, "q": "school"})

    assert response.context["count"] == count

"""GET /api/v1/opportunities/ and /api/v1/opportunities/<id>/: public, the web search's filters,
but unknown or unreadable filters are a 400 naming the field."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anchors.models import Lot
from places.areas import EAST_BIRMINGHAM_SLUG
from places.models import NamedArea
from tests.api.conftest import ROLES
from tests.matching.factories import CONSTRUCTION, cancel_lot, close_lot, open_lot

pytestmark = pytest.mark.django_db
URL = "/api/v1/opportunities/"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_lists_open_lots_only(world, as_role, role):
    close_lot(open_lot(institution=world.institution))
    cancel_lot(open_lot(institution=world.institution))
    response = as_role(role).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == world.lot.pk
    assert row["contract"]["buyer"]["name"] == "Birmingham City Council"
    assert row["contract"]["source"] == "locallots"
    assert row["cpv_codes"][0]["code"] == "55520000"


def test_list_filters_like_the_web_search(world, client):
    construction = open_lot(institution=world.institution, cpv=[CONSTRUCTION], value="90000")
    body = client.get(URL, {"cpv": "45000000"}).json()
    assert [row["id"] for row in body["results"]] == [construction.pk]
    body = client.get(URL, {"value_min": "50000", "sort": "value_high"}).json()
    assert [row["id"] for row in body["results"]] == [construction.pk]
    body = client.get(URL, {"q": "school meals", "district": "b9"}).json()
    assert {row["id"] for row in body["results"]} == {world.lot.pk, construction.pk}


def api_ids(client, params) -> set[int]:
    response = client.get(URL, {**params, "page_size": 100})
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_area_and_hyper_local_filters_reach_the_search(world, client):
    area = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    targeted = open_lot(institution=world.institution, delivery_postcode="B1 1AA", target_area=area)
    by_districts = open_lot(institution=world.institution, target_districts=["B33"])
    city_centre = open_lot(institution=world.institution, delivery_postcode="B1 1AA")

    # world.lot is delivered in B9, inside East Birmingham, but targets no area.
    assert api_ids(client, {"area": EAST_BIRMINGHAM_SLUG}) == {
        world.lot.pk,
        targeted.pk,
        by_districts.pk,
    }
    assert api_ids(client, {"hyper_local": "true"}) == {targeted.pk, by_districts.pk}
    assert city_centre.pk in api_ids(client, {"hyper_local": "false"})


def test_reserved_filter_reaches_the_search(world, client):
    sme = open_lot(institution=world.institution, reservation_suppliers=Lot.SupplierReservation.SME)
    vcse = open_lot(
        institution=world.institution, reservation_suppliers=Lot.SupplierReservation.VCSE
    )
    place = open_lot(
        institution=world.institution,
        reservation_location=Lot.LocationReservation.AUTHORITY_AREA,
    )
    assert api_ids(client, {"reserved": "sme"}) == {sme.pk}
    assert api_ids(client, {"reserved": "vcse"}) == {vcse.pk}
    assert api_ids(client, {"reserved": "location"}) == {place.pk}
    assert api_ids(client, {"reserved": "any"}) == {sme.pk, vcse.pk, place.pk}


def test_value_max_is_inclusive_and_reads_pence(world, client):
    small = open_lot(institution=world.institution, value="5000")
    open_lot(institution=world.institution, value="80000")
    # world.lot is worth £40,000.
    assert api_ids(client, {"value_max": "5000"}) == {small.pk}
    assert api_ids(client, {"value_max": "39999.99"}) == {small.pk}
    assert api_ids(client, {"value_min": "5000.01", "value_max": "40000"}) == {world.lot.pk}


def test_list_query_count_does_not_grow_with_rows(world, client, django_assert_num_queries):
    for _ in range(5):
        open_lot(institution=world.institution)
    with django_assert_num_queries(3):  # count, page (lot, contract, buyer, area), codes
        response = client.get(URL, {"page_size": 4})
    assert len(response.json()["results"]) == 4


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"value_min": "lots"}, "value_min"),
        ({"value_min": "-1"}, "value_min"),
        ({"value_min": "500", "value_max": "100"}, "value_max"),
        ({"closing_before": "31/03/2026"}, "closing_before"),
        ({"closing_before": "9999-12-31"}, "closing_before"),
        ({"cpv": "catering"}, "cpv"),
        ({"district": "nowhere"}, "district"),
        ({"area": "atlantis"}, "area"),
        ({"reserved": "maybe"}, "reserved"),
        ({"sort": "random"}, "sort"),
        ({"hyper_local": "perhaps"}, "hyper_local"),
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
    ],
)
def test_unknown_or_unreadable_filters_are_a_400_naming_the_field(world, client, params, field):
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Some of the values sent are not valid."
    assert list(body["extra"]["fields"]) == [field]


def test_a_page_past_the_last_is_a_404_in_the_error_shape(world, client):
    response = client.get(URL, {"page": "7"})
    assert response.status_code == 404
    assert response.json() == {
        "message": "There is no page 7: That page contains no results.",
        "extra": {},
    }


def test_detail_shows_contract_buyer_and_source(world, client):
    contract = world.lot.contract
    contract.source, contract.source_url = "contracts_finder", "https://example.org/notice/1"
    contract.save(update_fields=["source", "source_url"])
    response = client.get(f"{URL}{world.lot.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["is_open"] is True
    assert body["award"] is None
    assert body["contract"]["source"] == "contracts_finder"
    assert body["contract"]["source_url"] == "https://example.org/notice/1"
    assert body["contract"]["buyer"]["slug"] == "bcc"


def test_detail_of_a_closed_lot_says_it_is_not_open(world, client):
    close_lot(world.lot)
    assert client.get(f"{URL}{world.lot.pk}/").json()["is_open"] is False


@pytest.mark.parametrize("role", ROLES)
def test_drafts_are_404_to_everyone_here(world, as_role, role):
    lot = world.draft.lots.get()
    response = as_role(role).get(f"{URL}{lot.pk}/")
    assert response.status_code == 404
    assert response.json()["message"] == "There is no published lot with this id."


def test_an_id_too_long_for_the_database_is_a_404_not_a_500(world, client):
    response = client.get(f"{URL}{'9' * 30}/")
    assert response.status_code == 404
    assert set(response.json()) == {"message", "extra"}


def test_closing_dates_filter_by_day(world, client):
    later = open_lot(institution=world.institution, closes_in=timedelta(days=60))
    cutoff = (timezone.localdate() + timedelta(days=45)).isoformat()
    body = client.get(URL, {"closing_after": cutoff}).json()
    assert [row["id"] for row in body["results"]] == [later.pk]


def test_an_imported_notice_without_a_value_lists_with_a_null_value(world, client):
    from anchors.models import Contract, Lot

    world.lot.contract.__class__.objects.filter(pk=world.lot.contract_id).update(
        source=Contract.Source.CONTRACTS_FINDER, estimated_value=None
    )
    Lot.objects.filter(pk=world.lot.pk).update(value=None)
    row = client.get(URL).json()["results"][0]
    assert row["value"] is None
    detail = client.get(f"{URL}{world.lot.pk}/").json()
    assert detail["value"] is None
    assert detail["contract"]["estimated_value"] is None
    assert detail["contract"]["source"] == "contracts_finder"


def test_the_schema_says_an_opportunity_value_may_be_null(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    assert components["Opportunity"]["properties"]["value"]["nullable"] is True
    contract = components["OpportunityContractDetail"]["properties"]["estimated_value"]
    assert contract["nullable"] is True

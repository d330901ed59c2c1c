"""Businesses: members list, read and change their own; anyone signed in registers one; a
coordinator reads every business and changes none; other businesses' ids are 404."""

import pytest

from suppliers.models import Business
from tests.api.conftest import ROLES, client_for
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/businesses/"

LIST_EXPECTED = {
    "anonymous": 401,
    "supplier": ["Small Kitchen Ltd"],
    "officer": [],
    "other_officer": [],
    "coordinator": ["Small Kitchen Ltd"],
}


@pytest.mark.parametrize("role", ROLES)
def test_business_list_holds_own_businesses(world, as_role, role):
    response = as_role(role).get(LIST)
    expected = LIST_EXPECTED[role]
    if expected == 401:
        assert response.status_code == 401
    else:
        assert [row["name"] for row in response.json()["results"]] == expected


def test_business_list_filters_and_refuses_unknown_filters(world):
    client = client_for(world.supplier)
    assert client.get(LIST, {"district": "B9", "is_vcse": "false"}).json()["count"] == 1
    assert client.get(LIST, {"size_class": "large"}).json()["count"] == 0
    for params in ({"size": "large"}, {"division": "5"}, {"district": "nowhere"}):
        response = client.get(LIST, params)
        assert response.status_code == 400
        assert list(response.json()["extra"]["fields"]) == list(params)


def test_business_list_query_count_does_not_grow_with_rows(world, django_assert_num_queries):
    client = client_for(world.coordinator)
    with django_assert_num_queries(5):  # count, page, sectors with labels, certifications, members
        first = client.get(LIST)
    BusinessFactory.create_batch(3)
    with django_assert_num_queries(5):
        second = client.get(LIST)
    assert (first.json()["count"], second.json()["count"]) == (1, 4)


RETRIEVE_EXPECTED = {
    "anonymous": 401,
    "supplier": 200,
    "officer": 404,
    "other_officer": 404,
    "coordinator": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_business_is_read_by_members_and_coordinators(world, as_role, role):
    response = as_role(role).get(f"{LIST}{world.business.pk}/")
    assert response.status_code == RETRIEVE_EXPECTED[role]
    if response.status_code == 200:
        body = response.json()
        assert (body["district"], body["size_class"], body["is_sme"]) == ("B9", "micro", True)


NEW = {
    "name": "Green Gardens CIC",
    "legal_form": "cic",
    "postcode": "b10 0aa",
    "sector_codes": ["77000000-0"],
    "staff_headcount": 3,
}


@pytest.mark.parametrize("role", ["supplier", "officer", "coordinator"])
def test_anyone_signed_in_registers_a_business_and_owns_it(world, as_role, role):
    response = as_role(role).post(LIST, NEW, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["postcode"], body["is_vcse"]) == ("B10 0AA", True)
    assert body["sectors"][0]["code"] == "77000000"
    assert "a short description" in body["profile_missing"]
    assert Business.objects.get(pk=body["id"]).members.get().user == world.user(role)


def test_anonymous_cannot_register_a_business(world, api):
    assert api.post(LIST, NEW, format="json").status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"postcode": "B9"}, "postcode"),
        ({"sector_codes": ["12"]}, "sector_codes"),
        ({"legal_form": "guild"}, "legal_form"),
        ({"staff_headcount": -1}, "staff_headcount"),
        ({"staff_headcount": "four"}, "staff_headcount"),
        ({"companies_house_number": "123"}, "companies_house_number"),
        ({"certification_slugs": ["made-up"]}, "certification_slugs"),
    ],
)
def test_bad_business_values_are_400s_and_write_nothing(world, change, field):
    response = client_for(world.supplier).post(LIST, {**NEW, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["extra"]["fields"]
    assert not Business.objects.filter(name="Green Gardens CIC").exists()


UPDATE_EXPECTED = {
    "anonymous": 401,
    "supplier": 200,
    "officer": 404,
    "other_officer": 404,
    "coordinator": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_members_change_a_business(world, as_role, role):
    response = as_role(role).patch(
        f"{LIST}{world.business.pk}/", {"description": "Now with vegan menus."}, format="json"
    )
    assert response.status_code == UPDATE_EXPECTED[role]
    world.business.refresh_from_db()
    assert (world.business.description == "Now with vegan menus.") is (role == "supplier")

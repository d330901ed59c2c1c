"""Interests and matches: a supplier's own businesses', or (``?lot=``) an officer's own lot's;
suppliers register and withdraw interest, officers shortlist and decline; other users' ids
are 404."""

import pytest

from matching.models import Interest
from tests.api.conftest import ROLES, client_for
from tests.matching.factories import InterestFactory, MatchFactory, matching_business, open_lot

pytestmark = pytest.mark.django_db
INTERESTS, MATCHES = "/api/v1/interests/", "/api/v1/matches/"

OWN_EXPECTED = {
    "anonymous": 401,
    "supplier": 1,
    "officer": 0,
    "other_officer": 0,
    "coordinator": 0,
}


@pytest.mark.parametrize("url", [INTERESTS, MATCHES])
@pytest.mark.parametrize("role", ROLES)
def test_lists_without_a_lot_hold_own_businesses_rows(world, as_role, role, url):
    response = as_role(role).get(url)
    expected = OWN_EXPECTED[role]
    if expected == 401:
        assert response.status_code == 401
    else:
        assert response.json()["count"] == expected


LOT_EXPECTED = {
    "anonymous": 401,
    "supplier": 404,
    "officer": 200,
    "other_officer": 404,
    "coordinator": 200,
}


@pytest.mark.parametrize("url", [INTERESTS, MATCHES])
@pytest.mark.parametrize("role", ROLES)
def test_lists_of_a_lot_are_for_its_officers_and_coordinators(world, as_role, role, url):
    response = as_role(role).get(url, {"lot": world.lot.pk})
    assert response.status_code == LOT_EXPECTED[role]
    if response.status_code == 200:
        row = response.json()["results"][0]
        assert row["business"]["name"] == "Small Kitchen Ltd"
        assert row["lot"]["contract"]["buyer"]["name"] == "Birmingham City Council"


def test_officer_sees_each_match_with_its_reasons(world):
    row = client_for(world.officer).get(MATCHES, {"lot": world.lot.pk}).json()["results"][0]
    assert row["reasons"] == ["Your sector Catering services covers this lot."]
    assert row["interest_status"] == "registered"


@pytest.mark.parametrize("url", [INTERESTS, MATCHES])
def test_lot_list_query_count_does_not_grow_with_rows(world, url, django_assert_num_queries):
    client = client_for(world.officer)
    client.get(url, {"lot": world.lot.pk})
    with django_assert_num_queries(6):  # roles (2), the lot and its codes, count, page
        client.get(url, {"lot": world.lot.pk})
    for _ in range(3):
        business = matching_business()
        InterestFactory(lot=world.lot, business=business)
        MatchFactory(lot=world.lot, business=business)
    with django_assert_num_queries(6):
        response = client.get(url, {"lot": world.lot.pk})
    assert response.json()["count"] == 4


@pytest.mark.parametrize("url", [INTERESTS, MATCHES])
def test_own_list_query_count_does_not_grow_with_rows(world, url, django_assert_num_queries):
    client = client_for(world.supplier)
    with django_assert_num_queries(2):  # count, page with lot, contract, buyer and business
        client.get(url)
    for _ in range(3):
        lot = open_lot(institution=world.institution)
        InterestFactory(lot=lot, business=world.business)
        MatchFactory(lot=lot, business=world.business)
    with django_assert_num_queries(2):
        response = client.get(url)
    assert response.json()["count"] == 4


@pytest.mark.parametrize("params", [{"lot": "one"}, {"lot": "0"}, {"business": "1"}])
def test_bad_list_parameters_are_400s(world, params):
    response = client_for(world.officer).get(INTERESTS, params)
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == list(params)


# Registering and withdrawing ---------------------------------------------------------------


def test_supplier_registers_interest_with_warnings(world):
    lot = open_lot(institution=world.institution)
    response = client_for(world.supplier).post(
        INTERESTS, {"lot": lot.pk, "note": "We cook for 300 a day."}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["lot"]["id"], body["note"]) == (
        "registered",
        lot.pk,
        "We cook for 300 a day.",
    )
    assert isinstance(body["warnings"], list)


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("officer", 403), ("coordinator", 403)],
)
def test_only_business_members_register_interest(world, as_role, role, status):
    lot = open_lot(institution=world.institution)
    response = as_role(role).post(INTERESTS, {"lot": lot.pk}, format="json")
    assert response.status_code == status
    assert not Interest.objects.filter(lot=lot).exists()


def test_interest_refusals_are_400s_in_the_shape(world):
    client = client_for(world.supplier)
    again = client.post(INTERESTS, {"lot": world.lot.pk}, format="json")
    assert again.status_code == 400
    assert (
        again.json()["message"] == "Small Kitchen Ltd has already registered interest in this lot."
    )
    draft_lot = world.draft.lots.get()
    missing = client.post(INTERESTS, {"lot": draft_lot.pk}, format="json")
    assert missing.json()["extra"]["fields"] == {"lot": ["There is no published lot with this id."]}
    other = matching_business()
    response = client.post(INTERESTS, {"lot": world.lot.pk, "business": other.pk}, format="json")
    assert response.json()["extra"]["fields"] == {
        "business": ["Choose one of your own businesses."]
    }


def test_a_reservation_refuses_interest_naming_the_rule(world):
    lot = open_lot(institution=world.institution, reservation_suppliers="vcse")
    response = client_for(world.supplier).post(INTERESTS, {"lot": lot.pk}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["extra"]["rule"] == "reservation"
    assert body["extra"]["fields"]["lot"] == [body["message"]]


WITHDRAW_EXPECTED = {
    "anonymous": 401,
    "supplier": 200,
    "officer": 404,
    "other_officer": 404,
    "coordinator": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_business_withdraws_its_interest(world, as_role, role):
    response = as_role(role).post(f"{INTERESTS}{world.interest.pk}/withdraw/")
    assert response.status_code == WITHDRAW_EXPECTED[role]
    world.interest.refresh_from_db()
    assert (world.interest.status == "withdrawn") is (role == "supplier")


DECIDE_EXPECTED = {
    "anonymous": 401,
    "supplier": 404,
    "officer": 200,
    "other_officer": 404,
    "coordinator": 403,
}


@pytest.mark.parametrize("decision", ["shortlist", "decline"])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_buying_officers_decide(world, as_role, role, decision):
    response = as_role(role).post(
        f"{INTERESTS}{world.interest.pk}/{decision}/", {"note": "Thanks."}, format="json"
    )
    assert response.status_code == DECIDE_EXPECTED[role]
    world.interest.refresh_from_db()
    decided = {"shortlist": "shortlisted", "decline": "declined"}[decision]
    assert (world.interest.status == decided) is (role == "officer")
    if role == "officer":
        assert response.json()["officer_note"] == "Thanks."


def test_a_withdrawn_interest_cannot_be_decided(world):
    client_for(world.supplier).post(f"{INTERESTS}{world.interest.pk}/withdraw/")
    response = client_for(world.officer).post(f"{INTERESTS}{world.interest.pk}/shortlist/")
    assert response.status_code == 400
    assert response.json()["message"].startswith("The business withdrew this interest")

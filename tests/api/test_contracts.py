"""Officers' contracts and lots: own institutions only (another's ids are 404), coordinators
read but never change (403), suppliers and strangers see nothing; the services' rules answer
as 400s in the error shape."""

import pytest

from anchors.models import Contract, Lot
from core.models import AuditEvent
from tests.api.conftest import ROLES, client_for

pytestmark = pytest.mark.django_db
LIST = "/api/v1/contracts/"


def detail(contract) -> str:
    return f"{LIST}{contract.pk}/"


# Reading -----------------------------------------------------------------------------------

LIST_EXPECTED = {
    "anonymous": (401, None),
    "supplier": (200, 0),
    "officer": (200, 2),
    "other_officer": (200, 0),
    "coordinator": (200, 2),
}


@pytest.mark.parametrize("role", ROLES)
def test_contract_list_holds_own_institutions_contracts_only(world, as_role, role):
    response = as_role(role).get(LIST)
    status, count = LIST_EXPECTED[role]
    assert response.status_code == status
    if count is not None:
        assert response.json()["count"] == count
    else:
        assert set(response.json()) == {"message", "extra"}


def test_anonymous_is_told_to_authenticate_with_a_token(world, client):
    response = client.get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "message": "Authentication credentials were not provided.",
        "extra": {},
    }


def test_contract_list_query_count_does_not_grow_with_rows(world, django_assert_num_queries):
    client = client_for(world.officer)
    client.get(LIST)  # warm up
    with django_assert_num_queries(4):  # roles (2), count, page with institution and lot counts
        first = client.get(LIST)
    for _ in range(3):
        world.draft.pk = None  # a copy of the draft
        world.draft.save()
    with django_assert_num_queries(4):
        second = client.get(LIST)
    assert (first.json()["count"], second.json()["count"]) == (2, 5)


RETRIEVE_EXPECTED = {
    "anonymous": 401,
    "supplier": 404,
    "officer": 200,
    "other_officer": 404,
    "coordinator": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_draft_contract_is_read_by_its_officers_and_coordinators_only(world, as_role, role):
    response = as_role(role).get(detail(world.draft))
    assert response.status_code == RETRIEVE_EXPECTED[role]
    if response.status_code == 404:
        assert response.json()["message"] == (
            "There is no contract with this id among your institutions' contracts."
        )


def test_draft_detail_lists_lots_and_what_stops_publication(world):
    body = client_for(world.officer).get(detail(world.draft)).json()
    assert body["status"] == "draft"
    assert [lot["value"] for lot in body["lots"]] == ["60000.00"]
    rules = {breach["field"] for breach in body["publish_breaches"]}
    assert {"no_lots_reason", "find_a_tender_ref"} <= rules


# Creating and changing -----------------------------------------------------------------------

NEW = {
    "title": "Office cleaning",
    "description": "Cleaning two offices in Small Heath, weekday evenings.",
    "estimated_value": "24000.00",
    "delivery_postcode": "b10 0aa",
    "cpv_codes": ["55520000"],
    "closes_at": "2030-03-31T12:00:00Z",
    "no_lots_reason": "Two small offices in one building: one cleaner is the sensible scope.",
}
CREATE_EXPECTED = {
    "anonymous": 401,
    "supplier": 403,
    "officer": 201,
    "other_officer": 201,
    "coordinator": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_officers_create_contracts(world, as_role, role):
    response = as_role(role).post(LIST, NEW, format="json")
    assert response.status_code == CREATE_EXPECTED[role]
    if response.status_code == 201:
        body = response.json()
        assert body["status"] == "draft"
        assert body["delivery_postcode"] == "B10 0AA"
        assert body["no_lots_reason"].startswith("Two small offices")
        assert len(body["lots"]) == 1
        assert body["publish_breaches"] == []


def test_create_with_every_detail_is_one_write_and_one_audit_event(world):
    body = {**NEW, "find_a_tender_ref": "2030/S 000-000001", "cross_border_interest": True}
    response = client_for(world.officer).post(LIST, body, format="json")
    assert response.status_code == 201
    assert (response.json()["find_a_tender_ref"], response.json()["cross_border_interest"]) == (
        "2030/S 000-000001",
        True,
    )
    contract = Contract.objects.get(pk=response.json()["id"])
    verbs = AuditEvent.objects.filter(target_id=str(contract.pk)).values_list("verb", flat=True)
    assert list(verbs) == ["contract.created"]


def test_an_officer_cannot_create_for_another_institution(world):
    body = {**NEW, "institution": world.other_institution.pk}
    response = client_for(world.officer).post(LIST, body, format="json")
    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "institution": ["Choose one of your own institutions."]
    }
    assert not Contract.objects.filter(title="Office cleaning").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"estimated_value": "a lot"}, "estimated_value"),
        ({"estimated_value": 0}, "estimated_value"),
        ({"delivery_postcode": "nowhere"}, "delivery_postcode"),
        ({"cpv_codes": ["99999999"]}, "cpv_codes"),
        ({"cpv_codes": "55520000"}, "cpv_codes"),
        ({"closes_at": "soon"}, "closes_at"),
        ({"starts_on": "2030-05-01", "ends_on": "2030-04-01"}, "__all__"),
        ({"title": ["a", "list"]}, "title"),
    ],
)
def test_bad_contract_values_are_400s_and_write_nothing(world, change, field):
    response = client_for(world.officer).post(LIST, {**NEW, **change}, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["extra"]["fields"]
    assert not Contract.objects.filter(title="Office cleaning").exists()


UPDATE_EXPECTED = {
    "anonymous": 401,
    "supplier": 404,
    "officer": 200,
    "other_officer": 404,
    "coordinator": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_own_officers_change_a_draft(world, as_role, role):
    response = as_role(role).patch(detail(world.draft), {"title": "Parks"}, format="json")
    assert response.status_code == UPDATE_EXPECTED[role]
    world.draft.refresh_from_db()
    assert (world.draft.title == "Parks") is (role == "officer")


def test_a_published_contract_cannot_be_changed_here(world):
    response = client_for(world.officer).patch(
        detail(world.lot.contract), {"title": "Parks"}, format="json"
    )
    assert response.status_code == 400
    assert "already published" in response.json()["extra"]["fields"]["non_field_errors"][0]


def test_an_empty_change_is_a_400(world):
    response = client_for(world.officer).patch(detail(world.draft), {}, format="json")
    assert response.status_code == 400


# Splitting, publishing, cancelling ------------------------------------------------------------


def split(world, plan, user=None):
    return client_for(user or world.officer).post(
        f"{detail(world.draft)}split/", plan, format="json"
    )


def test_split_even_replaces_the_lots(world):
    response = split(world, {"plan": "even", "count": 3})
    assert response.status_code == 200
    assert [lot["value"] for lot in response.json()["lots"]] == ["20000.00"] * 3


def test_split_by_value_cap_and_by_district(world):
    body = split(world, {"plan": "value_cap", "cap": "25000"}).json()
    assert len(body["lots"]) == 3
    body = split(world, {"plan": "districts", "districts": ["b9", "B10"]}).json()
    assert [lot["target_districts"] for lot in body["lots"]] == [["B9"], ["B10"]]


def test_split_by_explicit_lots_must_add_up(world):
    lots = [{"title": "North", "value": "10000"}, {"title": "South", "value": "20000"}]
    response = split(world, {"plan": "lots", "lots": lots})
    assert response.status_code == 400
    assert "add up to £30,000" in response.json()["extra"]["fields"]["non_field_errors"][0]
    assert world.draft.lots.count() == 1


def test_split_explicit_lots_with_districts(world):
    lots = [
        {"title": "North", "value": "40000", "target_districts": ["b9"]},
        {"title": "South", "value": "20000", "cpv_codes": ["55520000"]},
    ]
    body = split(world, {"plan": "lots", "lots": lots}).json()
    assert [lot["delivery_district"] for lot in body["lots"]] == ["B9", "B9"]
    assert body["lots"][0]["is_hyper_local"] is True


@pytest.mark.parametrize(
    ("plan", "field"),
    [
        ({"plan": "even"}, "count"),
        ({"plan": "even", "count": 1}, "count"),
        ({"plan": "even", "count": 10_000}, "count"),
        ({"plan": "value_cap", "cap": "0.01"}, "cap"),
        ({"plan": "districts", "districts": ["nowhere"]}, "districts.0"),
        ({"plan": "lots", "lots": [{"title": "A"}]}, "lots.0.value"),
        ({"plan": "slice"}, "plan"),
    ],
)
def test_bad_split_plans_are_400s(world, plan, field):
    response = split(world, plan)
    assert response.status_code == 400
    assert field in response.json()["extra"]["fields"]
    assert world.draft.lots.count() == 1


def test_a_cap_making_too_many_lots_is_refused_with_the_splitting_service_s_message(world):
    response = split(world, {"plan": "value_cap", "cap": "1000"})  # 60 lots of £60,000
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["cap"] == [
        "That would make more than 50 lots. Enter at least £1,200."
    ]
    assert world.draft.lots.count() == 1


def test_coordinator_cannot_split(world):
    response = split(world, {"plan": "even", "count": 2}, user=world.coordinator)
    assert response.status_code == 403
    assert response.json()["message"] == "Only officers of Birmingham City Council can do this."


def test_publish_refuses_with_every_breach_then_publishes(world):
    client = client_for(world.officer)
    refused = client.post(f"{detail(world.draft)}publish/")
    assert refused.status_code == 400
    assert {"no_lots_reason", "find_a_tender_ref"} <= set(refused.json()["extra"]["fields"])
    client.patch(detail(world.draft), {"find_a_tender_ref": "2026/S 000-123456"}, format="json")
    split(world, {"plan": "even", "count": 2})
    response = client.post(f"{detail(world.draft)}publish/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "open"
    assert AuditEvent.objects.filter(verb="contract.published").count() == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("supplier", 404), ("other_officer", 404), ("coordinator", 403)],
)
def test_others_cannot_publish_or_cancel(world, as_role, role, status):
    client = as_role(role)
    assert client.post(f"{detail(world.draft)}publish/").status_code == status
    cancel = client.post(f"{detail(world.draft)}cancel/", {"reason": "No"}, format="json")
    assert cancel.status_code == status
    world.draft.refresh_from_db()
    assert world.draft.cancelled_at is None


def test_cancel_needs_a_reason(world):
    client = client_for(world.officer)
    empty = client.post(f"{detail(world.draft)}cancel/", {"reason": ""}, format="json")
    assert empty.status_code == 400
    response = client.post(
        f"{detail(world.draft)}cancel/", {"reason": "Budget withdrawn."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


# Lots ---------------------------------------------------------------------------------------


def lot_url(lot) -> str:
    return f"/api/v1/lots/{lot.pk}/"


@pytest.mark.parametrize("role", ROLES)
def test_lots_are_read_by_own_officers_and_coordinators(world, as_role, role):
    response = as_role(role).get(lot_url(world.draft.lots.get()))
    assert response.status_code == RETRIEVE_EXPECTED[role]
    if response.status_code == 200:
        assert response.json()["contract"]["status"] == "draft"


def test_lot_reservation_and_target_area_are_set_together(world):
    lot = world.draft.lots.get()
    response = client_for(world.officer).patch(
        lot_url(lot),
        {
            "reservation_suppliers": "sme",
            "reservation_rationale": "Below threshold; local SMEs can deliver it.",
            "target_area": "east-birmingham",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["reservation_suppliers"], body["target_area"]["slug"]) == (
        "sme",
        "east-birmingham",
    )


def test_an_unlawful_reservation_is_refused_with_nothing_changed(world):
    lot = world.draft.lots.get()
    response = client_for(world.officer).patch(
        lot_url(lot),
        {"title": "Renamed", "reservation_location": "county", "reservation_rationale": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "reservation_location" in response.json()["extra"]["fields"]
    lot.refresh_from_db()
    assert (lot.title, lot.reservation_location) != ("Renamed", "county")
    assert lot.reservation_location == Lot.LocationReservation.NONE


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("supplier", 404), ("other_officer", 404), ("coordinator", 403)],
)
def test_others_cannot_change_a_lot(world, as_role, role, status):
    lot = world.draft.lots.get()
    response = as_role(role).patch(lot_url(lot), {"title": "Mine"}, format="json")
    assert response.status_code == status
    lot.refresh_from_db()
    assert lot.title != "Mine"

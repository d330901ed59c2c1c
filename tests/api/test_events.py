"""Events (public) and registrations (a supplier's own): list, register, cancel; drafts and
other businesses' registrations are 404."""

import pytest

from events.models import Registration
from tests.api.conftest import ROLES, client_for
from tests.events.factories import BuyerTableFactory, EventFactory, RegistrationFactory
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db
EVENTS, REGISTRATIONS = "/api/v1/events/", "/api/v1/registrations/"


@pytest.fixture
def event(world):
    event = EventFactory(title="Meet the Buyer: Small Heath")
    event.institutions.add(world.institution)
    BuyerTableFactory(event=event, institution=world.institution, name="Catering")
    return event


@pytest.mark.parametrize("role", ROLES)
def test_everyone_lists_published_events_only(world, event, as_role, role):
    EventFactory(draft=True)
    EventFactory(cancelled=True)
    body = as_role(role).get(EVENTS).json()
    assert [row["title"] for row in body["results"]] == ["Meet the Buyer: Small Heath"]
    row = body["results"][0]
    assert (row["status"], row["table_count"]) == ("open", 1)
    assert row["institutions"][0]["name"] == "Birmingham City Council"


def test_event_list_query_count_does_not_grow_with_rows(
    world, event, client, django_assert_num_queries
):
    with django_assert_num_queries(3):  # count, page with counts, institutions
        client.get(EVENTS)
    EventFactory.create_batch(3)
    with django_assert_num_queries(3):
        assert client.get(EVENTS).json()["count"] == 4


def test_event_detail_shows_tables_and_drafts_are_404(world, event, client):
    body = client.get(f"{EVENTS}{event.pk}/").json()
    assert [table["name"] for table in body["tables"]] == ["Catering"]
    draft = EventFactory(draft=True)
    assert client.get(f"{EVENTS}{draft.pk}/").status_code == 404


def test_supplier_registers_lists_and_cancels(world, event):
    client = client_for(world.supplier)
    table = event.tables.get()
    response = client.post(
        REGISTRATIONS,
        {
            "event": event.pk,
            "wanted_tables": [table.pk],
            "attendee_name": "Sam Trader",
            "attendee_email": "sam@example.org",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["wanted_tables"][0]["name"]) == ("confirmed", "Catering")
    assert client.get(REGISTRATIONS).json()["count"] == 1
    again = client.post(
        REGISTRATIONS,
        {"event": event.pk, "attendee_name": "Sam", "attendee_email": "sam@example.org"},
        format="json",
    )
    assert again.status_code == 400
    cancelled = client.post(f"{REGISTRATIONS}{body['id']}/cancel/")
    assert cancelled.json()["status"] == "cancelled"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"event": 10**9}, "event"),
        ({"attendee_email": "not-an-email"}, "attendee_email"),
        ({"wanted_tables": ["x"]}, "wanted_tables.0"),
        ({"business": 10**9}, "business"),
    ],
)
def test_bad_registrations_are_400s_and_write_nothing(world, event, change, field):
    body = {"event": event.pk, "attendee_name": "Sam", "attendee_email": "sam@example.org"}
    response = client_for(world.supplier).post(REGISTRATIONS, {**body, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["extra"]["fields"]
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("officer", 404), ("other_officer", 404), ("coordinator", 404)],
)
def test_others_cannot_see_or_cancel_a_registration(world, event, as_role, role, status):
    registration = RegistrationFactory(event=event, business=world.business)
    client = as_role(role)
    response = client.post(f"{REGISTRATIONS}{registration.pk}/cancel/")
    assert response.status_code == status
    if role != "anonymous":
        assert client.get(REGISTRATIONS).json()["count"] == 0
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_registration_list_query_count_does_not_grow(world, event, django_assert_num_queries):
    client = client_for(world.supplier)
    RegistrationFactory(event=event, business=world.business)
    with django_assert_num_queries(3):  # count, page with event and business, wanted tables
        client.get(REGISTRATIONS)
    other = BusinessFactory(owner=world.supplier)
    RegistrationFactory(event=EventFactory(), business=other)
    with django_assert_num_queries(3):
        assert client.get(REGISTRATIONS).json()["count"] == 2

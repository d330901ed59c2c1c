"""Events (public) and registrations (a supplier's own): list, register, read, change the
buyers wanted, cancel; drafts and other businesses' registrations are 404; closed, cancelled,
repeated and business-less registrations are refused with the reason."""

from datetime import timedelta

import pytest
from django.utils import timezone

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


def registration_body(event, **change):
    return {
        "event": event.pk,
        "attendee_name": "Sam Trader",
        "attendee_email": "sam@example.org",
        **change,
    }


@pytest.mark.parametrize(
    ("make_event", "message"),
    [
        (
            lambda: EventFactory(registration_deadline=timezone.now() - timedelta(hours=1)),
            "Registration for this event closed on",
        ),
        (lambda: EventFactory(cancelled=True), "This event has been cancelled."),
    ],
    ids=["after-the-deadline", "cancelled-event"],
)
def test_registering_when_registration_is_closed_says_why(world, make_event, message):
    event = make_event()
    response = client_for(world.supplier).post(
        REGISTRATIONS, registration_body(event), format="json"
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith(message)
    assert not Registration.objects.exists()


def test_registering_twice_says_the_business_is_registered(world, event):
    client = client_for(world.supplier)
    assert client.post(REGISTRATIONS, registration_body(event), format="json").status_code == 201
    again = client.post(REGISTRATIONS, registration_body(event), format="json")
    assert again.status_code == 400
    assert again.json() == {
        "message": "Your business is already registered for this event.",
        "extra": {},
    }
    assert Registration.objects.count() == 1


@pytest.mark.parametrize("role", ["officer", "coordinator"])
def test_a_user_without_a_business_is_told_to_create_one(world, event, as_role, role):
    response = as_role(role).post(REGISTRATIONS, registration_body(event), format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "Create your business profile before registering."
    assert not Registration.objects.exists()


def test_a_full_event_puts_the_business_on_the_waitlist(world, event):
    event.capacity = 1
    event.save(update_fields=["capacity"])
    RegistrationFactory(event=event)
    response = client_for(world.supplier).post(
        REGISTRATIONS, registration_body(event), format="json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"


def test_supplier_reads_and_changes_the_buyers_it_wants_to_meet(world, event):
    first = event.tables.get()
    second = BuyerTableFactory(event=event, institution=world.institution, name="Cleaning")
    registration = RegistrationFactory(event=event, business=world.business)
    registration.wanted_tables.set([first])
    client = client_for(world.supplier)
    url = f"{REGISTRATIONS}{registration.pk}/"

    body = client.get(url).json()
    assert (body["id"], [t["name"] for t in body["wanted_tables"]]) == (
        registration.pk,
        ["Catering"],
    )
    response = client.patch(url, {"wanted_tables": [second.pk, first.pk]}, format="json")
    assert response.status_code == 200, response.json()
    assert [t["name"] for t in response.json()["wanted_tables"]] == ["Catering", "Cleaning"]
    assert set(registration.wanted_tables.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert client.patch(url, {"wanted_tables": []}, format="json").json()["wanted_tables"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"wanted_tables": "all"}, "wanted_tables"),
        ({}, "wanted_tables"),
        ({"wanted_tables": [], "attendee_name": "Someone else"}, "attendee_name"),
    ],
)
def test_bad_changes_are_400s_naming_the_field(world, event, body, field):
    registration = RegistrationFactory(event=event, business=world.business)
    registration.wanted_tables.set([event.tables.get()])
    response = client_for(world.supplier).patch(
        f"{REGISTRATIONS}{registration.pk}/", body, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == [field]
    assert registration.wanted_tables.count() == 1


def test_another_events_table_is_refused(world, event):
    registration = RegistrationFactory(event=event, business=world.business)
    elsewhere = BuyerTableFactory(institution=world.institution)
    response = client_for(world.supplier).patch(
        f"{REGISTRATIONS}{registration.pk}/", {"wanted_tables": [elsewhere.pk]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "wanted_tables": ["Choose buyers from this event's tables."]
    }
    assert not registration.wanted_tables.exists()


def test_a_cancelled_registration_cannot_be_changed(world, event):
    registration = RegistrationFactory(event=event, business=world.business)
    client = client_for(world.supplier)
    client.post(f"{REGISTRATIONS}{registration.pk}/cancel/")
    response = client.patch(
        f"{REGISTRATIONS}{registration.pk}/", {"wanted_tables": []}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == (
        "This registration was cancelled, so it cannot be changed."
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("officer", 404), ("other_officer", 404), ("coordinator", 404)],
)
def test_others_cannot_read_or_change_a_registration(world, event, as_role, role, status):
    registration = RegistrationFactory(event=event, business=world.business)
    registration.wanted_tables.set([event.tables.get()])
    url = f"{REGISTRATIONS}{registration.pk}/"
    client = as_role(role)
    assert client.get(url).status_code == status
    assert client.patch(url, {"wanted_tables": []}, format="json").status_code == status
    assert registration.wanted_tables.count() == 1

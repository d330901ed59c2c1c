"""The public and business pages of Meet the Buyer events, per role: anonymous, a business
member, a member of another business, a coordinator and an officer; registering (confirmed or
waitlisted), the refusals, the RSVP link, a business's registrations and their downloads."""

import csv
import io
from datetime import timedelta
from types import SimpleNamespace

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Invitation, Registration
from events.services.invitations import invitation_token
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import ContractFactory, InstitutionFactory, officer_of
from tests.events.factories import (
    BuyerTableFactory,
    EventFactory,
    InvitationFactory,
    MeetingFactory,
    RegistrationFactory,
)
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """An open event with two buyer tables (one discussing a lot), a business member, a member
    of another business, a coordinator and an officer of the first table's institution."""
    council = InstitutionFactory(name="Birmingham City Council")
    trust = InstitutionFactory(name="East Birmingham NHS Trust")
    contract = ContractFactory(institution=council, title="School meals")
    lot = contract.lots.get()
    event = EventFactory(title="Meet the Buyer: catering", capacity=2)
    event.institutions.set([council, trust])
    catering = BuyerTableFactory(event=event, institution=council, number=1, name="Catering")
    catering.lots.set([lot])
    estates = BuyerTableFactory(event=event, institution=trust, number=2, name="Estates")
    member = UserFactory(full_name="Asha Patel", email="asha@saltley.example")
    business = BusinessFactory(name="Saltley Kitchen Ltd", owner=member)
    other_member = UserFactory()
    other = BusinessFactory(name="Bordesley Bakes Ltd", owner=other_member)
    return SimpleNamespace(
        event=event,
        catering=catering,
        estates=estates,
        lot=lot,
        council=council,
        member=member,
        business=business,
        other_member=other_member,
        other=other,
        coordinator=CoordinatorFactory(),
        officer=officer_of(council),
    )


def signed_in(client, user):
    if user is not None:
        client.force_login(user)
    return client


def register_data(world, **overrides):
    data = {
        "business": world.business.pk,
        "wanted_tables": [world.catering.pk],
        "attendee_name": "Asha Patel",
        "attendee_email": "asha@saltley.example",
        "accessibility_needs": "Step-free access",
    }
    data.update(overrides)
    return data


def error_summary(response) -> str:
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html, "no error summary on the page"
    start = html.index('class="govuk-error-summary"')
    return html[start : html.index("</div>", html.index("govuk-error-summary__body", start))]


# The list ---------------------------------------------------------------------------------


ROLES = ["anonymous", "member", "other_member", "coordinator", "officer"]


def user_for(world, role):
    return None if role == "anonymous" else getattr(world, role)


@pytest.mark.parametrize("role", ROLES)
def test_every_public_page_renders_for_every_role(client, world, role):
    signed_in(client, user_for(world, role))
    for url in (reverse("events:list"), reverse("events:detail", args=[world.event.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Meet the Buyer: catering" in response.content.decode()


def test_list_shows_upcoming_published_events_with_buyers_and_places(client, world):
    RegistrationFactory(event=world.event)
    EventFactory(title="Draft event", draft=True)
    EventFactory(title="Cancelled event", cancelled=True)
    past_start = timezone.now() - timedelta(days=10)
    EventFactory(
        title="Past event",
        starts_at=past_start,
        ends_at=past_start + timedelta(hours=3),
        registration_deadline=past_start - timedelta(days=1),
    )
    html = client.get(reverse("events:list")).content.decode()
    assert "Meet the Buyer: catering" in html
    assert "Birmingham City Council, East Birmingham NHS Trust" in html
    assert "1 place left" in html
    assert "Bordesley Green community hall" in html
    for hidden in ("Draft event", "Cancelled event", "Past event"):
        assert hidden not in html


def test_list_says_waitlist_only_when_the_event_is_full(client, world):
    RegistrationFactory.create_batch(2, event=world.event)
    html = client.get(reverse("events:list")).content.decode()
    assert "Waitlist only" in html


def test_list_has_an_empty_state(client):
    html = client.get(reverse("events:list")).content.decode()
    assert "No upcoming events" in html


def test_list_is_paginated(client):
    EventFactory.create_batch(12)
    first = client.get(reverse("events:list")).content.decode()
    second = client.get(reverse("events:list"), {"page": 2}).content.decode()
    assert first.count('class="govuk-heading-s govuk-!-margin-bottom-1"') == 10
    assert second.count('class="govuk-heading-s govuk-!-margin-bottom-1"') == 2
    assert 'aria-label="Pages of events"' in first


def test_list_links_coordinators_to_the_manage_pages(client, world):
    manage = reverse("events:manage_list")
    assert manage == "/events/manage/"
    assert (
        manage not in signed_in(client, world.member).get(reverse("events:list")).content.decode()
    )
    client.logout()
    html = signed_in(client, world.coordinator).get(reverse("events:list")).content.decode()
    assert f'href="{manage}"' in html


def test_list_query_count_does_not_grow_with_events(client, world, django_assert_num_queries):
    for _ in range(5):
        event = EventFactory()
        event.institutions.set([world.council])
        RegistrationFactory(event=event)
    with django_assert_num_queries(3):  # count, events, their institutions
        response = client.get(reverse("events:list"))
    assert response.status_code == 200


# The event page ---------------------------------------------------------------------------


def test_detail_shows_when_where_buyers_and_the_lots_they_will_discuss(client, world):
    html = client.get(reverse("events:detail", args=[world.event.pk])).content.decode()
    assert "Bordesley Green community hall" in html
    assert "B9 4AA" in html
    assert "Catering" in html and "Estates" in html
    assert "East Birmingham NHS Trust" in html
    assert f'href="{reverse("opportunities:detail", args=[world.lot.pk])}"' in html
    assert "2 of 2" in html  # places left of capacity
    assert "Registration closes" in html


def test_detail_of_an_online_event_says_online(client):
    event = EventFactory(
        venue_name="", venue_address="", venue_postcode="", online_url="https://meet.example/x"
    )
    html = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "Online" in html
    assert "https://meet.example/x" not in html  # the link is for registered businesses


def test_detail_asks_anonymous_visitors_to_sign_in_or_create_an_account(client, world):
    html = client.get(reverse("events:detail", args=[world.event.pk])).content.decode()
    register = reverse("events:register", args=[world.event.pk])
    assert f"/accounts/login/?next={register.replace('/', '%2F')}" in html
    assert f"/accounts/signup/?next={register.replace('/', '%2F')}" in html


def test_detail_offers_a_business_member_the_register_button(client, world):
    html = (
        signed_in(client, world.member)
        .get(reverse("events:detail", args=[world.event.pk]))
        .content.decode()
    )
    assert f'href="{reverse("events:register", args=[world.event.pk])}"' in html
    assert ">Register</a>" in html


def test_detail_shows_a_registered_business_its_registration(client, world):
    registration = RegistrationFactory(event=world.event, business=world.business)
    html = (
        signed_in(client, world.member)
        .get(reverse("events:detail", args=[world.event.pk]))
        .content.decode()
    )
    assert reverse("events:registration", args=[registration.pk]) in html
    assert ">Register</a>" not in html
    assert "Confirmed" in html


@pytest.mark.parametrize("role", ["officer", "coordinator"])
def test_detail_tells_users_without_a_business_to_add_one(client, world, role):
    html = (
        signed_in(client, getattr(world, role))
        .get(reverse("events:detail", args=[world.event.pk]))
        .content.decode()
    )
    assert reverse("suppliers:profile") in html
    assert ">Register</a>" not in html


def test_detail_of_a_cancelled_event_says_so_and_offers_no_registration(client, world):
    event = EventFactory(cancelled=True, cancel_reason="The venue flooded.")
    response = signed_in(client, world.member).get(reverse("events:detail", args=[event.pk]))
    html = response.content.decode()
    assert response.status_code == 200  # emails link to it
    assert "This event has been cancelled. The venue flooded." in html
    assert ">Register</a>" not in html


def test_detail_of_an_event_whose_registration_closed_says_so(client, world):
    world.event.registration_closed_at = timezone.now()
    world.event.save()
    html = (
        signed_in(client, world.member)
        .get(reverse("events:detail", args=[world.event.pk]))
        .content.decode()
    )
    assert "Registration for this event has closed." in html
    assert ">Register</a>" not in html


def test_draft_and_missing_events_are_404(client, world):
    draft = EventFactory(draft=True)
    assert client.get(reverse("events:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("events:detail", args=[999999])).status_code == 404


# Registering ------------------------------------------------------------------------------


def test_register_needs_an_account(client, world):
    url = reverse("events:register", args=[world.event.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["officer", "coordinator"])
def test_register_without_a_business_explains_to_create_a_profile_first(client, world, role):
    response = signed_in(client, getattr(world, role)).post(
        reverse("events:register", args=[world.event.pk]), register_data(world)
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Add your business first" in html
    assert reverse("suppliers:profile") in html
    assert not Registration.objects.exists()


def test_register_form_prefills_the_attendee_and_lists_tables_with_their_lots(client, world):
    html = (
        signed_in(client, world.member)
        .get(reverse("events:register", args=[world.event.pk]))
        .content.decode()
    )
    assert 'value="Asha Patel"' in html
    assert 'value="asha@saltley.example"' in html
    assert "Catering (Birmingham City Council)" in html
    assert f"To discuss: {world.lot.title}" in html
    assert "2 places left" in html


def test_register_confirms_a_place_while_there_is_room(client, world):
    response = signed_in(client, world.member).post(
        reverse("events:register", args=[world.event.pk]), register_data(world)
    )
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:registration", args=[registration.pk])
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.business == world.business
    assert list(registration.wanted_tables.all()) == [world.catering]
    assert registration.accessibility_needs == "Step-free access"
    page = client.get(response["Location"]).content.decode()
    assert "Saltley Kitchen Ltd is registered for Meet the Buyer: catering" in page


def test_register_joins_the_waitlist_when_the_event_is_full(client, world):
    RegistrationFactory.create_batch(2, event=world.event)
    url = reverse("events:register", args=[world.event.pk])
    form = signed_in(client, world.member).get(url).content.decode()
    assert "The event is full" in form
    response = client.post(url, register_data(world))
    registration = Registration.objects.get(business=world.business)
    assert registration.status == Registration.Status.WAITLISTED
    page = client.get(response["Location"]).content.decode()
    assert "is on the waitlist" in page
    assert "On the waitlist" in page


def test_register_refuses_after_the_deadline(client, world):
    world.event.registration_deadline = timezone.now() - timedelta(hours=1)
    world.event.save()
    response = signed_in(client, world.member).post(
        reverse("events:register", args=[world.event.pk]), register_data(world)
    )
    assert response.status_code == 200
    assert "Registration for this event closed on" in error_summary(response)
    assert response.content.decode().count("<title>Error: ") == 1
    assert not Registration.objects.exists()


def test_register_refuses_a_cancelled_event(client, world):
    world.event.cancelled_at = timezone.now()
    world.event.save()
    response = signed_in(client, world.member).post(
        reverse("events:register", args=[world.event.pk]), register_data(world)
    )
    assert "This event has been cancelled." in error_summary(response)
    assert not Registration.objects.exists()


def test_register_refuses_a_business_already_registered(client, world):
    RegistrationFactory(event=world.event, business=world.business)
    response = signed_in(client, world.member).post(
        reverse("events:register", args=[world.event.pk]), register_data(world)
    )
    assert "already registered for this event" in error_summary(response)
    assert Registration.objects.count() == 1


def test_register_says_what_is_missing_and_writes_nothing(client, world):
    response = signed_in(client, world.member).post(
        reverse("events:register", args=[world.event.pk]),
        register_data(world, attendee_name="", attendee_email="not-an-email"),
    )
    summary = error_summary(response)
    assert "Enter the name of the person coming to the event." in summary
    assert "Enter an email address in the correct format" in summary
    assert 'href="#id_attendee_name"' in summary
    assert not Registration.objects.exists()


def test_register_refuses_another_events_table_and_another_business(client, world):
    elsewhere = BuyerTableFactory()
    response = signed_in(client, world.member).post(
        reverse("events:register", args=[world.event.pk]),
        register_data(world, wanted_tables=[elsewhere.pk]),
    )
    assert "Choose buyers from this event" in error_summary(response)
    response = client.post(
        reverse("events:register", args=[world.event.pk]),
        register_data(world, business=world.other.pk),
    )
    assert "Choose one of your businesses." in error_summary(response)
    assert not Registration.objects.exists()


def test_a_member_of_several_businesses_chooses_which_registers(client, world):
    second = BusinessFactory(name="Saltley Cleaning CIC", owner=world.member)
    url = reverse("events:register", args=[world.event.pk])
    html = signed_in(client, world.member).get(url).content.decode()
    assert "Which business is registering?" in html
    client.post(url, register_data(world, business=second.pk))
    assert Registration.objects.get().business == second


# RSVP -------------------------------------------------------------------------------------


def test_rsvp_link_shows_the_event_with_register_and_decline(client, world):
    invitation = InvitationFactory(
        event=world.event, business=world.business, status=Invitation.Status.INVITED
    )
    response = client.get(reverse("events:rsvp", args=[invitation_token(invitation)]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Invitation for Saltley Kitchen Ltd" in html
    assert reverse("events:register", args=[world.event.pk]) in html
    assert ">Decline</button>" in html


def test_rsvp_decline_records_the_answer(client, world):
    invitation = InvitationFactory(
        event=world.event, business=world.business, status=Invitation.Status.INVITED
    )
    url = reverse("events:rsvp", args=[invitation_token(invitation)])
    response = client.post(url)
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    html = client.get(url).content.decode()
    assert "You have declined the invitation" in html
    assert ">Decline</button>" not in html


def test_registering_after_an_invitation_marks_it_registered(client, world):
    invitation = InvitationFactory(
        event=world.event, business=world.business, status=Invitation.Status.INVITED
    )
    signed_in(client, world.member).post(
        reverse("events:register", args=[world.event.pk]), register_data(world)
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REGISTERED


@pytest.mark.parametrize("token", ["nonsense", "abc:def:ghi"])
def test_rsvp_with_a_bad_token_is_a_friendly_404(client, token):
    response = client.get(reverse("events:rsvp", args=[token]))
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()
    assert client.post(reverse("events:rsvp", args=[token])).status_code == 404


def test_rsvp_link_of_a_deleted_invitation_is_a_friendly_404(client, world):
    invitation = InvitationFactory(event=world.event, business=world.business)
    token = invitation_token(invitation)
    invitation.delete()
    response = client.get(reverse("events:rsvp", args=[token]))
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()


def test_rsvp_decline_after_registering_explains_to_cancel_instead(client, world):
    invitation = InvitationFactory(
        event=world.event, business=world.business, status=Invitation.Status.REGISTERED
    )
    url = reverse("events:rsvp", args=[invitation_token(invitation)])
    html = client.get(url).content.decode()
    assert "Saltley Kitchen Ltd has registered for this event" in html
    assert ">Decline</button>" not in html
    html = client.post(url, follow=True).content.decode()
    assert "cancel the registration instead" in html
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REGISTERED


def test_rsvp_link_of_a_cancelled_event_says_so(client, world):
    invitation = InvitationFactory(event=world.event, business=world.business)
    world.event.cancelled_at = timezone.now()
    world.event.save()
    html = client.get(reverse("events:rsvp", args=[invitation_token(invitation)])).content.decode()
    assert "This event has been cancelled." in html
    assert ">Decline</button>" not in html


# A business's registrations ---------------------------------------------------------------


def test_mine_lists_upcoming_and_past_registrations(client, world):
    RegistrationFactory(event=world.event, business=world.business)
    start = timezone.now() - timedelta(days=30)
    past = EventFactory(
        title="Last year's event",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        registration_deadline=start - timedelta(days=2),
    )
    RegistrationFactory(event=past, business=world.business)
    RegistrationFactory(event=world.event, business=world.other)
    html = signed_in(client, world.member).get(reverse("events:mine")).content.decode()
    assert html.index("Upcoming events") < html.index("Meet the Buyer: catering")
    assert html.index("Past events") < html.index("Last year")
    assert "Bordesley Bakes" not in html


def test_mine_without_a_business_says_to_create_one(client, world):
    html = signed_in(client, world.officer).get(reverse("events:mine")).content.decode()
    assert reverse("suppliers:profile") in html


def test_registration_page_shows_the_waitlist_position(client, world):
    RegistrationFactory.create_batch(2, event=world.event)
    RegistrationFactory(event=world.event, status=Registration.Status.WAITLISTED)
    mine = RegistrationFactory(
        event=world.event, business=world.business, status=Registration.Status.WAITLISTED
    )
    html = (
        signed_in(client, world.member)
        .get(reverse("events:registration", args=[mine.pk]))
        .content.decode()
    )
    assert "On the waitlist" in html
    assert "You are number 2 on the waitlist" in html


def test_registration_page_shows_the_meetings_once_the_schedule_is_generated(client, world):
    registration = RegistrationFactory(event=world.event, business=world.business)
    registration.wanted_tables.set([world.catering])
    MeetingFactory(registration=registration, table=world.catering, slot=1)
    url = reverse("events:registration", args=[registration.pk])
    before = signed_in(client, world.member).get(url).content.decode()
    assert "We will send your 1:1 meeting times" in before
    world.event.schedule_generated_at = timezone.now()
    world.event.save()
    html = client.get(url).content.decode()
    assert "Your meetings" in html
    assert "09:15 to 09:30" in html
    assert "Birmingham City Council" in html
    assert reverse("events:registration_schedule", args=[registration.pk]) in html
    assert reverse("events:registration_schedule_csv", args=[registration.pk]) in html
    assert reverse("events:registration_ics", args=[registration.pk]) in html


def test_a_business_changes_the_buyers_it_wants_to_meet(client, world):
    registration = RegistrationFactory(event=world.event, business=world.business)
    url = reverse("events:registration_choices", args=[registration.pk])
    form = signed_in(client, world.member).get(url)
    assert form.status_code == 200
    response = client.post(url, {"wanted_tables": [world.estates.pk]})
    assert response.status_code == 302
    assert list(registration.wanted_tables.all()) == [world.estates]


def test_a_business_cancels_after_confirming(client, world):
    registration = RegistrationFactory(event=world.event, business=world.business)
    waiting = RegistrationFactory(event=world.event, status=Registration.Status.WAITLISTED)
    RegistrationFactory(event=world.event)
    url = reverse("events:registration_cancel", args=[registration.pk])
    confirm = signed_in(client, world.member).get(url).content.decode()
    assert "Are you sure you want to cancel your place" in confirm
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED  # a GET changes nothing
    response = client.post(url)
    assert response.status_code == 302
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.CONFIRMED
    html = client.get(response["Location"]).content.decode()
    assert "You have cancelled Saltley Kitchen Ltd" in html


def test_cancelling_twice_is_explained(client, world):
    registration = RegistrationFactory(
        event=world.event,
        business=world.business,
        status=Registration.Status.CANCELLED,
        cancelled_at=timezone.now(),
    )
    response = signed_in(client, world.member).post(
        reverse("events:registration_cancel", args=[registration.pk])
    )
    assert "already cancelled" in error_summary(response)


REGISTRATION_PAGES = [
    "events:registration",
    "events:registration_choices",
    "events:registration_cancel",
    "events:registration_ics",
    "events:registration_schedule",
    "events:registration_schedule_csv",
]


@pytest.mark.parametrize("name", REGISTRATION_PAGES)
@pytest.mark.parametrize("role", ["other_member", "officer"])
def test_another_users_registration_is_404(client, world, name, role):
    registration = RegistrationFactory(event=world.event, business=world.business)
    signed_in(client, getattr(world, role))
    assert client.get(reverse(name, args=[registration.pk])).status_code == 404
    assert client.post(reverse(name, args=[registration.pk])).status_code in (404, 405)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


@pytest.mark.parametrize("name", REGISTRATION_PAGES)
def test_registration_pages_need_an_account(client, world, name):
    registration = RegistrationFactory(event=world.event, business=world.business)
    response = client.get(reverse(name, args=[registration.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", REGISTRATION_PAGES)
def test_every_registration_page_renders_for_its_business(client, world, name):
    registration = RegistrationFactory(event=world.event, business=world.business)
    assert (
        signed_in(client, world.member).get(reverse(name, args=[registration.pk])).status_code
        == 200
    )


# Downloads --------------------------------------------------------------------------------


@pytest.fixture
def scheduled(world):
    registration = RegistrationFactory(event=world.event, business=world.business)
    MeetingFactory(registration=registration, table=world.catering, slot=0)
    MeetingFactory(registration=registration, table=world.estates, slot=2)
    world.event.schedule_generated_at = timezone.now()
    world.event.save()
    return registration


def test_calendar_download_is_an_ics_file_with_the_event(client, world, scheduled):
    response = signed_in(client, world.member).get(
        reverse("events:registration_ics", args=[scheduled.pk])
    )
    assert response["Content-Type"].startswith("text/calendar")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert (
        f'filename="locallots-event-{world.event.pk}-saltley-kitchen-ltd-calendar.ics"'
        in disposition
    )
    calendar = icalendar.Calendar.from_ical(response.content)
    summaries = [str(component["SUMMARY"]) for component in calendar.walk("VEVENT")]
    assert any("Meet the Buyer: catering" in summary for summary in summaries)


def test_schedule_csv_lists_the_meetings(client, world, scheduled):
    response = signed_in(client, world.member).get(
        reverse("events:registration_schedule_csv", args=[scheduled.pk])
    )
    assert response["Content-Type"].startswith("text/csv")
    assert (
        f'filename="locallots-event-{world.event.pk}-saltley-kitchen-ltd-schedule.csv"'
        in response["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3  # a header and two meetings
    assert "Catering" in ",".join(rows[1])
    assert "Estates" in ",".join(rows[2])


def test_printable_schedule_lists_the_meetings(client, world, scheduled):
    response = signed_in(client, world.member).get(
        reverse("events:registration_schedule", args=[scheduled.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Saltley Kitchen Ltd" in html
    assert "Catering" in html and "Estates" in html

"""The coordinator's Meet the Buyer pages through the test client, per role: a coordinator runs
everything; an officer of a participating institution reads only its tables' schedules; a
business member and anyone else signed in get 403; visitors are sent to sign in. Each action
calls its service and says what happened; refusals land in the page's error summary."""

import csv
import io
import re
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import OutboundEmail
from events.models import BuyerTable, Event, Invitation, Meeting, Registration
from places.areas import EAST_BIRMINGHAM_SLUG
from places.models import NamedArea
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory, officer_of
from tests.events.factories import (
    BuyerTableFactory,
    EventFactory,
    InvitationFactory,
    MeetingFactory,
    RegistrationFactory,
)
from tests.matching.factories import MatchFactory, matching_business, open_lot
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world():
    """An open event with two tables (the council's discusses a lot), a confirmed business with
    a meeting, one on the waitlist, an invitation not sent yet; and a user for every role."""
    council = InstitutionFactory(name="Birmingham City Council")
    trust = InstitutionFactory(name="East Birmingham NHS Trust")
    lot = open_lot(institution=council)
    event = EventFactory(title="Meet the Buyer: catering", capacity=1)
    event.institutions.set([council, trust])
    catering = BuyerTableFactory(event=event, institution=council, number=1, name="Catering")
    catering.lots.set([lot])
    estates = BuyerTableFactory(event=event, institution=trust, number=2, name="Estates")
    member = UserFactory()
    kitchen = BusinessFactory(name="Saltley Kitchen Ltd", owner=member)
    confirmed = RegistrationFactory(event=event, business=kitchen, attendee_name="Asha Patel")
    confirmed.wanted_tables.set([catering])
    waiting = RegistrationFactory(
        event=event,
        business=BusinessFactory(name="Bordesley Bakes Ltd", owner=UserFactory()),
        status=Registration.Status.WAITLISTED,
        attendee_name="Ben Okafor",
    )
    meeting = MeetingFactory(registration=confirmed, table=catering, slot=0)
    invitation = InvitationFactory(
        event=event,
        business=BusinessFactory(
            name="Alum Rock Cleaning CIC", legal_form="cic", owner=UserFactory()
        ),
        rank=1,
        reasons=["Matches 1 open lot from Birmingham City Council"],
    )
    return SimpleNamespace(
        event=event,
        council=council,
        trust=trust,
        lot=lot,
        catering=catering,
        estates=estates,
        member=member,
        kitchen=kitchen,
        confirmed=confirmed,
        waiting=waiting,
        meeting=meeting,
        invitation=invitation,
        coordinator=CoordinatorFactory(email_verified_at=timezone.now()),
        officer=officer_of(council),
        trust_officer=officer_of(trust),
    )


def url(name: str, *args) -> str:
    return reverse(f"events:{name}", args=args)


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def coordinator(client, world):
    return signed_in(client, world.coordinator)


def html(response) -> str:
    return response.content.decode()


def followed_message(response) -> str:
    """The text of the first notification banner on the page a redirect led to."""
    found = re.search(r'notification-banner__heading">([^<]+)<', html(response))
    return found.group(1) if found else ""


def error_summary(response) -> list[str]:
    block = re.search(r'govuk-error-summary__list">(.*?)</ul>', html(response), re.S)
    return (
        [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", block[1], re.S)]
        if block
        else []
    )


def local(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def event_data(**overrides) -> dict:
    data = {
        "title": "Meet the Buyer: estates and cleaning",
        "description": "Meet the buyers of cleaning and estates services.",
        "starts_at": local(40, 9).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": local(40, 13).strftime("%Y-%m-%dT%H:%M"),
        "venue_name": "Saltley Gate",
        "venue_address": "",
        "venue_postcode": "B8 1AA",
        "online_url": "",
        "capacity": "25",
        "registration_deadline": local(35, 17).strftime("%Y-%m-%dT%H:%M"),
        "first_slot_at": "",
        "slot_minutes": "15",
        "slot_count": "12",
        "max_meetings_per_business": "3",
        "target_area": str(NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG).pk),
    }
    return {**data, **overrides}


# --- The URL names are the contract with the browser journey --------------------------------


def test_manage_urls_live_under_events_manage():
    assert url("manage_list") == "/events/manage/"
    assert url("manage_create") == "/events/manage/new/"
    assert url("manage_detail", 7) == "/events/manage/7/"
    assert url("manage_invitations_csv", 7) == "/events/manage/7/invitations.csv"
    assert url("manage_attendees_xlsx", 7) == "/events/manage/7/attendees.xlsx"
    assert url("manage_table_schedule", 7, 3) == "/events/manage/7/tables/3/schedule/"
    assert url("manage_checkin", 7) == "/events/manage/7/check-in/"


# --- Who may see what -----------------------------------------------------------------------


def coordinator_pages(w) -> list[str]:
    e = w.event.pk
    return [
        url("manage_list"),
        url("manage_create"),
        url("manage_detail", e),
        url("manage_edit", e),
        url("manage_cancel", e),
        url("manage_tables", e),
        url("manage_table_add", e),
        url("manage_table_edit", e, w.catering.pk),
        url("manage_invitations", e),
        url("manage_invitation_add", e),
        url("manage_invitations_csv", e),
        url("manage_registrations", e),
        url("manage_registration_cancel", e, w.confirmed.pk),
        url("manage_attendees_csv", e),
        url("manage_attendees_xlsx", e),
        url("manage_schedule", e),
        url("manage_meeting_move", e, w.meeting.pk),
        url("manage_checkin", e),
        url("manage_outcomes", e),
    ]


def coordinator_actions(w) -> list[str]:
    e = w.event.pk
    return [
        url("manage_publish", e),
        url("manage_close_registration", e),
        url("manage_table_remove", e, w.estates.pk),
        url("manage_invitations_generate", e),
        url("manage_invitation_remove", e, w.invitation.pk),
        url("manage_invitations_send", e),
        url("manage_schedule_generate", e),
        url("manage_schedule_send", e),
        url("manage_meeting_pin", e, w.meeting.pk),
        url("manage_meeting_unpin", e, w.meeting.pk),
        url("manage_meeting_remove", e, w.meeting.pk),
        url("manage_attendance", e, w.confirmed.pk),
    ]


def table_schedule_pages(w) -> list[str]:
    e, t = w.event.pk, w.catering.pk
    return [url("manage_table_schedule", e, t), url("manage_table_schedule_csv", e, t)]


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for page in coordinator_pages(world) + table_schedule_pages(world):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == f"{reverse('accounts:login')}?next={page}"
    for action in coordinator_actions(world):
        assert client.post(action).status_code == 302, action


@pytest.mark.parametrize("role", ["officer", "member", "nobody"])
def test_signed_in_non_coordinators_are_refused_every_page_and_action(client, world, role):
    user = {"officer": world.officer, "member": world.member, "nobody": UserFactory()}[role]
    signed_in(client, user)

    for page in coordinator_pages(world):
        response = client.get(page)
        assert response.status_code == 403, page
        assert "Saltley Kitchen" not in html(response)
    for action in coordinator_actions(world):
        assert client.post(action, {"action": "attended", "reason": "x"}).status_code == 403
    world.event.refresh_from_db()
    assert world.event.registration_closed_at is None
    assert Meeting.objects.filter(pk=world.meeting.pk).exists()
    assert Registration.objects.get(pk=world.confirmed.pk).attendance == "unknown"


def test_an_officer_reads_their_own_tables_schedule_only(client, world):
    signed_in(client, world.officer)
    own = client.get(url("manage_table_schedule", world.event.pk, world.catering.pk))
    other = client.get(url("manage_table_schedule", world.event.pk, world.estates.pk))
    own_csv = client.get(url("manage_table_schedule_csv", world.event.pk, world.catering.pk))

    assert own.status_code == 200
    assert "Saltley Kitchen Ltd" in html(own)
    assert own_csv.status_code == 200
    assert other.status_code == 403
    signed_in(client, world.trust_officer)
    assert (
        client.get(url("manage_table_schedule", world.event.pk, world.estates.pk)).status_code
        == 200
    )


def test_business_members_cannot_read_table_schedules(client, world):
    signed_in(client, world.member)
    for page in table_schedule_pages(world):
        assert client.get(page).status_code == 403


def test_a_table_of_another_event_is_not_found(coordinator, world):
    other = BuyerTableFactory()
    assert (
        coordinator.get(url("manage_table_schedule", world.event.pk, other.pk)).status_code == 404
    )
    assert coordinator.get(url("manage_table_edit", world.event.pk, other.pk)).status_code == 404
    assert coordinator.get(url("manage_detail", 999999)).status_code == 404


def test_every_page_renders_for_a_coordinator_with_one_heading(coordinator, world):
    for page in coordinator_pages(world):
        if page.endswith((".csv", ".xlsx")):
            continue
        response = coordinator.get(page)
        assert response.status_code == 200, page
        assert html(response).count("<h1") == 1, page
    for page in table_schedule_pages(world)[:1]:
        assert coordinator.get(page).status_code == 200


def test_pages_refuse_the_wrong_method(coordinator, world):
    assert coordinator.post(url("manage_list")).status_code == 405
    assert coordinator.get(url("manage_publish", world.event.pk)).status_code == 405
    assert (
        coordinator.get(url("manage_attendance", world.event.pk, world.confirmed.pk)).status_code
        == 405
    )


# --- Events: list, create, edit, overview, lifecycle -----------------------------------------


def test_the_list_shows_status_date_places_and_waitlist(coordinator, world):
    draft = EventFactory(title="Planning meeting", draft=True)

    page = html(coordinator.get(url("manage_list")))

    assert 'id="create-event"' in page and url("manage_create") in page
    row = re.search(r"Meet the Buyer: catering</a></td>(.*?)</tr>", page, re.S)[1]
    assert "Open for registration" in row
    assert "1 of 1" in row
    assert re.search(r">1</td>\s*$", row.strip())  # one waiting
    assert url("manage_detail", draft.pk) in page
    assert "Draft" in page


def test_the_list_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    signed_in(client, CoordinatorFactory(email_verified_at=timezone.now()))
    for _ in range(2):
        RegistrationFactory(event=EventFactory())
    client.get(url("manage_list"))  # warm the session

    # session, user, count, events with their counts; the navigation's roles (2)
    with django_assert_num_queries(6):
        client.get(url("manage_list"))
    for _ in range(4):
        event = EventFactory()
        RegistrationFactory(event=event)
        RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    with django_assert_num_queries(6):
        assert client.get(url("manage_list")).status_code == 200


def test_creating_an_event_makes_a_draft_and_goes_to_its_overview(coordinator, world):
    response = coordinator.post(
        url("manage_create"),
        event_data(institutions=[str(world.council.pk)], lots=[str(world.lot.pk)]),
        follow=True,
    )

    event = Event.objects.get(title="Meet the Buyer: estates and cleaning")
    assert response.redirect_chain[-1][0] == url("manage_detail", event.pk)
    assert event.status == Event.Status.DRAFT
    assert event.created_by == world.coordinator
    assert list(event.institutions.all()) == [world.council]
    assert list(event.lots.all()) == [world.lot]
    assert event.target_area.slug == EAST_BIRMINGHAM_SLUG
    assert followed_message(response).startswith("You have created “Meet the Buyer: estates")


def test_creating_an_event_with_mistakes_shows_them_and_saves_nothing(coordinator, world):
    response = coordinator.post(url("manage_create"), event_data(title="", capacity="lots"))

    assert response.status_code == 200
    assert "<title>Error: Create an event" in html(response)
    assert error_summary(response) == [
        "Enter a title for the event.",
        "Enter the number of businesses that can attend as a whole number, like 10.",
    ]
    assert '<a href="#id_title">' in html(response)
    assert not Event.objects.filter(description__startswith="Meet the buyers of cleaning").exists()


def test_the_services_refusal_is_shown_next_to_its_field(coordinator, world):
    response = coordinator.post(url("manage_create"), event_data(slot_count="40"))

    assert response.status_code == 200
    [message] = error_summary(response)
    assert message.startswith("40 slots of 15 minutes would run until")
    assert '<a href="#id_slot_count">' in html(response)


def test_editing_an_event_saves_the_changes(coordinator, world):
    page = html(coordinator.get(url("manage_edit", world.event.pk)))
    assert 'value="Meet the Buyer: catering"' in page

    response = coordinator.post(
        url("manage_edit", world.event.pk),
        event_data(title="Meet the Buyer: catering (new date)", capacity="3"),
        follow=True,
    )

    world.event.refresh_from_db()
    assert world.event.title == "Meet the Buyer: catering (new date)"
    assert world.event.capacity == 3
    assert followed_message(response) == "Event details saved."
    world.waiting.refresh_from_db()
    assert world.waiting.status == Registration.Status.CONFIRMED  # a new place went to it


def test_the_overview_shows_key_facts_next_steps_and_every_link(coordinator, world):
    page = html(coordinator.get(url("manage_detail", world.event.pk)))
    e = world.event.pk

    assert "Open for registration" in page
    assert "1 of 1" in page  # places taken
    assert 'id="close-registration"' in page
    assert 'id="publish-event"' not in page
    for name in (
        "manage_edit",
        "manage_cancel",
        "manage_tables",
        "manage_invitations",
        "manage_registrations",
        "manage_schedule",
        "manage_checkin",
        "manage_outcomes",
        "manage_attendees_csv",
        "manage_attendees_xlsx",
        "manage_invitations_csv",
    ):
        assert f'href="{url(name, e)}"' in page, name
    for table in (world.catering, world.estates):
        assert url("manage_table_schedule", e, table.pk) in page
        assert url("manage_table_schedule_csv", e, table.pk) in page
    assert "Send 1 invitation" in page


def test_the_overview_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    signed_in(client, world.coordinator)
    client.get(url("manage_detail", world.event.pk))

    with django_assert_num_queries(14):
        client.get(url("manage_detail", world.event.pk))


def test_publishing_without_a_table_says_what_to_do(coordinator, world):
    draft = EventFactory(draft=True)

    response = coordinator.post(url("manage_publish", draft.pk))

    assert response.status_code == 200
    assert error_summary(response) == [
        "Add at least one buyer table before publishing: businesses choose which buyers they "
        "want to meet."
    ]
    draft.refresh_from_db()
    assert draft.published_at is None


def test_publishing_a_draft_with_a_table(coordinator, world):
    draft = EventFactory(draft=True, title="Spring event")
    BuyerTableFactory(event=draft)

    page = html(coordinator.get(url("manage_detail", draft.pk)))
    assert 'id="publish-event"' in page
    response = coordinator.post(url("manage_publish", draft.pk), follow=True)

    draft.refresh_from_db()
    assert draft.published_at is not None
    assert (
        followed_message(response)
        == "You have published “Spring event”. Businesses can now register."
    )


def test_closing_registration(coordinator, world):
    response = coordinator.post(url("manage_close_registration", world.event.pk), follow=True)

    world.event.refresh_from_db()
    assert world.event.status == Event.Status.CLOSED
    assert followed_message(response).startswith("Registration is closed.")
    again = coordinator.post(url("manage_close_registration", world.event.pk))
    assert error_summary(again) == ["Registration for this event is already closed."]


def test_cancelling_needs_a_reason_then_emails_everyone_registered(coordinator, world):
    page = html(coordinator.get(url("manage_cancel", world.event.pk)))
    assert "We will email the 2 businesses registered or on the waitlist." in page

    refused = coordinator.post(url("manage_cancel", world.event.pk), {"reason": ""})
    assert error_summary(refused) == ["Say why the event is cancelled."]

    response = coordinator.post(
        url("manage_cancel", world.event.pk), {"reason": "The hall flooded."}, follow=True
    )
    world.event.refresh_from_db()
    assert world.event.status == Event.Status.CANCELLED
    assert world.event.cancel_reason == "The hall flooded."
    assert OutboundEmail.objects.filter(kind="event_cancelled").count() == 2
    assert followed_message(response).startswith("You have cancelled “Meet the Buyer: catering”.")


# --- Buyer tables ---------------------------------------------------------------------------


def test_adding_changing_and_removing_a_table(coordinator, world):
    added = coordinator.post(
        url("manage_table_add", world.event.pk),
        {"institution": str(world.council.pk), "name": "Schools", "buyers": "Dee Smith"},
        follow=True,
    )
    table = BuyerTable.objects.get(event=world.event, name="Schools")
    assert table.number == 3
    assert followed_message(added) == "You have added table 3: Schools."

    changed = coordinator.post(
        url("manage_table_edit", world.event.pk, table.pk),
        {"name": "School kitchens", "buyers": "Dee Smith", "lots": [str(world.lot.pk)]},
        follow=True,
    )
    table.refresh_from_db()
    assert table.name == "School kitchens"
    assert list(table.lots.all()) == [world.lot]
    assert followed_message(changed) == "Table 3 saved."

    removed = coordinator.post(url("manage_table_remove", world.event.pk, table.pk), follow=True)
    assert not BuyerTable.objects.filter(pk=table.pk).exists()
    assert followed_message(removed) == "You have removed table 3: School kitchens."


def test_a_tables_lots_must_be_its_institutions(coordinator, world):
    world.event.lots.add(world.lot)

    response = coordinator.post(
        url("manage_table_edit", world.event.pk, world.estates.pk),
        {"name": "Estates", "lots": [str(world.lot.pk)]},
    )

    assert error_summary(response) == ["Choose only lots of East Birmingham NHS Trust."]
    assert not world.estates.lots.exists()


def test_removing_the_last_table_of_a_published_event_is_refused(coordinator, world):
    coordinator.post(url("manage_table_remove", world.event.pk, world.estates.pk))

    response = coordinator.post(url("manage_table_remove", world.event.pk, world.catering.pk))

    assert response.status_code == 200
    assert error_summary(response)[0].startswith("A published event needs at least one buyer table")
    assert BuyerTable.objects.filter(pk=world.catering.pk).exists()


# --- Invite list ----------------------------------------------------------------------------


def test_the_invite_list_shows_each_candidate_with_rank_size_vcse_district_score_and_reasons(
    coordinator, world
):
    page = html(coordinator.get(url("manage_invitations", world.event.pk)))

    row = re.search(r"Alum Rock Cleaning CIC(.*?)</tr>", page, re.S)[1]
    assert "Micro" in row and "Yes" in row and "B9" in row and "0.70" in row
    assert "Matches 1 open lot from Birmingham City Council" in row
    assert "Not sent yet" in row
    assert 'id="send-invitations"' in page
    assert "1 business on the list has not been sent an invitation yet." in page


def test_the_invite_list_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    signed_in(client, world.coordinator)
    client.get(url("manage_invitations", world.event.pk))
    with django_assert_num_queries(13):
        client.get(url("manage_invitations", world.event.pk))
    for _ in range(3):
        InvitationFactory(event=world.event)
    with django_assert_num_queries(13):
        client.get(url("manage_invitations", world.event.pk))


def test_generating_the_invite_list_adds_matched_businesses_and_reports_the_length(
    coordinator, world
):
    matched = matching_business(name="Stechford Soup Co")
    MatchFactory(lot=world.lot, business=matched, score=0.9)

    response = coordinator.post(url("manage_invitations_generate", world.event.pk), follow=True)

    assert response.redirect_chain[-1][0] == url("manage_invitations", world.event.pk)
    on_list = Invitation.objects.on_list().filter(event=world.event)
    assert set(on_list.values_list("business__name", flat=True)) == {
        "Stechford Soup Co",
        "Alum Rock Cleaning CIC",  # added before; generating keeps it
    }
    assert followed_message(response).startswith("The invite list has 2 businesses.")
    row = re.search(r"Stechford Soup Co(.*?)</tr>", html(response), re.S)[1]
    assert "Matches 1 open lot from Birmingham City Council" in row


def test_searching_for_a_business_by_name_and_adding_it(coordinator, world):
    wanted = BusinessFactory(name="Washwood Heath Windows")
    BusinessFactory(name="Someone Else Ltd")

    page = html(coordinator.get(url("manage_invitation_add", world.event.pk), {"q": "washwood"}))
    assert "Washwood Heath Windows" in page
    assert "Someone Else Ltd" not in page
    assert f'name="business" value="{wanted.pk}"' in page

    response = coordinator.post(
        url("manage_invitation_add", world.event.pk), {"business": str(wanted.pk)}, follow=True
    )
    invitation = Invitation.objects.get(event=world.event, business=wanted)
    assert invitation.source == Invitation.Source.MANUAL
    assert followed_message(response) == "You have added Washwood Heath Windows to the invite list."


def test_adding_a_business_already_on_the_list_says_so(coordinator, world):
    response = coordinator.post(
        url("manage_invitation_add", world.event.pk),
        {"business": str(world.invitation.business.pk)},
    )

    assert error_summary(response) == ["Alum Rock Cleaning CIC is already on the invite list."]


def test_a_search_with_no_results_says_so(coordinator, world):
    page = html(coordinator.get(url("manage_invitation_add", world.event.pk), {"q": "zzz"}))
    assert "No businesses match “zzz”" in page


def test_removing_a_business_from_the_invite_list(coordinator, world):
    response = coordinator.post(
        url("manage_invitation_remove", world.event.pk, world.invitation.pk), follow=True
    )

    world.invitation.refresh_from_db()
    assert world.invitation.removed_at is not None
    assert followed_message(response).startswith("You have removed Alum Rock Cleaning CIC")
    assert "Alum Rock Cleaning CIC" not in html(
        coordinator.get(url("manage_invitations", world.event.pk))
    )


def test_sending_invitations_confirms_how_many(coordinator, world):
    response = coordinator.post(url("manage_invitations_send", world.event.pk), follow=True)

    world.invitation.refresh_from_db()
    assert world.invitation.status == Invitation.Status.INVITED
    assert followed_message(response).startswith("You have sent 1 invitation.")
    again = coordinator.post(url("manage_invitations_send", world.event.pk), follow=True)
    assert followed_message(again) == "There were no invitations to send."


def test_sending_invitations_for_a_draft_is_refused_with_the_reason(coordinator, world):
    draft = EventFactory(draft=True)
    InvitationFactory(event=draft)

    response = coordinator.post(url("manage_invitations_send", draft.pk))

    assert error_summary(response) == ["Publish the event before sending invitations."]


# --- Registrations --------------------------------------------------------------------------


def test_registrations_show_confirmed_and_waitlist_with_wanted_tables(coordinator, world):
    page = html(coordinator.get(url("manage_registrations", world.event.pk)))

    confirmed = re.search(r'id="confirmed-registrations"(.*?)</table>', page, re.S)[1]
    waitlist = re.search(r'id="waitlist"(.*?)</table>', page, re.S)[1]
    assert "Saltley Kitchen Ltd" in confirmed and "Table 1: Catering" in confirmed
    assert "Bordesley Bakes Ltd" in waitlist and "Any" in waitlist
    assert "Bordesley Bakes Ltd" not in confirmed


def test_the_registrations_page_runs_a_fixed_number_of_queries(
    client, world, django_assert_num_queries
):
    signed_in(client, world.coordinator)
    client.get(url("manage_registrations", world.event.pk))
    with django_assert_num_queries(14):
        client.get(url("manage_registrations", world.event.pk))
    for _ in range(3):
        RegistrationFactory(event=world.event, status=Registration.Status.WAITLISTED)
    with django_assert_num_queries(14):
        client.get(url("manage_registrations", world.event.pk))


def test_cancelling_a_registration_for_a_business_promotes_the_waitlist(coordinator, world):
    page = html(
        coordinator.get(url("manage_registration_cancel", world.event.pk, world.confirmed.pk))
    )
    assert "Its place goes to the first business on the waitlist" in page

    response = coordinator.post(
        url("manage_registration_cancel", world.event.pk, world.confirmed.pk), follow=True
    )

    world.confirmed.refresh_from_db()
    world.waiting.refresh_from_db()
    assert world.confirmed.status == Registration.Status.CANCELLED
    assert world.waiting.status == Registration.Status.CONFIRMED
    assert followed_message(response) == "You have cancelled Saltley Kitchen Ltd’s registration."
    assert (
        coordinator.get(
            url("manage_registration_cancel", world.event.pk, world.confirmed.pk)
        ).status_code
        == 404
    )


# --- Schedule -------------------------------------------------------------------------------


def test_the_schedule_grid_shows_tables_by_slot_with_pinned_markers(coordinator, world):
    world.meeting.pinned = True
    world.meeting.save()

    page = html(coordinator.get(url("manage_schedule", world.event.pk)))

    grid = re.search(r'id="schedule-grid"(.*?)</table>', page, re.S)[1]
    header = re.findall(r'<th scope="col"[^>]*>(\d\d:\d\d)<', grid)
    assert len(header) == world.event.slot_count
    assert header[0] == f"{timezone.localtime(world.event.slot_starts_at(0)):%H:%M}"
    catering = re.search(r"1\. Catering(.*?)</tr>", grid, re.S)[1]
    first_cell = re.findall(r'<td class="govuk-table__cell">(.*?)</td>', catering, re.S)[0]
    assert "Saltley Kitchen Ltd" in first_cell and "Pinned" in first_cell
    assert url("manage_meeting_unpin", world.event.pk, world.meeting.pk) in page
    assert url("manage_meeting_move", world.event.pk, world.meeting.pk) in page
    assert url("manage_table_schedule_csv", world.event.pk, world.estates.pk) in page
    assert 'id="generate-schedule"' in page


def test_the_schedule_page_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    signed_in(client, world.coordinator)
    client.get(url("manage_schedule", world.event.pk))
    with django_assert_num_queries(15):
        client.get(url("manage_schedule", world.event.pk))
    world.event.capacity = 10
    world.event.save()
    for slot in (1, 2):
        MeetingFactory(
            registration=RegistrationFactory(event=world.event), table=world.estates, slot=slot
        )
    with django_assert_num_queries(15):
        client.get(url("manage_schedule", world.event.pk))


def test_generating_the_schedule_reports_what_the_solver_did(coordinator, world):
    world.event.capacity = 3
    world.event.save()
    RegistrationFactory(event=world.event, business=BusinessFactory(name="Ward End Print"))

    response = coordinator.post(url("manage_schedule_generate", world.event.pk), follow=True)

    assert response.redirect_chain[-1][0] == url("manage_schedule", world.event.pk)
    meetings = Meeting.objects.filter(event=world.event)
    placed = meetings.count()
    assert placed >= 2
    assert meetings.values("registration").distinct().count() == 2
    assert followed_message(response) == (
        f"You have generated the schedule: {placed} meetings for 2 businesses."
    )
    page = html(response)
    assert 'id="schedule-outcome"' in page
    assert f"It placed {placed} meetings for 2 businesses" in page
    assert 'id="send-schedules"' in page
    again = html(coordinator.get(url("manage_schedule", world.event.pk)))
    assert 'id="schedule-outcome"' not in again  # shown once


def test_a_schedule_that_cannot_be_made_is_explained_in_the_error_summary(coordinator, world):
    empty = EventFactory()
    BuyerTableFactory(event=empty)

    response = coordinator.post(url("manage_schedule_generate", empty.pk))

    assert response.status_code == 200
    assert "<title>Error: 1:1 schedule" in html(response)
    assert error_summary(response) == [
        "No business has a confirmed place yet, so there is nobody to schedule."
    ]


def test_pinning_unpinning_and_removing_a_meeting(coordinator, world):
    e, m = world.event.pk, world.meeting.pk

    pinned = coordinator.post(url("manage_meeting_pin", e, m), follow=True)
    world.meeting.refresh_from_db()
    assert world.meeting.pinned
    assert followed_message(pinned).startswith("Saltley Kitchen Ltd’s meeting at table 1 (Slot 1,")
    assert followed_message(pinned).endswith("is pinned: generating the schedule again keeps it.")

    unpinned = coordinator.post(url("manage_meeting_unpin", e, m), follow=True)
    world.meeting.refresh_from_db()
    assert not world.meeting.pinned
    assert followed_message(unpinned).endswith("is no longer pinned.")

    removed = coordinator.post(url("manage_meeting_remove", e, m), follow=True)
    assert not Meeting.objects.filter(pk=m).exists()
    assert followed_message(removed).endswith("is removed.")
    assert coordinator.post(url("manage_meeting_pin", e, m)).status_code == 404


def test_moving_a_meeting_pins_it_at_the_new_table_and_slot(coordinator, world):
    target = url("manage_meeting_move", world.event.pk, world.meeting.pk)
    page = html(coordinator.get(target))
    assert "Move Saltley Kitchen Ltd’s meeting" in page

    response = coordinator.post(target, {"table": str(world.estates.pk), "slot": "2"}, follow=True)

    world.meeting.refresh_from_db()
    assert (world.meeting.table, world.meeting.slot, world.meeting.pinned) == (
        world.estates,
        2,
        True,
    )
    assert followed_message(response).startswith("Saltley Kitchen Ltd now meets table 2 in slot 3,")


def test_moving_a_meeting_onto_a_taken_slot_says_what_is_in_the_way(coordinator, world):
    world.event.capacity = 3
    world.event.save()
    other = MeetingFactory(
        registration=RegistrationFactory(
            event=world.event, business=BusinessFactory(name="Ward End Print")
        ),
        table=world.estates,
        slot=1,
    )

    response = coordinator.post(
        url("manage_meeting_move", world.event.pk, world.meeting.pk),
        {"table": str(world.estates.pk), "slot": "1"},
    )

    [message] = error_summary(response)
    assert message.startswith("Table 2 already meets Ward End Print in slot 2")
    world.meeting.refresh_from_db()
    assert (world.meeting.table, world.meeting.slot) == (world.catering, 0)
    assert other.slot == 1


def test_sending_schedules_confirms_how_many(coordinator, world):
    refused = coordinator.post(url("manage_schedule_send", world.event.pk))
    assert error_summary(refused) == ["Generate the schedule before sending it."]

    coordinator.post(url("manage_schedule_generate", world.event.pk), follow=True)
    response = coordinator.post(url("manage_schedule_send", world.event.pk), follow=True)

    assert followed_message(response).startswith("You have sent 1 schedule:")
    assert OutboundEmail.objects.filter(kind="event_schedule").exists()
    world.event.refresh_from_db()
    assert world.event.schedule_sent_at is not None


# --- Check-in -------------------------------------------------------------------------------


def test_the_check_in_list_filters_by_name_without_javascript(coordinator, world):
    other = RegistrationFactory(
        event=world.event, business=BusinessFactory(name="Ward End Print"), attendee_name="Cy Ho"
    )

    everyone = html(coordinator.get(url("manage_checkin", world.event.pk)))
    found = html(coordinator.get(url("manage_checkin", world.event.pk), {"q": "asha"}))

    assert f'id="registration-{other.pk}"' in everyone
    assert f'id="registration-{world.confirmed.pk}"' in found
    assert f'id="registration-{other.pk}"' not in found
    assert "1 result for “asha”" in found
    assert 'method="get"' in found


def test_checking_in_recording_a_no_show_and_undoing(coordinator, world):
    target = url("manage_attendance", world.event.pk, world.confirmed.pk)

    response = coordinator.post(target, {"action": "attended", "q": "asha"}, follow=True)
    world.confirmed.refresh_from_db()
    assert world.confirmed.attendance == Registration.Attendance.ATTENDED
    assert response.redirect_chain[-1][0] == (
        url("manage_checkin", world.event.pk) + f"?q=asha#registration-{world.confirmed.pk}"
    )
    assert followed_message(response) == "Saltley Kitchen Ltd is checked in."

    response = coordinator.post(target, {"action": "reset"}, follow=True)
    assert followed_message(response) == "Saltley Kitchen Ltd has no attendance recorded."
    world.confirmed.refresh_from_db()
    assert world.confirmed.attendance == Registration.Attendance.UNKNOWN

    response = coordinator.post(target, {"action": "no_show"}, follow=True)
    world.confirmed.refresh_from_db()
    assert world.confirmed.attendance == Registration.Attendance.NO_SHOW
    assert followed_message(response) == "Saltley Kitchen Ltd did not come."


def test_an_unknown_attendance_action_changes_nothing(coordinator, world):
    response = coordinator.post(
        url("manage_attendance", world.event.pk, world.confirmed.pk), {"action": "x"}, follow=True
    )

    world.confirmed.refresh_from_db()
    assert world.confirmed.attendance == Registration.Attendance.UNKNOWN
    assert followed_message(response) == "Choose check in, did not come, or undo."


def test_checking_in_a_waitlisted_business_is_refused_with_the_reason(coordinator, world):
    response = coordinator.post(
        url("manage_attendance", world.event.pk, world.waiting.pk),
        {"action": "attended"},
        follow=True,
    )

    assert followed_message(response).startswith("Bordesley Bakes Ltd is on the waitlist")


def test_the_check_in_list_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    signed_in(client, world.coordinator)
    client.get(url("manage_checkin", world.event.pk))
    with django_assert_num_queries(13):
        client.get(url("manage_checkin", world.event.pk))
    world.event.capacity = 10
    world.event.save()
    for _ in range(3):
        RegistrationFactory(event=world.event)
    with django_assert_num_queries(13):
        client.get(url("manage_checkin", world.event.pk))


# --- Outcome report -------------------------------------------------------------------------


def test_the_outcome_report_shows_the_funnel_and_rows(coordinator, world):
    world.confirmed.attendance = Registration.Attendance.ATTENDED
    world.confirmed.save()

    page = html(coordinator.get(url("manage_outcomes", world.event.pk)))

    stats = re.findall(
        r'<span class="ll-stats__figure">([^<]+)</span>\s*<span[^>]*>([^<]+)</span>', page
    )
    assert stats == [
        ("1", "Attended"),
        ("0", "Registered interest afterwards"),
        ("0", "Awarded work"),
    ]
    assert "2 businesses registered: 1 confirmed, 1 on the waitlist and 0 cancelled." in page
    assert "Birmingham City Council" in page and "Saltley Kitchen Ltd" in page


# --- Downloads ------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_attendee_list_downloads_as_csv_and_xlsx(coordinator, world):
    e = world.event.pk
    as_csv = coordinator.get(url("manage_attendees_csv", e))
    as_xlsx = coordinator.get(url("manage_attendees_xlsx", e))

    assert as_csv["Content-Type"] == CSV
    assert (
        as_csv["Content-Disposition"] == f'attachment; filename="locallots-event-{e}-attendees.csv"'
    )
    rows = read_csv(as_csv)
    assert rows[0][0] == "Business name"
    assert any(row[0] == "Saltley Kitchen Ltd" for row in rows[1:])
    assert as_xlsx["Content-Type"] == XLSX
    assert (
        as_xlsx["Content-Disposition"]
        == f'attachment; filename="locallots-event-{e}-attendees.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet.cell(row=1, column=1).value == "Business name"


def test_invite_list_downloads_as_csv(coordinator, world):
    e = world.event.pk
    response = coordinator.get(url("manage_invitations_csv", e))

    assert response["Content-Type"] == CSV
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="locallots-event-{e}-invite-list.csv"'
    )
    rows = read_csv(response)
    assert rows[0][:2] == ["Rank", "Business name"]
    assert rows[1][1] == "Alum Rock Cleaning CIC"


def test_a_tables_schedule_downloads_as_csv_and_prints_as_html(coordinator, world):
    e, t = world.event.pk, world.catering.pk
    as_csv = coordinator.get(url("manage_table_schedule_csv", e, t))
    printable = coordinator.get(url("manage_table_schedule", e, t))

    assert as_csv["Content-Type"] == CSV
    assert as_csv["Content-Disposition"] == (
        f'attachment; filename="locallots-event-{e}-table-1-schedule.csv"'
    )
    rows = read_csv(as_csv)
    assert rows[0][0] == "Slot"
    assert rows[1][3] == "Saltley Kitchen Ltd"
    assert len(rows) == 1 + world.event.slot_count
    assert printable["Content-Type"].startswith("text/html")
    assert "Table 1: Catering" in html(printable)


def test_an_empty_events_downloads_are_valid_files_with_headers(coordinator, world):
    empty = EventFactory(draft=True)

    rows = read_csv(coordinator.get(url("manage_attendees_csv", empty.pk)))
    invites = read_csv(coordinator.get(url("manage_invitations_csv", empty.pk)))

    assert rows == [rows[0]] and rows[0][0] == "Business name"
    assert invites == [invites[0]] and invites[0][0] == "Rank"

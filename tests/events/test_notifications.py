from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from events import notifications
from events.models import Registration
from tests.events.factories import (
    BuyerTableFactory,
    EventFactory,
    InvitationFactory,
    RegistrationFactory,
    member_of,
)
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def event():
    starts = datetime(2026, 12, 10, 9, 30, tzinfo=LONDON)
    return EventFactory(
        title="Meet the Buyer: catering",
        starts_at=starts,
        ends_at=starts.replace(hour=13),
        registration_deadline=datetime(2026, 12, 3, 17, 0, tzinfo=LONDON),
    )


def test_the_invitation_goes_to_each_active_member_with_the_rsvp_link_and_reasons(event, settings):
    settings.SITE_URL = "https://locallots.example"
    business = BusinessFactory(name="Small Heath Kitchen")
    member = member_of(business)
    member_of(business, is_active=False)
    invitation = InvitationFactory(
        event=event, business=business, reasons=["Matches 2 open lots from Birmingham City Council"]
    )
    [email] = notifications.invitation_emails(invitation=invitation)
    assert email["to"] == member.email
    assert email["subject"] == "You're invited: Meet the Buyer: catering, 10 December 2026 at 09:30"
    token = notifications.invitation_token(invitation)
    assert f"https://locallots.example/events/rsvp/{token}/" in email["body_text"]
    assert "- Matches 2 open lots from Birmingham City Council" in email["body_text"]
    assert "Registration closes on 3 December 2026 at 17:00." in email["body_text"]
    assert "Small Heath Kitchen" in email["body_text"]
    assert "B9 4AA" in email["body_text"]


def test_confirmation_lists_the_buyers_chosen_and_goes_to_attendee_and_registrant(event):
    table = BuyerTableFactory(event=event, name="Catering", number=1)
    registrant = member_of(BusinessFactory())
    registration = RegistrationFactory(
        event=event, attendee_email="Amina@Example.test", registered_by=registrant
    )
    registration.wanted_tables.add(table)
    emails = notifications.registration_confirmed_emails(registration=registration)
    assert [e["to"] for e in emails] == ["amina@example.test", registrant.email]
    assert "Table 1: Catering" in emails[0]["body_text"]
    assert "is confirmed" in emails[0]["body_text"]


def test_each_registration_email_says_what_happened(event):
    registration = RegistrationFactory(event=event, accessibility_needs="Step-free access")
    expected = {
        "registration_waitlisted_emails": "on the waitlist",
        "registration_promoted_emails": "a place has come up",
        "registration_cancelled_emails": "has been cancelled",
        "event_reminder_emails": "Step-free access",
    }
    for builder, words in expected.items():
        [email] = getattr(notifications, builder)(registration=registration)
        assert words in email["body_text"], builder
        assert "&#x27;" not in email["body_text"]  # plain text is not HTML-escaped


def test_the_event_cancelled_email_gives_the_reason(event):
    event.cancel_reason = "The hall's roof is being repaired."
    registration = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    [email] = notifications.event_cancelled_emails(registration=registration)
    assert email["subject"] == "Event cancelled: Meet the Buyer: catering"
    assert "Why: The hall's roof is being repaired." in email["body_text"]
    assert "place on the waitlist" in email["body_text"]

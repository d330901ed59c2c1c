"""The demo's Meet the Buyer event (``demo.events``)."""

import pytest

from core.models import OutboundEmail
from demo.businesses import FEATURED_BUSINESSES
from demo.events import CAPACITY, EVENT_TITLE
from events.models import Event, Invitation, Registration
from tests.demo.conftest import run_seed_demo

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_an_open_east_birmingham_event_that_is_full_with_a_waitlist(seeded):
    output = seeded
    event = Event.objects.get(title=EVENT_TITLE)
    assert event.status == Event.Status.OPEN
    assert event.target_area.slug == "east-birmingham"
    assert event.tables.count() == 3
    assert event.institutions.count() == 3
    assert event.invitations.filter(status=Invitation.Status.INVITED).exists()
    assert event.registrations.confirmed().count() == CAPACITY
    assert event.registrations.waitlisted().count() == 1
    featured = event.registrations.get(business__name=FEATURED_BUSINESSES[0][0].name)
    assert featured.status == Registration.Status.CONFIRMED
    assert OutboundEmail.objects.filter(kind="event_invitation").exists()
    assert "6 confirmed places and 1 on the waitlist" in output and "/events/manage/" in output

    counts = (Event.objects.count(), Invitation.objects.count(), Registration.objects.count())
    again = run_seed_demo()
    assert (Event.objects.count(), Invitation.objects.count(), Registration.objects.count()) == (
        counts
    )
    assert "already there" in again

"""Who may call each Meet the Buyer write service, per role, against the database.

Events, buyer tables, the invite list, the schedule and attendance are the network
coordinators' alone: a visitor, a signed-in user with no role, an officer of an institution
taking part, a member of a registered business, and deactivated accounts are all refused with
``PermissionDenied``, and nothing is written (no change, no audit entry, no email). A
registration is changed or cancelled by an active member of its business or a coordinator.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from core.exceptions import PermissionDenied
from core.models import AuditEvent, OutboundEmail
from events.models import BuyerTable, Event, Invitation, Meeting, Registration
from events.services import (
    event_cancel,
    event_close_registration,
    event_create,
    event_publish,
    event_update,
    invitation_add,
    invitation_remove,
    invitations_send,
    invite_list_generate,
    registration_attendance_reset,
    registration_cancel,
    registration_check_in,
    registration_mark_no_show,
    registration_update_choices,
    table_add,
    table_remove,
    table_update,
)
from events.services.schedule import (
    meeting_move,
    meeting_pin,
    meeting_remove,
    meeting_unpin,
    schedule_generate,
    schedule_send,
)
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory, officer_of
from tests.events.factories import (
    BuyerTableFactory,
    EventFactory,
    InvitationFactory,
    MeetingFactory,
    RegistrationFactory,
    member_of,
)
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "nobody",
    "anonymous",
    "plain user",
    "officer",
    "supplier",
    "former supplier",
    "former coordinator",
]


@pytest.fixture
def world():
    """An open event of the council's with two tables, a confirmed business (its member is
    the supplier) with a meeting and one checked in, a proposed invitation, and a draft event
    ready to publish; a user for every role."""
    council = InstitutionFactory(name="Birmingham City Council")
    event = EventFactory(title="Meet the Buyer: catering", capacity=10)
    event.institutions.set([council])
    catering = BuyerTableFactory(event=event, institution=council, number=1, name="Catering")
    estates = BuyerTableFactory(event=event, institution=council, number=2, name="Estates")
    confirmed = RegistrationFactory(event=event, business=BusinessFactory(name="Saltley Kitchen"))
    arrived = RegistrationFactory(
        event=event, attendance=Registration.Attendance.ATTENDED, checked_in_at=timezone.now()
    )
    meeting = MeetingFactory(registration=confirmed, table=catering, slot=0)
    event.schedule_generated_at = timezone.now()
    event.save()
    invited = BusinessFactory(name="Alum Rock Cleaning CIC")
    member_of(invited)  # someone to email the invitation to
    invitation = InvitationFactory(event=event, business=invited)
    draft = EventFactory(draft=True, title="Meet the Buyer: estates")
    BuyerTableFactory(event=draft, institution=council, number=1)
    return SimpleNamespace(
        council=council,
        event=event,
        draft=draft,
        catering=catering,
        estates=estates,
        confirmed=confirmed,
        arrived=arrived,
        meeting=meeting,
        invitation=invitation,
        business=BusinessFactory(name="Ward End Print"),
        users={
            "nobody": None,
            "anonymous": AnonymousUser(),
            "plain user": UserFactory(),
            "officer": officer_of(council),  # of an institution taking part
            "supplier": member_of(confirmed.business),  # of a registered business
            "former supplier": member_of(confirmed.business, is_active=False),
            "former coordinator": CoordinatorFactory(is_active=False),
            "coordinator": CoordinatorFactory(),
        },
    )


def _starts():
    return (timezone.now() + timedelta(days=30)).replace(minute=0, second=0, microsecond=0)


# Each service, called as the role would call it; what a coordinator's call changes.
SERVICES = {
    "event_create": lambda user, w: event_create(
        user=user,
        title="Meet the Buyer: grounds",
        description="Grounds maintenance.",
        starts_at=_starts(),
        ends_at=_starts() + timedelta(hours=4),
        capacity=20,
        registration_deadline=_starts() - timedelta(days=3),
        venue_postcode="B9 4AA",
    ),
    "event_update": lambda user, w: event_update(user=user, event=w.event, title="Renamed"),
    "event_publish": lambda user, w: event_publish(user=user, event=w.draft),
    "event_cancel": lambda user, w: event_cancel(user=user, event=w.event, reason="Venue shut."),
    "event_close_registration": lambda user, w: event_close_registration(user=user, event=w.event),
    "table_add": lambda user, w: table_add(
        user=user, event=w.event, institution=w.council, name="Grounds"
    ),
    "table_update": lambda user, w: table_update(user=user, table=w.estates, name="Renamed"),
    "table_remove": lambda user, w: table_remove(user=user, table=w.estates),
    "invite_list_generate": lambda user, w: invite_list_generate(user=user, event=w.event),
    "invitations_send": lambda user, w: invitations_send(user=user, event=w.event),
    "invitation_remove": lambda user, w: invitation_remove(user=user, invitation=w.invitation),
    "invitation_add": lambda user, w: invitation_add(user=user, event=w.event, business=w.business),
    "schedule_generate": lambda user, w: schedule_generate(user=user, event=w.event),
    "schedule_send": lambda user, w: schedule_send(user=user, event=w.event),
    "meeting_move": lambda user, w: meeting_move(
        user=user, meeting=w.meeting, table=w.estates, slot=3
    ),
    "meeting_pin": lambda user, w: meeting_pin(user=user, meeting=w.meeting),
    "meeting_unpin": lambda user, w: meeting_unpin(user=user, meeting=w.meeting),
    "meeting_remove": lambda user, w: meeting_remove(user=user, meeting=w.meeting),
    "registration_check_in": lambda user, w: registration_check_in(
        user=user, registration=w.confirmed
    ),
    "registration_mark_no_show": lambda user, w: registration_mark_no_show(
        user=user, registration=w.confirmed
    ),
    "registration_attendance_reset": lambda user, w: registration_attendance_reset(
        user=user, registration=w.arrived
    ),
}

# The audit entry each service writes when a coordinator calls it.
VERBS = {
    "event_create": "event.created",
    "event_update": "event.updated",
    "event_publish": "event.published",
    "event_cancel": "event.cancelled",
    "event_close_registration": "event.registration_closed",
    "table_add": "event.table_added",
    "table_update": "event.table_updated",
    "table_remove": "event.table_removed",
    "invite_list_generate": "event.invite_list_generated",
    "invitations_send": "event.invitations_sent",
    "invitation_remove": "event.invitation_removed",
    "invitation_add": "event.invitation_added",
    "schedule_generate": "event.schedule_generated",
    "schedule_send": "event.schedule_sent",
    "meeting_move": "event.meeting_moved",
    "meeting_pin": "event.meeting_pinned",
    "meeting_unpin": "event.meeting_unpinned",
    "meeting_remove": "event.meeting_removed",
    "registration_check_in": "event.checked_in",
    "registration_mark_no_show": "event.no_show",
    "registration_attendance_reset": "event.attendance_reset",
}


def _state() -> dict:
    """Everything a write service could change, as plain values."""
    return {
        "events": sorted(
            Event.objects.values_list(
                "pk", "title", "published_at", "cancelled_at", "registration_closed_at"
            )
        ),
        "tables": sorted(BuyerTable.objects.values_list("pk", "name", "number")),
        "invitations": sorted(
            Invitation.objects.values_list("pk", "status", "rank", "removed_at", "sent_at")
        ),
        "meetings": sorted(Meeting.objects.values_list("pk", "table_id", "slot", "pinned")),
        "registrations": sorted(
            Registration.objects.values_list("pk", "status", "attendance", "checked_in_at")
        ),
        "audit": AuditEvent.objects.count(),
        "emails": OutboundEmail.objects.count(),
    }


def test_every_write_service_is_listed_with_its_audit_verb():
    assert set(SERVICES) == set(VERBS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_only_a_coordinator_may_call_the_event_write_services(world, service, role):
    before = _state()

    with pytest.raises(PermissionDenied, match=r"^Only a network coordinator can do this\.$"):
        SERVICES[service](world.users[role], world)

    assert _state() == before


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_coordinator_may_call_every_event_write_service(world, service):
    before = _state()

    SERVICES[service](world.users["coordinator"], world)

    assert AuditEvent.objects.filter(verb=VERBS[service]).count() == 1
    assert _state() != before


# --- A registration: its business's members or a coordinator ---------------------------------

REGISTRATION_SERVICES = {
    "registration_cancel": lambda user, w: registration_cancel(user=user, registration=w.confirmed),
    "registration_update_choices": lambda user, w: registration_update_choices(
        user=user, registration=w.confirmed, wanted_tables=[w.estates]
    ),
}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("nobody", False),
        ("anonymous", False),
        ("plain user", False),
        ("officer", False),
        ("former coordinator", False),
        ("former supplier", False),  # a deactivated account of the business's member
        ("supplier", True),  # a member of the registered business
        ("coordinator", True),
    ],
)
@pytest.mark.parametrize("service", sorted(REGISTRATION_SERVICES))
def test_a_registration_is_changed_by_its_business_or_a_coordinator(world, service, role, allowed):
    before = _state()
    call = REGISTRATION_SERVICES[service]

    if not allowed:
        with pytest.raises(PermissionDenied, match="Only members of Saltley Kitchen or a network"):
            call(world.users[role], world)
        assert _state() == before
        assert list(world.confirmed.wanted_tables.all()) == []
        return
    call(world.users[role], world)
    world.confirmed.refresh_from_db()
    if service == "registration_cancel":
        assert world.confirmed.status == Registration.Status.CANCELLED
    else:
        assert list(world.confirmed.wanted_tables.all()) == [world.estates]


def test_a_member_of_another_business_cannot_change_this_registration(world):
    outsider = member_of(world.business)
    for call in REGISTRATION_SERVICES.values():
        with pytest.raises(PermissionDenied):
            call(outsider, world)
    world.confirmed.refresh_from_db()
    assert world.confirmed.status == Registration.Status.CONFIRMED

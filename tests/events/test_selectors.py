from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import PermissionDenied
from events import selectors
from events.models import Event, Registration
from places.models import NamedArea
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory
from tests.events.factories import (
    BuyerTableFactory,
    EventFactory,
    InvitationFactory,
    MeetingFactory,
    RegistrationFactory,
    member_of,
)
from tests.matching.factories import MatchFactory, matching_business, open_lot
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def _busy_event(**fields):
    event = EventFactory(**fields)
    institution = InstitutionFactory()
    event.institutions.add(institution)
    tables = [BuyerTableFactory(event=event, institution=institution) for _ in range(3)]
    for i in range(3):
        registration = RegistrationFactory(event=event)
        registration.wanted_tables.set(tables)
        MeetingFactory(registration=registration, table=tables[i], slot=i)
    RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    InvitationFactory.create_batch(2, event=event)
    return event


def test_public_events_are_upcoming_published_and_not_cancelled_soonest_first(
    django_assert_num_queries,
):
    later = _busy_event()
    sooner = _busy_event(starts_at=timezone.now() + timedelta(days=5))
    EventFactory(draft=True)
    EventFactory(cancelled=True)
    past = timezone.now() - timedelta(days=3)
    EventFactory(starts_at=past, registration_deadline=past - timedelta(days=1))
    with django_assert_num_queries(2):
        events = list(selectors.events_public())
        assert [e.institutions.all()[0] for e in events]
    assert events == [sooner, later]
    assert (events[0].confirmed_count, events[0].waitlisted_count, events[0].table_count) == (
        3,
        1,
        3,
    )


def test_the_coordinators_list_counts_without_multiplying(django_assert_num_queries):
    _busy_event()
    EventFactory(draft=True)
    with django_assert_num_queries(1):
        events = list(selectors.events_for_coordinator())
    counts = {(e.confirmed_count, e.table_count, e.invitation_count) for e in events}
    assert counts == {(3, 3, 2), (0, 0, 0)}


def test_a_public_event_page_has_its_tables_in_fixed_queries(django_assert_num_queries):
    event = _busy_event()
    with django_assert_num_queries(4):
        found = selectors.event_get_public(pk=event.pk)
        assert [t.institution.name for t in found.tables.all()]
        list(found.institutions.all())
        list(found.focus_sectors.all())
    with pytest.raises(Event.DoesNotExist):
        selectors.event_get_public(pk=EventFactory(draft=True).pk)


def test_the_coordinators_event_page(django_assert_num_queries):
    event = _busy_event()
    event.lots.add(open_lot())
    user = CoordinatorFactory()
    with django_assert_num_queries(8):  # 2 for the user's roles, 6 for the event
        found = selectors.event_get_for_coordinator(user=user, pk=event.pk)
        assert [t.lots.all() for t in found.tables.all()]
        assert [lot.contract.institution for lot in found.lots.all()]
    with pytest.raises(PermissionDenied):
        selectors.event_get_for_coordinator(user=UserFactory(), pk=event.pk)


def test_invite_candidates_query_count_does_not_grow(django_assert_num_queries):
    institution = InstitutionFactory()
    event = EventFactory(target_area=NamedArea.objects.get(slug="east-birmingham"))
    event.institutions.add(institution)
    event.focus_sectors.add("55000000")
    for _ in range(4):
        MatchFactory(lot=open_lot(institution=institution), business=matching_business())
    BusinessFactory()
    with django_assert_num_queries(5):
        candidates = selectors.invite_candidates(event=event)
    assert len(candidates) == 5


def test_invite_list_and_registrations(django_assert_num_queries):
    event = _busy_event()
    with django_assert_num_queries(1):
        assert [i.business.name for i in selectors.invite_list(event=event)]
    with django_assert_num_queries(2):
        rows = list(selectors.event_registrations(event=event))
        assert [len(r.wanted_tables.all()) for r in rows] == [3, 3, 3, 0]
    assert rows[-1].status == Registration.Status.WAITLISTED
    with django_assert_num_queries(1):
        assert [r.business.name for r in selectors.checkin_list(event=event)]


def test_a_member_sees_only_their_businesses_registrations(django_assert_num_queries):
    event = _busy_event()
    mine = event.registrations.confirmed().first()
    user = member_of(mine.business)
    with django_assert_num_queries(2):
        rows = list(selectors.registrations_for_user(user=user))
        assert [(r.event.title, len(r.wanted_tables.all())) for r in rows]
    assert rows == [mine]
    with django_assert_num_queries(3):
        found = selectors.registration_get_for_user(user=user, pk=mine.pk)
        assert [(m.table.institution.name, m.starts_at) for m in found.meetings.all()]
        assert list(found.wanted_tables.all())
    other = event.registrations.exclude(pk=mine.pk).first()
    with pytest.raises(Registration.DoesNotExist):
        selectors.registration_get_for_user(user=user, pk=other.pk)

"""Factories for Meet the Buyer events (an open event three weeks out, by default)."""

from datetime import timedelta

import factory
from django.utils import timezone

from events.models import BuyerTable, Event, Invitation, Meeting, Registration
from tests.accounts.factories import CoordinatorFactory
from tests.anchors.factories import InstitutionFactory
from tests.suppliers.factories import BusinessFactory


def _in_days(days: int, hour: int = 10):
    moment = timezone.now() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


class EventFactory(factory.django.DjangoModelFactory):
    """A published event open for registration, at a venue in Bordesley Green (B9)."""

    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Meet the Buyer: East Birmingham {n}")
    description = "Meet buyers from the council and the NHS trust about catering and cleaning."
    starts_at = factory.LazyFunction(lambda: _in_days(21, 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=4))
    venue_name = "Bordesley Green community hall"
    venue_address = "1 Bordesley Green, Birmingham"
    venue_postcode = "B9 4AA"
    capacity = 30
    registration_deadline = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=3))
    slot_minutes = 15
    slot_count = 8
    max_meetings_per_business = 3
    published_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(CoordinatorFactory)

    class Params:
        draft = factory.Trait(published_at=None)
        cancelled = factory.Trait(cancelled_at=factory.LazyFunction(timezone.now))


class BuyerTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuyerTable

    event = factory.SubFactory(EventFactory)
    institution = factory.SubFactory(InstitutionFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Buyer table {n + 1}")
    buyers = "A. Buyer, B. Buyer"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    event = factory.SubFactory(EventFactory)
    business = factory.SubFactory(BusinessFactory)
    rank = factory.Sequence(lambda n: n + 1)
    score = 0.7


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration (``status=Registration.Status.WAITLISTED`` for the waitlist)."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    business = factory.SubFactory(BusinessFactory)
    status = Registration.Status.CONFIRMED
    attendee_name = "Sam Trader"
    attendee_email = factory.Sequence(lambda n: f"attendee{n}@example.test")
    confirmed_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Registration.Status.CONFIRMED else None
    )
    waitlisted_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Registration.Status.WAITLISTED else None
    )


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    registration = factory.SubFactory(RegistrationFactory)
    event = factory.LazyAttribute(lambda o: o.registration.event)
    table = factory.SubFactory(BuyerTableFactory, event=factory.SelfAttribute("..event"))
    slot = 0


def member_of(business, **user_fields):
    """A user who belongs to ``business`` (as a plain member)."""
    from suppliers.models import BusinessMember
    from tests.accounts.factories import UserFactory

    user = UserFactory(**user_fields)
    BusinessMember.objects.create(business=business, user=user, role=BusinessMember.Role.MEMBER)
    return user


def supplier(**business_fields):
    """A business (micro, B9, catering) and a member of it: ``(business, user)``."""
    business = BusinessFactory(**business_fields)
    return business, member_of(business)

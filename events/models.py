"""Meet the Buyer events: an event, its buyer tables, the invite list, registrations (with the
waitlist) and the 1:1 meeting schedule.

Lifecycle facts are stored (``published_at``, ``registration_closed_at``, ``cancelled_at``)
and the status is derived from them and the clock, as for contracts. The database holds the
schedule's hard rules: one meeting per table per slot, one per registration per slot, and a
business meets a table at most once.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import BaseModel
from places.fields import PostcodeField
from places.models import NamedArea
from sectors.models import CpvCode


class EventQuerySet(models.QuerySet):
    def published(self):
        """Events anyone can see: published and not cancelled."""
        return self.filter(published_at__isnull=False, cancelled_at__isnull=True)

    def upcoming(self, now=None):
        """Published events that have not ended yet, soonest first."""
        return self.published().filter(ends_at__gt=now or timezone.now()).order_by("starts_at")

    def accepting_registrations(self, now=None):
        """Published events whose registration is open now."""
        now = now or timezone.now()
        return self.published().filter(
            registration_closed_at__isnull=True,
            registration_deadline__gt=now,
            starts_at__gt=now,
        )


class Event(BaseModel):
    """A Meet the Buyer event run by the network's coordinators."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open for registration"
        CLOSED = "closed", "Registration closed"
        FINISHED = "finished", "Finished"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200)
    description = models.TextField(help_text="In plain English: who should come and why.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue_name = models.CharField(max_length=200, blank=True)
    venue_address = models.TextField(blank=True)
    venue_postcode = PostcodeField(blank=True)
    online_url = models.URLField(blank=True, help_text="For an online event: the joining link.")
    institutions = models.ManyToManyField(
        "anchors.Institution",
        related_name="events",
        blank=True,
        help_text="The anchor institutions taking part.",
    )
    focus_sectors = models.ManyToManyField(CpvCode, related_name="events", blank=True)
    lots = models.ManyToManyField(
        "anchors.Lot", related_name="events", blank=True, help_text="Lots the buyers will discuss."
    )
    target_area = models.ForeignKey(
        NamedArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text="Whose businesses the invite list favours (East Birmingham by default).",
    )
    capacity = models.PositiveIntegerField(help_text="How many businesses can attend.")
    registration_deadline = models.DateTimeField()
    first_slot_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the first 1:1 meeting starts (the event start if empty).",
    )
    slot_minutes = models.PositiveSmallIntegerField(default=15)
    slot_count = models.PositiveSmallIntegerField(default=16)
    max_meetings_per_business = models.PositiveSmallIntegerField(default=3)

    published_at = models.DateTimeField(null=True, blank=True)
    registration_closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    schedule_generated_at = models.DateTimeField(null=True, blank=True)
    schedule_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the reminder run first reminded the event's businesses (each "
        "registration records its own reminder).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events_created",
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
                violation_error_message="The event must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(registration_deadline__lte=models.F("starts_at")),
                name="event_deadline_before_start",
                violation_error_message="Registration must close before the event starts.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="event_capacity_positive",
                violation_error_message="The event needs room for at least one business.",
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5) & Q(slot_count__gte=1),
                name="event_slots_sensible",
                violation_error_message="Meetings need at least one slot of 5 minutes or more.",
            ),
            models.CheckConstraint(
                condition=Q(max_meetings_per_business__gte=1),
                name="event_max_meetings_positive",
                violation_error_message="Each business needs room for at least one meeting.",
            ),
            models.CheckConstraint(
                condition=~Q(venue_postcode="") | ~Q(online_url=""),
                name="event_has_a_place",
                violation_error_message="Give the venue's postcode or the online joining link.",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        """The constraints' rules again, keyed by field so a form shows each where it belongs
        (``full_clean`` then skips the table-wide constraint for a field already in error)."""
        errors = {}
        starts, ends, deadline = self.starts_at, self.ends_at, self.registration_deadline
        if starts and ends and ends <= starts:
            errors["ends_at"] = "The event must end after it starts."
        if starts and deadline and deadline > starts:
            errors["registration_deadline"] = "Registration must close before the event starts."
        if not self.venue_postcode and not self.online_url:
            errors["venue_postcode"] = "Give the venue's postcode or the online joining link."
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = "The event needs room for at least one business."
        if self.slot_minutes is not None and self.slot_minutes < 5:
            errors["slot_minutes"] = "Meetings need slots of 5 minutes or more."
        if self.slot_count is not None and self.slot_count < 1:
            errors["slot_count"] = "The event needs at least one meeting slot."
        if self.max_meetings_per_business is not None and self.max_meetings_per_business < 1:
            errors["max_meetings_per_business"] = (
                "Each business needs room for at least one meeting."
            )
        errors.update(self._slot_errors())
        if errors:
            raise ValidationError(errors)

    def _slot_errors(self) -> dict[str, str]:
        """The 1:1 meetings must happen while the event is on."""
        starts, ends = self.starts_at, self.ends_at
        if not (starts and ends and self.slot_minutes and self.slot_count):
            return {}
        first = self.first_slot_at or starts
        if first < starts:
            return {"first_slot_at": "The first meeting cannot start before the event does."}
        last_ends = first + timedelta(minutes=self.slot_minutes * self.slot_count)
        if last_ends > ends:
            return {
                "slot_count": (
                    f"{self.slot_count} slots of {self.slot_minutes} minutes would run until "
                    f"{timezone.localtime(last_ends):%H:%M}, after the event ends: use fewer or "
                    "shorter slots, or end the event later."
                )
            }
        return {}

    def status_at(self, now=None) -> str:
        now = now or timezone.now()
        if self.cancelled_at:
            return self.Status.CANCELLED
        if not self.published_at:
            return self.Status.DRAFT
        if self.ends_at <= now:
            return self.Status.FINISHED
        if (
            self.registration_closed_at
            or self.registration_deadline <= now
            or self.starts_at <= now
        ):
            return self.Status.CLOSED
        return self.Status.OPEN

    @property
    def status(self) -> str:
        return self.status_at()

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.venue_postcode

    @property
    def meetings_start_at(self):
        return self.first_slot_at or self.starts_at

    def slot_starts_at(self, slot: int):
        """When slot ``slot`` (0-based) begins."""
        return self.meetings_start_at + timedelta(minutes=self.slot_minutes * slot)

    def slot_ends_at(self, slot: int):
        return self.slot_starts_at(slot) + timedelta(minutes=self.slot_minutes)


class BuyerTable(BaseModel):
    """A table where one institution's buyers hold 1:1 meetings."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tables")
    institution = models.ForeignKey(
        "anchors.Institution", on_delete=models.PROTECT, related_name="event_tables"
    )
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200, help_text="For example: Facilities and estates.")
    buyers = models.CharField(
        max_length=300, blank=True, help_text="Who sits at the table, for the printed schedule."
    )
    lots = models.ManyToManyField("anchors.Lot", related_name="event_tables", blank=True)

    class Meta:
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="buyertable_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="buyertable_number_from_one"),
        ]

    def __str__(self):
        return f"Table {self.number}: {self.name}"


class InvitationQuerySet(models.QuerySet):
    def on_list(self):
        """Invitations the coordinator has not removed, best ranked first."""
        return self.filter(removed_at__isnull=True).order_by("rank", "pk")


class Invitation(BaseModel):
    """A business on an event's invite list; emailed with an RSVP link once sent."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Not sent yet"
        INVITED = "invited", "Invited"
        REGISTERED = "registered", "Registered"
        DECLINED = "declined", "Declined"

    class Source(models.TextChoices):
        MATCHES = "matches", "From matches"
        MANUAL = "manual", "Added by a coordinator"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    business = models.ForeignKey(
        "suppliers.Business", on_delete=models.CASCADE, related_name="event_invitations"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MATCHES)
    rank = models.PositiveIntegerField(default=0, help_text="1 is the first to invite.")
    score = models.FloatField(default=0.0)
    reasons = models.JSONField(default=list, blank=True, help_text="Why the business is invited.")
    sent_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Taken off the list by a coordinator (kept off on regenerate).",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_invitations_added",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["event", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "business"], name="invitation_unique_business")
        ]

    def __str__(self):
        return f"{self.business} invited to {self.event}"


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Confirmed or waiting: not cancelled."""
        return self.exclude(status=Registration.Status.CANCELLED)

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self):
        """The waitlist in the order places are offered: first come, first served."""
        return self.filter(status=Registration.Status.WAITLISTED).order_by("waitlisted_at", "pk")


class Registration(BaseModel):
    """A business's place at an event (or on its waitlist) and the buyers it wants to meet."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "On the waitlist"
        CANCELLED = "cancelled", "Cancelled"

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", "Not recorded"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "Did not come"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    business = models.ForeignKey(
        "suppliers.Business", on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    wanted_tables = models.ManyToManyField(
        BuyerTable, related_name="wanted_by", blank=True, help_text="The buyers it wants to meet."
    )
    attendee_name = models.CharField(max_length=200, help_text="Who will come on the day.")
    attendee_email = models.EmailField()
    accessibility_needs = models.TextField(blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(
        max_length=16, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the business was sent its reminder (once, while it had a confirmed place).",
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["event", "created_at", "pk"]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "business"],
                condition=~Q(status="cancelled"),
                name="registration_one_active_per_business",
                violation_error_message="This business is already registered for this event.",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="registration_confirmed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="registration_waitlisted_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.business} at {self.event} ({self.status})"


class Meeting(BaseModel):
    """A 1:1 meeting: one registration at one buyer table in one slot (0-based)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings")
    table = models.ForeignKey(BuyerTable, on_delete=models.CASCADE, related_name="meetings")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="meetings"
    )
    slot = models.PositiveSmallIntegerField()
    pinned = models.BooleanField(
        default=False, help_text="Kept in place when the schedule is generated again."
    )
    score = models.FloatField(default=0.0, help_text="How much the solver valued this meeting.")

    class Meta:
        ordering = ["event", "slot", "table__number"]
        constraints = [
            models.UniqueConstraint(fields=["table", "slot"], name="meeting_one_per_table_slot"),
            models.UniqueConstraint(
                fields=["registration", "slot"], name="meeting_one_per_business_slot"
            ),
            models.UniqueConstraint(
                fields=["registration", "table"], name="meeting_once_per_table"
            ),
        ]

    def __str__(self):
        return f"{self.registration.business} at {self.table} in slot {self.slot + 1}"

    @property
    def starts_at(self):
        return self.event.slot_starts_at(self.slot)

    @property
    def ends_at(self):
        return self.event.slot_ends_at(self.slot)

"""Matches between lots and businesses, and the interest businesses register in lots.

A ``Match`` is the engine's verdict, recomputed whenever the lot or the business changes
(upserted on the natural key lot + business, with the engine version that produced it); the
lifecycle facts a person adds (notified, dismissed) survive recomputation. An ``Interest`` is a
business's own act and is never removed by matching.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q

from core.models import BaseModel

NOTE_MAX_LENGTH = 2000


class MatchQuerySet(models.QuerySet):
    def current(self):
        """Matches the business has not dismissed."""
        return self.filter(dismissed_at__isnull=True)

    def undigested(self):
        """Matches due in the next daily digest: notifiable, not yet sent, not dismissed."""
        return self.current().filter(notify=True, notified_at__isnull=True)

    def ranked(self):
        """Best first; ties by business name so lists are stable."""
        return self.order_by("-score", "business__name", "pk")


class Match(BaseModel):
    """A business the engine pairs with a lot, with the score, its parts and the reasons."""

    lot = models.ForeignKey("anchors.Lot", on_delete=models.CASCADE, related_name="matches")
    business = models.ForeignKey(
        "suppliers.Business", on_delete=models.CASCADE, related_name="matches"
    )
    score = models.FloatField()
    sector_score = models.FloatField()
    location_score = models.FloatField()
    capacity_score = models.FloatField()
    inclusion_score = models.FloatField()
    distance_km = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, help_text="Sentences: why the lot suits them.")
    warnings = models.JSONField(
        default=list, help_text="Sentences: what to weigh up (capacity, certificates)."
    )
    notify = models.BooleanField(
        default=True, help_text="False when the lot is far beyond the business's capacity."
    )
    engine_version = models.CharField(max_length=32)
    computed_at = models.DateTimeField(db_index=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "matches"
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "business"], name="match_unique_lot_business"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="match_score_in_unit_range"
            ),
        ]
        indexes = [
            models.Index(fields=["lot", "-score"], name="match_lot_score"),
            models.Index(fields=["business", "-score"], name="match_business_score"),
            models.Index(
                fields=["business"],
                condition=Q(notify=True, notified_at__isnull=True, dismissed_at__isnull=True),
                name="match_undigested",
            ),
        ]

    def __str__(self):
        return f"{self.business_id} for lot {self.lot_id}: {self.score:.2f}"

    @property
    def score_percent(self) -> int:
        return round(self.score * 100)


class Interest(BaseModel):
    """A business telling the buyer it wants to bid for a lot, and the buyer's response."""

    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        SHORTLISTED = "shortlisted", "Shortlisted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    ACTIVE_STATUSES = (Status.REGISTERED, Status.SHORTLISTED)

    lot = models.ForeignKey("anchors.Lot", on_delete=models.PROTECT, related_name="interests")
    business = models.ForeignKey(
        "suppliers.Business", on_delete=models.PROTECT, related_name="interests"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    note = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(NOTE_MAX_LENGTH)],
        help_text="What the business tells the buyer.",
    )
    officer_note = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(NOTE_MAX_LENGTH)],
        help_text="The buyer's note when shortlisting or declining (shown to the business).",
    )
    warnings = models.JSONField(
        default=list,
        blank=True,
        help_text="Capacity and certificate warnings shown when registering.",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interests_registered",
    )
    registered_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interests_decided",
    )

    class Meta:
        ordering = ["-registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "business"], name="interest_unique_lot_business"
            ),
        ]

    def __str__(self):
        return f"{self.business_id} in lot {self.lot_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

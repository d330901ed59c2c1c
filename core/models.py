from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class BaseModel(models.Model):
    """Every table records when a row was created (indexed) and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Who did what to which record, and when; written by services, never edited.

    ``target_repr`` keeps a readable name so the trail still reads after the target is deleted.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
        help_text="Empty when the system acted (a task or an import).",
    )
    verb = models.CharField(max_length=64, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(max_length=255, blank=True)
    summary = models.JSONField(default=dict, blank=True, help_text="Before/after and details.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self):
        who = self.actor.email if self.actor_id else "system"
        return f"{who} {self.verb} {self.target_repr}".strip()


class OutboundEmail(BaseModel):
    """An email waiting to be sent or already sent (a transactional outbox).

    Services create the row inside their transaction and enqueue its delivery after commit, so
    an email is never sent for work that rolled back, and never lost when the broker is down.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    kind = models.CharField(max_length=64, db_index=True, help_text="What the email is for.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outboundemail_sent_has_sent_at",
            )
        ]

    def __str__(self):
        return f"{self.subject} -> {self.to} ({self.status})"


class ReferenceFile(BaseModel):
    """The file last loaded into one reference dataset (the CPV list, the postcode districts...).

    Loaders record it in the load's transaction. Set-up loads a shipped copy only when this row
    is missing or names an older shipped copy, so an unchanged file is not loaded again (its
    SHA-256 and the table's row count still match) and an official file an operator loaded is
    never replaced by the shipped one.
    """

    dataset = models.SlugField(max_length=64, unique=True)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    shipped = models.BooleanField(
        help_text="The copy shipped with LocalLots, not an official file."
    )
    rows_loaded = models.PositiveIntegerField()
    table_rows = models.PositiveIntegerField(
        help_text="Rows in the dataset's table after the load: another count means it changed."
    )

    class Meta:
        ordering = ["dataset"]

    def __str__(self):
        return f"{self.dataset}: {self.file_name}"

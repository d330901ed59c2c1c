"""What the OCDS import remembers: every release it applied, the buyers it met, and each run of
the scheduled Find a Tender import.

A release keeps its natural key (``ocid`` + release ``id``) under a unique constraint, so
importing the same file twice changes nothing (STYLE.md, imports).
"""

from django.db import models
from django.utils import timezone

from anchors.models import Contract, Institution, Lot
from core.models import BaseModel


class ImportedRelease(BaseModel):
    """One OCDS release that was applied to (or deliberately not applied over) an opportunity."""

    class Outcome(models.TextChoices):
        CREATED = "created", "Created the opportunity"
        UPDATED = "updated", "Updated the opportunity"
        UNCHANGED = "unchanged", "Nothing to change"
        OLDER = "older", "Older than the release already applied"

    ocid = models.CharField("OCDS id", max_length=128, db_index=True)
    release_id = models.CharField(max_length=256)
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="imported_releases"
    )
    source = models.CharField(max_length=32, choices=Contract.Source.choices)
    release_date = models.DateTimeField(db_index=True)
    tag = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    imported_at = models.DateTimeField(default=timezone.now)
    # Suitability is advisory on Contracts Finder ("suitable for SMEs"), not a reservation: it
    # is kept here, with the region and any notes, rather than restricting who may take part.
    suitable_for_sme = models.BooleanField(null=True, blank=True)
    suitable_for_vcse = models.BooleanField(null=True, blank=True)
    delivery_region = models.CharField(max_length=120, blank=True)
    report = models.JSONField(default=dict, blank=True, help_text="Where it came from and notes.")

    class Meta:
        ordering = ["-release_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ocid", "release_id"], name="importedrelease_unique_release"
            ),
        ]

    def __str__(self):
        return f"{self.ocid} / {self.release_id}"


class ImportedLotDetails(BaseModel):
    """What the latest applied release says about an imported lot that ``Lot`` has no field
    for: its suitability and, when the notice gives no postcode, its region.

    Suitability is advice ("suitable for SMEs"), not a reservation: it never restricts who may
    take part (a stated reservation is the lot's own ``reservation_suppliers``). The public
    pages and the API read it through ``lot.import_details``, selected with the lot.
    """

    lot = models.OneToOneField(Lot, on_delete=models.CASCADE, related_name="import_details")
    suitable_for_sme = models.BooleanField(null=True, blank=True)
    suitable_for_vcse = models.BooleanField(null=True, blank=True)
    delivery_region = models.CharField(
        max_length=120, blank=True, help_text="Where it is delivered, when there is no postcode."
    )

    class Meta:
        verbose_name_plural = "imported lot details"

    def __str__(self):
        return f"Imported details of lot {self.lot_id}"


class ExternalBuyer(BaseModel):
    """An OCDS buyer identifier (``buyer.id``, or its name when it has none) and the external
    institution it stands for, so later notices from the same buyer find the same institution."""

    identifier = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=200)
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="ocds_identifiers"
    )

    def __str__(self):
        return f"{self.identifier} ({self.name})"


class ImportRun(BaseModel):
    """One run of the scheduled Find a Tender import: its window, how far it got (the cursor of
    the next page) and its outcome. A failed run is resumed from its cursor by the next one."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        INCOMPLETE = "incomplete", "Stopped early (resumes from its cursor)"

    source = models.CharField(
        max_length=32, choices=Contract.Source.choices, default=Contract.Source.FIND_A_TENDER
    )
    updated_from = models.DateTimeField()
    updated_to = models.DateTimeField()
    cursor = models.CharField(max_length=500, blank=True, help_text="The next page to fetch.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(updated_to__gt=models.F("updated_from")),
                name="importrun_window_forwards",
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.updated_from:%Y-%m-%d %H:%M} to {self.updated_to:%Y-%m-%d %H:%M}"

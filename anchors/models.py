import contextlib

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Left
from django.utils import timezone

from core.models import BaseModel
from places.fields import PostcodeDistrictField, PostcodeField
from places.models import NamedArea
from places.postcodes import InvalidPostcode, Postcode
from sectors.models import CpvCode


class Institution(BaseModel):
    """An anchor institution that buys. Its kind, threshold class and reservation regime drive
    the legal checks in ``anchors.rules``."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        COMBINED_AUTHORITY = "combined_authority", "Combined authority"
        NHS_TRUST = "nhs_trust", "NHS trust"
        UNIVERSITY = "university", "University"
        COLLEGE = "college", "College"
        HOUSING_ASSOCIATION = "housing_association", "Housing association"
        POLICE = "police", "Police"
        CENTRAL_GOVERNMENT = "central_government", "Central government"
        OTHER = "other", "Other"

    class ThresholdClass(models.TextChoices):
        CENTRAL = "central", "Central government"
        SUB_CENTRAL = "sub_central", "Sub-central (councils and most other authorities)"

    class Regime(models.TextChoices):
        ORDER_2026 = (
            "order_2026",
            ("Local Government (Exclusion of Non-commercial Considerations) (England) Order 2026"),
        )
        PPN_005 = "ppn_005", "PPN 005 (reserving below-threshold procurements)"
        NONE = "none", "None (no reservations)"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    threshold_class = models.CharField(
        max_length=16,
        choices=ThresholdClass.choices,
        default=ThresholdClass.SUB_CENTRAL,
        help_text="Which procurement thresholds and notifiable values apply.",
    )
    reservation_regime = models.CharField(
        max_length=16,
        choices=Regime.choices,
        default=Regime.NONE,
        help_text="The rules under which this institution may reserve below-threshold lots.",
    )
    home_area_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="The authority's own area, e.g. 'Birmingham' (for location reservations).",
    )
    county_name = models.CharField(
        max_length=120, blank=True, help_text="The county it may reserve for, e.g. 'West Midlands'."
    )
    website = models.URLField(blank=True)
    is_external = models.BooleanField(
        default=False,
        help_text="A buyer known only from imported notices: it has no members here.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(BaseModel):
    """A user acting for an institution: an officer, or an admin who also manages members."""

    class Role(models.TextChoices):
        OFFICER = "officer", "Procurement officer"
        ADMIN = "admin", "Institution admin"

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="memberships"
    )
    # related_name is what accounts.roles reads to derive the officer role.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="institution_memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.OFFICER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "user"], name="membership_unique_user"),
        ]

    def __str__(self):
        return f"{self.user} at {self.institution}"


# Limits of the domain, enforced by the services (forms and the API bound their input with the
# same figures, and show the services' messages).
MAX_LOTS = 50  # the most lots one contract is split into: a plan an officer can still check
MAX_CPV_CODES = 20  # the most CPV codes one contract or lot carries


class ContractQuerySet(models.QuerySet):
    def drafts(self):
        """Contracts not yet published nor cancelled."""
        return self.filter(published_at__isnull=True, cancelled_at__isnull=True)

    def published(self):
        """Contracts published and not cancelled (open, closed or awarded)."""
        return self.filter(published_at__isnull=False, cancelled_at__isnull=True)

    def open(self, now=None):
        """Published, not cancelled, and still taking interest."""
        return self.published().filter(closes_at__gt=now or timezone.now())

    def for_institution(self, institution):
        """Contracts owned by ``institution``."""
        return self.filter(institution=institution)

    def with_status_facts(self):
        """Annotate the lot and award counts that ``Contract.status`` needs, in one query."""
        return self.annotate(
            lot_total=Count("lots", distinct=True),
            awarded_total=Count("lots__award", distinct=True),
        )


class Contract(BaseModel):
    """A requirement an institution buys, split into one or more lots.

    Lifecycle facts are stored (``published_at``, ``cancelled_at``, awards on lots) and the
    status is derived from them, so it can never disagree with the facts.
    """

    class ProcurementType(models.TextChoices):
        GOODS = "goods", "Goods"
        SERVICES = "services", "Services"
        WORKS = "works", "Works"
        LIGHT_TOUCH = "light_touch", "Light-touch services (e.g. health, social care, education)"

    class Source(models.TextChoices):
        LOCALLOTS = "locallots", "LocalLots"
        CONTRACTS_FINDER = "contracts_finder", "Contracts Finder"
        FIND_A_TENDER = "find_a_tender", "Find a Tender"
        OCDS = "ocds", "Another OCDS publisher"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        PARTLY_AWARDED = "partly_awarded", "Partly awarded"
        AWARDED = "awarded", "Awarded"
        CANCELLED = "cancelled", "Cancelled"

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="contracts")
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="In plain English: what is needed, where and when.")
    procurement_type = models.CharField(
        max_length=16, choices=ProcurementType.choices, default=ProcurementType.SERVICES
    )
    cpv_codes = models.ManyToManyField(CpvCode, related_name="contracts", blank=True)
    # Null only for imported notices that publish no value (a constraint below says so); forms
    # and services still require it for contracts posted here (blank=False).
    estimated_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        help_text="Total estimated value in pounds, excluding VAT.",
    )
    vat_exempt = models.BooleanField(
        default=False, help_text="The supply is exempt from VAT, so thresholds use the net value."
    )
    delivery_postcode = PostcodeField()
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    closes_at = models.DateTimeField(
        null=True, blank=True, help_text="Closing date and time for registering interest."
    )
    no_lots_reason = models.TextField(
        blank=True, help_text="Why the contract is not split into lots (Procurement Act 2023 s.18)."
    )
    find_a_tender_ref = models.CharField(
        "Find a Tender notice reference",
        max_length=64,
        blank=True,
        help_text="Needed at or above the notifiable value (PA23 s.84 and s.86).",
    )
    cross_border_interest = models.BooleanField(
        default=False,
        help_text="Suppliers outside the UK are likely to be interested; reservations are then not allowed.",
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    source = models.CharField(
        max_length=32,
        choices=Source.choices,
        default=Source.LOCALLOTS,
        help_text="Where the opportunity came from: posted here, or imported from open data.",
    )
    source_url = models.URLField(max_length=500, blank=True, help_text="The source notice.")
    ocid = models.CharField(
        "OCDS id",
        max_length=128,
        blank=True,
        db_index=True,
        help_text="The Open Contracting id of an imported notice (empty for our own contracts).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts_created",
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The public search lists open lots by closing date.
            models.Index(
                fields=["closes_at", "id"],
                condition=Q(published_at__isnull=False, cancelled_at__isnull=True),
                name="contract_published_closes",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_value__gt=0),
                name="contract_value_positive",
                violation_error_message="The estimated value must be more than £0.",
            ),
            models.CheckConstraint(
                condition=Q(estimated_value__isnull=False) | ~Q(source="locallots"),
                name="contract_value_unless_imported",
                violation_error_message="Give the contract's estimated value.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="contract_ends_after_start",
                violation_error_message="The contract must end on or after the day it starts.",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def status(self) -> str:
        if self.cancelled_at:
            return self.Status.CANCELLED
        if not self.published_at:
            return self.Status.DRAFT
        lot_total, awarded = self._lot_and_award_counts()
        if lot_total and awarded == lot_total:
            return self.Status.AWARDED
        if awarded:
            return self.Status.PARTLY_AWARDED
        if self.closes_at and self.closes_at <= timezone.now():
            return self.Status.CLOSED
        return self.Status.OPEN

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    def _lot_and_award_counts(self) -> tuple[int, int]:
        if hasattr(self, "lot_total"):
            return self.lot_total, self.awarded_total
        counts = self.lots.aggregate(lots=Count("id"), awarded=Count("award"))
        return counts["lots"], counts["awarded"]


class LotQuerySet(models.QuerySet):
    def published(self):
        """Lots of published, not cancelled contracts."""
        return self.filter(
            contract__published_at__isnull=False, contract__cancelled_at__isnull=True
        )

    def open(self, now=None):
        """Lots taking interest now: published, before the closing date, not yet awarded.

        "Not awarded" is written as NOT EXISTS, which PostgreSQL plans as an anti join: about
        twice as fast as the outer join over a long list such as the public search."""
        awards = Award.objects.filter(lot_id=models.OuterRef("pk"))
        return self.published().filter(
            ~models.Exists(awards), contract__closes_at__gt=now or timezone.now()
        )

    def hyper_local(self):
        """Lots with a target area (a named area or a list of districts)."""
        return self.filter(Q(target_area__isnull=False) | ~Q(target_districts=[]))

    def reserved(self):
        """Lots with a lawful reservation of any kind."""
        return self.exclude(
            reservation_suppliers=Lot.SupplierReservation.NONE,
            reservation_location=Lot.LocationReservation.NONE,
        )


class Lot(BaseModel):
    """A part of a contract that a smaller business could deliver on its own.

    Two independent settings (PROCUREMENT_FACTS.md): a *target area* makes the lot hyper-local
    (promoted to, and ranked first for, businesses in the area: a preference, never an
    eligibility rule), and a *reservation* is the legal restriction of who may take part.
    """

    class SupplierReservation(models.TextChoices):
        NONE = "none", "Open to all suppliers"
        SME = "sme", "Reserved for SMEs"
        VCSE = "vcse", "Reserved for VCSEs"
        SME_VCSE = "sme_vcse", "Reserved for SMEs and VCSEs"

    class LocationReservation(models.TextChoices):
        NONE = "none", "No location reservation"
        UK = "uk", "Suppliers based in the UK"
        AUTHORITY_AREA = "authority_area", "Suppliers based in the authority's area"
        AUTHORITY_AREA_AND_NEIGHBOURS = (
            "authority_area_and_neighbours",
            ("Suppliers based in the authority's area or a bordering county"),
        )
        COUNTY = "county", "Suppliers based in the county"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Null only for lots of imported notices that publish no value.
    value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, help_text="Pounds, excluding VAT."
    )
    cpv_codes = models.ManyToManyField(CpvCode, through="LotCpv", related_name="lots", blank=True)
    delivery_postcode = PostcodeField(
        blank=True,
        help_text="Where the work is delivered; leave empty when only the district is known.",
    )
    delivery_district = PostcodeDistrictField(
        db_index=True, help_text="Postcode district of delivery, e.g. B9 (taken from the postcode)."
    )
    target_area = models.ForeignKey(
        NamedArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lots",
        help_text="Promote this lot to businesses in this area (a preference, not a rule).",
    )
    target_districts = models.JSONField(
        default=list, blank=True, help_text="Or a list of postcode districts, e.g. ['B9', 'B10']."
    )
    reservation_suppliers = models.CharField(
        max_length=16, choices=SupplierReservation.choices, default=SupplierReservation.NONE
    )
    reservation_location = models.CharField(
        max_length=32, choices=LocationReservation.choices, default=LocationReservation.NONE
    )
    reservation_rationale = models.TextField(
        blank=True, help_text="Why the lot is reserved (recorded with every reservation)."
    )
    required_certifications = models.ManyToManyField(
        "suppliers.Certification",
        related_name="lots_requiring",
        blank=True,
        help_text="Advisory: scored and shown, never a bar to registering interest (PA23 s.85).",
    )

    objects = LotQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "number"]
        indexes = [models.Index(fields=["value", "id"], name="lot_value")]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="lot_unique_number"),
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="lot_value_positive",
                violation_error_message="A lot must be worth more than £0.",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="lot_number_from_one"),
        ]

    def __str__(self):
        return f"Lot {self.number}: {self.title}"

    def clean_fields(self, exclude=None):
        # The district follows the postcode whenever there is one; a bad postcode is reported
        # by the field validation below, on delivery_postcode.
        if self.delivery_postcode:
            with contextlib.suppress(InvalidPostcode):
                self.delivery_district = Postcode.parse(self.delivery_postcode).district
        super().clean_fields(exclude=exclude)

    @property
    def is_hyper_local(self) -> bool:
        return self.target_area_id is not None or bool(self.target_districts)

    @property
    def is_reserved(self) -> bool:
        return (
            self.reservation_suppliers != self.SupplierReservation.NONE
            or self.reservation_location != self.LocationReservation.NONE
        )


class LotCpv(models.Model):
    """A CPV code of a lot, with its division derived by the database for the matching index.

    Generated (not set in ``save``) because the services add codes with ``lot.cpv_codes.set``,
    which bulk-creates these rows without calling ``save``.
    """

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="cpv_links")
    cpv_code = models.ForeignKey(CpvCode, on_delete=models.PROTECT, related_name="lot_links")
    division = models.GeneratedField(
        expression=Left("cpv_code", 2),
        output_field=models.CharField(max_length=2),
        db_persist=True,
        db_index=True,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lot", "cpv_code"], name="lotcpv_unique_code"),
        ]

    def __str__(self):
        return f"{self.lot_id}: {self.cpv_code_id}"


class Award(BaseModel):
    """Who won a lot and for how much: a registered business, or an outside supplier."""

    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="award")
    business = models.ForeignKey(
        "suppliers.Business", null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    supplier_name = models.CharField(max_length=200, blank=True)
    supplier_postcode = PostcodeField(blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, help_text="Pounds, excluding VAT.")
    awarded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="awards_recorded",
    )

    class Meta:
        ordering = ["-awarded_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="award_value_positive",
                violation_error_message="The award value must be more than £0.",
            ),
            models.CheckConstraint(
                condition=Q(business__isnull=False) | ~Q(supplier_name=""),
                name="award_has_a_supplier",
                violation_error_message="Name the supplier that won the lot.",
            ),
        ]

    def __str__(self):
        return f"{self.lot} to {self.supplier_display}"

    @property
    def supplier_display(self) -> str:
        return self.business.name if self.business_id else self.supplier_name


class QuestionQuerySet(models.QuerySet):
    def published(self):
        """Answered questions, shown to everyone on the opportunity page."""
        return self.filter(answered_at__isnull=False, withdrawn_at__isnull=True)

    def unanswered(self):
        return self.filter(answered_at__isnull=True, withdrawn_at__isnull=True)


class Question(BaseModel):
    """A clarification question about a lot, asked by a business; the officer's answer is
    published to everyone with the question, and the asker is never shown."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="questions")
    business = models.ForeignKey(
        "suppliers.Business", on_delete=models.CASCADE, related_name="questions"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="questions_asked",
    )
    text = models.TextField(max_length=2000)
    answer = models.TextField(max_length=5000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions_answered",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["lot", "answered_at"], name="question_lot_answered")]

    def __str__(self):
        return f"Question {self.pk} on {self.lot}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

"""The supply side: businesses, the people who act for them, their sectors and certifications.

Size class, VCSE status and postcode district are derived by the database
(``GeneratedField``, stored), so they can never disagree with the facts they come from and
matching can filter on them by index. This app knows nothing of lots or contracts.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Left, StrIndex

from core.models import BaseModel
from places.fields import PostcodeField
from sectors.models import CpvCode
from suppliers import sizes
from suppliers.fields import CharityNumberField, CompanyNumberField
from suppliers.querysets import BusinessQuerySet

DESCRIPTION_MAX_LENGTH = 2000
GENERATED_FIELDS = ("district", "size_class", "is_vcse")


class Certification(BaseModel):
    """A certificate or accreditation buyers ask for (Cyber Essentials, ISO 9001, ...)."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True, help_text="Where a buyer can read about it.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


def _size_class_expression():
    """``sizes.size_class_for`` in SQL: the first band whose staff and turnover limits hold."""
    whens = [When(staff_headcount__isnull=True, then=Value(None))]
    for size_class, staff_below, turnover_max in sizes.SIZE_BANDS:
        turnover_ok = Q(annual_turnover__isnull=True) | Q(annual_turnover__lte=turnover_max)
        whens.append(
            When(Q(staff_headcount__lt=staff_below) & turnover_ok, then=Value(size_class.value))
        )
    return Case(*whens, default=Value(sizes.SizeClass.LARGE.value))


class Business(BaseModel):
    """A local business, charity or social enterprise that wants public contracts."""

    class LegalForm(models.TextChoices):
        SOLE_TRADER = "sole_trader", "Sole trader"
        PARTNERSHIP = "partnership", "Partnership"
        LIMITED_COMPANY = "limited_company", "Limited company"
        CIC = "cic", "Community interest company (CIC)"
        CHARITY = "charity", "Charity or CIO"
        COOPERATIVE = "cooperative", "Co-operative or community benefit society"
        OTHER = "other", "Other"

    class SizeClass(models.TextChoices):
        MICRO = sizes.SizeClass.MICRO, "Micro (fewer than 10 staff)"
        SMALL = sizes.SizeClass.SMALL, "Small (fewer than 50 staff)"
        MEDIUM = sizes.SizeClass.MEDIUM, "Medium (fewer than 250 staff)"
        LARGE = sizes.SizeClass.LARGE, "Large"

    # Legal forms that make a business a VCSE by themselves (PROCUREMENT_FACTS "Sizes and types").
    VCSE_LEGAL_FORMS = (LegalForm.CIC, LegalForm.CHARITY, LegalForm.COOPERATIVE)

    name = models.CharField(max_length=200)
    legal_form = models.CharField(max_length=32, choices=LegalForm.choices)
    companies_house_number = CompanyNumberField("Companies House number")
    charity_number = CharityNumberField("charity number")
    postcode = PostcodeField()
    district = models.GeneratedField(
        expression=Left("postcode", StrIndex("postcode", Value(" ")) - 1),
        output_field=models.CharField(max_length=4),
        db_persist=True,
        db_index=True,
        help_text="Postcode district (B9), derived from the postcode.",
    )
    sectors = models.ManyToManyField(
        CpvCode, through="BusinessSector", related_name="businesses", blank=True
    )
    staff_headcount = models.PositiveIntegerField(
        "number of staff", null=True, blank=True, help_text="Including owners who work in it."
    )
    annual_turnover = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="GBP a year.",
    )
    max_contract_value = models.DecimalField(
        "largest contract",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Largest single contract you can take on (GBP, excluding VAT).",
    )
    concurrent_capacity = models.PositiveSmallIntegerField(
        "contracts at once",
        default=1,
        validators=[MinValueValidator(1, "A business can deliver at least one contract at once.")],
        help_text="How many contracts you can deliver at once.",
    )
    certifications = models.ManyToManyField(Certification, related_name="businesses", blank=True)
    description = models.TextField(
        blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)]
    )
    website = models.URLField(blank=True)
    public_profile = models.BooleanField(
        default=False, help_text="Opt in to show this profile to the public."
    )
    social_enterprise_declared = models.BooleanField(
        "social enterprise",
        default=False,
        help_text="A social enterprise that reinvests its surpluses for social or "
        "environmental aims.",
    )
    is_active = models.BooleanField(default=True)
    size_class = models.GeneratedField(
        expression=_size_class_expression(),
        output_field=models.CharField(max_length=6, null=True, choices=SizeClass.choices),
        db_persist=True,
        db_index=True,
    )
    is_vcse = models.GeneratedField(
        expression=Case(
            When(
                Q(legal_form__in=VCSE_LEGAL_FORMS) | Q(social_enterprise_declared=True),
                then=Value(True),
            ),
            default=Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        db_index=True,
        verbose_name="VCSE",
    )

    objects = BusinessQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "businesses"
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(concurrent_capacity__gte=1),
                name="business_concurrent_capacity_at_least_1",
                violation_error_message="A business can deliver at least one contract at once.",
            ),
            models.CheckConstraint(
                condition=Q(annual_turnover__gte=0) | Q(annual_turnover__isnull=True),
                name="business_annual_turnover_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(max_contract_value__gte=0) | Q(max_contract_value__isnull=True),
                name="business_max_contract_value_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_sme(self) -> bool:
        """PA23 SME: fewer than 250 staff and, when given, turnover at most £44m."""
        return sizes.is_sme_for(self.staff_headcount, self.annual_turnover)

    @property
    def effective_max_contract_value(self):
        """The largest contract to assume (DESIGN section 4): stated, else half the turnover."""
        return sizes.effective_max_contract_value(self.max_contract_value, self.annual_turnover)

    @property
    def profile_missing(self) -> list[str]:
        """What the owner still has to add before matching can use the profile, in words.

        Reads sectors from a prefetch when there is one; an unsaved business has none.
        """
        has_sectors = self.pk is not None and bool(self.sector_links.all())
        checks = [
            (bool(self.postcode), "a postcode"),
            (has_sectors, "at least one sector"),
            (self.staff_headcount is not None, "your number of staff"),
            (
                self.effective_max_contract_value is not None,
                "your capacity (largest contract or turnover)",
            ),
            (bool(self.description.strip()), "a short description"),
        ]
        return [label for present, label in checks if not present]

    @property
    def profile_complete(self) -> bool:
        return not self.profile_missing


class BusinessSector(BaseModel):
    """A CPV code a business works in; ``division`` is stored for the matching pre-filter."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="sector_links")
    cpv_code = models.ForeignKey(
        CpvCode, on_delete=models.PROTECT, related_name="business_links", verbose_name="CPV code"
    )
    division = models.GeneratedField(
        expression=Left("cpv_code", 2),
        output_field=models.CharField(max_length=2),
        db_persist=True,
        db_index=True,
    )

    class Meta:
        ordering = ["business_id", "cpv_code_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "cpv_code"], name="businesssector_unique_code"
            )
        ]

    def __str__(self):
        return f"{self.business} - {self.cpv_code_id}"


class BusinessMember(BaseModel):
    """A person who acts for a business. Owners also manage who else belongs."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Member"

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="members")
    # accounts.roles counts these rows to make the user a "supplier": keep the related_name.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="business_memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["business_id", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["business", "user"], name="businessmember_unique_user")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) at {self.business}"

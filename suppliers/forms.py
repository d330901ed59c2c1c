"""The business profile form: it reads what people type; the rules live in the services.

Field names are the keyword arguments of ``business_create`` / ``business_update``, so a view
passes ``form.cleaned_data`` straight through and hands any ``ValidationError`` back with
``form.add_error(None, exc)``: its keys land on the matching fields.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError

from places.fields import PostcodeFormField
from sectors.forms import CpvMultipleChoiceField
from suppliers import identifiers
from suppliers.models import DESCRIPTION_MAX_LENGTH, Business, Certification
from suppliers.services import CERTIFICATION_SLUGS, PROFILE_FIELDS, SECTOR_CODES


class MoneyField(forms.DecimalField):
    """Pounds and pence, excluding VAT; tolerates "£" and thousands commas as people type them.

    A text box with a decimal keypad, not ``type="number"`` (which refuses "£250,000" in the
    browser and which the GOV.UK Design System advises against)."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("required", False)
        kwargs.setdefault("localize", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").strip()
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "data-prefix": "£"})
        attrs.pop("step", None)
        return attrs


MAX_SECTOR_CODES = 50


class SectorCodesField(CpvMultipleChoiceField):
    """The CPV field with a cap on what it will read: a pasted novel is an error, not a query
    with a hundred thousand parameters (also when the page shows it again with the error)."""

    max_text_length = 2000

    def to_python(self, value):
        if isinstance(value, str) and len(value) > self.max_text_length:
            raise ValidationError(
                f"Enter at most {self.max_text_length:,} characters of CPV codes "
                f"(you entered {len(value):,}).",
                code="max_length",
            )
        return super().to_python(value)

    def bound_data(self, data, initial):
        if isinstance(data, str):
            return data[: self.max_text_length]
        if isinstance(data, list | tuple):
            return list(data)[: (self.max_codes or MAX_SECTOR_CODES) + 1]
        return data


MAX_STAFF = 1_000_000
MAX_CONCURRENT = 1000


def money_errors(what: str) -> dict:
    return {
        "invalid": f"{what} must be an amount in pounds, like 250000",
        "min_value": f"{what} must be £0 or more",
        "max_digits": f"{what} must be less than £1,000,000,000,000",
        "max_whole_digits": f"{what} must be less than £1,000,000,000,000",
        "max_decimal_places": f"{what} must be in pounds and pence, like 250000.50",
    }


class BusinessForm(forms.Form):
    name = forms.CharField(
        label="Business name",
        max_length=200,
        error_messages={
            "required": "Enter your business name",
            "max_length": "Business name must be %(limit_value)d characters or fewer",
        },
    )
    legal_form = forms.ChoiceField(
        label="Legal form",
        choices=Business.LegalForm.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select your business’s legal form",
            "invalid_choice": "Select one of the legal forms listed",
        },
    )
    companies_house_number = forms.CharField(
        label="Companies House number (optional)",
        required=False,
        max_length=20,
        help_text="8 characters, like 01234567 or SC123456.",
        error_messages={"max_length": identifiers.COMPANY_NUMBER_MESSAGE},
    )
    charity_number = forms.CharField(
        label="Charity number (optional)",
        required=False,
        max_length=20,
        help_text="Like 1123456, SC012345 or NIC100002.",
        error_messages={"max_length": identifiers.CHARITY_NUMBER_MESSAGE},
    )
    postcode = PostcodeFormField(
        label="Postcode",
        help_text="Where the business is based, like B9 4AA.",
        error_messages={"required": "Enter your business’s postcode, like B9 4AA"},
    )
    sector_codes = SectorCodesField(
        label="What you supply",
        required=False,
        max_codes=MAX_SECTOR_CODES,
        help_text="Search for your sectors, or type CPV codes separated by commas.",
    )
    staff_headcount = forms.IntegerField(
        label="Number of staff",
        required=False,
        min_value=0,
        max_value=MAX_STAFF,
        help_text="Everyone who works in the business, including owners.",
        error_messages={
            "invalid": "Enter the number of staff as a whole number, like 6",
            "min_value": "Number of staff must be 0 or more",
            "max_value": f"Number of staff must be fewer than {MAX_STAFF:,}",
        },
    )
    annual_turnover = MoneyField(
        label="Annual turnover (£)",
        help_text="In pounds, roughly, like 250000.",
        error_messages=money_errors("Annual turnover"),
    )
    max_contract_value = MoneyField(
        label="Largest contract you can take on (£, excluding VAT)",
        help_text="Leave blank and we will assume half your annual turnover.",
        error_messages=money_errors("The largest contract"),
    )
    concurrent_capacity = forms.IntegerField(
        label="Contracts you can deliver at once",
        min_value=1,
        max_value=MAX_CONCURRENT,
        initial=1,
        error_messages={
            "required": "Enter how many contracts you can deliver at once, like 1",
            "invalid": "Enter how many contracts you can deliver at once as a whole number",
            "min_value": "Contracts you can deliver at once must be 1 or more",
            "max_value": f"Contracts you can deliver at once must be {MAX_CONCURRENT} or fewer",
        },
    )
    certification_slugs = forms.MultipleChoiceField(
        label="Certifications",
        required=False,
        help_text="Select all that apply.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select certifications from the list"},
    )
    description = forms.CharField(
        label="Short description",
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        error_messages={
            "max_length": "Short description must be %(limit_value)d characters or fewer "
            "(it has %(show_value)d)"
        },
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you do and for whom, in a few sentences.",
    )
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        assume_scheme="https",
        max_length=200,
        error_messages={
            "invalid": "Enter your website’s address, like www.example.org",
            "max_length": "Website address must be %(limit_value)d characters or fewer",
        },
    )
    social_enterprise_declared = forms.BooleanField(
        label="We are a social enterprise that reinvests its surpluses for social or "
        "environmental aims",
        required=False,
    )
    public_profile = forms.BooleanField(label="Show our profile to the public", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if CERTIFICATION_SLUGS in self.fields:  # step forms may leave it out
            self.fields[CERTIFICATION_SLUGS].choices = Certification.objects.values_list(
                "slug", "name"
            )

    @staticmethod
    def initial_for(business: Business) -> dict:
        """Initial data to edit ``business`` (two queries for sectors and certifications)."""
        initial = {field: getattr(business, field) for field in PROFILE_FIELDS}
        initial[SECTOR_CODES] = [link.cpv_code_id for link in business.sector_links.all()]
        initial[CERTIFICATION_SLUGS] = [c.slug for c in business.certifications.all()]
        return initial

    def changed_values(self) -> dict:
        """Only what the person changed: the keyword arguments for ``business_update``."""
        return {name: self.cleaned_data[name] for name in self.changed_data}


class BusinessStepForm(BusinessForm):
    """A slice of ``BusinessForm`` for one step of the profile pages, or all of it.

    Each field is also checked as the model checks it (registration number formats, number
    ranges, lengths), so a step reports the problems ``business_create`` would refuse later.
    The services still validate everything when the answers are confirmed.
    """

    labels: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.labels.items():
            if name in self.fields:
                self.fields[name].label = label

    def clean(self):
        cleaned = super().clean()
        for name in PROFILE_FIELDS:
            if name not in self.fields or name not in cleaned:
                continue
            try:
                cleaned[name] = Business._meta.get_field(name).clean(cleaned[name], None)
            except ValidationError as exc:
                self.add_error(name, exc)
        return cleaned

    def answers(self) -> dict:
        """What was posted for this step's fields, as JSON (strings, lists and booleans)."""
        return {name: self[name].data for name in self.fields}


def step_form(name: str, fields: tuple[str, ...], labels: dict | None = None):
    """A ``BusinessStepForm`` with only ``fields`` (a field set to None is left out)."""
    dropped = {other: None for other in BusinessForm.base_fields if other not in fields}
    attrs = {"__module__": __name__, "labels": labels or {}, **dropped}
    return type(name, (BusinessStepForm,), attrs)


@dataclass(frozen=True)
class ProfileStep:
    """One question page of the business profile: its URL slug, title and fields."""

    slug: str
    title: str
    fields: tuple[str, ...]
    labels: dict = field(default_factory=dict)

    @cached_property
    def form_class(self) -> type[BusinessStepForm]:
        return step_form(f"{self.slug.title()}StepForm", self.fields, self.labels)

    @property
    def single_question(self) -> bool:
        """One field: its label (or legend) is the page heading (GOV.UK question page)."""
        return len(self.fields) == 1


PROFILE_STEPS = (
    ProfileStep(
        "about",
        "About your business",
        (
            "name",
            "legal_form",
            "companies_house_number",
            "charity_number",
            "description",
            "website",
            "social_enterprise_declared",
            "public_profile",
        ),
    ),
    ProfileStep(
        "location",
        "Where your business is",
        ("postcode",),
        labels={"postcode": "What is your business’s postcode?"},
    ),
    ProfileStep(
        "sectors",
        "What you supply",
        (SECTOR_CODES,),
        labels={SECTOR_CODES: "What does your business supply?"},
    ),
    ProfileStep(
        "size",
        "Size and capacity",
        ("staff_headcount", "annual_turnover", "max_contract_value", "concurrent_capacity"),
    ),
    ProfileStep(
        "certifications",
        "Certifications",
        (CERTIFICATION_SLUGS,),
        labels={CERTIFICATION_SLUGS: "Which certifications does your business hold?"},
    ),
)
STEPS_BY_SLUG = {step.slug: step for step in PROFILE_STEPS}
STEP_OF_FIELD = {name: step for step in PROFILE_STEPS for name in step.fields}
ProfileForm = step_form("ProfileForm", tuple(BusinessForm.base_fields))

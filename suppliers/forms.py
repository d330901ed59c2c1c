"""The business profile form: it reads what people type; the rules live in the services.

Field names are the keyword arguments of ``business_create`` / ``business_update``, so a view
passes ``form.cleaned_data`` straight through and hands any ``ValidationError`` back with
``form.add_error(None, exc)``: its keys land on the matching fields.
"""

from django import forms

from places.fields import PostcodeFormField
from sectors.forms import CpvMultipleChoiceField
from suppliers.models import DESCRIPTION_MAX_LENGTH, Business, Certification
from suppliers.services import CERTIFICATION_SLUGS, PROFILE_FIELDS, SECTOR_CODES


class MoneyField(forms.DecimalField):
    """Pounds and pence, excluding VAT; tolerates "£" and thousands commas as people type them."""

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


class BusinessForm(forms.Form):
    name = forms.CharField(label="Business name", max_length=200)
    legal_form = forms.ChoiceField(
        label="Legal form",
        choices=Business.LegalForm.choices,
        widget=forms.RadioSelect,
    )
    companies_house_number = forms.CharField(
        label="Companies House number (optional)",
        required=False,
        max_length=20,
        help_text="8 characters, like 01234567 or SC123456.",
    )
    charity_number = forms.CharField(
        label="Charity number (optional)",
        required=False,
        max_length=20,
        help_text="Like 1123456, SC012345 or NIC100002.",
    )
    postcode = PostcodeFormField(label="Postcode", help_text="Where the business is based.")
    sector_codes = CpvMultipleChoiceField(
        label="What you supply",
        required=False,
        help_text="Search for your sectors, or type CPV codes separated by commas.",
    )
    staff_headcount = forms.IntegerField(
        label="Number of staff",
        required=False,
        min_value=0,
        help_text="Everyone who works in the business, including owners.",
    )
    annual_turnover = MoneyField(label="Annual turnover (£)", help_text="In pounds, roughly.")
    max_contract_value = MoneyField(
        label="Largest contract you can take on (£, excluding VAT)",
        help_text="Leave blank and we will assume half your annual turnover.",
    )
    concurrent_capacity = forms.IntegerField(
        label="Contracts you can deliver at once", min_value=1, initial=1
    )
    certification_slugs = forms.MultipleChoiceField(
        label="Certifications",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label="Short description",
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you do and for whom, in a few sentences.",
    )
    website = forms.URLField(label="Website (optional)", required=False, assume_scheme="https")
    social_enterprise_declared = forms.BooleanField(
        label="We are a social enterprise that reinvests its surpluses for social or "
        "environmental aims",
        required=False,
    )
    public_profile = forms.BooleanField(label="Show our profile to the public", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[CERTIFICATION_SLUGS].choices = Certification.objects.values_list("slug", "name")

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

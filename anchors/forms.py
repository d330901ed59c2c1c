"""Forms for the buyer workspace. They read what officers type; the rules live in the services.

Field names are the services' keyword arguments (and the keys of their ``ValidationError``s),
so a view passes ``cleaned_data`` through and ``core.web.apply_service_errors`` puts each
refusal next to the field it is about.
"""

from datetime import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from anchors.models import MAX_CPV_CODES, MAX_LOTS, Contract, Lot
from places.fields import PostcodeFormField
from places.postcodes import InvalidPostcode, normalise_district
from sectors.forms import CpvMultipleChoiceField
from suppliers.forms import MoneyField
from suppliers.models import Certification

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d"]
DATE_HINT = "For example, 31/3/2027."
TEXT_MAX = 5000


class FirstOptionRadioSelect(forms.RadioSelect):
    """Radios whose label points at the first option, so an error summary link lands on it."""

    def id_for_label(self, id_, index="0"):
        return f"{id_}_{index}" if id_ else id_


def _date_field(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y"),
        error_messages={"invalid": f"Enter a real date, like 31/3/2027. {DATE_HINT}"},
        **kwargs,
    )


def _money_field(label: str, **kwargs) -> MoneyField:
    return MoneyField(
        label=label,
        required=True,
        error_messages={
            "required": "Enter an amount in pounds, like 25000.",
            "invalid": "Enter an amount in pounds, like 25000 or 25000.50.",
            "max_digits": "Enter an amount under £1,000,000,000,000.",
            "max_whole_digits": "Enter an amount under £1,000,000,000,000.",
            "max_decimal_places": "Enter pounds and pence with at most 2 decimal places.",
            "min_value": "Enter an amount more than £0.",
        },
        **kwargs,
    )


def parse_districts(text: str) -> list[str]:
    """ "B9, b10 B11" -> ["B9", "B10", "B11"]; ``ValidationError`` naming a bad district."""
    pieces = [p for p in text.replace(",", " ").replace(";", " ").split() if p]
    try:
        return list(dict.fromkeys(normalise_district(p) for p in pieces))
    except InvalidPostcode as exc:
        raise ValidationError(str(exc)) from exc


class ContractForm(forms.Form):
    """Create a contract, or edit a draft. ``institutions`` are those the officer acts for."""

    institution = forms.ModelChoiceField(
        queryset=None,
        empty_label=None,
        widget=FirstOptionRadioSelect,
        label="Which institution is buying?",
        error_messages={
            "required": "Choose the institution that is buying.",
            "invalid_choice": "Choose one of your institutions.",
        },
    )
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(
        label="Description",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In plain English: what is needed, where and when.",
    )
    procurement_type = forms.ChoiceField(
        label="What are you buying?",
        choices=Contract.ProcurementType.choices,
        widget=FirstOptionRadioSelect,
        initial=Contract.ProcurementType.SERVICES,
        error_messages={"invalid_choice": "Choose goods, services, works or light-touch services."},
    )
    cpv_codes = CpvMultipleChoiceField(
        label="Sectors (CPV codes)",
        max_codes=MAX_CPV_CODES,
        help_text="Search for sectors, or type CPV codes separated by commas.",
    )
    estimated_value = _money_field("Estimated value, excluding VAT (£)", min_value=Decimal("0.01"))
    vat_exempt = forms.BooleanField(
        label="The supply is exempt from VAT",
        required=False,
        help_text="Thresholds then use the value as it is, without adding VAT.",
    )
    cross_border_interest = forms.BooleanField(
        label="Suppliers outside the UK are likely to be interested",
        required=False,
        help_text="A contract like this cannot have reserved lots.",
    )
    delivery_postcode = PostcodeFormField(
        label="Delivery postcode", help_text="Where the work is done or the goods delivered."
    )
    starts_on = _date_field("Contract start date (optional)", required=False, help_text=DATE_HINT)
    ends_on = _date_field("Contract end date (optional)", required=False, help_text=DATE_HINT)
    closes_on = _date_field(
        "Closing date for interest (optional until you publish)",
        required=False,
        help_text=DATE_HINT,
    )
    closes_time = forms.TimeField(
        label="Closing time",
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TimeInput(format="%H:%M"),
        initial="12:00",
        help_text="24-hour clock, for example 12:00 or 17:30.",
        error_messages={"invalid": "Enter a time on the 24-hour clock, like 12:00 or 17:30."},
    )
    find_a_tender_ref = forms.CharField(
        label="Find a Tender notice reference (optional)",
        max_length=64,
        required=False,
        help_text="Needed before publishing at or above the notifiable value, for example "
        "2027/S 000-012345.",
    )
    no_lots_reason = forms.CharField(
        label="Why this contract is not split into lots (if it is not)",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Procurement Act 2023 section 18: the tender notice must give the reasons.",
    )

    # What ``contract_create`` and ``contract_update`` take (the reason for not splitting is
    # asked only when editing).
    SERVICE_FIELDS = (
        "title",
        "description",
        "procurement_type",
        "cpv_codes",
        "estimated_value",
        "vat_exempt",
        "delivery_postcode",
        "starts_on",
        "ends_on",
        "closes_at",
        "find_a_tender_ref",
        "cross_border_interest",
        "no_lots_reason",
    )

    def __init__(self, *args, institutions, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        field.queryset = institutions
        if editing or len(institutions) <= 1:
            del self.fields["institution"]
        if not editing:
            del self.fields["no_lots_reason"]

    @staticmethod
    def initial_for(contract: Contract) -> dict:
        closes = timezone.localtime(contract.closes_at) if contract.closes_at else None
        return {
            **{
                name: getattr(contract, name)
                for name in (
                    "title",
                    "description",
                    "procurement_type",
                    "estimated_value",
                    "vat_exempt",
                    "cross_border_interest",
                    "delivery_postcode",
                    "starts_on",
                    "ends_on",
                    "find_a_tender_ref",
                    "no_lots_reason",
                )
            },
            "cpv_codes": [code.pk for code in contract.cpv_codes.all()],
            "closes_on": closes.date() if closes else None,
            "closes_time": closes.time().replace(second=0, microsecond=0) if closes else "12:00",
        }

    def clean(self):
        data = super().clean()
        closes_on, closes_time = data.get("closes_on"), data.get("closes_time")
        if closes_on:
            moment = datetime.combine(
                closes_on, closes_time or datetime.min.time().replace(hour=12)
            )
            data["closes_at"] = timezone.make_aware(moment)
        elif "closes_on" not in self.errors:
            data["closes_at"] = None
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in self.SERVICE_FIELDS if name in data}


# Splitting ----------------------------------------------------------------------------------


class SplitPlanForm(forms.Form):
    """Step 1 of a split: how to propose the lots. The proposal itself is the service's."""

    EVEN, DISTRICT, CAP, HAND = "even", "district", "cap", "hand"

    plan = forms.ChoiceField(
        label="How do you want to split this contract?",
        choices=[
            (EVEN, "Into a number of equal lots"),
            (DISTRICT, "One lot for each postcode district in a list"),
            (CAP, "So that no lot is worth more than an amount"),
            (HAND, "By hand: I will set each lot's title and value"),
        ],
        widget=FirstOptionRadioSelect,
        error_messages={
            "required": "Choose how to split the contract.",
            "invalid_choice": "Choose one of the ways to split the contract.",
        },
    )
    lots = forms.IntegerField(
        label="Number of lots (if splitting into equal lots)",
        required=False,
        min_value=2,
        max_value=MAX_LOTS,
        error_messages={
            "invalid": "Enter the number of lots as a whole number, like 3.",
            "min_value": "Split into at least 2 lots.",
            "max_value": f"Split into at most {MAX_LOTS} lots.",
        },
    )
    districts = forms.CharField(
        label="Postcode districts (if splitting by district)",
        required=False,
        max_length=500,
        help_text="Separated by commas, for example B8, B9, B10.",
    )
    cap = MoneyField(
        label="Largest lot value, excluding VAT (if splitting by value) (£)",
        min_value=Decimal("0.01"),
        error_messages={
            "invalid": "Enter the largest lot value in pounds, like 25000.",
            "min_value": "The largest lot value must be more than £0.",
            "max_digits": "Enter an amount under £1,000,000,000,000.",
            "max_whole_digits": "Enter an amount under £1,000,000,000,000.",
            "max_decimal_places": "Enter pounds and pence with at most 2 decimal places.",
        },
    )

    def clean(self):
        data = super().clean()
        plan = data.get("plan")
        needed = {self.EVEN: "lots", self.DISTRICT: "districts", self.CAP: "cap"}.get(plan)
        messages = {
            "lots": "Enter how many lots to split the contract into.",
            "districts": "List the postcode districts, for example B8, B9, B10.",
            "cap": "Enter the largest value a lot may have.",
        }
        if needed and needed not in self.errors and data.get(needed) in (None, ""):
            self.add_error(needed, messages[needed])
        if plan == self.DISTRICT and data.get("districts"):
            try:
                data["districts"] = parse_districts(data["districts"])
            except ValidationError as exc:
                self.add_error("districts", exc)
        # The proposal itself (``anchors.services.propose_*``) refuses more than MAX_LOTS lots.
        return data


class LotRowForm(forms.Form):
    """One proposed lot in step 2 of a split: title, value and target districts."""

    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for this lot."},
    )
    value = _money_field("Value, excluding VAT (£)")
    districts = forms.CharField(
        label="Target postcode districts (optional)",
        required=False,
        max_length=200,
    )

    def clean_districts(self):
        return parse_districts(self.cleaned_data["districts"])


class BaseLotRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "lots")
        super().__init__(*args, **kwargs)
        for index, form in enumerate(self.forms, start=1):
            for name, field in form.fields.items():
                field.label = f"Lot {index} {field.label[0].lower()}{field.label[1:]}"
                field.widget.attrs.setdefault("data-field", name)


LotRowFormSet = forms.formset_factory(
    LotRowForm,
    formset=BaseLotRowFormSet,
    extra=0,
    min_num=0,
    max_num=MAX_LOTS,
    absolute_max=MAX_LOTS,
    validate_max=True,
)


# Lot settings -------------------------------------------------------------------------------


class LotForm(forms.Form):
    """A lot's words, place, sectors, target area and reservation, saved by three services."""

    NO_AREA, DISTRICTS = "none", "districts"

    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What this part of the contract covers, in plain English.",
    )
    delivery_postcode = PostcodeFormField(label="Delivery postcode (optional)", required=False)
    cpv_codes = CpvMultipleChoiceField(
        label="Sectors (CPV codes)",
        max_codes=MAX_CPV_CODES,
        help_text="Search for sectors, or type CPV codes separated by commas.",
    )
    required_certifications = forms.ModelMultipleChoiceField(
        label="Certifications you would like (optional)",
        queryset=Certification.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Advisory only: they are shown and scored, never a bar to registering interest.",
        error_messages={"invalid_choice": "Choose certifications from the list."},
    )
    target = forms.ChoiceField(
        label="Target area (hyper-local)",
        widget=FirstOptionRadioSelect,
        help_text="Promote the lot to businesses in an area; they rank first. A preference, "
        "never a rule: anyone may still register interest.",
        error_messages={"invalid_choice": "Choose one of the target areas."},
    )
    target_districts = forms.CharField(
        label="Postcode districts (if you chose a list of districts)",
        required=False,
        max_length=500,
        help_text="Separated by commas, for example B8, B9, B10.",
    )
    reservation_suppliers = forms.ChoiceField(
        label="Reserve the lot for",
        choices=Lot.SupplierReservation.choices,
        widget=FirstOptionRadioSelect,
        error_messages={"invalid_choice": "Choose one of the supplier reservations."},
    )
    reservation_location = forms.ChoiceField(
        label="Reserve the lot by location",
        choices=Lot.LocationReservation.choices,
        widget=FirstOptionRadioSelect,
        error_messages={"invalid_choice": "Choose one of the location reservations."},
    )
    reservation_rationale = forms.CharField(
        label="Why the lot is reserved (if it is)",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with the reservation, for example the local market you expect.",
    )

    RESERVATION_FIELDS = ("reservation_suppliers", "reservation_location", "reservation_rationale")

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = {f"area:{area.slug}": area for area in areas}
        self.fields["target"].choices = [
            (self.NO_AREA, "No target area"),
            *((key, area.name) for key, area in self.areas.items()),
            (self.DISTRICTS, "A list of postcode districts"),
        ]

    @staticmethod
    def initial_for(lot: Lot) -> dict:
        if lot.target_area_id:
            target = f"area:{lot.target_area.slug}"
        else:
            target = LotForm.DISTRICTS if lot.target_districts else LotForm.NO_AREA
        return {
            "title": lot.title,
            "description": lot.description,
            "delivery_postcode": lot.delivery_postcode,
            "cpv_codes": [link.cpv_code_id for link in lot.cpv_links.all()],
            "required_certifications": list(lot.required_certifications.all()),
            "target": target,
            "target_districts": ", ".join(lot.target_districts),
            "reservation_suppliers": lot.reservation_suppliers,
            "reservation_location": lot.reservation_location,
            "reservation_rationale": lot.reservation_rationale,
        }

    def clean_target_districts(self):
        return parse_districts(self.cleaned_data["target_districts"])

    def clean(self):
        data = super().clean()
        wants_districts = data.get("target") == self.DISTRICTS
        if (
            wants_districts
            and not data.get("target_districts")
            and "target_districts" not in self.errors
        ):
            self.add_error("target_districts", "List the postcode districts, like B8, B9.")
        return data

    def service_kwargs(self) -> dict:
        """``lot_configure``'s arguments: the details, the target area and the reservation."""
        data = self.cleaned_data
        if data["target"] == self.DISTRICTS:
            target = {"area": None, "districts": data["target_districts"]}
        else:
            target = {"area": self.areas.get(data["target"]), "districts": []}
        return {
            "details": {
                "title": data["title"],
                "description": data["description"],
                "delivery_postcode": data["delivery_postcode"],
                "cpv_codes": data["cpv_codes"],
                "required_certifications": data["required_certifications"],
            },
            "target": target,
            "reservation": {
                "suppliers": data["reservation_suppliers"],
                "location": data["reservation_location"],
                "rationale": data["reservation_rationale"],
            },
        }


class ReservationCheckForm(forms.Form):
    """The reservation fields alone, for the inline legal check (htmx)."""

    reservation_suppliers = LotForm.base_fields["reservation_suppliers"]
    reservation_location = LotForm.base_fields["reservation_location"]
    reservation_rationale = LotForm.base_fields["reservation_rationale"]


# Cancelling and awards ---------------------------------------------------------------------


class CancelForm(forms.Form):
    cancel_reason = forms.CharField(
        label="Why are you cancelling this contract?",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Businesses that registered interest will see this.",
        error_messages={"required": "Say why the contract is cancelled."},
    )


class AwardForm(forms.Form):
    """Who won a lot: one of the businesses that registered interest, or an outside supplier."""

    OUTSIDE = "outside"

    business = forms.ChoiceField(
        label="Who won the lot?",
        widget=FirstOptionRadioSelect,
        error_messages={
            "required": "Choose the business that won, or another supplier.",
            "invalid_choice": "Choose one of the businesses listed, or another supplier.",
        },
    )
    supplier_name = forms.CharField(
        label="Supplier name (if another supplier won)", required=False, max_length=200
    )
    supplier_postcode = PostcodeFormField(
        label="Supplier postcode (if another supplier won, optional)", required=False
    )
    value = _money_field("Award value, excluding VAT (£)", min_value=Decimal("0.01"))
    awarded_on = _date_field("Date of the award", help_text=DATE_HINT)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(business.pk): business for business in candidates}
        self.fields["business"].choices = [
            *((pk, business.name) for pk, business in self.candidates.items()),
            (self.OUTSIDE, "Another supplier (not registered here, or did not register interest)"),
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "business": self.candidates.get(data["business"]),
            "supplier_name": data["supplier_name"] if data["business"] == self.OUTSIDE else "",
            "supplier_postcode": data["supplier_postcode"]
            if data["business"] == self.OUTSIDE
            else "",
            "value": data["value"],
            "awarded_on": data["awarded_on"],
        }

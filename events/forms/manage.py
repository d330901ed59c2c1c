"""Forms for the coordinator's Meet the Buyer pages. They read what the coordinator types; the
rules (who may act, which transitions are allowed, what fits the schedule) live in the services.

Field names are the services' keyword arguments (and the keys of their ``ValidationError``s),
so a view passes ``cleaned_data`` through and ``core.web.apply_service_errors`` puts each
refusal next to the field it is about. The business pages' forms are in ``events.forms.public``.

Dates and times are single ``datetime-local`` inputs: browsers that support them show a picker,
and the rest show a text box that also accepts "31/3/2027 09:30", so the pages work without
JavaScript.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone

from anchors.forms import FirstOptionRadioSelect
from anchors.models import Institution, Lot
from events.models import BuyerTable, Event
from places.areas import EAST_BIRMINGHAM_SLUG
from places.fields import PostcodeFormField
from places.models import NamedArea
from sectors.forms import CpvMultipleChoiceField
from suppliers.models import Business

TEXT_MAX = 5000
MAX_FOCUS_SECTORS = 20
MAX_CAPACITY = 2000
MAX_SLOTS = 48
MAX_SLOT_MINUTES = 240
SEARCH_MAX = 100
MAX_RADIOS = 8  # a longer list of institutions is a select, not a column of radios
DATETIME_INPUT = "%Y-%m-%dT%H:%M"
DATETIME_FORMATS = [
    DATETIME_INPUT,
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H.%M",
    "%d-%m-%Y %H:%M",
]
DATETIME_HINT = "For example, 31/3/2027 09:30 (24-hour clock)."


def _datetime_field(label: str, *, required: bool = True, help_text: str = "") -> forms.Field:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
        help_text=f"{help_text} {DATETIME_HINT}".strip(),
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}.",
            "invalid": f"Enter a real date and time. {DATETIME_HINT}",
        },
    )


def _whole_number(label: str, *, min_value: int, max_value: int, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=min_value,
        max_value=max_value,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}, as a whole number.",
            "invalid": f"Enter the {label[0].lower()}{label[1:]} as a whole number, like 10.",
            "min_value": f"The {label[0].lower()}{label[1:]} must be {min_value} or more.",
            "max_value": f"The {label[0].lower()}{label[1:]} must be {max_value} or fewer.",
        },
        **kwargs,
    )


class InstitutionChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class LotChoiceField(forms.ModelMultipleChoiceField):
    """Lots as checkboxes labelled with their institution, so the coordinator can tell them apart."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, lot: Lot) -> str:
        contract = lot.contract
        if contract.title in lot.title:  # "School meals lot 2" says it all already
            return f"{contract.institution.name}: {lot.title}"
        return f"{contract.institution.name}: {contract.title}, lot {lot.number}: {lot.title}"


def participating_institutions():
    """Institutions that can take part: ours, not those only known from imported notices."""
    return Institution.objects.filter(is_external=False).order_by("name", "pk")


def linkable_lots(event: Event | None = None):
    """Open lots of participating institutions, plus those the event already links to."""
    lots = Lot.objects.open()
    if event is not None and event.pk:
        lots = Lot.objects.filter(Q(pk__in=lots.values("pk")) | Q(events=event)).distinct()
    return (
        lots.filter(contract__institution__is_external=False)
        .select_related("contract__institution")
        .order_by("contract__institution__name", "contract__title", "number", "pk")
    )


def table_lots(event: Event, table: BuyerTable | None = None):
    """Lots a table may discuss: the event's linked lots, the open lots of its institutions, and
    those the table already has (the form then refuses another institution's)."""
    offered = Q(pk__in=Lot.objects.open().filter(contract__institution__events=event).values("pk"))
    offered |= Q(events=event)
    if table is not None:
        offered |= Q(event_tables=table)
    return (
        Lot.objects.filter(offered)
        .distinct()
        .select_related("contract__institution")
        .order_by("contract__institution__name", "contract__title", "number", "pk")
    )


class EventForm(forms.Form):
    """Create an event, or change one. Its fields are ``event_create``'s keyword arguments."""

    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for the event."},
    )
    description = forms.CharField(
        label="Description",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In plain English: who should come and why.",
        error_messages={"required": "Describe the event: who should come and why."},
    )
    starts_at = _datetime_field("Start date and time")
    ends_at = _datetime_field("End date and time")
    venue_name = forms.CharField(label="Venue name (optional)", max_length=200, required=False)
    venue_address = forms.CharField(
        label="Venue address (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    venue_postcode = PostcodeFormField(
        label="Venue postcode", required=False, help_text="Leave empty for an online event."
    )
    online_url = forms.URLField(
        label="Online joining link (for an online event)",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://meet.example.com/event."},
    )
    capacity = _whole_number(
        "Number of businesses that can attend", min_value=1, max_value=MAX_CAPACITY
    )
    registration_deadline = _datetime_field(
        "Registration deadline", help_text="Registration closes at this time."
    )
    first_slot_at = _datetime_field(
        "First meeting starts at (optional)",
        required=False,
        help_text="Leave empty to start the 1:1 meetings when the event starts.",
    )
    slot_minutes = _whole_number(
        "Length of each meeting in minutes", min_value=5, max_value=MAX_SLOT_MINUTES, initial=15
    )
    slot_count = _whole_number(
        "Number of meeting slots", min_value=1, max_value=MAX_SLOTS, initial=16
    )
    max_meetings_per_business = _whole_number(
        "Most meetings for one business", min_value=1, max_value=MAX_SLOTS, initial=3
    )
    institutions = InstitutionChoiceField(
        label="Participating institutions",
        queryset=Institution.objects.none(),
        required=False,
        help_text="The anchor institutions whose buyers will hold meetings.",
        error_messages={"invalid_choice": "Choose institutions from the list."},
    )
    focus_sectors = CpvMultipleChoiceField(
        label="Focus sectors (CPV codes, optional)",
        required=False,
        max_codes=MAX_FOCUS_SECTORS,
        help_text="Search for sectors, or type CPV codes separated by commas. The invite list "
        "favours businesses in these sectors.",
    )
    lots = LotChoiceField(
        label="Linked lots (optional)",
        queryset=Lot.objects.none(),
        required=False,
        help_text="Open lots of the participating institutions that the buyers will discuss.",
        error_messages={"invalid_choice": "Choose lots from the list."},
    )
    target_area = forms.ModelChoiceField(
        label="Target area",
        queryset=NamedArea.objects.none(),
        empty_label=None,
        help_text="The invite list puts businesses in this area first.",
        error_messages={
            "required": "Choose a target area.",
            "invalid_choice": "Choose one of the target areas.",
        },
    )

    SCALAR_FIELDS = (
        "title",
        "description",
        "starts_at",
        "ends_at",
        "venue_name",
        "venue_address",
        "venue_postcode",
        "online_url",
        "capacity",
        "registration_deadline",
        "first_slot_at",
        "slot_minutes",
        "slot_count",
        "max_meetings_per_business",
    )
    FIELDS = (*SCALAR_FIELDS, "institutions", "focus_sectors", "lots", "target_area")

    def __init__(self, *args, event: Event | None = None, **kwargs):
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(event)
        super().__init__(*args, **kwargs)
        self.fields["institutions"].queryset = participating_institutions()
        self.fields["lots"].queryset = linkable_lots(event)
        areas = NamedArea.objects.order_by("name")
        self.fields["target_area"].queryset = areas
        if event is None and not self.initial.get("target_area"):
            self.fields["target_area"].initial = (
                areas.filter(slug=EAST_BIRMINGHAM_SLUG).values_list("pk", flat=True).first()
            )

    @staticmethod
    def initial_for(event: Event) -> dict:
        initial = {name: getattr(event, name) for name in EventForm.SCALAR_FIELDS}
        initial.update(
            institutions=[i.pk for i in event.institutions.all()],
            focus_sectors=[code.pk for code in event.focus_sectors.all()],
            lots=[lot.pk for lot in event.lots.all()],
            target_area=event.target_area_id,
        )
        return initial

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        deadline, first_slot = data.get("registration_deadline"), data.get("first_slot_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The event must end after it starts.")
        if starts and deadline and deadline > starts:
            self.add_error("registration_deadline", "Registration must close before the start.")
        if first_slot and starts and ends and not starts <= first_slot < ends:
            self.add_error("first_slot_at", "The first meeting must start during the event.")
        place_errors = "venue_postcode" in self.errors or "online_url" in self.errors
        if not place_errors and not data.get("venue_postcode") and not data.get("online_url"):
            self.add_error(
                "venue_postcode", "Enter the venue’s postcode, or the online joining link."
            )
        institutions, lots = data.get("institutions"), data.get("lots")
        if lots and institutions is not None:
            chosen = {institution.pk for institution in institutions}
            strays = [lot for lot in lots if lot.contract.institution_id not in chosen]
            if strays:
                names = "; ".join(self.fields["lots"].label_from_instance(lot) for lot in strays)
                self.add_error(
                    "lots", f"Link only lots of the participating institutions (not {names})."
                )
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in self.FIELDS},
            "venue_postcode": data["venue_postcode"] or "",
            "institutions": list(data["institutions"]),
            "lots": list(data["lots"]),
        }


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label="Why are you cancelling this event?",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Every business registered or on the waitlist gets an email with this reason.",
        error_messages={"required": "Say why the event is cancelled."},
    )


class BuyerTableForm(forms.Form):
    """Add a buyer table, or change one: the institution, a name, who sits there, its lots."""

    institution = forms.ModelChoiceField(
        label="Institution",
        queryset=Institution.objects.none(),
        empty_label=None,
        widget=FirstOptionRadioSelect,
        error_messages={
            "required": "Choose the institution whose buyers sit at this table.",
            "invalid_choice": "Choose one of the event’s institutions.",
        },
    )
    name = forms.CharField(
        label="Table name",
        max_length=200,
        help_text="For example: Facilities and estates.",
        error_messages={"required": "Enter a name for the table."},
    )
    buyers = forms.CharField(
        label="Buyers at the table (optional)",
        max_length=300,
        required=False,
        help_text="Names and roles, shown on the printed schedule.",
    )
    lots = LotChoiceField(
        label="Lots the buyers will discuss (optional)",
        queryset=Lot.objects.none(),
        required=False,
        help_text="Open lots of the event’s institutions, and the lots linked to the event.",
        error_messages={"invalid_choice": "Choose lots from the list."},
    )

    def __init__(self, *args, event: Event, table: BuyerTable | None = None, **kwargs):
        """A new table chooses its institution (any of ours: ``table_add`` adds it to the event);
        a table keeps its institution once added, so editing leaves that field out."""
        self.table = table
        if table is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": table.name,
                "buyers": table.buyers,
                "lots": [lot.pk for lot in table.lots.all()],
            }
        super().__init__(*args, **kwargs)
        self.fields["lots"].queryset = table_lots(event, table)
        if table is not None:
            del self.fields["institution"]
            return
        field = self.fields["institution"]
        field.queryset = participating_institutions()
        chosen = list(event.institutions.order_by("name", "pk").values_list("pk", flat=True))
        if chosen:
            field.initial = chosen[0]
        if len(field.queryset) > MAX_RADIOS:
            field.widget = forms.Select()

    def clean(self):
        data = super().clean()
        institution = self.table.institution if self.table else data.get("institution")
        lots = data.get("lots")
        if institution and lots:
            strays = [lot for lot in lots if lot.contract.institution_id != institution.pk]
            if strays:
                self.add_error("lots", f"Choose only lots of {institution.name}.")
        return data

    def service_kwargs(self) -> dict:
        return {"institution": self.cleaned_data["institution"], **self.update_kwargs()}

    def update_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"], "buyers": data["buyers"], "lots": list(data["lots"])}


class BusinessSearchForm(forms.Form):
    """The name to look for when adding a business to the invite list (a GET form)."""

    q = forms.CharField(
        label="Business name",
        max_length=SEARCH_MAX,
        required=False,
        strip=True,
        help_text="Part of the name is enough.",
        error_messages={"max_length": f"Enter at most {SEARCH_MAX} characters."},
    )


class InvitationAddForm(forms.Form):
    business = forms.ModelChoiceField(
        queryset=Business.objects.filter(is_active=True),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose a business to add.",
            "invalid_choice": "That business is not on LocalLots or is no longer active.",
        },
    )


class CheckInSearchForm(forms.Form):
    """Filter the check-in list by business or attendee name (a GET form, no JavaScript)."""

    q = forms.CharField(
        label="Search by business or attendee name",
        max_length=SEARCH_MAX,
        required=False,
        strip=True,
        error_messages={"max_length": f"Enter at most {SEARCH_MAX} characters."},
    )


class AttendanceForm(forms.Form):
    ATTENDED, NO_SHOW, RESET = "attended", "no_show", "reset"

    action = forms.ChoiceField(
        choices=[(ATTENDED, "Check in"), (NO_SHOW, "Did not come"), (RESET, "Undo")],
        error_messages={
            "required": "Choose check in, did not come, or undo.",
            "invalid_choice": "Choose check in, did not come, or undo.",
        },
    )


class MeetingMoveForm(forms.Form):
    """Move a meeting to another table and slot (the service pins it there)."""

    table = forms.ModelChoiceField(
        label="Table",
        queryset=BuyerTable.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose a table.",
            "invalid_choice": "Choose one of the event’s tables.",
        },
    )
    slot = forms.TypedChoiceField(
        label="Time slot",
        coerce=int,
        error_messages={
            "required": "Choose a time slot.",
            "invalid_choice": "Choose one of the event’s time slots.",
        },
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["table"].queryset = event.tables.select_related("institution").order_by(
            "number"
        )
        self.fields["table"].label_from_instance = lambda t: f"Table {t.number}: {t.name}"
        self.fields["slot"].choices = [
            (slot, slot_label(event, slot)) for slot in range(event.slot_count)
        ]


def slot_label(event: Event, slot: int) -> str:
    """ "Slot 3, 10:30 to 10:45" in the event's local time."""
    starts = timezone.localtime(event.slot_starts_at(slot))
    ends = timezone.localtime(event.slot_ends_at(slot))
    return f"Slot {slot + 1}, {starts:%H:%M} to {ends:%H:%M}"

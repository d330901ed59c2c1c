"""Forms for the public and business pages of Meet the Buyer events.

They parse input only: the registration services hold the rules (deadline, capacity, one
registration per business, which tables belong to the event) and their refusals come back
through ``core.web.apply_service_errors``.
"""

from django import forms

from events.models import BuyerTable, Registration

ACCESSIBILITY_MAX_LENGTH = 1000


class TableChoiceField(forms.ModelMultipleChoiceField):
    """The event's buyer tables as checkboxes; the template shows each table's lots as a hint."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, table: BuyerTable) -> str:
        return f"{table.name} ({table.institution.name})"


def _table_field(tables) -> TableChoiceField:
    return TableChoiceField(
        queryset=tables,
        required=False,
        label="Which buyers do you want to meet?",
        help_text=(
            "Tick every table you would like a 1:1 meeting with. We try to give you the ones "
            "you choose; if you tick none, we will find the buyers that suit you best."
        ),
        error_messages={"invalid_choice": "Choose buyers from this event’s tables."},
    )


class BusinessRadioSelect(forms.RadioSelect):
    """Radios whose "label" is the first option, so an error summary link lands on it."""

    def id_for_label(self, id_, index="0"):
        return f"{id_}_{index}" if id_ else id_


class RegistrationForm(forms.Form):
    """Register a business for an event: which buyers, who comes, what they need on the day."""

    business = forms.ModelChoiceField(
        queryset=None,
        empty_label=None,
        widget=BusinessRadioSelect,
        label="Which business is registering?",
        error_messages={
            "required": "Choose the business that is registering.",
            "invalid_choice": "Choose one of your businesses.",
        },
    )
    attendee_name = forms.CharField(
        label="Name of the person coming",
        max_length=Registration._meta.get_field("attendee_name").max_length,
        strip=True,
        error_messages={
            "required": "Enter the name of the person coming to the event.",
            "max_length": "The name must be 200 characters or fewer.",
        },
    )
    attendee_email = forms.EmailField(
        label="Their email address",
        help_text="We send the confirmation and the meeting schedule here.",
        error_messages={
            "required": "Enter the email address of the person coming.",
            "invalid": "Enter an email address in the correct format, like name@example.com.",
        },
    )
    accessibility_needs = forms.CharField(
        label="Accessibility needs (optional)",
        required=False,
        strip=True,
        max_length=ACCESSIBILITY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: step-free access, a hearing loop, a quiet room, dietary needs.",
        error_messages={
            "max_length": f"Accessibility needs must be {ACCESSIBILITY_MAX_LENGTH:,} characters "
            "or fewer."
        },
    )

    def __init__(self, *args, event, businesses, user=None, **kwargs):
        if user is not None and not kwargs.get("initial"):
            kwargs["initial"] = {"attendee_name": user.full_name, "attendee_email": user.email}
        super().__init__(*args, **kwargs)
        self.fields["wanted_tables"] = _table_field(
            event.tables.select_related("institution").order_by("number")
        )
        self.order_fields(["business", "wanted_tables"])
        field = self.fields["business"]
        field.queryset = businesses
        choices = list(businesses)
        if len(choices) == 1:
            field.widget = forms.HiddenInput()
            field.initial = choices[0].pk


class ChoicesForm(forms.Form):
    """Change the buyers a registration wants to meet (before the deadline)."""

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wanted_tables"] = _table_field(
            event.tables.select_related("institution").order_by("number")
        )

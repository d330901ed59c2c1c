"""Forms for the matching pages. They parse input only; the services hold the rules (the note's
length, who may register, what a reservation allows) and their refusals come back through
``core.web.apply_service_errors``."""

from django import forms

from matching.models import NOTE_MAX_LENGTH


class BusinessRadioSelect(forms.RadioSelect):
    """Radios whose "label" is the first option, so an error summary link lands on it."""

    def id_for_label(self, id_, index="0"):
        return f"{id_}_{index}" if id_ else id_


class InterestForm(forms.Form):
    """Register interest in a lot: which business (when the user has several) and a note."""

    business = forms.ModelChoiceField(
        queryset=None,
        empty_label=None,
        widget=BusinessRadioSelect,
        label="Which business is registering interest?",
        error_messages={
            "required": "Choose the business that is registering interest.",
            "invalid_choice": "Choose one of your businesses.",
        },
    )
    note = forms.CharField(
        label="Note to the buyer (optional)",
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            f"What the buyer should know about you and this lot, in up to {NOTE_MAX_LENGTH:,} "
            "characters."
        ),
    )

    def __init__(self, *args, businesses, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["business"]
        field.queryset = businesses
        choices = list(businesses)
        if len(choices) == 1:
            field.widget = forms.HiddenInput()
            field.initial = choices[0].pk


class DecisionForm(forms.Form):
    """An officer shortlists or declines an interest, with a note the business will see."""

    SHORTLIST, DECLINE = "shortlist", "decline"

    decision = forms.ChoiceField(
        choices=[(SHORTLIST, "Shortlist"), (DECLINE, "Decline")],
        widget=forms.HiddenInput,
        error_messages={"required": "Choose to shortlist or decline."},
    )
    # Named as the service names it in its errors, so they land on this field.
    officer_note = forms.CharField(
        label="Note to the business (optional)",
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The business sees this note. When declining, saying why helps it next time.",
    )


class AlertPreferencesForm(forms.Form):
    match_digest = forms.BooleanField(
        label="Email me a daily digest of new opportunities that match my business",
        required=False,
        help_text="At most one email a day, only when there are new matches.",
    )

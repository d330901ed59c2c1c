"""Forms for clarification questions. They read input only; the rules live in
``anchors.services.questions``, whose refusals the views put back on these forms."""

from django import forms

from anchors.services.questions import ANSWER_MAX_LENGTH, QUESTION_MAX_LENGTH
from suppliers.models import Business


class QuestionForm(forms.Form):
    """A question about a lot. The asking business is a choice only for someone in several;
    the choices are the user's own businesses, so a tampered value is simply not valid."""

    business = forms.ModelChoiceField(
        queryset=Business.objects.none(),
        label="Which business is asking?",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the business that is asking.",
            "invalid_choice": "Choose one of your businesses.",
        },
    )
    text = forms.CharField(
        label="Your question",
        help_text=(
            "The buyer publishes the question and its answer on this page for every business "
            f"to read, without your name. Up to {QUESTION_MAX_LENGTH} characters."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=QUESTION_MAX_LENGTH,
        error_messages={"required": "Enter your question."},
    )

    def __init__(self, *args, businesses, **kwargs):
        super().__init__(*args, **kwargs)
        businesses = list(businesses)
        self.fields["business"].queryset = Business.objects.filter(
            pk__in=[b.pk for b in businesses]
        ).order_by("name", "pk")
        if len(businesses) == 1:
            self.single_business = businesses[0]
            del self.fields["business"]
        else:
            self.single_business = None

    def clean(self):
        data = super().clean()
        if self.single_business is not None:
            data["business"] = self.single_business
        return data


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer",
        help_text=(
            "It is published with the question on the opportunity page for every business to "
            f"read. The asker is not named. Up to {ANSWER_MAX_LENGTH} characters."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=ANSWER_MAX_LENGTH,
        error_messages={"required": "Enter the answer."},
    )

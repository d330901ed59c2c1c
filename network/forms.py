from django import forms


class InstitutionFilterForm(forms.Form):
    """The dashboard's one filter (GET): the whole network or one institution."""

    institution = forms.ChoiceField(label="Institution", required=False)

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [("", "All institutions")] + [
            (str(institution.pk), institution.name) for institution in institutions
        ]

import json

from django import forms
from django.forms import Script
from django.urls import reverse

from sectors import cpv
from sectors.selectors import cpv_labels


class CpvPickerWidget(forms.Textarea):
    """A box for CPV codes that works without JavaScript, enhanced into a search-as-you-type list.

    Without JavaScript it is a textarea for codes separated by commas or new lines, with a hint
    and a link to the browse page, and it lists the codes already entered with their labels.
    ``static/js/cpv-picker.js`` turns it into an ARIA 1.2 combobox that searches the API and
    keeps the textarea's value in sync, so the form posts the same thing either way. Pages using
    it render ``{{ form.media }}``.

    The template lives in ``sectors/templates/`` because the default form renderer looks in app
    template folders, not in the project's ``templates/`` folder.
    """

    template_name = "sectors/widgets/cpv_picker.html"
    search_url_name = "sectors-api:cpv-search"
    browse_url_name = "sectors:browse"

    class Media:
        js = [Script("js/cpv-picker.js", defer=True)]

    def __init__(self, attrs=None):
        defaults = {"rows": 3, "cols": 40, "spellcheck": "false", "autocomplete": "off"}
        super().__init__(attrs={**defaults, **(attrs or {})})

    def format_value(self, value):
        """A list of codes (initial data) shows as "55520000, 45000000"; typed text as typed."""
        if value is None or value == "":
            return None
        if isinstance(value, list | tuple):
            return ", ".join(str(getattr(item, "pk", item)) for item in value)
        return str(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        base_id = widget["attrs"].get("id") or f"cpv-picker-{name}"
        hint_id = f"{base_id}-picker-hint"
        described_by = widget["attrs"].get("aria-describedby", "")
        widget["attrs"]["aria-describedby"] = f"{described_by} {hint_id}".strip()
        entries = self.entries(widget["value"])
        widget.update(
            hint_id=hint_id,
            entries=entries,
            entries_json=json.dumps(entries),
            search_url=reverse(self.search_url_name),
            browse_url=reverse(self.browse_url_name),
        )
        return context

    @staticmethod
    def entries(text: str | None) -> list[dict]:
        """The codes in the box with their labels (``None`` when not a known code), in one query.

        Unknown and malformed entries are kept, so that the enhanced picker does not silently
        drop what the user typed before the form's error message has been read.
        """
        pieces = cpv.split_code_list(text or "")
        codes = {}
        for piece in pieces:
            try:
                codes[piece] = cpv.normalise_code(piece)
            except cpv.InvalidCpvCode:
                codes[piece] = None
        labels = cpv_labels(code for code in codes.values() if code)
        entries = []
        for piece, code in codes.items():
            entries.append({"code": code or piece, "label": labels.get(code)})
        return entries

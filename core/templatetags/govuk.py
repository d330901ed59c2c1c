"""GOV.UK Design System markup for Django forms, error summaries and pagination.

Templates render a field with ``{% govuk_field form.name %}`` (options: ``label_size="l"`` makes
the label the page heading, ``width="10"`` narrows a text input, ``legend`` overrides a
fieldset's legend) and a form's errors with ``{% govuk_error_summary form %}``. Every error
in the summary links to the control it is about, as the Design System requires.
"""

from django import forms, template
from django.core.paginator import Page

register = template.Library()

INPUT_WIDTHS = {"2", "3", "4", "5", "10", "20", "30"}


def field_kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if getattr(widget, "govuk_kind", None):
        return widget.govuk_kind
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    # CheckboxSelectMultiple is a subclass of RadioSelect, so it is tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.widgets.Input):
        return "input"
    return "custom"


def error_anchor(field: forms.BoundField) -> str:
    """The id of the control an error summary link should move focus to."""
    if field_kind(field) in {"radios", "checkboxes"}:
        return f"{field.auto_id}_0" if field.auto_id else ""
    return field.id_for_label or field.auto_id or ""


def _described_by(field: forms.BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


def _control(field: forms.BoundField, kind: str, width: str) -> str:
    css = {
        "input": "govuk-input",
        "textarea": "govuk-textarea",
        "select": "govuk-select",
        "file": "govuk-file-upload",
    }.get(kind)
    attrs = {}
    if css:
        classes = [css]
        if field.errors:
            classes.append(f"{css}--error")
        if kind == "input" and width in INPUT_WIDTHS:
            classes.append(f"govuk-input--width-{width}")
        existing = field.field.widget.attrs.get("class")
        if existing:
            classes.append(existing)
        attrs["class"] = " ".join(classes)
    described_by = _described_by(field)
    if described_by:
        attrs["aria-describedby"] = described_by
    return field.as_widget(attrs=attrs)


@register.inclusion_tag("includes/_field.html")
def govuk_field(field: forms.BoundField, label_size: str = "", width: str = "", legend: str = ""):
    kind = field_kind(field)
    options = []
    if kind in {"radios", "checkboxes"}:
        options = [
            {
                "id": option.id_for_label,
                "value": option.data["value"],
                "label": option.choice_label,
                "checked": option.data["selected"],
            }
            for option in field.subwidgets
        ]
    return {
        "field": field,
        "kind": kind,
        "control": ""
        if kind in {"radios", "checkboxes", "checkbox"}
        else _control(field, kind, width),
        "options": options,
        "checked": bool(field.value()) if kind == "checkbox" else False,
        "described_by": _described_by(field),
        "label_size": label_size,
        "legend": legend or field.label,
    }


def error_summary(*forms_with_errors) -> list[dict]:
    """The error summary's entries (``message``, ``anchor``) for several forms, a formset's
    forms included; unbound forms and ``None`` add nothing."""
    errors = []
    for form in forms_with_errors:
        if form is None or not form.is_bound:
            continue
        for error in form.non_field_errors():
            errors.append({"message": error, "anchor": ""})
        for field in form:
            for error in field.errors:
                errors.append({"message": error, "anchor": error_anchor(field)})
    return errors


@register.inclusion_tag("includes/_form_errors.html")
def govuk_error_summary(*forms_with_errors):
    return {"errors": error_summary(*forms_with_errors)}


@register.simple_tag
def error_title(*forms_with_errors) -> str:
    """ "Error: " before a page title when any of the forms has errors (GOV.UK pattern)."""
    return "Error: " if any(form is not None and form.errors for form in forms_with_errors) else ""


@register.inclusion_tag("includes/_pagination.html", takes_context=True)
def govuk_pagination(context, page: Page, label: str = "results"):
    """Previous/next and numbered links that keep the current query string's other parameters."""
    request = context["request"]
    paginator = page.paginator
    numbers = []
    if paginator.num_pages > 1:
        for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
            numbers.append({"number": number, "ellipsis": number == paginator.ELLIPSIS})

    def url_for(number) -> str:
        query = request.GET.copy()
        query["page"] = number
        return "?" + query.urlencode()

    return {
        "page": page,
        "label": label,
        "items": [
            {**item, "url": "" if item["ellipsis"] else url_for(item["number"])} for item in numbers
        ],
        "previous_url": url_for(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url_for(page.next_page_number()) if page.has_next() else "",
    }

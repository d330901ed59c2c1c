import pytest
from django import forms

from sectors.forms import CpvMultipleChoiceField
from sectors.models import CpvCode


class SectorsForm(forms.Form):
    sectors = CpvMultipleChoiceField(label="Your sectors", help_text="The work you do.")


def test_field_cleans_to_unique_8_digit_codes_in_the_order_typed(catering_tree):
    form = SectorsForm(data={"sectors": "55523100-3,\n45000000 - 7; 55523100"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sectors"] == ["55523100", "45000000"]


def test_field_names_each_malformed_code(catering_tree):
    form = SectorsForm(data={"sectors": "4500000-7, 55520000, 5552"})
    assert not form.is_valid()
    assert form.errors["sectors"] == [
        "“4500000-7” is not a CPV code. CPV codes have 8 digits, like 45000000 or 45000000-7.",
        "“5552” is not a CPV code. CPV codes have 8 digits, like 45000000 or 45000000-7.",
    ]


def test_field_names_each_code_missing_from_the_cpv_list(catering_tree):
    form = SectorsForm(data={"sectors": "55529999, 55520000-1, 45999999"})
    assert not form.is_valid()
    assert form.errors["sectors"] == [
        "55529999 is not in the CPV 2008 list. Check it on the CPV codes page.",
        "45999999 is not in the CPV 2008 list. Check it on the CPV codes page.",
    ]


def test_required_field_asks_for_at_least_one_code(db):
    form = SectorsForm(data={"sectors": " ,\n "})
    assert form.errors["sectors"] == ["Enter at least one CPV code, like 55520000."]


def test_field_can_cap_the_number_of_codes(catering_tree):
    field = CpvMultipleChoiceField(max_codes=1)
    with pytest.raises(forms.ValidationError, match="Choose at most 1 CPV codes"):
        field.clean("55520000, 55523100")


def test_field_accepts_cpv_code_rows_as_initial_data(catering_tree):
    rows = CpvCode.objects.filter(code__in=["55520000", "55523100"])
    field = CpvMultipleChoiceField()
    assert field.prepare_value(rows) == ["55520000", "55523100"]
    assert not field.has_changed(rows, "55523100-3, 55520000")
    assert field.has_changed(rows, "55520000")


def test_widget_renders_a_labelled_text_box_with_hint_and_browse_link(catering_tree):
    html = str(SectorsForm(data={"sectors": "55520000-1, 55529999"})["sectors"])

    assert '<textarea name="sectors"' in html
    assert 'id="id_sectors"' in html
    assert 'aria-describedby="id_sectors_helptext id_sectors_error id_sectors-picker-hint"' in html
    assert 'id="id_sectors-picker-hint"' in html
    assert 'href="/sectors/"' in html and "(opens in a new tab)" in html
    assert 'data-search-url="/api/v1/sectors/cpv/"' in html
    assert "55520000-1, 55529999</textarea>" in html
    assert "Catering services" in html and "not found in the CPV list" in html


def test_widget_label_points_at_the_text_box(db):
    bound = SectorsForm()["sectors"]
    assert bound.id_for_label == "id_sectors"
    assert bound.label_tag() == '<label for="id_sectors">Your sectors:</label>'
    assert 'id="id_sectors"' in str(bound)


def test_widget_shows_initial_codes_comma_separated(catering_tree):
    form = SectorsForm(initial={"sectors": ["55520000", "55523100"]})
    html = str(form["sectors"])
    assert "55520000, 55523100</textarea>" in html
    assert "School-meal services" in html


def test_form_media_loads_the_picker_script_deferred(db):
    assert '<script src="/static/js/cpv-picker.js" defer></script>' in str(SectorsForm().media)

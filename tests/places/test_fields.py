import pytest
from django import forms
from django.core.exceptions import ValidationError

from places.fields import PostcodeDistrictField, PostcodeField, PostcodeFormField
from places.models import FullPostcode, NamedAreaDistrict
from tests.places.factories import FullPostcodeFactory, NamedAreaFactory


class PostcodeForm(forms.Form):
    postcode = PostcodeFormField()
    delivery_postcode = PostcodeFormField(required=False)


def test_form_field_cleans_any_spelling_to_the_canonical_postcode():
    form = PostcodeForm(data={"postcode": " b94aa ", "delivery_postcode": "ec1a 1bb"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"postcode": "B9 4AA", "delivery_postcode": "EC1A 1BB"}


def test_form_field_refuses_an_invalid_postcode_with_the_clear_message():
    form = PostcodeForm(data={"postcode": "B9 4"})
    assert not form.is_valid()
    assert form.errors["postcode"] == ["Enter a full UK postcode, like B9 4AA"]
    assert form.errors.as_data()["postcode"][0].code == "invalid_postcode"


def test_optional_form_field_accepts_blank():
    form = PostcodeForm(data={"postcode": "B9 4AA", "delivery_postcode": "  "})
    assert form.is_valid()
    assert form.cleaned_data["delivery_postcode"] == ""


def test_form_field_lets_people_type_extra_spaces_and_suggests_autocomplete():
    html = str(PostcodeForm()["postcode"])
    assert "maxlength" not in html
    assert 'autocomplete="postal-code"' in html


def test_model_field_clean_normalises_and_refuses_with_validation_error():
    field = PostcodeField()
    assert field.clean(" b9  4aa", None) == "B9 4AA"
    with pytest.raises(ValidationError) as caught:
        field.clean("not a postcode", None)
    assert caught.value.messages == ["Enter a full UK postcode, like B9 4AA"]


def test_model_field_is_eight_characters_and_gives_the_postcode_form_field():
    field = PostcodeField()
    assert field.max_length == 8
    assert isinstance(field.formfield(), PostcodeFormField)
    assert field.deconstruct()[3] == {}


def test_district_field_normalises_outward_codes():
    field = PostcodeDistrictField()
    assert field.max_length == 4
    assert field.clean(" b9 ", None) == "B9"
    with pytest.raises(ValidationError, match="like B9"):
        field.clean("B9 4AA", None)


@pytest.mark.django_db
def test_full_clean_stores_the_canonical_spelling():
    row = FullPostcode(postcode="b338th", district_code="b33")
    row.full_clean()
    assert (row.postcode, row.district_code) == ("B33 8TH", "B33")


@pytest.mark.django_db
def test_filtering_with_any_spelling_finds_the_stored_postcode():
    stored = FullPostcodeFactory(postcode="B9 4AA")
    assert FullPostcode.objects.get(postcode="b94aa") == stored
    assert list(FullPostcode.objects.filter(postcode__in=[" b9 4aa"])) == [stored]
    assert FullPostcode.objects.filter(postcode__startswith="B9 ").count() == 1


@pytest.mark.django_db
def test_area_district_refuses_an_invalid_district_on_full_clean():
    row = NamedAreaDistrict(area=NamedAreaFactory(), district_code="B9 4AA")
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert caught.value.message_dict == {"district_code": ["Enter a UK postcode district, like B9"]}

"""Model and form fields that store postcodes and districts in their one canonical spelling.

Suppliers and anchors use ``PostcodeField`` for business and delivery postcodes, so every
stored postcode joins to ``FullPostcode.postcode`` and to the district tables without any
clean-up at query time.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from places.postcodes import InvalidPostcode, Postcode, normalise_district

INVALID_CODE = "invalid_postcode"


def _normalised_postcode(value: str) -> str:
    try:
        return Postcode.parse(value).value
    except InvalidPostcode as exc:
        raise ValidationError(exc.message, code=INVALID_CODE) from None


def _normalised_district(value: str) -> str:
    try:
        return normalise_district(value)
    except InvalidPostcode as exc:
        raise ValidationError(exc.message, code=INVALID_CODE) from None


class PostcodeFormField(forms.CharField):
    """A text input that accepts any spelling of a full UK postcode and cleans to ``B9 4AA``."""

    def __init__(self, **kwargs):
        # No maxlength attribute: " b9   4aa " is a fine thing to type, it just cleans short.
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return _normalised_postcode(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"autocomplete": "postal-code", "spellcheck": "false"})
        return attrs


class PostcodeDistrictFormField(PostcodeFormField):
    """A text input for an outward code alone (``b9`` cleans to ``B9``)."""

    def to_python(self, value):
        value = forms.CharField.to_python(self, value)
        if value in self.empty_values:
            return value
        return _normalised_district(value)

    def widget_attrs(self, widget):
        attrs = forms.CharField.widget_attrs(self, widget)
        attrs["spellcheck"] = "false"
        return attrs


class PostcodeField(models.CharField):
    """A full UK postcode, stored normalised (``"B9 4AA"``, at most 8 characters).

    ``full_clean()`` turns any spelling into the canonical one or raises ``ValidationError``.
    Saving or filtering with a parseable spelling also normalises it, so
    ``filter(postcode="b94aa")`` finds ``"B9 4AA"``; unparseable values pass through unchanged
    (pattern lookups such as ``startswith="B9 "`` keep working).
    """

    description = "UK postcode"
    default_max_length = 8
    form_class = PostcodeFormField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", self.default_max_length)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == self.default_max_length:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def normalise(self, value: str) -> str:
        return _normalised_postcode(value)

    def to_python(self, value):
        value = super().to_python(value)
        if value in (None, ""):
            return value
        return self.normalise(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if isinstance(value, str) and value:
            try:
                return self.normalise(value)
            except ValidationError:
                return value
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": self.form_class, **kwargs})


class PostcodeDistrictField(PostcodeField):
    """An outward code alone (``"B9"``), stored normalised, at most 4 characters."""

    description = "UK postcode district"
    default_max_length = 4
    form_class = PostcodeDistrictFormField

    def normalise(self, value: str) -> str:
        return _normalised_district(value)

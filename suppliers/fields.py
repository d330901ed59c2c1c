"""Model fields that store registration numbers in one spelling and check their format.

Like ``places.fields.PostcodeField``: ``full_clean()`` folds any spelling ("sc 123456") into
the stored one ("SC123456") and then checks the format, so services get both for free.
"""

from django.core.exceptions import ValidationError
from django.db import models

from suppliers import identifiers


class _RegistrationNumberField(models.CharField):
    message = ""
    code = ""
    default_max_length = 12

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", self.default_max_length)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == self.default_max_length:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def is_valid(self, value: str) -> bool:
        raise NotImplementedError

    def to_python(self, value):
        value = super().to_python(value)
        return identifiers.squash(value) if value else value

    def get_prep_value(self, value):
        """Saving or filtering with any spelling uses the stored one ("sc 123456" finds it)."""
        value = super().get_prep_value(value)
        return identifiers.squash(value) if isinstance(value, str) and value else value

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value and not self.is_valid(value):
            raise ValidationError(self.message, code=self.code)


class CompanyNumberField(_RegistrationNumberField):
    """A Companies House number: 8 digits, or a two-letter prefix and 6 digits."""

    description = "Companies House number"
    message = identifiers.COMPANY_NUMBER_MESSAGE
    code = "invalid_company_number"
    default_max_length = 8

    def is_valid(self, value: str) -> bool:
        return identifiers.is_company_number(value)


class CharityNumberField(_RegistrationNumberField):
    """A charity number from the England and Wales, Scottish or Northern Ireland register."""

    description = "charity number"
    message = identifiers.CHARITY_NUMBER_MESSAGE
    code = "invalid_charity_number"
    default_max_length = 10

    def is_valid(self, value: str) -> bool:
        return identifiers.is_charity_number(value)

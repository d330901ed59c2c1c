from django import forms
from django.core.exceptions import ValidationError

from sectors import cpv
from sectors.selectors import cpv_labels
from sectors.widgets import CpvPickerWidget


class CpvMultipleChoiceField(forms.Field):
    """One or more CPV codes, typed or picked; cleans to a list of 8-digit code strings.

    Accepts codes with or without check digits, separated by commas, semicolons or new lines,
    so that the same field works with the JavaScript picker and without it. Every error names
    the code it is about, because a list typed by hand is checked one code at a time. The list
    of codes is the field's value, which also suits a many-to-many to ``CpvCode`` (the code is
    its primary key).
    """

    widget = CpvPickerWidget
    default_error_messages = {
        "required": "Enter at least one CPV code, like 55520000.",
        "invalid_code": "“%(value)s” is not a CPV code. " + cpv.FORMAT_HINT + ".",
        "unknown_code": "%(code)s is not in the CPV 2008 list. Check it on the CPV codes page.",
        "too_many": "Choose at most %(max)d CPV codes (you chose %(count)d).",
    }

    def __init__(self, *, max_codes: int | None = None, **kwargs):
        self.max_codes = max_codes
        super().__init__(**kwargs)

    def prepare_value(self, value):
        """Initial data may be ``CpvCode`` rows (a many-to-many); the widget shows their codes."""
        if value is None or isinstance(value, str) or not hasattr(value, "__iter__"):
            return value
        return [getattr(item, "pk", item) for item in value]

    def to_python(self, value) -> list[str]:
        if value in self.empty_values:
            return []
        pieces = self.prepare_value(value)
        if isinstance(pieces, str):
            pieces = cpv.split_code_list(pieces)
        codes, errors = [], []
        for piece in pieces:
            try:
                codes.append(cpv.normalise_code(piece))
            except cpv.InvalidCpvCode:
                errors.append(
                    ValidationError(
                        self.error_messages["invalid_code"],
                        code="invalid_code",
                        params={"value": piece},
                    )
                )
        if errors:
            raise ValidationError(errors)
        return list(dict.fromkeys(codes))

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if self.max_codes is not None and len(value) > self.max_codes:
            raise ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"max": self.max_codes, "count": len(value)},
            )
        known = cpv_labels(value) if value else {}
        unknown = [code for code in value if code not in known]
        if unknown:
            raise ValidationError(
                [
                    ValidationError(
                        self.error_messages["unknown_code"], code="unknown_code", params={"code": c}
                    )
                    for c in unknown
                ]
            )

    def has_changed(self, initial, data) -> bool:
        """Compares the sets of codes, so "55520000-1" after "55520000" is no change."""
        if self.disabled:
            return False
        try:
            return set(self.to_python(initial)) != set(self.to_python(data))
        except ValidationError:
            return True

from django import forms
from django.core.exceptions import ValidationError

from core.exceptions import ApplicationError


def apply_service_errors(form: forms.Form, exc: ValidationError | ApplicationError) -> None:
    """Put a service's refusal on the form, field by field where the service named the field.

    The one view helper that turns service exceptions into form errors, so views stay thin and
    the user sees every message next to the field it concerns (or in the error summary).
    """
    if isinstance(exc, ApplicationError):
        form.add_error(None, exc.message)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)

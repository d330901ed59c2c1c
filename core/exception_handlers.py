"""One JSON error shape for the whole API.

Every error response is ``{"message": str, "extra": {...}}``; validation errors put the
per-field messages in ``extra["fields"]`` (``{"postcode": ["Enter a full UK postcode..."]}``),
nested fields by dotted path (``{"lots.1.value": [...]}``), so every value is a list of
strings. Throttled responses say how long to wait in ``extra["wait"]`` (seconds). The schema
documents this shape on every operation (``core.api.error_responses_hook``).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from core.exceptions import ApplicationError, PermissionDenied

INVALID_VALUES = "Some of the values sent are not valid."


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def api_exception_handler(exc, context):
    if isinstance(exc, PermissionDenied):
        return Response(
            {"message": exc.message, "extra": exc.extra}, status=status.HTTP_403_FORBIDDEN
        )
    if isinstance(exc, ApplicationError):
        return Response(
            {"message": exc.message, "extra": exc.extra}, status=status.HTTP_400_BAD_REQUEST
        )

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*[str(arg) for arg in exc.args[:1]])
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # DRF reads JSON through request.body, which enforces DATA_UPLOAD_MAX_MEMORY_SIZE.
        exc = PayloadTooLarge(
            "The request body is larger than the "
            f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes this API accepts."
        )

    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handling and logging take over

    if isinstance(exc, exceptions.ValidationError):
        data = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = {"message": INVALID_VALUES, "extra": {"fields": flatten_errors(data)}}
        return response
    detail = (
        response.data.get("detail", response.data)
        if isinstance(response.data, dict)
        else response.data
    )
    extra = {"wait": exc.wait and round(exc.wait)} if isinstance(exc, exceptions.Throttled) else {}
    response.data = {"message": str(detail), "extra": extra}
    return response


def flatten_errors(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors (dicts of lists of dicts...) as ``{"dotted.path": [messages]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            flat |= _merge(flat, flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(errors, list) and any(isinstance(item, dict | list) for item in errors):
        for index, item in enumerate(errors):
            if item:
                path = f"{prefix}.{index}" if prefix else str(index)
                if isinstance(item, dict | list):
                    flat |= _merge(flat, flatten_errors(item, path))
                else:
                    flat.setdefault(path, []).append(str(item))
    elif isinstance(errors, list):
        flat[prefix or "non_field_errors"] = [str(message) for message in errors]
    else:
        flat[prefix or "non_field_errors"] = [str(errors)]
    return flat


def _merge(into: dict[str, list[str]], more: dict[str, list[str]]) -> dict[str, list[str]]:
    return {key: into.get(key, []) + more.get(key, []) for key in more}

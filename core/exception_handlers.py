"""One JSON error shape for the whole API.

Every error response is ``{"message": str, "extra": {...}}``; validation errors put the
per-field messages in ``extra["fields"]`` (``{"postcode": ["Enter a full UK postcode..."]}``).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from core.exceptions import ApplicationError, PermissionDenied


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
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handling and logging take over

    if isinstance(exc, exceptions.ValidationError):
        fields = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = {
            "message": "Some of the values sent are not valid.",
            "extra": {"fields": fields},
        }
    else:
        detail = (
            response.data.get("detail", response.data)
            if isinstance(response.data, dict)
            else response.data
        )
        response.data = {"message": str(detail), "extra": {}}
    return response

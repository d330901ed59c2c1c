"""Helpers every API view shares: reading query parameters strictly, 404s that reveal
nothing, ids in addresses, and the schema's description of the error shape.

The error shape itself is made by ``core.exception_handlers.api_exception_handler``; the
postprocessing hook below documents it on every operation, so a client generated from
``/api/schema/`` knows what a 400, 401, 403, 404, 413, 415 or 429 carries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.urls import register_converter
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.dates import EARLIEST_YEAR, LATEST_YEAR, within_years
from core.exceptions import PermissionDenied

PAGINATION_PARAMETERS = ("page", "page_size")
MAX_ID = 10**18 - 1  # every id fits a 64-bit column; a longer number is no id, so a 404


class IdConverter:
    """``<id:pk>`` in API addresses: a positive integer of at most 18 digits.

    Django's ``<int:...>`` takes any length, and an id beyond 64 bits makes the database
    driver raise (a 500) instead of finding nothing.
    """

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def reject_unknown_parameters(query_params, allowed: Iterable[str]) -> None:
    """Refuse (400) query parameters the operation does not take, naming each one.

    The web search ignores what it cannot read so a mistyped address still shows results; an
    API client is better served by being told, before it trusts an unfiltered answer.
    """
    allowed = set(allowed)
    unknown = sorted(set(query_params) - allowed)
    if unknown:
        accepted = ", ".join(sorted(allowed)) or "none"
        raise exceptions.ValidationError(
            {name: [f"Unknown parameter. This operation accepts: {accepted}."] for name in unknown}
        )


def parse_query(serializer_class, request, *, paginated: bool = False) -> dict[str, Any]:
    """Validate ``request.query_params`` with ``serializer_class``; unknown names are errors."""
    allowed = set(serializer_class().fields)
    if paginated:
        allowed |= set(PAGINATION_PARAMETERS)
    reject_unknown_parameters(request.query_params, allowed)
    params = {k: v for k, v in request.query_params.items() if k not in PAGINATION_PARAMETERS}
    serializer = serializer_class(data=params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def parse_body(
    serializer_class, request, *, reject_unknown: bool = False, **kwargs
) -> dict[str, Any]:
    """Validate the JSON body (which must be an object) with ``serializer_class``.

    Text fields take JSON strings only: DRF would turn ``{"note": 0}`` into ``"0"``, and a
    client that sends a number where the schema says string has a bug it should hear about.
    ``reject_unknown``: fields the serializer does not take are a 400 naming each (for an
    update that would otherwise answer 200 having changed nothing).
    """
    if not isinstance(request.data, dict):
        raise exceptions.ParseError("Send a JSON object in the request body.")
    serializer = serializer_class(data=request.data, **kwargs)
    if reject_unknown:
        reject_unknown_parameters(request.data, serializer.fields)
    wrong_types = _text_type_errors(serializer.fields, request.data)
    if wrong_types:
        raise exceptions.ValidationError(wrong_types)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


TEXT_EXPECTED = "Enter text (a JSON string), not a number, true or false."


def _text_type_errors(fields, data) -> dict[str, Any]:
    """Errors for the text fields of ``data`` (nested objects and lists included) that hold a
    number or a boolean, keyed as DRF keys its own errors."""
    if not isinstance(data, dict):
        return {}
    errors: dict[str, Any] = {}
    for name, field in fields.items():
        if field.read_only or name not in data:
            continue
        error = _text_type_error(field, data[name])
        if error:
            errors[name] = error
    return errors


def _text_type_error(field, value):
    if value is None:
        return None  # the field's own allow_null decides
    if isinstance(field, serializers.CharField):
        return None if isinstance(value, str) else [TEXT_EXPECTED]
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        if not isinstance(value, list):
            return None  # the field reports a list that is not one
        errors = {
            str(index): error
            for index, item in enumerate(value)
            if (error := _text_type_error(field.child, item))
        }
        return errors or None
    if isinstance(field, serializers.Serializer):
        return _text_type_errors(field.fields, value) or None
    return None


def paginated_response(
    *, request, view, queryset, serializer_class, prepare: Callable | None = None
) -> Response:
    """One page of ``queryset`` in the API's pagination shape (``view.pagination_class``);
    ``prepare(rows)`` may attach what the rows share before they are serialized."""
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    if prepare is not None:
        prepare(page)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def get_or_404(selector: Callable, message: str, /, **kwargs):
    """Call a ``*_get_*`` selector; a missing row *or a refusal* is the same 404.

    Another user's or institution's ids must reveal nothing, not even that they exist.
    """
    try:
        return selector(**kwargs)
    except (ObjectDoesNotExist, PermissionDenied) as exc:
        raise exceptions.NotFound(message) from exc


# The schema ---------------------------------------------------------------------------------

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Every error has this shape. Validation errors (400) list the messages for each field "
        "in `extra.fields`, keyed by field name (nested fields by dotted path, such as "
        "`lots.0.value`; errors about the request as a whole under `non_field_errors`)."
    ),
    "properties": {
        "message": {"type": "string", "description": "What went wrong, in words to show."},
        "extra": {
            "type": "object",
            "description": "Structured detail: `fields` for validation errors; `rule` names "
            "a legal rule that refused an action; `wait` is seconds to wait when throttled.",
            "properties": {
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
                "rule": {"type": "string"},
                "wait": {"type": "integer", "nullable": True},
            },
            "additionalProperties": True,
        },
    },
    "required": ["message", "extra"],
}
ERROR_DESCRIPTIONS = {
    "400": "The values sent are not valid (see `extra.fields`), or a rule refused the action.",
    "401": "The credentials sent are not valid, or this operation needs a signed-in user.",
    "403": "The signed-in user may not do this (the message says why), or the CSRF check "
    "failed on a session-authenticated request.",
    "404": "Not found, or not yours: other users' and institutions' records are never shown.",
    "406": "The `Accept` header asks for something other than JSON.",
    "413": "The request body is larger than the API accepts.",
    "415": "The request body is not `application/json`.",
    "429": "Too many requests: wait the seconds in the `Retry-After` header.",
}
READ_METHODS = {"get", "head", "options"}


def _statuses_for(method: str, operation: dict) -> list[str]:
    parameters = operation.get("parameters", [])
    names = {p["name"] for p in parameters if p.get("in") == "query"}
    path = [p for p in parameters if p.get("in") == "path"]
    has_body = "requestBody" in operation
    anonymous = {} in operation.get("security", [{}])
    codes = ["401", "406"]
    # A numeric id in the address either matches or is a 404; a text one may be malformed.
    text_in_path = any(p.get("schema", {}).get("type") == "string" for p in path)
    # A write can always be refused by a rule (an ApplicationError), body or not.
    if names or has_body or text_in_path or method not in READ_METHODS:
        codes.append("400")
    if not (anonymous and method in READ_METHODS):
        codes.append("403")
    if path or names & {"page", "lot"}:
        codes.append("404")
    if has_body:
        codes += ["413", "415"]
    if anonymous:
        codes.append("429")
    return codes


def error_responses_hook(result, generator, request, public):
    """Document the one error shape on every operation, for the statuses it can answer."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _statuses_for(method, operation):
                responses.setdefault(
                    code,
                    {
                        "description": ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result


class IdField(serializers.IntegerField):
    """A database id in a body or query: a positive integer small enough for any database."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


DATE_RANGE_MESSAGE = f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}, like 2026-03-31."


def _within_years(value):
    # Far dates are typing mistakes, and at the ends of the calendar date arithmetic (the day
    # after 9999-12-31) and time zone conversion overflow.
    if not within_years(value):
        raise serializers.ValidationError(DATE_RANGE_MESSAGE)
    return value


class DateField(serializers.DateField):
    """An ISO date (``2026-03-31``) between 1900 and 2999."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", []).append(_within_years)
        super().__init__(**kwargs)


class DateTimeField(serializers.DateTimeField):
    """An ISO date and time between 1900 and 2999; without an offset it is UK time."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", []).append(_within_years)
        super().__init__(**kwargs)


class MoneyField(serializers.DecimalField):
    """Pounds and pence, as a string in responses (``"25000.00"``); up to £999,999,999,999.99."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)


@extend_schema(exclude=True)
class NotFoundApi(APIView):
    """Any address under ``/api/v1/`` that is no operation: a 404 in the error shape (not the
    HTML page), whatever the method."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def _not_found(self, request, *args, **kwargs):
        raise exceptions.NotFound(
            "There is no API operation at this address. Addresses end with a slash; "
            "see /api/docs/ for the list."
        )

    get = post = put = patch = delete = head = options = _not_found

"""Read-only JSON API of the CPV taxonomy, used by the picker and open to anyone.

Errors take the project's shape (``core.exception_handlers``): a too-short query is a 400 with
``extra.fields.q``; a malformed code a 400 with ``extra.fields.code``; an unknown code a 404.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from sectors import cpv
from sectors.models import CpvCode
from sectors.selectors import (
    DEFAULT_SEARCH_LIMIT,
    MAX_SEARCH_LIMIT,
    cpv_ancestors,
    cpv_children,
    cpv_filter,
    cpv_get,
)

MIN_QUERY_LENGTH = 2
QUERY_TOO_SHORT = (
    f"Type at least {MIN_QUERY_LENGTH} characters of a word or a code, like catering or 5552."
)


class CpvCodeOutputSerializer(serializers.Serializer):
    """One code as the search results and the detail show it."""

    code = serializers.CharField()
    check_digit = serializers.CharField()
    label = serializers.CharField()
    level = serializers.IntegerField()
    parent = serializers.CharField(source="parent_id", allow_null=True)

    class Meta:
        ref_name = "CpvCode"


class CpvCodeRelativeSerializer(serializers.Serializer):
    """A code above or below another, as the detail lists them."""

    code = serializers.CharField()
    label = serializers.CharField()

    class Meta:
        ref_name = "CpvCodeRelative"


class CpvSearchApi(APIView):
    """``GET /api/v1/sectors/cpv/?q=catering&limit=20``: codes matching a word or a code prefix.

    ``count`` is the number of all matches, so the picker can say "20 of 143" and a client
    knows when to narrow its query; ``results`` holds at most ``limit`` of them, best first.
    """

    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        q = serializers.CharField(
            min_length=MIN_QUERY_LENGTH,
            max_length=100,
            error_messages=dict.fromkeys(("required", "blank", "min_length"), QUERY_TOO_SHORT),
        )
        limit = serializers.IntegerField(
            min_value=1, max_value=MAX_SEARCH_LIMIT, default=DEFAULT_SEARCH_LIMIT
        )

        class Meta:
            ref_name = "CpvSearchInput"

    class OutputSerializer(serializers.Serializer):
        results = CpvCodeOutputSerializer(many=True)
        count = serializers.IntegerField()

        class Meta:
            ref_name = "CpvSearchResults"

    @extend_schema(
        operation_id="cpv_search", parameters=[InputSerializer], responses=OutputSerializer
    )
    def get(self, request):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        matches = cpv_filter(params.validated_data["q"])
        page = {
            "results": list(matches[: params.validated_data["limit"]]),
            "count": matches.count(),
        }
        return Response(self.OutputSerializer(page).data)


class CpvDetailApi(APIView):
    """``GET /api/v1/sectors/cpv/<code>/``: one code (check digit optional) with its tree."""

    permission_classes = [AllowAny]

    class OutputSerializer(CpvCodeOutputSerializer):
        division = serializers.CharField()
        ancestors = CpvCodeRelativeSerializer(many=True, help_text="Division first.")
        children = CpvCodeRelativeSerializer(many=True, help_text="In code order.")

        class Meta:
            ref_name = "CpvCodeDetail"

    @extend_schema(operation_id="cpv_retrieve", responses=OutputSerializer)
    def get(self, request, code: str):
        try:
            found = cpv_get(code)
        except cpv.InvalidCpvCode as error:
            raise ValidationError({"code": [str(error)]}) from error
        except CpvCode.DoesNotExist as error:
            raise NotFound(f"There is no CPV code {cpv.normalise_code(code)}.") from error
        detail = {
            "code": found.code,
            "check_digit": found.check_digit,
            "label": found.label,
            "level": found.level,
            "parent_id": found.parent_id,
            "division": found.division,
            "ancestors": cpv_ancestors(found.code),
            "children": cpv_children(found.code),
        }
        return Response(self.OutputSerializer(detail).data)

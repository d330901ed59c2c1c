"""Postcode lookup API: ``GET /api/v1/places/postcodes/<postcode>/``."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from places.postcodes import InvalidPostcode, Postcode
from places.selectors import postcode_lookup


class PostcodeDetailApi(APIView):
    """Parse a postcode in any spelling and say where it is and which named areas hold it.

    A well-formed postcode always answers 200, even when neither it nor its district is in
    the loaded data: the parts are still right, and a new-build postcode missing from the
    directory is not proof it does not exist. Then ``latitude``, ``longitude`` and
    ``precision`` are null. ``precision`` is ``"postcode"`` for the postcode's own point and
    ``"district"`` for its district's centroid. A malformed postcode answers 400.
    """

    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="PostcodeLookup")
    class OutputSerializer(serializers.Serializer):
        @extend_schema_serializer(component_name="PostcodeAreaMembership")
        class AreaSerializer(serializers.Serializer):
            slug = serializers.CharField()
            name = serializers.CharField()
            membership = serializers.ChoiceField(choices=["core", "fringe"])

        postcode = serializers.CharField(source="postcode.value")
        district = serializers.CharField(source="postcode.district")
        sector = serializers.CharField(source="postcode.sector")
        area = serializers.CharField(source="postcode.area")
        latitude = serializers.FloatField(allow_null=True)
        longitude = serializers.FloatField(allow_null=True)
        precision = serializers.ChoiceField(choices=["postcode", "district"], allow_null=True)
        areas = AreaSerializer(many=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request, postcode: str):
        try:
            parsed = Postcode.parse(postcode)
        except InvalidPostcode as exc:
            raise ValidationError({"postcode": [exc.message]}) from None
        return Response(self.OutputSerializer(postcode_lookup(parsed)).data)

"""API tokens, under ``/api/v1/auth/token/``: ``POST`` an email and password for a token to send
as ``Authorization: Token <key>``; ``DELETE`` (with that header) revokes it.

Obtaining a token is throttled per client (``auth_token`` rate) on top of django-axes, which
counts failed passwords per email and address exactly as the sign-in page does.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from accounts import services
from core.api import parse_body

WRONG_CREDENTIALS = (
    "Enter a correct email address and password. Both are case-sensitive apart from the email."
)
LOCKED_OUT = "Too many failed attempts for this email address. Wait a while, or reset the password."


class TokenApi(APIView):
    throttle_scope = "auth_token"

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=4096, trim_whitespace=False)

        class Meta:
            ref_name = "TokenObtain"

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")

        class Meta:
            ref_name = "Token"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        if self.request.method == "POST":
            return [AnonRateThrottle(), ScopedRateThrottle()]
        return super().get_throttles()

    @extend_schema(
        operation_id="auth_token_obtain",
        request=InputSerializer,
        responses=OutputSerializer,
        description="Your API token (the same one until you revoke it).",
    )
    def post(self, request):
        data = parse_body(self.InputSerializer, request)
        django_request = request._request
        # django-axes' backend reads the email from a submitted form, which a JSON body is
        # not: ask it about this email before trying the password.
        if not AxesProxyHandler.is_allowed(django_request, {"username": data["email"]}):
            raise Throttled(detail=LOCKED_OUT)
        user = authenticate(django_request, username=data["email"], password=data["password"])
        if getattr(django_request, "axes_locked_out", False):
            # This failure reached the limit. django-axes would swap the response for its HTML
            # lockout page; answer in the API's shape instead.
            django_request.axes_locked_out = False
            raise Throttled(detail=LOCKED_OUT)
        if user is None:
            raise ValidationError({"non_field_errors": [WRONG_CREDENTIALS]})
        token = services.api_token_issue(user=user)
        return Response(self.OutputSerializer({"token": token.key}).data)

    @extend_schema(
        operation_id="auth_token_revoke",
        request=None,
        responses={204: None},
        description="Revoke your API token; the next `POST` gives a new one.",
    )
    def delete(self, request):
        services.api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

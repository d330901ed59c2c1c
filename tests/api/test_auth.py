"""API tokens: obtain with email and password, use as ``Authorization: Token``, revoke; obtaining
is throttled and failed passwords count towards django-axes' lockout, answered as JSON."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import AuditEvent
from tests.accounts.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/token/"


def obtain(api, email, password=DEFAULT_PASSWORD):
    return api.post(URL, {"email": email, "password": password}, format="json")


def test_token_is_obtained_used_and_revoked(world, api):
    response = obtain(api, "Supplier@Example.org")
    assert response.status_code == 200
    key = response.json()["token"]
    assert AuditEvent.objects.filter(verb="user.api_token_issued").count() == 1
    assert obtain(api, "supplier@example.org").json()["token"] == key  # the same until revoked

    authed = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert authed.get("/api/v1/businesses/").json()["count"] == 1
    assert authed.delete(URL).status_code == 204
    assert not Token.objects.filter(key=key).exists()
    assert authed.get("/api/v1/businesses/").status_code == 401


def test_wrong_password_is_a_400_without_saying_which_part_was_wrong(world, api):
    response = obtain(api, "supplier@example.org", "guess")
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["non_field_errors"][0].startswith(
        "Enter a correct email address and password."
    )
    assert not Token.objects.exists()


def test_inactive_users_get_no_token(world, api):
    world.supplier.is_active = False
    world.supplier.save(update_fields=["is_active"])
    assert obtain(api, "supplier@example.org").status_code == 400


def test_repeated_failures_lock_out_in_the_api_shape(world, api, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        obtain(api, "supplier@example.org", "guess")
    response = obtain(api, "supplier@example.org")  # even the right password, now
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json()["message"].startswith("Too many failed attempts")


def test_obtaining_a_token_is_throttled(world, api, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "auth_token", "2/minute")
    for _ in range(2):
        assert obtain(api, "supplier@example.org").status_code == 200
    response = obtain(api, "supplier@example.org")
    assert response.status_code == 429
    assert response["Retry-After"]
    assert response.json()["extra"]["wait"] > 0


def test_a_bad_token_is_a_401_even_on_public_operations(world):
    client = APIClient(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get("/api/v1/opportunities/")
    assert response.status_code == 401
    assert response.json() == {"message": "Invalid token.", "extra": {}}


def test_revoking_needs_a_signed_in_user(world, api):
    assert api.delete(URL).status_code == 401


def test_session_clients_need_the_csrf_token_to_write(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.supplier)
    assert client.get("/api/v1/businesses/").status_code == 200
    response = client.patch(
        f"/api/v1/businesses/{world.business.pk}/", {"description": "x"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["message"].startswith("CSRF Failed")

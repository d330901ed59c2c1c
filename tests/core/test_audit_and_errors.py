import pytest
from django.core.exceptions import ValidationError
from rest_framework import exceptions

from core.exception_handlers import api_exception_handler
from core.exceptions import ApplicationError, PermissionDenied
from core.models import AuditEvent
from core.services import audit_event_record
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_audit_event_records_actor_target_and_summary():
    actor = UserFactory()
    target = UserFactory(email="target@example.org")
    event = audit_event_record(
        actor=actor,
        verb="user.renamed",
        target=target,
        summary={"before": {"name": "A"}, "after": {"name": "B"}},
    )
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor == actor
    assert event.target == target
    assert event.target_repr == "target@example.org"
    assert event.summary["after"] == {"name": "B"}


def test_audit_event_by_the_system_has_no_actor():
    assert audit_event_record(actor=None, verb="import.ran").actor is None


@pytest.mark.parametrize(
    ("exc", "status", "message", "fields"),
    [
        (
            ApplicationError("Lots must add up.", extra={"rule": "split"}),
            400,
            "Lots must add up.",
            None,
        ),
        (
            PermissionDenied("Only an officer can do this."),
            403,
            "Only an officer can do this.",
            None,
        ),
        (
            ValidationError({"postcode": ["Enter a full UK postcode"]}),
            400,
            "Some of the values sent are not valid.",
            {"postcode": ["Enter a full UK postcode"]},
        ),
        (
            exceptions.ValidationError({"q": ["Too short"]}),
            400,
            "Some of the values sent are not valid.",
            {"q": ["Too short"]},
        ),
        (
            exceptions.ParseError("JSON parse error - Expecting value"),
            400,
            "JSON parse error - Expecting value",
            None,
        ),
        (exceptions.NotAuthenticated(), 401, "Authentication credentials were not provided.", None),
    ],
)
def test_every_api_error_has_one_shape(exc, status, message, fields):
    response = api_exception_handler(exc, {})
    assert response.status_code == status
    assert set(response.data) == {"message", "extra"}
    assert response.data["message"] == message
    if fields is not None:
        assert response.data["extra"]["fields"] == fields


def test_unexpected_errors_are_left_to_django():
    assert api_exception_handler(RuntimeError("boom"), {}) is None

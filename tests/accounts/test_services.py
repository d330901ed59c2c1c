import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.services import user_create, user_send_verification, user_verify_email
from accounts.tokens import make_verification_token
from core.exceptions import ApplicationError
from core.models import AuditEvent, OutboundEmail
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-long-unusual-passphrase"


def test_user_create_normalises_email_and_queues_verification(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        user = user_create(
            email="  Ann.Smith@Example.ORG ", full_name=" Ann Smith ", password=GOOD_PASSWORD
        )

    assert user.email == "ann.smith@example.org"
    assert user.full_name == "Ann Smith"
    assert user.check_password(GOOD_PASSWORD)
    assert not user.email_verified
    assert AuditEvent.objects.filter(verb="user.signed_up", target_id=str(user.pk)).exists()
    email = OutboundEmail.objects.get(to="ann.smith@example.org")
    assert email.status == OutboundEmail.Status.SENT
    assert len(mailoutbox) == 1
    assert "/accounts/verify/" in mailoutbox[0].body


def test_no_email_is_sent_before_the_transaction_commits(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user_create(email="late@example.org", full_name="Late", password=GOOD_PASSWORD)
    assert mailoutbox == []
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    "spelling", ["taken@example.org", "TAKEN@example.org", " Taken@Example.Org "]
)
def test_user_create_refuses_duplicate_email_case_insensitively(spelling):
    UserFactory(email="taken@example.org")
    with pytest.raises(ValidationError) as exc:
        user_create(email=spelling, full_name="Someone", password=GOOD_PASSWORD)
    assert "already exists" in exc.value.message_dict["email"][0]
    assert User.objects.count() == 1


def test_user_create_refuses_weak_password_on_the_password_field():
    with pytest.raises(ValidationError) as exc:
        user_create(email="weak@example.org", full_name="Weak", password="password")
    assert "password" in exc.value.message_dict
    assert not User.objects.filter(email="weak@example.org").exists()
    assert not OutboundEmail.objects.exists()


def test_user_verify_email_confirms_and_is_idempotent():
    user = UserFactory()
    token = make_verification_token(user)
    verified = user_verify_email(token=token)
    first = verified.email_verified_at
    assert first is not None
    again = user_verify_email(token=token)
    assert again.email_verified_at == first
    assert AuditEvent.objects.filter(verb="user.email_verified").count() == 1


def test_user_verify_email_refuses_tampered_token():
    user = UserFactory()
    with pytest.raises(ApplicationError, match="not valid"):
        user_verify_email(token=make_verification_token(user) + "x")


def test_user_verify_email_refuses_expired_token(settings, time_machine):
    user = UserFactory()
    time_machine.move_to("2026-01-01 12:00:00+00:00", tick=False)
    token = make_verification_token(user)
    time_machine.move_to("2026-03-01 12:00:00+00:00", tick=False)
    with pytest.raises(ApplicationError, match="expired"):
        user_verify_email(token=token)


def test_user_verify_email_refuses_link_for_a_changed_address():
    user = UserFactory(email="old@example.org")
    token = make_verification_token(user)
    user.email = "new@example.org"
    user.save()
    with pytest.raises(ApplicationError, match="no longer"):
        user_verify_email(token=token)


def test_user_send_verification_refuses_when_already_confirmed():
    user = UserFactory()
    user_verify_email(token=make_verification_token(user))
    user.refresh_from_db()
    with pytest.raises(ApplicationError, match="already confirmed"):
        user_send_verification(user=user)


def test_verification_link_points_at_the_verify_view(
    django_capture_on_commit_callbacks, mailoutbox, client
):
    with django_capture_on_commit_callbacks(execute=True):
        user_create(email="link@example.org", full_name="Link", password=GOOD_PASSWORD)
    path = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/verify/" in line)
    path = path[path.index("/accounts/verify/") :]
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert User.objects.get(email="link@example.org").email_verified

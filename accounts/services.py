from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User, normalise_email
from accounts.tokens import make_verification_token, read_verification_token
from core.exceptions import ApplicationError
from core.services import audit_event_record, email_queue

DUPLICATE_EMAIL_MESSAGE = (
    "An account with this email address already exists. Sign in or reset your password."
)


@transaction.atomic
def user_create(*, email: str, full_name: str, password: str, actor=None) -> User:
    """Register a person and send them a link to confirm their email address.

    Emails are compared case-insensitively: ``Ann@Example.org`` and ``ann@example.org`` are one
    account. The database constraint backs the check up when two sign-ups race.
    """
    email = normalise_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": DUPLICATE_EMAIL_MESSAGE})
    user = User(email=email, full_name=full_name.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ValidationError({"email": DUPLICATE_EMAIL_MESSAGE}) from exc
    audit_event_record(actor=actor or user, verb="user.signed_up", target=user)
    user_send_verification(user=user)
    return user


def user_send_verification(*, user: User):
    """Queue the "confirm your email address" message (sent by Celery after commit)."""
    if user.email_verified:
        raise ApplicationError("Your email address is already confirmed.")
    link = settings.SITE_URL.rstrip("/") + reverse(
        "accounts:verify_email", kwargs={"token": make_verification_token(user)}
    )
    context = {
        "user": user,
        "link": link,
        "site_name": settings.SITE_NAME,
        "days": settings.EMAIL_VERIFICATION_TIMEOUT // 86400,
    }
    return email_queue(
        to=user.email,
        subject=f"Confirm your email address for {settings.SITE_NAME}",
        body_text=render_to_string("accounts/emails/verify_email.txt", context),
        body_html=render_to_string("accounts/emails/verify_email.html", context),
        kind="accounts.verify_email",
    )


@transaction.atomic
def user_verify_email(*, token: str) -> User:
    """Mark the address in ``token`` as confirmed. Safe to follow the same link twice."""
    try:
        user_id, email = read_verification_token(token)
    except signing.SignatureExpired as exc:
        raise ApplicationError(
            "This confirmation link has expired. Sign in and ask for a new one."
        ) from exc
    except signing.BadSignature as exc:
        raise ApplicationError(
            "This confirmation link is not valid. Check you copied the whole link from the email."
        ) from exc
    user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
    if user is None or user.email != email:
        raise ApplicationError(
            "This confirmation link is for an address that is no longer on an account."
        )
    if not user.email_verified:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        audit_event_record(actor=user, verb="user.email_verified", target=user)
    return user


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """The user's API token, made on first use (one per user; revoking it makes the next new)."""
    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit_event_record(actor=user, verb="user.api_token_issued", target=user)
    return token


@transaction.atomic
def api_token_revoke(*, user: User) -> bool:
    """Delete the user's API token; False when there was none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit_event_record(actor=user, verb="user.api_token_revoked", target=user)
    return bool(deleted)

"""Signed, expiring links for confirming an email address.

The token binds the user id to the address it was sent to, so a link stops working once the
user changes their email, and it cannot be forged without the secret key.
"""

from django.conf import settings
from django.core import signing

_SALT = "accounts.email-verification"


def make_verification_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=_SALT, compress=True)


def read_verification_token(token: str) -> tuple[int, str]:
    """Return (user id, email). Raises ``signing.SignatureExpired`` / ``signing.BadSignature``."""
    data = signing.loads(token, salt=_SALT, max_age=settings.EMAIL_VERIFICATION_TIMEOUT)
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("u"), int)
        or not isinstance(data.get("e"), str)
    ):
        raise signing.BadSignature("Malformed verification token")
    return data["u"], data["e"]

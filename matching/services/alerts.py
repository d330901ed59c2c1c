"""A person's choice of match emails: set from their account, or by the link in any digest."""

from django.db import transaction

from accounts.models import User
from core.exceptions import ApplicationError
from core.services import audit_event_record
from matching.notifications import unsubscribe_user_id


@transaction.atomic
def alert_preferences_update(*, actor: User, match_digest: bool) -> User:
    """Turn the daily match digest on or off for the signed-in user."""
    if actor.match_digest != match_digest:
        actor.match_digest = match_digest
        actor.save(update_fields=["match_digest"])
        audit_event_record(
            actor=actor, verb="alerts.updated", target=actor, summary={"match_digest": match_digest}
        )
    return actor


@transaction.atomic
def digest_unsubscribe(*, token: str) -> User:
    """Turn the digest off for the user a signed unsubscribe link names (no sign-in needed)."""
    user_id = unsubscribe_user_id(token)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        raise ApplicationError(
            "This unsubscribe link is not valid. Sign in and change your email alerts instead."
        )
    return alert_preferences_update(actor=user, match_digest=False)

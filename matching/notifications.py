"""Emails about matches and interest: what they say and who gets them.

Services call these builders and hand the result to ``core.services.email_queue`` (outbox +
Celery after commit). The daily digest goes to each member of a business with new matches who
has not turned the digest off; each email carries a one-click unsubscribe link.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.services import email_queue
from matching.models import Interest, Match

UNSUBSCRIBE_SALT = "matching.digest-unsubscribe"
DIGEST_MAX_MATCHES = 20  # the rest are summarised with a link to "My matches"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_token(user) -> str:
    """A signed, non-expiring token naming the user: unsubscribing must work from old emails."""
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_user_id(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["user"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def _digest_recipients(business):
    members = business.members.select_related("user").filter(
        user__is_active=True, user__match_digest=True
    )
    return [member.user for member in members]


def digest_send_for_business(*, business_id: int, now=None) -> int:
    """Email this business's members its new matches on open lots; mark them notified.

    Idempotent under concurrency: the matches are locked (rows another run holds are skipped)
    and marked in the same transaction that queues the emails. Returns the emails queued.
    """
    from anchors.models import Lot

    now = now or timezone.now()
    with transaction.atomic():
        due = (
            Match.objects.undigested()
            .filter(business_id=business_id, lot__in=Lot.objects.open(now=now).values("pk"))
            .select_for_update(skip_locked=True, of=("self",))
        )
        matches = list(
            due.select_related("lot__contract__institution", "business").order_by("-score", "pk")
        )
        if not matches:
            return 0
        business = matches[0].business
        recipients = _digest_recipients(business)
        for user in recipients:
            email_queue(**digest_email(user=user, business=business, matches=matches))
        Match.objects.filter(pk__in=[m.pk for m in matches]).update(notified_at=now)
    return len(recipients)


def digest_email(*, user, business, matches: list[Match]) -> dict:
    shown = matches[:DIGEST_MAX_MATCHES]
    context = {
        "user": user,
        "business": business,
        "matches": [
            {
                "match": match,
                "lot": match.lot,
                "url": absolute(reverse("matching:match_detail", args=[match.pk])),
            }
            for match in shown
        ],
        "more": len(matches) - len(shown),
        "my_matches_url": absolute(reverse("matching:my_matches")),
        "unsubscribe_url": absolute(
            reverse("matching:digest_unsubscribe", args=[unsubscribe_token(user)])
        ),
        "preferences_url": absolute(reverse("matching:alert_preferences")),
        "site_name": settings.SITE_NAME,
    }
    count = len(matches)
    return {
        "to": user.email,
        "subject": f"{count} new opportunit{'y' if count == 1 else 'ies'} for {business.name}",
        "body_text": render_to_string("matching/email/match_digest.txt", context),
        "body_html": render_to_string("matching/email/match_digest.html", context),
        "kind": "match_digest",
    }


def interest_decision_email(*, interest: Interest) -> list[dict]:
    """One email per active member: the buyer shortlisted or declined their interest."""
    business = interest.business
    members = business.members.select_related("user").filter(user__is_active=True)
    context = {
        "interest": interest,
        "lot": interest.lot,
        "business": business,
        "institution": interest.lot.contract.institution,
        "shortlisted": interest.status == Interest.Status.SHORTLISTED,
        "interests_url": absolute(reverse("matching:my_interests")),
        "site_name": settings.SITE_NAME,
    }
    subject = (
        f"{context['institution'].name} shortlisted {business.name}"
        if context["shortlisted"]
        else f"{context['institution'].name} declined {business.name}'s interest"
    )
    return [
        {
            "to": member.user.email,
            "subject": subject,
            "body_text": render_to_string("matching/email/interest_decision.txt", context),
            "body_html": "",
            "kind": f"interest_{interest.status}",
        }
        for member in members
    ]


def digest_business_ids(*, now=None) -> list[int]:
    """Businesses with matches due in today's digest (new, notifiable, on open lots)."""
    from anchors.models import Lot

    due = Match.objects.undigested().filter(
        lot__in=Lot.objects.open(now=now or timezone.now()).values("pk")
    )
    return sorted(set(due.values_list("business_id", flat=True)))

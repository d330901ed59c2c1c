"""An event's invite list: generated from matches and focus sectors, reviewed by a coordinator,
sent by email with an RSVP link, and tracked (proposed, invited, registered, declined; a business
that cancels its registration has declined, see ``registration_cancel``).

The ranking lives in ``events.selectors.invite_candidates``; this module keeps the list: it
never re-adds a business a coordinator removed, keeps the ones they added by hand, and running
it again changes nothing unless the candidates did.
"""

from django.db import transaction
from django.utils import timezone

from core.exceptions import ApplicationError
from core.services import audit_event_record, email_queue
from events import notifications
from events.models import Event, Invitation
from events.selectors import invite_candidates
from events.services.common import (
    ensure_changeable,
    ensure_coordinator,
    lock_event,
    registration_closed_message,
)
from suppliers.models import Business

MANUAL_REASON = "Added by a network coordinator."


@transaction.atomic
def invite_list_generate(*, user, event: Event, limit: int = 200) -> list[Invitation]:
    """Add the best candidates to the list (proposed), refresh the reasons of those already on
    it, and re-rank: generated candidates in the selector's order, then the others as before.

    Returns the list as it now stands (not removed), best first.
    """
    ensure_coordinator(user)
    event = lock_event(event)
    ensure_changeable(event, "change its invite list")
    candidates = invite_candidates(event=event, limit=limit)
    existing = {inv.business_id: inv for inv in event.invitations.select_for_update()}
    now = timezone.now()
    ranked: list[Invitation] = []
    created = 0
    for candidate in candidates:
        invitation = existing.get(candidate.business.pk)
        if invitation is None:
            invitation = Invitation(
                event=event,
                business=candidate.business,
                status=Invitation.Status.PROPOSED,
                source=Invitation.Source.MATCHES,
            )
            created += 1
        elif invitation.removed_at:
            continue  # a coordinator took it off: never put it back
        invitation.score = round(candidate.score, 4)
        if invitation.source == Invitation.Source.MATCHES:
            invitation.reasons = candidate.reasons
        ranked.append(invitation)
    seen = {inv.business_id for inv in ranked}
    others = sorted(
        (inv for inv in existing.values() if inv.business_id not in seen and not inv.removed_at),
        key=lambda inv: (inv.rank, inv.pk),
    )
    for rank, invitation in enumerate([*ranked, *others], start=1):
        invitation.rank = rank
        invitation.updated_at = now
        if invitation.pk is None:
            invitation.full_clean()
            invitation.save()
        else:
            invitation.save(update_fields=["rank", "score", "reasons", "updated_at"])
    audit_event_record(
        actor=user,
        verb="event.invite_list_generated",
        target=event,
        summary={
            "candidates": len(candidates),
            "added": created,
            "on_list": len(ranked) + len(others),
        },
    )
    return [*ranked, *others]


@transaction.atomic
def invitation_add(*, user, event: Event, business: Business) -> Invitation:
    """Put a business on the list by hand (or back on it after a removal), at the end."""
    ensure_coordinator(user)
    event = lock_event(event)
    ensure_changeable(event, "change its invite list")
    if not business.is_active:
        raise ApplicationError(f"{business.name} is deactivated, so it cannot be invited.")
    last = event.invitations.on_list().order_by("-rank").values_list("rank", flat=True).first()
    invitation = event.invitations.select_for_update().filter(business=business).first()
    if invitation is not None and not invitation.removed_at:
        raise ApplicationError(f"{business.name} is already on the invite list.")
    if invitation is None:
        invitation = Invitation(event=event, business=business, reasons=[MANUAL_REASON])
    invitation.source = Invitation.Source.MANUAL
    invitation.removed_at = None
    invitation.added_by = user
    invitation.rank = (last or 0) + 1
    invitation.full_clean()
    invitation.save()
    audit_event_record(
        actor=user, verb="event.invitation_added", target=event, summary={"business": business.pk}
    )
    return invitation


@transaction.atomic
def invitation_remove(*, user, invitation: Invitation) -> Invitation:
    """Take a business off the list; generating the list again will not bring it back."""
    ensure_coordinator(user)
    event = lock_event(invitation.event)
    ensure_changeable(event, "change its invite list")
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("business")
        .get(pk=invitation.pk)
    )
    if invitation.removed_at:
        raise ApplicationError(f"{invitation.business.name} is not on the invite list.")
    if invitation.status == Invitation.Status.REGISTERED:
        raise ApplicationError(
            f"{invitation.business.name} has registered: cancel its registration instead."
        )
    invitation.removed_at = timezone.now()
    invitation.save(update_fields=["removed_at", "updated_at"])
    audit_event_record(
        actor=user,
        verb="event.invitation_removed",
        target=event,
        summary={"business": invitation.business_id, "status": invitation.status},
    )
    return invitation


@transaction.atomic
def invitations_send(*, user, event: Event) -> int:
    """Email every proposed invitation on the list (each member of each business, with the RSVP
    link) and mark it invited. Idempotent: only proposed ones are sent, and they are locked and
    marked in the same transaction that queues the emails. Returns the invitations sent."""
    ensure_coordinator(user)
    event = lock_event(event)
    if not event.published_at and not event.cancelled_at:
        raise ApplicationError("Publish the event before sending invitations.")
    closed = registration_closed_message(event)
    if closed:
        raise ApplicationError(f"{closed} Invitations can no longer be sent.")
    due = list(
        event.invitations.on_list()
        .filter(status=Invitation.Status.PROPOSED)
        .select_related("business", "event")
        .select_for_update(of=("self",))
    )
    now = timezone.now()
    sent = emails = 0
    for invitation in due:
        messages = notifications.invitation_emails(invitation=invitation)
        if not messages:
            continue  # nobody to tell: left proposed, so a later send picks it up
        for message in messages:
            email_queue(**message)
        emails += len(messages)
        invitation.status = Invitation.Status.INVITED
        invitation.sent_at = now
        invitation.save(update_fields=["status", "sent_at", "updated_at"])
        sent += 1
    audit_event_record(
        actor=user,
        verb="event.invitations_sent",
        target=event,
        summary={"invitations": sent, "emails": emails},
    )
    return sent


def invitation_token(invitation: Invitation) -> str:
    """The signed token in the invitation's RSVP link."""
    return notifications.invitation_token(invitation)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation an RSVP link names, or None for a forged, mangled or stale link."""
    invitation_id = notifications.invitation_id_from_token(token)
    if invitation_id is None:
        return None
    return Invitation.objects.select_related("event", "business").filter(pk=invitation_id).first()


@transaction.atomic
def invitation_decline(*, invitation: Invitation) -> Invitation:
    """The business says no thanks (from the RSVP link: the token is the authority).

    Declining twice is harmless; a business that has registered cancels its registration.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("event", "business")
        .get(pk=invitation.pk)
    )
    if invitation.status == Invitation.Status.DECLINED:
        return invitation
    if invitation.status == Invitation.Status.REGISTERED:
        raise ApplicationError(
            "Your business is registered for this event: cancel the registration instead."
        )
    if invitation.event.cancelled_at:
        raise ApplicationError("This event has been cancelled.")
    invitation.status = Invitation.Status.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at", "updated_at"])
    audit_event_record(actor=None, verb="event.invitation_declined", target=invitation)
    return invitation

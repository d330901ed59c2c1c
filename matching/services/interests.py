"""Interest: a business tells a buyer it wants to bid for a lot; the buyer shortlists or declines.

The law shapes what may refuse an interest (PA23 s.85): only a lawful reservation does, with its
reason. Capacity, concurrent work and certifications are explained as warnings, never as bars.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anchors.models import Lot
from anchors.permissions import ensure_officer_of
from core.exceptions import ApplicationError, PermissionDenied
from core.services import audit_event_record, email_queue
from matching import engine, inputs
from matching.models import NOTE_MAX_LENGTH, Interest
from matching.notifications import interest_decision_email
from matching.reasons import explain
from matching.reservations import Judgement, Reservation
from suppliers.models import Business
from suppliers.permissions import member_role


@dataclass(frozen=True)
class InterestOutcome:
    interest: Interest
    warnings: list[str]


def _ensure_member(actor, business: Business) -> None:
    if member_role(actor, business) is None:
        raise PermissionDenied(f"Only people at {business.name} can act for it.")


def _ensure_open(lot: Lot, now) -> None:
    contract = lot.contract
    if contract.cancelled_at:
        raise ApplicationError("This opportunity was cancelled, so it no longer takes interest.")
    if not contract.published_at:
        raise ApplicationError("This opportunity is not published yet.")
    if hasattr(lot, "award"):
        raise ApplicationError("This lot has been awarded, so it no longer takes interest.")
    if contract.closes_at is None or contract.closes_at <= now:
        raise ApplicationError(
            "This opportunity closed for interest on "
            f"{timezone.localtime(contract.closes_at):%-d %B %Y at %H:%M}."
            if contract.closes_at
            else "This opportunity has no closing date, so it is not taking interest."
        )


def _clean_note(note: str, field: str = "note") -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {field: f"Keep the note to {NOTE_MAX_LENGTH} characters (it has {len(note)})."}
        )
    return note


def interest_reservation(
    *, lot: Lot, business: Business, context: inputs.Context | None = None
) -> Judgement:
    """The lot's reservation judged for the business, by the rule matching applies
    (``matching.reservations``): meets it, does not (the refusal, with its rule), or its
    location cannot be confirmed (not refused: the buyer checks where it is based)."""
    context = context or inputs.Context.load()
    lot = inputs.lots_for_matching(Lot.objects.filter(pk=lot.pk)).get()
    return _judged(inputs.lot_reservation(lot), business, context)


def _judged(reservation: Reservation, business: Business, context: inputs.Context) -> Judgement:
    return reservation.judge(
        size_class=business.size_class,
        is_vcse=business.is_vcse,
        local_authority=inputs.business_local_authority(business, context),
    )


def interest_check(*, lot: Lot, business: Business) -> tuple[str | None, list[str]]:
    """Whether the business may register interest in the lot, and what it should weigh up.

    Returns the lawful reservation's refusal in words (or None: see ``interest_reservation``)
    and the warnings (capacity, concurrent work, certificates) the engine would show, computed
    for this one pair.
    """
    context = inputs.Context.load()
    lot = inputs.lots_for_matching(Lot.objects.filter(pk=lot.pk)).get()
    profile = inputs.lot_profile(lot, context)
    refusal = _judged(profile.reservation, business, context).refusal
    warnings: list[str] = []
    candidates = inputs.candidates_for_business(business, context)
    if len(candidates):
        result = engine.score(profile, candidates, context.config)
        warnings = explain(result, 0, {}).warnings
    return refusal, warnings


@transaction.atomic
def interest_register(*, actor, business: Business, lot: Lot, note: str = "") -> InterestOutcome:
    """Register (or re-register after withdrawing) the business's interest in an open lot."""
    _ensure_member(actor, business)
    if not business.is_active:
        raise ApplicationError(
            f"{business.name} is deactivated on LocalLots, so it cannot register interest."
        )
    now = timezone.now()
    lot = (
        Lot.objects.select_related("contract__institution")
        .select_for_update(of=("self",))
        .get(pk=lot.pk)
    )
    _ensure_open(lot, now)
    note = _clean_note(note)
    refusal, warnings = interest_check(lot=lot, business=business)
    if refusal:
        raise ApplicationError(refusal, {"rule": "reservation", "fields": {"lot": [refusal]}})
    interest = Interest.objects.filter(lot=lot, business=business).first()
    if interest and interest.is_active:
        raise ApplicationError(f"{business.name} has already registered interest in this lot.")
    if interest and interest.status == Interest.Status.DECLINED:
        raise ApplicationError("The buyer has already declined your interest in this lot.")
    interest = interest or Interest(lot=lot, business=business)
    interest.status = Interest.Status.REGISTERED
    interest.note, interest.warnings = note, warnings
    interest.registered_by, interest.registered_at, interest.withdrawn_at = actor, now, None
    interest.full_clean()
    interest.save()
    audit_event_record(
        actor=actor,
        verb="interest.registered",
        target=interest,
        summary={"lot": lot.pk, "business": business.pk, "warnings": warnings},
    )
    return InterestOutcome(interest, warnings)


@transaction.atomic
def interest_withdraw(*, actor, interest: Interest) -> Interest:
    """The business takes its interest back, at any time: the buyer sees it was withdrawn."""
    interest = Interest.objects.select_for_update().select_related("business").get(pk=interest.pk)
    _ensure_member(actor, interest.business)
    if not interest.is_active:
        raise ApplicationError("Only a registered or shortlisted interest can be withdrawn.")
    before = interest.status
    interest.status, interest.withdrawn_at = Interest.Status.WITHDRAWN, timezone.now()
    interest.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit_event_record(
        actor=actor,
        verb="interest.withdrawn",
        target=interest,
        summary={"before": {"status": before}, "after": {"status": interest.status}},
    )
    return interest


def _decide(*, actor, interest: Interest, status: str, note: str, verb: str) -> Interest:
    interest = (
        Interest.objects.select_for_update(of=("self",))
        .select_related("lot__contract__institution", "business")
        .get(pk=interest.pk)
    )
    ensure_officer_of(actor, interest.lot.contract.institution)
    if interest.status == Interest.Status.WITHDRAWN:
        raise ApplicationError(
            "The business withdrew this interest, so there is nothing to decide."
        )
    before = {"status": interest.status, "officer_note": interest.officer_note}
    interest.status = status
    interest.officer_note = _clean_note(note, "officer_note")
    interest.decided_at, interest.decided_by = timezone.now(), actor
    interest.save(
        update_fields=["status", "officer_note", "decided_at", "decided_by", "updated_at"]
    )
    audit_event_record(
        actor=actor,
        verb=verb,
        target=interest,
        summary={
            "before": before,
            "after": {"status": status, "officer_note": interest.officer_note},
        },
    )
    for email in interest_decision_email(interest=interest):
        email_queue(**email)
    return interest


@transaction.atomic
def interest_shortlist(*, actor, interest: Interest, note: str = "") -> Interest:
    """An officer of the buying institution shortlists the business; it is told by email."""
    return _decide(
        actor=actor,
        interest=interest,
        status=Interest.Status.SHORTLISTED,
        note=note,
        verb="interest.shortlisted",
    )


@transaction.atomic
def interest_decline(*, actor, interest: Interest, note: str = "") -> Interest:
    """An officer declines the interest, ideally saying why; the business is told by email."""
    return _decide(
        actor=actor,
        interest=interest,
        status=Interest.Status.DECLINED,
        note=note,
        verb="interest.declined",
    )

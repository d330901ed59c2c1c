"""Clarification questions: a business asks about a lot; an officer of the buying institution
answers, and the answer is published to everyone with the question. The asker is never shown
to the public or to other businesses (fair treatment of suppliers); officers see which business
asked, so they can follow up."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anchors.models import Lot, Question
from anchors.permissions import ensure_officer_of
from core.exceptions import ApplicationError, PermissionDenied
from core.services import audit_event_record, email_queue
from suppliers.models import Business
from suppliers.permissions import member_role

QUESTION_MAX_LENGTH = 2000
ANSWER_MAX_LENGTH = 5000


def _clean_text(text: str, *, field: str, limit: int, empty: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({field: empty})
    if len(text) > limit:
        raise ValidationError({field: f"Keep it to {limit} characters (it has {len(text)})."})
    return text


@transaction.atomic
def question_ask(*, actor, business: Business, lot: Lot, text: str, now=None) -> Question:
    """Ask a question about a published lot that is still open for interest."""
    if member_role(actor, business) is None:
        raise PermissionDenied(f"Only people at {business.name} can ask questions for it.")
    if not business.is_active:
        raise ApplicationError(f"{business.name} is deactivated, so it cannot ask questions.")
    now = now or timezone.now()
    contract = lot.contract
    if not contract.published_at or contract.cancelled_at:
        raise ApplicationError("Questions can only be asked about a published opportunity.")
    if contract.closes_at is None or contract.closes_at <= now:
        raise ApplicationError("This opportunity has closed, so it no longer takes questions.")
    question = Question.objects.create(
        lot=lot,
        business=business,
        asked_by=actor,
        text=_clean_text(
            text, field="text", limit=QUESTION_MAX_LENGTH, empty="Enter your question."
        ),
    )
    audit_event_record(
        actor=actor,
        verb="question.asked",
        target=question,
        summary={"lot": lot.pk, "business": business.pk},
    )
    return question


@transaction.atomic
def question_answer(*, actor, question: Question, answer: str) -> Question:
    """Answer (or correct the answer to) a question; the answer is published to everyone."""
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("lot__contract__institution", "asked_by")
        .get(pk=question.pk)
    )
    ensure_officer_of(actor, question.lot.contract.institution)
    if question.withdrawn_at:
        raise ApplicationError("This question was withdrawn, so it cannot be answered.")
    previous = question.answer
    question.answer = _clean_text(
        answer, field="answer", limit=ANSWER_MAX_LENGTH, empty="Enter the answer."
    )
    question.answered_by = actor
    first_answer = question.answered_at is None
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at", "updated_at"])
    audit_event_record(
        actor=actor,
        verb="question.answered" if first_answer else "question.answer_changed",
        target=question,
        summary={"before": previous, "after": question.answer},
    )
    asker = question.asked_by
    if asker is not None and asker.is_active:
        url = settings.SITE_URL.rstrip("/") + reverse(
            "opportunities:detail", args=[question.lot_id]
        )
        lot = question.lot
        email_queue(
            to=asker.email,
            subject=f"Your question about {lot.title} has been answered",
            body_text=(
                f"{lot.contract.institution.name} has answered your question about "
                f'"{lot.title}".\n\nYour question:\n{question.text}\n\nAnswer:\n{question.answer}\n\n'
                "The question and answer are now published on the opportunity page for every "
                f"business to read, without your name:\n{url}\n"
            ),
            kind="question_answered",
        )
    return question

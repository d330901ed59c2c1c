"""Clarification questions on the demo's open hyper-local lots: one answered, one waiting."""

from anchors.models import Lot, Question
from anchors.services import question_answer, question_ask
from demo.businesses import FEATURED_BUSINESSES
from demo.context import Demo

# (question, answer or "" for unanswered)
DEMO_QUESTIONS: tuple[tuple[str, str], ...] = (
    (
        "Can two micro-enterprises bid for this lot together as a consortium?",
        "Yes. Name a lead business when you register interest and list your partners in the "
        "note; each partner must meet the lot's reservation on its own.",
    ),
    (
        "Is there parking or a loading bay at the delivery address?",
        "",
    ),
)


def seed(demo: Demo) -> list[str]:
    """The featured caterer asks on the first open hyper-local lots; the officer answers one."""
    business = demo.businesses[FEATURED_BUSINESSES[0][0].name]
    if Question.objects.filter(business=business).exists():
        return []
    owner = business.members.select_related("user").first().user
    lots = list(
        Lot.objects.open()
        .hyper_local()
        .select_related("contract__institution")
        .order_by("contract__closes_at", "pk")[: len(DEMO_QUESTIONS)]
    )
    answered = 0
    for lot, (text, answer) in zip(lots, DEMO_QUESTIONS, strict=False):
        question = question_ask(actor=owner, business=business, lot=lot, text=text)
        if answer:
            officer = lot.contract.institution.memberships.select_related("user").first().user
            question_answer(actor=officer, question=question, answer=answer)
            answered += 1
    return [f"Created {len(lots)} clarification questions ({answered} answered)"] if lots else []

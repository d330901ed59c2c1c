from django.db.models import F, Prefetch, QuerySet

from accounts.roles import Role, user_roles
from anchors.models import Contract, Institution, Lot, Question
from anchors.permissions import ensure_can_view_contract, ensure_officer_of


def institutions_for_user(*, user) -> QuerySet[Institution]:
    """The institutions ``user`` acts for; every institution for a coordinator."""
    if Role.COORDINATOR in user_roles(user):
        return Institution.objects.all()
    if not user.is_authenticated:
        return Institution.objects.none()
    return Institution.objects.filter(memberships__user=user)


def contracts_for_user(*, user) -> QuerySet[Contract]:
    """Contracts an officer's institutions own (all for a coordinator), with their status facts."""
    institutions = institutions_for_user(user=user)
    return (
        Contract.objects.filter(institution__in=institutions)
        .select_related("institution")
        .with_status_facts()
        .order_by("-created_at")
    )


def contract_get(*, user, contract_id: int) -> Contract:
    """One contract with its lots, awards and codes; drafts only for their institution."""
    contract = (
        Contract.objects.select_related("institution")
        .prefetch_related(
            "cpv_codes",
            Prefetch(
                "lots",
                queryset=Lot.objects.select_related(
                    "award__business", "target_area"
                ).prefetch_related("cpv_codes", "required_certifications"),
            ),
        )
        .with_status_facts()
        .get(pk=contract_id)
    )
    ensure_can_view_contract(user, contract)
    return contract


def lot_questions_public(*, lot: Lot) -> QuerySet[Question]:
    """Answered questions on a lot, as everyone sees them (the asker is never included)."""
    return (
        Question.objects.published()
        .filter(lot=lot)
        .only("id", "lot_id", "text", "answer", "answered_at", "created_at")
    )


def lot_questions_for_officer(*, user, lot: Lot) -> QuerySet[Question]:
    """Every question on one of the officer's lots, unanswered first, with who asked."""
    ensure_officer_of(user, lot.contract.institution)
    return (
        Question.objects.filter(lot=lot, withdrawn_at__isnull=True)
        .select_related("business", "asked_by")
        .order_by(F("answered_at").asc(nulls_first=True), "created_at")
    )


def question_get_for_officer(*, user, question_id: int) -> Question:
    """One question on a lot of the officer's institution; 404 for anyone else's."""
    question = (
        Question.objects.select_related("lot__contract__institution", "business", "asked_by")
        .filter(lot__contract__institution__in=institutions_for_user(user=user))
        .get(pk=question_id)
    )
    ensure_officer_of(user, question.lot.contract.institution)
    return question

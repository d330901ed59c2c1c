from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from accounts.roles import Role, user_roles
from anchors import rules
from anchors.models import Contract, Institution, Lot, LotCpv, Question
from anchors.permissions import ensure_can_view_contract, ensure_officer_of
from anchors.services.contracts import publish_breaches
from anchors.services.lots import reservation_request_for
from suppliers.models import Business


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


# The buyer workspace (``/buyer/...``) -------------------------------------------------------


def officer_institutions(*, user) -> QuerySet[Institution]:
    """The institutions ``user`` may act for as a buyer (memberships only, never a coordinator's
    read-only view of every institution)."""
    if not user.is_authenticated:
        return Institution.objects.none()
    return Institution.objects.filter(memberships__user=user).order_by("name")


def _workspace_lots() -> Prefetch:
    return Prefetch(
        "lots",
        queryset=Lot.objects.select_related("award__business", "target_area").prefetch_related(
            Prefetch("cpv_links", LotCpv.objects.select_related("cpv_code").order_by("cpv_code"))
        ),
    )


def contract_get_for_buyer(*, user, contract_id: int) -> Contract:
    """One contract of the user's institutions (any for a coordinator), draft or not, with its
    lots, their codes, target areas and awards; ``Contract.DoesNotExist`` for anyone else's."""
    return (
        contracts_for_user(user=user)
        .prefetch_related("cpv_codes", _workspace_lots())
        .get(pk=contract_id)
    )


def lot_get_for_buyer(*, user, lot_id: int) -> Lot:
    """One lot (draft or published) of the user's institutions (any for a coordinator), with
    its contract, codes, target area and certifications; ``Lot.DoesNotExist`` otherwise."""
    return (
        Lot.objects.filter(contract__institution__in=institutions_for_user(user=user))
        .select_related("contract__institution", "target_area", "award")
        .prefetch_related(
            Prefetch("cpv_links", LotCpv.objects.select_related("cpv_code").order_by("cpv_code")),
            "required_certifications",
        )
        .get(pk=lot_id)
    )


def lot_award_candidates(*, lot: Lot):
    """The businesses with a current (registered or shortlisted) interest in ``lot``, by name.

    Read through the reverse relation by name, so the buyer side does not import matching.
    """
    return (
        Business.objects.filter(
            interests__lot=lot, interests__status__in=("registered", "shortlisted")
        )
        .distinct()
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class ReservationCheck:
    """The legal check's answer for a lot's reservation, as it is or as it would be."""

    suppliers: str
    location: str
    breaches: list
    value_incl_vat: Decimal
    threshold: Decimal
    regime: str

    @property
    def reserved(self) -> bool:
        return self.suppliers != "none" or self.location != "none"

    @property
    def allowed(self) -> bool:
        return not self.breaches


def reservation_check(
    *, lot: Lot, suppliers: str, location: str, rationale: str, now=None
) -> ReservationCheck:
    """What ``lot_set_reservation`` would say about this reservation, without changing anything."""
    request = reservation_request_for(
        lot.contract, lot, now=now, suppliers=suppliers, location=location, rationale=rationale
    )
    return ReservationCheck(
        suppliers=suppliers,
        location=location,
        breaches=rules.reservation_breaches(request),
        value_incl_vat=request.contract_value_incl_vat,
        threshold=request.threshold,
        regime=request.regime,
    )


def contract_publish_check(*, contract: Contract, now=None) -> list:
    """Everything that stops ``contract`` being published now (empty when it may be), from the
    same rules ``contract_publish`` applies. Needs the lots with ``cpv_links`` prefetched."""
    return publish_breaches(contract, list(contract.lots.all()), now or timezone.now())

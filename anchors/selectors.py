from django.db.models import Prefetch, QuerySet

from accounts.roles import Role, user_roles
from anchors.models import Contract, Institution, Lot
from anchors.permissions import ensure_can_view_contract


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

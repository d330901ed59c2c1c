"""Who may do what on the buyer side. Services call these; views never decide permissions.

Officers act only for their own institution; institution admins also manage its members;
network coordinators read everything and manage institutions, but do not act as buyers.
"""

from accounts.roles import Role, user_roles
from anchors.models import Contract, Institution, Membership
from core.exceptions import PermissionDenied


def membership_of(user, institution: Institution) -> Membership | None:
    if not user.is_authenticated or not user.is_active:
        return None
    return Membership.objects.filter(user=user, institution=institution).first()


def ensure_officer_of(user, institution: Institution) -> Membership:
    """Refuse unless ``user`` is an officer (or admin) of ``institution``."""
    membership = membership_of(user, institution)
    if membership is None:
        raise PermissionDenied(f"Only officers of {institution.name} can do this.")
    return membership


def ensure_admin_of(user, institution: Institution) -> None:
    """Refuse unless ``user`` is an admin of ``institution`` or a network coordinator."""
    if Role.COORDINATOR in user_roles(user):
        return
    membership = membership_of(user, institution)
    if membership is None or membership.role != Membership.Role.ADMIN:
        raise PermissionDenied(
            f"Only an admin of {institution.name} or a network coordinator can manage its members."
        )


def ensure_coordinator(user) -> None:
    if Role.COORDINATOR not in user_roles(user):
        raise PermissionDenied("Only a network coordinator can do this.")


def can_view_contract(user, contract: Contract) -> bool:
    """Published contracts are public; drafts only for their institution and coordinators."""
    if contract.published_at is not None:
        return True
    if Role.COORDINATOR in user_roles(user):
        return True
    return membership_of(user, contract.institution) is not None


def ensure_can_view_contract(user, contract: Contract) -> None:
    if not can_view_contract(user, contract):
        raise PermissionDenied("This contract is a draft of another institution.")

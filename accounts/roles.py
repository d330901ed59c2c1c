"""Roles are derived, never stored (except the coordinator flag).

A user is an *officer* while they belong to an anchor institution and a *supplier* while they
belong to a business. Those memberships live in apps above this one (``anchors``,
``suppliers``), which must not be imported from here; they expose their membership rows to us
through the reverse relations named below on ``User``, so this module can count them without
knowing the models.
"""

from enum import StrEnum

from core.exceptions import PermissionDenied

OFFICER_MEMBERSHIPS = "institution_memberships"
SUPPLIER_MEMBERSHIPS = "business_memberships"


class Role(StrEnum):
    OFFICER = "officer"
    SUPPLIER = "supplier"
    COORDINATOR = "coordinator"

    @property
    def label(self) -> str:
        return {
            "officer": "Procurement officer",
            "supplier": "Business member",
            "coordinator": "Network coordinator",
        }[self.value]


def _has_memberships(user, relation: str) -> bool:
    manager = getattr(user, relation, None)
    return manager is not None and manager.exists()


def user_roles(user) -> frozenset[Role]:
    """The roles ``user`` holds now; empty for no user, anonymous or deactivated users."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    roles = set()
    if user.is_coordinator:
        roles.add(Role.COORDINATOR)
    if _has_memberships(user, OFFICER_MEMBERSHIPS):
        roles.add(Role.OFFICER)
    if _has_memberships(user, SUPPLIER_MEMBERSHIPS):
        roles.add(Role.SUPPLIER)
    return frozenset(roles)


def user_has_role(user, role: Role) -> bool:
    return role in user_roles(user)


def ensure_role(user, *roles: Role) -> None:
    """Refuse (``PermissionDenied``) unless ``user`` holds at least one of ``roles``."""
    if not roles or user_roles(user).isdisjoint(roles):
        names = " or ".join(role.label.lower() for role in roles)
        raise PermissionDenied(f"Only a {names} can do this.")

"""Who may see and change a business. Services and selectors call these; views never decide.

- Any member (owner or member) edits the profile; only owners manage members.
- Network coordinators read every business but do not edit one; they may deactivate it.
- Anyone, signed in or not, may see an active business that opted in to a public profile.

Membership is read from ``business.members`` when the caller prefetched it (the selectors
do), so a permission check on a fetched business costs no extra query.
"""

from core.exceptions import PermissionDenied
from suppliers.models import Business, BusinessMember


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_coordinator(user) -> bool:
    return _signed_in(user) and user.is_coordinator


def member_role(user, business: Business) -> str | None:
    """The user's role in the business ("owner" or "member"), or None for outsiders."""
    if not _signed_in(user) or business.pk is None:
        return None
    if "members" in getattr(business, "_prefetched_objects_cache", {}):
        roles = (member.role for member in business.members.all() if member.user_id == user.pk)
        return next(roles, None)
    row = BusinessMember.objects.filter(business=business, user=user).values_list("role")
    return next((role for (role,) in row), None)


def can_view_business(user, business: Business) -> bool:
    if business.public_profile and business.is_active:
        return True
    return is_coordinator(user) or member_role(user, business) is not None


def can_view_private_business(user, business: Business) -> bool:
    """Members and coordinators see everything, including a profile that is not public."""
    return is_coordinator(user) or member_role(user, business) is not None


def can_edit_business(user, business: Business) -> bool:
    return member_role(user, business) is not None


def can_manage_members(user, business: Business) -> bool:
    return member_role(user, business) == BusinessMember.Role.OWNER


def can_deactivate_business(user, business: Business) -> bool:
    return is_coordinator(user) or can_manage_members(user, business)


def ensure_signed_in(user, action: str) -> None:
    if not _signed_in(user):
        raise PermissionDenied(f"Sign in to {action}.")


def ensure_can_view_private_business(user, business: Business) -> None:
    if not can_view_private_business(user, business):
        raise PermissionDenied(f"Only members of {business.name} can see this page.")


def ensure_can_edit_business(user, business: Business) -> None:
    if not can_edit_business(user, business):
        raise PermissionDenied(f"Only members of {business.name} can change its profile.")


def ensure_can_manage_members(user, business: Business) -> None:
    if not can_manage_members(user, business):
        raise PermissionDenied(f"Only an owner of {business.name} can change who belongs to it.")


def ensure_can_deactivate_business(user, business: Business) -> None:
    if not can_deactivate_business(user, business):
        raise PermissionDenied(
            f"Only an owner of {business.name} or a network coordinator can deactivate it."
        )

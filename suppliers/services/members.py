"""Writes to who acts for a business. Only owners manage members; a business keeps an owner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from core.exceptions import ApplicationError
from core.services import audit_event_record
from suppliers import permissions
from suppliers.models import Business, BusinessMember

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def business_member_add(
    *, actor: User, business: Business, user: User, role: str = BusinessMember.Role.MEMBER
) -> BusinessMember:
    """Let ``user`` act for the business; only its owners may add people."""
    permissions.ensure_can_manage_members(actor, business)
    if not user.is_active:
        raise ValidationError({"user": [f"The account {user.email} is closed."]})
    if business.members.filter(user=user).exists():
        raise ValidationError({"user": [f"{user.email} is already a member of {business.name}."]})
    member = BusinessMember(business=business, user=user, role=role)
    member.full_clean()
    member.save()
    audit_event_record(
        actor=actor,
        verb="business.member_added",
        target=business,
        summary={"after": {"user": user.email, "role": role}},
    )
    return member


def _ensure_not_last_owner(business: Business, member: BusinessMember, action: str) -> None:
    """Refuse to leave a business without an owner: nobody could then manage its members.

    The owners' rows are locked first, so two owners stepping down at once cannot both pass.
    """
    owners = list(business.members.select_for_update().filter(role=BusinessMember.Role.OWNER))
    if member.role == BusinessMember.Role.OWNER and len(owners) == 1:
        raise ApplicationError(
            f"{member.user.email} is the only owner of {business.name}. Make someone else an "
            f"owner before {action}.",
            extra={"rule": "last_owner"},
        )


def _member_of(business: Business, user: User) -> BusinessMember:
    member = business.members.select_related("user").filter(user=user).first()
    if member is None:
        raise ValidationError({"user": [f"{user.email} is not a member of {business.name}."]})
    return member


@transaction.atomic
def business_member_role_change(
    *, actor: User, business: Business, user: User, role: str
) -> BusinessMember:
    """Make a member an owner, or an owner a plain member; only owners may, keeping one owner."""
    permissions.ensure_can_manage_members(actor, business)
    member = _member_of(business, user)
    if member.role == role:
        return member
    if role != BusinessMember.Role.OWNER:
        _ensure_not_last_owner(business, member, "making them a member")
    before, member.role = member.role, role
    member.full_clean()
    member.save(update_fields=["role", "updated_at"])
    audit_event_record(
        actor=actor,
        verb="business.member_role_changed",
        target=business,
        summary={"before": {"user": user.email, "role": before}, "after": {"role": role}},
    )
    return member


@transaction.atomic
def business_member_remove(*, actor: User, business: Business, user: User) -> None:
    """Stop ``user`` acting for the business; only its owners may, and never its last owner."""
    permissions.ensure_can_manage_members(actor, business)
    member = _member_of(business, user)
    _ensure_not_last_owner(business, member, "removing them")
    member.delete()
    audit_event_record(
        actor=actor,
        verb="business.member_removed",
        target=business,
        summary={"before": {"user": user.email, "role": member.role}},
    )

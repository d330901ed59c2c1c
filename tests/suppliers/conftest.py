"""The cast every permission test runs through: one business and everyone around it."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from suppliers.models import Business, BusinessMember
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.suppliers.factories import BusinessMemberFactory, OwnerFactory

ROLES = ["owner", "member", "other_business_member", "coordinator", "no_role", "anonymous"]


@dataclass
class Cast:
    business: Business
    owner: User
    member: User
    other_business_member: User
    coordinator: User
    no_role: User
    anonymous: AnonymousUser


@pytest.fixture
def cast(db) -> Cast:
    owner = OwnerFactory(user__email="owner@example.org")
    business = owner.business
    other = OwnerFactory(business__name="Elsewhere Ltd", user__email="other@example.org")
    member = BusinessMemberFactory(
        business=business, user__email="member@example.org", role=BusinessMember.Role.MEMBER
    )
    return Cast(
        business=business,
        owner=owner.user,
        member=member.user,
        other_business_member=other.user,
        coordinator=CoordinatorFactory(email="coordinator@example.org"),
        no_role=UserFactory(email="nobody@example.org"),
        anonymous=AnonymousUser(),
    )

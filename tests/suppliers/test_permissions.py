import pytest

from suppliers import permissions
from suppliers.models import Business
from tests.suppliers.conftest import ROLES

pytestmark = pytest.mark.django_db

INSIDERS = {"owner", "member", "coordinator"}


@pytest.mark.parametrize("role", ROLES)
def test_a_private_profile_is_seen_by_members_and_coordinators_only(cast, role):
    assert permissions.can_view_business(getattr(cast, role), cast.business) is (role in INSIDERS)


@pytest.mark.parametrize("role", ROLES)
def test_a_public_profile_is_seen_by_everyone(cast, role):
    cast.business.public_profile = True
    assert permissions.can_view_business(getattr(cast, role), cast.business)


def test_a_deactivated_public_profile_is_no_longer_public(cast):
    cast.business.public_profile, cast.business.is_active = True, False
    assert not permissions.can_view_business(cast.anonymous, cast.business)
    assert permissions.can_view_business(cast.owner, cast.business)


@pytest.mark.parametrize("role", ROLES)
def test_only_members_can_edit_and_only_owners_manage_members(cast, role):
    user = getattr(cast, role)
    assert permissions.can_edit_business(user, cast.business) is (role in {"owner", "member"})
    assert permissions.can_manage_members(user, cast.business) is (role == "owner")


def test_a_closed_account_loses_its_membership_rights(cast):
    cast.owner.is_active = False
    assert not permissions.can_edit_business(cast.owner, cast.business)


def test_membership_is_read_from_a_prefetch_without_a_query(cast, django_assert_num_queries):
    business = Business.objects.prefetch_related("members").get(pk=cast.business.pk)
    with django_assert_num_queries(0):
        assert permissions.member_role(cast.owner, business) == "owner"
        assert permissions.member_role(cast.no_role, business) is None

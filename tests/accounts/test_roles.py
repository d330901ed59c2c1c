import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.roles import Role, ensure_role, user_roles
from core.exceptions import PermissionDenied
from tests.accounts.factories import CoordinatorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_user_has_no_roles():
    assert user_roles(UserFactory()) == frozenset()


def test_anonymous_and_inactive_users_have_no_roles():
    assert user_roles(AnonymousUser()) == frozenset()
    assert user_roles(CoordinatorFactory(is_active=False)) == frozenset()


def test_coordinator_flag_gives_the_coordinator_role():
    assert user_roles(CoordinatorFactory()) == {Role.COORDINATOR}


def test_ensure_role_refuses_with_the_role_named():
    with pytest.raises(PermissionDenied, match="network coordinator"):
        ensure_role(UserFactory(), Role.COORDINATOR)
    ensure_role(CoordinatorFactory(), Role.COORDINATOR, Role.OFFICER)

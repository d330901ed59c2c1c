from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role, user_roles
from core.exceptions import ApplicationError, PermissionDenied
from core.models import AuditEvent
from suppliers.models import Business, BusinessMember
from suppliers.services import (
    business_create,
    business_deactivate,
    business_member_add,
    business_member_remove,
    business_member_role_change,
    business_update,
)
from tests.accounts.factories import UserFactory
from tests.suppliers.conftest import ROLES

pytestmark = pytest.mark.django_db

CATERING, CONSTRUCTION = "55000000", "45000000"


def _create(actor, **overrides):
    fields = {
        "name": "Small Heath Kitchens",
        "legal_form": Business.LegalForm.CIC,
        "postcode": "b94aa",
        "sector_codes": [CATERING],
        "staff_headcount": 6,
    } | overrides
    return business_create(actor=actor, **fields)


def _audit(verb):
    return AuditEvent.objects.filter(verb=verb).get()


# business_create -------------------------------------------------------------------------------


def test_business_create_makes_the_actor_its_owner_and_a_supplier():
    user = UserFactory()
    business = _create(user, annual_turnover=Decimal("300000"), certification_slugs=["iso-9001"])

    assert business.members.get().user == user
    assert business.members.get().role == BusinessMember.Role.OWNER
    assert Role.SUPPLIER in user_roles(user)
    assert (business.postcode, business.district) == ("B9 4AA", "B9")
    assert (business.size_class, business.is_vcse) == ("micro", True)
    assert list(business.sectors.values_list("code", flat=True)) == [CATERING]
    assert list(business.certifications.values_list("slug", flat=True)) == ["iso-9001"]


def test_business_create_records_what_was_registered():
    user = UserFactory()
    business = _create(user, annual_turnover=Decimal("300000"))
    event = _audit("business.created")
    assert (event.actor, event.target) == (user, business)
    after = event.summary["after"]
    assert after["postcode"] == "B9 4AA"
    assert after["annual_turnover"] == "300000.00"
    assert after["sector_codes"] == [CATERING]


@pytest.mark.parametrize("code", ["55000000", "55000000-0", " 55000000 - 0 "])
def test_business_create_accepts_codes_with_or_without_check_digits(code):
    business = _create(UserFactory(), sector_codes=[code])
    assert list(business.sector_links.values_list("division", flat=True)) == ["55"]


def test_business_create_refuses_an_unknown_cpv_code_by_name():
    with pytest.raises(ValidationError) as exc:
        _create(UserFactory(), sector_codes=[CATERING, "99999999"])
    [message] = exc.value.message_dict["sector_codes"]
    assert message.startswith("We don't recognise the CPV code 99999999")
    assert not Business.objects.exists()


def test_business_create_reports_every_bad_field_at_once():
    with pytest.raises(ValidationError) as exc:
        _create(
            UserFactory(),
            postcode="nowhere",
            sector_codes=["5500"],
            companies_house_number="123",
            certification_slugs=["made-up"],
        )
    assert set(exc.value.message_dict) == {
        "postcode",
        "sector_codes",
        "companies_house_number",
        "certification_slugs",
    }


def test_business_create_allows_an_incomplete_profile_and_says_what_is_missing():
    business = _create(UserFactory(), sector_codes=[], staff_headcount=None)
    assert business.size_class is None
    assert "at least one sector" in business.profile_missing
    assert "your number of staff" in business.profile_missing


@pytest.mark.parametrize("role", ROLES)
def test_business_create_is_open_to_anyone_signed_in(cast, role):
    actor = getattr(cast, role)
    if role == "anonymous":
        with pytest.raises(PermissionDenied, match="Sign in to register a business"):
            _create(actor)
    else:
        assert _create(actor).members.get().user == actor


# business_update -------------------------------------------------------------------------------

EDITORS = {"owner", "member"}


@pytest.mark.parametrize("role", ROLES)
def test_business_update_is_allowed_to_members_of_that_business_only(cast, role):
    actor = getattr(cast, role)
    if role in EDITORS:
        business_update(actor=actor, business=cast.business, name="Renamed")
        assert Business.objects.get(pk=cast.business.pk).name == "Renamed"
    else:
        with pytest.raises(PermissionDenied, match="Only members of"):
            business_update(actor=actor, business=cast.business, name="Renamed")
        assert not AuditEvent.objects.filter(verb="business.updated").exists()


def test_business_update_changes_only_what_is_given_and_audits_before_and_after(cast):
    business = cast.business
    business_update(
        actor=cast.member,
        business=business,
        staff_headcount=60,
        postcode="b338th",
        sector_codes=[CONSTRUCTION, "55000000-0"],
    )
    business.refresh_from_db()
    assert (business.size_class, business.district) == ("medium", "B33")
    assert sorted(business.sector_links.values_list("cpv_code", flat=True)) == [
        CONSTRUCTION,
        CATERING,
    ]
    summary = _audit("business.updated").summary
    assert summary["before"] == {
        "staff_headcount": 4,
        "postcode": "B9 4AA",
        "sector_codes": [CATERING],
    }
    assert summary["after"] == {
        "staff_headcount": 60,
        "postcode": "B33 8TH",
        "sector_codes": [CONSTRUCTION, CATERING],
    }


def test_business_update_refreshes_the_derived_columns_on_the_instance(cast):
    business = business_update(actor=cast.owner, business=cast.business, staff_headcount=300)
    assert business.size_class == "large"


def test_business_update_of_nothing_new_writes_nothing(cast):
    business_update(
        actor=cast.owner, business=cast.business, postcode="b94aa", sector_codes=["55000000-0"]
    )
    assert not AuditEvent.objects.filter(verb="business.updated").exists()


def test_business_update_replaces_certifications(cast):
    business_update(
        actor=cast.owner, business=cast.business, certification_slugs=["chas", "iso-9001"]
    )
    business_update(actor=cast.owner, business=cast.business, certification_slugs=["chas"])
    assert list(cast.business.certifications.values_list("slug", flat=True)) == ["chas"]


def test_business_update_refuses_bad_values_with_field_keys(cast):
    with pytest.raises(ValidationError) as exc:
        business_update(
            actor=cast.owner, business=cast.business, charity_number="12", concurrent_capacity=0
        )
    assert set(exc.value.message_dict) == {"charity_number", "concurrent_capacity"}


def test_business_update_rejects_fields_that_are_not_profile_fields(cast):
    with pytest.raises(TypeError, match="is_active"):
        business_update(actor=cast.owner, business=cast.business, is_active=False)


# business_deactivate ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_business_deactivate_is_for_owners_and_coordinators(cast, role):
    actor = getattr(cast, role)
    if role in {"owner", "coordinator"}:
        business_deactivate(actor=actor, business=cast.business)
        assert not Business.objects.get(pk=cast.business.pk).is_active
        assert _audit("business.deactivated").actor == actor
    else:
        with pytest.raises(PermissionDenied):
            business_deactivate(actor=actor, business=cast.business)
        assert Business.objects.get(pk=cast.business.pk).is_active


def test_business_deactivate_twice_records_once(cast):
    business_deactivate(actor=cast.owner, business=cast.business)
    business_deactivate(actor=cast.owner, business=cast.business)
    assert AuditEvent.objects.filter(verb="business.deactivated").count() == 1


# members ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_business_member_add_is_for_owners_only(cast, role):
    newcomer = UserFactory()
    actor = getattr(cast, role)
    if role == "owner":
        member = business_member_add(actor=actor, business=cast.business, user=newcomer)
        assert member.role == BusinessMember.Role.MEMBER
        assert _audit("business.member_added").summary["after"]["user"] == newcomer.email
    else:
        with pytest.raises(PermissionDenied, match="Only an owner"):
            business_member_add(actor=actor, business=cast.business, user=newcomer)
        assert not cast.business.members.filter(user=newcomer).exists()


def test_business_member_add_refuses_someone_already_a_member(cast):
    with pytest.raises(ValidationError) as exc:
        business_member_add(actor=cast.owner, business=cast.business, user=cast.member)
    assert "already a member" in exc.value.message_dict["user"][0]


def test_business_member_add_refuses_a_closed_account(cast):
    closed = UserFactory(is_active=False)
    with pytest.raises(ValidationError, match="closed"):
        business_member_add(actor=cast.owner, business=cast.business, user=closed)


@pytest.mark.parametrize("role", ROLES)
def test_business_member_remove_is_for_owners_only(cast, role):
    actor = getattr(cast, role)
    if role == "owner":
        business_member_remove(actor=actor, business=cast.business, user=cast.member)
        assert not cast.business.members.filter(user=cast.member).exists()
        assert _audit("business.member_removed").summary["before"]["user"] == cast.member.email
    else:
        with pytest.raises(PermissionDenied):
            business_member_remove(actor=actor, business=cast.business, user=cast.member)
        assert cast.business.members.filter(user=cast.member).exists()


def test_the_last_owner_cannot_be_removed(cast):
    with pytest.raises(ApplicationError, match="only owner") as exc:
        business_member_remove(actor=cast.owner, business=cast.business, user=cast.owner)
    assert exc.value.extra == {"rule": "last_owner"}
    assert not isinstance(exc.value, PermissionDenied)
    assert cast.business.members.filter(user=cast.owner).exists()


def test_an_owner_can_step_down_once_there_is_another_owner(cast):
    business_member_role_change(
        actor=cast.owner, business=cast.business, user=cast.member, role="owner"
    )
    business_member_remove(actor=cast.owner, business=cast.business, user=cast.owner)
    assert list(cast.business.members.values_list("user__email", "role")) == [
        ("member@example.org", "owner")
    ]


def test_the_last_owner_cannot_be_made_a_plain_member(cast):
    with pytest.raises(ApplicationError, match="only owner"):
        business_member_role_change(
            actor=cast.owner, business=cast.business, user=cast.owner, role="member"
        )


@pytest.mark.parametrize("role", ROLES)
def test_business_member_role_change_is_for_owners_only(cast, role):
    actor = getattr(cast, role)
    if role == "owner":
        business_member_role_change(
            actor=actor, business=cast.business, user=cast.member, role="owner"
        )
        assert _audit("business.member_role_changed").summary["after"] == {"role": "owner"}
    else:
        with pytest.raises(PermissionDenied):
            business_member_role_change(
                actor=actor, business=cast.business, user=cast.member, role="owner"
            )


def test_removing_someone_who_is_not_a_member_says_so(cast):
    with pytest.raises(ValidationError, match="not a member"):
        business_member_remove(actor=cast.owner, business=cast.business, user=cast.no_role)


def test_business_member_add_refuses_an_unknown_role(cast):
    with pytest.raises(ValidationError) as exc:
        business_member_add(
            actor=cast.owner, business=cast.business, user=UserFactory(), role="boss"
        )
    assert "role" in exc.value.message_dict

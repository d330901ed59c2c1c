"""Every buyer-side service, for every role: only the institution's own officers may act."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from anchors.models import Membership
from anchors.selectors import contract_get, contracts_for_user
from anchors.services import (
    LotDraft,
    award_record,
    contract_amend,
    contract_cancel,
    contract_create,
    contract_publish,
    contract_split_into_lots,
    contract_update,
    institution_create,
    lot_set_reservation,
    lot_set_target_area,
    lot_update,
    membership_add,
    membership_remove,
)
from core.exceptions import PermissionDenied
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import (
    ContractFactory,
    InstitutionFactory,
    MembershipFactory,
    officer_of,
)
from tests.suppliers.factories import BusinessMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    return ContractFactory(no_lots_reason="One site", find_a_tender_ref="ref")


def other_officer(contract):
    return officer_of(InstitutionFactory())


def business_member(contract):
    return BusinessMemberFactory().user


def coordinator(contract):
    return CoordinatorFactory()


def stranger(contract):
    return UserFactory()


OUTSIDERS = [other_officer, business_member, coordinator, stranger]

WRITES = {
    "create": lambda actor, c: contract_create(
        actor=actor,
        institution=c.institution,
        title="T",
        description="D",
        estimated_value="100",
        delivery_postcode="B9 4AA",
        cpv_codes=["55000000"],
    ),
    "update": lambda actor, c: contract_update(actor=actor, contract=c, title="New"),
    "split": lambda actor, c: contract_split_into_lots(
        actor=actor,
        contract=c,
        plan=[
            LotDraft(title="A", value=Decimal("50000")),
            LotDraft(title="B", value=Decimal("50000")),
        ],
    ),
    "lot_update": lambda actor, c: lot_update(actor=actor, lot=c.lots.get(), title="New"),
    "target_area": lambda actor, c: lot_set_target_area(
        actor=actor, lot=c.lots.get(), districts=["B9"]
    ),
    "reservation": lambda actor, c: lot_set_reservation(
        actor=actor, lot=c.lots.get(), suppliers="sme", location="none", rationale="r"
    ),
    "publish": lambda actor, c: contract_publish(actor=actor, contract=c),
    "cancel": lambda actor, c: contract_cancel(actor=actor, contract=c, reason="r"),
}


@pytest.mark.parametrize("action", sorted(WRITES))
def test_the_institutions_own_officer_may_act(contract, action):
    WRITES[action](officer_of(contract.institution), contract)


@pytest.mark.parametrize("who", OUTSIDERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("action", sorted(WRITES))
def test_everyone_else_is_refused(contract, action, who):
    with pytest.raises(PermissionDenied):
        WRITES[action](who(contract), contract)


@pytest.fixture
def published(contract):
    contract_publish(actor=officer_of(contract.institution), contract=contract)
    return contract


@pytest.mark.parametrize("who", OUTSIDERS, ids=lambda f: f.__name__)
def test_amend_and_award_are_for_the_institutions_officers_only(published, who, time_machine):
    with pytest.raises(PermissionDenied):
        contract_amend(actor=who(published), contract=published, reason="r", title="x")
    time_machine.move_to(published.closes_at + timedelta(minutes=1))
    with pytest.raises(PermissionDenied):
        award_record(
            actor=who(published),
            lot=published.lots.get(),
            value="1",
            awarded_on=date(2026, 12, 1),
            supplier_name="X",
        )


def test_only_coordinators_create_institutions():
    kwargs = dict(
        name="Aston University",
        slug="aston",
        kind="university",
        threshold_class="sub_central",
        reservation_regime="none",
    )
    for actor in [UserFactory(), officer_of(InstitutionFactory())]:
        with pytest.raises(PermissionDenied):
            institution_create(actor=actor, **kwargs)
    assert institution_create(actor=CoordinatorFactory(), **kwargs).slug == "aston"


def test_members_are_managed_by_institution_admins_and_coordinators():
    institution = InstitutionFactory()
    newcomer = UserFactory()
    with pytest.raises(PermissionDenied):
        membership_add(actor=officer_of(institution), institution=institution, user=newcomer)
    admin = MembershipFactory(institution=institution, role=Membership.Role.ADMIN).user
    membership_add(actor=admin, institution=institution, user=newcomer)
    membership_remove(actor=CoordinatorFactory(), institution=institution, user=newcomer)
    assert not Membership.objects.filter(user=newcomer).exists()


def test_drafts_are_visible_to_their_institution_and_coordinators_only(contract):
    assert contract_get(user=officer_of(contract.institution), contract_id=contract.pk) == contract
    assert contract_get(user=CoordinatorFactory(), contract_id=contract.pk) == contract
    for outsider in [other_officer(contract), stranger(contract)]:
        with pytest.raises(PermissionDenied):
            contract_get(user=outsider, contract_id=contract.pk)


def test_published_contracts_are_public(published):
    assert contract_get(user=UserFactory(), contract_id=published.pk) == published


def test_officers_list_their_own_contracts_and_coordinators_all(
    contract, django_assert_num_queries
):
    ContractFactory(institution=InstitutionFactory(), closes_at=timezone.now() + timedelta(days=3))
    officer = officer_of(contract.institution)
    assert list(contracts_for_user(user=officer)) == [contract]
    assert contracts_for_user(user=CoordinatorFactory()).count() == 2
    assert list(contracts_for_user(user=UserFactory())) == []
    with django_assert_num_queries(3):  # two role look-ups, then one query with the status facts
        statuses = [c.status for c in contracts_for_user(user=officer)]
    assert statuses == ["draft"]


def test_roles_are_derived_from_memberships():
    from accounts.roles import Role, user_roles

    officer = officer_of(InstitutionFactory())
    supplier = BusinessMemberFactory().user
    assert user_roles(officer) == {Role.OFFICER}
    assert user_roles(supplier) == {Role.SUPPLIER}
    MembershipFactory(user=supplier)
    assert user_roles(supplier) == {Role.OFFICER, Role.SUPPLIER}

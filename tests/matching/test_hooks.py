"""Matching starts after commit from the anchors and suppliers services (by task name)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from anchors.services.contracts import contract_amend, contract_publish
from matching.models import Match
from suppliers.services.businesses import business_create, business_deactivate, business_update
from tests.accounts.factories import UserFactory
from tests.anchors.factories import ContractFactory, officer_of
from tests.matching.factories import CATERING, CONSTRUCTION, cpv_codes, matching_business, open_lot
from tests.suppliers.factories import OwnerFactory

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def draft_contract(lots=None):
    cpv_codes(CATERING)
    return ContractFactory(
        estimated_value=Decimal("60000"),
        no_lots_reason="" if lots else "One kitchen: it cannot reasonably be split.",
        find_a_tender_ref="2026/S 000-123456",  # above the notifiable value: notice published
        lots=lots,
        lots__cpv=[CATERING],
    )


def pairs():
    return set(Match.objects.values_list("lot_id", "business_id"))


def test_publishing_a_contract_matches_each_of_its_lots(django_capture_on_commit_callbacks):
    contract = draft_contract(lots=[Decimal("20000"), Decimal("40000")])
    business = matching_business()
    officer = officer_of(contract.institution)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        contract_publish(actor=officer, contract=contract)

    lot_ids = set(contract.lots.values_list("pk", flat=True))
    assert len(lot_ids) == 2
    assert pairs() == {(lot_id, business.pk) for lot_id in lot_ids}
    assert len(callbacks) == 2  # one match_lot per lot


def test_nothing_is_matched_before_the_publication_commits(django_capture_on_commit_callbacks):
    contract = draft_contract()
    matching_business()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        contract_publish(actor=officer_of(contract.institution), contract=contract)
        assert not Match.objects.exists()

    assert len(callbacks) == 1
    assert not Match.objects.exists()
    callbacks[0]()
    assert Match.objects.count() == 1


def test_a_publication_that_rolls_back_matches_nothing(django_capture_on_commit_callbacks):
    contract = draft_contract()
    matching_business()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        contract_publish(actor=officer_of(contract.institution), contract=contract)
        raise Rollback

    assert callbacks == []
    assert not Match.objects.exists()
    contract.refresh_from_db()
    assert contract.published_at is None


def test_amending_a_published_contract_rematches_its_lots(django_capture_on_commit_callbacks):
    contract = draft_contract()
    officer = officer_of(contract.institution)
    with django_capture_on_commit_callbacks(execute=True):
        contract_publish(actor=officer, contract=contract)
    assert not Match.objects.exists()
    business = matching_business()  # arrived without its own hook (e.g. an import)

    with django_capture_on_commit_callbacks(execute=True):
        contract_amend(
            actor=officer,
            contract=contract,
            reason="More time for small suppliers.",
            closes_at=timezone.now() + timedelta(days=40),
        )

    assert pairs() == {(contract.lots.get().pk, business.pk)}


def test_registering_a_business_matches_it_against_open_lots(django_capture_on_commit_callbacks):
    lot = open_lot()
    cpv_codes(CATERING)

    with django_capture_on_commit_callbacks(execute=True):
        business = business_create(
            actor=UserFactory(),
            name="Ward End Catering",
            legal_form="limited_company",
            postcode="B8 1AA",
            sector_codes=[CATERING],
            staff_headcount=3,
            annual_turnover=Decimal("200000"),
            description="Hot meals for schools.",
        )

    assert pairs() == {(lot.pk, business.pk)}


def test_a_business_registration_that_rolls_back_matches_nothing(
    django_capture_on_commit_callbacks,
):
    open_lot()
    cpv_codes(CATERING)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        business_create(
            actor=UserFactory(),
            name="Ward End Catering",
            legal_form="limited_company",
            postcode="B8 1AA",
            sector_codes=[CATERING],
            staff_headcount=3,
            annual_turnover=Decimal("200000"),
            description="Hot meals for schools.",
        )
        raise Rollback

    assert callbacks == []
    assert not Match.objects.exists()


def test_updating_a_business_rematches_it(django_capture_on_commit_callbacks):
    lot = open_lot()
    business = matching_business(sector_codes=[CONSTRUCTION])
    owner = OwnerFactory(business=business).user
    assert not Match.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        business_update(actor=owner, business=business, sector_codes=[CATERING])
    assert pairs() == {(lot.pk, business.pk)}

    with django_capture_on_commit_callbacks(execute=True):
        business_update(actor=owner, business=business, sector_codes=[CONSTRUCTION])
    assert pairs() == set()


def test_an_update_that_rolls_back_leaves_the_matches(django_capture_on_commit_callbacks):
    lot = open_lot()
    business = matching_business()
    owner = OwnerFactory(business=business).user
    with django_capture_on_commit_callbacks(execute=True):
        business_update(actor=owner, business=business, description="Now with vegan menus.")
    assert pairs() == {(lot.pk, business.pk)}

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        business_update(actor=owner, business=business, sector_codes=[CONSTRUCTION])
        raise Rollback

    assert callbacks == []
    assert pairs() == {(lot.pk, business.pk)}


def test_deactivating_a_business_withdraws_its_matches(django_capture_on_commit_callbacks):
    lot = open_lot()
    business = matching_business()
    stays = matching_business()
    owner = OwnerFactory(business=business).user
    with django_capture_on_commit_callbacks(execute=True):
        business_update(actor=owner, business=business, description="Now with vegan menus.")
        business_update(
            actor=OwnerFactory(business=stays).user, business=stays, description="Also vegan."
        )
    assert pairs() == {(lot.pk, business.pk), (lot.pk, stays.pk)}

    with django_capture_on_commit_callbacks(execute=True):
        business_deactivate(actor=owner, business=business)

    assert pairs() == {(lot.pk, stays.pk)}

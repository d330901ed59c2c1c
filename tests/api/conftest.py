"""The cast every API test runs through: two institutions with an officer each, a supplier with
a business, a coordinator and an anonymous client; an open published lot, a draft contract, an
interest and a match of the supplier's business in that lot."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from anchors.models import Contract, Institution, Lot
from matching.models import Interest, Match
from suppliers.models import Business
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import ContractFactory, InstitutionFactory, officer_of
from tests.matching.factories import (
    CATERING,
    InterestFactory,
    MatchFactory,
    cpv_codes,
    matching_business,
    open_lot,
)

ROLES = ("anonymous", "supplier", "officer", "other_officer", "coordinator")


@dataclass
class World:
    institution: Institution
    other_institution: Institution
    officer: User
    other_officer: User
    supplier: User
    coordinator: User
    business: Business
    lot: Lot
    draft: Contract
    interest: Interest
    match: Match

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """The anonymous rate counts in the cache: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    institution = InstitutionFactory(name="Birmingham City Council", slug="bcc")
    other = InstitutionFactory(name="Sandwell Council", slug="sandwell")
    supplier = UserFactory(email="supplier@example.org")
    business = matching_business(name="Small Kitchen Ltd", owner=supplier)
    lot = open_lot(institution=institution, cpv=[CATERING])
    draft = ContractFactory(
        institution=institution,
        title="Grounds maintenance",
        estimated_value="60000.00",
        lots__cpv=cpv_codes(CATERING),
    )
    return World(
        institution=institution,
        other_institution=other,
        officer=officer_of(institution, user__email="officer@example.org"),
        other_officer=officer_of(other, user__email="other.officer@example.org"),
        supplier=supplier,
        coordinator=CoordinatorFactory(email="coordinator@example.org"),
        business=business,
        lot=lot,
        draft=draft,
        interest=InterestFactory(lot=lot, business=business),
        match=MatchFactory(lot=lot, business=business),
    )


def client_for(user: User | None) -> APIClient:
    """A client signed in as ``user`` (authentication itself is tested in test_auth), or not."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


@pytest.fixture
def as_role(world):
    return lambda role: client_for(world.user(role))


@pytest.fixture
def api() -> APIClient:
    """An anonymous API client."""
    return APIClient()

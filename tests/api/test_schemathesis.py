"""Fuzzing every operation of ``/api/schema/`` with schemathesis, in process (WSGI): no response
is a 5xx, every status code and content type is one the schema documents, every response
matches the schema (the error shape included), and invalid requests are refused.

Requests carry the token of a user who is both an officer (of the seeded institution) and a
supplier (owner of the seeded business), so the authenticated operations run their real code;
about half the generated ids are swapped for the seeded rows' ids, so updates, splits,
publication, interests and decisions are reached, not only their 404s. Generation is
derandomized and the example database is off, so every run sends the same requests; examples are
few, so this runs in ``make test`` (SQLite) and in CI (PostgreSQL) in seconds.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from procurement.wsgi import application
from tests.anchors.factories import ContractFactory, MembershipFactory
from tests.events.factories import BuyerTableFactory, EventFactory, RegistrationFactory
from tests.matching.factories import (
    CATERING,
    InterestFactory,
    MatchFactory,
    cpv_codes,
    matching_business,
    open_lot,
)

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
SEEDED: dict[str, int] = {}


def _seeded_id_for(path: str) -> int | None:
    for prefix, key in (
        ("/api/v1/contracts/", "contract"),
        ("/api/v1/lots/", "lot"),
        ("/api/v1/opportunities/", "opportunity"),
        ("/api/v1/businesses/", "business"),
        ("/api/v1/interests/", "interest"),
        ("/api/v1/events/", "event"),
        ("/api/v1/registrations/", "registration"),
    ):
        if path.startswith(prefix):
            return SEEDED.get(key)
    return None


@schema.hook
def map_path_parameters(context, path_parameters):
    seeded = _seeded_id_for(context.operation.path)
    identifier = path_parameters.get("id") if isinstance(path_parameters, dict) else None
    if seeded and isinstance(identifier, int) and identifier % 2:
        path_parameters["id"] = seeded
    return path_parameters


@schema.hook
def map_query(context, query):
    lot = query.get("lot") if isinstance(query, dict) else None
    if isinstance(lot, int) and lot % 2 and "lot_published" in SEEDED:
        query["lot"] = SEEDED["lot_published"]
    return query


@pytest.fixture
def token(db):
    """The seeded world, and the token of a user who is both officer and supplier."""
    membership = MembershipFactory(institution__name="Birmingham City Council")
    user, institution = membership.user, membership.institution
    business = matching_business(name="Small Kitchen Ltd", owner=user)
    lot = open_lot(institution=institution, cpv=[CATERING])
    draft = ContractFactory(institution=institution, lots__cpv=cpv_codes(CATERING))
    interest = InterestFactory(lot=open_lot(institution=institution), business=business)
    MatchFactory(lot=lot, business=business)
    event = EventFactory()
    event.institutions.add(institution)
    BuyerTableFactory(event=event, institution=institution)
    registration = RegistrationFactory(event=event, business=business)
    SEEDED.clear()
    SEEDED.update(
        contract=draft.pk,
        lot=draft.lots.get().pk,
        lot_published=lot.pk,
        opportunity=lot.pk,
        business=business.pk,
        interest=interest.pk,
        event=event.pk,
        registration=registration.pk,
    )
    # As Django's test client does: requests must not close the test's database connection
    # (which holds the test's transaction), as the WSGI handler would at the end of each one.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield Token.objects.create(user=user).key
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        SEEDED.clear()


@schema.parametrize()
@settings(
    max_examples=12,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_errors_and_answers_as_documented(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            negative_data_rejection,
        ],
    )

"""Two officers acting on one contract at once (PostgreSQL row locks, real connections)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from anchors.models import Contract
from anchors.services import LotDraft, contract_publish, contract_split_into_lots
from core.models import AuditEvent
from tests.anchors.factories import ContractFactory, officer_of

# serialized_rollback: a transactional test flushes the tables, which would also empty the
# reference rows that migrations insert (CPV divisions, East Birmingham); restore them after.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_together(*actions):
    """Start every action in its own thread (own database connection) at the same moment."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def runner(index, action):
        try:
            barrier.wait()
            outcomes[index] = ("ok", action())
        except ValidationError as exc:
            outcomes[index] = ("refused", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_publishing_the_same_contract_twice_at_once_publishes_it_once():
    contract = ContractFactory(no_lots_reason="One site", find_a_tender_ref="ref")
    officer = officer_of(contract.institution)
    outcomes = run_together(*[lambda: contract_publish(actor=officer, contract=contract)] * 2)
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    assert AuditEvent.objects.filter(verb="contract.published").count() == 1


def test_concurrent_splits_leave_exactly_one_whole_plan():
    contract = ContractFactory()
    officer = officer_of(contract.institution)
    plan_a = [LotDraft(title=f"A{i}", value=Decimal("25000")) for i in range(4)]
    plan_b = [LotDraft(title=f"B{i}", value=Decimal("50000")) for i in range(2)]
    outcomes = run_together(
        lambda: contract_split_into_lots(actor=officer, contract=contract, plan=plan_a),
        lambda: contract_split_into_lots(actor=officer, contract=contract, plan=plan_b),
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"]  # the second waited, then replaced
    titles = list(contract.lots.values_list("title", flat=True))
    assert titles in (["A0", "A1", "A2", "A3"], ["B0", "B1"])
    assert list(contract.lots.values_list("number", flat=True)) == list(range(1, len(titles) + 1))


def test_a_split_racing_a_publish_never_leaves_a_published_contract_with_a_broken_split():
    contract = ContractFactory(lots=["50000", "50000"], find_a_tender_ref="ref")
    officer = officer_of(contract.institution)
    plan = [LotDraft(title=f"C{i}", value=Decimal("20000")) for i in range(5)]
    outcomes = run_together(
        lambda: contract_publish(actor=officer, contract=contract),
        lambda: contract_split_into_lots(actor=officer, contract=contract, plan=plan),
    )
    contract = Contract.objects.get(pk=contract.pk)
    lots = list(contract.lots.all())
    assert sum(lot.value for lot in lots) == contract.estimated_value
    published = outcomes[0][0] == "ok"
    assert contract.published_at is not None
    if outcomes[1][0] == "refused":  # publish won the lock: the split was turned away whole
        assert published and lots[0].title.endswith("lot 1")
    else:  # the split won: the publish then saw the new lots
        assert [lot.title for lot in lots] == [f"C{i}" for i in range(5)]

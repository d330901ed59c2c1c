from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from anchors.models import MAX_CPV_CODES, MAX_LOTS, Lot
from anchors.services import (
    LotDraft,
    contract_publish,
    contract_split_into_lots,
    propose_by_district,
    propose_by_value_cap,
    propose_even_split,
)
from core.models import AuditEvent
from tests.anchors.factories import ContractFactory, officer_of

pytestmark = pytest.mark.django_db


def test_even_split_adds_up_to_the_penny():
    contract = ContractFactory(estimated_value=Decimal("100000.00"))
    plan = propose_even_split(contract=contract, lots=3)
    assert [d.value for d in plan] == [
        Decimal("33333.34"),
        Decimal("33333.33"),
        Decimal("33333.33"),
    ]
    assert sum(d.value for d in plan) == contract.estimated_value


def test_proposals_change_nothing_until_confirmed():
    contract = ContractFactory()
    propose_even_split(contract=contract, lots=4)
    assert contract.lots.count() == 1


def test_split_by_district_makes_hyper_local_lots():
    contract = ContractFactory()
    plan = propose_by_district(contract=contract, districts=["b9", "B10", "b9", "B33"])
    assert [(d.delivery_district, d.target_districts) for d in plan] == [
        ("B9", ["B9"]),
        ("B10", ["B10"]),
        ("B33", ["B33"]),
    ]
    lots = contract_split_into_lots(
        actor=officer_of(contract.institution), contract=contract, plan=plan
    )
    assert all(lot.is_hyper_local for lot in lots)
    assert [lot.delivery_postcode for lot in lots] == ["", "", ""]


def test_split_by_value_cap_keeps_every_lot_under_the_cap():
    contract = ContractFactory(estimated_value=Decimal("100000"))
    plan = propose_by_value_cap(contract=contract, cap="30000")
    assert len(plan) == 4 and max(d.value for d in plan) <= 30000


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lots": 1}, "at least 2"),
        ({"districts": ["B9"]}, "at least 2"),
        ({"districts": ["B9", "nonsense"]}, "district"),
        ({"cap": "0"}, "more than £0"),
    ],
)
def test_bad_proposal_requests_are_refused(kwargs, message):
    contract = ContractFactory()
    propose = {
        "lots": propose_even_split,
        "districts": propose_by_district,
        "cap": propose_by_value_cap,
    }
    key = next(iter(kwargs))
    with pytest.raises(ValidationError) as exc:
        propose[key](contract=contract, **kwargs)
    assert message in " ".join(exc.value.messages)


def test_split_replaces_lots_numbered_one_to_n_and_is_audited():
    contract = ContractFactory()
    plan = [
        LotDraft(title="Kitchen A", value=Decimal("70000")),
        LotDraft(title="Kitchen B", value=Decimal("30000")),
    ]
    contract_split_into_lots(actor=officer_of(contract.institution), contract=contract, plan=plan)
    assert list(contract.lots.values_list("number", "title", "value")) == [
        (1, "Kitchen A", Decimal("70000")),
        (2, "Kitchen B", Decimal("30000")),
    ]
    assert all(
        lot.cpv_codes.count() == 1 for lot in contract.lots.all()
    )  # inherited from the contract
    assert AuditEvent.objects.get(verb="contract.split").summary["after"][1]["title"] == "Kitchen B"


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ([("Only", "100000")], "two or more lots"),
        ([("A", "50000"), ("B", "49999.99")], "add £0.01"),
        ([("A", "60000"), ("B", "50000")], "take off £10,000"),
        ([("A", "100000"), ("B", "0")], "Lot 2 must be worth more than £0"),
        ([("A", "50000"), ("", "50000")], "Lot 2 needs a title"),
    ],
)
def test_split_refuses_bad_plans_and_leaves_the_lots_alone(plan, message):
    contract = ContractFactory()
    before = list(Lot.objects.values_list("id", flat=True))
    drafts = [LotDraft(title=t, value=Decimal(v)) for t, v in plan]
    with pytest.raises(ValidationError) as exc:
        contract_split_into_lots(
            actor=officer_of(contract.institution), contract=contract, plan=drafts
        )
    assert message in " ".join(exc.value.messages)
    assert list(Lot.objects.values_list("id", flat=True)) == before


def test_a_bad_postcode_in_a_late_lot_leaves_no_partial_split():
    contract = ContractFactory()
    drafts = [
        LotDraft(title="A", value=Decimal("50000"), delivery_postcode="B9 4AA"),
        LotDraft(title="B", value=Decimal("50000"), delivery_postcode="not a postcode"),
    ]
    with pytest.raises(ValidationError) as exc:
        contract_split_into_lots(
            actor=officer_of(contract.institution), contract=contract, plan=drafts
        )
    assert "Lot 2" in " ".join(exc.value.messages)
    assert contract.lots.count() == 1 and contract.lots.get().title.endswith("lot 1")


def test_a_published_contract_cannot_be_split():
    contract = ContractFactory(no_lots_reason="One site", find_a_tender_ref="ref")
    officer = officer_of(contract.institution)
    contract_publish(actor=officer, contract=contract)
    with pytest.raises(ValidationError, match="already published"):
        contract_split_into_lots(
            actor=officer, contract=contract, plan=propose_even_split(contract=contract, lots=2)
        )


# The domain's limits: at most MAX_LOTS lots, at most MAX_CPV_CODES codes a lot -------------


def drafts(count: int, value: str = "100", **fields) -> list[LotDraft]:
    return [LotDraft(title=f"Part {n}", value=Decimal(value), **fields) for n in range(count)]


def test_the_split_refuses_more_than_50_lots_and_says_so():
    contract = ContractFactory(estimated_value=Decimal("5100"))
    with pytest.raises(ValidationError) as exc:
        contract_split_into_lots(
            actor=officer_of(contract.institution), contract=contract, plan=drafts(MAX_LOTS + 1)
        )
    assert exc.value.messages == ["A contract can be split into at most 50 lots; this plan has 51."]
    assert contract.lots.count() == 1
    assert not AuditEvent.objects.filter(verb="contract.split").exists()


def test_the_split_takes_exactly_50_lots():
    contract = ContractFactory(estimated_value=Decimal("5000"))
    lots = contract_split_into_lots(
        actor=officer_of(contract.institution), contract=contract, plan=drafts(MAX_LOTS)
    )
    assert [lot.number for lot in lots] == list(range(1, 51))


def test_the_split_refuses_a_lot_with_more_cpv_codes_than_a_lot_carries():
    contract = ContractFactory(estimated_value=Decimal("200"))
    codes = [f"{45000000 + n * 100000}" for n in range(MAX_CPV_CODES + 1)]
    plan = [LotDraft(title="A", value=Decimal("100")), *drafts(1, cpv_codes=codes)]
    with pytest.raises(ValidationError) as exc:
        contract_split_into_lots(
            actor=officer_of(contract.institution), contract=contract, plan=plan
        )
    assert exc.value.messages == [
        "Lot 2: Give at most 20 CPV codes (you gave 21): choose the closest ones."
    ]
    assert contract.lots.count() == 1


def test_proposals_refuse_more_than_50_lots_before_proposing_them():
    contract = ContractFactory(estimated_value=Decimal("100000"))
    with pytest.raises(ValidationError) as even:
        propose_even_split(contract=contract, lots=MAX_LOTS + 1)
    with pytest.raises(ValidationError) as cap:
        propose_by_value_cap(contract=contract, cap="0.01")
    with pytest.raises(ValidationError) as district:
        propose_by_district(contract=contract, districts=[f"B{n}" for n in range(1, 53)])
    assert even.value.message_dict == {"lots": ["Split into at most 50 lots."]}
    assert cap.value.message_dict == {
        "cap": ["That would make more than 50 lots. Enter at least £2,000."]
    }
    assert district.value.message_dict == {"districts": ["List at most 50 districts."]}
    assert len(propose_by_value_cap(contract=contract, cap="2000")) == MAX_LOTS

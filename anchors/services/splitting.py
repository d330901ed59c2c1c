"""Splitting a contract into lots (PA23 s.18 asks authorities to consider it).

Helpers *propose* a plan; nothing changes until the officer confirms it and
``contract_split_into_lots`` applies the whole plan, or none of it. A plan has two to
``MAX_LOTS`` lots, each with at most ``MAX_CPV_CODES`` codes: the proposals refuse to propose
more, and the split refuses to apply more, saying so.
"""

import math
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from anchors.models import MAX_LOTS, Contract, Lot
from anchors.permissions import ensure_officer_of
from anchors.services.common import (
    as_money,
    cpv_codes_from,
    ensure_draft,
    lock_contract,
    too_many_cpv_codes,
)
from core.money import PENNY, money
from core.services import audit_event_record
from places.postcodes import InvalidPostcode, normalise_district


@dataclass
class LotDraft:
    """One proposed lot. Empty postcode/district/codes inherit the contract's."""

    title: str
    value: Decimal
    description: str = ""
    delivery_postcode: str = ""
    delivery_district: str = ""
    target_districts: list[str] = field(default_factory=list)
    cpv_codes: list[str] = field(default_factory=list)


def _even_values(total: Decimal, n: int) -> list[Decimal]:
    """Split ``total`` into ``n`` penny amounts that add up exactly (first lots take the pennies)."""
    base = (total / n).quantize(PENNY, rounding=ROUND_DOWN)
    remainder = int((total - base * n) / PENNY)
    return [base + (PENNY if i < remainder else 0) for i in range(n)]


def propose_even_split(*, contract: Contract, lots: int) -> list[LotDraft]:
    if not isinstance(lots, int) or lots < 2:
        raise ValidationError({"lots": "Split into at least 2 lots."})
    if lots > MAX_LOTS:
        raise ValidationError({"lots": f"Split into at most {MAX_LOTS} lots."})
    if contract.estimated_value < lots * PENNY:
        raise ValidationError(
            {"lots": f"{money(contract.estimated_value)} cannot be split into {lots} lots."}
        )
    return [
        LotDraft(title=f"{contract.title} (part {i + 1} of {lots})", value=value)
        for i, value in enumerate(_even_values(contract.estimated_value, lots))
    ]


def propose_by_district(*, contract: Contract, districts: list[str]) -> list[LotDraft]:
    """One lot per postcode district, each hyper-local to its district, values split evenly."""
    try:
        cleaned = list(dict.fromkeys(normalise_district(d) for d in districts))
    except InvalidPostcode as exc:
        raise ValidationError({"districts": str(exc)}) from exc
    if len(cleaned) < 2:
        raise ValidationError(
            {"districts": "List at least 2 different postcode districts, like B9, B10."}
        )
    if len(cleaned) > MAX_LOTS:
        raise ValidationError({"districts": f"List at most {MAX_LOTS} districts."})
    values = _even_values(contract.estimated_value, len(cleaned))
    return [
        LotDraft(
            title=f"{contract.title} – {district}",
            value=value,
            delivery_district=district,
            target_districts=[district],
        )
        for district, value in zip(cleaned, values, strict=True)
    ]


def propose_by_value_cap(*, contract: Contract, cap) -> list[LotDraft]:
    """The fewest even lots so that no lot is worth more than ``cap`` (excluding VAT)."""
    cap = as_money(cap, "cap")
    if cap <= 0:
        raise ValidationError({"cap": "The largest lot value must be more than £0."})
    lots = max(2, math.ceil(contract.estimated_value / cap))
    if lots > MAX_LOTS:  # refused before proposing: a penny cap must not propose millions
        smallest = (contract.estimated_value / MAX_LOTS).quantize(PENNY, ROUND_UP)
        raise ValidationError(
            {"cap": f"That would make more than {MAX_LOTS} lots. Enter at least {money(smallest)}."}
        )
    return propose_even_split(contract=contract, lots=lots)


def _plan_errors(contract: Contract, plan: list[LotDraft]) -> list[str]:
    if len(plan) > MAX_LOTS:  # said alone: a message per lot of thousands helps nobody
        return [f"A contract can be split into at most {MAX_LOTS} lots; this plan has {len(plan)}."]
    errors = []
    if len(plan) < 2:
        errors.append("A split needs two or more lots.")
    for number, draft in enumerate(plan, start=1):
        if not str(draft.title).strip():
            errors.append(f"Lot {number} needs a title.")
        if too_many := too_many_cpv_codes(draft.cpv_codes):
            errors.append(f"Lot {number}: {too_many}")
        if draft.value <= 0:
            errors.append(f"Lot {number} must be worth more than £0 (it is {money(draft.value)}).")
    total = sum((d.value for d in plan), Decimal(0))
    if plan and total != contract.estimated_value:
        gap = contract.estimated_value - total
        errors.append(
            f"The lots add up to {money(total)} but the contract is worth "
            f"{money(contract.estimated_value)}: {'add' if gap > 0 else 'take off'} "
            f"{money(abs(gap))} so they match exactly."
        )
    return errors


@transaction.atomic
def contract_split_into_lots(*, actor, contract: Contract, plan: list[LotDraft]) -> list[Lot]:
    """Replace a draft contract's lots with ``plan``, numbered 1..n: all of it or nothing."""
    contract = lock_contract(contract)
    ensure_officer_of(actor, contract.institution)
    ensure_draft(contract, "split it")
    plan = [LotDraft(**{**d.__dict__, "value": as_money(d.value, "value")}) for d in plan]
    errors = _plan_errors(contract, plan)
    if errors:
        raise ValidationError(errors)
    before = list(contract.lots.values("number", "title", "value"))
    contract_codes = list(contract.cpv_codes.all())
    contract.lots.all().delete()
    lots = [
        _create_lot(contract, number, draft, contract_codes) for number, draft in enumerate(plan, 1)
    ]
    audit_event_record(
        actor=actor,
        verb="contract.split",
        target=contract,
        summary={
            "before": [{**b, "value": str(b["value"])} for b in before],
            "after": [
                {"number": lot.number, "title": lot.title, "value": str(lot.value)} for lot in lots
            ],
        },
    )
    return lots


def _create_lot(contract: Contract, number: int, draft: LotDraft, contract_codes) -> Lot:
    lot = Lot(
        contract=contract,
        number=number,
        title=draft.title.strip(),
        description=draft.description,
        value=draft.value,
        delivery_postcode=draft.delivery_postcode,
        delivery_district=draft.delivery_district,
        target_districts=draft.target_districts,
    )
    if not lot.delivery_postcode and not lot.delivery_district:
        lot.delivery_postcode = contract.delivery_postcode
    try:
        lot.full_clean(exclude=["contract"])
    except ValidationError as exc:
        raise ValidationError(
            {f"lot_{number}": [f"Lot {number}: {m}" for m in exc.messages]}
        ) from exc
    lot.save()
    lot.cpv_codes.set(
        cpv_codes_from(draft.cpv_codes, f"lot_{number}") if draft.cpv_codes else contract_codes
    )
    return lot

"""Helpers shared by the buyer-side services."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models

from anchors.models import MAX_CPV_CODES, Contract
from sectors.cpv import InvalidCpvCode, normalise_code
from sectors.models import CpvCode
from sectors.selectors import cpv_get_many


def lock_contract(contract: Contract) -> Contract:
    """Re-read the contract under a row lock: concurrent publish/split/amend queue behind it."""
    return Contract.objects.select_for_update().select_related("institution").get(pk=contract.pk)


def ensure_draft(contract: Contract, action: str) -> None:
    if contract.cancelled_at:
        raise ValidationError(f"This contract was cancelled, so you cannot {action}.")
    if contract.published_at:
        raise ValidationError(
            f"This contract is already published, so you cannot {action}. "
            "Amend it instead (changes are recorded)."
        )


def as_money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").replace("£", "").strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(
            {field: f"Enter an amount in pounds, like 25000 or 25000.50 (got {value!r})."}
        ) from exc
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            {field: "Enter an amount in pounds and pence, with at most 2 decimal places."}
        )
    return amount


def too_many_cpv_codes(raw_codes) -> str:
    """The refusal of more CPV codes than one contract or lot carries, or ""."""
    count = len(set(raw_codes))
    if count <= MAX_CPV_CODES:
        return ""
    return f"Give at most {MAX_CPV_CODES} CPV codes (you gave {count}): choose the closest ones."


def cpv_codes_from(raw_codes, field: str = "cpv_codes") -> list[CpvCode]:
    """Turn codes as typed (with or without check digit) into CPV rows, naming any unknown one;
    at most ``MAX_CPV_CODES`` of them."""
    try:
        codes = list(dict.fromkeys(normalise_code(c) for c in raw_codes))
    except InvalidCpvCode as exc:
        raise ValidationError({field: str(exc)}) from exc
    if too_many := too_many_cpv_codes(codes):
        raise ValidationError({field: too_many})
    found = cpv_get_many(codes)
    unknown = [c for c in codes if c not in {row.code for row in found}]
    if unknown:
        raise ValidationError({field: f"We don't recognise the CPV code(s) {', '.join(unknown)}."})
    return found


def breaches_as_error(breaches) -> ValidationError:
    """One ValidationError carrying every breach, keyed by the field it concerns."""
    errors: dict[str, list[str]] = {}
    for breach in breaches:
        errors.setdefault(breach.field, []).append(f"{breach.message} ({breach.rule})")
    return ValidationError(errors)


def snapshot(instance: models.Model, fields) -> dict:
    """A JSON-friendly picture of some fields, for audit before/after summaries."""
    out = {}
    for name in fields:
        value = getattr(instance, name)
        out[name] = value if isinstance(value, (bool, int, type(None), list, dict)) else str(value)
    return out

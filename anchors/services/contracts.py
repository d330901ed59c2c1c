from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anchors import rules
from anchors.models import Contract, Institution, Lot
from anchors.permissions import ensure_officer_of
from anchors.services.common import (
    as_money,
    breaches_as_error,
    cpv_codes_from,
    ensure_draft,
    lock_contract,
    snapshot,
)
from anchors.services.lots import reservation_request_for
from core.money import money
from core.services import audit_event_record, task_enqueue_after_commit

# Matching is above this app (DESIGN section 2): it is started by task name, after commit.
MATCH_LOT_TASK = "matching.tasks.match_lot"

EDITABLE_FIELDS = (
    "title",
    "description",
    "procurement_type",
    "estimated_value",
    "vat_exempt",
    "delivery_postcode",
    "starts_on",
    "ends_on",
    "closes_at",
    "no_lots_reason",
    "find_a_tender_ref",
    "cross_border_interest",
)
# After publication only words and dates may change (PA23 s.31 treats value and scope changes
# as a new procurement); value, lots and reservations are fixed.
AMENDABLE_FIELDS = (
    "title",
    "description",
    "starts_on",
    "ends_on",
    "closes_at",
    "find_a_tender_ref",
)


@transaction.atomic
def contract_create(
    *,
    actor,
    institution: Institution,
    title: str,
    description: str,
    estimated_value,
    delivery_postcode: str,
    cpv_codes: list[str],
    procurement_type: str = "services",
    closes_at: datetime | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    vat_exempt: bool = False,
    find_a_tender_ref: str = "",
    cross_border_interest: bool = False,
    no_lots_reason: str = "",
) -> Contract:
    """Create a draft contract with one lot covering all of it, ready to split or publish.

    Every detail an officer can give at the start is set here, in one write and one audit
    event (the web form and the API create through this alone)."""
    ensure_officer_of(actor, institution)
    contract = Contract(
        institution=institution,
        title=title.strip(),
        description=description.strip(),
        estimated_value=as_money(estimated_value, "estimated_value"),
        delivery_postcode=delivery_postcode,
        procurement_type=procurement_type,
        closes_at=closes_at,
        starts_on=starts_on,
        ends_on=ends_on,
        vat_exempt=vat_exempt,
        find_a_tender_ref=find_a_tender_ref,
        cross_border_interest=cross_border_interest,
        no_lots_reason=no_lots_reason,
        created_by=actor,
    )
    contract.full_clean()
    codes = cpv_codes_from(cpv_codes)
    contract.save()
    contract.cpv_codes.set(codes)
    lot = Lot(
        contract=contract,
        number=1,
        title=contract.title,
        description=contract.description,
        value=contract.estimated_value,
        delivery_postcode=contract.delivery_postcode,
    )
    lot.full_clean(exclude=["contract"])
    lot.save()
    lot.cpv_codes.set(codes)
    audit_event_record(
        actor=actor,
        verb="contract.created",
        target=contract,
        summary={"after": snapshot(contract, EDITABLE_FIELDS)},
    )
    return contract


@transaction.atomic
def contract_update(
    *, actor, contract: Contract, cpv_codes: list[str] | None = None, **changes
) -> Contract:
    """Change a draft freely. A single-lot contract's lot follows its value and postcode."""
    contract = lock_contract(contract)
    ensure_officer_of(actor, contract.institution)
    ensure_draft(contract, "edit it freely")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    if "estimated_value" in changes:
        changes["estimated_value"] = as_money(changes["estimated_value"], "estimated_value")
    before = snapshot(contract, changes)
    for name, value in changes.items():
        setattr(contract, name, value)
    contract.full_clean()
    lots = list(contract.lots.all())
    if len(lots) > 1 and contract.estimated_value != sum(lot.value for lot in lots):
        raise ValidationError(
            {
                "estimated_value": (
                    f"This contract is split into {len(lots)} lots that add up to "
                    f"{money(sum(lot.value for lot in lots))}. Change the split to change its value."
                )
            }
        )
    contract.save()
    if cpv_codes is not None:
        contract.cpv_codes.set(cpv_codes_from(cpv_codes))
    if len(lots) == 1:
        _follow_contract(lots[0], contract, cpv_codes is not None)
    audit_event_record(
        actor=actor,
        verb="contract.updated",
        target=contract,
        summary={"before": before, "after": snapshot(contract, changes)},
    )
    return contract


def _follow_contract(lot: Lot, contract: Contract, codes_changed: bool) -> None:
    lot.value = contract.estimated_value
    lot.delivery_postcode = contract.delivery_postcode
    lot.full_clean(exclude=["contract"])
    lot.save()
    if codes_changed:
        lot.cpv_codes.set(contract.cpv_codes.all())


@transaction.atomic
def contract_publish(*, actor, contract: Contract, now: datetime | None = None) -> Contract:
    """Publish a draft and all its lots, or nothing: every legal check must pass first."""
    now = now or timezone.now()
    contract = lock_contract(contract)
    ensure_officer_of(actor, contract.institution)
    ensure_draft(contract, "publish it again")
    lots = list(contract.lots.prefetch_related("cpv_links"))
    breaches = publish_breaches(contract, lots, now)
    if breaches:
        raise breaches_as_error(breaches)
    contract.published_at = now
    contract.save(update_fields=["published_at", "updated_at"])
    audit_event_record(
        actor=actor,
        verb="contract.published",
        target=contract,
        summary={"lots": [{"number": lot.number, "value": str(lot.value)} for lot in lots]},
    )
    for lot in lots:
        task_enqueue_after_commit(MATCH_LOT_TASK, lot.pk)
    return contract


def publish_breaches(contract: Contract, lots: list[Lot], now: datetime) -> list[rules.Breach]:
    """Everything that stops ``contract`` being published now, each naming its rule."""
    found = []
    if not contract.closes_at or contract.closes_at <= now:
        found.append(
            rules.Breach(
                "Closing date",
                "closes_at",
                "Set a closing date for interest that is in the future.",
            )
        )
    if sum(lot.value for lot in lots) != contract.estimated_value:
        found.append(
            rules.Breach(
                "Lots add up",
                "estimated_value",
                "The lots' values must add up to the contract's value.",
            )
        )
    if len(lots) == 1 and not contract.no_lots_reason.strip():
        found.append(
            rules.Breach(
                "PA23 s.18",
                "no_lots_reason",
                "This contract is not split into lots. Split it, or record why it cannot reasonably "
                "be split (the tender notice must give the reasons).",
            )
        )
    found += _notice_breaches(contract, now)
    for lot in lots:
        if not lot.cpv_links.all():
            found.append(
                rules.Breach(
                    "Sector needed",
                    "cpv_codes",
                    f"Give lot {lot.number} at least one CPV code so businesses can find it.",
                )
            )
        found += rules.reservation_breaches(reservation_request_for(contract, lot, now=now))
    return found


def _notice_breaches(contract: Contract, now: datetime) -> list[rules.Breach]:
    gross = rules.vat_inclusive(contract.estimated_value, vat_exempt=contract.vat_exempt)
    notifiable = rules.notifiable_value_for(
        threshold_class=contract.institution.threshold_class, on=now.date()
    )
    if gross >= notifiable and not contract.find_a_tender_ref.strip():
        return [
            rules.Breach(
                "PA23 s.84 and s.86 (below-threshold tender notice)",
                "find_a_tender_ref",
                f"This contract is worth {money(gross)} including VAT, at or above the notifiable "
                f"value of {money(notifiable)}. Publish its tender notice on Find a Tender first "
                f"and enter the notice reference here.",
            )
        ]
    return []


@transaction.atomic
def contract_amend(*, actor, contract: Contract, reason: str, **changes) -> Contract:
    """Change a published contract's words or dates, recording before, after and why."""
    contract = lock_contract(contract)
    ensure_officer_of(actor, contract.institution)
    if not contract.published_at or contract.cancelled_at:
        raise ValidationError("Only a published, not cancelled, contract can be amended.")
    not_allowed = set(changes) - set(AMENDABLE_FIELDS)
    if not_allowed:
        raise ValidationError(
            f"After publication you cannot change {', '.join(sorted(not_allowed))}: value, lots and "
            f"reservations are fixed. Cancel and publish a new contract instead."
        )
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say why the contract is being amended; bidders will see it."}
        )
    before = snapshot(contract, changes)
    for name, value in changes.items():
        setattr(contract, name, value)
    contract.full_clean()
    if "closes_at" in changes and (not contract.closes_at or contract.closes_at <= timezone.now()):
        raise ValidationError({"closes_at": "A new closing date must be in the future."})
    contract.save()
    audit_event_record(
        actor=actor,
        verb="contract.amended",
        target=contract,
        summary={"before": before, "after": snapshot(contract, changes), "reason": reason},
    )
    for lot_id in contract.lots.values_list("pk", flat=True):
        task_enqueue_after_commit(MATCH_LOT_TASK, lot_id)
    return contract


@transaction.atomic
def contract_cancel(*, actor, contract: Contract, reason: str) -> Contract:
    """Cancel a draft or published contract that has no awards."""
    contract = lock_contract(contract)
    ensure_officer_of(actor, contract.institution)
    if contract.cancelled_at:
        raise ValidationError("This contract is already cancelled.")
    if contract.lots.filter(award__isnull=False).exists():
        raise ValidationError("A contract with awarded lots cannot be cancelled.")
    if not reason.strip():
        raise ValidationError({"cancel_reason": "Say why the contract is cancelled."})
    contract.cancelled_at = timezone.now()
    contract.cancel_reason = reason.strip()
    contract.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    audit_event_record(
        actor=actor, verb="contract.cancelled", target=contract, summary={"reason": reason}
    )
    return contract

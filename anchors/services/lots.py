from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anchors import rules
from anchors.models import Contract, Lot
from anchors.permissions import ensure_officer_of
from anchors.services.common import (
    breaches_as_error,
    cpv_codes_from,
    ensure_draft,
    lock_contract,
    snapshot,
)
from core.services import audit_event_record
from places.models import NamedArea
from places.postcodes import InvalidPostcode, normalise_district

LOT_TEXT_FIELDS = ("title", "description", "delivery_postcode", "delivery_district")


def reservation_request_for(
    contract: Contract,
    lot: Lot,
    *,
    now: datetime | None = None,
    suppliers: str | None = None,
    location: str | None = None,
    rationale: str | None = None,
) -> rules.ReservationRequest:
    """The facts the reservation rules need, for the lot as it is or as it would be."""
    on = (now or timezone.now()).date()
    institution = contract.institution
    return rules.ReservationRequest(
        regime=institution.reservation_regime,
        suppliers=suppliers if suppliers is not None else lot.reservation_suppliers,
        location=location if location is not None else lot.reservation_location,
        rationale=rationale if rationale is not None else lot.reservation_rationale,
        contract_value_incl_vat=rules.vat_inclusive(
            contract.estimated_value, vat_exempt=contract.vat_exempt
        ),
        threshold=rules.threshold_for(
            threshold_class=institution.threshold_class,
            procurement_type=contract.procurement_type,
            on=on,
        ),
        cross_border_interest=contract.cross_border_interest,
    )


def _lock_draft_lot(actor, lot: Lot, action: str) -> Lot:
    contract = lock_contract(lot.contract)
    ensure_officer_of(actor, contract.institution)
    ensure_draft(contract, action)
    lot = Lot.objects.get(pk=lot.pk)
    lot.contract = contract
    return lot


@transaction.atomic
def lot_update(
    *, actor, lot: Lot, cpv_codes: list[str] | None = None, required_certifications=None, **changes
) -> Lot:
    """Edit a lot's words, place, sectors and advisory certifications while its contract is a draft."""
    lot = _lock_draft_lot(actor, lot, "edit its lots")
    unknown = set(changes) - set(LOT_TEXT_FIELDS)
    if unknown:
        raise ValidationError(
            f"These lot fields cannot be changed here: {', '.join(sorted(unknown))}."
        )
    before = snapshot(lot, changes)
    for name, value in changes.items():
        setattr(lot, name, value)
    lot.full_clean(exclude=["contract"])
    lot.save()
    if cpv_codes is not None:
        lot.cpv_codes.set(cpv_codes_from(cpv_codes))
    if required_certifications is not None:
        lot.required_certifications.set(required_certifications)
    audit_event_record(
        actor=actor,
        verb="lot.updated",
        target=lot,
        summary={"before": before, "after": snapshot(lot, changes)},
    )
    return lot


@transaction.atomic
def lot_set_target_area(
    *, actor, lot: Lot, area: NamedArea | None = None, districts: list[str] | None = None
) -> Lot:
    """Make a lot hyper-local (promoted to, and ranked first for, businesses in the area), or not.

    A preference only: no law lets eligibility be drawn round postcodes (PROCUREMENT_FACTS.md),
    so this never stops anyone registering interest.
    """
    lot = _lock_draft_lot(actor, lot, "change its target areas")
    if area is not None and districts:
        raise ValidationError(
            {"target_districts": "Choose a named area or a list of districts, not both."}
        )
    try:
        cleaned = list(dict.fromkeys(normalise_district(d) for d in districts or []))
    except InvalidPostcode as exc:
        raise ValidationError({"target_districts": str(exc)}) from exc
    before = {"target_area": lot.target_area_id, "target_districts": lot.target_districts}
    lot.target_area, lot.target_districts = area, cleaned
    lot.save(update_fields=["target_area", "target_districts", "updated_at"])
    audit_event_record(
        actor=actor,
        verb="lot.target_area_set",
        target=lot,
        summary={
            "before": before,
            "after": {"target_area": lot.target_area_id, "target_districts": cleaned},
        },
    )
    return lot


@transaction.atomic
def lot_set_reservation(
    *, actor, lot: Lot, suppliers: str, location: str, rationale: str = ""
) -> Lot:
    """Reserve a lot, or lift a reservation, refusing any combination the law does not allow."""
    lot = _lock_draft_lot(actor, lot, "change its reservations")
    if suppliers not in Lot.SupplierReservation.values:
        raise ValidationError({"reservation_suppliers": f"Unknown reservation {suppliers!r}."})
    if location not in Lot.LocationReservation.values:
        raise ValidationError(
            {"reservation_location": f"Unknown location reservation {location!r}."}
        )
    breaches = rules.reservation_breaches(
        reservation_request_for(
            lot.contract, lot, suppliers=suppliers, location=location, rationale=rationale
        )
    )
    if breaches:
        raise breaches_as_error(breaches)
    before = snapshot(
        lot, ["reservation_suppliers", "reservation_location", "reservation_rationale"]
    )
    lot.reservation_suppliers, lot.reservation_location = suppliers, location
    lot.reservation_rationale = (
        rationale.strip() if (suppliers != "none" or location != "none") else ""
    )
    lot.save(
        update_fields=[
            "reservation_suppliers",
            "reservation_location",
            "reservation_rationale",
            "updated_at",
        ]
    )
    audit_event_record(
        actor=actor,
        verb="lot.reservation_set",
        target=lot,
        summary={
            "before": before,
            "after": snapshot(
                lot, ["reservation_suppliers", "reservation_location", "reservation_rationale"]
            ),
        },
    )
    return lot


@transaction.atomic
def lot_configure(
    *,
    actor,
    lot: Lot,
    details: dict | None = None,
    target: dict | None = None,
    reservation: dict | None = None,
) -> Lot:
    """Change a lot's details, target area and reservation together: all of them or none.

    ``details`` are ``lot_update``'s arguments, ``target`` ``lot_set_target_area``'s (``area``,
    ``districts``) and ``reservation`` ``lot_set_reservation``'s (``suppliers``, ``location``,
    ``rationale``); a part left out stays as it is. Each part is checked and audited as it is
    alone, and a refusal of any part (an unlawful reservation, say) undoes the others.
    """
    if details is None and target is None and reservation is None:
        raise ValidationError("Give the lot's details, target area or reservation to change.")
    if details is not None:
        lot = lot_update(actor=actor, lot=lot, **details)
    if target is not None:
        lot = lot_set_target_area(actor=actor, lot=lot, **target)
    if reservation is not None:
        lot = lot_set_reservation(actor=actor, lot=lot, **reservation)
    return lot

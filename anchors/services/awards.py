from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anchors.models import Award, Lot
from anchors.permissions import ensure_officer_of
from anchors.services.common import as_money, lock_contract
from core.services import audit_event_record
from suppliers.models import Business


@transaction.atomic
def award_record(
    *,
    actor,
    lot: Lot,
    value,
    awarded_on: date,
    business: Business | None = None,
    supplier_name: str = "",
    supplier_postcode: str = "",
) -> Award:
    """Record who won a lot: a registered business, or an outside supplier by name and postcode."""
    contract = lock_contract(lot.contract)
    ensure_officer_of(actor, contract.institution)
    if not contract.published_at or contract.cancelled_at:
        raise ValidationError("Only lots of a published, not cancelled, contract can be awarded.")
    if contract.closes_at and contract.closes_at > timezone.now():
        raise ValidationError(
            f"Interest in this contract is open until {timezone.localtime(contract.closes_at):%d %B %Y %H:%M}; "
            "record the award after it closes."
        )
    if Award.objects.filter(lot=lot).exists():
        raise ValidationError(f"Lot {lot.number} has already been awarded.")
    if business is None and not supplier_name.strip():
        raise ValidationError(
            {"business": "Choose the business that won, or enter the supplier's name."}
        )
    if business is not None and supplier_name.strip():
        raise ValidationError(
            {"supplier_name": "Choose a registered business or name an outside supplier, not both."}
        )
    award = Award(
        lot=lot,
        business=business,
        supplier_name=supplier_name.strip(),
        supplier_postcode=supplier_postcode,
        value=as_money(value, "value"),
        awarded_on=awarded_on,
        recorded_by=actor,
    )
    award.full_clean()
    award.save()
    audit_event_record(
        actor=actor,
        verb="lot.awarded",
        target=lot,
        summary={
            "supplier": award.supplier_display,
            "value": str(award.value),
            "awarded_on": awarded_on.isoformat(),
        },
    )
    return award

"""Ready-made context for the buyer pages: what a contract, a lot, a proposed split and the
reservation check say. Pure functions of fetched objects (no queries beyond what the selectors
load); money and status tags come from ``core.web``.
"""

from __future__ import annotations

from anchors import rules
from anchors.models import Contract, Lot
from core.web import money, money_both


def contract_row(contract: Contract) -> dict:
    """A row of the officer's contract list."""
    return {"contract": contract, "value": money(contract.estimated_value)}


def contract_summary(contract: Contract, lots: list[Lot]) -> dict:
    """The contract page's facts: value both ways, codes, lots and their total."""
    return {
        "contract": contract,
        "value": money_both(contract.estimated_value, vat_exempt=contract.vat_exempt),
        "codes": list(contract.cpv_codes.all()),
        "lots": [lot_row(lot, contract) for lot in lots],
        "lots_total": money(sum((lot.value for lot in lots), 0)),
        "is_draft": contract.status == Contract.Status.DRAFT,
        "is_published": contract.published_at is not None and not contract.cancelled_at,
    }


def lot_row(lot: Lot, contract: Contract) -> dict:
    """A lot in the contract page's table."""
    return {
        "lot": lot,
        "value": money_both(lot.value, vat_exempt=contract.vat_exempt),
        "target": target_words(lot) or "None",
        "reservation": reservation_words(lot) or "Not reserved",
        "award": getattr(lot, "award", None),
        "codes": [link.cpv_code for link in lot.cpv_links.all()],
    }


def target_words(lot: Lot) -> str:
    """The lot's target area by name, or its districts ("B9, B10"); "" when not hyper-local."""
    if lot.target_area_id:
        return lot.target_area.name
    return ", ".join(lot.target_districts)


def reservation_words(lot: Lot) -> str:
    """The lot's reservation as its labels ("SMEs; Suppliers in the UK"); "" when none."""
    parts = []
    if lot.reservation_suppliers != Lot.SupplierReservation.NONE:
        parts.append(lot.get_reservation_suppliers_display())
    if lot.reservation_location != Lot.LocationReservation.NONE:
        parts.append(lot.get_reservation_location_display())
    return "; ".join(parts)


def proposal_rows(drafts) -> list[dict]:
    """A proposed split (``anchors.services.LotDraft``s) as rows of the lots formset."""
    return [
        {"title": d.title, "value": d.value, "districts": ", ".join(d.target_districts)}
        for d in drafts
    ]


def split_rows(rows: list[dict], contract: Contract) -> list[dict]:
    """The checked lots of a split (the formset's cleaned rows), as the check page lists them."""
    return [
        {
            "title": row["title"],
            "value": money_both(row["value"], vat_exempt=contract.vat_exempt),
            "districts": ", ".join(row["districts"]) or "None",
        }
        for row in rows
    ]


def reservation_check(lot: Lot, result) -> dict:
    """The legal check's answer (``anchors.selectors.reservation_check``) in words."""
    return {
        "result": result,
        "value_incl_vat": money(result.value_incl_vat),
        "threshold": money(result.threshold),
        "regime": rules.REGIME_NAMES[result.regime],
        "procurement_type": lot.contract.get_procurement_type_display().lower(),
        "reserved_for": _reserved_for(result),
    }


def _reserved_for(result) -> str:
    parts = []
    if result.suppliers != "none":
        parts.append(Lot.SupplierReservation(result.suppliers).label.lower())
    if result.location != "none":
        parts.append(Lot.LocationReservation(result.location).label.lower())
    return " and ".join(parts)

"""The procurement law LocalLots enforces (England, Procurement Act 2023).

Each check returns ``Breach`` objects naming the rule, the field and what would satisfy it, so
services can refuse with a message an officer understands. Figures are dated settings
(``PROCUREMENT_THRESHOLDS``, ``PROCUREMENT_NOTIFIABLE_VALUES``, ``VAT_RATE``).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings

from core.money import money, with_vat


@dataclass(frozen=True)
class Breach:
    rule: str
    field: str
    message: str


def vat_inclusive(value: Decimal | None, *, vat_exempt: bool) -> Decimal | None:
    """UK thresholds are VAT-inclusive (PA23 Sch. 3): add VAT unless the supply is exempt.

    ``None`` (an imported notice without a value) stays ``None``."""
    return with_vat(value, vat_exempt=vat_exempt, rate=settings.VAT_RATE)


def _dated(entries: list[dict], on: date) -> dict:
    applicable = [e for e in entries if date.fromisoformat(e["from"]) <= on]
    if not applicable:
        raise ValueError(f"No procurement figures configured for {on}.")
    return max(applicable, key=lambda e: e["from"])


def threshold_for(*, threshold_class: str, procurement_type: str, on: date) -> Decimal:
    """The PA23 Schedule 1 threshold for this kind of buyer and contract on ``on``."""
    entry = _dated(settings.PROCUREMENT_THRESHOLDS, on)
    if procurement_type == "works":
        return Decimal(entry["works"])
    if procurement_type == "light_touch":
        return Decimal(entry["light_touch"])
    key = "central_goods_services" if threshold_class == "central" else "sub_central_goods_services"
    return Decimal(entry[key])


def notifiable_value_for(*, threshold_class: str, on: date) -> Decimal:
    """PA23 s.84(4): £12,000 for central government, £30,000 for other authorities."""
    entry = _dated(settings.PROCUREMENT_NOTIFIABLE_VALUES, on)
    return Decimal(entry["central" if threshold_class == "central" else "sub_central"])


# Which location reservations each regime allows (PROCUREMENT_FACTS.md, "Reserving").
LOCATIONS_ALLOWED = {
    # 2026 Order: UK-wide, the authority's own area, or its area plus bordering counties.
    "order_2026": {"uk", "authority_area", "authority_area_and_neighbours"},
    # PPN 005: UK-wide, or one county (metropolitan counties count) or London borough.
    "ppn_005": {"uk", "county"},
    "none": set(),
}
REGIME_NAMES = {
    "order_2026": "the 2026 Order (Local Government (Exclusion of Non-commercial Considerations))",
    "ppn_005": "PPN 005",
    "none": "no reservation regime",
}


@dataclass(frozen=True)
class ReservationRequest:
    regime: str
    suppliers: str  # "none" | "sme" | "vcse" | "sme_vcse"
    location: str  # "none" | "uk" | "authority_area" | "authority_area_and_neighbours" | "county"
    rationale: str
    contract_value_incl_vat: Decimal
    threshold: Decimal
    cross_border_interest: bool


def reservation_breaches(request: ReservationRequest) -> list[Breach]:
    """Every reason the requested reservation would be unlawful (empty when it is lawful)."""
    if request.suppliers == "none" and request.location == "none":
        return []
    breaches = []
    if request.regime == "none":
        return [
            Breach(
                "No reservation regime",
                "reservation_suppliers",
                "This institution has no power to reserve lots (neither the 2026 Order nor PPN 005 "
                "applies to it). Leave the lot open to all and use a target area to promote it locally.",
            )
        ]
    if request.contract_value_incl_vat >= request.threshold:
        breaches.append(
            Breach(
                "PA23 s.84 / Sch. 1 (below-threshold only)",
                "reservation_suppliers",
                f"Only below-threshold contracts may be reserved: this contract is worth "
                f"{money(request.contract_value_incl_vat)} including VAT, at or above the "
                f"{money(request.threshold)} threshold. Every lot counts towards the contract's value "
                f"(PA23 Sch. 3).",
            )
        )
    if request.cross_border_interest:
        breaches.append(
            Breach(
                "No reservation with cross-border interest",
                "reservation_suppliers",
                "A procurement likely to interest suppliers outside the UK cannot be reserved.",
            )
        )
    if request.location != "none" and request.location not in LOCATIONS_ALLOWED[request.regime]:
        allowed = ", ".join(sorted(LOCATIONS_ALLOWED[request.regime]))
        breaches.append(
            Breach(
                f"{REGIME_NAMES[request.regime]}: permitted areas",
                "reservation_location",
                f"Under {REGIME_NAMES[request.regime]} a lot may be reserved by location only for: "
                f"{allowed}.",
            )
        )
    if request.regime == "ppn_005" and request.suppliers != "none" and request.location == "none":
        breaches.append(
            Breach(
                "PPN 005: SME/VCSE only with a location",
                "reservation_location",
                "Under PPN 005 a reservation for SMEs or VCSEs must be combined with a location "
                "reservation (UK-wide or one county). Choose a location too.",
            )
        )
    if not request.rationale.strip():
        breaches.append(
            Breach(
                "Reservation rationale recorded",
                "reservation_rationale",
                "Record why the lot is reserved: a reserved lot is still a competition and its "
                "rationale must be kept.",
            )
        )
    return breaches

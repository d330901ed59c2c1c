"""Plain-English reasons for a match, with the facts behind them (codes, km, pounds).

Pure Python over one row of a ``MatchResult``: written for stored matches only, after the
vectorised scoring. Reasons say why the lot suits the business; warnings say what the business
should weigh up (a stretch on capacity, a certificate the buyer asks for). Neither ever stops
anyone registering interest (PA23 s.85); only a lawful reservation does, and the sentence about
it comes from the same rule that decided eligibility (``matching.reservations``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from core.money import money as core_money
from matching import engine

SIZE_WORDS = {
    "micro": "a micro-enterprise",
    "small": "a small business",
    "medium": "a medium-sized business",
    "large": "a large business",
}
SECTOR_LEVEL_WORDS = {2: "division", 3: "group", 4: "class", 5: "category"}


@dataclass(frozen=True)
class Explanation:
    reasons: list[str]
    warnings: list[str]


def money(value: float) -> str:
    """£40,000, or £40,000.50 when there are pennies (``core.money``, plain Python too)."""
    return core_money(value, missing="an unknown amount")


def _code(value: int) -> str:
    return f"{int(value):08d}"


def _named(code: str, labels: Mapping[str, str]) -> str:
    label = labels.get(code)
    return f"{label} ({code})" if label else code


def explain(result: engine.MatchResult, row: int, labels: Mapping[str, str]) -> Explanation:
    """Reasons and warnings for one candidate row; ``labels`` maps CPV codes to their names."""
    reasons = [
        _sector_reason(result, row, labels),
        _location_reason(result, row),
        _capacity_reason(result, row),
    ]
    inclusion = _inclusion_reason(result, row)
    if inclusion:
        reasons.append(inclusion)
    reservation = _reservation_reason(result, row)
    if reservation:
        reasons.append(reservation)
    return Explanation([r for r in reasons if r], _warnings(result, row))


def _sector_reason(result, row, labels) -> str:
    sector = result.sector
    relation = int(sector.relation[row])
    business = _named(_code(sector.business_code[row]), labels)
    lot = _named(_code(sector.lot_code[row]), labels)
    if relation == engine.SECTOR_COVERS:
        if sector.business_code[row] == sector.lot_code[row]:
            return f"Your sector {business} is exactly what this lot asks for."
        return f"Your sector {business} covers {lot}."
    if relation == engine.SECTOR_WITHIN:
        return f"The lot's sector {lot} includes your more specialised {business}."
    if relation == engine.SECTOR_SIBLING:
        depth = int(sector.common_digits[row])
        level = SECTOR_LEVEL_WORDS.get(depth, "family")
        return f"Your sector {business} is in the same CPV {level} as the lot's {lot}."
    return "None of your sectors is close to this lot's."


def _location_reason(result, row) -> str:
    profile = result.profile
    place = f" in {profile.district}" if profile.district else ""
    basis = int(result.location.basis[row])
    if basis == engine.BASIS_DISTANCE:
        text = f"{result.location.distance_km[row]:.1f} km from the delivery site{place}"
    elif basis == engine.BASIS_SECTOR:
        text = f"In the same postcode sector as the delivery site ({profile.postcode_sector})"
    elif basis == engine.BASIS_DISTRICT:
        text = f"In the same postcode district as the delivery site ({profile.district})"
    elif basis == engine.BASIS_FOCUS:
        text = f"In {result.config.focus_name}, like the delivery site{place}"
    elif basis == engine.BASIS_AREA:
        text = f"In the same postcode area as the delivery site ({profile.postcode_area})"
    else:
        text = "We could not work out how far you are from the delivery site"
    if profile.is_hyper_local:
        target = profile.target_name or "the target area"
        if result.location.in_target[row]:
            text += f", inside {target}, where the buyer wants to spend locally"
        else:
            text += f", outside {target}, where the buyer wants to spend locally"
    return text + "."


def _capacity_reason(result, row) -> str:
    if math.isnan(result.profile.value):
        return "The buyer has not published the lot's value."
    value = money(result.profile.value)
    limit = result.capacity.limit[row]
    ratio = result.capacity.ratio[row]
    if math.isnan(ratio):
        return f"The lot is worth {value}; add your largest contract size to see how it fits."
    if ratio > 1:
        return f"{value} is more than your {money(limit)} limit."
    if ratio >= 0.7:
        return f"{value} is close to your {money(limit)} limit."
    if ratio < 0.01:
        return f"{value} is a small job next to your {money(limit)} limit."
    return f"{value} is within your {money(limit)} limit."


def _inclusion_reason(result, row) -> str:
    parts = []
    size = result.inclusion.size_class[row]
    if size in SIZE_WORDS and size != "large":
        parts.append(SIZE_WORDS[size])
    if result.inclusion.is_vcse[row]:
        parts.append("a voluntary, community or social enterprise")
    text = " and ".join(parts)
    if result.inclusion.in_focus[row]:
        place = result.config.focus_name
        text = f"{text} based in {place}" if text else f"Based in {place}"
    if not text:
        return ""
    text = text[0].upper() + text[1:] if text.startswith("Based") else f"You are {text}"
    return text + ": the network ranks local small firms and social enterprises first."


def _reservation_reason(result, row) -> str:
    """The reservation's sentence for this business: why it qualifies (the only case for a
    stored match), or why it does not or cannot be confirmed; "" when the lot is open to all."""
    return result.profile.reservation.judge(
        size_class=result.inclusion.size_class[row],
        is_vcse=bool(result.inclusion.is_vcse[row]),
        local_authority=result.eligibility.local_authority[row],
    ).sentence


def _warnings(result, row) -> list[str]:
    warnings = []
    capacity = result.capacity
    ratio, limit = capacity.ratio[row], capacity.limit[row]
    if not math.isnan(ratio) and ratio > result.config.far_beyond_ratio:
        warnings.append(
            f"At {money(result.profile.value)} this lot is far beyond your {money(limit)} "
            "limit. You can still register interest, perhaps with partners or as a "
            "subcontractor."
        )
    elif not math.isnan(ratio) and ratio > 1:
        warnings.append(
            f"At {money(result.profile.value)} this lot is more than your {money(limit)} limit: "
            "make sure you could deliver it. You can still register interest."
        )
    if capacity.at_concurrent_limit[row]:
        at_once = int(capacity.concurrent_capacity[row])
        warnings.append(
            f"You told us you can deliver {at_once} contract{'s' if at_once != 1 else ''} at "
            f"once and you already have {int(capacity.commitments[row])} under way."
        )
    names = result.profile.certification_names
    missing = [names.get(slug, slug) for slug in capacity.missing_for(row)]
    if missing:
        warnings.append(
            f"The buyer asks for {', '.join(missing)}, which your profile does not list. "
            "This does not stop you registering interest."
        )
    return warnings

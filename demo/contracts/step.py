"""Taking each demo contract through the services, as its institution's officer: create, split,
target and reserve its lots, then publish, cancel or award it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from anchors import rules
from anchors.models import Contract, Institution, Lot
from anchors.services import (
    LotDraft,
    award_record,
    contract_cancel,
    contract_create,
    contract_publish,
    contract_split_into_lots,
    contract_update,
    lot_set_reservation,
    lot_set_target_area,
    propose_by_district,
    propose_even_split,
)
from demo.businesses import FEATURED_BUSINESSES, business_specs
from demo.context import Demo
from demo.contracts.catalogue import CONTRACTS
from demo.contracts.specs import EAST, AwardSpec, ContractSpec
from places.areas import EAST_BIRMINGHAM_SLUG
from places.models import NamedArea
from suppliers.models import Business

# The warm-spaces awards without a named winner go to generated B8 and B33 micro VCSE caterers.
LOCAL_CATERER_DISTRICTS = ("B8", "B33")
CANCEL_REASON = "The skills fair was postponed to next year; we will publish again then."


def seed(demo: Demo) -> list[str]:
    """Every demo contract that is missing, in the order of the catalogue."""
    east = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    institutions = {slug: institution for slug, (institution, _) in demo.institutions.items()}
    existing = set(
        Contract.objects.filter(institution__in=institutions.values()).values_list(
            "institution__slug", "title"
        )
    )
    pick = _award_business_picker(demo.businesses)
    made = []
    for number, spec in enumerate(CONTRACTS, start=1):
        if (spec.institution, spec.title) in existing:
            continue
        institution, officer = demo.institutions[spec.institution]
        contract = _draft(spec, institution=institution, officer=officer, east=east, ref=number)
        made.append(_take_to_state(spec, contract, officer=officer, award_business=pick))
    if not made:
        return []
    lots = Lot.objects.filter(contract__in=made)
    return [
        f"Created {len(made)} contracts with {lots.count()} lots ({lots.hyper_local().count()} "
        f"hyper-local, {lots.reserved().count()} reserved, "
        f"{lots.filter(award__isnull=False).count()} awarded)"
    ]


def _draft(
    spec: ContractSpec, *, institution: Institution, officer, east: NamedArea, ref: int
) -> Contract:
    """The draft contract with its lots, notice reference, target areas and reservations."""
    now = timezone.now()
    contract = contract_create(
        actor=officer,
        institution=institution,
        title=spec.title,
        description=spec.description,
        estimated_value=spec.value,
        delivery_postcode=spec.postcode,
        cpv_codes=list(spec.cpv_codes),
        procurement_type=spec.procurement_type,
        closes_at=now + timedelta(days=spec.closes_in_days),
        starts_on=(now + timedelta(days=spec.closes_in_days + 30)).date(),
        ends_on=(now + timedelta(days=spec.closes_in_days + 30 + 365)).date(),
        vat_exempt=spec.vat_exempt,
    )
    plan = _plan(spec, contract)
    if plan is not None:
        lots = contract_split_into_lots(actor=officer, contract=contract, plan=plan)
    else:
        lots = list(contract.lots.all())
    changes = {}
    if spec.no_lots_reason:
        changes["no_lots_reason"] = spec.no_lots_reason
    if _notice_needed(contract, now.date()):
        changes["find_a_tender_ref"] = f"2026/S 000-0{ref:05d}"
    if changes:
        contract = contract_update(actor=officer, contract=contract, **changes)
    by_number = {lot.number: lot for lot in lots}
    for number, target in _targets(spec, lots).items():
        if target == EAST:
            lot_set_target_area(actor=officer, lot=by_number[number], area=east)
        else:
            lot_set_target_area(actor=officer, lot=by_number[number], districts=list(target))
    for number, (suppliers, location, rationale) in spec.reserve.items():
        lot_set_reservation(
            actor=officer,
            lot=by_number[number],
            suppliers=suppliers,
            location=location,
            rationale=rationale,
        )
    return contract


def _take_to_state(
    spec: ContractSpec,
    contract: Contract,
    *,
    officer,
    award_business: Callable[[AwardSpec], Business | None],
) -> Contract:
    """Leave the draft, or publish it and then cancel it or award its lots."""
    if spec.state == "draft":
        return contract
    contract = contract_publish(actor=officer, contract=contract)
    if spec.state == "cancelled":
        return contract_cancel(actor=officer, contract=contract, reason=CANCEL_REASON)
    if spec.state == "awarded":
        # Demo history: this contract was published and closed months ago. The services only
        # publish with a future closing date, so move the dates into the past directly.
        now = timezone.now()
        Contract.objects.filter(pk=contract.pk).update(
            published_at=now - timedelta(days=150), closes_at=now - timedelta(days=120)
        )
        contract.refresh_from_db()
        for award in spec.awards:
            lot = Lot.objects.get(contract=contract, number=award.lot)
            business = award_business(award)
            award_record(
                actor=officer,
                lot=lot,
                value=(lot.value * Decimal(award.share)).quantize(Decimal("0.01")),
                awarded_on=(now - timedelta(days=100)).date(),
                business=business,
                supplier_name="" if business else award.supplier_name,
                supplier_postcode="" if business else award.supplier_postcode,
            )
    return contract


def _notice_needed(contract: Contract, on) -> bool:
    gross = rules.vat_inclusive(contract.estimated_value, vat_exempt=contract.vat_exempt)
    notifiable = rules.notifiable_value_for(
        threshold_class=contract.institution.threshold_class, on=on
    )
    return gross >= notifiable


def _plan(spec: ContractSpec, contract: Contract) -> list[LotDraft] | None:
    if spec.even:
        return propose_even_split(contract=contract, lots=spec.even)
    if spec.districts:
        return propose_by_district(contract=contract, districts=list(spec.districts))
    if spec.lots:
        return [
            LotDraft(
                title=lot.title,
                value=Decimal(lot.value),
                description=lot.description,
                delivery_postcode=lot.delivery_postcode,
                cpv_codes=list(lot.cpv_codes),
            )
            for lot in spec.lots
        ]
    return None


def _targets(spec: ContractSpec, lots: list[Lot]) -> dict[int, object]:
    if spec.target is None:
        return {}
    if isinstance(spec.target, dict):
        return spec.target
    return {lot.number: spec.target for lot in lots}


def _award_business_picker(businesses: dict[str, Business]):
    """An award names a demo business, an outside supplier, or neither: then the next local
    (B8, B33) micro VCSE caterer among the generated businesses wins it."""
    caterer_names = {
        spec.name
        for spec in business_specs()
        if any(code.startswith("5552") for code in spec.sector_codes)
    }
    featured = {spec.name for spec, _ in FEATURED_BUSINESSES}
    pool = iter(
        b
        for name, b in sorted(businesses.items())
        if name in caterer_names
        and name not in featured
        and b.district in LOCAL_CATERER_DISTRICTS
        and b.is_vcse
        and b.size_class == Business.SizeClass.MICRO
    )

    def pick(award: AwardSpec) -> Business | None:
        if award.supplier_name:
            return None
        if award.business:
            return businesses[award.business]
        return next(pool, None) or businesses[FEATURED_BUSINESSES[0][0].name]

    return pick

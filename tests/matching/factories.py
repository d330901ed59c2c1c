"""Factories for matching: matches, interests, and an open lot with a business that matches it.

``open_lot(...)`` builds a published contract (open for interest, closing in 30 days) with one
lot carrying the given CPV codes, without going through ``contract_publish`` (so nothing is
enqueued). ``matching_business(...)`` builds a complete micro business in B9 whose sector covers
the default lot codes, so ``match_lot`` stores a match for the pair. Others may import these.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from anchors.models import Award, Lot
from matching import engine
from matching.models import Interest, Match
from sectors import cpv
from sectors.models import CpvCode
from tests.anchors.factories import ContractFactory, InstitutionFactory
from tests.sectors.factories import CpvCodeFactory
from tests.suppliers.factories import BusinessFactory

CATERING_DIVISION = "55000000"
CATERING = "55520000"  # Catering services
SCHOOL_MEALS = "55523100"  # School-meal services (under 55523000, under 55520000)
CONSTRUCTION = "45000000"  # another division: a business here never matches a catering lot

# (code, label, parent) for the slice of the CPV tree these tests use; divisions are migrated.
CPV_TREE = [
    ("55500000", "Canteen and catering services", "55000000"),
    ("55520000", "Catering services", "55500000"),
    ("55523000", "Catering services for other enterprises or other institutions", "55520000"),
    ("55523100", "School-meal services", "55523000"),
    ("55521000", "Catering services for private households", "55520000"),
]


def cpv_codes(*codes: str) -> list[str]:
    """Make sure ``codes`` (and the test tree's intermediate codes) exist; return the codes."""
    tree = {code: (label, parent) for code, label, parent in CPV_TREE}
    for code, (label, parent) in tree.items():
        if not CpvCode.objects.filter(code=code).exists():
            CpvCodeFactory(code=code, label=label, parent_id=parent)
    for code in codes:
        if not CpvCode.objects.filter(code=code).exists():
            CpvCodeFactory(code=code, parent_id=cpv.division(code))
    return list(codes)


def open_lot(
    *,
    cpv: list[str] | tuple[str, ...] = (CATERING,),
    value: Decimal | int | str = Decimal("40000.00"),
    institution=None,
    published: bool = True,
    closes_in: timedelta = timedelta(days=30),
    delivery_postcode: str = "B9 4AA",
    **lot_fields,
) -> Lot:
    """A lot of a published, open contract (one lot worth ``value``) with ``cpv`` codes.

    ``lot_fields`` are set on the lot (``reservation_suppliers``, ``reservation_location``,
    ``target_districts``, ...). ``published=False`` leaves the contract a draft.
    """
    codes = cpv_codes(*cpv)
    now = timezone.now()
    contract = ContractFactory(
        institution=institution or InstitutionFactory(),
        estimated_value=Decimal(value),
        delivery_postcode=delivery_postcode,
        closes_at=now + closes_in,
        published_at=now if published else None,
        no_lots_reason="One school kitchen: it cannot reasonably be split.",
        lots__cpv=codes,
    )
    lot = contract.lots.get()
    if lot_fields:
        for name, item in lot_fields.items():
            setattr(lot, name, item)
        lot.save()
    return lot


def matching_business(*, sector_codes=(CATERING,), **fields):
    """A complete micro business in B9 (East Birmingham) that ``open_lot()`` matches."""
    cpv_codes(*sector_codes)
    return BusinessFactory(sector_codes=list(sector_codes), **fields)


def far_and_weak_business(**fields):
    """Eligible for a catering lot (a sibling sector) but well below the threshold: large,
    outside the B postcode area, and the lot far beyond its capacity."""
    cpv_codes("55521000")
    defaults = {
        "postcode": "WS1 1AA",
        "staff_headcount": 400,
        "annual_turnover": Decimal("90000000"),
        "max_contract_value": Decimal("1000"),
    }
    return matching_business(sector_codes=["55521000"], **{**defaults, **fields})


def close_lot(lot: Lot) -> Lot:
    """Move the lot's closing date into the past."""
    lot.contract.closes_at = timezone.now() - timedelta(minutes=1)
    lot.contract.save(update_fields=["closes_at"])
    return lot


def cancel_lot(lot: Lot) -> Lot:
    lot.contract.cancelled_at = timezone.now()
    lot.contract.cancel_reason = "Budget withdrawn."
    lot.contract.save(update_fields=["cancelled_at", "cancel_reason"])
    return lot


def award_lot(lot: Lot, business=None) -> Award:
    return Award.objects.create(
        lot=lot,
        business=business,
        supplier_name="" if business else "Someone Else Ltd",
        value=lot.value,
        awarded_on=timezone.localdate(),
    )


class MatchFactory(factory.django.DjangoModelFactory):
    """A stored match with plausible numbers (not computed by the engine)."""

    class Meta:
        model = Match

    lot = factory.LazyFunction(open_lot)
    business = factory.LazyFunction(matching_business)
    score = 0.8
    sector_score = 1.0
    location_score = 0.9
    capacity_score = 0.7
    inclusion_score = 0.75
    distance_km = None
    reasons = factory.LazyFunction(lambda: ["Your sector Catering services covers this lot."])
    warnings = factory.LazyFunction(list)
    notify = True
    engine_version = engine.ENGINE_VERSION
    computed_at = factory.LazyFunction(timezone.now)


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest

    lot = factory.LazyFunction(open_lot)
    business = factory.LazyFunction(matching_business)
    status = Interest.Status.REGISTERED
    registered_at = factory.LazyFunction(timezone.now)

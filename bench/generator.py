"""The rows of the synthetic dataset (see ``bench.synthetic`` for what it models and why).

Numbers are drawn with NumPy from one seeded generator, column by column, and written with
``bulk_create`` in batches; the database computes the generated columns.
"""

from __future__ import annotations

import math
import time
from datetime import timedelta
from decimal import Decimal

import numpy as np
from django.utils import timezone

from anchors.models import Award, Contract, Institution, Lot, LotCpv
from places.areas import EAST_BIRMINGHAM_SLUG
from places.models import NamedArea, PostcodeDistrict
from sectors.models import CpvCode
from suppliers.models import Business, BusinessSector, Certification

BATCH = 5000

# CPV division: (share of businesses, share of lots, trade word for names).
DIVISIONS: dict[str, tuple[float, float, str]] = {
    "45": (14, 16, "Building"),
    "79": (11, 9, "Business Services"),
    "90": (8, 10, "Cleaning"),
    "72": (8, 7, "IT"),
    "85": (8, 11, "Care"),
    "50": (7, 8, "Maintenance"),
    "55": (7, 7, "Catering"),
    "60": (5, 5, "Transport"),
    "80": (5, 5, "Training"),
    "77": (5, 6, "Grounds"),
    "71": (5, 4, "Design"),
    "92": (4, 2, "Arts"),
    "98": (4, 3, "Community Services"),
    "22": (2, 2, "Print"),
    "39": (2, 1, "Furnishings"),
    "15": (2, 1, "Foods"),
    "33": (1, 1, "Medical Supplies"),
    "30": (1, 1, "Office Supplies"),
    "44": (1, 1, "Building Supplies"),
}
LEVEL_SHARES = {1: 0.08, 2: 0.22, 3: 0.30, 4: 0.22, 5: 0.12, 6: 0.04, 7: 0.02}
SIZE_SHARES = (0.75, 0.17, 0.06, 0.02)  # micro, small, medium, large
STAFF = ((1, 9), (10, 49), (50, 249), (250, 3000))
TURNOVER = ((25e3, 1.8e6), (0.8e6, 9.5e6), (6e6, 42e6), (50e6, 600e6))  # inside each band
CONTRACT_LIMIT = ((2e3, 1.5e5), (2e4, 1.5e6), (1e5, 1e7), (5e5, 5e7))  # when no turnover
CONCURRENT = ((1, 3), (2, 6), (3, 15), (10, 60))
VCSE_FORMS = (("cic", 0.45), ("charity", 0.40), ("cooperative", 0.15))
VCSE_FORM_SHARE, DECLARED_SHARE = 0.11, 0.045  # about 15% VCSEs in all
PLACES = (
    "Acocks Green", "Aston", "Balsall Heath", "Bordesley", "Castle Vale", "Digbeth", "Erdington",
    "Handsworth", "Hodge Hill", "Kings Heath", "Ladywood", "Moseley", "Nechells", "Saltley",
    "Shard End", "Small Heath", "Sparkbrook", "Sparkhill", "Stechford", "Tyseley", "Ward End",
    "Washwood Heath", "Yardley", "Alum Rock", "Bromford", "Lea Hall", "Kitts Green", "Selly Oak",
)  # fmt: skip
SUFFIXES = {
    "sole_trader": "",
    "partnership": "& Partners",
    "limited_company": "Ltd",
    "cic": "CIC",
    "charity": "Trust",
    "cooperative": "Co-operative",
    "other": "Services",
}
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in inward codes

# (slug, name, kind, threshold class, regime, home area, county, share of contracts)
INSTITUTIONS = (
    ("bench-bcc", "Birmingham City Council", "council", "sub_central", "order_2026", "Birmingham", "West Midlands", 26),
    ("bench-sandwell", "Sandwell Council", "council", "sub_central", "order_2026", "Sandwell", "West Midlands", 8),
    ("bench-solihull", "Solihull Council", "council", "sub_central", "order_2026", "Solihull", "West Midlands", 8),
    ("bench-wmca", "West Midlands Combined Authority", "combined_authority", "sub_central", "order_2026", "West Midlands Combined Authority area", "West Midlands", 6),
    ("bench-wmp", "West Midlands Police", "police", "sub_central", "ppn_005", "West Midlands", "West Midlands", 5),
    ("bench-uhb", "University Hospitals Birmingham NHS Foundation Trust", "nhs_trust", "central", "none", "Birmingham", "", 12),
    ("bench-bchc", "Birmingham Community Healthcare NHS Trust", "nhs_trust", "central", "none", "Birmingham", "", 6),
    ("bench-uob", "University of Birmingham", "university", "sub_central", "none", "Birmingham", "", 8),
    ("bench-aston", "Aston University", "university", "sub_central", "none", "Birmingham", "", 4),
    ("bench-bmet", "Birmingham Metropolitan College", "college", "sub_central", "none", "Birmingham", "", 4),
    ("bench-bvt", "Bournville Village Trust", "housing_association", "sub_central", "none", "Birmingham", "", 6),
    ("bench-bromford", "Bromford Housing", "housing_association", "sub_central", "none", "Birmingham", "", 7),
)  # fmt: skip
LOCATIONS_BY_REGIME = {  # location reservations the regime allows (anchors.rules), with odds
    "order_2026": (("none", 0.3), ("authority_area", 0.4), ("authority_area_and_neighbours", 0.3)),
    "ppn_005": (("none", 0.3), ("uk", 0.2), ("county", 0.5)),
}
SUPPLIER_RESERVATIONS = (("sme", 0.45), ("vcse", 0.25), ("sme_vcse", 0.30))


def _choice(rng: np.random.Generator, options, size: int) -> np.ndarray:
    """Draw ``size`` of the (value, weight) ``options``."""
    values, weights = zip(*options, strict=True)
    weights = np.asarray(weights, dtype=float)
    return np.asarray(values)[rng.choice(len(values), size=size, p=weights / weights.sum())]


def _log_uniform(rng, low, high) -> np.ndarray:
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    return np.exp(rng.uniform(np.log(low), np.log(high)))


class _CodePicker:
    """Real CPV codes of a division at mixed depths; within a depth a few codes are popular."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.codes: dict[str, np.ndarray] = {}
        self.weights: dict[str, np.ndarray] = {}
        by_division: dict[str, list[tuple[str, int]]] = {}
        for code, level in CpvCode.objects.order_by("code").values_list("code", "level"):
            by_division.setdefault(code[:2], []).append((code, level))
        for division, rows in by_division.items():
            codes, weights = [], []
            for level, share in LEVEL_SHARES.items():
                at_level = [code for code, lv in rows if lv == level]
                if not at_level:
                    continue
                order = rng.permutation(len(at_level))
                zipf = 1.0 / (np.arange(len(at_level)) + 1.0) ** 0.9
                codes += [at_level[i] for i in order]
                weights += list(share * zipf / zipf.sum())
            self.codes[division] = np.asarray(codes)
            self.weights[division] = np.asarray(weights) / sum(weights)

    def pick(self, divisions: np.ndarray) -> np.ndarray:
        """One code for each entry of ``divisions`` (an array of "45", "90", ...)."""
        out = np.empty(len(divisions), dtype=object)
        for division in np.unique(divisions):
            where = np.flatnonzero(divisions == division)
            codes = self.codes.get(division, np.asarray([f"{division}000000"]))
            weights = self.weights.get(division, np.ones(1))
            out[where] = codes[self.rng.choice(len(codes), size=len(where), p=weights)]
        return out


def _postcodes(rng, districts: np.ndarray) -> list[str]:
    digits = rng.integers(0, 10, size=len(districts))
    letters = rng.integers(0, len(UNIT_LETTERS), size=(len(districts), 2))
    return [
        f"{d} {n}{UNIT_LETTERS[a]}{UNIT_LETTERS[b]}"
        for d, n, (a, b) in zip(districts, digits, letters, strict=True)
    ]


def _money(value: float) -> Decimal:
    return Decimal(int(value))


class Generator:
    """Writes ``businesses`` businesses and ``lots`` open lots (plus closed, awarded ones)."""

    def __init__(self, *, businesses: int, lots: int, seed: int, log):
        self.business_count, self.lot_count, self.log = businesses, lots, log
        self.rng = np.random.default_rng(seed)
        rows = list(
            PostcodeDistrict.objects.geographic()
            .with_location()
            .filter(population__gt=0)
            .order_by("code")
            .values_list("code", "population", "latitude", "longitude")
        )
        self.districts = np.asarray([row[0] for row in rows])
        population = np.asarray([row[1] for row in rows], dtype=float)
        self.district_p = population / population.sum()
        self.points = np.radians(np.asarray([(row[2], row[3]) for row in rows]))
        self.picker = _CodePicker(self.rng)
        self.division_names = np.asarray(list(DIVISIONS))
        self.certifications = list(
            Certification.objects.order_by("slug").values_list("pk", flat=True)
        )
        self.now = timezone.now()

    def run(self) -> None:
        started = time.perf_counter()
        business_ids = self.businesses()
        self.log(f"  {len(business_ids):,} businesses in {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        self.lots(business_ids)
        self.log(f"  {Lot.objects.count():,} lots in {time.perf_counter() - started:.1f}s")

    def divisions(self, size: int, column: int) -> np.ndarray:
        weights = np.asarray([spec[column] for spec in DIVISIONS.values()], dtype=float)
        return self.division_names[
            self.rng.choice(len(weights), size=size, p=weights / weights.sum())
        ]

    def businesses(self) -> np.ndarray:
        rng, n = self.rng, self.business_count
        size = rng.choice(4, size=n, p=SIZE_SHARES)
        staff_low, staff_high = np.asarray(STAFF, dtype=float).T
        staff = np.floor(_log_uniform(rng, staff_low[size], staff_high[size] + 1)).astype(int)
        turnover = _log_uniform(rng, *np.asarray(TURNOVER).T[:, size])
        has_turnover = rng.random(n) > 0.08
        stated = ~has_turnover | (rng.random(n) < 0.55)
        limit = np.where(
            has_turnover,
            turnover * rng.uniform(0.1, 0.6, n),
            _log_uniform(rng, *np.asarray(CONTRACT_LIMIT).T[:, size]),
        )
        limit = np.maximum(np.round(limit, -3), 1000)
        concurrent_low, concurrent_high = np.asarray(CONCURRENT).T
        concurrent = rng.integers(concurrent_low[size], concurrent_high[size] + 1)
        vcse_form = rng.random(n) < VCSE_FORM_SHARE
        forms = np.where(
            vcse_form,
            _choice(rng, VCSE_FORMS, n),
            np.where(
                (size == 0) & (rng.random(n) < 0.45),
                "sole_trader",
                _choice(
                    rng, (("limited_company", 0.88), ("partnership", 0.07), ("other", 0.05)), n
                ),
            ),
        )
        declared = ~vcse_form & (rng.random(n) < DECLARED_SHARE)
        districts = self.districts[rng.choice(len(self.districts), size=n, p=self.district_p)]
        postcodes = _postcodes(rng, districts)
        first = self.divisions(n, 0)
        active = rng.random(n) > 0.03
        described = rng.random(n) > 0.04
        public = rng.random(n) < 0.3
        places = rng.integers(0, len(PLACES), size=n)

        ids = []
        for start in range(0, n, BATCH):
            batch = []
            for i in range(start, min(start + BATCH, n)):
                trade = DIVISIONS[first[i]][2]
                name = f"{PLACES[places[i]]} {trade} {SUFFIXES[forms[i]]}".strip()
                batch.append(
                    Business(
                        name=name,
                        legal_form=forms[i],
                        postcode=postcodes[i],
                        staff_headcount=int(staff[i]),
                        annual_turnover=_money(turnover[i]) if has_turnover[i] else None,
                        max_contract_value=_money(limit[i]) if stated[i] else None,
                        concurrent_capacity=int(concurrent[i]),
                        description=f"{trade} from {districts[i]}." if described[i] else "",
                        public_profile=bool(public[i]),
                        social_enterprise_declared=bool(declared[i]),
                        is_active=bool(active[i]),
                    )
                )
            ids += [b.pk for b in Business.objects.bulk_create(batch)]
        ids = np.asarray(ids, dtype=np.int64)
        self.sectors(ids, first)
        self.business_certifications(ids)
        return ids

    def sectors(self, ids: np.ndarray, first: np.ndarray) -> None:
        rng, n = self.rng, len(ids)
        count = rng.choice([1, 2, 3], size=n, p=[0.5, 0.35, 0.15])
        owner = np.repeat(np.arange(n), count)
        extra = np.ones(len(owner), dtype=bool)
        extra[np.concatenate(([0], np.cumsum(count)[:-1]))] = False
        same = rng.random(len(owner)) < 0.7
        divisions = np.where(~extra | same, first[owner], self.divisions(len(owner), 0))
        codes = self.picker.pick(divisions)
        pairs = sorted({(int(ids[o]), str(c)) for o, c in zip(owner, codes, strict=True)})
        for start in range(0, len(pairs), BATCH):
            BusinessSector.objects.bulk_create(
                [
                    BusinessSector(business_id=b, cpv_code_id=c)
                    for b, c in pairs[start : start + BATCH]
                ]
            )

    def business_certifications(self, ids: np.ndarray) -> None:
        if not self.certifications:
            return
        holders = ids[self.rng.random(len(ids)) < 0.2]
        through = Business.certifications.through
        rows = set()
        for business_id in holders:
            for pk in self.rng.choice(self.certifications, size=self.rng.integers(1, 3)):
                rows.add((int(business_id), int(pk)))
        through.objects.bulk_create(
            [through(business_id=b, certification_id=c) for b, c in sorted(rows)], batch_size=BATCH
        )

    def institutions(self) -> list[Institution]:
        return Institution.objects.bulk_create(
            [
                Institution(
                    slug=slug,
                    name=name,
                    kind=kind,
                    threshold_class=threshold,
                    reservation_regime=regime,
                    home_area_name=home,
                    county_name=county,
                )
                for slug, name, kind, threshold, regime, home, county, _ in INSTITUTIONS
            ]
        )

    def near(self, district: str, count: int) -> list[str]:
        """``district`` and its ``count`` nearest neighbours (by centroid)."""
        here = self.points[list(self.districts).index(district)]
        lat, lon = self.points[:, 0], self.points[:, 1]
        distance = np.hypot((lon - here[1]) * math.cos(here[0]), lat - here[0])
        return [str(d) for d in self.districts[np.argsort(distance, kind="stable")[: count + 1]]]

    def lots(self, business_ids: np.ndarray) -> None:
        rng = self.rng
        institutions = self.institutions()
        shares = np.asarray([row[-1] for row in INSTITUTIONS], dtype=float)
        east = NamedArea.objects.filter(slug=EAST_BIRMINGHAM_SLUG).first()
        open_left, closed_left = self.lot_count, max(1, self.lot_count // 10)
        contracts, lots_by_contract = [], []
        while open_left or closed_left:
            closed = bool(closed_left) and (not open_left or rng.random() < 0.1)
            institution = institutions[rng.choice(len(institutions), p=shares / shares.sum())]
            regime = institution.reservation_regime
            reserved = regime in LOCATIONS_BY_REGIME and rng.random() < 0.3
            wanted = int(rng.choice([1, 2, 3, 4, 5, 6], p=[0.2, 0.25, 0.25, 0.15, 0.1, 0.05]))
            count = min(wanted, 3 if reserved else 6, closed_left if closed else open_left)
            if closed:
                closed_left -= count
            else:
                open_left -= count
            contract, lots = self.contract(institution, count, closed, reserved, east)
            contracts.append(contract)
            lots_by_contract.append(lots)
        Contract.objects.bulk_create(contracts, batch_size=BATCH)
        all_lots = []
        for contract, lots in zip(contracts, lots_by_contract, strict=True):
            for lot in lots:
                lot.contract = contract
            all_lots += lots
        Lot.objects.bulk_create(all_lots, batch_size=BATCH)
        self.lot_codes(all_lots)
        self.lot_certifications(all_lots)
        self.awards([c for c in contracts if c.closes_at < self.now], business_ids)

    def contract(self, institution, count, closed, reserved, east):
        rng = self.rng
        district = str(self.districts[rng.choice(len(self.districts), p=self.district_p)])
        postcode = _postcodes(rng, np.asarray([district]))[0]
        division = str(self.divisions(1, 1)[0])
        trade = DIVISIONS[division][2]
        values = np.round(_log_uniform(rng, np.full(count, 5e3), 6e4 if reserved else 5e5), -2)
        if closed:
            closes = self.now - timedelta(days=int(rng.integers(30, 200)))
        else:
            closes = self.now + timedelta(days=int(rng.integers(60, 120)))
        starts = (closes + timedelta(days=45)).date()
        contract = Contract(
            institution=institution,
            title=f"{trade} for {institution.name} ({district})",
            description=f"{trade} work across {count} lot{'s' if count > 1 else ''}.",
            procurement_type="works" if division == "45" else "services",
            estimated_value=_money(values.sum()),
            delivery_postcode=postcode,
            starts_on=starts,
            ends_on=starts + timedelta(days=int(rng.integers(180, 1100))),
            closes_at=closes,
            published_at=closes - timedelta(days=int(rng.integers(20, 60))),
            no_lots_reason="" if count > 1 else "Too small to divide.",
        )
        lots = []
        for number in range(1, count + 1):
            lot = Lot(
                number=number, title=f"{trade}: lot {number}", value=_money(values[number - 1])
            )
            lot.division = division  # read by lot_codes, not a field
            if rng.random() < 0.7:
                lot.delivery_postcode, lot.delivery_district = postcode, district
            else:
                lot.delivery_district = str(
                    self.districts[rng.choice(len(self.districts), p=self.district_p)]
                )
            if rng.random() < 0.2:
                if east is not None and rng.random() < 0.5:
                    lot.target_area = east
                else:
                    lot.target_districts = self.near(lot.delivery_district, int(rng.integers(1, 4)))
            if reserved:
                lot.reservation_suppliers = str(_choice(rng, SUPPLIER_RESERVATIONS, 1)[0])
                regime = institution.reservation_regime
                lot.reservation_location = str(_choice(rng, LOCATIONS_BY_REGIME[regime], 1)[0])
                lot.reservation_rationale = "Below threshold; reserved to build local supply."
            lots.append(lot)
        return contract, lots

    def lot_codes(self, lots: list[Lot]) -> None:
        rng = self.rng
        count = rng.choice([1, 2, 3], size=len(lots), p=[0.7, 0.22, 0.08])
        owner = np.repeat(np.arange(len(lots)), count)
        first = np.asarray([lots[o].division for o in owner])
        extra = np.ones(len(owner), dtype=bool)
        extra[np.concatenate(([0], np.cumsum(count)[:-1]))] = False
        other = extra & (rng.random(len(owner)) < 0.2)
        divisions = np.where(other, self.divisions(len(owner), 1), first)
        codes = self.picker.pick(divisions)
        pairs = sorted({(lots[o].pk, str(c)) for o, c in zip(owner, codes, strict=True)})
        LotCpv.objects.bulk_create(
            [LotCpv(lot_id=lot, cpv_code_id=code) for lot, code in pairs],
            batch_size=BATCH,
        )

    def lot_certifications(self, lots: list[Lot]) -> None:
        through = Lot.required_certifications.through
        rows = set()
        for lot in lots:
            if self.certifications and self.rng.random() < 0.1:
                for pk in self.rng.choice(self.certifications, size=self.rng.integers(1, 3)):
                    rows.add((lot.pk, int(pk)))
        through.objects.bulk_create(
            [through(lot_id=lot, certification_id=pk) for lot, pk in sorted(rows)]
        )

    def awards(self, contracts: list[Contract], business_ids: np.ndarray) -> None:
        closed = {c.pk: c for c in contracts}
        awards = []
        for lot in Lot.objects.filter(contract_id__in=list(closed)).order_by("pk"):
            contract = closed[lot.contract_id]
            awards.append(
                Award(
                    lot=lot,
                    business_id=int(business_ids[self.rng.integers(len(business_ids))]),
                    value=lot.value,
                    awarded_on=(contract.closes_at + timedelta(days=14)).date(),
                )
            )
        Award.objects.bulk_create(awards, batch_size=BATCH)

"""A realistic, seeded synthetic dataset for the matching benchmarks.

Businesses are spread over the B postcode districts by population, with full postcodes
("B9 4QT"), sectors drawn by CPV division with realistic weights and real codes at mixed
depths, sizes skewed to micro (about 75% micro, 17% small, 6% medium, 2% large), about 15%
VCSEs, and capacities that follow their size. Lots belong to contracts of a dozen Birmingham
anchor institutions, are worth £5k to £500k (log-uniform), and some are hyper-local (East
Birmingham or a few neighbouring districts) or reserved (only by institutions whose regime
allows it). One lot in ten more is closed and awarded, so some businesses have work under way.

Rows go in with ``bulk_create`` in batches; the database computes the generated columns
(``Business.district``, ``size_class`` and ``is_vcse``, ``BusinessSector.division`` and
``LotCpv.division``). The same seed and sizes give the same data, and a database already holding
them is reused: a small table ``bench_marker`` records what was generated (and whether its
matches are up to date).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from anchors.models import Contract, Institution, Lot, LotCpv
from bench.generator import BATCH, DIVISIONS, INSTITUTIONS, LOCATIONS_BY_REGIME, Generator
from bench.reference import ReferenceData, reference_data_ensure
from places.areas import EAST_BIRMINGHAM_SLUG
from places.models import NamedArea, PostcodeDistrict
from sectors.models import CpvCode
from suppliers.models import Business

GENERATOR_VERSION = 1
DEFAULT_SEED = 2026
MARKER_TABLE = "bench_marker"
KEPT_MODELS = {"suppliers.certification"}  # reference rows the wipe leaves alone


@dataclass(frozen=True)
class DatasetSpec:
    businesses: int = 100_000
    lots: int = 2_000  # open lots; one in ten more is closed and awarded
    seed: int = DEFAULT_SEED

    def key(self) -> str:
        """What the generated rows depend on: the sizes, the seed and the reference data."""
        return json.dumps(
            {
                "version": GENERATOR_VERSION,
                "businesses": self.businesses,
                "lots": self.lots,
                "seed": self.seed,
                "cpv_codes": CpvCode.objects.count(),
                "districts": PostcodeDistrict.objects.count(),
            },
            sort_keys=True,
        )


@dataclass(frozen=True)
class Dataset:
    spec: DatasetSpec
    businesses: int
    open_lots: int
    reused: bool
    seconds: float
    reference: ReferenceData


def dataset_ensure(
    spec: DatasetSpec,
    *,
    reference_folder: Path | None,
    log: Callable[[str], None],
    fresh: bool = False,
) -> Dataset:
    """The dataset ``spec`` describes: reused when the database already holds it, else made."""
    started = time.perf_counter()
    reference = reference_data_ensure(folder=reference_folder, log=log)
    key = spec.key()
    if not fresh and marker("dataset") == key and _counts() == (spec.businesses, spec.lots):
        log(f"reusing the generated dataset ({spec.businesses:,} businesses, {spec.lots:,} lots)")
        return Dataset(spec, *_counts(), True, time.perf_counter() - started, reference)
    _wipe()
    with transaction.atomic():
        Generator(businesses=spec.businesses, lots=spec.lots, seed=spec.seed, log=log).run()
        marker_set("dataset", key)
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give a live site
        cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    log(f"generated the dataset in {elapsed:.1f}s")
    return Dataset(spec, *_counts(), False, elapsed, reference)


def _counts() -> tuple[int, int]:
    return Business.objects.count(), Lot.objects.open().count()


def marker(name: str) -> str | None:
    """What the bench last recorded under ``name`` ("dataset", "matches"), if anything."""
    with connection.cursor() as cursor:
        if MARKER_TABLE not in connection.introspection.table_names(cursor):
            return None
        cursor.execute(f"SELECT value FROM {MARKER_TABLE} WHERE name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else None


def marker_set(name: str, value: str | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(name varchar(32) PRIMARY KEY, value text NOT NULL)"
        )
        cursor.execute(f"DELETE FROM {MARKER_TABLE} WHERE name = %s", [name])
        if value is not None:
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} (name, value) VALUES (%s, %s)", [name, value]
            )


def _wipe() -> None:
    """Empty every table the generator fills (and what hangs off them), plus the marker."""
    tables = set()
    for label in ("anchors", "suppliers", "matching"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.label_lower not in KEPT_MODELS:
                tables.add(model._meta.db_table)
    with connection.cursor() as cursor:
        if MARKER_TABLE in connection.introspection.table_names(cursor):
            cursor.execute(f"DROP TABLE {MARKER_TABLE}")
    statements = connection.ops.sql_flush(
        no_style(), sorted(tables), reset_sequences=True, allow_cascade=True
    )
    connection.ops.execute_sql_flush(statements)


# --- The opportunity search benchmark's extra lots -------------------------------------------
# The search is measured over many more open lots than the matching benchmarks use, so the
# extra lots are added for the search run and taken away after it: left in, they would make the
# dataset check above fail (it counts the open lots) and the nightly re-match measure 20,000
# lots. The marker ``search_lots`` records where they start while they are in the database, so a
# run that was killed half-way removes them first (``search_lots_remove``).
SEARCH_MARKER = "search_lots"
SEARCH_PLACES = ("sites", "schools", "offices", "depots", "estates", "health centres", "libraries")


def search_lots_ensure(open_lots: int, *, seed: int = DEFAULT_SEED, log=lambda _: None) -> int:
    """Add open lots on published contracts of the bench institutions until ``open_lots`` are
    open; returns how many were added (0 when there were enough)."""
    missing = open_lots - Lot.objects.open().count()
    if missing <= 0:
        return 0
    started = time.perf_counter()
    with transaction.atomic():
        first = _search_lots_create(missing, seed=seed)
        marker_set(SEARCH_MARKER, json.dumps({"first_contract": first, "lots": missing}))
    _analyze()
    log(f"search: added {missing:,} open lots in {time.perf_counter() - started:.1f}s")
    return missing


def search_lots_remove(*, log=lambda _: None) -> int:
    """Delete the lots ``search_lots_ensure`` added (with their contracts); returns how many."""
    value = marker(SEARCH_MARKER)
    if value is None:
        return 0
    started = time.perf_counter()
    with transaction.atomic():
        first = json.loads(value)["first_contract"]
        lots = Lot.objects.filter(contract_id__gte=first).count()
        Contract.objects.filter(pk__gte=first).delete()
        marker_set(SEARCH_MARKER, None)
    _analyze(compact=True)
    log(f"search: removed the {lots:,} extra lots in {time.perf_counter() - started:.1f}s")
    return lots


def _analyze(*, compact: bool = False) -> None:
    """Fresh statistics, and the space of deleted rows reclaimed (``compact``: given back, so
    that every run's extra lots are written to the same compact tables)."""
    if connection.vendor != "postgresql":
        return
    command = "VACUUM (FULL, ANALYZE)" if compact else "VACUUM (ANALYZE)"
    if connection.in_atomic_block:  # a test's transaction: VACUUM cannot run there
        command = "ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} anchors_contract, anchors_lot, anchors_lotcpv")


def _search_lots_create(count: int, *, seed: int) -> int:
    """``count`` open lots on new published contracts; returns the first new contract's id."""
    generator = Generator(businesses=0, lots=count, seed=seed + 1, log=lambda _: None)
    rng, now = generator.rng, generator.now
    by_slug = Institution.objects.in_bulk([row[0] for row in INSTITUTIONS], field_name="slug")
    if len(by_slug) != len(INSTITUTIONS):
        raise RuntimeError("The bench institutions are missing: generate the dataset first.")
    institutions = [by_slug[row[0]] for row in INSTITUTIONS]
    shares = np.asarray([row[-1] for row in INSTITUTIONS], dtype=float)
    east = NamedArea.objects.filter(slug=EAST_BIRMINGHAM_SLUG).first()
    labels = dict(CpvCode.objects.values_list("code", "label"))
    contracts, lots_by_contract, left = [], [], count
    while left:
        institution = institutions[rng.choice(len(institutions), p=shares / shares.sum())]
        reserved = institution.reservation_regime in LOCATIONS_BY_REGIME and rng.random() < 0.3
        wanted = int(rng.choice([1, 2, 3, 4, 5, 6], p=[0.2, 0.25, 0.25, 0.15, 0.1, 0.05]))
        size = min(wanted, 3 if reserved else 6, left)
        left -= size
        contract, lots = generator.contract(institution, size, False, reserved, east)
        # Published in the last two months, closing within four (some within days).
        contract.published_at = now - timedelta(
            days=int(rng.integers(0, 60)), hours=int(rng.integers(0, 24))
        )
        contract.closes_at = now + timedelta(
            days=int(rng.integers(2, 120)), hours=int(rng.integers(0, 24))
        )
        trade = DIVISIONS[lots[0].division][2]
        place = SEARCH_PLACES[int(rng.integers(len(SEARCH_PLACES)))]
        work = trade if trade.isupper() else trade.lower()
        for lot in lots:
            lot.code = str(generator.picker.pick(np.asarray([lot.division]))[0])
            label = labels.get(lot.code, trade)[:150]
            lot.title = f"{label} for {place} in {lot.delivery_district}"[:200]
            lot.description = (
                f"{label} ({lot.code}) for {institution.name}: {work} work at "
                f"{place} in and around {lot.delivery_district}, lot {lot.number} of {size}."
            )
        contract.title = f"{trade} for {institution.name}: {place} ({lots[0].delivery_district})"
        contracts.append(contract)
        lots_by_contract.append(lots)
    Contract.objects.bulk_create(contracts, batch_size=BATCH)
    all_lots = []
    for contract, lots in zip(contracts, lots_by_contract, strict=True):
        for lot in lots:
            lot.contract = contract
        all_lots += lots
    Lot.objects.bulk_create(all_lots, batch_size=BATCH)
    links = {(lot.pk, lot.code) for lot in all_lots}
    for lot in all_lots:  # a second code in the same division for about a third of the lots
        if rng.random() < 0.3:
            links.add((lot.pk, str(generator.picker.pick(np.asarray([lot.division]))[0])))
    LotCpv.objects.bulk_create(
        [LotCpv(lot_id=lot, cpv_code_id=code) for lot, code in sorted(links)], batch_size=BATCH
    )
    generator.lot_certifications(all_lots)
    return min(contract.pk for contract in contracts)

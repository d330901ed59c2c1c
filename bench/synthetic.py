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
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from anchors.models import Lot
from bench.generator import Generator
from bench.reference import ReferenceData, reference_data_ensure
from places.models import PostcodeDistrict
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

"""Matching benchmarks (issue #4): ``make bench``, or ``python -m bench.matching --help``.

Prints ``name: value`` lines on stdout and nothing else (progress goes to stderr):

- ``engine_100k_ms``: the pure engine scoring one lot against 100,000 candidates (median);
- ``match_lot_100k_ms``: ``match_lot`` end to end (SQL pre-filter, scoring, reasons, upsert)
  for a lot in the busiest division, re-run as the nightly job does (median; the first run is
  on stderr);
- ``rematch_2000x100k_s``: every open lot re-matched by one worker, chunk by chunk in-process,
  over the matches of the previous night (a first pass from empty, when needed, is on stderr);
- ``peak_rss_mb``: the process's peak resident memory;
- ``naive_over_engine``: a per-pair Python loop over 10,000 candidates against the engine on the
  same candidates, after checking both give the same scores to 1e-6;
- ``businesses``, ``open_lots``, ``candidates_per_lot_mean`` for context;
- ``search_p95_ms`` (issue #5), with ``search_p50_ms``, ``search_p99_ms``,
  ``search_requests_per_s`` and ``search_open_lots``: the opportunity search served by gunicorn
  with the production settings to 10 concurrent clients, over 20,000 open lots (``bench.search``;
  after the matching figures);
- ``schedule_200x15x16_s`` (issue #6), with ``schedule_meetings``,
  ``schedule_businesses_served``, ``schedule_wanted_share_pct`` (meetings at a table the business
  asked for), ``schedule_wanted_met_pct`` (requests met) and ``schedule_optimal``: the 1:1
  meeting solver on a synthetic event of 200 businesses, 15 tables and 16 slots, built in memory
  (``bench.schedule``; it needs no dataset, so ``--only schedule`` skips generating one).

Run as a program it uses a database of its own (``bench.database``: ``locallots_bench`` on the
PostgreSQL server of ``DATABASE_URL``, else a SQLite file in the temporary folder), migrates
it, and generates or reuses the dataset (``bench.synthetic``).
"""
# ruff: noqa: E402  (the benchmark database is chosen before Django reads its settings)

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import database

if __name__ == "__main__":
    database.use_bench_database()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "procurement.settings")

import django

django.setup()

import numpy as np
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Count

from anchors.models import Lot
from bench import search
from bench.naive import candidate_records, naive_score
from bench.schedule import run_schedule
from bench.synthetic import (
    DEFAULT_SEED,
    DatasetSpec,
    dataset_ensure,
    marker,
    marker_set,
    search_lots_ensure,
    search_lots_remove,
)
from matching import engine, inputs
from matching.candidates import Candidates
from matching.models import Match
from matching.services import match_lot, match_lots, open_lot_chunks
from suppliers.models import BusinessSector

BENCHMARKS = ("engine", "naive", "match_lot", "rematch", "search", "schedule")
MATCHING = set(BENCHMARKS) - {"search", "schedule"}
NEEDS_DATASET = set(BENCHMARKS) - {"schedule"}  # the schedule's event is built in memory
NAIVE_CANDIDATES = 10_000
AGREEMENT = 1e-6


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _median_ms(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


@dataclass
class Subject:
    """The lot the single-lot benchmarks use, and the whole candidate table for the engine."""

    context: inputs.Context
    lot_id: int
    profile: engine.LotProfile
    candidates: Candidates  # every matchable business, padded to --businesses rows


def busiest_lot(context: inputs.Context) -> tuple[int, engine.LotProfile]:
    """An open, unreserved lot in the division with the most businesses (first by id)."""
    divisions = (
        BusinessSector.objects.values("division")
        .annotate(businesses=Count("business", distinct=True))
        .order_by("-businesses", "division")
    )
    for row in divisions:
        lots = Lot.objects.open().filter(
            cpv_links__division=row["division"],
            reservation_suppliers=Lot.SupplierReservation.NONE,
            reservation_location=Lot.LocationReservation.NONE,
        )
        lot = inputs.lots_for_matching(lots.order_by("pk")).first()
        if lot is not None:
            return lot.pk, inputs.lot_profile(lot, context)
    raise RuntimeError("No open, unreserved lot to benchmark: generate the dataset first.")


def all_candidates(
    context: inputs.Context, size: int, seed: int, certifications: tuple[str, ...] = ()
) -> Candidates:
    """Every matchable business as one candidate table, repeated rows making it ``size`` long,
    with the ``certifications`` they hold."""
    divisions = sorted(set(BusinessSector.objects.values_list("division", flat=True)))
    everyone = engine.LotProfile(
        lot_id=0,
        value=1.0,
        cpv_codes=tuple(f"{d}000000" for d in divisions),
        required_certifications=certifications,
    )
    candidates = inputs.candidates_for_lot(everyone, context)
    if len(candidates) >= size or not len(candidates):
        return candidates
    log(f"{len(candidates):,} matchable businesses; repeating rows to make {size:,} candidates")
    rng = np.random.default_rng(seed)
    rows = np.concatenate(
        [np.arange(len(candidates)), rng.integers(0, len(candidates), size - len(candidates))]
    )
    return Candidates(
        candidates.businesses.iloc[rows].reset_index(drop=True),
        _repeat_long(candidates.sectors, rows, len(candidates)),
        _repeat_long(candidates.certifications, rows, len(candidates)),
    )


def _repeat_long(table, rows: np.ndarray, original: int):
    """A long table (``row`` + value) for the new rows, each taking its source row's entries."""
    table = table.sort_values("row", kind="stable").reset_index(drop=True)
    counts = np.bincount(table["row"].to_numpy(), minlength=original)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    take = counts[rows]
    within = np.arange(take.sum()) - np.repeat(np.cumsum(take) - take, take)
    picked = table.iloc[np.repeat(starts[rows], take) + within].reset_index(drop=True)
    picked["row"] = np.repeat(np.arange(len(rows)), take)
    return picked


def subject(size: int, seed: int) -> Subject:
    context = inputs.Context.load()
    lot_id, profile = busiest_lot(context)
    candidates = all_candidates(context, size, seed, profile.required_certifications)
    return Subject(context, lot_id, profile, candidates)


def bench_engine(subject: Subject, *, repeats: int = 7) -> float:
    """Median ms for ``engine.score`` on one lot against the whole candidate table."""
    config = subject.context.config
    result = engine.score(subject.profile, subject.candidates, config)  # warm up
    log(
        f"engine: lot {subject.lot_id} ({', '.join(subject.profile.cpv_codes)}) against "
        f"{len(subject.candidates):,} candidates: {int(result.eligible.sum()):,} eligible, "
        f"{int(result.stored.sum()):,} would be stored"
    )
    return _median_ms(lambda: engine.score(subject.profile, subject.candidates, config), repeats)


def bench_naive(subject: Subject, *, size: int = NAIVE_CANDIDATES, repeats: int = 3) -> float:
    """How many times slower the per-pair loop is than the engine on the same candidates.

    Raises ``AssertionError`` unless both give the same eligibility and scores (to 1e-6).
    """
    frame = subject.candidates.businesses.iloc[:size]
    sectors, certifications = subject.candidates.sectors, subject.candidates.certifications
    candidates = Candidates(
        frame,
        sectors[sectors["row"] < len(frame)].reset_index(drop=True),
        certifications[certifications["row"] < len(frame)].reset_index(drop=True),
    )
    records = candidate_records(candidates)
    profile, config = subject.profile, subject.context.config
    result = engine.score(profile, candidates, config)
    naive = naive_score(profile, records, config)
    scores = np.asarray([n.score for n in naive])
    eligible = np.asarray([n.eligible for n in naive])
    worst = float(np.max(np.abs(scores - result.score), initial=0.0))
    assert worst <= AGREEMENT, f"naive and engine scores differ by up to {worst:.2e}"
    assert np.array_equal(eligible, result.eligible), "naive and engine disagree on eligibility"
    log(f"naive: agrees with the engine on {len(records):,} candidates (max diff {worst:.1e})")
    engine_ms = _median_ms(lambda: engine.score(profile, candidates, config), repeats * 3)
    naive_ms = _median_ms(lambda: naive_score(profile, records, config), repeats)
    log(f"naive: {naive_ms:.1f} ms, engine {engine_ms:.2f} ms")
    return naive_ms / engine_ms


def bench_match_lot(subject: Subject, *, repeats: int = 5) -> float:
    """Median ms of ``match_lot`` re-runs for the busiest lot (the first run is logged)."""
    Match.objects.filter(lot_id=subject.lot_id).delete()
    candidates = inputs.candidates_for_lot(subject.profile, subject.context)
    started = time.perf_counter()
    run = match_lot(lot_id=subject.lot_id)
    first = (time.perf_counter() - started) * 1000
    log(
        f"match_lot: lot {subject.lot_id}: {len(candidates):,} candidates, {run.stored:,} "
        f"matches stored; first run {first:.0f} ms"
    )
    return _median_ms(lambda: match_lot(lot_id=subject.lot_id), repeats)


def bench_rematch(*, chunk_size: int) -> tuple[float, list[int]]:
    """Seconds for one worker to re-match every open lot, as the nightly job does, and the
    candidates each lot had.

    The nightly job finds the matches of the night before: when they are not there (a new
    dataset, a new engine version), a first full pass stores them from empty, timed on stderr.
    """
    current = f"{engine.ENGINE_VERSION} {marker('dataset')}"
    if marker("matches") != current:
        marker_set("matches", None)
        _empty_matches()
        log("rematch: no current matches: a first full pass stores them from empty")
        seconds, _ = _rematch_pass(chunk_size, "first pass")
        log(f"rematch: first pass (from empty) took {seconds:.0f}s")
        marker_set("matches", current)
    marker_set("matches", None)  # until this pass completes
    seconds, sizes = _rematch_pass(chunk_size, "re-match")
    marker_set("matches", current)
    return seconds, sizes


def _rematch_pass(chunk_size: int, name: str) -> tuple[float, list[int]]:
    """``match_lots`` over ``open_lot_chunks`` in turn, counting each lot's candidates."""
    sizes: list[int] = []
    original = inputs.candidates_for_lot

    def counted(profile, context):
        candidates = original(profile, context)
        sizes.append(len(candidates))
        return candidates

    total = Lot.objects.open().count()
    stored = done = 0
    inputs.candidates_for_lot = counted
    started = time.perf_counter()
    try:
        for chunk in open_lot_chunks(size=chunk_size):
            stored += match_lots(lot_ids=chunk).stored
            done += len(chunk)
            if done % (chunk_size * 10) == 0 or done == total:
                elapsed = time.perf_counter() - started
                log(f"{name}: {done:,}/{total:,} lots, {stored:,} matches, {elapsed:.0f}s")
    finally:
        inputs.candidates_for_lot = original
    return time.perf_counter() - started, sizes


def _empty_matches() -> None:
    """Start the full re-match from no stored matches, so every run does the same work."""
    statements = connection.ops.sql_flush(no_style(), [Match._meta.db_table], allow_cascade=True)
    connection.ops.execute_sql_flush(statements)


def line(name: str, value: float) -> str:
    """``name: value``, whole numbers as such and the rest to one decimal place."""
    return f"{name}: {value}" if isinstance(value, int) else f"{name}: {value:.1f}"


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024  # KiB on Linux


def run(options: argparse.Namespace, emit: Callable[[str, float], None]) -> None:
    """Generate or reuse the dataset (unless only the schedule runs: it needs none), then run
    the chosen benchmarks, emitting each figure."""
    if options.only & NEEDS_DATASET:
        run_on_dataset(options, emit)
    if "schedule" in options.only:
        run_schedule(emit, repeats=options.schedule_repeats)


def run_on_dataset(options: argparse.Namespace, emit: Callable[[str, float], None]) -> None:
    spec = DatasetSpec(businesses=options.businesses, lots=options.lots, seed=options.seed)
    search_lots_remove(log=log)  # left behind by a search benchmark that was killed
    dataset = dataset_ensure(
        spec, reference_folder=options.reference_folder, log=log, fresh=options.fresh
    )
    log(f"reference data: {dataset.reference.cpv_source}; {dataset.reference.districts_source}")
    emit("businesses", dataset.businesses)
    emit("open_lots", dataset.open_lots)
    if options.only & MATCHING:
        run_matching(options, emit)
    if "search" in options.only:
        run_search(options, emit)


def run_matching(options: argparse.Namespace, emit: Callable[[str, float], None]) -> None:
    chosen = subject(options.businesses, options.seed)
    if "engine" in options.only:
        emit("engine_100k_ms", bench_engine(chosen))
    if "match_lot" in options.only:
        emit("match_lot_100k_ms", bench_match_lot(chosen))
    sizes: list[int] = []
    if "rematch" in options.only:
        seconds, sizes = bench_rematch(chunk_size=settings.MATCHING["REMATCH_CHUNK_SIZE"])
        emit("rematch_2000x100k_s", seconds)
    if "naive" in options.only:
        emit("naive_over_engine", bench_naive(chosen, size=options.naive_candidates))
    if not sizes:
        lot_ids = list(Lot.objects.open().order_by("pk").values_list("pk", flat=True)[:50])
        for lot in inputs.lots_for_matching(Lot.objects.filter(pk__in=lot_ids)):
            profile = inputs.lot_profile(lot, chosen.context)
            sizes.append(inputs.candidate_filter(profile, chosen.context).count())
    emit("candidates_per_lot_mean", statistics.fmean(sizes) if sizes else 0.0)
    emit("peak_rss_mb", peak_rss_mb())


def run_search(options: argparse.Namespace, emit: Callable[[str, float], None]) -> None:
    """The search benchmark over ``--search-lots`` open lots, added for it and then removed."""
    try:
        search_lots_ensure(options.search_lots, seed=options.seed, log=log)
        figures = search.bench_search(
            url=options.search_url,
            clients=options.search_clients,
            requests=options.search_requests,
            workers=options.search_workers,
            threads=options.search_threads,
        )
    finally:
        search_lots_remove(log=log)
    search.emit_figures(figures, emit)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.matching", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--lots", type=int, default=2_000, help="open lots (default 2,000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--only",
        default=",".join(BENCHMARKS),
        help=f"comma-separated subset of {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke test: 3,000 businesses, 60 lots, 600 searchable lots, 200 searches",
    )
    parser.add_argument("--fresh", action="store_true", help="regenerate even if cached")
    parser.add_argument(
        "--reference-folder",
        type=Path,
        default=None,
        help="where cpv_2008_en.csv and the district file are (default REFERENCE_DATA_DIR)",
    )
    parser.add_argument("--naive-candidates", type=int, default=NAIVE_CANDIDATES)
    parser.add_argument(
        "--search-lots",
        type=int,
        default=search.OPEN_LOTS,
        help="open lots the search runs over, added for it (default 20,000)",
    )
    parser.add_argument("--search-clients", type=int, default=search.CLIENTS)
    parser.add_argument("--search-requests", type=int, default=search.REQUESTS)
    parser.add_argument(
        "--search-workers",
        type=int,
        default=None,
        help="gunicorn workers (default (2 x cores) + 1)",
    )
    parser.add_argument(
        "--search-threads", type=int, default=1, help="threads per worker (> 1: gthread)"
    )
    parser.add_argument(
        "--schedule-repeats",
        type=int,
        default=3,
        help="solves of the schedule benchmark; its figure is the median (default 3)",
    )
    parser.add_argument(
        "--search-url",
        default=None,
        help="measure the server already running at this URL instead of starting gunicorn",
    )
    return parser


def parse(argv: list[str]) -> argparse.Namespace:
    options = parser().parse_args(argv)
    if options.quick:
        options.businesses, options.lots = 3_000, 60
        options.naive_candidates = min(options.naive_candidates, 1_000)
        options.search_lots, options.search_requests = 600, 200
    options.only = {name.strip() for name in options.only.split(",") if name.strip()}
    unknown = options.only - set(BENCHMARKS)
    if unknown:
        parser().error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    if options.reference_folder is None:
        options.reference_folder = Path(settings.REFERENCE_DATA_DIR)
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    log(f"database: {database.describe(os.environ.get('DATABASE_URL', ''))}")
    call_command("migrate", interactive=False, verbosity=0)

    run(options, lambda name, value: print(line(name, value), flush=True))
    log(f"done in {time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The benchmarks run end to end at a tiny size: no timings are checked, only that every figure
is printed as ``name: number``, that the naive loop and the engine agree, and that the search
benchmark's load generator, percentiles and production server work."""

import random
import re
from urllib.parse import urlsplit

import numpy as np
import pytest

from anchors.models import Lot
from bench import matching as bench
from bench import search
from bench.synthetic import DatasetSpec, dataset_ensure, search_lots_ensure, search_lots_remove
from matching.models import Match
from suppliers.models import Business

# Transactional: the benchmark empties tables with TRUNCATE, which PostgreSQL refuses inside the
# test's transaction while deferred foreign-key checks are pending.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCHEDULE_FIGURES = {
    "schedule_200x15x16_s",
    "schedule_meetings",
    "schedule_businesses_served",
    "schedule_wanted_share_pct",
    "schedule_wanted_met_pct",
    "schedule_optimal",
}
LINE = re.compile(r"^[a-z0-9_]+: -?\d+(\.\d+)?$")
FIGURES = {
    "businesses",
    "open_lots",
    "engine_100k_ms",
    "match_lot_100k_ms",
    "rematch_2000x100k_s",
    "naive_over_engine",
    "candidates_per_lot_mean",
    "peak_rss_mb",
    "search_open_lots",
    "search_p50_ms",
    "search_p95_ms",
    "search_p99_ms",
    "search_requests_per_s",
    *SCHEDULE_FIGURES,
}
TINY_SEARCH = ["--search-lots", "40", "--search-clients", "2", "--search-requests", "24"]


def test_benchmarks_print_every_figure_as_name_and_number(live_server):
    options = bench.parse(
        [
            *("--businesses", "300", "--lots", "20", "--naive-candidates", "300"),
            *("--schedule-repeats", "1", *TINY_SEARCH),
        ]
    )
    options.reference_folder = None  # the embedded sample: quick, and the same on every machine
    options.search_url = live_server.url  # the test database is not open to another process
    lines = []

    bench.run(options, lambda name, value: lines.append(bench.line(name, value)))

    assert all(LINE.match(text) for text in lines), lines
    figures = dict(text.split(": ") for text in lines)
    assert set(figures) == FIGURES
    assert (figures["businesses"], figures["open_lots"]) == ("300", "20")
    assert figures["search_open_lots"] == "40"
    assert Match.objects.exists()
    assert Lot.objects.open().count() == 20  # the search's extra lots are gone again


def test_the_schedule_benchmark_alone_needs_no_dataset_and_reports_its_quality():
    options = bench.parse(["--only", "schedule", "--schedule-repeats", "1"])
    lines = []

    bench.run(options, lambda name, value: lines.append(bench.line(name, value)))

    assert all(LINE.match(text) for text in lines), lines
    figures = dict(text.split(": ") for text in lines)
    assert set(figures) == SCHEDULE_FIGURES
    assert figures["schedule_meetings"] == "240"  # every table-slot of 15 x 16 filled
    assert figures["schedule_businesses_served"] == "200"
    assert not Business.objects.exists()  # no dataset was generated


def test_generated_dataset_is_reused_when_the_same_one_is_asked_for():
    spec = DatasetSpec(businesses=300, lots=20, seed=7)
    first = dataset_ensure(spec, reference_folder=None, log=lambda message: None)
    ids = set(Business.objects.values_list("pk", flat=True))

    again = dataset_ensure(spec, reference_folder=None, log=lambda message: None)

    assert (first.reused, again.reused) == (False, True)
    assert (again.businesses, again.open_lots) == (300, 20)
    assert set(Business.objects.values_list("pk", flat=True)) == ids


def test_naive_loop_and_engine_agree_on_every_candidate():
    dataset_ensure(DatasetSpec(businesses=300, lots=20), reference_folder=None, log=print)
    subject = bench.subject(300, seed=1)

    ratio = bench.bench_naive(subject, size=300, repeats=1)  # asserts agreement to 1e-6

    assert ratio > 0


def test_percentile_interpolates_between_the_nearest_ranks_as_numpy_does():
    values = [random.Random(5).uniform(1, 500) for _ in range(997)]

    for p in (0, 1, 50, 90, 95, 99, 99.9, 100):
        assert search.percentile(values, p) == pytest.approx(np.percentile(values, p))
    assert search.percentile([10.0, 20.0], 50) == 15.0
    assert search.percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError):
        search.percentile([], 50)


def test_search_lots_are_added_for_the_search_and_removed_after_it():
    dataset_ensure(DatasetSpec(businesses=300, lots=20), reference_folder=None, log=print)

    added = search_lots_ensure(50)

    assert added == 30
    assert Lot.objects.open().count() == 50
    assert Lot.objects.open().filter(cpv_links__isnull=True).count() == 0
    assert search_lots_ensure(50) == 0
    assert search_lots_remove() == 30
    assert Lot.objects.open().count() == 20
    assert search_lots_remove() == 0


def test_a_killed_search_run_does_not_cost_the_dataset(live_server):
    spec = DatasetSpec(businesses=300, lots=20)
    dataset_ensure(spec, reference_folder=None, log=print)
    ids = set(Lot.objects.values_list("pk", flat=True))
    search_lots_ensure(60)  # and the run dies before removing them
    options = bench.parse(["--businesses", "300", "--lots", "20", "--only", "search", *TINY_SEARCH])
    options.reference_folder, options.search_url = None, live_server.url
    lines = []

    bench.run(options, lambda name, value: lines.append(bench.line(name, value)))

    assert set(Lot.objects.values_list("pk", flat=True)) == ids  # reused, not regenerated
    assert "search_open_lots: 40" in lines


def test_load_generator_times_every_request_and_checks_each_page(live_server):
    dataset_ensure(DatasetSpec(businesses=300, lots=20), reference_folder=None, log=print)
    searches = search.search_mix()

    result = search.load_run(live_server.url, searches, clients=3, requests=30)
    wrong = [search.Search(s.query, s.count + 1) for s in searches[:2]]
    failed = search.load_run(live_server.url, wrong, clients=1, requests=2)

    assert len(result.timings_ms) == 30 and not result.failures
    assert 0 < result.p(50) <= result.p(95) <= result.p(99) <= max(result.timings_ms)
    assert result.requests_per_s > 0
    assert len(failed.failures) == 2 and "expected" in failed.failures[0]
    with pytest.raises(RuntimeError, match="2 requests failed"):
        search.load_check(failed, "search")


@pytest.mark.postgres
def test_gunicorn_serves_the_search_with_the_production_settings():
    dataset_ensure(DatasetSpec(businesses=300, lots=20), reference_folder=None, log=print)
    searches = search.search_mix()[:6]

    with search.gunicorn(workers=2) as url:
        result = search.load_run(url, searches, clients=2, requests=12)
        server = urlsplit(url)

    search.load_check(result, "search")
    assert len(result.timings_ms) == 12
    with pytest.raises(OSError):  # stopped on the way out
        search._Client(server.hostname, server.port, timeout=2).get("/", {})

"""The benchmarks run end to end at a tiny size: no timings are checked, only that every figure
is printed as ``name: number`` and that the naive loop and the engine agree."""

import re

import pytest

from bench import matching as bench
from bench.synthetic import DatasetSpec, dataset_ensure
from matching.models import Match
from suppliers.models import Business

# Transactional: the benchmark empties tables with TRUNCATE, which PostgreSQL refuses inside the
# test's transaction while deferred foreign-key checks are pending.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

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
}


def test_benchmarks_print_every_figure_as_name_and_number():
    options = bench.parse(["--businesses", "300", "--lots", "20", "--naive-candidates", "300"])
    options.reference_folder = None  # the embedded sample: quick, and the same on every machine
    lines = []

    bench.run(options, lambda name, value: lines.append(bench.line(name, value)))

    assert all(LINE.match(text) for text in lines), lines
    figures = dict(text.split(": ") for text in lines)
    assert set(figures) == FIGURES
    assert (figures["businesses"], figures["open_lots"]) == ("300", "20")
    assert Match.objects.exists()


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

"""Benchmarks for matching (issue #4): ``make bench`` runs ``python -m bench.matching``.

``bench.database`` picks a database of the benchmark's own (never the developer's),
``bench.synthetic`` fills it with a realistic, seeded Birmingham-area dataset, ``bench.naive``
is the per-pair Python reference the engine is compared with, and ``bench.matching`` times it.
"""

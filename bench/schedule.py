"""The 1:1 schedule benchmark (issue #6): ``schedule_200x15x16_s``.

A synthetic Meet the Buyer event, built in memory (no database, no matching dataset): 200
businesses, 15 buyer tables, 16 slots, at most 4 meetings per business; each business asks
for 3 to 5 tables (some tables more popular than others, as at a real event) and has a match
score against about a third of the tables. The figure is the pure solver's wall time
(``events.scheduling.schedule_solve``), the median of ``repeats`` runs; the schedule's quality
is emitted beside it.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable

from events.scheduling import (
    BusinessSpec,
    ScheduleRequest,
    ScheduleResult,
    TableSpec,
    schedule_solve,
)

BUSINESSES, TABLES, SLOTS, MAX_MEETINGS = 200, 15, 16, 4


def schedule_instance(
    *,
    businesses: int = BUSINESSES,
    tables: int = TABLES,
    slots: int = SLOTS,
    max_meetings: int = MAX_MEETINGS,
    seed: int = 1,
) -> ScheduleRequest:
    """A reproducible synthetic event of the given size."""
    rng = random.Random(seed)
    table_keys = list(range(1, tables + 1))
    popularity = [1.0 / (rank + 1) ** 0.5 for rank in range(tables)]  # a few tables in demand
    specs = []
    for key in range(1, businesses + 1):
        wanted: set[int] = set()
        while len(wanted) < min(rng.randint(3, 5), tables):
            wanted.add(rng.choices(table_keys, weights=popularity)[0])
        matched = rng.sample(table_keys, k=max(1, tables // 3))
        scores = {t: round(rng.uniform(0.5, 1.0), 3) for t in matched}
        specs.append(
            BusinessSpec(key=key, name=f"Business {key}", wanted=frozenset(wanted), scores=scores)
        )
    return ScheduleRequest(
        businesses=tuple(specs),
        tables=tuple(TableSpec(key=t, name=f"Table {t}") for t in table_keys),
        slot_count=slots,
        max_meetings=max_meetings,
        seed=seed,
    )


def bench_schedule(request: ScheduleRequest, *, repeats: int = 3) -> tuple[float, ScheduleResult]:
    """The median wall time of ``repeats`` solves (seconds), and the last schedule."""
    times, result = [], None
    for _ in range(repeats):
        result = schedule_solve(request)
        times.append(result.seconds)
    assert result is not None
    return statistics.median(times), result


def run_schedule(emit: Callable[[str, float], None], *, repeats: int = 3, **size) -> None:
    """Emit ``schedule_200x15x16_s`` (named after the size actually run) and its quality."""
    request = schedule_instance(**size)
    seconds, result = bench_schedule(request, repeats=repeats)
    name = f"{len(request.businesses)}x{len(request.tables)}x{request.slot_count}"
    wanted_pairs = sum(len(b.wanted) for b in request.businesses)
    emit(f"schedule_{name}_s", seconds)
    emit("schedule_meetings", len(result.meetings))
    emit("schedule_businesses_served", result.businesses_served)
    emit("schedule_wanted_share_pct", 100 * result.wanted_share)
    emit(
        "schedule_wanted_met_pct",
        100 * sum(m.wanted for m in result.meetings) / wanted_pairs if wanted_pairs else 0.0,
    )
    emit("schedule_optimal", int(result.status == "OPTIMAL"))

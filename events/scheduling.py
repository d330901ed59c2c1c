"""The 1:1 meeting schedule of a Meet the Buyer event, as a pure function: plain dataclasses in,
plain dataclasses out, no Django (the service ``events.services.schedule`` loads and saves).

A meeting is one business at one buyer table in one slot. Hard rules: one meeting per table
per slot, one per business per slot, a business meets a table at most once, at most
``max_meetings`` per business, and pinned meetings stay exactly where they are (they count
towards every rule). The aim, in this order:

1. fairness: as many businesses as possible get at least one meeting; when the free table-slots
   are enough for every business without one, every business gets one;
2. value: the sum of the meetings' weights, where a meeting at a table the business asked for
   is worth ``WANTED_WEIGHT`` and the business's best match score against the table's lots adds
   up to ``SCORE_WEIGHT``. A meeting with neither costs ``STRAY_COST``, so it is placed only
   when it is the business's only meeting.

How: slots are interchangeable, so the solver works in two steps instead of one model with a
boolean per (business, table, slot) (48,000 of them at 200 x 15 x 16):

1. *Assignment* (OR-Tools CP-SAT): a boolean per (business, table) pair; each table takes at
   most its free slots, each business at most its remaining meetings. Fairness comes first as a
   constraint: the most businesses that can be served is known in advance (a business without a
   pin is free in every slot, so it is the smaller of their number and the free table-slots),
   and the objective is then the meetings' weight alone. In a shortage the businesses left out
   are those whose meetings would be worth least. This is a transportation problem whose LP
   relaxation is tight: with the full linearisation one CP-SAT worker proves it optimal in well
   under a second at 200 x 15 x 16 (0.3 s; the default two-worker portfolio could not within
   10 s), and one worker is reproducible run to run.
2. *Sequencing*: the chosen pairs form a bipartite graph in which no table and no business has
   more meetings than free slots, so by Koenig's edge-colouring theorem the meetings always fit
   into the slots; an alternating-path (Kempe chain) colouring finds such slots exactly.
   Pinned meetings are pre-coloured edges that must not move; when they block the colouring
   (rare: 40 random pins at the benchmark size never did), a CP-SAT model over (pair, slot)
   places as much as it can (fair first, then valuable), and a last pass gives any business
   left without a meeting a free table-slot (or one taken from a business with several), so
   the fairness guarantee holds whatever the pins.

The result is optimal (``OPTIMAL``) when the assignment was proved optimal and every chosen
meeting found a slot; otherwise ``FEASIBLE``.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

WANTED_WEIGHT = 200  # a table the business asked for beats any match score at another table
SCORE_WEIGHT = 100  # the best match score (0..1) between the business and the table's lots
STRAY_COST = 1  # neither wanted nor matched: only worth it as the business's only meeting

OPTIMAL, FEASIBLE = "OPTIMAL", "FEASIBLE"


class ScheduleInfeasible(Exception):
    """The request cannot be met as it stands; ``message`` says what to change."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BusinessSpec:
    """A business with a confirmed place: the tables it asked for and its match scores."""

    key: int
    name: str
    wanted: frozenset[int] = frozenset()
    scores: Mapping[int, float] = field(default_factory=dict, hash=False)  # table key -> 0..1


@dataclass(frozen=True)
class TableSpec:
    key: int
    name: str


@dataclass(frozen=True)
class PinnedMeeting:
    business: int
    table: int
    slot: int  # 0-based


@dataclass(frozen=True)
class ScheduleRequest:
    businesses: tuple[BusinessSpec, ...]
    tables: tuple[TableSpec, ...]
    slot_count: int
    max_meetings: int
    pinned: tuple[PinnedMeeting, ...] = ()
    time_limit_s: float = 10.0
    workers: int = 1  # one worker is reproducible and, with the LP, fastest (see _Problem)
    seed: int = 0


@dataclass(frozen=True)
class PlacedMeeting:
    business: int
    table: int
    slot: int
    pinned: bool
    wanted: bool
    score: float
    weight: int


@dataclass(frozen=True)
class Unserved:
    business: int
    reason: str


@dataclass(frozen=True)
class ScheduleResult:
    meetings: tuple[PlacedMeeting, ...]
    unserved: tuple[Unserved, ...]
    status: str
    seconds: float
    shortage: str = ""  # what to change when not every business could have a meeting

    @property
    def businesses_served(self) -> int:
        return len({meeting.business for meeting in self.meetings})

    @property
    def wanted_share(self) -> float:
        """The share of meetings held at a table the business asked for."""
        if not self.meetings:
            return 0.0
        return sum(meeting.wanted for meeting in self.meetings) / len(self.meetings)


def meeting_weight(business: BusinessSpec, table: int) -> int:
    """What a meeting of ``business`` at ``table`` is worth to the objective."""
    score = min(max(float(business.scores.get(table, 0.0)), 0.0), 1.0)
    weight = WANTED_WEIGHT * (table in business.wanted) + round(SCORE_WEIGHT * score)
    return weight or -STRAY_COST


def schedule_solve(request: ScheduleRequest) -> ScheduleResult:
    """The best schedule for ``request``; raises ``ScheduleInfeasible`` when it cannot be met."""
    started = time.perf_counter()
    _check(request)
    problem = _Problem(request)
    pairs, optimal = _assign(problem, deadline=started + request.time_limit_s)
    slots, all_placed = _sequence(problem, pairs, deadline=started + request.time_limit_s)
    repaired = _serve_everyone_possible(problem, slots)
    return problem.result(
        slots,
        status=OPTIMAL if optimal and all_placed and not repaired else FEASIBLE,
        seconds=time.perf_counter() - started,
    )


# --- Checking the request: pins are hard, so a clash is the coordinator's to resolve ------------


def _check(request: ScheduleRequest) -> None:
    if not request.businesses:
        raise ScheduleInfeasible(
            "No business has a confirmed place yet, so there is nobody to schedule."
        )
    if not request.tables:
        raise ScheduleInfeasible("The event has no buyer tables: add a table first.")
    if request.slot_count < 1 or request.max_meetings < 1:
        raise ScheduleInfeasible(
            "Give the event at least one meeting slot and at least one meeting per business."
        )
    names = {b.key: b.name for b in request.businesses}
    tables = {t.key: t.name for t in request.tables}
    if len(names) != len(request.businesses) or len(tables) != len(request.tables):
        raise ValueError("Business and table keys must be unique.")
    seen: dict[tuple[str, int, int], PinnedMeeting] = {}
    per_business: dict[int, int] = defaultdict(int)
    for pin in request.pinned:
        where = f"{names.get(pin.business, pin.business)} at {tables.get(pin.table, pin.table)}"
        if pin.business not in names:
            raise ScheduleInfeasible(
                f"A pinned meeting at {tables.get(pin.table, pin.table)} belongs to a business "
                "without a confirmed place: remove that meeting."
            )
        if pin.table not in tables:
            raise ScheduleInfeasible(
                f"A pinned meeting of {names[pin.business]} is at a table that is no longer "
                "part of the event: remove or move that meeting."
            )
        if not 0 <= pin.slot < request.slot_count:
            raise ScheduleInfeasible(
                f"The meeting of {where} is pinned to slot {pin.slot + 1} but the event has "
                f"{request.slot_count} slots: move the meeting or add slots."
            )
        for kind, a, b in (
            ("table", pin.table, pin.slot),
            ("business", pin.business, pin.slot),
            ("pair", pin.business, pin.table),
        ):
            if (kind, a, b) in seen:
                raise ScheduleInfeasible(_clash_message(names, tables, kind, pin))
            seen[kind, a, b] = pin
        per_business[pin.business] += 1
    for key, count in per_business.items():
        if count > request.max_meetings:
            raise ScheduleInfeasible(
                f"{names[key]} has {count} pinned meetings but each business may have at most "
                f"{request.max_meetings}: unpin or remove {count - request.max_meetings}, or raise "
                "the maximum meetings per business."
            )


def _clash_message(names, tables, kind: str, pin: PinnedMeeting) -> str:
    business, table, slot = names[pin.business], tables[pin.table], pin.slot + 1
    if kind == "table":
        return f"Two pinned meetings are at {table} in slot {slot}: move or unpin one of them."
    if kind == "business":
        return f"{business} has two pinned meetings in slot {slot}: move or unpin one of them."
    return f"{business} has two pinned meetings at {table}: remove one of them."


# --- The problem in numbers -------------------------------------------------------------------


class _Problem:
    """The request's derived figures: free capacities, weights and what is pinned where."""

    def __init__(self, request: ScheduleRequest):
        self.request = request
        self.slot_count = request.slot_count
        self.businesses = {b.key: b for b in request.businesses}
        self.table_keys = [t.key for t in request.tables]
        self.pins = {(p.business, p.table): p.slot for p in request.pinned}
        pins_of_table: dict[int, int] = defaultdict(int)
        pins_of_business: dict[int, int] = defaultdict(int)
        for pin in request.pinned:
            pins_of_table[pin.table] += 1
            pins_of_business[pin.business] += 1
        self.table_room = {t: self.slot_count - pins_of_table[t] for t in self.table_keys}
        most = min(request.max_meetings, self.slot_count)
        self.business_room = {b: most - pins_of_business[b] for b in self.businesses}
        self.needy = [b for b in self.businesses if not pins_of_business[b]]
        self.free_cells = sum(self.table_room.values())
        self.weights = {
            (b, t): meeting_weight(spec, t)
            for b, spec in self.businesses.items()
            for t in self.table_keys
        }
        # Serving one more business must beat any change in the meetings' total weight.
        self.serve_bonus = self.free_cells * (WANTED_WEIGHT + SCORE_WEIGHT + STRAY_COST) + 1

    def solver(self, deadline: float) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(deadline - time.perf_counter(), 0.5)
        solver.parameters.num_workers = max(self.request.workers, 1)
        solver.parameters.random_seed = self.request.seed
        # The full LP relaxation at every node: the assignment is a transportation problem, so
        # the LP bound is tight and one worker proves it optimal in a fraction of a second,
        # where the default parallel portfolio on two cores can run out of time.
        solver.parameters.linearization_level = 2
        return solver

    def shortage(self) -> str:
        """What to change when fewer table-slots are free than businesses without a meeting."""
        needy, free = len(self.needy), self.free_cells
        if needy <= free:
            return ""
        need = "1 business needs" if needy == 1 else f"{needy} businesses each need"
        room = {0: "no table-slot is free", 1: "only 1 table-slot is free"}.get(
            free, f"only {free} table-slots are free"
        )
        unpin = ", or unpin meetings" if self.request.pinned else ""
        return f"{need} a meeting but {room}: add a table, add slots{unpin}."

    def result(self, slots: dict[tuple[int, int], int], *, status: str, seconds: float):
        meetings = [
            PlacedMeeting(
                business=b,
                table=t,
                slot=slot,
                pinned=(b, t) in self.pins,
                wanted=t in self.businesses[b].wanted,
                score=float(self.businesses[b].scores.get(t, 0.0)),
                weight=self.weights[b, t],
            )
            for (b, t), slot in {**slots, **self.pins}.items()
        ]
        meetings.sort(key=lambda m: (m.slot, self.table_keys.index(m.table)))
        served = {m.business for m in meetings}
        shortage = self.shortage()
        reason = "Every free table-slot went to a business with no other meeting."  # see shortage
        unserved = [Unserved(b, reason) for b in self.businesses if b not in served]
        return ScheduleResult(
            meetings=tuple(meetings),
            unserved=tuple(unserved),
            status=status,
            seconds=seconds,
            shortage=shortage,
        )


# --- Step 1: which business meets which table ------------------------------------------------


def _assign(problem: _Problem, *, deadline: float) -> tuple[list[tuple[int, int]], bool]:
    """The (business, table) pairs to meet, and whether CP-SAT proved them optimal."""
    model = cp_model.CpModel()
    meet = {
        (b, t): model.new_bool_var(f"meet_{b}_{t}")
        for b in problem.businesses
        for t in problem.table_keys
        if (b, t) not in problem.pins and problem.business_room[b] > 0 and problem.table_room[t] > 0
    }
    by_table: dict[int, list] = defaultdict(list)
    by_business: dict[int, list] = defaultdict(list)
    for (b, t), var in meet.items():
        by_table[t].append(var)
        by_business[b].append(var)
    for t, variables in by_table.items():
        model.add(sum(variables) <= problem.table_room[t])
    for b, variables in by_business.items():
        model.add(sum(variables) <= problem.business_room[b])
    # Fairness first, as a constraint: the most businesses that can be served is known (each
    # one without a pin is free everywhere, so it is the smaller of their number and the free
    # cells), which keeps the objective to the meetings' weights alone.
    served = []
    for b in problem.needy:
        flag = model.new_bool_var(f"served_{b}")
        model.add(flag <= sum(by_business[b]))
        served.append(flag)
    model.add(sum(served) >= min(len(problem.needy), problem.free_cells))
    model.maximize(sum(problem.weights[pair] * var for pair, var in meet.items()))
    solver = problem.solver(deadline)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ScheduleInfeasible(
            "The solver found no schedule in the time allowed: try again, or raise the "
            "schedule time limit."
        )
    chosen = [pair for pair, var in meet.items() if solver.boolean_value(var)]
    return chosen, status == cp_model.OPTIMAL


# --- Step 2: which slot each meeting takes ---------------------------------------------------


def _sequence(
    problem: _Problem, pairs: list[tuple[int, int]], *, deadline: float
) -> tuple[dict[tuple[int, int], int], bool]:
    """A slot for each chosen pair (pins excluded), and whether every pair got one."""
    colouring = _Colouring(problem.slot_count, problem.pins)
    ordered = sorted(pairs, key=lambda pair: (-problem.weights[pair], pair))
    missed = [pair for pair in ordered if not colouring.colour(pair)]
    if missed:
        return _sequence_with_solver(problem, pairs, colouring.slots(), deadline), False
    return colouring.slots(), True


class _Colouring:
    """Slots as colours of a bipartite graph's edges; pinned edges keep theirs."""

    def __init__(self, slot_count: int, pins: Mapping[tuple[int, int], int]):
        self.slot_count = slot_count
        self.fixed = set(pins)
        self.at: dict[tuple[str, int], dict[int, tuple[int, int]]] = defaultdict(dict)
        self.slot_of: dict[tuple[int, int], int] = {}
        for pair, slot in pins.items():
            self._set(pair, slot)

    def slots(self) -> dict[tuple[int, int], int]:
        return {pair: s for pair, s in self.slot_of.items() if pair not in self.fixed}

    def _set(self, pair: tuple[int, int], slot: int) -> None:
        self.slot_of[pair] = slot
        self.at["b", pair[0]][slot] = pair
        self.at["t", pair[1]][slot] = pair

    def _free(self, node) -> list[int]:
        return [s for s in range(self.slot_count) if s not in self.at[node]]

    def colour(self, pair: tuple[int, int]) -> bool:
        business, table = ("b", pair[0]), ("t", pair[1])
        at_business, at_table = self._free(business), self._free(table)
        common = [s for s in at_business if s in at_table]
        if common:
            self._set(pair, common[0])
            return True
        for a in at_business:
            for c in at_table:
                path = self._alternating_path(table, a, c)
                if path is not None:
                    self._swap(path, a, c)
                    self._set(pair, a)
                    return True
        return False

    def _alternating_path(self, start, a: int, c: int) -> list[tuple[int, int]] | None:
        """The edges coloured a, c, a, ... from ``start``; None if one of them is pinned."""
        path, node, want = [], start, a
        while want in self.at[node]:
            pair = self.at[node][want]
            if pair in self.fixed:
                return None
            path.append(pair)
            node = ("t", pair[1]) if node[0] == "b" else ("b", pair[0])
            want = c if want == a else a
        return path

    def _swap(self, path: list[tuple[int, int]], a: int, c: int) -> None:
        for pair in path:
            old = self.slot_of[pair]
            del self.at["b", pair[0]][old]
            del self.at["t", pair[1]][old]
        for pair in path:
            old = self.slot_of[pair]
            self._set(pair, c if old == a else a)


def _sequence_with_solver(problem, pairs, hint, deadline) -> dict[tuple[int, int], int]:
    """When pins block the colouring: place as many (fair first, then valuable) as fit."""
    taken_b = {(b, s) for (b, _), s in problem.pins.items()}
    taken_t = {(t, s) for (_, t), s in problem.pins.items()}
    model = cp_model.CpModel()
    at = {
        (b, t, s): model.new_bool_var(f"at_{b}_{t}_{s}")
        for b, t in pairs
        for s in range(problem.slot_count)
        if (b, s) not in taken_b and (t, s) not in taken_t
    }
    groups: dict[tuple, list] = defaultdict(list)
    for (b, t, s), var in at.items():
        groups["pair", b, t].append(var)
        groups["business", b, s].append(var)
        groups["table", t, s].append(var)
        groups["served", b].append(var)
        model.add_hint(var, hint.get((b, t)) == s)
    for key, variables in groups.items():
        if key[0] != "served":
            model.add_at_most_one(variables)
    served = []
    for b in problem.needy:
        if groups["served", b]:
            flag = model.new_bool_var(f"served_{b}")
            model.add(flag <= sum(groups["served", b]))
            served.append(flag)
    model.maximize(
        problem.serve_bonus * sum(served)
        + sum(problem.weights[b, t] * var for (b, t, _), var in at.items())
    )
    solver = problem.solver(deadline)
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return hint
    return {(b, t): s for (b, t, s), var in at.items() if solver.boolean_value(var)}


# --- Fairness, whatever happened above --------------------------------------------------------


def _serve_everyone_possible(problem: _Problem, slots: dict[tuple[int, int], int]) -> bool:
    """Give each business still without a meeting an empty table-slot, or one taken from a
    business with several unpinned meetings. Changes ``slots``; True if it changed anything.

    A business without a meeting is free in every slot and has met no table, so any empty cell
    suits it; while fewer businesses than free cells go without, such a cell or a spare meeting
    always exists, so this pass serves everyone whenever the capacity allows.
    """
    changed = False
    for business in problem.needy:
        if any(b == business for b, _ in slots):
            continue
        taken = {(t, s) for (_, t), s in slots.items()} | {
            (t, s) for (_, t), s in problem.pins.items()
        }
        cells = [
            (problem.weights[business, t], -s, t, s)
            for t in problem.table_keys
            for s in range(problem.slot_count)
            if (t, s) not in taken
        ]
        if cells:
            _, _, table, slot = max(cells)
        else:
            count: dict[int, int] = defaultdict(int)
            for b, _ in [*slots, *problem.pins]:
                count[b] += 1
            spare = [
                (problem.weights[business, t] - problem.weights[b, t], (b, t))
                for (b, t) in slots
                if count[b] > 1
            ]
            if not spare:
                continue
            _, victim = max(spare)
            table, slot = victim[1], slots.pop(victim)
        slots[business, table] = slot
        changed = True
    return changed

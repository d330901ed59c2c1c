"""The pure 1:1 schedule solver (events.scheduling): hand-made cases and random small ones.

Every schedule is checked by ``violations``, written apart from the solver, and on random small
instances its value is compared with a one-step model over every (business, table, slot), so the
two-step method (assign, then sequence) is shown to lose nothing.
"""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from events.scheduling import (
    OPTIMAL,
    STRAY_COST,
    WANTED_WEIGHT,
    BusinessSpec,
    PinnedMeeting,
    ScheduleInfeasible,
    ScheduleRequest,
    TableSpec,
    meeting_weight,
    schedule_solve,
)


def violations(request: ScheduleRequest, result) -> list[str]:
    """Every hard rule the schedule breaks, in words (empty when it keeps them all)."""
    problems = []
    businesses = {b.key for b in request.businesses}
    tables = {t.key for t in request.tables}
    meetings = result.meetings
    for m in meetings:
        if m.business not in businesses or m.table not in tables:
            problems.append(f"unknown business or table in {m}")
        if not 0 <= m.slot < request.slot_count:
            problems.append(f"slot out of range in {m}")
    for name, key in (
        ("table and slot", lambda m: (m.table, m.slot)),
        ("business and slot", lambda m: (m.business, m.slot)),
        ("business and table", lambda m: (m.business, m.table)),
    ):
        doubled = [k for k, n in Counter(key(m) for m in meetings).items() if n > 1]
        if doubled:
            problems.append(f"two meetings share a {name}: {doubled}")
    per_business = Counter(m.business for m in meetings)
    over = {b: n for b, n in per_business.items() if n > request.max_meetings}
    if over:
        problems.append(f"over the maximum: {over}")
    placed = {(m.business, m.table, m.slot, m.pinned) for m in meetings}
    for pin in request.pinned:
        if (pin.business, pin.table, pin.slot, True) not in placed:
            problems.append(f"pinned meeting moved or lost: {pin}")
    if sum(m.pinned for m in meetings) != len(request.pinned):
        problems.append("a meeting the request did not pin is marked pinned")
    if {u.business for u in result.unserved} != businesses - set(per_business):
        problems.append("the unserved list is not the businesses without a meeting")
    pinned_businesses = {pin.business for pin in request.pinned}
    needy = len(businesses - pinned_businesses)
    free = len(tables) * request.slot_count - len(request.pinned)
    if len(result.unserved) != max(needy - free, 0):
        problems.append(f"{len(result.unserved)} unserved where capacity allows {needy - free}")
    return problems


def business(key, wanted=(), **scores):
    return BusinessSpec(
        key=key,
        name=f"Business {key}",
        wanted=frozenset(wanted),
        scores={int(t[1:]): s for t, s in scores.items()},
    )


def tables(count):
    return tuple(TableSpec(key=t, name=f"Table {t}") for t in range(1, count + 1))


def request_for(businesses, table_count, slot_count, max_meetings=3, pinned=()):
    return ScheduleRequest(
        businesses=tuple(businesses),
        tables=tables(table_count),
        slot_count=slot_count,
        max_meetings=max_meetings,
        pinned=tuple(PinnedMeeting(*p) for p in pinned),
    )


def solve_checked(request):
    result = schedule_solve(request)
    assert violations(request, result) == []
    return result


def test_a_full_event_keeps_every_hard_rule_and_is_proved_optimal():
    request = request_for(
        [business(k, wanted={1 + k % 3, 1 + (k + 1) % 3}, t1=0.4) for k in range(1, 13)], 3, 4
    )

    result = solve_checked(request)

    assert result.status == OPTIMAL
    assert len(result.meetings) == 12  # every table-slot filled
    assert result.businesses_served == 12 and not result.unserved and not result.shortage


def test_businesses_meet_the_tables_they_asked_for_before_better_matched_ones():
    request = request_for([business(1, wanted={2}, t1=1.0, t3=0.9)], 3, 4, max_meetings=1)

    result = solve_checked(request)

    assert [(m.table, m.wanted) for m in result.meetings] == [(2, True)]


def test_a_higher_match_score_wins_among_tables_nobody_asked_for():
    request = request_for([business(1, t1=0.2, t2=0.9, t3=0.5)], 3, 4, max_meetings=1)

    result = solve_checked(request)

    assert [m.table for m in result.meetings] == [2]
    assert result.meetings[0].score == 0.9


def test_a_meeting_nobody_wanted_or_matched_is_placed_only_as_a_business_s_only_meeting():
    request = request_for([business(1, wanted={1}), business(2)], 2, 3, max_meetings=3)

    result = solve_checked(request)

    tables_of = {k: [m.table for m in result.meetings if m.business == k] for k in (1, 2)}
    assert tables_of[1] == [1]  # not table 2 as well: nobody asked for it
    assert len(tables_of[2]) == 1  # its one meeting, so that it meets someone
    assert meeting_weight(business(2), 1) == -STRAY_COST


def test_fairness_gives_everyone_a_meeting_before_anyone_gets_a_second_wanted_one():
    # Four businesses all want both tables; two tables x two slots = four meetings in all.
    request = request_for([business(k, wanted={1, 2}) for k in range(1, 5)], 2, 2)

    result = solve_checked(request)

    assert Counter(m.business for m in result.meetings) == {1: 1, 2: 1, 3: 1, 4: 1}


def test_fairness_holds_for_a_business_that_asked_for_nothing():
    busy = [business(k, wanted={1, 2}, t1=1.0, t2=1.0) for k in range(1, 4)]
    request = request_for([*busy, business(9)], 2, 2)

    result = solve_checked(request)

    assert 9 in {m.business for m in result.meetings}


def test_the_per_business_maximum_holds_even_with_room_to_spare():
    request = request_for([business(1, wanted={1, 2, 3, 4})], 4, 6, max_meetings=2)

    result = solve_checked(request)

    assert len(result.meetings) == 2


def test_pinned_meetings_stay_where_they_are_and_count_towards_the_rules():
    pins = [(1, 1, 0), (2, 1, 1)]  # business, table, slot
    request = request_for(
        [business(k, wanted={1, 2}, t1=1.0) for k in range(1, 5)], 2, 2, max_meetings=2, pinned=pins
    )

    result = solve_checked(request)

    kept = {(m.business, m.table, m.slot) for m in result.meetings if m.pinned}
    assert kept == {(1, 1, 0), (2, 1, 1)}
    assert {m.business for m in result.meetings if m.table == 2} == {3, 4}


def test_pins_that_block_a_chosen_meeting_still_leave_a_valid_and_fair_schedule():
    # Business 1 is pinned to table 1 in slot 1 and business 2 to table 2 in slot 2: each wants
    # the other's table, but its only free slot is the one that table has taken. Business 3
    # asked for nothing and must still get one of the two free cells.
    pins = [(1, 1, 0), (2, 2, 1)]
    request = request_for(
        [business(1, wanted={2}), business(2, wanted={1}), business(3)],
        2,
        2,
        max_meetings=2,
        pinned=pins,
    )

    result = solve_checked(request)

    unpinned = [(m.business, m.table) for m in result.meetings if not m.pinned]
    assert len(unpinned) == 1 and unpinned[0][0] == 3
    assert result.status == "FEASIBLE"  # the assignment chose a meeting that found no slot


def test_a_shortage_of_table_slots_names_the_numbers_and_what_to_change():
    request = request_for([business(k, wanted={1}) for k in range(1, 13)], 2, 5)

    result = solve_checked(request)

    assert result.shortage == (
        "12 businesses each need a meeting but only 10 table-slots are free: "
        "add a table, add slots."
    )
    assert result.businesses_served == 10 and len(result.unserved) == 2
    assert {u.reason for u in result.unserved} == {
        "Every free table-slot went to a business with no other meeting."
    }


def test_a_shortage_caused_by_pins_suggests_unpinning_too():
    request = request_for(
        [business(k) for k in range(1, 5)], 1, 2, max_meetings=1, pinned=[(1, 1, 0)]
    )

    result = solve_checked(request)

    assert result.shortage == (
        "3 businesses each need a meeting but only 1 table-slot is free: "
        "add a table, add slots, or unpin meetings."
    )


@pytest.mark.parametrize(
    ("pins", "max_meetings", "message"),
    [
        ([(1, 1, 0), (2, 1, 0)], 3, "Two pinned meetings are at Table 1 in slot 1: move or unpin"),
        ([(1, 1, 2), (1, 2, 2)], 3, "Business 1 has two pinned meetings in slot 3: move or unpin"),
        ([(1, 1, 0), (1, 1, 1)], 3, "Business 1 has two pinned meetings at Table 1: remove one"),
        ([(1, 2, 7)], 3, "pinned to slot 8 but the event has 4 slots: move the meeting or add"),
        (
            [(1, 1, 0), (1, 2, 1)],
            1,
            "Business 1 has 2 pinned meetings but each business may have at most 1: unpin or "
            "remove 1, or raise the maximum meetings per business",
        ),
        ([(5, 1, 0)], 3, "belongs to a business without a confirmed place: remove that meeting"),
        ([(1, 9, 0)], 3, "is at a table that is no longer part of the event"),
    ],
)
def test_pins_that_cannot_all_hold_are_refused_with_what_to_change(pins, max_meetings, message):
    request = request_for([business(1), business(2)], 2, 4, max_meetings, pinned=pins)

    with pytest.raises(ScheduleInfeasible, match=message):
        schedule_solve(request)


def test_no_confirmed_business_and_no_table_are_refused_with_clear_messages():
    with pytest.raises(ScheduleInfeasible, match="No business has a confirmed place yet"):
        schedule_solve(request_for([], 2, 4))
    with pytest.raises(ScheduleInfeasible, match="no buyer tables: add a table"):
        schedule_solve(request_for([business(1)], 0, 4))


def test_wanted_weight_outranks_any_match_score():
    assert meeting_weight(business(1, wanted={1}), 1) == WANTED_WEIGHT
    assert meeting_weight(business(1, t1=1.0), 1) < WANTED_WEIGHT
    assert meeting_weight(business(1, wanted={1}, t1=0.5), 1) == WANTED_WEIGHT + 50


# --- Random small instances against a one-step model ------------------------------------------


def full_model_best(request: ScheduleRequest) -> tuple[int, int]:
    """Most businesses served, then the best total weight, from a boolean per (business, table,
    slot): the textbook model the two-step solver must match."""
    keys = [b.key for b in request.businesses]
    specs = {b.key: b for b in request.businesses}
    table_keys = [t.key for t in request.tables]
    slots = range(request.slot_count)

    def solve(min_served=None):
        model = cp_model.CpModel()
        x = {(b, t, s): model.new_bool_var("") for b in keys for t in table_keys for s in slots}
        for t in table_keys:
            for s in slots:
                model.add_at_most_one(x[b, t, s] for b in keys)
        for b in keys:
            for s in slots:
                model.add_at_most_one(x[b, t, s] for t in table_keys)
            for t in table_keys:
                model.add_at_most_one(x[b, t, s] for s in slots)
            model.add(sum(x[b, t, s] for t in table_keys for s in slots) <= request.max_meetings)
        for pin in request.pinned:
            model.add(x[pin.business, pin.table, pin.slot] == 1)
        served = {b: model.new_bool_var("") for b in keys}
        for b in keys:
            model.add(served[b] <= sum(x[b, t, s] for t in table_keys for s in slots))
        if min_served is None:
            model.maximize(sum(served.values()))
        else:
            model.add(sum(served.values()) >= min_served)
            model.maximize(sum(meeting_weight(specs[b], t) * var for (b, t, _), var in x.items()))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        assert solver.solve(model) == cp_model.OPTIMAL
        return round(solver.objective_value)

    most = solve()
    return most, solve(most)


@st.composite
def small_requests(draw):
    table_count = draw(st.integers(1, 3))
    slot_count = draw(st.integers(1, 3))
    score = st.sampled_from([0.0, 0.3, 0.8])
    businesses = tuple(
        BusinessSpec(
            key=k,
            name=f"Business {k}",
            wanted=frozenset(draw(st.sets(st.integers(1, table_count), max_size=table_count))),
            scores={t: draw(score) for t in range(1, table_count + 1)},
        )
        for k in range(1, draw(st.integers(1, 6)) + 1)
    )
    max_meetings = draw(st.integers(1, 3))
    pinned, used = [], set()
    per_business = Counter()
    for b, t, s in draw(
        st.lists(
            st.tuples(
                st.integers(1, len(businesses)),
                st.integers(1, table_count),
                st.integers(0, slot_count - 1),
            ),
            max_size=4,
        )
    ):
        keys = {("t", t, s), ("b", b, s), ("p", b, t)}
        if keys & used or per_business[b] >= max_meetings:
            continue
        used |= keys
        per_business[b] += 1
        pinned.append(PinnedMeeting(b, t, s))
    return ScheduleRequest(
        businesses=businesses,
        tables=tables(table_count),
        slot_count=slot_count,
        max_meetings=max_meetings,
        pinned=tuple(pinned),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_requests())
def test_random_small_schedules_keep_every_rule_and_match_the_one_step_model(request):
    result = solve_checked(request)

    most_served, best_weight = full_model_best(request)
    assert result.businesses_served == most_served
    weight = sum(m.weight for m in result.meetings)
    assert weight <= best_weight
    if result.status == OPTIMAL:
        assert weight == best_weight

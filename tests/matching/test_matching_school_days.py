"""Closed days, notice and one place at a time, enforced by the engine itself."""

from __future__ import annotations

import dataclasses
from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_matching_solve import check_solution, one_place_clashes, request, volunteer

from matching import Busy, DateWindow, InvalidInput, Problem, solve
from matching.synthetic import Shape, random_problem

FUNEN = ((55.1, 55.6), (9.8, 10.7))
FIRST = date(2026, 3, 2)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_req=st.integers(1, 40),
    n_vol=st.integers(1, 40),
    closed_share=st.floats(0.0, 0.9),
    calendar_seed=st.integers(0, 10_000),
    notice=st.integers(0, 25),
)
def test_no_visit_on_a_closed_day_or_within_the_notice(
    seed, n_req, n_vol, closed_share, calendar_seed, notice
):
    """Random windows, random school calendars: every visit lands on an open day."""
    import random

    problem = random_problem(
        Shape(n_req, n_vol, capacity=2, radius_km=25.0, box=FUNEN, days=25, seed=seed)
    )
    rng = random.Random(calendar_seed)
    days = [FIRST + timedelta(days=d) for d in range(30)]
    calendars = {
        r.school_id: tuple(sorted(d for d in days if rng.random() < closed_share))
        for r in problem.requests
    }
    not_before = FIRST + timedelta(days=notice)
    requests = tuple(
        dataclasses.replace(r, closed_days=calendars[r.school_id], not_before=not_before)
        for r in problem.requests
    )
    problem = dataclasses.replace(problem, requests=requests)
    solution = solve(problem)
    check_solution(problem, solution)
    by_id = {r.id: r for r in requests}
    for m in solution.assignments:
        assert m.window.day not in by_id[m.request_id].closed_days
        assert m.window.day >= not_before
    for u in solution.unmatched:
        r = by_id[u.request_id]
        if not any(w.day >= not_before and w.day not in r.closed_days for w in r.windows):
            assert u.data["rule"] in ("notice", "closed")


def test_partly_closed_request_takes_its_open_window():
    christmas = DateWindow(date(2026, 12, 22), time(9), time(11))
    january = DateWindow(date(2027, 1, 5), time(9), time(11))
    problem = Problem(
        requests=(request(1, windows=(christmas, january), closed_days=(date(2026, 12, 22),)),),
        volunteers=(volunteer(10, availability=volunteer(10).availability),),
    )
    (match,) = solve(problem).assignments
    assert match.window == january


def test_unmatched_reasons_name_the_notice_and_the_closed_days():
    problem = Problem(
        requests=(
            request(1, closed_days=(date(2026, 3, 10),)),
            request(2, not_before=date(2026, 3, 11)),
        ),
        volunteers=(volunteer(10, capacity=2),),
    )
    reasons = {u.request_id: u.data["rule"] for u in solve(problem).unmatched}
    assert reasons == {1: "closed", 2: "notice"}


def test_two_overlapping_visits_are_never_proposed_to_one_volunteer():
    # Two schools want the same volunteer at the same hour; she has room for two visits.
    same_hour = (DateWindow(date(2026, 3, 10), time(9), time(11)),)
    problem = Problem(
        requests=(
            request(1, windows=same_hour, school_id=1),
            request(2, windows=same_hour, school_id=2, priority=2.0),
        ),
        volunteers=(volunteer(10, capacity=2),),
    )
    solution = solve(problem)
    assert [m.request_id for m in solution.assignments] == [2]
    assert solution.unmatched[0].data["rule"] == "busy"
    assert solution.certificate.relaxed_only
    assert solution.certificate.overlap_repairs == 1


def test_a_second_window_is_chosen_instead_of_giving_a_visit_up():
    tuesday = DateWindow(date(2026, 3, 10), time(9), time(11))
    wednesday = DateWindow(date(2026, 3, 11), time(9), time(11))
    problem = Problem(
        requests=(
            request(1, windows=(tuesday,), school_id=1),
            request(2, windows=(tuesday, wednesday), school_id=2),
        ),
        volunteers=(volunteer(10, capacity=2),),
    )
    solution = solve(problem)
    windows = {m.request_id: m.window for m in solution.assignments}
    assert windows == {1: tuesday, 2: wednesday}
    assert solution.certificate.overlap_moves == 1
    assert not solution.certificate.relaxed_only
    assert solution.certificate.optimal


def test_two_physical_visits_a_day_only_at_one_school():
    morning = (DateWindow(date(2026, 3, 10), time(8), time(10)),)
    afternoon = (DateWindow(date(2026, 3, 10), time(12), time(14)),)
    same_school = Problem(
        requests=(request(1, windows=morning), request(2, windows=afternoon)),
        volunteers=(volunteer(10, capacity=2),),
    )
    assert len(solve(same_school).assignments) == 2
    two_schools = dataclasses.replace(
        same_school,
        requests=(request(1, windows=morning), request(2, windows=afternoon, school_id=2)),
    )
    assert len(solve(two_schools).assignments) == 1
    # Online, the afternoon class at another school is no problem.
    online = dataclasses.replace(
        two_schools,
        requests=(
            request(1, windows=morning),
            request(2, windows=afternoon, school_id=2, format="virtual"),
        ),
        volunteers=(volunteer(10, capacity=2, virtual_ok=True, virtual_trained=True),),
    )
    assert len(solve(online).assignments) == 2


def test_existing_visits_block_the_times_they_take():
    busy = Busy(date(2026, 3, 10), time(10), time(12), school_id=7)
    problem = Problem(requests=(request(1),), volunteers=(volunteer(10, busy=(busy,)),))
    (unmatched,) = solve(problem).unmatched
    assert unmatched.data["rule"] == "busy"
    later = Busy(date(2026, 3, 10), time(12), time(14), school_id=1)  # same school, after
    problem = Problem(requests=(request(1),), volunteers=(volunteer(10, busy=(later,)),))
    assert len(solve(problem).assignments) == 1


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), capacity=st.integers(2, 4), n_busy=st.integers(0, 30))
def test_plans_never_clash_with_each_other_or_with_busy_times(seed, capacity, n_busy):
    import random

    problem = random_problem(
        Shape(30, 12, capacity=capacity, radius_km=30.0, box=FUNEN, days=8, seed=seed)
    )
    rng = random.Random(seed)
    volunteers = list(problem.volunteers)
    for _ in range(n_busy):
        k = rng.randrange(len(volunteers))
        day = FIRST + timedelta(days=rng.randrange(10))
        start = rng.randrange(8, 14)
        busy = Busy(day, time(start), time(start + 2), rng.choice([None, 1, 2, 3]))
        volunteers[k] = dataclasses.replace(volunteers[k], busy=(*volunteers[k].busy, busy))
    problem = dataclasses.replace(problem, volunteers=tuple(volunteers))
    solution = solve(problem)
    check_solution(problem, solution)
    assert one_place_clashes(problem, solution) == []


def test_locks_that_clash_are_refused():
    same_hour = (DateWindow(date(2026, 3, 10), time(9), time(11)),)
    problem = Problem(
        requests=(
            request(1, windows=same_hour, school_id=1),
            request(2, windows=same_hour, school_id=2),
        ),
        volunteers=(volunteer(10, capacity=2),),
        locks=frozenset({(1, 10), (2, 10)}),
    )
    with pytest.raises(InvalidInput, match="overlap"):
        solve(problem)

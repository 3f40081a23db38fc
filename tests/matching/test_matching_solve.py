"""The domain solver: hard rules, optimality against MILP, determinism, explanations."""

from __future__ import annotations

import dataclasses
import math
import random
from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching_reference import broken_rules, milp_objective, pair_cost

from matching import (
    Availability,
    DateWindow,
    InvalidInput,
    Problem,
    Request,
    Volunteer,
    Weights,
    solve,
)
from matching.oneplace import Placed, clash
from matching.synthetic import Shape, random_problem

#: About 60 x 50 km around Odense, so radius, virtual and capacity all bind.
FUNEN = ((55.1, 55.6), (9.8, 10.7))


def small_problem(seed: int, n_req: int, n_vol: int, capacity: int, k: int, weights=None):
    shape = Shape(
        n_req,
        n_vol,
        capacity=capacity,
        radius_km=20.0,
        virtual_share=0.3,
        box=FUNEN,
        days=20,
        seed=seed,
    )
    return random_problem(shape, weights=weights, k=k)


def check_solution(problem: Problem, solution) -> None:
    """Every hard rule holds, capacities hold, and the costs add up."""
    requests = {r.id: r for r in problem.requests}
    volunteers = {v.id: v for v in problem.volunteers}
    seen = set()
    load: dict[int, int] = {}
    for m in solution.assignments:
        r, v = requests[m.request_id], volunteers[m.volunteer_id]
        assert m.request_id not in seen
        seen.add(m.request_id)
        assert broken_rules(problem, r, v) == []
        assert m.window in r.windows
        assert m.cost == pytest.approx(sum(m.parts.values()), abs=1e-12)
        assert m.cost - m.parts["load"] == pytest.approx(pair_cost(problem, r, v))
        load[v.id] = load.get(v.id, 0) + 1
    assert all(load[v] <= volunteers[v].capacity for v in load)
    for lock in problem.locks:
        assert (lock[0], lock[1]) in {(m.request_id, m.volunteer_id) for m in solution.assignments}
    unmatched = {u.request_id for u in solution.unmatched}
    assert unmatched.isdisjoint(seen) and unmatched | seen == set(requests)
    total = sum(m.cost for m in solution.assignments) + sum(u.cost for u in solution.unmatched)
    assert solution.objective == pytest.approx(total, abs=1e-9)
    assert solution.certificate.optimal
    assert one_place_clashes(problem, solution) == []
    assert solution.certificate.relaxed_only == (solution.certificate.overlap_repairs > 0)


def one_place_clashes(problem: Problem, solution) -> list[tuple[int, int]]:
    """Pairs of matched requests one volunteer cannot both do (or that hit a busy time)."""
    requests = {r.id: r for r in problem.requests}
    volunteers = {v.id: v for v in problem.volunteers}
    spots = []
    for m in solution.assignments:
        school = requests[m.request_id].school_id if m.format == "physical" else None
        spots.append((m, Placed(m.window.day, m.window.start, m.window.end, school)))
    found = []
    for k, (a, spot_a) in enumerate(spots):
        for busy in volunteers[a.volunteer_id].busy:
            if clash(spot_a, Placed(busy.day, busy.start, busy.end, busy.school_id)):
                found.append((a.request_id, -1))
        for b, spot_b in spots[k + 1 :]:
            if a.volunteer_id == b.volunteer_id and clash(spot_a, spot_b):
                found.append((a.request_id, b.request_id))
    return found


def assert_optimal_against_milp(problem: Problem, solution) -> None:
    """Equal to the MILP optimum without the one-place rule, or (after repairs) not below it."""
    reference = milp_objective(problem)
    if solution.certificate.relaxed_only:
        assert solution.objective >= reference - 1e-6
    else:
        assert solution.objective == pytest.approx(reference, abs=1e-6)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_req=st.integers(1, 30),
    n_vol=st.integers(1, 60),
    capacity=st.integers(1, 3),
    k=st.sampled_from([1, 2, 16]),
)
def test_plan_is_feasible_and_optimal_against_milp(seed, n_req, n_vol, capacity, k):
    problem = small_problem(seed, n_req, n_vol, capacity, k)
    solution = solve(problem)
    check_solution(problem, solution)
    assert_optimal_against_milp(problem, solution)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_hard_subject_rule_exclusions_and_locks(seed):
    problem = small_problem(seed, 25, 40, 2, 4, weights=Weights(subject_other=math.inf))
    rng = random.Random(seed)
    pairs = [
        (r.id, v.id)
        for r in problem.requests
        for v in problem.volunteers
        if not broken_rules(problem, r, v)
    ]
    rng.shuffle(pairs)
    locks, used_r, used_v = set(), set(), set()
    for r, v in pairs[:10]:
        if r not in used_r and v not in used_v:
            locks.add((r, v))
            used_r.add(r)
            used_v.add(v)
    exclusions = frozenset(pairs[10:40])
    problem = dataclasses.replace(problem, locks=frozenset(locks), exclusions=exclusions)
    solution = solve(problem)
    check_solution(problem, solution)
    assert_optimal_against_milp(problem, solution)
    assert all(m.locked == ((m.request_id, m.volunteer_id) in locks) for m in solution.assignments)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), shuffle_seed=st.integers(0, 1000))
def test_same_plan_whatever_the_input_order(seed, shuffle_seed):
    problem = small_problem(seed, 30, 40, 2, 4)
    rng = random.Random(shuffle_seed)
    requests, volunteers = list(problem.requests), list(problem.volunteers)
    rng.shuffle(requests)
    rng.shuffle(volunteers)
    shuffled = dataclasses.replace(problem, requests=tuple(requests), volunteers=tuple(volunteers))
    first, second = solve(problem), solve(shuffled)
    assert first.assignments == second.assignments
    assert first.unmatched == second.unmatched
    assert first.objective == second.objective


def test_pruned_candidates_are_added_back_by_the_proof():
    problem = random_problem(Shape(300, 200, seed=3, box=FUNEN, radius_km=25.0), k=1)
    solution = solve(problem)
    assert solution.certificate.optimal
    assert solution.certificate.rounds >= 2
    assert solution.certificate.pairs_added > 0
    full = solve(dataclasses.replace(problem, candidates_per_request=10_000))
    assert solution.objective == pytest.approx(full.objective, abs=1e-9)


def request(rid: int, **changes) -> Request:
    # Each request its own two hours of the day at school 1, so one volunteer can do several.
    start = 8 + (rid % 4) * 2
    base = Request(
        id=rid,
        programme="BOOK",
        level="udskoling",
        primary_subject="fysik",
        lat=55.40,
        lon=10.40,
        windows=(DateWindow(date(2026, 3, 10), time(start), time(start + 2)),),
        school_id=1,
    )
    return dataclasses.replace(base, **changes)


def volunteer(vid: int, **changes) -> Volunteer:
    base = Volunteer(
        id=vid,
        programmes=("BOOK", "KRAM"),
        levels=("udskoling",),
        subjects=("fysik",),
        lat=55.40,
        lon=10.50,
        radius_km=30.0,
        capacity=1,
    )
    return dataclasses.replace(base, **changes)


def test_no_candidate_reason_names_the_rule_and_distance():
    problem = Problem(
        requests=(request(1, primary_subject="informatik"),),
        volunteers=(volunteer(10, lat=56.4), volunteer(11, levels=("stx",))),
    )
    (unmatched,) = solve(problem).unmatched
    assert unmatched.reason == "no_candidate"
    assert unmatched.data["rule"] == "reach"
    assert unmatched.data["removed"]["level"] == 1
    assert unmatched.data["subject"] == "informatik"
    assert unmatched.data["nearest_km"] == pytest.approx(111.2, abs=0.5)
    assert unmatched.cost == Weights().unmatched


def test_women_only_programme_and_woman_required():
    problem = Problem(
        requests=(request(1, programme="KRAM"), request(2, gender_focus="woman_required")),
        volunteers=(volunteer(10, capacity=2),),
    )
    solution = solve(problem)
    assert solution.assignments == ()
    reasons = {u.request_id: u.data["rule"] for u in solution.unmatched}
    assert reasons == {1: "women_only", 2: "gender"}
    woman = dataclasses.replace(problem, volunteers=(volunteer(10, capacity=2, is_woman=True),))
    assert len(solve(woman).assignments) == 2


def test_outcompeted_request_and_load_spreading():
    problem = Problem(
        requests=(request(1, priority=2.0), request(2), request(3)),
        volunteers=(volunteer(10, capacity=2), volunteer(11, lat=55.45, radius_km=30.0)),
    )
    solution = solve(problem)
    assert len(solution.assignments) == 3
    by_volunteer = sorted(m.volunteer_id for m in solution.assignments)
    assert by_volunteer == [10, 10, 11]
    assert sorted(m.parts["load"] for m in solution.assignments) == [0.0, 0.0, 0.3]
    scarce = dataclasses.replace(problem, volunteers=(volunteer(10),))
    solution = solve(scarce)
    assert [m.request_id for m in solution.assignments] == [1]
    assert {u.reason for u in solution.unmatched} == {"outcompeted"}
    assert solution.unmatched[0].data["candidates"] == 1


def test_request_cheaper_unmatched_is_left_unmatched_with_slots_to_spare():
    # The solver first tries a plan that matches every request; the dual prices must
    # reject it here, where one request costs more matched than its unmatched price.
    far = volunteer(11, lat=55.62, radius_km=30.0, capacity=2)
    problem = Problem(
        requests=(request(1), request(2, priority=0.1)),
        volunteers=(volunteer(10), far),
        weights=Weights(unmatched=3.0),
    )
    solution = solve(problem)
    assert [m.request_id for m in solution.assignments] == [1]
    assert [u.reason for u in solution.unmatched] == ["outcompeted"]
    assert solution.certificate.optimal


def test_slot_left_free_when_fewer_slots_than_requests():
    # Fewer slots than requests: the plan that fills every slot is tried first.
    problem = Problem(
        requests=(request(1, priority=0.1), request(2, priority=0.1)),
        volunteers=(volunteer(10, lat=55.62, radius_km=30.0),),
    )
    solution = solve(problem)
    assert solution.assignments == ()
    assert {u.reason for u in solution.unmatched} == {"too_costly"}
    assert solution.certificate.optimal


def test_virtual_visit_needs_both_sides_and_training():
    far = volunteer(10, lat=57.0, virtual_ok=True, virtual_trained=False)
    problem = Problem(requests=(request(1, format="either"),), volunteers=(far,))
    assert solve(problem).unmatched[0].data["rule"] == "reach"
    trained = dataclasses.replace(
        problem, volunteers=(dataclasses.replace(far, virtual_trained=True),)
    )
    (match,) = solve(trained).assignments
    assert match.format == "virtual" and match.parts["virtual"] == Weights().virtual
    physical_only = dataclasses.replace(trained, requests=(request(1, format="physical"),))
    assert solve(physical_only).assignments == ()


def test_dates_follow_weekdays_periods_and_blackouts():
    windows = (DateWindow(date(2026, 3, 10)), DateWindow(date(2026, 3, 12), time(8), time(9)))
    problem = Problem(
        requests=(request(1, windows=windows),),
        volunteers=(
            volunteer(
                10,
                availability=Availability(
                    weekdays=(1, 3),
                    periods=((date(2026, 3, 1), date(2026, 3, 31)),),
                    blackout_dates=(date(2026, 3, 10),),
                ),
            ),
        ),
    )
    (match,) = solve(problem).assignments
    assert match.window == windows[1]
    closed = dataclasses.replace(
        problem,
        volunteers=(
            volunteer(
                10,
                availability=Availability(
                    weekdays=(1, 3), periods=((date(2026, 4, 1), date(2026, 4, 30)),)
                ),
            ),
        ),
    )
    assert solve(closed).unmatched[0].data["rule"] == "dates"


def test_lock_that_breaks_a_rule_is_refused():
    problem = Problem(
        requests=(request(1, programme="KRAM"),),
        volunteers=(volunteer(10),),
        locks=frozenset({(1, 10)}),
    )
    with pytest.raises(InvalidInput, match="women_only"):
        solve(problem)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"exclusions": frozenset({(1, 99)})}, "unknown volunteer id 99"),
        ({"locks": frozenset({(7, 10)})}, "unknown request id 7"),
        ({"requests": (request(1), request(1))}, "duplicate request id 1"),
        ({"volunteers": (volunteer(10, capacity=-1),)}, "capacity"),
        ({"requests": (request(1, lat=math.nan),)}, "coordinates"),
    ],
)
def test_bad_problems_are_refused(changes, message):
    problem = Problem(requests=(request(1),), volunteers=(volunteer(10),))
    with pytest.raises(InvalidInput, match=message):
        solve(dataclasses.replace(problem, **changes))

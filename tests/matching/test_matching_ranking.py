"""`price_request`: the ranking of volunteers for one request agrees with `solve`."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from matching import InvalidInput, Problem, Weights, price_request, solve
from matching.rules import RULES
from matching.synthetic import Shape, random_problem


def _alone(problem: Problem, request_id: int, **changes: object) -> Problem:
    request = next(r for r in problem.requests if r.id == request_id)
    return replace(problem, requests=(request,), **changes)


@pytest.mark.parametrize("seed", range(6))
def test_the_top_volunteer_is_the_one_a_one_request_run_picks(seed: int) -> None:
    problem = random_problem(Shape(requests=40, volunteers=400, seed=seed, virtual_share=0.3))
    compared = unmatched = 0
    for request in problem.requests:
        one = _alone(problem, request.id)
        pricing = price_request(one, request.id)
        solution = solve(one)
        if solution.assignments:
            match = solution.assignments[0]
            top = pricing.ranked[0]
            assert top.volunteer_id == match.volunteer_id
            assert top.cost == pytest.approx(match.cost, abs=1e-12)
            assert dict(top.parts) == pytest.approx(dict(match.parts), abs=1e-12)
            assert top.window == match.window
            assert top.format == match.format
            assert top.cost < pricing.unmatched_price
            compared += 1
        else:
            # The run leaves it unmatched: nobody feasible, or everybody dearer than that.
            assert not pricing.ranked or pricing.ranked[0].cost >= pricing.unmatched_price
            unmatched += 1
    assert compared >= 10


def test_ranking_is_by_cost_then_id_and_counts_every_feasible_volunteer() -> None:
    problem = random_problem(Shape(requests=5, volunteers=600, seed=3, radius_km=120))
    request = problem.requests[0]
    full = price_request(problem, request.id)
    costs = [(v.cost, v.volunteer_id) for v in full.ranked]
    assert costs == sorted(costs)
    assert full.feasible_count == len(full.ranked) > 3
    cut = price_request(problem, request.id, limit=3)
    assert cut.ranked == full.ranked[:3]
    assert cut.feasible_count == full.feasible_count
    assert all(math.isclose(sum(v.parts.values()), v.cost) for v in full.ranked)


def test_refusals_name_the_first_rule_a_volunteer_breaks() -> None:
    problem = random_problem(Shape(requests=3, volunteers=300, seed=5))
    request = problem.requests[0]
    pricing = price_request(problem, request.id, explain_refusals=True)
    assert len(pricing.ranked) + len(pricing.refused) == len(problem.volunteers)
    assert {v.broken_rule for v in pricing.refused} <= set(RULES)
    assert all(not v.feasible and math.isinf(v.cost) for v in pricing.refused)
    # A volunteer who breaks nothing but capacity is refused for capacity.
    best = pricing.ranked[0]
    full = replace(
        problem,
        volunteers=tuple(
            replace(v, capacity=0) if v.id == best.volunteer_id else v for v in problem.volunteers
        ),
    )
    refused = {
        v.volunteer_id: v for v in price_request(full, request.id, explain_refusals=True).refused
    }
    assert refused[best.volunteer_id].broken_rule == "capacity"


def test_locked_visits_add_the_engines_load_part() -> None:
    problem = random_problem(Shape(requests=30, volunteers=200, seed=8, radius_km=150))
    target = problem.requests[0]
    pricing = price_request(problem, target.id)
    best = pricing.ranked[0]
    # Lock another request the volunteer can take; the next visit now carries a load part.
    other = next(
        r
        for r in problem.requests[1:]
        if any(v.volunteer_id == best.volunteer_id for v in price_request(problem, r.id).ranked)
    )
    locked = replace(problem, locks=frozenset({(other.id, best.volunteer_id)}))
    again = {v.volunteer_id: v for v in price_request(locked, target.id).ranked}
    # Capacity 2: one slot is locked, the second one costs one load step more.
    assert again[best.volunteer_id].parts["load"] == pytest.approx(problem.weights.load)
    assert again[best.volunteer_id].free_capacity == 1


def test_unknown_request_and_negative_limit_are_invalid_input() -> None:
    problem = random_problem(Shape(requests=2, volunteers=10, seed=1))
    with pytest.raises(InvalidInput, match="unknown request id 7"):
        price_request(problem, 7)
    with pytest.raises(InvalidInput):
        price_request(problem, problem.requests[0].id, limit=-1)


def test_a_hard_subject_rule_refuses_volunteers_without_a_wished_subject() -> None:
    problem = random_problem(
        Shape(requests=3, volunteers=300, seed=2, radius_km=200),
        weights=Weights(subject_other=math.inf),
    )
    request = problem.requests[0]
    pricing = price_request(problem, request.id, explain_refusals=True)
    assert all(v.parts["subject"] < math.inf for v in pricing.ranked)
    assert "subject" in {v.broken_rule for v in pricing.refused}

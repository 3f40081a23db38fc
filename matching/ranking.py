"""Price every volunteer for one request, as a run of that request alone would.

`price_request(problem, request_id)` applies the same hard rules and soft costs as
`solve` (`rules.evaluate_pairs`) to every volunteer of the problem for one request and
ranks the feasible ones by cost, ties to the lower volunteer id. With one request there
is nothing to compete for, so the cheapest feasible volunteer is the one `solve` picks
for it — unless leaving the request unmatched costs less (`RequestPricing.unmatched_price`),
in which case `solve` leaves it unmatched and the ranking says what is possible anyway.

The load part is the engine's: `Weights.load` times the visits a volunteer already has
in the problem (locks), zero otherwise. Free capacity is the problem's: a volunteer with
none left breaks the "capacity" rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from matching.encode import build_tables
from matching.errors import InvalidInput
from matching.explain import _first_window
from matching.model import DateWindow, Problem
from matching.rules import RULES, evaluate_pairs, rule_checks


@dataclass(frozen=True)
class PricedVolunteer:
    """One volunteer for the request: feasible with its cost, or the first rule it breaks."""

    volunteer_id: int
    feasible: bool
    #: The first hard rule (in `rules.RULES` order) the pair breaks; None when feasible.
    broken_rule: str | None
    #: The engine's cost of the pair (`inf` when infeasible); `parts` add up to it.
    cost: float
    parts: Mapping[str, float]
    format: Literal["physical", "virtual"] | None
    #: Straight-line km between the school and the volunteer, and the volunteer's reach.
    distance_km: float
    radius_km: float
    #: The first request date the volunteer is free on (None when infeasible).
    window: DateWindow | None
    free_capacity: int


@dataclass(frozen=True)
class RequestPricing:
    """The volunteers for one request, cheapest feasible first."""

    request_id: int
    #: What leaving the request unmatched costs; a one-request run takes the cheapest
    #: feasible volunteer only if it costs less than this.
    unmatched_price: float
    #: Feasible volunteers by (cost, volunteer id), at most `limit` of them.
    ranked: tuple[PricedVolunteer, ...]
    #: How many volunteers are feasible in all (the ranking may be cut at `limit`).
    feasible_count: int
    #: Infeasible volunteers by id, with the rule each breaks (when asked for).
    refused: tuple[PricedVolunteer, ...]
    #: "notice" or "closed" when no volunteer can come on any of the request's dates
    #: (too little notice, or the school is closed), else None.
    request_rule: str | None = None


def price_request(
    problem: Problem,
    request_id: int,
    *,
    limit: int | None = None,
    explain_refusals: bool = False,
) -> RequestPricing:
    """Rank the problem's volunteers for one request by the engine's own cost."""
    if limit is not None and limit < 0:
        raise InvalidInput("limit must not be negative")
    tables = build_tables(problem)
    row = int(np.searchsorted(tables.request_ids, request_id))
    if row == tables.request_ids.size or tables.request_ids[row] != request_id:
        raise InvalidInput(f"unknown request id {request_id}")
    weights = problem.weights
    n = tables.volunteer_ids.size
    vols = np.arange(n, dtype=np.int64)
    rows = np.full(n, row, dtype=np.int64)
    priced = evaluate_pairs(tables, weights, rows, vols)
    load = weights.load * tables.vol_first_slot.astype(float)
    cost = np.where(priced.feasible, priced.cost + load, np.inf)
    feasible = np.flatnonzero(priced.feasible)
    # Cheapest first; ties to the lower volunteer id (volunteers are sorted by id).
    order = feasible[np.lexsort((feasible, cost[feasible]))]
    if limit is not None:
        order = order[:limit]

    def described(j: int, broken: str | None) -> PricedVolunteer:
        ok = broken is None
        parts = (
            {
                "subject": float(priced.subject[j]),
                "distance": float(priced.distance[j]),
                "virtual": float(priced.virtual[j]),
                "gender": float(priced.gender[j]),
                "repeat": float(priced.repeat[j]),
                "load": float(load[j]),
            }
            if ok
            else {}
        )
        fmt: Literal["physical", "virtual"] | None = None
        if ok:
            fmt = "physical" if priced.physical[j] else "virtual"
        return PricedVolunteer(
            volunteer_id=int(tables.volunteer_ids[j]),
            feasible=ok,
            broken_rule=broken,
            cost=sum(parts.values()) if ok else float("inf"),
            parts=parts,
            format=fmt,
            distance_km=round(float(priced.distance_km[j]), 3),
            radius_km=float(tables.vol_radius[j]),
            window=_first_window(tables, row, j, bool(priced.physical[j])) if ok else None,
            free_capacity=int(tables.vol_free[j]),
        )

    ranked = tuple(described(int(j), None) for j in order)
    refused: tuple[PricedVolunteer, ...] = ()
    if explain_refusals:
        blocked = np.flatnonzero(~priced.feasible)
        if blocked.size:
            checks = rule_checks(tables, weights, row)
            first_broken: list[str] = []
            for j in blocked.tolist():
                # rule_checks covers every rule evaluate_pairs applies; the fallback
                # only keeps a broken invariant from raising here.
                first_broken.append(next((r for r in RULES if not checks[r][j]), "subject"))
            refused = tuple(
                described(int(j), rule) for j, rule in zip(blocked, first_broken, strict=True)
            )
    request_rule = None
    if not tables.req_notice_ok[row]:
        request_rule = "notice"
    elif not tables.req_open_ok[row]:
        request_rule = "closed"
    return RequestPricing(
        request_id=request_id,
        unmatched_price=float(tables.req_price[row]),
        ranked=ranked,
        feasible_count=int(feasible.size),
        refused=refused,
        request_rule=request_rule,
    )

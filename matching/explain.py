"""Explanations: cost parts of each match and the reason each request stays unmatched."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from matching.candidates import all_feasible_pairs
from matching.encode import FloatArray, IntArray, Tables
from matching.model import DateWindow, Match, UnmatchedRequest, Weights
from matching.oneplace import usable_windows
from matching.rules import elimination_funnel, evaluate_pairs

PARTS = ("subject", "distance", "virtual", "gender", "repeat", "load")


def describe_matches(
    tables: Tables,
    weights: Weights,
    rows: IntArray,
    vols: IntArray,
    visits: IntArray,
    locked: bool,
) -> list[Match]:
    """Build a `Match` per pair; `visits` says which visit of the volunteer it is (0-based)."""
    pc = evaluate_pairs(tables, weights, rows, vols, check_capacity=False)
    load = weights.load * visits.astype(float)
    matches = []
    for k in range(rows.size):
        i, j = int(rows[k]), int(vols[k])
        parts = {
            "subject": float(pc.subject[k]),
            "distance": float(pc.distance[k]),
            "virtual": float(pc.virtual[k]),
            "gender": float(pc.gender[k]),
            "repeat": float(pc.repeat[k]),
            "load": float(load[k]),
        }
        fmt: Literal["physical", "virtual"] = "physical" if pc.physical[k] else "virtual"
        matches.append(
            Match(
                request_id=int(tables.request_ids[i]),
                volunteer_id=int(tables.volunteer_ids[j]),
                window=_first_window(tables, i, j, bool(pc.physical[k])),
                format=fmt,
                distance_km=round(float(pc.distance_km[k]), 3),
                cost=sum(parts.values()),
                parts=parts,
                locked=locked,
            )
        )
    return matches


def _first_window(tables: Tables, row: int, vol: int, physical: bool) -> DateWindow:
    usable = usable_windows(tables, row, vol, physical)
    if usable:
        return usable[0]
    # Locks are checked for dates, so this only guards against a broken invariant.
    raise AssertionError("matched pair without a common date")


def describe_unmatched(
    tables: Tables, weights: Weights, rows: IntArray, prices: FloatArray
) -> list[UnmatchedRequest]:
    """Say why each request stays unmatched: no feasible volunteer, too costly or outcompeted."""
    dated = rows[tables.req_open_ok[rows]]
    pair_rows, pair_vols, pair_costs = all_feasible_pairs(tables, weights, dated)
    cheapest_slot = pair_costs + weights.load * tables.vol_first_slot[pair_vols]
    n_req = tables.req_xyz.shape[0]
    counts = np.bincount(pair_rows, minlength=n_req)
    cheapest = np.full(n_req, np.inf)
    np.minimum.at(cheapest, pair_rows, cheapest_slot)
    result = []
    for i in rows.tolist():
        price = float(prices[i])
        data: dict[str, Any]
        if not tables.req_open_ok[i]:
            # Nobody can come on a day the school is closed or within the notice: say so
            # without asking every volunteer.
            reason: Literal["no_candidate", "outcompeted", "too_costly"] = "no_candidate"
            rule = "notice" if not tables.req_notice_ok[i] else "closed"
            n = int(tables.vol_xyz.shape[0])
            data = {"volunteers": n, "removed": {rule: n}, "rule": rule if n else None}
        elif counts[i] == 0:
            reason = "no_candidate"
            data = elimination_funnel(tables, weights, i)
        else:
            reason = "too_costly" if cheapest[i] >= price else "outcompeted"
            data = {"candidates": int(counts[i]), "cheapest_cost": float(cheapest[i])}
        request = tables.requests[i]
        data.update(
            programme=request.programme,
            level=request.level,
            subject=request.primary_subject,
            format=request.format,
        )
        result.append(
            UnmatchedRequest(
                request_id=int(tables.request_ids[i]), reason=reason, cost=price, data=data
            )
        )
    return result

"""`solve`: the domain problem to an optimal, explained and certified plan."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from time import perf_counter

import numpy as np

from matching.candidates import Candidates, initial_candidates
from matching.duals import residual_duals
from matching.encode import IntArray, Tables, build_tables
from matching.errors import InvalidInput
from matching.explain import describe_matches, describe_unmatched
from matching.graph import build_slot_graph, match_slot_graph, match_without_dummies
from matching.model import (
    Busy,
    Certificate,
    DateWindow,
    Match,
    Problem,
    Solution,
    SolveStats,
    Weights,
)
from matching.oneplace import Placed, clash, place_windows, placed, usable_windows
from matching.proof import EnumeratedPairs, check_pruned, volunteer_prices
from matching.rules import rule_checks

#: Solve rounds before giving up on the proof (each adds every pair found to help).
MAX_ROUNDS = 20
#: Once some pair violates, also add pairs this close to violating (relative to the cost
#: scale): prices move after the re-solve, and adding them now saves rounds.
ADD_MARGIN = 0.05
#: Relaxation rounds allowed when checking a plan solved without dummy columns; prices
#: that still move after this many mean some request is better left unmatched.
BARE_DUAL_ROUNDS = 200


def solve(problem: Problem) -> Solution:
    """Find the least-cost plan over all feasible pairs, explain it and prove it optimal.

    The plan keeps every volunteer in one place at a time (see `matching.oneplace`).
    """
    started = perf_counter()
    solution, tables = _solve_assignment(problem)
    return _one_place_at_a_time(problem, tables, solution, started)


def _solve_assignment(problem: Problem) -> tuple[Solution, Tables]:
    """The optimal plan of the assignment problem, each visit on its first usable window."""
    started = perf_counter()
    weights = problem.weights
    if problem.candidates_per_request < 1:
        raise InvalidInput("candidates_per_request must be at least 1")
    tables = build_tables(problem)
    n_req = tables.request_ids.size
    lock_rows, lock_vols = _checked_locks(problem, tables)
    unlocked = np.ones(n_req, dtype=bool)
    unlocked[lock_rows] = False
    # A request with no open window (school closed, or within the notice) cannot be matched.
    active = unlocked & tables.req_open_ok
    active_rows = np.flatnonzero(active)
    candidates = initial_candidates(tables, weights, active, problem.candidates_per_request)
    scale = 1.0 + float(np.max(tables.req_price, initial=0.0)) + weights.virtual + weights.load
    tolerance = 1e-9 * scale
    build_seconds = perf_counter() - started
    solve_seconds = proof_seconds = 0.0

    enumerated = EnumeratedPairs(n_req)
    rounds = pairs_added = 0
    while True:
        rounds += 1
        tick = perf_counter()
        graph = build_slot_graph(
            candidates.rows,
            candidates.vols,
            candidates.costs,
            tables.req_price,
            tables.vol_free,
            tables.vol_first_slot,
            weights.load,
        )
        tock = perf_counter()
        build_seconds += tock - tick
        bare = match_without_dummies(graph)
        tick = perf_counter()
        solve_seconds += tick - tock
        if bare is not None:
            col_of_row = bare
            duals = residual_duals(
                graph.matrix, bare, graph.prices, graph.n_slots, tolerance, BARE_DUAL_ROUNDS
            )
        if bare is None or not duals.converged or duals.graph_violation > tolerance:
            tock = perf_counter()
            proof_seconds += tock - tick
            col_of_row = match_slot_graph(graph)
            tick = perf_counter()
            solve_seconds += tick - tock
            duals = residual_duals(graph.matrix, col_of_row, graph.prices, graph.n_slots, tolerance)
        row_value = tables.req_price.copy()
        row_value[graph.request_of_row] = duals.row_value
        vol_price = volunteer_prices(
            tables,
            weights.load,
            graph.volunteer_of_slot,
            graph.visit_of_slot,
            duals.column_price[: graph.n_slots],
        )
        check = check_pruned(
            tables,
            weights,
            candidates,
            enumerated,
            active_rows,
            row_value,
            vol_price,
            tolerance,
            margin=ADD_MARGIN * scale,
            per_row=problem.candidates_per_request,
        )
        proof_seconds += perf_counter() - tick
        if check.add_rows.size == 0 or rounds == MAX_ROUNDS:
            break
        pairs_added += int(check.add_rows.size)
        candidates = _with_pairs(candidates, check.add_rows, check.add_vols, check.add_costs)

    real = col_of_row < graph.n_slots
    slots = col_of_row[real]
    matches = describe_matches(
        tables,
        weights,
        graph.request_of_row[real],
        graph.volunteer_of_slot[slots],
        graph.visit_of_slot[slots],
        locked=False,
    )
    matches += describe_matches(
        tables, weights, lock_rows, lock_vols, _lock_visits(lock_vols), locked=True
    )
    matches.sort(key=lambda m: m.request_id)
    matched = np.zeros(n_req, dtype=bool)
    matched[graph.request_of_row[real]] = True
    unmatched = describe_unmatched(
        tables, weights, np.flatnonzero(unlocked & ~matched), tables.req_price
    )
    objective = sum(m.cost for m in matches) + sum(u.cost for u in unmatched)
    certificate = Certificate(
        optimal=bool(
            duals.converged and duals.graph_violation <= tolerance and check.add_rows.size == 0
        ),
        rounds=rounds,
        dual_rounds=duals.rounds,
        candidate_pairs=int(candidates.rows.size),
        rows_bounded=check.rows_bounded,
        rows_enumerated=check.rows_enumerated,
        pairs_checked=check.pairs_checked,
        pairs_added=pairs_added,
        max_violation=max(check.max_violation, duals.graph_violation),
        tolerance=tolerance,
    )
    stats = SolveStats(
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        proof_seconds=proof_seconds,
        total_seconds=perf_counter() - started,
        slot_edges=int(graph.matrix.nnz),
    )
    return Solution(tuple(matches), tuple(unmatched), objective, certificate, stats), tables


def _one_place_at_a_time(
    problem: Problem, tables: Tables, solution: Solution, started: float
) -> Solution:
    """Give each volunteer's visits windows that do not clash; re-place what cannot fit."""
    by_volunteer: dict[int, list[Match]] = defaultdict(list)
    for match in solution.assignments:
        by_volunteer[match.volunteer_id].append(match)
    final = {m.request_id: m for m in solution.assignments}
    row_of = dict(zip(tables.request_ids.tolist(), range(tables.request_ids.size), strict=True))
    moves = 0
    given_up: list[Match] = []
    for volunteer_id, matches in by_volunteer.items():
        if len(matches) < 2 or not _clashing(matches, tables, row_of):
            continue
        j = int(np.searchsorted(tables.volunteer_ids, volunteer_id))
        windows = {m.request_id: _window_options(tables, m, row_of, j) for m in matches}
        # Keep the visits worth most (locked first), each only if all kept still fit.
        price = {m.request_id: float(tables.req_price[row_of[m.request_id]]) for m in matches}
        order = sorted(
            matches, key=lambda m: (not m.locked, m.cost - price[m.request_id], m.request_id)
        )
        kept: list[Match] = []
        picks: list[int] = []
        for match in order:
            trial = [*kept, match]
            fits = place_windows([windows[m.request_id][1] for m in trial])
            if fits is not None:
                kept, picks = trial, fits
            elif match.locked:
                raise InvalidInput(
                    f"locked requests {', '.join(str(m.request_id) for m in trial)} "
                    f"overlap for volunteer {volunteer_id}"
                )
            else:
                given_up.append(match)
                del final[match.request_id]
        for match, index in zip(kept, picks, strict=True):
            window = windows[match.request_id][0][index]
            if window != match.window:
                moves += 1
                final[match.request_id] = replace(match, window=window)
    certificate = replace(solution.certificate, overlap_moves=moves)
    if not given_up:
        matches = sorted(final.values(), key=lambda m: m.request_id)
        return replace(
            solution,
            assignments=tuple(matches),
            certificate=certificate,
            stats=replace(solution.stats, total_seconds=perf_counter() - started),
        )
    again = solve(_repair_problem(problem, tables, list(final.values()), given_up))
    changed = {m.volunteer_id for m in given_up} | {m.volunteer_id for m in again.assignments}
    matches = _with_loads(problem.weights, [*final.values(), *again.assignments], changed)
    unmatched = sorted([*solution.unmatched, *again.unmatched], key=lambda u: u.request_id)
    objective = sum(m.cost for m in matches) + sum(u.cost for u in unmatched)
    repairs = len(given_up) + again.certificate.overlap_repairs
    certificate = replace(
        certificate,
        overlap_moves=moves + again.certificate.overlap_moves,
        overlap_repairs=repairs,
        relaxed_only=True,
    )
    stats = replace(
        solution.stats,
        build_seconds=solution.stats.build_seconds + again.stats.build_seconds,
        solve_seconds=solution.stats.solve_seconds + again.stats.solve_seconds,
        proof_seconds=solution.stats.proof_seconds + again.stats.proof_seconds,
        total_seconds=perf_counter() - started,
    )
    return Solution(tuple(matches), tuple(unmatched), objective, certificate, stats)


def _clashing(matches: list[Match], tables: Tables, row_of: dict[int, int]) -> bool:
    spots = [_spot(tables, row_of[m.request_id], m, m.window) for m in matches]
    return any(clash(a, b) for k, a in enumerate(spots) for b in spots[k + 1 :])


def _spot(tables: Tables, row: int, match: Match, window: DateWindow) -> Placed:
    return placed(window, tables.requests[row].school_id, match.format == "physical")


def _window_options(
    tables: Tables, match: Match, row_of: dict[int, int], vol: int
) -> tuple[list[DateWindow], list[Placed]]:
    """The match's usable windows, its current one first."""
    i = row_of[match.request_id]
    usable = usable_windows(tables, i, vol, match.format == "physical")
    ordered = [match.window] + [w for w in usable if w != match.window]
    return ordered, [_spot(tables, i, match, w) for w in ordered]


def _repair_problem(
    problem: Problem, tables: Tables, kept: list[Match], given_up: list[Match]
) -> Problem:
    """The given-up requests against the volunteers as the kept plan leaves them."""
    taken: dict[int, list[Busy]] = defaultdict(list)
    school_of = {r.id: r.school_id for r in tables.requests}
    for m in kept:
        school = school_of[m.request_id] if m.format == "physical" else None
        taken[m.volunteer_id].append(Busy(m.window.day, m.window.start, m.window.end, school))
    rows = np.searchsorted(tables.request_ids, [m.request_id for m in given_up]).astype(np.int64)
    # Only volunteers within someone's reach, or online for a request that may go online,
    # can take one of these; leaving the others out keeps the repair small.
    reach = np.zeros(tables.volunteer_ids.size, dtype=bool)
    for i in rows.tolist():
        fits = ((tables.vol_programmes & tables.req_programme[i]) != 0) & (
            (tables.vol_levels & tables.req_level[i]) != 0
        )
        fits &= tables.vol_free > 0
        found = np.zeros_like(reach)
        if tables.req_physical[i]:
            gap = np.sqrt(((tables.vol_xyz[fits] - tables.req_xyz[i]) ** 2).sum(axis=1))
            found[np.flatnonzero(fits)[gap <= tables.vol_radius[fits]]] = True
        if tables.req_virtual[i]:
            found |= fits & tables.vol_virtual
        reach |= found
    volunteers = []
    for j in np.flatnonzero(reach).tolist():
        volunteer = tables.volunteers[j]
        busy = taken.get(volunteer.id, [])
        free = volunteer.capacity - len(busy)
        if free > 0:
            volunteers.append(
                replace(volunteer, capacity=free, busy=(*volunteer.busy, *busy))
                if busy
                else volunteer
            )
    requests = tuple(tables.requests[i] for i in rows.tolist())
    ids = {r.id for r in requests}
    vol_ids = {v.id for v in volunteers}
    return replace(
        problem,
        requests=requests,
        volunteers=tuple(volunteers),
        exclusions=frozenset(p for p in problem.exclusions if p[0] in ids and p[1] in vol_ids),
        locks=frozenset(),
    )


def _with_loads(weights: Weights, matches: list[Match], changed: set[int]) -> list[Match]:
    """Number the visits of volunteers whose plan changed again and price their load anew."""
    by_volunteer: dict[int, list[Match]] = defaultdict(list)
    result = []
    for m in matches:
        if m.volunteer_id in changed:
            by_volunteer[m.volunteer_id].append(m)
        else:
            result.append(m)
    for group in by_volunteer.values():
        group.sort(key=lambda m: (not m.locked, m.parts.get("load", 0.0), m.request_id))
        for visit, m in enumerate(group):
            load = weights.load * visit
            parts = {**m.parts, "load": load}
            result.append(replace(m, parts=parts, cost=sum(parts.values())))
    return sorted(result, key=lambda m: m.request_id)


def _checked_locks(problem: Problem, tables: Tables) -> tuple[IntArray, IntArray]:
    """Locked pairs as index arrays sorted by request; a lock must obey the hard rules."""
    pairs = sorted(
        (
            int(np.searchsorted(tables.request_ids, r)),
            int(np.searchsorted(tables.volunteer_ids, v)),
        )
        for r, v in problem.locks
    )
    for i, j in pairs:
        broken = [
            rule
            for rule, ok in rule_checks(tables, problem.weights, i).items()
            if rule != "capacity" and not ok[j]
        ]
        if broken:
            raise InvalidInput(
                f"lock of request {int(tables.request_ids[i])} to volunteer "
                f"{int(tables.volunteer_ids[j])} breaks the rule(s): {', '.join(broken)}"
            )
    rows = np.array([i for i, _ in pairs], dtype=np.int64)
    vols = np.array([j for _, j in pairs], dtype=np.int64)
    return rows, vols


def _lock_visits(lock_vols: IntArray) -> IntArray:
    """Number the locked visits of each volunteer 0, 1, ... in request order."""
    order = np.argsort(lock_vols, kind="stable")
    sorted_vols = lock_vols[order]
    first = np.searchsorted(sorted_vols, sorted_vols)
    visits = np.empty_like(lock_vols)
    visits[order] = np.arange(lock_vols.size) - first
    return visits


def _with_pairs(
    candidates: Candidates, rows: IntArray, vols: IntArray, costs: np.ndarray
) -> Candidates:
    all_rows = np.concatenate([candidates.rows, rows])
    all_vols = np.concatenate([candidates.vols, vols])
    all_costs = np.concatenate([candidates.costs, costs])
    order = np.lexsort((all_vols, all_rows))
    return Candidates(all_rows[order], all_vols[order], all_costs[order], candidates.bound)

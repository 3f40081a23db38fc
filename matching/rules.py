"""Hard rules and soft costs for arrays of (request, volunteer) pairs, vectorised."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.encode import BoolArray, FloatArray, IntArray, Tables
from matching.model import Weights
from matching.oneplace import busy_feasible

#: Order in which the hard rules are applied when explaining "no candidate".
RULES = (
    "notice",
    "closed",
    "capacity",
    "programme",
    "women_only",
    "level",
    "subject",
    "gender",
    "language",
    "reach",
    "dates",
    "busy",
    "excluded",
)


@dataclass(frozen=True)
class PairCosts:
    """Feasibility and cost of each pair; parts are only meaningful where feasible."""

    feasible: BoolArray
    physical: BoolArray
    distance_km: FloatArray
    subject: FloatArray
    distance: FloatArray
    virtual: FloatArray
    gender: FloatArray
    repeat: FloatArray

    @property
    def cost(self) -> FloatArray:
        """Total cost before the load part, which depends on the slot."""
        total: FloatArray = self.subject + self.distance + self.virtual + self.gender + self.repeat
        return total


def has_common(a: np.ndarray, b: np.ndarray) -> BoolArray:
    """Whether two bitmask arrays share a bit, elementwise."""
    result: BoolArray = (a & b) != 0
    return result


def in_sorted(keys: IntArray, sorted_keys: IntArray) -> BoolArray:
    """Whether each key occurs in an ascending array (cheaper than np.isin, which sorts)."""
    if sorted_keys.size == 0:
        return np.zeros(keys.size, dtype=bool)
    where = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    found: BoolArray = sorted_keys[where] == keys
    return found


def evaluate_pairs(
    tables: Tables,
    weights: Weights,
    rows: IntArray,
    vols: IntArray,
    *,
    check_capacity: bool = True,
) -> PairCosts:
    """Apply every hard rule and price every soft cost for the pairs (rows[k], vols[k])."""
    t = tables
    feasible = t.vol_free[vols] > 0 if check_capacity else np.ones(rows.size, dtype=bool)
    feasible &= has_common(t.vol_programmes[vols], t.req_programme[rows])
    feasible &= has_common(t.vol_levels[vols], t.req_level[rows])
    feasible &= has_common(t.vol_languages[vols], t.req_languages[rows])
    feasible &= ~t.req_woman_required[rows] | t.vol_woman[vols]
    feasible &= np.any((t.req_days[rows] & t.vol_days[vols]) != 0, axis=1)
    if t.excluded_keys.size:
        feasible &= ~in_sorted(rows * t.vol_xyz.shape[0] + vols, t.excluded_keys)

    primary = has_common(t.vol_subjects[vols], t.req_primary[rows])
    related = has_common(t.vol_subjects[vols], t.req_related[rows])
    if np.isinf(weights.subject_other):
        feasible &= primary | related
    subject = np.where(
        primary, 0.0, np.where(related, weights.subject_related, weights.subject_other)
    )

    distance_km = np.sqrt(((t.req_xyz[rows] - t.vol_xyz[vols]) ** 2).sum(axis=1))
    radius = t.vol_radius[vols]
    can_physical = t.req_physical[rows] & (distance_km <= radius)
    can_virtual = t.req_virtual[rows] & t.vol_virtual[vols]
    feasible &= can_physical | can_virtual
    with np.errstate(divide="ignore", invalid="ignore"):
        distance_cost = np.where(radius > 0, weights.distance * distance_km / radius, 0.0)
    physical = can_physical & (~can_virtual | (distance_cost <= weights.virtual))
    if t.vol_busy.any():
        # Only volunteers with visits already planned need the (slower) window check.
        feasible &= busy_feasible(t, rows, vols, physical)
    zero = np.zeros(rows.size)
    gender = np.where(
        t.req_woman_preferred[rows] & ~t.vol_woman[vols], weights.gender_preferred, 0.0
    )
    if t.visited_keys.size:
        visited = in_sorted(vols * t.n_schools + t.req_school[rows], t.visited_keys)
        repeat = np.where(visited, weights.repeat_school, 0.0)
    else:
        repeat = zero
    return PairCosts(
        feasible=feasible,
        physical=physical,
        distance_km=distance_km,
        subject=np.where(feasible, subject, 0.0),
        distance=np.where(feasible & physical, distance_cost, 0.0),
        virtual=np.where(feasible & ~physical, weights.virtual, 0.0),
        gender=np.where(feasible, gender, 0.0),
        repeat=np.where(feasible, repeat, 0.0),
    )


def rule_checks(tables: Tables, weights: Weights, row: int) -> dict[str, BoolArray]:
    """For one request, whether each volunteer passes each hard rule (in `RULES` order)."""
    t = tables
    n = t.vol_xyz.shape[0]
    distance_km = np.sqrt(((t.req_xyz[row] - t.vol_xyz) ** 2).sum(axis=1))
    everyone = np.arange(n, dtype=np.int64)
    can_physical = t.req_physical[row] & (distance_km <= t.vol_radius)
    can_virtual = t.req_virtual[row] & t.vol_virtual
    with np.errstate(divide="ignore", invalid="ignore"):
        distance_cost = np.where(t.vol_radius > 0, weights.distance * distance_km / t.vol_radius, 0)
    physical = can_physical & (~can_virtual | (distance_cost <= weights.virtual))
    return {
        "notice": np.full(n, bool(t.req_notice_ok[row])),
        "closed": np.full(n, bool(t.req_open_ok[row])),
        "capacity": t.vol_free > 0,
        "programme": has_common(t.vol_enrolled, t.req_programme[row]),
        "women_only": has_common(t.vol_programmes, t.req_programme[row]),
        "level": has_common(t.vol_levels, t.req_level[row]),
        "subject": (
            has_common(t.vol_subjects, t.req_primary[row] | t.req_related[row])
            if np.isinf(weights.subject_other)
            else np.ones(n, dtype=bool)
        ),
        "gender": ~t.req_woman_required[row] | t.vol_woman,
        "language": has_common(t.vol_languages, t.req_languages[row]),
        "reach": can_physical | can_virtual,
        "dates": np.any((t.req_days[row] & t.vol_days) != 0, axis=1),
        "busy": busy_feasible(t, np.full(n, row, dtype=np.int64), everyone, physical),
        "excluded": ~np.isin(row * n + np.arange(n, dtype=np.int64), t.excluded_keys),
    }


def elimination_funnel(tables: Tables, weights: Weights, row: int) -> dict[str, object]:
    """Apply the hard rules in order to every volunteer and count who each rule removes."""
    t = tables
    n = t.vol_xyz.shape[0]
    distance_km = np.sqrt(((t.req_xyz[row] - t.vol_xyz) ** 2).sum(axis=1))
    checks = rule_checks(tables, weights, row)
    alive = np.ones(n, dtype=bool)
    removed: dict[str, int] = {}
    last_rule = None
    nearest: tuple[float, float] | None = None
    for rule in RULES:
        if rule == "reach" and alive.any():
            k = int(np.argmin(np.where(alive, distance_km, np.inf)))
            nearest = (round(float(distance_km[k]), 1), float(t.vol_radius[k]))
        survivors = alive & checks[rule]
        count = int(alive.sum() - survivors.sum())
        removed[rule] = count
        if count and not survivors.any():
            last_rule = rule
        alive = survivors
        if not alive.any():
            break
    data: dict[str, object] = {"volunteers": n, "removed": removed, "rule": last_rule}
    if last_rule == "reach" and nearest is not None:
        data["nearest_km"], data["nearest_radius_km"] = nearest
    return data

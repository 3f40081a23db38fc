"""The domain problem and its solution as frozen dataclasses."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any, Literal

VisitFormat = Literal["physical", "virtual", "either"]
GenderFocus = Literal["none", "woman_preferred", "woman_required"]
UnmatchedReason = Literal["no_candidate", "outcompeted", "too_costly"]


@dataclass(frozen=True)
class DateWindow:
    """A date on which the class can receive the visit; the times are carried through."""

    day: date
    start: time | None = None
    end: time | None = None


@dataclass(frozen=True)
class Availability:
    """When a volunteer can visit: weekdays (Monday=0), inclusive periods, blackout dates."""

    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    #: Inclusive (first, last) date ranges; empty means "any date".
    periods: tuple[tuple[date, date], ...] = ()
    blackout_dates: tuple[date, ...] = ()


@dataclass(frozen=True)
class Busy:
    """A time a volunteer is already taken: a pending proposal or a planned visit."""

    day: date
    start: time | None = None
    end: time | None = None
    #: The school visited in person; None for a virtual visit.
    school_id: int | None = None


@dataclass(frozen=True)
class Request:
    """A class visit wanted by a school."""

    id: int
    programme: str
    level: str
    primary_subject: str
    lat: float
    lon: float
    windows: tuple[DateWindow, ...]
    school_id: int
    other_subjects: tuple[str, ...] = ()
    format: VisitFormat = "physical"
    gender_focus: GenderFocus = "none"
    languages: tuple[str, ...] = ("da",)
    #: Multiplies `Weights.unmatched`: higher means worse to leave unmatched.
    priority: float = 1.0
    #: Days the school is closed (holidays, weekends): a window on one of them is never used.
    closed_days: tuple[date, ...] = ()
    #: The first day a visit can be planned with the programme's notice; earlier windows
    #: are never used.
    not_before: date | None = None


@dataclass(frozen=True)
class Volunteer:
    """A role model with a number of visits still free in the period."""

    id: int
    programmes: tuple[str, ...]
    levels: tuple[str, ...]
    subjects: tuple[str, ...]
    lat: float
    lon: float
    radius_km: float
    capacity: int
    is_woman: bool = False
    virtual_ok: bool = False
    virtual_trained: bool = False
    availability: Availability = field(default_factory=Availability)
    languages: tuple[str, ...] = ("da",)
    visited_school_ids: tuple[int, ...] = ()
    #: Visits already proposed or planned: a new one never overlaps them (see `oneplace`).
    busy: tuple[Busy, ...] = ()


@dataclass(frozen=True)
class Weights:
    """Soft-cost weights; every part of a pair's cost is one of these times a factor."""

    #: Volunteer lacks the primary subject but has a related or other wished subject.
    subject_related: float = 0.4
    #: Volunteer shares no wished subject; `math.inf` turns this into a hard rule.
    subject_other: float = 1.0
    #: Cost of a physical visit at the edge of the volunteer's radius (scales linearly).
    distance: float = 1.0
    #: Cost of a virtual visit; above `distance` so physical wins where possible.
    virtual: float = 1.2
    #: Request prefers a woman and the volunteer is not one.
    gender_preferred: float = 0.5
    #: Marginal cost of a volunteer's n-th visit is `load * (n - 1)`: convex, spreads work.
    load: float = 0.3
    #: Volunteer has visited the same school before.
    repeat_school: float = 0.3
    #: Price of leaving a request unmatched, times the request's priority.
    unmatched: float = 3.0

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if math.isnan(value) or value < 0:
                raise ValueError(f"weight {name} must be a non-negative number, got {value}")
            if math.isinf(value) and name != "subject_other":
                raise ValueError(f"weight {name} must be finite")


@dataclass(frozen=True)
class Problem:
    """Everything `solve` needs; ids refer to requests and volunteers in this problem."""

    requests: tuple[Request, ...]
    volunteers: tuple[Volunteer, ...]
    weights: Weights = field(default_factory=Weights)
    #: subject -> subjects that count as a related fit for a request with that primary subject.
    related_subjects: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Programmes in which only women may be role models.
    women_only_programmes: frozenset[str] = frozenset({"KRAM"})
    #: (request_id, volunteer_id) pairs the coordinator has ruled out.
    exclusions: frozenset[tuple[int, int]] = frozenset()
    #: (request_id, volunteer_id) pairs the coordinator has fixed; they must be feasible.
    locks: frozenset[tuple[int, int]] = frozenset()
    #: Candidates kept per request before the optimality proof adds any it needs.
    candidates_per_request: int = 16


@dataclass(frozen=True)
class Match:
    """A request served by a volunteer, with its cost split into named parts."""

    request_id: int
    volunteer_id: int
    window: DateWindow
    format: Literal["physical", "virtual"]
    distance_km: float
    cost: float
    #: name -> value; the values add up to `cost`.
    parts: Mapping[str, float]
    locked: bool = False


@dataclass(frozen=True)
class UnmatchedRequest:
    """A request left unmatched, the price paid for it, and why (as JSON-ready data)."""

    request_id: int
    reason: UnmatchedReason
    cost: float
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Certificate:
    """Evidence that the plan is optimal for the full feasible graph, not only the candidates."""

    optimal: bool
    #: Solve rounds: 1 when the first candidate graph was already provably enough.
    rounds: int
    #: Edge-relaxation rounds needed for the dual prices in the last round.
    dual_rounds: int
    candidate_pairs: int
    #: Requests whose pruned pairs were cleared by the bound, without enumeration.
    rows_bounded: int
    #: Requests whose pruned pairs were enumerated and priced one by one.
    rows_enumerated: int
    pairs_checked: int
    pairs_added: int
    #: Most negative reduced cost seen in the last check (0 when none was negative).
    max_violation: float
    #: Tolerance under which a negative reduced cost counts as rounding noise.
    tolerance: float
    #: Matches moved to another of the request's windows so a volunteer is in one place
    #: at a time; the cost does not depend on the window, so the proof still holds.
    overlap_moves: int = 0
    #: Matches given up because a volunteer could not be in both places, and placed
    #: again around the rest of the plan.
    overlap_repairs: int = 0
    #: True when `optimal` proves the plan only for the problem without the one-place
    #: rule (overlap_repairs > 0): the repaired plan is feasible but not proven optimal.
    relaxed_only: bool = False


@dataclass(frozen=True)
class SolveStats:
    """Wall-clock seconds for the phases of `solve`, and graph sizes."""

    build_seconds: float
    solve_seconds: float
    proof_seconds: float
    total_seconds: float
    slot_edges: int


@dataclass(frozen=True)
class Solution:
    """The optimal plan, its explanations and the optimality certificate."""

    assignments: tuple[Match, ...]
    unmatched: tuple[UnmatchedRequest, ...]
    objective: float
    certificate: Certificate
    stats: SolveStats

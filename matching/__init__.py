"""Optimal matching of class-visit requests to role-model volunteers (numpy + scipy only)."""

from matching.assign import Assignment, assign
from matching.errors import Infeasible, InvalidInput, MatchingError
from matching.model import (
    Availability,
    Busy,
    Certificate,
    DateWindow,
    Match,
    Problem,
    Request,
    Solution,
    SolveStats,
    UnmatchedRequest,
    Volunteer,
    Weights,
)
from matching.solve import solve

__all__ = [
    "Assignment",
    "Availability",
    "Busy",
    "Certificate",
    "DateWindow",
    "Infeasible",
    "InvalidInput",
    "Match",
    "MatchingError",
    "Problem",
    "Request",
    "Solution",
    "SolveStats",
    "UnmatchedRequest",
    "Volunteer",
    "Weights",
    "assign",
    "solve",
]

"""JSON in and out: problems, solutions and OR-Library matrices. Errors name the bad field."""

from __future__ import annotations

import json
import math
import reprlib
from collections.abc import Callable, Mapping
from datetime import date, time
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from matching.errors import InvalidInput
from matching.model import (
    Availability,
    Busy,
    DateWindow,
    Match,
    Problem,
    Request,
    Solution,
    UnmatchedRequest,
    Volunteer,
    Weights,
)

T = TypeVar("T")

#: Ids, capacities and counts become numpy int64: anything larger is refused as input.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

_short = reprlib.Repr()
_short.maxstring = 40
_short.maxlong = 40
_short.maxother = 40
_short.maxlist = _short.maxtuple = _short.maxdict = 3
_short.maxlevel = 2


def shown(value: Any) -> str:
    """A value as an error message may quote it: never more than a few dozen characters."""
    return _short.repr(value)


def load_json(text: str) -> Any:
    """Parse JSON, refusing NaN and Infinity literals."""

    def refuse(token: str) -> float:
        raise InvalidInput(f"JSON number {token} is not allowed")

    try:
        return json.loads(text, parse_constant=refuse)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise InvalidInput("JSON is nested too deeply") from None
    except ValueError as exc:  # e.g. a number with more digits than Python converts
        raise InvalidInput(f"JSON value cannot be read: {shown(str(exc))}") from None


def problem_from_json(document: Any) -> Problem:
    """Build a `Problem` from the JSON structure described in README.md."""
    root = _object(document, "problem")
    _known(
        root,
        "problem",
        {
            "requests",
            "volunteers",
            "weights",
            "related_subjects",
            "women_only_programmes",
            "exclusions",
            "locks",
            "candidates_per_request",
        },
    )
    requests = tuple(
        _request(item, f"requests[{k}]")
        for k, item in enumerate(_list(root, "requests", "problem"))
    )
    volunteers = tuple(
        _volunteer(item, f"volunteers[{k}]")
        for k, item in enumerate(_list(root, "volunteers", "problem"))
    )
    weights_doc = _object(root.get("weights", {}), "weights")
    _known(weights_doc, "weights", set(Weights.__dataclass_fields__))
    try:
        weights = Weights(**{k: _number(weights_doc, k, "weights") for k in weights_doc})
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    related_doc = _object(root.get("related_subjects", {}), "related_subjects")
    related = {
        str(subject): _strings(related_doc, subject, "related_subjects") for subject in related_doc
    }
    women_only = frozenset(
        _strings(root, "women_only_programmes", "problem")
        if "women_only_programmes" in root
        else ("KRAM",)
    )
    return Problem(
        requests=requests,
        volunteers=volunteers,
        weights=weights,
        related_subjects=related,
        women_only_programmes=women_only,
        exclusions=_pairs(root, "exclusions"),
        locks=_pairs(root, "locks"),
        candidates_per_request=_int(root, "candidates_per_request", "problem", default=16),
    )


def solution_to_json(solution: Solution) -> dict[str, Any]:
    """Turn a `Solution` into plain JSON data."""
    return {
        "objective": solution.objective,
        "assignments": [_match(m) for m in solution.assignments],
        "unmatched": [_unmatched(u) for u in solution.unmatched],
        "certificate": vars(solution.certificate),
        "stats": vars(solution.stats),
    }


def read_orlib(text: str) -> npt.NDArray[np.float64] | npt.NDArray[np.int64]:
    """Read an OR-Library assignment matrix: n, then n·n costs in row-major order."""
    tokens = text.split()
    if not tokens:
        raise InvalidInput("empty OR-Library file")
    try:
        n = int(tokens[0])
    except ValueError:
        raise InvalidInput(f"OR-Library file must start with n, got {shown(tokens[0])}") from None
    if n < 0 or len(tokens) - 1 != n * n:
        raise InvalidInput(
            f"OR-Library file with n={shown(n)} needs n*n costs, got {len(tokens) - 1}"
        )
    if all(t.lstrip("-").isdigit() for t in tokens[1:]):
        # Digits only, but perhaps more than 64 bits hold: refuse those by their length
        # first (int() of thousands of digits is slow, and refused beyond 4,300).
        if any(len(t.lstrip("-")) > 19 for t in tokens[1:]):
            raise InvalidInput("OR-Library costs must fit in 64 bits")
        costs = [int(t) for t in tokens[1:]]
        if any(not INT64_MIN <= c <= INT64_MAX for c in costs):
            raise InvalidInput("OR-Library costs must fit in 64 bits")
        return np.array(costs, dtype=np.int64).reshape(n, n)
    try:
        values = np.array([float(t) for t in tokens[1:]], dtype=np.float64)
    except ValueError as exc:
        raise InvalidInput(f"OR-Library cost is not a number: {exc}") from None
    if not np.all(np.isfinite(values)):
        raise InvalidInput("OR-Library costs must be finite (found NaN or infinity)")
    return values.reshape(n, n)


def _match(m: Match) -> dict[str, Any]:
    return {
        "request_id": m.request_id,
        "volunteer_id": m.volunteer_id,
        "date": m.window.day.isoformat(),
        "start": m.window.start.strftime("%H:%M") if m.window.start else None,
        "end": m.window.end.strftime("%H:%M") if m.window.end else None,
        "format": m.format,
        "distance_km": m.distance_km,
        "cost": m.cost,
        "parts": dict(m.parts),
        "locked": m.locked,
    }


def _unmatched(u: UnmatchedRequest) -> dict[str, Any]:
    return {"request_id": u.request_id, "reason": u.reason, "cost": u.cost, "data": dict(u.data)}


def _request(document: Any, where: str) -> Request:
    doc = _object(document, where)
    _known(doc, where, set(Request.__dataclass_fields__))
    return Request(
        id=_int(doc, "id", where),
        programme=_string(doc, "programme", where),
        level=_string(doc, "level", where),
        primary_subject=_string(doc, "primary_subject", where),
        other_subjects=_strings(doc, "other_subjects", where, default=()),
        lat=_number(doc, "lat", where),
        lon=_number(doc, "lon", where),
        windows=tuple(
            _window(w, f"{where}.windows[{k}]") for k, w in enumerate(_list(doc, "windows", where))
        ),
        school_id=_int(doc, "school_id", where),
        format=_choice(doc, "format", where, ("physical", "virtual", "either"), "physical"),  # type: ignore[arg-type]
        gender_focus=_choice(  # type: ignore[arg-type]
            doc, "gender_focus", where, ("none", "woman_preferred", "woman_required"), "none"
        ),
        languages=_strings(doc, "languages", where, default=("da",)),
        priority=_number(doc, "priority", where, default=1.0),
        closed_days=tuple(
            sorted(
                _date(d, f"{where}.closed_days")
                for d in _list(doc, "closed_days", where, default=[])
            )
        ),
        not_before=_date(doc["not_before"], f"{where}.not_before")
        if doc.get("not_before") is not None
        else None,
    )


def _volunteer(document: Any, where: str) -> Volunteer:
    doc = _object(document, where)
    _known(doc, where, set(Volunteer.__dataclass_fields__))
    capacity = _int(doc, "capacity", where)
    if capacity < 0:
        raise InvalidInput(f"{where}.capacity must not be negative, got {capacity}")
    avail = _object(doc.get("availability", {}), f"{where}.availability")
    _known(avail, f"{where}.availability", {"weekdays", "periods", "blackout_dates"})
    periods = []
    for k, item in enumerate(_list(avail, "periods", f"{where}.availability", default=[])):
        if not (isinstance(item, list) and len(item) == 2):
            raise InvalidInput(f"{where}.availability.periods[{k}] must be [first, last]")
        periods.append(
            (
                _date(item[0], f"{where}.availability.periods[{k}]"),
                _date(item[1], f"{where}.availability.periods[{k}]"),
            )
        )
    weekdays = tuple(
        _checked(d, f"{where}.availability.weekdays", lambda x: type(x) is int and 0 <= x <= 6)
        for d in _list(avail, "weekdays", f"{where}.availability", default=[0, 1, 2, 3, 4])
    )
    blackouts = tuple(
        _date(d, f"{where}.availability.blackout_dates")
        for d in _list(avail, "blackout_dates", f"{where}.availability", default=[])
    )
    return Volunteer(
        id=_int(doc, "id", where),
        programmes=_strings(doc, "programmes", where),
        levels=_strings(doc, "levels", where),
        subjects=_strings(doc, "subjects", where),
        lat=_number(doc, "lat", where),
        lon=_number(doc, "lon", where),
        radius_km=_number(doc, "radius_km", where),
        capacity=capacity,
        is_woman=_bool(doc, "is_woman", where),
        virtual_ok=_bool(doc, "virtual_ok", where),
        virtual_trained=_bool(doc, "virtual_trained", where),
        availability=Availability(weekdays, tuple(periods), blackouts),
        languages=_strings(doc, "languages", where, default=("da",)),
        visited_school_ids=tuple(
            _checked(
                s,
                f"{where}.visited_school_ids",
                lambda x: type(x) is int and INT64_MIN <= x <= INT64_MAX,
            )
            for s in _list(doc, "visited_school_ids", where, default=[])
        ),
        busy=tuple(
            _busy(b, f"{where}.busy[{k}]")
            for k, b in enumerate(_list(doc, "busy", where, default=[]))
        ),
    )


def _busy(document: Any, where: str) -> Busy:
    doc = _object(document, where)
    _known(doc, where, {"date", "start", "end", "school_id"})
    window = _window({k: v for k, v in doc.items() if k != "school_id"}, where)
    school = doc.get("school_id")
    if school is not None and type(school) is not int:
        raise InvalidInput(f"{where}.school_id must be an integer or null")
    return Busy(window.day, window.start, window.end, school)


def _window(document: Any, where: str) -> DateWindow:
    doc = _object(document, where)
    _known(doc, where, {"date", "start", "end"})
    if "date" not in doc:
        raise InvalidInput(f"{where}.date is missing")
    return DateWindow(
        _date(doc["date"], f"{where}.date"),
        _time(doc.get("start"), f"{where}.start"),
        _time(doc.get("end"), f"{where}.end"),
    )


def _pairs(root: Mapping[str, Any], key: str) -> frozenset[tuple[int, int]]:
    result = set()
    for k, item in enumerate(_list(root, key, "problem", default=[])):
        if not (
            isinstance(item, list)
            and len(item) == 2
            and all(type(x) is int and INT64_MIN <= x <= INT64_MAX for x in item)
        ):
            raise InvalidInput(f"{key}[{k}] must be [request_id, volunteer_id]")
        result.add((item[0], item[1]))
    return frozenset(result)


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(f"{where} must be a JSON object")
    return value


def _known(doc: Mapping[str, Any], where: str, allowed: set[str]) -> None:
    unknown = sorted(set(doc) - allowed)
    if unknown:
        raise InvalidInput(f"{where} has unknown field(s): {', '.join(shown(u) for u in unknown)}")


_MISSING = object()


def _get(doc: Mapping[str, Any], key: str, where: str, default: Any) -> Any:
    value = doc.get(key, default)
    if value is _MISSING:
        raise InvalidInput(f"{where}.{key} is missing")
    return value


def _list(doc: Mapping[str, Any], key: str, where: str, default: Any = _MISSING) -> list[Any]:
    value = _get(doc, key, where, default)
    if not isinstance(value, list):
        raise InvalidInput(f"{where}.{key} must be a list")
    return value


def _number(doc: Mapping[str, Any], key: str, where: str, default: Any = _MISSING) -> float:
    value = _get(doc, key, where, default)
    try:
        number = float(value) if type(value) in (int, float) else math.nan
    except OverflowError:  # an integer beyond any float
        number = math.nan
    if not math.isfinite(number):
        raise InvalidInput(f"{where}.{key} must be a finite number, got {shown(value)}")
    return number


def _int(doc: Mapping[str, Any], key: str, where: str, default: Any = _MISSING) -> int:
    value = _get(doc, key, where, default)
    if type(value) is not int:
        raise InvalidInput(f"{where}.{key} must be an integer, got {shown(value)}")
    if not INT64_MIN <= value <= INT64_MAX:
        raise InvalidInput(f"{where}.{key} must fit in 64 bits, got {shown(value)}")
    return value


def _bool(doc: Mapping[str, Any], key: str, where: str) -> bool:
    value = doc.get(key, False)
    if type(value) is not bool:
        raise InvalidInput(f"{where}.{key} must be true or false, got {shown(value)}")
    return value


def _string(doc: Mapping[str, Any], key: str, where: str) -> str:
    value = _get(doc, key, where, _MISSING)
    if not isinstance(value, str):
        raise InvalidInput(f"{where}.{key} must be a string, got {shown(value)}")
    return value


def _strings(
    doc: Mapping[str, Any], key: str, where: str, default: Any = _MISSING
) -> tuple[str, ...]:
    value = _get(doc, key, where, default)
    if isinstance(value, tuple):
        return value
    if not (isinstance(value, list) and all(isinstance(s, str) for s in value)):
        raise InvalidInput(f"{where}.{key} must be a list of strings")
    return tuple(value)


def _choice(
    doc: Mapping[str, Any], key: str, where: str, options: tuple[str, ...], default: str
) -> str:
    value = doc.get(key, default)
    if value not in options:
        raise InvalidInput(f"{where}.{key} must be one of {', '.join(options)}, got {shown(value)}")
    return str(value)


def _checked(value: T, where: str, test: Callable[[T], bool]) -> T:
    if not test(value):
        raise InvalidInput(f"{where} has an invalid entry {shown(value)}")
    return value


def _date(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{where} must be a date like 2026-03-10, got {shown(value)}") from None


def _time(value: Any, where: str) -> time | None:
    if value is None:
        return None
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{where} must be a time like 09:00, got {shown(value)}") from None

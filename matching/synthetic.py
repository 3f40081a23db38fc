"""Random but plausible problems, for benchmarks and property tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

import numpy as np

from matching.model import (
    Availability,
    DateWindow,
    GenderFocus,
    Problem,
    Request,
    VisitFormat,
    Volunteer,
    Weights,
)

PROGRAMMES = ("KRAM", "BOOK", "STEM")
LEVELS = ("indskoling", "mellemtrin", "udskoling", "stx", "htx")
SUBJECTS = (
    "matematik",
    "fysik",
    "kemi",
    "biologi",
    "informatik",
    "teknologi",
    "geografi",
    "natur",
)
RELATED = {
    "fysik": ("kemi", "teknologi"),
    "kemi": ("fysik", "biologi"),
    "biologi": ("kemi", "natur"),
    "informatik": ("matematik", "teknologi"),
    "matematik": ("informatik", "fysik"),
    "teknologi": ("fysik", "informatik"),
    "natur": ("biologi", "geografi"),
    "geografi": ("natur",),
}
FOCUS: tuple[GenderFocus, ...] = ("none", "woman_preferred", "woman_required")
#: Bounding box of Denmark (lat, lon).
DENMARK = ((54.56, 57.75), (8.07, 12.69))


@dataclass(frozen=True)
class Shape:
    """Size and character of a generated problem."""

    requests: int
    volunteers: int
    capacity: int = 2
    radius_km: float = 40.0
    virtual_share: float = 0.10
    box: tuple[tuple[float, float], tuple[float, float]] = DENMARK
    days: int = 90
    seed: int = 0
    #: Give each school a Danish-like calendar of closed days (påske, Kristi himmelfart,
    #: pinse and a local day or two), so some windows fall on days the school is closed.
    school_holidays: bool = False


def random_problem(shape: Shape, weights: Weights | None = None, k: int = 16) -> Problem:
    """Generate a problem; the same shape always gives the same problem."""
    rng = np.random.default_rng(shape.seed)
    first_day = date(2026, 3, 2)
    (lat_lo, lat_hi), (lon_lo, lon_hi) = shape.box
    n_schools = max(1, shape.requests // 3)
    school_lat = rng.uniform(lat_lo, lat_hi, n_schools)
    school_lon = rng.uniform(lon_lo, lon_hi, n_schools)

    def pick(options: tuple[str, ...], low: int, high: int) -> tuple[str, ...]:
        count = int(rng.integers(low, high + 1))
        chosen = rng.choice(len(options), size=min(count, len(options)), replace=False)
        return tuple(options[int(c)] for c in sorted(chosen))

    def weekday(offset: int) -> date:
        day = first_day + timedelta(days=offset)
        return day + timedelta(days=max(0, 7 - day.weekday()) if day.weekday() > 4 else 0)

    closed_by_school = _school_calendars(rng, n_schools, first_day, shape.days)
    requests = []
    for rid in range(shape.requests):
        school = int(rng.integers(n_schools))
        roll = rng.random()
        fmt: VisitFormat = "physical"
        if roll < shape.virtual_share:
            fmt = "either" if roll < shape.virtual_share / 2 else "virtual"
        focus: GenderFocus = FOCUS[int(rng.choice(3, p=[0.8, 0.15, 0.05]))]
        windows = tuple(
            DateWindow(weekday(int(off)), time(9, 0), time(11, 0))
            for off in sorted(
                set(rng.integers(0, shape.days - 3, int(rng.integers(1, 4))).tolist())
            )
        )
        if shape.school_holidays:
            windows = _with_open_window(windows, closed_by_school[school])
        level = int(rng.integers(len(LEVELS)))
        requests.append(
            Request(
                id=1000 + rid,
                programme=PROGRAMMES[int(rng.choice(3, p=[0.25, 0.35, 0.4]))],
                level=LEVELS[level],
                primary_subject=SUBJECTS[int(rng.integers(len(SUBJECTS)))],
                other_subjects=pick(SUBJECTS, 0, 2),
                lat=float(school_lat[school] + rng.normal(0, 0.002)),
                lon=float(school_lon[school] + rng.normal(0, 0.002)),
                windows=windows,
                school_id=school,
                format=fmt,
                gender_focus=focus,
                languages=("da",) if rng.random() < 0.9 else ("da", "en"),
                priority=float(np.round(rng.uniform(1.0, 2.0), 2)),
                closed_days=_closed_within(closed_by_school[school], windows)
                if shape.school_holidays
                else (),
            )
        )

    volunteers = []
    for vid in range(shape.volunteers):
        first_level = int(rng.integers(len(LEVELS) - 1))
        virtual_ok = bool(rng.random() < 0.25)
        periods: tuple[tuple[date, date], ...] = ()
        if rng.random() < 0.5:
            start = int(rng.integers(0, shape.days // 2))
            periods = ((first_day + timedelta(days=start), first_day + timedelta(days=start + 60)),)
        blackout = tuple(
            first_day + timedelta(days=int(d))
            for d in rng.integers(0, shape.days, int(rng.integers(0, 4)))
        )
        volunteers.append(
            Volunteer(
                id=500_000 + vid,
                programmes=pick(PROGRAMMES, 1, 2),
                levels=LEVELS[first_level : first_level + int(rng.integers(2, 4))],
                subjects=pick(SUBJECTS, 1, 3),
                lat=float(rng.uniform(lat_lo, lat_hi)),
                lon=float(rng.uniform(lon_lo, lon_hi)),
                radius_km=shape.radius_km,
                capacity=shape.capacity,
                is_woman=bool(rng.random() < 0.5),
                virtual_ok=virtual_ok,
                virtual_trained=virtual_ok and bool(rng.random() < 0.8),
                availability=Availability(
                    weekdays=tuple(
                        sorted(
                            int(d) for d in rng.choice(5, int(rng.integers(2, 6)), replace=False)
                        )
                    ),
                    periods=periods,
                    blackout_dates=tuple(sorted(set(blackout))),
                ),
                languages=("da",) if rng.random() < 0.7 else ("da", "en"),
                visited_school_ids=tuple(
                    int(s) for s in rng.integers(0, n_schools, int(rng.integers(0, 3)))
                ),
            )
        )
    return Problem(
        requests=tuple(requests),
        volunteers=tuple(volunteers),
        weights=weights or Weights(),
        related_subjects=RELATED,
        candidates_per_request=k,
    )


#: Closed in every school of the generated calendars: påskeferie, Kristi himmelfart and the
#: Friday after, 2. pinsedag (2026).
SHARED_CLOSED = (
    *(date(2026, 3, 30) + timedelta(days=d) for d in range(8)),
    date(2026, 5, 14),
    date(2026, 5, 15),
    date(2026, 5, 25),
)


def _school_calendars(
    rng: np.random.Generator, n_schools: int, first_day: date, days: int
) -> list[tuple[date, ...]]:
    """Per school: the shared closed days plus one or two local ones (a planning day)."""
    calendars = []
    for _ in range(n_schools):
        local = {first_day + timedelta(days=int(d)) for d in rng.integers(0, days, 2)}
        calendars.append(tuple(sorted({*SHARED_CLOSED, *local})))
    return calendars


def _with_open_window(
    windows: tuple[DateWindow, ...], closed: tuple[date, ...]
) -> tuple[DateWindow, ...]:
    """The booking form refuses a request on closed days only: add the next open weekday."""
    if any(w.day not in closed for w in windows):
        return windows
    day = max(w.day for w in windows)
    while day in closed or day.weekday() > 4:
        day += timedelta(days=1)
    return (*windows, DateWindow(day, time(9, 0), time(11, 0)))


def _closed_within(closed: tuple[date, ...], windows: tuple[DateWindow, ...]) -> tuple[date, ...]:
    """The closed days between a request's first and last window: all the engine needs."""
    first = min(w.day for w in windows)
    last = max(w.day for w in windows)
    return tuple(d for d in closed if first <= d <= last)

"""The Danish school year: which days a school is closed, and counting school days.

`calendar_for(session, school)` gives a school's `SchoolCalendar`: the national default
pattern (`pattern.py`) for its municipality, then the coordinator's overrides for the
municipality, then those for the school itself. Weekends are closed unless the caller
(a programme that allows weekend visits) says otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mentor.models import CalendarOverride, School
from mentor.schoolyear.pattern import ClosedDay, default_closed_day, winter_week

__all__ = ["ClosedDay", "SchoolCalendar", "calendar_for", "calendars_for", "winter_week"]

#: School-day arithmetic never looks further than this (a year and a summer holiday).
MAX_SEARCH_DAYS = 800


@dataclass(frozen=True)
class Override:
    first_day: date
    last_day: date
    closed: bool
    label: str


@dataclass
class SchoolCalendar:
    """The days one school is closed; answers for any date."""

    municipality_code: int
    #: Municipality overrides first, then the school's, each oldest first: the last wins.
    overrides: list[Override] = field(default_factory=list)
    weekends_closed: bool = True

    def with_weekends_open(self, weekends_open: bool) -> SchoolCalendar:
        return replace(self, weekends_closed=not weekends_open)

    def closed_day(self, day: date) -> ClosedDay | None:
        """Why the school is closed that day, or None when it is open."""
        for override in reversed(self.overrides):
            if override.first_day <= day <= override.last_day:
                return ClosedDay(day, "local", override.label) if override.closed else None
        return default_closed_day(self.municipality_code, day, self.weekends_closed)

    def is_open(self, day: date) -> bool:
        return self.closed_day(day) is None

    def closed_between(self, first: date, last: date) -> list[ClosedDay]:
        found = []
        day = first
        while day <= last:
            closed = self.closed_day(day)
            if closed is not None:
                found.append(closed)
            day += timedelta(days=1)
        return found

    def school_days_before(self, day: date, n: int) -> date:
        """The n-th school day before `day` (n = 0: `day` itself)."""
        return self._step(day, n, -1)

    def school_days_after(self, day: date, n: int) -> date:
        """The n-th school day after `day` (n = 0: `day` itself)."""
        return self._step(day, n, 1)

    def school_days_between(self, first: date, last: date) -> int:
        """School days after `first` up to and including `last` (0 when last <= first)."""
        count, day = 0, first
        while day < last:
            day += timedelta(days=1)
            count += self.is_open(day)
        return count

    def _step(self, day: date, n: int, direction: int) -> date:
        for _ in range(MAX_SEARCH_DAYS):
            if n == 0:
                return day
            day += timedelta(days=direction)
            if self.is_open(day):
                n -= 1
        raise ValueError("no school days within the search horizon")


def calendar_for(session: Session, school: School) -> SchoolCalendar:
    """The calendar a school uses: the default of its municipality with every override."""
    return calendars_for(session, [school])[school.id]


def calendars_for(session: Session, schools: Iterable[School]) -> dict[int, SchoolCalendar]:
    """Calendars for many schools with two queries (a matching run has thousands)."""
    schools = list(schools)
    municipalities = {s.municipality_code for s in schools}
    by_municipality: dict[int, list[Override]] = defaultdict(list)
    by_school: dict[int, list[Override]] = defaultdict(list)
    if schools:
        for row in session.scalars(
            sa.select(CalendarOverride)
            .where(
                sa.or_(
                    CalendarOverride.municipality_code.in_(municipalities),
                    CalendarOverride.school_id.in_([s.id for s in schools]),
                )
            )
            .order_by(CalendarOverride.created_at, CalendarOverride.id)
        ):
            item = Override(row.first_day, row.last_day, row.closed, row.label)
            if row.school_id is not None:
                by_school[row.school_id].append(item)
            else:
                by_municipality[row.municipality_code or 0].append(item)
    return {
        s.id: SchoolCalendar(
            s.municipality_code, [*by_municipality[s.municipality_code], *by_school[s.id]]
        )
        for s in schools
    }


def default_calendar(municipality_code: int) -> SchoolCalendar:
    """The default calendar of a municipality, without any override."""
    return SchoolCalendar(municipality_code)

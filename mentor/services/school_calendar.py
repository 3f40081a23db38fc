"""Coordinators change a municipality's or a school's calendar; the school page shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mentor.models import CalendarOverride, School, User
from mentor.models.base import utcnow
from mentor.schoolyear import SchoolCalendar, calendar_for
from mentor.schoolyear.labels import closed_day_name
from mentor.services import audit
from mentor.services.errors import DomainError, NotFound

#: An override covers at most a school year and a summer.
MAX_OVERRIDE_DAYS = 400


@dataclass(frozen=True)
class ClosedPeriod:
    """Consecutive closed days with one name (weekends inside it do not break it)."""

    first: date
    last: date
    name: str
    kind: str


def school_year_of(day: date) -> tuple[date, date]:
    """The school year (1 August - 31 July) a day belongs to."""
    start_year = day.year if day.month >= 8 else day.year - 1
    return date(start_year, 8, 1), date(start_year + 1, 7, 31)


def closed_periods(calendar: SchoolCalendar, first: date, last: date) -> list[ClosedPeriod]:
    """The holidays of a period as named ranges, without the plain weekends."""
    periods: list[ClosedPeriod] = []
    day = first
    while day <= last:
        closed = calendar.closed_day(day)
        if closed is not None and closed.kind != "weekend":
            name = closed_day_name(closed)
            previous = periods[-1] if periods else None
            gap_is_weekend = previous is not None and all(
                (c := calendar.closed_day(previous.last + timedelta(days=k))) is not None
                and c.kind == "weekend"
                for k in range(1, (day - previous.last).days)
            )
            if previous is not None and previous.name == name and gap_is_weekend:
                periods[-1] = ClosedPeriod(previous.first, day, name, closed.kind)
            else:
                periods.append(ClosedPeriod(day, day, name, closed.kind))
        day += timedelta(days=1)
    return periods


def school_calendar_view(
    session: Session, school: School, today: date
) -> tuple[list[tuple[tuple[date, date], list[ClosedPeriod]]], list[CalendarOverride]]:
    """This and next school year's holidays of a school, and the overrides that apply."""
    calendar = calendar_for(session, school)
    years = []
    first, last = school_year_of(today)
    for _year in range(2):
        years.append(((first, last), closed_periods(calendar, first, last)))
        first, last = date(first.year + 1, 8, 1), date(last.year + 1, 7, 31)
    overrides = list(
        session.scalars(
            sa.select(CalendarOverride)
            .where(
                sa.or_(
                    CalendarOverride.school_id == school.id,
                    CalendarOverride.municipality_code == school.municipality_code,
                )
            )
            .order_by(CalendarOverride.first_day, CalendarOverride.id)
        )
    )
    return years, overrides


def add_override(
    session: Session,
    actor: User,
    school: School,
    *,
    whole_municipality: bool,
    first_day: date,
    last_day: date,
    closed: bool,
    label: str,
    now: datetime | None = None,
) -> CalendarOverride:
    """Close (or open) days for one school or for every school of its municipality."""
    now = now or utcnow()
    label = " ".join(label.split())[:80]
    if last_day < first_day:
        raise DomainError(_("Sidste dag ligger før første dag."), field="last_day")
    if (last_day - first_day).days > MAX_OVERRIDE_DAYS:
        raise DomainError(_("Vælg en periode på højst et skoleår."), field="last_day")
    if closed and not label:
        raise DomainError(
            _("Skriv, hvad skolen holder lukket for (fx vinterferie)."), field="label"
        )
    override = CalendarOverride(
        municipality_code=school.municipality_code if whole_municipality else None,
        school_id=None if whole_municipality else school.id,
        first_day=first_day,
        last_day=last_day,
        closed=closed,
        label=label,
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(override)
    session.flush()
    audit.record(
        session,
        actor,
        "calendar_override_added",
        "calendar_override",
        override.id,
        now=now,
        school_id=school.id,
        municipality=whole_municipality,
        first_day=first_day.isoformat(),
        last_day=last_day.isoformat(),
        closed=closed,
    )
    return override


def delete_override(
    session: Session, actor: User, override_id: int, now: datetime | None = None
) -> CalendarOverride:
    override = session.get(CalendarOverride, override_id)
    if override is None:
        raise NotFound(_("Ændringen findes ikke længere."))
    session.delete(override)
    audit.record(
        session,
        actor,
        "calendar_override_deleted",
        "calendar_override",
        override_id,
        now=now or utcnow(),
        first_day=override.first_day.isoformat(),
        last_day=override.last_day.isoformat(),
    )
    return override

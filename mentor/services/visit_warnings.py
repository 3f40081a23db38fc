"""Warnings when a class's first date approaches without a confirmed role model.

The teacher and the programme's coordinators hear 10 and 5 school days before the
request's first open window (school days: the school's own calendar, so a holiday in
between does not shorten the warning). At the last warning the request also goes on the
coordinators' attention list: there is no time left for one more volunteer to answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from mentor.models import BookingRequest, DateWindow, User
from mentor.models.enums import RequestStatus, Role
from mentor.schoolyear import calendars_for
from mentor.services.deadlines import NO_VOLUNTEER_SOON, needs_attention
from mentor.services.matching import local_to_utc
from mentor.services.reminders import (
    Reminder,
    ReminderSettings,
    _open_stage,
    _stamp,
    link,
    local_day,
    local_moment,
)

#: School days before the first window at which teacher and coordinators are warned.
WARN_SCHOOL_DAYS = (10, 5)
WAITING = (RequestStatus.SUBMITTED, RequestStatus.UNMATCHED, RequestStatus.PROPOSED)


def unconfirmed_visit_warnings(
    session: Session, now: datetime, settings: ReminderSettings
) -> list[Reminder]:
    """Warnings due now for requests whose first date nears with nobody confirmed."""
    zone = settings.zone
    today = local_day(now, zone)
    # Ten school days are at most about four calendar weeks, holidays included.
    horizon = today + timedelta(days=45)
    requests = list(
        session.scalars(
            sa.select(BookingRequest)
            .where(
                BookingRequest.status.in_(WAITING),
                sa.exists().where(
                    DateWindow.request_id == BookingRequest.id,
                    DateWindow.day >= today,
                    DateWindow.day <= horizon,
                ),
            )
            .options(
                selectinload(BookingRequest.windows),
                selectinload(BookingRequest.school),
                selectinload(BookingRequest.teacher),
                selectinload(BookingRequest.programme),
            )
        )
    )
    if not requests:
        return []
    calendars = calendars_for(session, {r.school_id: r.school for r in requests}.values())
    coordinators = _coordinators(session)
    reminders = []
    for request in requests:
        calendar = calendars[request.school_id].with_weekends_open(request.programme.weekends_open)
        upcoming = [w for w in request.windows if w.day >= today and calendar.is_open(w.day)]
        if not upcoming:
            continue
        first = min(upcoming, key=lambda w: (w.day, w.start_time))
        starts = local_to_utc(first.day, first.start_time)
        dues = [
            local_moment(calendar.school_days_before(first.day, n), settings.send_hour, zone)
            for n in WARN_SCHOOL_DAYS
        ]
        stage = _open_stage(dues, now, starts)
        if stage is None or dues[stage] < request.created_at:
            continue
        if stage == len(dues) - 1:
            needs_attention(request, NO_VOLUNTEER_SOON, now)
        days_left = calendar.school_days_between(today, first.day)
        recipients = [("teacher", request.teacher)] if request.teacher is not None else []
        recipients += [
            ("coordinator", c)
            for c in coordinators
            if not c.coordinated_programmes
            or request.programme_id in {p.id for p in c.coordinated_programmes}
        ]
        for role, user in recipients:
            reminders.append(
                Reminder(
                    kind="visit_unconfirmed",
                    key=f"visit_unconfirmed:request:{request.id}:{role}:{user.id}:"
                    f"{_stamp(dues[stage])}",
                    user=user,
                    template="request_unconfirmed",
                    essential=True,
                    due=dues[stage],
                    context={
                        "booking": request,
                        "role": role,
                        "first_day": first.day,
                        "school_days": days_left,
                        "link": link("teacher_request", request_id=request.id)
                        if role == "teacher"
                        else _coordinator_link(request.id),
                    },
                )
            )
    return reminders


def _coordinators(session: Session) -> list[User]:
    return list(
        session.scalars(
            sa.select(User).where(
                User.role == Role.COORDINATOR, User.deleted_at.is_(None), User.email.is_not(None)
            )
        )
    )


def _coordinator_link(request_id: int) -> str:
    from mentor.links import external_url

    return external_url("coordinator.request_detail", request_id=request_id)

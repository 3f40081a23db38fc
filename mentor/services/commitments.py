"""A volunteer's commitments: pending proposals and planned visits, as times and places.

The engine gets them as `matching.Busy` so it never proposes a visit that overlaps one,
and every database path that proposes (a run's commit, a cascade, a manual assignment)
checks the same rule again after taking the volunteer's row lock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

import matching
from matching.oneplace import Placed, clash
from mentor.models import BookingRequest, DateWindow, Proposal, Visit
from mentor.models.enums import ProposalStatus, VisitFormat, VisitStatus

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def commitments(
    session: Session, volunteer_ids: Iterable[int] | sa.Select[Any], today: date
) -> dict[int, list[matching.Busy]]:
    """Each volunteer's pending proposals and planned visits from today on."""
    ids = volunteer_ids if isinstance(volunteer_ids, sa.Select) else list(volunteer_ids)
    found: dict[int, list[matching.Busy]] = defaultdict(list)
    pending = session.execute(
        sa.select(
            Proposal.volunteer_id,
            Proposal.format,
            DateWindow.day,
            DateWindow.start_time,
            DateWindow.end_time,
            BookingRequest.school_id,
        )
        .join(DateWindow, DateWindow.id == Proposal.window_id)
        .join(BookingRequest, BookingRequest.id == Proposal.request_id)
        .where(
            Proposal.status == ProposalStatus.PENDING,
            Proposal.volunteer_id.in_(ids),
            DateWindow.day >= today,
        )
    )
    for vid, fmt, day, start, end, school in pending:
        found[vid].append(_busy(day, start, end, school, fmt))
    planned = session.execute(
        sa.select(
            Visit.volunteer_id,
            Visit.format,
            Visit.starts_at,
            Visit.ends_at,
            BookingRequest.school_id,
        )
        .join(BookingRequest, BookingRequest.id == Visit.request_id)
        .where(
            Visit.status == VisitStatus.PLANNED,
            Visit.volunteer_id.in_(ids),
            Visit.ends_at >= datetime.combine(today, time(), tzinfo=COPENHAGEN),
        )
    )
    for vid, fmt, starts_at, ends_at, school in planned:
        start, end = starts_at.astimezone(COPENHAGEN), ends_at.astimezone(COPENHAGEN)
        found[vid].append(_busy(start.date(), start.time(), end.time(), school, fmt))
    for items in found.values():
        items.sort(key=lambda b: (b.day, b.start or time()))
    return found


def _busy(
    day: date, start: time | None, end: time | None, school: int, fmt: VisitFormat
) -> matching.Busy:
    physical = VisitFormat(fmt) == VisitFormat.PHYSICAL
    return matching.Busy(day, start, end, school if physical else None)


def first_clash(
    session: Session,
    volunteer_id: int,
    window: DateWindow,
    school_id: int,
    physical: bool,
    today: date,
) -> matching.Busy | None:
    """The volunteer's commitment a visit in this window would clash with, if any.

    Call it after locking the volunteer's row: every path that adds a commitment takes
    that lock first, so nothing can slip in between this check and the insert.
    """
    spot = Placed(window.day, window.start_time, window.end_time, school_id if physical else None)
    for busy in commitments(session, [volunteer_id], today).get(volunteer_id, []):
        if clash(spot, Placed(busy.day, busy.start, busy.end, busy.school_id)):
            return busy
    return None

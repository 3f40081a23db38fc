"""How long a volunteer has to answer, and when it is too late to ask one more.

A proposal's deadline is the earlier of the programme's answer time and the end of the
school day `answer_lead_school_days` school days before the visit, and at least two hours
before the visit starts. When that leaves less than `MIN_ANSWER` to answer, there is no
time for one more cascade step: the request goes to the coordinator's attention list at
once.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from mentor.models import BookingRequest, Programme
from mentor.models.enums import RequestStatus
from mentor.schoolyear import SchoolCalendar
from mentor.services.matching import COPENHAGEN, local_to_utc

#: The least time a volunteer is given to answer; less means "too late to ask".
MIN_ANSWER = timedelta(hours=24)
#: A deadline on a lead day falls at the end of that day, local time.
DEADLINE_TIME = time(23, 59)
#: Even with no lead, the answer comes at least this long before the visit starts.
BEFORE_VISIT = timedelta(hours=2)
TOO_LATE = "too_late"
NO_VOLUNTEER_SOON = "no_volunteer_soon"


def answer_deadline(
    programme: Programme,
    calendar: SchoolCalendar,
    visit_start: datetime,
    now: datetime,
) -> datetime | None:
    """The answer deadline for a visit starting at `visit_start`, or None when too late."""
    visit_day = visit_start.astimezone(COPENHAGEN).date()
    lead_day = calendar.school_days_before(visit_day, programme.answer_lead_school_days)
    deadline = min(
        now + timedelta(days=programme.proposal_deadline_days),
        local_to_utc(lead_day, DEADLINE_TIME),
        visit_start.astimezone(UTC) - BEFORE_VISIT,
    )
    if deadline - now < MIN_ANSWER:
        return None
    return deadline


def needs_attention(request: BookingRequest, reason: str, now: datetime) -> None:
    """Put the request on the coordinators' attention list (the first time counts)."""
    if request.attention_since is None:
        request.attention_since = now
    request.attention_reason = reason


def clear_attention(request: BookingRequest) -> None:
    request.attention_since = None
    request.attention_reason = None


#: Statuses that leave the attention list: someone is proposed, confirmed, or it is over.
RESOLVED = frozenset(
    {
        RequestStatus.PROPOSED,
        RequestStatus.CONFIRMED,
        RequestStatus.COMPLETED,
        RequestStatus.CANCELLED,
    }
)

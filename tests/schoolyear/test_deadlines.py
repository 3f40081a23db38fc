"""Answer deadlines: always after now and before the visit, or "too late" (None)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mentor.models import Programme
from mentor.schoolyear import default_calendar
from mentor.services.deadlines import MIN_ANSWER, answer_deadline
from mentor.services.matching import local_to_utc


@settings(max_examples=300, deadline=None)
@given(
    now=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 6, 30)),
    days_ahead=st.integers(0, 90),
    hour=st.integers(7, 15),
    lead=st.integers(0, 30),
    answer_days=st.integers(1, 60),
    municipality=st.sampled_from([101, 751, 860]),
)
def test_the_deadline_is_after_now_and_before_the_visit(
    now, days_ahead, hour, lead, answer_days, municipality
):
    now = now.replace(tzinfo=UTC)
    programme = Programme(
        code="BOOK", name="Book", proposal_deadline_days=answer_days, answer_lead_school_days=lead
    )
    calendar = default_calendar(municipality)
    visit_start = local_to_utc(now.date() + timedelta(days=days_ahead), time(hour))
    deadline = answer_deadline(programme, calendar, visit_start, now)
    if deadline is None:
        # Too late only when the visit leaves less than a day (or the lead) to answer.
        lead_day = calendar.school_days_before(visit_start.date(), lead)
        assert min(
            now + timedelta(days=answer_days), local_to_utc(lead_day, time(23, 59)), visit_start
        ) - now < MIN_ANSWER + timedelta(hours=2)
        return
    assert now + MIN_ANSWER <= deadline < visit_start
    assert deadline <= now + timedelta(days=answer_days)
    lead_day = calendar.school_days_before(visit_start.date(), lead)
    assert deadline <= local_to_utc(lead_day, time(23, 59))

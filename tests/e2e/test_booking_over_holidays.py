"""Journey: a teacher books a role model over juleferie and is told the school is closed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from mentor.models import BookingRequest
from mentor.schoolyear import default_calendar
from tests import factories as f

pytestmark = pytest.mark.e2e

HOLIDAY_NAME = {"da": "juleferie", "en": "Christmas holidays"}


def christmas_weekdays() -> tuple[date, date]:
    """Two weekdays of the next juleferie at least a month away (within the booking year)."""
    today = date.today()
    year = today.year if date(today.year, 12, 22) > today + timedelta(days=30) else today.year + 1
    calendar = default_calendar(751)
    days = [
        d
        for d in (date(year, 12, 21) + timedelta(days=k) for k in range(12))
        if d.weekday() < 5 and calendar.closed_day(d).key == "juleferie"
    ]
    return days[0], days[-1]


def test_booking_over_juleferie_names_the_holiday(person, seed, variant) -> None:
    with seed() as session:
        school = f.school(session, "Juleskolen", "8000")
        f.teacher(session, "jul.laerer@skole.example.dk", school)
        ids = {
            "BOOK": f.programme(session, "BOOK").id,
            "udskoling": f.level(session, "udskoling").id,
            "fysik": f.subject(session, "fysik").id,
        }
    teacher = person("teacher")
    page = teacher.page
    teacher.login("jul.laerer@skole.example.dk", f.PASSWORD)
    teacher.open("/laerer/bookinger/ny")
    first, last = christmas_weekdays()
    page.select_option("#programme_id", str(ids["BOOK"]))
    page.select_option("#level_id", str(ids["udskoling"]))
    page.fill("#pupils", "24")
    page.select_option("#primary_subject_id", str(ids["fysik"]))
    page.fill("#window1_day", first.isoformat())
    page.fill("#window1_start", "09:00")
    page.fill("#window1_end", "11:00")
    page.fill("#window2_day", last.isoformat())
    page.fill("#window2_start", "09:00")
    page.fill("#window2_end", "11:00")
    teacher.submit("form:has(#window1_day)")

    summary = page.locator("#error-summary").inner_text()
    assert HOLIDAY_NAME[variant.locale] in summary, summary
    assert page.locator("#window1_day-error").count() == 1
    teacher.check_page("booking-over-juleferie", screenshot=True)
    with seed() as session:
        assert session.scalar(sa.select(sa.func.count(BookingRequest.id))) == 0

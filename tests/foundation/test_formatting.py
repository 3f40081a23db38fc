"""Dates and times are written one way: Danish and British English, from one module."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from flask_babel import force_locale

from mentor.formatting import (
    clock,
    long_date,
    long_datetime,
    short_date,
    short_datetime,
    time_range,
    window_text,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "da",
            [
                "tirsdag 8. december 2026",
                "8.12.2026",
                "09.00–11.00",
                "tirsdag 8. december 2026 kl. 10.30",
                "8.12.2026 10.30",
                "tirsdag 8. december 2026, 09.00–11.00",
            ],
        ),
        (
            "en",
            [
                "Tuesday 8 December 2026",
                "08/12/2026",
                "09:00–11:00",
                "Tuesday 8 December 2026 at 10:30",
                "08/12/2026 10:30",
                "Tuesday 8 December 2026, 09:00–11:00",
            ],
        ),
    ],
)
def test_one_style_per_language(app, locale, expected):
    day = date(2026, 12, 8)
    moment = datetime(2026, 12, 8, 9, 30, tzinfo=UTC)  # 10.30 in Copenhagen
    with app.test_request_context(), force_locale(locale):
        assert [
            long_date(day),
            short_date(day),
            time_range(time(9), time(11)),
            long_datetime(moment),
            short_datetime(moment),
            window_text(day, time(9), time(11)),
        ] == expected
        assert clock(moment) == expected[3][-5:]


def test_templates_leave_dates_to_the_filters():
    """No template formats a date or time itself (that is how two styles crept in)."""
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.*")
        if "strftime" in (text := path.read_text(encoding="utf-8"))
        or 'localdatetime("' in text
        or 'localdate("' in text
    ]
    assert offenders == []

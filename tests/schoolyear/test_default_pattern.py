"""The default school calendar against municipalities' published holiday plans.

Each expected list below is the school days a plan closes (weekdays; weekends are closed
anyway), written out from the named source, not from our rules:

- København (postcode 1050), 2026/27: Københavns Kommune's plan as published by its
  schools (e.g. Kirkebjerg Skole, "Ferieplan for skoleåret 2026/27 i Københavns Kommune"):
  sommerferie until 07.08.2026, efterårsferie 12.-16.10.2026, juleferie 21.12.2026-
  04.01.2027, vinterferie 15.-19.02.2027, påskeferie 22.-29.03.2027, Kr. himmelfart
  06.-07.05.2027, pinse 16.-17.05.2027, sommerferie from 28.06.2027.
  2027/28: kk.dk "Vejledende ferieplan for skoleåret" rules (1 May and grundlovsdag are
  days off, weekdays between Christmas and New Year are off, school starts six weeks after
  the last Saturday of June) with week 42, week 7 and Easter as in the same plan.
- Hjørring (9800), 2025/26: hjoerring.dk "Skolernes ferieplan": efterårsferie 11.-19.10.,
  juleferie 20.12.2025-4.1.2026, vinterferie 14.-22.2.2026 (week 8), påskeferie
  28.3.-6.4., Kr. himmelfart 14.-17.5., pinse 23.-25.5., grundlovsdag 5.6., sommerferie
  from 27.6.2026. 2026/27 and 2027/28: Hjørring's week-8 vinterferie with the other dates
  of the adopted plans of Thisted Kommune (thisted.dk, "Ferieplan 2026/2027" and
  "2027/2028"), the neighbouring North Jutland municipality, except that Thisted adds
  Monday 10 and 9 August to the summer, which the default (school from the Monday of
  week 33) does not.
- Aarhus (8000): week-7 vinterferie (Laursens Realskole, Aarhus, ferieplan 2024/25:
  8.-16.2.2025) and otherwise the same Thisted plans.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mentor.geo import lookup
from mentor.schoolyear import default_calendar


def days(first: str, last: str | None = None) -> set[date]:
    start = date.fromisoformat(first)
    end = date.fromisoformat(last or first)
    return {start + timedelta(days=d) for d in range((end - start).days + 1)}


def weekdays(found: set[date]) -> set[date]:
    return {d for d in found if d.weekday() < 5}


COPENHAGEN_2026_27 = (
    days("2026-08-01", "2026-08-07")
    | days("2026-10-12", "2026-10-16")
    | days("2026-12-21", "2027-01-04")
    | days("2027-02-15", "2027-02-19")
    | days("2027-03-22", "2027-03-29")
    | days("2027-05-01")
    | days("2027-05-06", "2027-05-07")
    | days("2027-05-16", "2027-05-17")
    | days("2027-06-05")
    | days("2027-06-28", "2027-07-31")
)
COPENHAGEN_2027_28 = (
    days("2027-08-01", "2027-08-06")
    | days("2027-10-18", "2027-10-22")
    | days("2027-12-20", "2027-12-31")
    | days("2028-02-14", "2028-02-18")
    | days("2028-04-10", "2028-04-17")
    | days("2028-05-01")
    | days("2028-05-25", "2028-05-26")
    | days("2028-06-05")
    | days("2028-06-26", "2028-07-31")
)
HJORRING_2025_26 = (
    days("2025-10-13", "2025-10-17")
    | days("2025-12-22", "2026-01-02")
    | days("2026-02-16", "2026-02-20")
    | days("2026-03-30", "2026-04-06")
    | days("2026-05-14", "2026-05-15")
    | days("2026-05-25")
    | days("2026-06-05")
    | days("2026-06-29", "2026-07-31")
)
NORTH_2026_27_WITHOUT_WINTER = (
    days("2026-08-01", "2026-08-07")
    | days("2026-10-12", "2026-10-16")
    | days("2026-12-21", "2027-01-01")
    | days("2027-03-22", "2027-03-29")
    | days("2027-05-06", "2027-05-07")
    | days("2027-05-17")
    | days("2027-06-28", "2027-07-31")
)
NORTH_2027_28_WITHOUT_WINTER = (
    days("2027-08-01", "2027-08-06")
    | days("2027-10-18", "2027-10-22")
    | days("2027-12-20", "2027-12-31")
    | days("2028-04-10", "2028-04-17")
    | days("2028-05-25", "2028-05-26")
    | days("2028-06-05")
    | days("2028-06-26", "2028-07-31")
)


@pytest.mark.parametrize(
    ("postcode", "first", "last", "expected"),
    [
        ("1050", "2026-08-01", "2027-07-31", COPENHAGEN_2026_27),
        ("1050", "2027-08-01", "2028-07-31", COPENHAGEN_2027_28),
        ("9800", "2025-08-11", "2026-07-31", HJORRING_2025_26),
        (
            "9800",
            "2026-08-01",
            "2027-07-31",
            NORTH_2026_27_WITHOUT_WINTER | days("2027-02-22", "2027-02-26"),
        ),
        (
            "9800",
            "2027-08-01",
            "2028-07-31",
            NORTH_2027_28_WITHOUT_WINTER | days("2028-02-21", "2028-02-25"),
        ),
        (
            "8000",
            "2026-08-01",
            "2027-07-31",
            NORTH_2026_27_WITHOUT_WINTER | days("2027-02-15", "2027-02-19"),
        ),
        (
            "8000",
            "2027-08-01",
            "2028-07-31",
            NORTH_2027_28_WITHOUT_WINTER | days("2028-02-14", "2028-02-18"),
        ),
    ],
    ids=[
        "kobenhavn-2026-27",
        "kobenhavn-2027-28",
        "hjorring-2025-26",
        "hjorring-2026-27",
        "hjorring-2027-28",
        "aarhus-2026-27",
        "aarhus-2027-28",
    ],
)
def test_default_closed_days_match_the_published_plans(postcode, first, last, expected):
    calendar = default_calendar(lookup(postcode).municipality_code)
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    closed = {c.day for c in calendar.closed_between(start, end)}
    assert weekdays(closed) == weekdays({d for d in expected if start <= d <= end})
    assert all(d in closed for d in days(first, last) if d.weekday() >= 5)


def test_names_of_closed_days_and_school_day_counting():
    calendar = default_calendar(lookup("9800").municipality_code)
    assert calendar.closed_day(date(2026, 12, 25)).key == "Juledag"
    assert calendar.closed_day(date(2026, 12, 22)).key == "juleferie"
    assert calendar.closed_day(date(2027, 2, 23)).key == "vinterferie"
    assert calendar.closed_day(date(2026, 12, 18)) is None
    # Friday 18 December 2026 is the last school day before juleferie; 5 school days
    # before Tuesday 12 January 2027 is Monday 4 January.
    assert calendar.school_days_before(date(2027, 1, 12), 5) == date(2027, 1, 5)
    assert calendar.school_days_after(date(2026, 12, 17), 2) == date(2027, 1, 4)
    assert calendar.school_days_between(date(2026, 12, 17), date(2027, 1, 5)) == 3
    weekend_open = calendar.with_weekends_open(True)
    assert weekend_open.is_open(date(2026, 11, 7))
    assert not weekend_open.is_open(date(2026, 12, 26))


def test_cli_prints_closed_days_of_a_postcode(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "calendar",
            "closed-days",
            "--postcode",
            "9800",
            "--from",
            "2026-12-14",
            "--to",
            "2027-01-10",
        ]
    )
    assert result.exit_code == 0, result.output
    printed = [date.fromisoformat(line) for line in result.output.split()]
    assert printed == sorted(days("2026-12-19", "2027-01-03") | days("2027-01-09", "2027-01-10"))


@pytest.mark.parametrize(
    "args",
    [
        ["--postcode", "0000", "--from", "2026-08-01", "--to", "2027-07-31"],
        ["--postcode", "9800", "--from", "2026-13-01", "--to", "2027-07-31"],
        ["--postcode", "9800", "--from", "2027-08-01", "--to", "2027-07-31"],
    ],
)
def test_cli_refuses_bad_input_in_one_line(app, args):
    result = app.test_cli_runner().invoke(args=["calendar", "closed-days", *args])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1

"""Dates, times and numbers written one way, in Europe/Copenhagen and the reader's language.

Danish: "tirsdag 8. december 2026" in text, "8.12.2026" in tables, "09.00–11.00" for
times. English pages use British formats: "Tuesday 8 December 2026", "08/12/2026",
"09:00–11:00". Every template and mail uses these filters (and services the functions),
never strftime, so the two styles cannot drift apart again.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from babel import dates as babel_dates
from flask import Flask
from flask_babel import format_decimal, get_locale, get_timezone

#: Babel locale per interface language: English is British English.
BABEL_LOCALES = {"da": "da_DK", "en": "en_GB"}
PATTERNS = {
    "da_DK": {"long": "EEEE d. MMMM y", "short": "d.M.y", "clock": "HH.mm", "at": "%s kl. %s"},
    "en_GB": {"long": "EEEE d MMMM y", "short": "dd/MM/y", "clock": "HH:mm", "at": "%s at %s"},
}
DASH = "\u2013"


def _locale() -> str:
    return BABEL_LOCALES.get(str(get_locale() or "da"), "da_DK")


def _local(value: datetime) -> datetime:
    return value.astimezone(get_timezone()) if value.tzinfo else value


def _day(value: date | datetime) -> date:
    return _local(value).date() if isinstance(value, datetime) else value


@lru_cache(maxsize=8192)
def _date_text(day: date, style: str, locale: str) -> str:
    # Babel parses the pattern and the locale on every call; a run's commit writes
    # thousands of mails about a few hundred distinct days.
    return babel_dates.format_date(day, PATTERNS[locale][style], locale=locale)


@lru_cache(maxsize=2048)
def _time_text(at: time, locale: str) -> str:
    return babel_dates.format_time(at, PATTERNS[locale]["clock"], locale=locale)


def long_date(value: date | datetime | None) -> str:
    """ "tirsdag 8. december 2026" / "Tuesday 8 December 2026"."""
    return _date_text(_day(value), "long", _locale()) if value is not None else ""


def short_date(value: date | datetime | None) -> str:
    """ "8.12.2026" / "08/12/2026", for tables."""
    return _date_text(_day(value), "short", _locale()) if value is not None else ""


def clock(value: time | datetime | None) -> str:
    """ "09.00" / "09:00"."""
    if value is None:
        return ""
    at = _local(value).time() if isinstance(value, datetime) else value
    return _time_text(at.replace(tzinfo=None), _locale())


def time_range(start: time | datetime | None, end: time | datetime | None) -> str:
    """ "09.00–11.00"."""
    return f"{clock(start)}{DASH}{clock(end)}" if start and end else clock(start)


def long_datetime(value: datetime | None) -> str:
    """ "tirsdag 8. december 2026 kl. 09.00"."""
    if value is None:
        return ""
    return PATTERNS[_locale()]["at"] % (long_date(value), clock(value))


def short_datetime(value: datetime | None) -> str:
    """ "8.12.2026 09.00", for tables."""
    return f"{short_date(value)} {clock(value)}" if value else ""


def window_text(day: date, start: time | None, end: time | None) -> str:
    """ "tirsdag 8. december 2026, 09.00–11.00"."""
    return f"{long_date(day)}, {time_range(start, end)}" if start else long_date(day)


def register(app: Flask) -> None:
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(short_date, "short_date")
    app.add_template_filter(clock, "clock")
    app.add_template_filter(time_range, "time_range")
    app.add_template_filter(long_datetime, "long_datetime")
    app.add_template_filter(short_datetime, "short_datetime")

    @app.template_filter("window_text")
    def window_filter(window: Any) -> str:
        return window_text(window.day, window.start_time, window.end_time) if window else ""

    # The older filter names, kept for templates: "short" means a table, anything else text.
    @app.template_filter("localdatetime")
    def localdatetime(value: datetime | None, fmt: str = "medium") -> str:
        return short_datetime(value) if fmt == "short" else long_datetime(value)

    @app.template_filter("localdate")
    def localdate(value: date | None, fmt: str = "medium") -> str:
        return short_date(value) if fmt == "short" else long_date(value)

    @app.template_filter("localtime")
    def localtime(value: datetime | None) -> str:
        return clock(value)

    @app.template_filter("number")
    def number(value: float | int | None) -> str:
        return format_decimal(value) if value is not None else ""

    @app.template_filter("unmatched_reason")
    def unmatched_reason(reason: dict[str, Any] | None) -> str:
        """Why a request was not matched, in the reader's language (from the stored data)."""
        from mentor.services.matching_text import reason_text

        if not reason or "reason" not in reason:
            return ""
        return reason_text(reason["reason"], reason.get("data", {}))

    @app.template_filter("unmatched_next_step")
    def unmatched_next_step(reason: dict[str, Any] | None) -> str:
        from mentor.services.matching_text import next_step_text

        if not reason:
            return next_step_text("")
        return next_step_text(reason.get("reason", ""), reason.get("data", {}).get("rule"))

    @app.context_processor
    def inject_locale() -> dict[str, object]:
        return {"current_locale": str(get_locale() or "da"), "nav_links": nav_links}


def nav_links() -> list[tuple[str, str]]:
    """The main menu entries for the logged-in user's role."""
    from flask_babel import gettext as _
    from flask_login import current_user

    from mentor.models.enums import Role

    role = current_user.role if current_user.is_authenticated else None
    links: dict[Role | None, list[tuple[str, str]]] = {
        Role.VOLUNTEER: [
            ("volunteers.profile", _("Min profil")),
            ("volunteers.feedback_overview", _("Tilbagemeldinger")),
        ],
        Role.TEACHER: [
            ("teachers.new_request", _("Book en ekspert")),
            ("teachers.feedback_overview", _("Bekræft besøg")),
        ],
        Role.COORDINATOR: [
            ("coordinator.volunteers", _("Rollemodeller")),
            ("coordinator.requests", _("Bookinger")),
            ("coordinator.runs", _("Matching")),
            ("coordinator.impact_dashboard", _("Effekt")),
        ],
        Role.ADMIN: [
            ("coordinator.home", _("Koordinering")),
            ("admin.coordinators", _("Koordinatorer")),
            ("admin.programmes", _("Programmer")),
        ],
    }
    return links.get(role, [])

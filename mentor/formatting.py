"""Template filters that show UTC data in Europe/Copenhagen and the reader's locale."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, format_time, get_locale


def register(app: Flask) -> None:
    @app.template_filter("localdatetime")
    def localdatetime(value: datetime | None, fmt: str = "medium") -> str:
        return format_datetime(value, fmt) if value else ""

    @app.template_filter("localdate")
    def localdate(value: date | None, fmt: str = "medium") -> str:
        return format_date(value, fmt) if value else ""

    @app.template_filter("localtime")
    def localtime(value: datetime | None) -> str:
        return format_time(value, "HH:mm") if value else ""

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

        return next_step_text(reason.get("reason", "") if reason else "")

    @app.context_processor
    def inject_locale() -> dict[str, object]:
        from mentor.privacy import Controller

        return {
            "current_locale": str(get_locale() or "da"),
            "controller": Controller.from_config(app.config),
            "nav_links": nav_links,
            "nav_current": nav_current,
        }


def nav_links() -> list[tuple[str, str]]:
    """The one main menu of the logged-in user's role: (endpoint, label), in order.

    Every role's entries live here, so a new page joins its role's menu with one line.
    """
    from flask_babel import gettext as _
    from flask_login import current_user

    from mentor.models.enums import Role

    role = current_user.role if current_user.is_authenticated else None
    links: dict[Role | None, list[tuple[str, str]]] = {
        Role.VOLUNTEER: [
            ("volunteers.home", _("Mit overblik")),
            ("volunteers.profile", _("Min profil")),
            ("volunteers.record_page", _("Mine besøg")),
            ("volunteers.feedback_overview", _("Tilbagemeldinger")),
        ],
        Role.TEACHER: [
            ("teachers.home", _("Mine bookinger")),
            ("teachers.new_request", _("Book en ekspert")),
            ("teachers.feedback_overview", _("Bekræft besøg")),
        ],
        Role.COORDINATOR: [
            ("coordinator.home", _("Overblik")),
            ("coordinator.volunteers", _("Rollemodeller")),
            ("coordinator.requests", _("Bookinger")),
            ("coordinator.runs", _("Matching")),
            ("coordinator.visits", _("Besøg")),
            ("coordinator.schools", _("Skoler")),
            ("coordinator.subjects", _("Fag")),
            ("coordinator.impact_dashboard", _("Effekt")),
        ],
        Role.ADMIN: [
            ("admin.home", _("Administration")),
            ("coordinator.home", _("Koordinering")),
            ("admin.coordinators", _("Koordinatorer")),
            ("admin.programmes", _("Programmer")),
        ],
    }
    return links.get(role, [])


def nav_current(endpoint: str) -> bool:
    """Whether a menu entry is the section of the page being shown.

    A list's entry also covers its detail and edit pages: "coordinator.volunteers"
    covers "coordinator.volunteer" and "coordinator.volunteer_form".
    """
    from flask import request

    current = request.endpoint or ""
    if current == endpoint:
        return True
    if endpoint.endswith(".home") or not endpoint.endswith("s"):
        return False
    stem = endpoint[:-1]
    return current == stem or current.startswith(stem + "_")

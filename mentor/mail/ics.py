"""Calendar files (.ics) for visits, attached to confirmation and reminder mails.

``visit_invitation(visit, ...) -> str`` returns the iCalendar text of one visit;
``visit_attachment(visit, ...)`` wraps it as an outbox attachment dict. Both render
their wording with gettext, so call them inside the recipient's ``force_locale``
(``queue_templated`` does that for the mail body; reminders.py does it for both).

Times are written in UTC (``...Z``): every calendar program shows them in the
reader's own zone, and no VTIMEZONE block can go stale across daylight-saving rules.
The UID is stable per visit, so a later file for the same visit (moved, cancelled)
updates the entry instead of adding a second one; pass a higher ``sequence`` then.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from flask_babel import get_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from mentor.mail.outbox import MESSAGE_ID_DOMAIN
from mentor.models.base import utcnow
from mentor.models.enums import VisitFormat, VisitStatus

if TYPE_CHECKING:
    from mentor.models import Visit

PRODID = "-//Rollemodel Match//rollemodel.local//DA"


def visit_uid(visit: Visit) -> str:
    return f"visit-{visit.id}@{MESSAGE_ID_DOMAIN}"


def _location(visit: Visit) -> str:
    if visit.format == VisitFormat.VIRTUAL:
        return _("Virtuelt besøg (link følger fra læreren)")
    from mentor.services.schools import full_address

    school = visit.request.school
    return ", ".join(p for p in (school.name, full_address(school)) if p)


def _description(visit: Visit, link: str | None) -> str:
    request = visit.request
    from mentor.services.schools import teacher_contact

    volunteer = visit.volunteer.user.full_name if visit.volunteer else ""
    teacher = teacher_contact(request)
    lines = [
        _("Klasse: %(name)s (%(pupils)s elever)", name=request.class_name, pupils=request.pupils),
        _("Fag: %(subject)s", subject=request.primary_subject.name(str(get_locale() or "da"))),
    ]
    if volunteer:
        lines.append(_("Rollemodel: %(name)s", name=volunteer))
    if teacher:
        lines.append(_("Lærer: %(name)s", name=teacher))
    if request.topic:
        lines.append(_("Emne: %(topic)s", topic=request.topic))
    if link:
        lines.append(link)
    return "\n".join(lines)


def visit_invitation(
    visit: Visit,
    *,
    link: str | None = None,
    sequence: int = 0,
    now: datetime | None = None,
) -> str:
    """Return the iCalendar text for one visit (METHOD:CANCEL once it is cancelled)."""
    cancelled = visit.status == VisitStatus.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")

    event = Event()
    event.add("uid", visit_uid(visit))
    event.add("dtstamp", (now or utcnow()).astimezone(UTC))
    event.add("dtstart", visit.starts_at.astimezone(UTC))
    event.add("dtend", visit.ends_at.astimezone(UTC))
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add(
        "summary",
        _("Rollemodelbesøg: %(school)s", school=visit.request.school.name),
    )
    event.add("location", _location(visit))
    event.add("description", _description(visit, link))
    if link:
        event.add("url", link)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def visit_attachment(
    visit: Visit,
    *,
    link: str | None = None,
    sequence: int = 0,
    now: datetime | None = None,
) -> dict[str, str]:
    """The visit's .ics as an outbox attachment."""
    text = visit_invitation(visit, link=link, sequence=sequence, now=now)
    method = "CANCEL" if visit.status == VisitStatus.CANCELLED else "PUBLISH"
    return {
        "filename": "besoeg.ics",
        "content_type": f"text/calendar; method={method}",
        "content": text,
    }

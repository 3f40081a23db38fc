"""Bulk messages: one text from a coordinator to a filtered set of people, via the outbox.

Who receives it is decided in one place (`recipients_statement`), so the count the
coordinator sees, the preview and the mails queued always agree:

- volunteers who joined a programme in the coordinator's scope (optionally one of them,
  one region, one approval status); or teachers with bookings (or open bookings) in it;
- active, verified accounts with an address;
- not those who turned off non-essential mail (`User.reminders_opt_out`): they are left
  out and counted, and so are accounts without a verified address.

A coordinator can never reach people outside their programmes: every condition starts
from the programmes in scope. The mails are rendered once per language with a
placeholder for the first name and inserted in one statement per chunk.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy.orm import Session

from mentor.links import external_url
from mentor.mail.outbox import outbox_values, render_mail
from mentor.models import (
    BookingRequest,
    BulkMessage,
    OutboxMail,
    Programme,
    School,
    TeacherProfile,
    User,
)
from mentor.models.base import utcnow
from mentor.models.enums import BulkAudience, RequestStatus, Role, VolunteerStatus
from mentor.models.volunteers import VolunteerProfile, volunteer_programmes
from mentor.services import audit
from mentor.services.errors import DomainError, NotAllowed

OPEN_REQUESTS = (RequestStatus.SUBMITTED, RequestStatus.UNMATCHED, RequestStatus.PROPOSED)
#: Stands in for the first name while rendering; replaced per recipient.
NAME_SLOT = "\x1fFIRSTNAME\x1f"
CHUNK = 2_000
SUBJECT_MAX = 150
BODY_MAX = 5_000


@dataclass(frozen=True)
class BulkFilter:
    audience: BulkAudience
    #: One programme in scope, or None for all of the coordinator's programmes.
    programme_id: int | None = None
    region_code: int | None = None
    #: Volunteers: "approved", "pending" or "all".
    volunteer_status: str = "approved"
    #: Teachers: "open" (with open bookings) or "any" (with any booking).
    teacher_bookings: str = "open"

    def as_json(self, programme_ids: Collection[int]) -> dict[str, Any]:
        return {
            "audience": self.audience.value,
            "programme_ids": sorted(programme_ids),
            "region_code": self.region_code,
            "volunteer_status": self.volunteer_status,
            "teacher_bookings": self.teacher_bookings,
        }


@dataclass(frozen=True)
class AudienceCount:
    recipients: int
    #: Left out because they turned off non-essential mail.
    opted_out: int
    #: Left out because they have no verified address.
    unverified: int


def _programmes(scope: Collection[int], chosen: BulkFilter) -> set[int]:
    programmes = set(scope)
    if chosen.programme_id is not None:
        if chosen.programme_id not in programmes:
            raise NotAllowed(_("Du kan kun skrive til folk i dine egne programmer."))
        programmes = {chosen.programme_id}
    return programmes


def people_statement(scope: Collection[int], chosen: BulkFilter) -> sa.Select[Any]:
    """Active accounts the filter picks out, before opt-outs and verification."""
    programmes = _programmes(scope, chosen)
    base = [User.deleted_at.is_(None), User.deactivated_at.is_(None), User.email.is_not(None)]
    if chosen.audience == BulkAudience.VOLUNTEERS:
        stmt = (
            sa.select(User.id)
            .join(VolunteerProfile, VolunteerProfile.user_id == User.id)
            .where(
                User.role == Role.VOLUNTEER,
                *base,
                sa.exists().where(
                    volunteer_programmes.c.volunteer_id == VolunteerProfile.id,
                    volunteer_programmes.c.programme_id.in_(programmes),
                ),
            )
        )
        if chosen.volunteer_status in ("approved", "pending"):
            stmt = stmt.where(VolunteerProfile.status == VolunteerStatus(chosen.volunteer_status))
        if chosen.region_code is not None:
            stmt = stmt.where(VolunteerProfile.region_code == chosen.region_code)
        return stmt
    booked = [BookingRequest.teacher_id == User.id, BookingRequest.programme_id.in_(programmes)]
    if chosen.teacher_bookings != "any":
        booked.append(BookingRequest.status.in_(OPEN_REQUESTS))
    stmt = sa.select(User.id).where(User.role == Role.TEACHER, *base, sa.exists().where(*booked))
    if chosen.region_code is not None:
        stmt = (
            stmt.join(TeacherProfile, TeacherProfile.user_id == User.id)
            .join(School, School.id == TeacherProfile.school_id)
            .where(School.region_code == chosen.region_code)
        )
    return stmt


def count_audience(session: Session, scope: Collection[int], chosen: BulkFilter) -> AudienceCount:
    ids = people_statement(scope, chosen).subquery()
    row = session.execute(
        sa.select(
            sa.func.count().filter(
                User.email_verified_at.is_not(None), User.reminders_opt_out.is_(False)
            ),
            sa.func.count().filter(
                User.email_verified_at.is_not(None), User.reminders_opt_out.is_(True)
            ),
            sa.func.count().filter(User.email_verified_at.is_(None)),
        ).where(User.id.in_(sa.select(ids.c.id)))
    ).one()
    return AudienceCount(recipients=row[0], opted_out=row[1], unverified=row[2])


def _recipients(session: Session, scope: Collection[int], chosen: BulkFilter) -> list[Any]:
    ids = people_statement(scope, chosen).subquery()
    return list(
        session.execute(
            sa.select(User.id, User.email, User.full_name, User.locale)
            .where(
                User.id.in_(sa.select(ids.c.id)),
                User.email_verified_at.is_not(None),
                User.reminders_opt_out.is_(False),
            )
            .order_by(User.id)
        )
    )


def _validate_text(subject: str, body: str) -> tuple[str, str]:
    subject = " ".join((subject or "").split())
    body = (body or "").replace("\r\n", "\n").strip()
    if not 3 <= len(subject) <= SUBJECT_MAX:
        raise DomainError(_("Skriv et emne på 3 til 150 tegn."), field="subject")
    if not 10 <= len(body) <= BODY_MAX:
        raise DomainError(_("Skriv en besked på 10 til 5000 tegn."), field="body")
    return subject, body


def _sender(session: Session, actor: User, programmes: set[int]) -> tuple[str, str]:
    names = list(
        session.scalars(
            sa.select(Programme.name).where(Programme.id.in_(programmes)).order_by(Programme.name)
        )
    )
    return actor.full_name, ", ".join(names)


def render(
    session: Session,
    actor: User,
    scope: Collection[int],
    chosen: BulkFilter,
    subject: str,
    body: str,
    locale: str,
    first_name: str = NAME_SLOT,
) -> tuple[str, str, str]:
    """The mail as a recipient in `locale` gets it (subject, text, html)."""
    subject, body = _validate_text(subject, body)
    author, programme_names = _sender(session, actor, _programmes(scope, chosen))
    return render_mail(
        "bulk_message",
        locale,
        first_name=first_name,
        subject=subject,
        body=body,
        author=author,
        programmes=programme_names,
        optout_link=external_url("auth.account"),
    )


def send(
    session: Session,
    actor: User,
    scope: Collection[int],
    chosen: BulkFilter,
    subject: str,
    body: str,
    *,
    expected: int | None = None,
    now: datetime | None = None,
) -> BulkMessage:
    """Queue the message to everyone the filter picks out; refuse if the count moved."""
    now = now or utcnow()
    if actor.role not in (Role.COORDINATOR, Role.ADMIN):
        raise NotAllowed(_("Kun koordinatorer kan sende beskeder."))
    programmes = _programmes(scope, chosen)
    subject, body = _validate_text(subject, body)
    counted = count_audience(session, scope, chosen)
    if counted.recipients == 0:
        raise DomainError(_("Ingen modtagere passer til filteret."))
    if expected is not None and expected != counted.recipients:
        raise DomainError(
            _(
                "Antallet af modtagere er ændret fra %(seen)d til %(now)d. Se forhåndsvisningen "
                "igen, før du sender.",
                seen=expected,
                now=counted.recipients,
            )
        )
    message = BulkMessage(
        author_id=actor.id,
        audience=chosen.audience,
        filters=chosen.as_json(programmes),
        subject=subject,
        body=body,
        recipients=counted.recipients,
        opted_out=counted.opted_out,
        created_at=now,
    )
    session.add(message)
    session.flush()
    rendered: dict[str, tuple[str, str, str]] = {}
    rows: list[dict[str, Any]] = []
    for user_id, email, full_name, locale in _recipients(session, scope, chosen):
        lang = locale if locale in ("da", "en") else "da"
        if lang not in rendered:
            rendered[lang] = render(session, actor, scope, chosen, subject, body, lang)
        mail_subject, text, html = rendered[lang]
        first = (full_name or "").split(" ")[0]
        values = outbox_values(
            kind="bulk_message",
            dedupe_key=f"bulk:{message.id}:{user_id}",
            to=email,
            subject=mail_subject,
            text=text.replace(NAME_SLOT, first),
            html=html.replace(NAME_SLOT, str(escape(first))),
            send_after=now,
        )
        if values is not None:
            values["to_user_id"] = user_id
            rows.append(values)
    for start in range(0, len(rows), CHUNK):
        session.execute(sa.insert(OutboxMail), rows[start : start + CHUNK])
    message.recipients = len(rows)
    audit.record(
        session,
        actor,
        "bulk_message_sent",
        "bulk_message",
        message.id,
        now=now,
        recipients=len(rows),
        opted_out=counted.opted_out,
        unverified=counted.unverified,
        filters=message.filters,
    )
    return message


def recent(session: Session, scope: Collection[int], limit: int = 20) -> list[BulkMessage]:
    """The latest messages sent to people of the coordinator's programmes only."""
    allowed = set(scope)
    found = session.scalars(sa.select(BulkMessage).order_by(BulkMessage.id.desc()).limit(200))
    return [m for m in found if set(m.filters.get("programme_ids", [])) <= allowed][:limit]

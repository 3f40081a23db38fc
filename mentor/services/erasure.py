"""Erasing a person (GDPR art. 17): every copy of her details, wherever the app wrote them.

Her own rows go with the account (see `accounts.delete_account`); this module finds the
copies elsewhere: mail to her and mail she wrote (relayed messages), mail to others that
quotes her name, address, phone or story (a visit confirmation, its calendar file),
the audit log's notes about her, other people's notes and free text, and matching runs
stored before runs stopped keeping names.

Mail that mentions her is blanked whole rather than edited: a mail body is an operational
copy, and an unsent one about a deleted person should not go out half-redacted.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mentor.models import (
    AuditEntry,
    BookingRequest,
    Feedback,
    MatchingRun,
    Notice,
    OutboxMail,
    Proposal,
    TrainingRecord,
    User,
)
from mentor.models.enums import MailStatus

DONE = (MailStatus.SENT, MailStatus.FAILED)

PLACEHOLDER = "[slettet]"
#: Sent mail keeps its body this long (for questions like "what did the mail say?").
MAIL_BODY_RETENTION_DAYS = 30
#: Shorter values (initials, a two-letter name) would match unrelated text.
MIN_TRACE = 4
STORY_TRACE = 60
UNSENT = (MailStatus.QUEUED, MailStatus.SENDING)


def traces_of(user: User) -> list[str]:
    """The values that identify her, as they may have been copied elsewhere."""
    values = [user.email, user.full_name, user.phone]
    profile = user.volunteer_profile
    if profile is not None and profile.story.strip():
        # The first line, as templates quote it; enough to recognise the copy.
        values.append(profile.story.strip().splitlines()[0][:STORY_TRACE])
    return sorted({v.strip() for v in values if v and len(v.strip()) >= MIN_TRACE}, key=len)[::-1]


def _variants(values: Iterable[str]) -> list[str]:
    """Each value as text, as HTML and as JSON text (non-ASCII escaped) may hold it."""
    found: set[str] = set()
    for value in values:
        found.update({value, html.escape(value), json.dumps(value)[1:-1]})
    return sorted(found, key=len, reverse=True)


def _holds(column: Any, variants: list[str]) -> Any:
    text = sa.func.lower(sa.cast(column, sa.Text))
    return sa.or_(*(text.contains(v.lower(), autoescape=True) for v in variants))


def _scrub_text(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(PLACEHOLDER, text)


def _scrub_json(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return _scrub_text(value, pattern)
    if isinstance(value, list):
        return [_scrub_json(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_json(v, pattern) for k, v in value.items()}
    return value


def _blank_mail(session: Session, condition: Any) -> None:
    session.execute(
        sa.update(OutboxMail)
        .where(condition, OutboxMail.status.in_(UNSENT))
        .values(status=MailStatus.FAILED, last_error="Personen har slettet sin konto.")
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sa.update(OutboxMail)
        .where(condition)
        .values(subject=PLACEHOLDER, body_text="", body_html=None, attachments=[])
        .execution_options(synchronize_session=False)
    )


def forget_mail_of(session: Session, user: User) -> None:
    """Mail to her, and the messages she wrote to others, kept only as bookkeeping."""
    _blank_mail(session, OutboxMail.to_user_id == user.id)
    session.execute(
        sa.update(OutboxMail)
        .where(OutboxMail.to_user_id == user.id)
        .values(to_address=None)
        .execution_options(synchronize_session=False)
    )
    # Relayed messages carry their author in the key: message:<request>:<sender>:<nonce>.
    _blank_mail(
        session,
        sa.and_(
            OutboxMail.kind == "relayed_message",
            OutboxMail.dedupe_key.like(f"message:%:{user.id}:%"),
        ),
    )


def forget_notes_about(session: Session, object_type: str, object_id: int) -> None:
    """The audit log keeps what happened to her and when, not the details (her old
    profile values, the reasons written about her)."""
    session.execute(
        sa.update(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
        .values(details={})
        .execution_options(synchronize_session=False)
    )


#: Free text and stored data other people wrote that may quote her.
TEXT_COLUMNS: tuple[Any, ...] = (
    Feedback.comment,
    Notice.text,
    TrainingRecord.note,
    BookingRequest.topic,
    BookingRequest.class_name,
    Proposal.override_reason,
)
JSON_COLUMNS: tuple[Any, ...] = (AuditEntry.details, MatchingRun.result)


def scrub_everywhere(session: Session, values: list[str]) -> None:
    """Replace every remaining copy of these values, in every column that may hold one."""
    if not values:
        return
    variants = _variants(values)
    pattern = re.compile("|".join(re.escape(v) for v in variants), re.IGNORECASE)
    mail_text = sa.or_(
        _holds(OutboxMail.subject, variants),
        _holds(OutboxMail.body_text, variants),
        _holds(OutboxMail.body_html, variants),
        _holds(OutboxMail.to_address, variants),
    )
    mentioned = set(session.scalars(sa.select(OutboxMail.id).where(mail_text)))
    # Calendar files fold long lines (RFC 5545), which a search in the database would miss:
    # read them unfolded.
    with_files = session.execute(
        sa.select(OutboxMail.id, OutboxMail.attachments).where(
            sa.cast(OutboxMail.attachments, sa.Text) != "[]"
        )
    )
    for mail_id, attachments in with_files:
        unfolded = json.dumps(attachments, ensure_ascii=False).replace("\\r\\n ", "")
        unfolded = unfolded.replace("\\n ", "")
        if pattern.search(unfolded) or pattern.search(json.dumps(attachments)):
            mentioned.add(mail_id)
    if mentioned:
        ids = sorted(mentioned)
        _blank_mail(session, OutboxMail.id.in_(ids))
        session.execute(
            sa.update(OutboxMail)
            .where(OutboxMail.id.in_(ids), _holds(OutboxMail.to_address, variants))
            .values(to_address=None)
            .execution_options(synchronize_session=False)
        )

    for column in TEXT_COLUMNS:
        table = column.class_
        for key, text in session.execute(
            sa.select(table.id, column).where(_holds(column, variants))
        ).all():
            session.execute(
                sa.update(table)
                .where(table.id == key)
                .values({column.key: _scrub_text(text, pattern)})
                .execution_options(synchronize_session=False)
            )
    for column in JSON_COLUMNS:
        table = column.class_
        for key, data in session.execute(
            sa.select(table.id, column).where(_holds(column, variants))
        ).all():
            session.execute(
                sa.update(table)
                .where(table.id == key)
                .values({column.key: _scrub_json(data, pattern)})
                .execution_options(synchronize_session=False)
            )


def purge_old_mail(session: Session, now: datetime, days: int = MAIL_BODY_RETENTION_DAYS) -> int:
    """Empty the bodies and attachments of mail sent (or given up) more than `days` ago.

    A sent mail's text is only an operational copy; once nobody will ask about it, it
    should not keep names and stories around. The row stays (kind, key, status, dates),
    so a reminder is still never queued twice.
    """
    cutoff = now - timedelta(days=days)
    return int(
        session.execute(
            sa.update(OutboxMail)
            .where(
                OutboxMail.status.in_(DONE),
                OutboxMail.created_at < cutoff,
                sa.or_(
                    OutboxMail.body_text != "",
                    OutboxMail.body_html.is_not(None),
                    sa.cast(OutboxMail.attachments, sa.Text) != "[]",
                ),
            )
            .values(body_text="", body_html=None, attachments=[])
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )

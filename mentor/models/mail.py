"""Outgoing mail (the outbox) and in-app notices."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from mentor.models.base import Base, str_enum, utcnow
from mentor.models.enums import MailStatus

UNSENT = "status IN ('queued', 'sending')"


class OutboxMail(Base):
    """One mail to send. Written in the transaction of the change that caused it."""

    __tablename__ = "outbox_mails"
    __table_args__ = (
        sa.CheckConstraint("attempts >= 0", name="attempts_non_negative"),
        # The sender's scan touches only unsent rows; sent mail piles up without slowing it.
        sa.Index(
            "ix_outbox_mails_unsent_due",
            "next_attempt_at",
            sqlite_where=sa.text(UNSENT),
            postgresql_where=sa.text(UNSENT),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: kind:object:due — the same reminder can never be queued twice.
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    to_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    to_address: Mapped[str | None] = mapped_column(sa.String(254))
    #: Where a reply goes: the message relay's own address, never the other person's.
    reply_to: Mapped[str | None] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    #: Attachments as [{"filename", "content_type", "content"}] (text content, e.g. .ics).
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    status: Mapped[MailStatus] = mapped_column(
        str_enum(MailStatus, "mail_status"), default=MailStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Which sender holds the claim while `sending`: a scheduler taking over from a dead
    #: one gives that one's claims back at once instead of waiting for them to run out.
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100))
    #: Stable Message-ID, so a re-send after a crash can be recognised as the same mail.
    message_id: Mapped[str] = mapped_column(sa.String(200))
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class Notice(Base):
    """An in-app notice shown on the user's home page."""

    __tablename__ = "notices"
    __table_args__ = (sa.Index("ix_notices_topic", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.String(300))
    link: Mapped[str | None] = mapped_column(sa.String(300))
    #: What the notice is about ("proposal:12"), so it can be closed once answered.
    topic: Mapped[str | None] = mapped_column(sa.String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

"""Bulk messages: one text a coordinator sent to a filtered set of people."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from mentor.models.base import Base, str_enum, utcnow
from mentor.models.enums import BulkAudience


class BulkMessage(Base):
    """A message queued to many people at once; each copy is an outbox row."""

    __tablename__ = "bulk_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: NULL after the author's account was deleted.
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    audience: Mapped[BulkAudience] = mapped_column(str_enum(BulkAudience, "bulk_audience"))
    #: The filter as chosen (programme, region, status, ...), so the log says who got it.
    filters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    subject: Mapped[str] = mapped_column(sa.String(150))
    body: Mapped[str] = mapped_column(sa.Text)
    #: Mails queued, and people left out because they opted out of non-essential mail.
    recipients: Mapped[int] = mapped_column(default=0)
    opted_out: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

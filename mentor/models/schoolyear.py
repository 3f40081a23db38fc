"""A coordinator's changes to the default school calendar of a municipality or a school."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from mentor.models.base import Base, utcnow


class CalendarOverride(Base):
    """Days a municipality's (or one school's) own plan closes or opens, against the default.

    Municipality overrides apply to every school there; a school's own (a private school or
    a gymnasium with its own plan) apply after them, and within one level the newest wins.
    """

    __tablename__ = "calendar_overrides"
    __table_args__ = (
        sa.CheckConstraint("first_day <= last_day", name="day_order"),
        sa.CheckConstraint("(municipality_code IS NULL) <> (school_id IS NULL)", name="one_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Official municipality code, for a municipality's plan.
    municipality_code: Mapped[int | None] = mapped_column(index=True)
    school_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("schools.id", ondelete="CASCADE"), index=True
    )
    first_day: Mapped[date]
    last_day: Mapped[date]
    #: True closes the days (a holiday of the local plan); False opens days the default closes.
    closed: Mapped[bool] = mapped_column(default=True)
    label: Mapped[str] = mapped_column(sa.String(80), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

"""A role model's request for a course (e.g. virtual delivery), until a coordinator acts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentor.models.base import Base, str_enum, utcnow
from mentor.models.enums import TrainingKind

if TYPE_CHECKING:
    from mentor.models.volunteers import VolunteerProfile

OPEN_REQUEST = "handled_at IS NULL"


class TrainingRequest(Base):
    __tablename__ = "training_requests"
    __table_args__ = (
        # One open request per course and person: asking twice changes nothing.
        sa.Index(
            "uq_training_requests_open",
            "volunteer_id",
            "kind",
            unique=True,
            sqlite_where=sa.text(OPEN_REQUEST),
            postgresql_where=sa.text(OPEN_REQUEST),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[TrainingKind] = mapped_column(str_enum(TrainingKind, "training_kind"))
    #: What the role model wrote with the request (free text, removed on deletion).
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when the course is recorded or a coordinator closes the request.
    handled_at: Mapped[datetime | None]

    volunteer: Mapped[VolunteerProfile] = relationship()

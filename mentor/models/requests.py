"""Teachers' booking requests: a class that wants a role model, and when."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentor.models.base import Base, str_enum, utcnow
from mentor.models.enums import GenderFocus, RequestFormat, RequestStatus

if TYPE_CHECKING:
    from mentor.models.catalogue import Programme, SchoolLevel, Subject
    from mentor.models.schools import School
    from mentor.models.users import User

request_subjects = sa.Table(
    "request_subjects",
    Base.metadata,
    sa.Column(
        "request_id", sa.ForeignKey("booking_requests.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("subject_id", sa.ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True),
)


class BookingRequest(Base):
    __tablename__ = "booking_requests"
    __table_args__ = (
        sa.CheckConstraint("pupils BETWEEN 1 AND 200", name="pupils_range"),
        sa.CheckConstraint("girls IS NULL OR (girls >= 0 AND girls <= pupils)", name="girls_range"),
        sa.CheckConstraint("priority >= 0", name="priority_non_negative"),
        sa.Index("ix_booking_requests_programme_status", "programme_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id"))
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    #: The teacher who booked; NULL after that teacher deleted their account.
    teacher_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    level_id: Mapped[int] = mapped_column(sa.ForeignKey("school_levels.id"), index=True)
    class_name: Mapped[str] = mapped_column(sa.String(40), default="")
    pupils: Mapped[int]
    girls: Mapped[int | None]
    primary_subject_id: Mapped[int] = mapped_column(sa.ForeignKey("subjects.id"), index=True)
    topic: Mapped[str] = mapped_column(sa.String(300), default="")
    format: Mapped[RequestFormat] = mapped_column(
        str_enum(RequestFormat, "request_format"), default=RequestFormat.EITHER
    )
    gender_focus: Mapped[GenderFocus] = mapped_column(
        str_enum(GenderFocus, "gender_focus"), default=GenderFocus.NONE
    )
    language: Mapped[str] = mapped_column(sa.String(5), default="da")
    grey_zone: Mapped[bool] = mapped_column(default=False)
    whole_class: Mapped[bool] = mapped_column(default=True)
    #: Added to the price of leaving the request unmatched (outlying area, waiting time...).
    priority: Mapped[int] = mapped_column(default=0)
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus, "request_status"), default=RequestStatus.SUBMITTED
    )
    #: Why the last run left it unmatched, as data the UI turns into words.
    unmatched_reason: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    #: The key of the form it was booked with: a form posted twice is one booking.
    form_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    #: Set when the request needs a coordinator now (too little time left to ask one more
    #: volunteer); cleared when a volunteer is proposed or the request closes.
    attention_since: Mapped[datetime | None] = mapped_column(index=True)
    attention_reason: Mapped[str | None] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme] = relationship()
    school: Mapped[School] = relationship()
    teacher: Mapped[User | None] = relationship()
    level: Mapped[SchoolLevel] = relationship()
    primary_subject: Mapped[Subject] = relationship()
    other_subjects: Mapped[list[Subject]] = relationship(secondary=request_subjects)
    windows: Mapped[list[DateWindow]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="DateWindow.day"
    )


class DateWindow(Base):
    """One date with a time range in which the class can receive the visit."""

    __tablename__ = "date_windows"
    __table_args__ = (sa.CheckConstraint("start_time < end_time", name="time_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("booking_requests.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(index=True)
    start_time: Mapped[time]
    end_time: Mapped[time]

    request: Mapped[BookingRequest] = relationship(back_populates="windows")

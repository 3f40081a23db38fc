"""Schools and the teachers who book for their classes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentor.models.base import Base, str_enum, utcnow
from mentor.models.enums import SchoolMembership, SchoolType

if TYPE_CHECKING:
    from mentor.models.users import User


class School(Base):
    __tablename__ = "schools"
    __table_args__ = (
        sa.UniqueConstraint("name", "postcode", name="name_postcode"),
        sa.CheckConstraint("region_code BETWEEN 1081 AND 1085", name="region_code_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    school_type: Mapped[SchoolType] = mapped_column(str_enum(SchoolType, "school_type"))
    #: Street and number; the postcode and city complete the address.
    address: Mapped[str] = mapped_column(sa.String(160), default="")
    postcode: Mapped[str] = mapped_column(sa.String(4), index=True)
    #: The postcode's place name unless someone wrote a better one.
    city: Mapped[str] = mapped_column(sa.String(80), default="")
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    #: Official municipality and region codes, copied from the postcode at creation so
    #: reports can group without the geography file.
    municipality_code: Mapped[int] = mapped_column(index=True)
    region_code: Mapped[int] = mapped_column(index=True)
    latitude: Mapped[float]
    longitude: Mapped[float]
    #: Outlying area (udkantsområde): weighs in matching, and regions report how many of
    #: these requests were met. Follows Danmarks Statistik's municipality groups
    #: (mentor.geo.groups) unless a coordinator overrode it for this school.
    outlying: Mapped[bool] = mapped_column(default=False)
    #: Why a coordinator overrode the official classification; NULL while it follows it.
    outlying_reason: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    teachers: Mapped[list[TeacherProfile]] = relationship(back_populates="school")


class TeacherProfile(Base):
    """A teacher at her school. Joining a school that exists needs someone to vouch.

    A pending member sees and changes only her own bookings, and they are not matched;
    an approved colleague of the school or a coordinator approves (or rejects) her.
    """

    __tablename__ = "teacher_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    subjects_taught: Mapped[str] = mapped_column(sa.String(200), default="")
    membership: Mapped[SchoolMembership] = mapped_column(
        str_enum(SchoolMembership, "school_membership"), default=SchoolMembership.PENDING
    )
    #: Who vouched for her, and when (NULL for the teacher who added a new school).
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(back_populates="teacher_profile", foreign_keys=[user_id])
    school: Mapped[School] = relationship(back_populates="teachers")

    @property
    def is_approved(self) -> bool:
        return self.membership == SchoolMembership.APPROVED

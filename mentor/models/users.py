"""Accounts: every person who logs in, whatever their role."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentor.models.base import Base, str_enum, utcnow
from mentor.models.enums import Role

if TYPE_CHECKING:
    from mentor.models.catalogue import Programme
    from mentor.models.schools import TeacherProfile
    from mentor.models.volunteers import VolunteerProfile

coordinator_programmes = sa.Table(
    "coordinator_programmes",
    Base.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("programme_id", sa.ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
)


def new_session_stamp() -> str:
    return secrets.token_hex(16)


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased so login is case-insensitive and uniqueness holds across case.
    #: NULL once the account is deleted (anonymised).
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    #: Indexed: coordinators sort tens of thousands of volunteers by name.
    full_name: Mapped[str] = mapped_column(sa.String(120), default="", index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    locale: Mapped[str] = mapped_column(sa.String(5), default="da")
    email_verified_at: Mapped[datetime | None]
    #: Which consent text the person accepted, and when (GDPR art. 7).
    consent_version: Mapped[str | None] = mapped_column(sa.String(20))
    consent_at: Mapped[datetime | None]
    #: Non-essential reminders can be turned off; essential ones always go.
    reminders_opt_out: Mapped[bool] = mapped_column(default=False)
    #: Bumped on every password change; reset tokens embed it so they work once.
    password_changed_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    #: The last sign of life: a login, or an action taken from a signed mail link. The
    #: retention job deletes accounts whose last sign of life is years old.
    last_active_at: Mapped[datetime | None]
    #: When the retention job warned that the account will be deleted; activity after
    #: this moment cancels the deletion.
    retention_warned_at: Mapped[datetime | None]
    #: Part of every session cookie; a new value ends every session made with the old one
    #: (logout, password reset, deactivation, "end my other sessions").
    session_stamp: Mapped[str] = mapped_column(sa.String(32), default=new_session_stamp)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set by an admin: the person cannot log in and is not matched, until reactivated.
    deactivated_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]

    coordinated_programmes: Mapped[list[Programme]] = relationship(
        secondary=coordinator_programmes, lazy="selectin"
    )
    volunteer_profile: Mapped[VolunteerProfile | None] = relationship(
        back_populates="user", foreign_keys="VolunteerProfile.user_id"
    )
    teacher_profile: Mapped[TeacherProfile | None] = relationship(
        back_populates="user", foreign_keys="TeacherProfile.user_id"
    )

    @property
    def is_active(self) -> bool:  # flask-login: deleted and deactivated accounts cannot log in
        return self.deleted_at is None and self.deactivated_at is None

    def get_id(self) -> str:
        """The session's user id: the account and its current session stamp."""
        return f"{self.id}:{self.session_stamp}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def first_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else ""

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

"""Programmes, their goals, and the subject and school-level vocabularies."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentor.models.base import Base, str_enum
from mentor.models.enums import LevelGroup

subject_relations = sa.Table(
    "subject_relations",
    Base.metadata,
    sa.Column("subject_id", sa.ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("related_id", sa.ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True),
)

goal_levels = sa.Table(
    "goal_levels",
    Base.metadata,
    sa.Column("goal_id", sa.ForeignKey("programme_goals.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("level_id", sa.ForeignKey("school_levels.id", ondelete="CASCADE"), primary_key=True),
)


class Programme(Base):
    __tablename__ = "programmes"
    __table_args__ = (
        sa.CheckConstraint("proposal_deadline_days BETWEEN 1 AND 60", name="deadline_range"),
        sa.CheckConstraint("notice_school_days BETWEEN 0 AND 60", name="notice_range"),
        sa.CheckConstraint("answer_lead_school_days BETWEEN 0 AND 30", name="lead_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: KRAM: only women role models may join and be matched.
    women_only: Mapped[bool] = mapped_column(default=False)
    #: Whether teachers may ask for "a woman required" (not only "preferred").
    allows_woman_required: Mapped[bool] = mapped_column(default=False)
    proposal_deadline_days: Mapped[int] = mapped_column(default=7)
    #: A window must start at least this many school days after the day it is booked.
    notice_school_days: Mapped[int] = mapped_column(default=10, server_default="10")
    #: A volunteer answers at the latest this many school days before the proposed visit.
    answer_lead_school_days: Mapped[int] = mapped_column(default=5, server_default="5")
    #: Visits may be on Saturdays and Sundays (schools are otherwise closed then).
    weekends_open: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: Propose the next-best candidate at once when a volunteer declines or lets it expire.
    cascade: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)

    goals: Mapped[list[ProgrammeGoal]] = relationship(
        back_populates="programme", cascade="all, delete-orphan"
    )


class ProgrammeGoal(Base):
    """An activity goal for a period, e.g. 16 grundskole classes ≈ 320 pupils."""

    __tablename__ = "programme_goals"
    __table_args__ = (
        sa.CheckConstraint("period_start < period_end", name="period_order"),
        sa.CheckConstraint("classes_goal >= 0 AND pupils_goal >= 0", name="non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(sa.String(80))
    period_start: Mapped[date]
    period_end: Mapped[date]
    classes_goal: Mapped[int]
    pupils_goal: Mapped[int]

    programme: Mapped[Programme] = relationship(back_populates="goals")
    levels: Mapped[list[SchoolLevel]] = relationship(secondary=goal_levels)


class Subject(Base):
    __tablename__ = "subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_da: Mapped[str] = mapped_column(sa.String(80))
    name_en: Mapped[str] = mapped_column(sa.String(80))
    active: Mapped[bool] = mapped_column(default=True)

    related: Mapped[list[Subject]] = relationship(
        secondary=subject_relations,
        primaryjoin=lambda: Subject.id == subject_relations.c.subject_id,
        secondaryjoin=lambda: Subject.id == subject_relations.c.related_id,
    )

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_da


class SchoolLevel(Base):
    __tablename__ = "school_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name_da: Mapped[str] = mapped_column(sa.String(80))
    name_en: Mapped[str] = mapped_column(sa.String(80))
    group: Mapped[LevelGroup] = mapped_column(str_enum(LevelGroup, "level_group"))
    sort_order: Mapped[int] = mapped_column(default=0)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_da

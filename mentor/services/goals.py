"""Activity goals per programme, period, school level and measure, kept by coordinators.

A goal says "in this period, this programme reaches N pupils (or visits N classes) at
these school levels". Periods are school years (1 August – 31 July) unless someone
chooses other dates; a new school year usually starts from a copy of the last one.
The impact dashboard grades each goal over its own period (services.impact).
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, selectinload

from mentor.formatting import short_date
from mentor.models import Programme, ProgrammeGoal, SchoolLevel, User
from mentor.models.base import utcnow
from mentor.models.enums import GoalMeasure
from mentor.services import audit
from mentor.services.errors import DomainError, NotAllowed, NotFound

#: A goal above this is a typo, not an ambition.
MAX_TARGET = 1_000_000


class GoalState(enum.StrEnum):
    ACTIVE = "active"
    UPCOMING = "upcoming"
    ENDED = "ended"


@dataclass(frozen=True)
class GoalData:
    """What a coordinator fills in for a goal."""

    programme_id: int
    label: str
    period_start: date
    period_end: date
    level_ids: Sequence[int]
    measure: GoalMeasure
    classes_goal: int
    pupils_goal: int


def school_year(day: date) -> tuple[date, date]:
    """The school year (1 August – 31 July) a day falls in."""
    first = day.year if day.month >= 8 else day.year - 1
    return date(first, 8, 1), date(first + 1, 7, 31)


def period_label(start: date, end: date) -> str:
    """ "2027/28" for a school year, else the dates."""
    if school_year(start) == (start, end):
        return f"{start.year}/{str(end.year)[2:]}"
    return f"{short_date(start)}–{short_date(end)}"


def state(goal: ProgrammeGoal, today: date) -> GoalState:
    if today < goal.period_start:
        return GoalState.UPCOMING
    if today > goal.period_end:
        return GoalState.ENDED
    return GoalState.ACTIVE


def goals_in_scope(
    session: Session, programme_ids: Collection[int], programme_id: int | None = None
) -> list[ProgrammeGoal]:
    """The goals of these programmes, newest period first."""
    ids = set(programme_ids) & ({programme_id} if programme_id else set(programme_ids))
    return list(
        session.scalars(
            sa.select(ProgrammeGoal)
            .join(Programme, Programme.id == ProgrammeGoal.programme_id)
            .where(ProgrammeGoal.programme_id.in_(ids))
            .options(selectinload(ProgrammeGoal.levels), selectinload(ProgrammeGoal.programme))
            .order_by(
                ProgrammeGoal.period_start.desc(),
                ProgrammeGoal.period_end.desc(),
                Programme.name,
                ProgrammeGoal.label,
                ProgrammeGoal.id,
            )
        )
    )


def scoped_goal(session: Session, goal_id: int, programme_ids: Collection[int]) -> ProgrammeGoal:
    goal = session.get(ProgrammeGoal, goal_id)
    if goal is None or goal.programme_id not in programme_ids:
        raise NotFound(_("Målet findes ikke."))
    return goal


def _validated(
    session: Session, data: GoalData, programme_ids: Collection[int]
) -> tuple[str, list[SchoolLevel]]:
    if data.programme_id not in programme_ids:
        raise NotAllowed(_("Du kan kun sætte mål for dine egne programmer."))
    label = " ".join(data.label.split())[:80]
    if len(label) < 2:
        raise DomainError(_("Giv målet et navn, fx Grundskole."), field="label")
    if data.period_end <= data.period_start:
        raise DomainError(_("Perioden skal slutte efter, den begynder."), field="period_end")
    if (data.period_end - data.period_start).days > 366 * 5:
        raise DomainError(_("Vælg en periode på højst fem år."), field="period_end")
    for name, value in (("classes_goal", data.classes_goal), ("pupils_goal", data.pupils_goal)):
        if not 0 <= value <= MAX_TARGET:
            raise DomainError(_("Skriv et tal mellem 0 og 1.000.000."), field=name)
    measured = data.pupils_goal if data.measure == GoalMeasure.PUPILS else data.classes_goal
    if measured <= 0:
        field = "pupils_goal" if data.measure == GoalMeasure.PUPILS else "classes_goal"
        raise DomainError(_("Målet skal være større end 0 for det, der måles på."), field=field)
    wanted = set(data.level_ids)
    levels = list(session.scalars(sa.select(SchoolLevel).where(SchoolLevel.id.in_(wanted))))
    if not levels or len(levels) != len(wanted):
        raise DomainError(_("Vælg mindst ét klassetrin."), field="level_ids")
    return label, sorted(levels, key=lambda lv: lv.sort_order)


def _clash(session: Session, data: GoalData, label: str, exclude: int | None) -> bool:
    stmt = sa.select(ProgrammeGoal.id).where(
        ProgrammeGoal.programme_id == data.programme_id,
        ProgrammeGoal.period_start == data.period_start,
        ProgrammeGoal.period_end == data.period_end,
        sa.func.lower(ProgrammeGoal.label) == label.lower(),
    )
    if exclude is not None:
        stmt = stmt.where(ProgrammeGoal.id != exclude)
    return session.scalar(stmt) is not None


def _snapshot(goal: ProgrammeGoal) -> dict[str, object]:
    return {
        "programme": goal.programme.code if goal.programme else None,
        "label": goal.label,
        "period_start": goal.period_start.isoformat(),
        "period_end": goal.period_end.isoformat(),
        "levels": sorted(lv.code for lv in goal.levels),
        "measure": goal.measure.value,
        "classes_goal": goal.classes_goal,
        "pupils_goal": goal.pupils_goal,
    }


def save_goal(
    session: Session,
    actor: User,
    goal: ProgrammeGoal | None,
    data: GoalData,
    programme_ids: Collection[int],
    now: datetime | None = None,
) -> ProgrammeGoal:
    """Create a goal (goal=None) or change one; the programme must be in the actor's scope."""
    now = now or utcnow()
    if goal is not None and goal.programme_id not in programme_ids:
        raise NotFound(_("Målet findes ikke."))
    label, levels = _validated(session, data, programme_ids)
    if _clash(session, data, label, goal.id if goal else None):
        raise DomainError(
            _("Programmet har allerede et mål med det navn i perioden."), field="label"
        )
    before = _snapshot(goal) if goal is not None else None
    programme = session.get(Programme, data.programme_id)
    if goal is None:
        goal = ProgrammeGoal()
    goal.programme = programme  # type: ignore[assignment]
    goal.label = label
    goal.period_start = data.period_start
    goal.period_end = data.period_end
    goal.levels = levels
    goal.measure = data.measure
    goal.classes_goal = data.classes_goal
    goal.pupils_goal = data.pupils_goal
    session.add(goal)
    session.flush()
    after = _snapshot(goal)
    if before is None:
        audit.record(session, actor, "goal_created", "goal", goal.id, now=now, values=after)
    else:
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changes:
            audit.record(session, actor, "goal_updated", "goal", goal.id, now=now, changes=changes)
    return goal


def delete_goal(
    session: Session,
    actor: User,
    goal: ProgrammeGoal,
    programme_ids: Collection[int],
    now: datetime | None = None,
) -> None:
    if goal.programme_id not in programme_ids:
        raise NotFound(_("Målet findes ikke."))
    audit.record(
        session, actor, "goal_deleted", "goal", goal.id, now=now or utcnow(), values=_snapshot(goal)
    )
    session.delete(goal)
    session.flush()


def periods(session: Session, programme_ids: Collection[int]) -> list[tuple[date, date]]:
    """The distinct goal periods of these programmes, newest first."""
    rows = session.execute(
        sa.select(ProgrammeGoal.period_start, ProgrammeGoal.period_end)
        .where(ProgrammeGoal.programme_id.in_(set(programme_ids)))
        .distinct()
        .order_by(ProgrammeGoal.period_start.desc(), ProgrammeGoal.period_end.desc())
    )
    return [(start, end) for start, end in rows]


def next_period(start: date, end: date) -> tuple[date, date]:
    """The period after this one: the next school year, or as long again right after.

    Only for `day.day == 1` does `_add_months` keep the day, which is all it is used for.
    """
    if school_year(start) == (start, end):
        return date(start.year + 1, 8, 1), date(end.year + 1, 7, 31)
    following = end + timedelta(days=1)
    if start.day == 1 and following.day == 1:
        # Whole months (a half-year, a quarter): as many months again.
        months = (following.year - start.year) * 12 + following.month - start.month
        return following, _add_months(following, months) - timedelta(days=1)
    return following, following + (end - start)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def copy_goals(
    session: Session,
    actor: User,
    programme_ids: Collection[int],
    source: tuple[date, date],
    target: tuple[date, date],
    now: datetime | None = None,
) -> list[ProgrammeGoal]:
    """Copy the goals of one period into another, for the programmes in scope.

    A goal the target period already has (same programme and name) is left alone, so
    copying twice adds nothing the second time.
    """
    now = now or utcnow()
    start, end = target
    if end <= start:
        raise DomainError(_("Perioden skal slutte efter, den begynder."), field="period_end")
    if target == source:
        raise DomainError(_("Vælg en anden periode at kopiere til."), field="period_start")
    originals = [
        g
        for g in goals_in_scope(session, programme_ids)
        if (g.period_start, g.period_end) == source
    ]
    if not originals:
        raise DomainError(_("Der er ingen mål i perioden at kopiere."), field="source")
    created = []
    for original in originals:
        data = GoalData(
            programme_id=original.programme_id,
            label=original.label,
            period_start=start,
            period_end=end,
            level_ids=[lv.id for lv in original.levels],
            measure=original.measure,
            classes_goal=original.classes_goal,
            pupils_goal=original.pupils_goal,
        )
        if _clash(session, data, original.label, None):
            continue
        copy = save_goal(session, actor, None, data, programme_ids, now=now)
        created.append(copy)
    audit.record(
        session,
        actor,
        "goals_copied",
        "goal",
        None,
        now=now,
        source=[source[0].isoformat(), source[1].isoformat()],
        target=[start.isoformat(), end.isoformat()],
        created=[g.id for g in created],
    )
    return created

"""Impact figures: pupils reached against activity goals, and the dashboard around them.

The figures come from four grouped scans of the large tables (visits by place, level
and format; visits by role model; ratings; requests) plus a few small lookups; Python
only adds up the grouped rows, never loops over visits, so the dashboard stays fast at
a hundred thousand visits and more. Only confirmed visits count
(status `completed`, see `services.feedback`), and every figure is read from the
visit, its request and its school, never from the accounts: a deleted volunteer's or
teacher's visits keep counting, with the role model's gender and kind taken from the
snapshot on the visit.

Which date puts a row in a period:
- a visit by when it started (`Visit.starts_at`), in the local calendar;
- a request by when it was submitted (`BookingRequest.created_at`), so the
  "requested vs met" figures compare the demand that arrived in the period.

Goal progress is graded the way the regions do it: the share of the goal period that
has passed says how much should have been reached by now; reached divided by that
expected amount is the ratio, and thresholds (`IMPACT_GRADE_GOOD`,
`IMPACT_GRADE_ACCEPTABLE` in the app config) turn the ratio into god / acceptabel /
langsom fremdrift. The grade follows the goal's measure (`ProgrammeGoal.measure`):
pupils, which is what the regions fund, or classes.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.visitors import InternalTraversal

from mentor import geo
from mentor.geo.regions import REGIONS
from mentor.models import (
    BookingRequest,
    Feedback,
    Programme,
    ProgrammeGoal,
    School,
    SchoolLevel,
    Subject,
    Visit,
    VolunteerProfile,
)
from mentor.models.enums import (
    FeedbackAuthor,
    Gender,
    GenderFocus,
    GoalMeasure,
    RequestStatus,
    RoleModelKind,
    VisitFormat,
    VisitStatus,
    VolunteerStatus,
)
from mentor.models.volunteers import volunteer_programmes
from mentor.services.errors import DomainError

DEFAULT_TIMEZONE = ZoneInfo("Europe/Copenhagen")
DEFAULT_GRADE_GOOD = 0.9
DEFAULT_GRADE_ACCEPTABLE = 0.6


class Grade(enum.StrEnum):
    GOOD = "god"
    ACCEPTABLE = "acceptabel"
    SLOW = "langsom"


@dataclass(frozen=True)
class Thresholds:
    """Lowest ratio of reached vs expected-by-now for each grade."""

    good: float = DEFAULT_GRADE_GOOD
    acceptable: float = DEFAULT_GRADE_ACCEPTABLE

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Thresholds:
        """Read IMPACT_GRADE_GOOD / IMPACT_GRADE_ACCEPTABLE, with the defaults if missing."""
        good = float(config.get("IMPACT_GRADE_GOOD", DEFAULT_GRADE_GOOD))
        acceptable = float(config.get("IMPACT_GRADE_ACCEPTABLE", DEFAULT_GRADE_ACCEPTABLE))
        if not 0 <= acceptable <= good:
            raise ValueError("IMPACT_GRADE_ACCEPTABLE must lie between 0 and IMPACT_GRADE_GOOD")
        return cls(good=good, acceptable=acceptable)


def grade(ratio: float | None, thresholds: Thresholds) -> Grade | None:
    """Grade a ratio of reached vs expected; None when nothing was expected yet."""
    if ratio is None:
        return None
    if ratio >= thresholds.good:
        return Grade.GOOD
    if ratio >= thresholds.acceptable:
        return Grade.ACCEPTABLE
    return Grade.SLOW


@dataclass(frozen=True)
class Period:
    """A span of local calendar days, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise DomainError(_("Perioden slutter før den begynder."), field="til")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    def utc_bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[first local midnight, local midnight after the last day) as aware datetimes."""
        start = datetime.combine(self.start, time(0), tzinfo=tz)
        end = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=tz)
        return start, end

    def elapsed_share(self, today: date) -> float:
        """The share of the period's days that have begun by `today` (0 to 1)."""
        if today < self.start:
            return 0.0
        total = (self.end - self.start).days + 1
        elapsed = (min(today, self.end) - self.start).days + 1
        return elapsed / total


@dataclass(frozen=True)
class Totals:
    requests: int
    visits_planned: int
    #: Planned visits whose start has passed: waiting for the teacher's confirmation.
    visits_awaiting_confirmation: int
    visits_completed: int
    visits_no_show: int
    visits_cancelled: int
    pupils_reached: int
    girls_reached: int
    #: Completed visits whose role model has since deleted their account.
    visits_by_deleted_volunteers: int
    teacher_rating: float | None
    teacher_ratings: int
    volunteer_rating: float | None
    volunteer_ratings: int


@dataclass(frozen=True)
class ProgrammeReach:
    code: str
    name: str
    visits: int
    pupils: int
    girls: int


@dataclass(frozen=True)
class GoalProgress:
    goal_id: int
    programme_code: str
    programme_name: str
    label: str
    level_codes: tuple[str, ...]
    period_start: date
    period_end: date
    classes_goal: int
    pupils_goal: int
    classes_reached: int
    pupils_reached: int
    girls_reached: int
    elapsed_share: float
    expected_classes: float
    expected_pupils: float
    ratio: float | None
    grade: Grade | None
    #: "pupils" or "classes": the figure the grade follows.
    measure: str = "pupils"


@dataclass(frozen=True)
class LevelReach:
    code: str
    name_da: str
    name_en: str
    classes: int
    pupils: int

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_da


@dataclass(frozen=True)
class AreaReach:
    """Completed visits and pupils in a region or municipality."""

    code: int
    name: str
    visits: int
    pupils: int
    region_code: int


@dataclass(frozen=True)
class Demand:
    """Requests that arrived in the period, and how many of them got a completed visit."""

    requested: int
    met: int


@dataclass(frozen=True)
class KeyedReach:
    """Completed visits and pupils by a closed vocabulary value (format, gender, kind)."""

    key: str
    visits: int
    pupils: int
    #: Distinct role models behind the visits; deleted accounts are not counted here.
    role_models: int = 0


@dataclass(frozen=True)
class GenderFocusDelivery:
    focus: str
    requested: int
    delivered: int
    delivered_by_woman: int


@dataclass(frozen=True)
class WaitingCount:
    key: str
    name_da: str
    name_en: str
    requests: int

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_da


@dataclass(frozen=True)
class VolunteerActivity:
    """Volunteers by completed visits in the period: approved members and anyone who visited."""

    none: int
    one: int
    two_or_more: int


@dataclass(frozen=True)
class Dashboard:
    period: Period
    programme_ids: tuple[int, ...]
    computed_at: datetime
    totals: Totals
    programmes: list[ProgrammeReach]
    goals: list[GoalProgress]
    levels: list[LevelReach]
    regions: list[AreaReach]
    municipalities: list[AreaReach]
    outlying: Demand
    not_outlying: Demand
    formats: list[KeyedReach]
    genders: list[KeyedReach]
    kinds: list[KeyedReach]
    gender_focus: list[GenderFocusDelivery]
    waiting_by_subject: list[WaitingCount]
    waiting_by_region: list[WaitingCount]
    activity: VolunteerActivity
    thresholds: Thresholds = field(default_factory=Thresholds)

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready data (dates as ISO strings)."""

        def convert(value: Any) -> Any:
            if isinstance(value, dict):
                return {k: convert(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [convert(v) for v in value]
            if isinstance(value, datetime | date):
                return value.isoformat()
            if isinstance(value, enum.Enum):
                return value.value
            return value

        data = convert(asdict(self))
        data["period"] = {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}
        return data


def compute_dashboard(
    session: Session,
    programme_ids: Iterable[int],
    period: Period,
    now: datetime,
    *,
    thresholds: Thresholds | None = None,
    tz: ZoneInfo = DEFAULT_TIMEZONE,
) -> Dashboard:
    """Compute every dashboard figure for these programmes and this period.

    The visits scan also measures the goals: it covers the filter period and every goal
    period at once, with a column set per period.
    """
    ids = tuple(sorted(set(programme_ids)))
    thresholds = thresholds or Thresholds()
    start, end = period.utc_bounds(tz)
    goals = _goals_overlapping(session, ids, period)
    windows = _goal_windows(goals, tz)
    groups = _visit_groups(session, ids, (start, end), list(windows), now)
    role_models = _role_model_groups(session, ids, start, end)
    outlying, not_outlying, focus, requests = _demand(session, ids, start, end)
    regions, municipalities = _areas(groups)
    genders, kinds = _role_models(role_models)
    return Dashboard(
        period=period,
        programme_ids=ids,
        computed_at=now,
        totals=_totals(session, groups, ids, start, end, requests),
        programmes=_programmes(session, ids, groups),
        goals=_progress(goals, windows, groups, now, thresholds, tz),
        levels=_levels(session, groups),
        regions=regions,
        municipalities=municipalities,
        outlying=outlying,
        not_outlying=not_outlying,
        formats=_keyed(
            [f.value for f in VisitFormat],
            ((g.format, g.visits, g.pupils, None) for g in groups if g.completed),
        ),
        genders=genders,
        kinds=kinds,
        gender_focus=focus,
        waiting_by_subject=_waiting_by_subject(session, ids, start, end),
        waiting_by_region=_waiting_by_region(session, ids, start, end),
        activity=_activity(session, ids, role_models),
        thresholds=thresholds,
    )


def goal_progress(
    session: Session,
    programme_ids: Iterable[int],
    period: Period,
    now: datetime,
    *,
    thresholds: Thresholds | None = None,
    tz: ZoneInfo = DEFAULT_TIMEZONE,
) -> list[GoalProgress]:
    """Progress of the goals of these programmes whose period overlaps `period`.

    Each goal is measured over its own period (not the filter's): the regions grade
    the goal year as a whole.
    """
    ids = tuple(sorted(set(programme_ids)))
    goals = _goals_overlapping(session, ids, period)
    windows = _goal_windows(goals, tz)
    groups = _visit_groups(session, ids, period.utc_bounds(tz), list(windows), now)
    return _progress(goals, windows, groups, now, thresholds or Thresholds(), tz)


class _Unindexed(sa.sql.expression.ColumnElement[Any]):
    """A column that SQLite must read from the table, not look up through an index.

    The figures aggregate most of a table; SQLite, lacking statistics, would walk an
    index and fetch every row by id, several times slower than one scan. SQLite's
    documented way to rule an index out is a unary `+`; other databases get the plain
    column and plan with their own statistics.
    """

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: sa.ColumnElement[Any]) -> None:
        self.column = column
        self.type = column.type


@compiles(_Unindexed)
def _compile_unindexed(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(_Unindexed, "sqlite")
def _compile_unindexed_sqlite(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.column, **kw))


def _scan(column: Any) -> Any:
    return _Unindexed(column)


class _Group(NamedTuple):
    """Visits sharing status, programme, level, school area and format.

    The first counts are for the filter period; `windows` holds (visits, pupils, girls)
    for each goal period, in the order of `_goal_windows`. A tuple, not a dataclass:
    there are thousands of these per dashboard.
    """

    status: str
    programme_id: int
    level_id: int
    region_code: int
    municipality_code: int
    format: str
    visits: int
    pupils: int
    girls: int
    started: int
    anonymous: int
    windows: tuple[tuple[int, int, int], ...]
    completed: bool


def _visit_groups(
    session: Session,
    ids: tuple[int, ...],
    bounds: tuple[datetime, datetime],
    windows: list[tuple[datetime, datetime]],
    now: datetime,
) -> list[_Group]:
    """One scan over the visits of the filter and goal periods, grouped for every figure."""
    start, end = bounds
    low = min([start, *(w[0] for w in windows)])
    high = max([end, *(w[1] for w in windows)])

    def within(lo: datetime, hi: datetime) -> sa.ColumnElement[bool]:
        return sa.and_(Visit.starts_at >= lo, Visit.starts_at < hi)

    def count(condition: sa.ColumnElement[bool]) -> Any:
        return sa.func.sum(sa.case((condition, 1), else_=0))

    def total(condition: sa.ColumnElement[bool], column: Any) -> Any:
        return sa.func.sum(sa.case((condition, column), else_=None))

    in_filter = within(start, end)
    columns: list[Any] = [
        count(in_filter),
        total(in_filter, Visit.pupils_reached),
        total(in_filter, Visit.girls_reached),
        count(sa.and_(in_filter, Visit.starts_at < now)),
        count(sa.and_(in_filter, Visit.volunteer_id.is_(None))),
    ]
    for lo, hi in windows:
        in_window = within(lo, hi)
        columns += [
            count(in_window),
            total(in_window, Visit.pupils_reached),
            total(in_window, Visit.girls_reached),
        ]
    # `_scan` on the first key: SQLite would otherwise read the rows in status-index
    # order to skip the sort, fetching each row by id, which is far slower.
    keys = [
        _scan(Visit.status),
        Visit.programme_id,
        BookingRequest.level_id,
        School.region_code,
        School.municipality_code,
        Visit.format,
    ]
    rows = session.execute(
        sa.select(*keys, *columns)
        .select_from(Visit)
        .join(BookingRequest, BookingRequest.id == Visit.request_id)
        .join(School, School.id == BookingRequest.school_id)
        .where(
            _scan(Visit.programme_id).in_(ids),
            Visit.starts_at >= low,
            Visit.starts_at < high,
        )
        .group_by(*keys)
    )
    groups = []
    completed = VisitStatus.COMPLETED.value
    for row in rows:
        figures = [int(v or 0) for v in row[6:]]
        status = _value(row[0])
        groups.append(
            _Group(
                status,
                row[1],
                row[2],
                row[3],
                row[4],
                _value(row[5]),
                *figures[:5],
                windows=tuple(
                    (figures[i], figures[i + 1], figures[i + 2]) for i in range(5, len(figures), 3)
                ),
                completed=status == completed,
            )
        )
    return groups


def _value(value: Any) -> str:
    return str(getattr(value, "value", value))


def _totals(
    session: Session,
    groups: list[_Group],
    ids: tuple[int, ...],
    start: datetime,
    end: datetime,
    requests: int,
) -> Totals:
    by_status: dict[str, list[int]] = {s.value: [0, 0, 0, 0, 0] for s in VisitStatus}
    for g in groups:
        sums = by_status.setdefault(g.status, [0, 0, 0, 0, 0])
        for i, value in enumerate((g.visits, g.pupils, g.girls, g.started, g.anonymous)):
            sums[i] += value
    completed = by_status[VisitStatus.COMPLETED.value]

    # Ratings: feedback is a smaller table than visits, so it leads the join.
    ratings: dict[str, list[int]] = {}
    for role, status, rating_sum, rating_count in session.execute(
        sa.select(
            Feedback.author_role,
            Visit.status,
            sa.func.sum(Feedback.rating),
            sa.func.count(Feedback.rating),
        )
        .join(Visit, Visit.id == Feedback.visit_id)
        .where(
            Feedback.rating.is_not(None),
            _scan(Visit.programme_id).in_(ids),
            Visit.starts_at >= start,
            Visit.starts_at < end,
        )
        .group_by(Feedback.author_role, Visit.status)
    ):
        if _value(status) == VisitStatus.COMPLETED.value:
            ratings[_value(role)] = [int(rating_sum), int(rating_count)]

    def average(role: FeedbackAuthor) -> tuple[float | None, int]:
        rating_sum, rating_count = ratings.get(role.value, [0, 0])
        return (rating_sum / rating_count if rating_count else None), rating_count

    teacher = average(FeedbackAuthor.TEACHER)
    volunteer = average(FeedbackAuthor.VOLUNTEER)
    return Totals(
        requests=requests,
        visits_planned=by_status[VisitStatus.PLANNED.value][0],
        visits_awaiting_confirmation=by_status[VisitStatus.PLANNED.value][3],
        visits_completed=completed[0],
        visits_no_show=by_status[VisitStatus.NO_SHOW.value][0],
        visits_cancelled=by_status[VisitStatus.CANCELLED.value][0],
        pupils_reached=completed[1],
        girls_reached=completed[2],
        visits_by_deleted_volunteers=completed[4],
        teacher_rating=teacher[0],
        teacher_ratings=teacher[1],
        volunteer_rating=volunteer[0],
        volunteer_ratings=volunteer[1],
    )


def _goals_overlapping(
    session: Session, ids: tuple[int, ...], period: Period
) -> list[ProgrammeGoal]:
    return list(
        session.scalars(
            sa.select(ProgrammeGoal)
            .join(Programme, Programme.id == ProgrammeGoal.programme_id)
            .where(
                ProgrammeGoal.programme_id.in_(ids),
                ProgrammeGoal.period_start <= period.end,
                ProgrammeGoal.period_end >= period.start,
            )
            .options(selectinload(ProgrammeGoal.levels), selectinload(ProgrammeGoal.programme))
            .order_by(Programme.code, ProgrammeGoal.period_start, ProgrammeGoal.id)
        )
    )


def _goal_windows(goals: list[ProgrammeGoal], tz: ZoneInfo) -> dict[tuple[datetime, datetime], int]:
    """The distinct goal periods as UTC bounds, each with its column index."""
    windows: dict[tuple[datetime, datetime], int] = {}
    for goal in goals:
        bounds = Period(goal.period_start, goal.period_end).utc_bounds(tz)
        windows.setdefault(bounds, len(windows))
    return windows


def _progress(
    goals: list[ProgrammeGoal],
    windows: dict[tuple[datetime, datetime], int],
    groups: list[_Group],
    now: datetime,
    thresholds: Thresholds,
    tz: ZoneInfo,
) -> list[GoalProgress]:
    today = now.astimezone(tz).date()
    result = []
    for goal in goals:
        period = Period(goal.period_start, goal.period_end)
        window = windows[period.utc_bounds(tz)]
        level_ids = {lv.id for lv in goal.levels}
        classes = pupils = girls = 0
        for g in groups:
            if g.completed and g.programme_id == goal.programme_id and g.level_id in level_ids:
                classes += g.windows[window][0]
                pupils += g.windows[window][1]
                girls += g.windows[window][2]
        share = period.elapsed_share(today)
        expected_classes = goal.classes_goal * share
        expected_pupils = goal.pupils_goal * share
        # The goal's own measure decides the grade, so "god fremdrift" means the same
        # thing in every period, whatever the other figure says.
        if goal.measure == GoalMeasure.PUPILS:
            ratio = pupils / expected_pupils if expected_pupils > 0 else None
        else:
            ratio = classes / expected_classes if expected_classes > 0 else None
        result.append(
            GoalProgress(
                goal_id=goal.id,
                programme_code=goal.programme.code,
                programme_name=goal.programme.name,
                label=goal.label,
                level_codes=tuple(sorted(lv.code for lv in goal.levels)),
                period_start=goal.period_start,
                period_end=goal.period_end,
                classes_goal=goal.classes_goal,
                pupils_goal=goal.pupils_goal,
                classes_reached=classes,
                pupils_reached=pupils,
                girls_reached=girls,
                elapsed_share=share,
                expected_classes=expected_classes,
                expected_pupils=expected_pupils,
                ratio=ratio,
                grade=grade(ratio, thresholds),
                measure=goal.measure.value,
            )
        )
    return result


def _programmes(
    session: Session, ids: tuple[int, ...], groups: list[_Group]
) -> list[ProgrammeReach]:
    """Every programme in scope with its completed visits, pupils and girls."""
    sums: dict[int, list[int]] = {}
    for g in groups:
        if g.completed:
            row = sums.setdefault(g.programme_id, [0, 0, 0])
            row[0] += g.visits
            row[1] += g.pupils
            row[2] += g.girls
    programmes = session.execute(
        sa.select(Programme.id, Programme.code, Programme.name)
        .where(Programme.id.in_(ids))
        .order_by(Programme.code)
    )
    return [
        ProgrammeReach(code, name, *sums.get(programme_id, [0, 0, 0]))
        for programme_id, code, name in programmes
    ]


def _levels(session: Session, groups: list[_Group]) -> list[LevelReach]:
    """Every school level, in school order, with its completed classes and pupils."""
    sums: dict[int, list[int]] = {}
    for g in groups:
        if g.completed:
            row = sums.setdefault(g.level_id, [0, 0])
            row[0] += g.visits
            row[1] += g.pupils
    levels = session.execute(
        sa.select(
            SchoolLevel.id, SchoolLevel.code, SchoolLevel.name_da, SchoolLevel.name_en
        ).order_by(SchoolLevel.sort_order, SchoolLevel.code)
    )
    return [
        LevelReach(code, name_da, name_en, *sums.get(level_id, [0, 0]))
        for level_id, code, name_da, name_en in levels
    ]


def _areas(groups: list[_Group]) -> tuple[list[AreaReach], list[AreaReach]]:
    """Completed visits by region (all five, code order) and municipality (most first)."""
    regions = {code: [0, 0] for code in sorted(REGIONS)}
    municipalities: dict[tuple[int, int], list[int]] = {}
    for g in groups:
        if not g.completed or g.visits == 0:
            continue
        regions[g.region_code][0] += g.visits
        regions[g.region_code][1] += g.pupils
        row = municipalities.setdefault((g.municipality_code, g.region_code), [0, 0])
        row[0] += g.visits
        row[1] += g.pupils
    by_municipality = [
        AreaReach(code, geo.municipality_name(code), n, pupils, region)
        for (code, region), (n, pupils) in municipalities.items()
    ]
    return (
        [
            AreaReach(code, geo.region_name(code), n, pupils, code)
            for code, (n, pupils) in regions.items()
        ],
        sorted(by_municipality, key=lambda a: (-a.visits, a.name)),
    )


def _keyed(
    vocabulary: list[str],
    rows: Iterable[tuple[str, int, int, int | None]],
) -> list[KeyedReach]:
    """Sum (key, visits, pupils, volunteer id) rows per key; every vocabulary value listed.

    Role models are the distinct volunteer ids per key (deleted accounts have none).
    """
    sums: dict[str, list[int]] = {key: [0, 0] for key in vocabulary}
    people: dict[str, set[int]] = {key: set() for key in vocabulary}
    for key, visits, pupils, volunteer_id in rows:
        sums.setdefault(key, [0, 0])
        sums[key][0] += visits
        sums[key][1] += pupils
        if volunteer_id is not None and visits > 0:
            people.setdefault(key, set()).add(volunteer_id)
    return [
        KeyedReach(key, n, pupils, len(people.get(key, ()))) for key, (n, pupils) in sums.items()
    ]


@dataclass(frozen=True)
class _RoleModelGroup:
    volunteer_id: int | None
    gender: str
    kind: str
    visits: int
    pupils: int


def _role_model_groups(
    session: Session, ids: tuple[int, ...], start: datetime, end: datetime
) -> list[_RoleModelGroup]:
    """Completed visits in the period per volunteer and the gender and kind on the visit."""
    completed = Visit.status == VisitStatus.COMPLETED
    keys = [_scan(Visit.volunteer_id), Visit.volunteer_gender, Visit.volunteer_kind]
    rows = session.execute(
        sa.select(
            *keys,
            sa.func.sum(sa.case((completed, 1), else_=0)),
            sa.func.sum(sa.case((completed, Visit.pupils_reached), else_=None)),
        )
        .where(
            _scan(Visit.programme_id).in_(ids),
            Visit.starts_at >= start,
            Visit.starts_at < end,
        )
        .group_by(*keys)
    )
    return [
        _RoleModelGroup(r[0], str(r[1]), str(r[2]), int(r[3] or 0), int(r[4] or 0)) for r in rows
    ]


def _role_models(
    groups: list[_RoleModelGroup],
) -> tuple[list[KeyedReach], list[KeyedReach]]:
    genders = _keyed(
        [g.value for g in Gender],
        ((r.gender, r.visits, r.pupils, r.volunteer_id) for r in groups),
    )
    kinds = _keyed(
        [k.value for k in RoleModelKind],
        ((r.kind, r.visits, r.pupils, r.volunteer_id) for r in groups),
    )
    return genders, kinds


def _demand(
    session: Session, ids: tuple[int, ...], start: datetime, end: datetime
) -> tuple[Demand, Demand, list[GenderFocusDelivery], int]:
    """Requests in the period by outlying area and gender focus, and how many were met.

    Also returns the number of requests in the period.
    """
    met = sa.case((Visit.id.is_not(None), 1), else_=0)
    by_woman = sa.case(
        (sa.and_(Visit.id.is_not(None), Visit.volunteer_gender == Gender.WOMAN.value), 1),
        else_=0,
    )
    rows = session.execute(
        sa.select(
            School.outlying,
            BookingRequest.gender_focus,
            sa.func.count(BookingRequest.id),
            sa.func.sum(met),
            sa.func.sum(by_woman),
        )
        .select_from(BookingRequest)
        .join(School, School.id == BookingRequest.school_id)
        .outerjoin(
            Visit,
            sa.and_(Visit.request_id == BookingRequest.id, Visit.status == VisitStatus.COMPLETED),
        )
        .where(
            _scan(BookingRequest.programme_id).in_(ids),
            _scan(BookingRequest.created_at) >= start,
            _scan(BookingRequest.created_at) < end,
        )
        .group_by(School.outlying, BookingRequest.gender_focus)
    ).all()
    demand = {True: [0, 0], False: [0, 0]}
    focus = {f.value: [0, 0, 0] for f in GenderFocus}
    for outlying, gender_focus, requested, met_, woman in rows:
        demand[bool(outlying)][0] += int(requested)
        demand[bool(outlying)][1] += int(met_ or 0)
        key = _value(gender_focus)
        focus.setdefault(key, [0, 0, 0])
        focus[key][0] += int(requested)
        focus[key][1] += int(met_ or 0)
        focus[key][2] += int(woman or 0)
    return (
        Demand(*demand[True]),
        Demand(*demand[False]),
        [GenderFocusDelivery(key, *values) for key, values in focus.items()],
        demand[True][0] + demand[False][0],
    )


def _unmatched(ids: tuple[int, ...], start: datetime, end: datetime) -> list[Any]:
    return [
        BookingRequest.programme_id.in_(ids),
        BookingRequest.status == RequestStatus.UNMATCHED,
        BookingRequest.created_at >= start,
        BookingRequest.created_at < end,
    ]


def _waiting_by_subject(
    session: Session, ids: tuple[int, ...], start: datetime, end: datetime
) -> list[WaitingCount]:
    """Unmatched requests submitted in the period, by primary subject, most first."""
    rows = session.execute(
        sa.select(Subject.code, Subject.name_da, Subject.name_en, sa.func.count(BookingRequest.id))
        .join(Subject, Subject.id == BookingRequest.primary_subject_id)
        .where(*_unmatched(ids, start, end))
        .group_by(Subject.code, Subject.name_da, Subject.name_en)
    )
    counts = [WaitingCount(r[0], r[1], r[2], int(r[3])) for r in rows]
    return sorted(counts, key=lambda w: (-w.requests, w.name_da))


def _waiting_by_region(
    session: Session, ids: tuple[int, ...], start: datetime, end: datetime
) -> list[WaitingCount]:
    """Unmatched requests submitted in the period, for all five regions."""
    found = dict(
        session.execute(
            sa.select(School.region_code, sa.func.count(BookingRequest.id))
            .join(School, School.id == BookingRequest.school_id)
            .where(*_unmatched(ids, start, end))
            .group_by(School.region_code)
        ).all()
    )
    return [
        WaitingCount(str(code), name, name, int(found.get(code, 0)))
        for code, name in sorted(REGIONS.items())
    ]


def _activity(
    session: Session, ids: tuple[int, ...], groups: list[_RoleModelGroup]
) -> VolunteerActivity:
    """Volunteers by completed visits in the period: 0, 1, 2 or more.

    Counted: approved volunteers of the programmes, plus anyone who made a completed
    visit in them (a volunteer since paused or removed from a programme still visited).
    """
    visits: dict[int, int] = {}
    for g in groups:
        if g.volunteer_id is not None and g.visits:
            visits[g.volunteer_id] = visits.get(g.volunteer_id, 0) + g.visits
    members = set(
        session.scalars(
            sa.select(volunteer_programmes.c.volunteer_id)
            .join(VolunteerProfile, VolunteerProfile.id == volunteer_programmes.c.volunteer_id)
            .where(
                volunteer_programmes.c.programme_id.in_(ids),
                VolunteerProfile.status == VolunteerStatus.APPROVED,
            )
        )
    )
    counted = members | set(visits)
    one = sum(1 for v in counted if visits.get(v, 0) == 1)
    two_or_more = sum(1 for v in counted if visits.get(v, 0) >= 2)
    return VolunteerActivity(
        none=len(counted) - one - two_or_more, one=one, two_or_more=two_or_more
    )


@dataclass(frozen=True)
class VisitRow:
    """One visit as the visits export shows it: no personal data, only what reports need."""

    visit_id: int
    starts_at: datetime
    programme_code: str
    school_name: str
    municipality_code: int
    region_code: int
    outlying: bool
    level_da: str
    level_en: str
    subject_da: str
    subject_en: str
    format: str
    status: str
    cancelled_by: str | None
    pupils_reached: int | None
    girls_reached: int | None
    volunteer_gender: str
    volunteer_kind: str
    gender_focus: str
    confirmed_at: datetime | None
    teacher_rating: int | None


def visit_rows(
    session: Session,
    programme_ids: Iterable[int],
    period: Period,
    *,
    tz: ZoneInfo = DEFAULT_TIMEZONE,
) -> Iterator[VisitRow]:
    """Every visit of these programmes in the period, by start time, streamed from the DB."""
    start, end = period.utc_bounds(tz)
    teacher_feedback = sa.orm.aliased(Feedback)

    def plain(column: Any) -> Any:
        # The stored string as it is: no enum object per cell of a 100,000-row export.
        return sa.type_coerce(column, sa.String)

    query = (
        sa.select(
            Visit.id,
            Visit.starts_at,
            Programme.code,
            School.name,
            School.municipality_code,
            School.region_code,
            School.outlying,
            SchoolLevel.name_da,
            SchoolLevel.name_en,
            Subject.name_da,
            Subject.name_en,
            plain(Visit.format),
            plain(Visit.status),
            Visit.cancelled_by,
            Visit.pupils_reached,
            Visit.girls_reached,
            Visit.volunteer_gender,
            Visit.volunteer_kind,
            plain(BookingRequest.gender_focus),
            Visit.confirmed_at,
            teacher_feedback.rating,
        )
        .select_from(Visit)
        .join(Programme, Programme.id == Visit.programme_id)
        .join(BookingRequest, BookingRequest.id == Visit.request_id)
        .join(School, School.id == BookingRequest.school_id)
        .join(SchoolLevel, SchoolLevel.id == BookingRequest.level_id)
        .join(Subject, Subject.id == BookingRequest.primary_subject_id)
        .outerjoin(
            teacher_feedback,
            sa.and_(
                teacher_feedback.visit_id == Visit.id,
                teacher_feedback.author_role == FeedbackAuthor.TEACHER,
            ),
        )
        .where(
            _scan(Visit.programme_id).in_(tuple(sorted(set(programme_ids)))),
            Visit.starts_at >= start,
            Visit.starts_at < end,
        )
        .order_by(Visit.starts_at, Visit.id)
        .execution_options(yield_per=2000)
    )
    for row in session.execute(query):
        yield VisitRow(*row)

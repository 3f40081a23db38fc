"""The adapter between the database and the `matching` engine.

Database rows in, a `matching.Problem` out; a `matching.Solution` back into plain data the
runs and proposals services store. Nothing here decides policy: it only translates.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

import matching
from mentor.models import (
    AvailabilityPeriod,
    BlackoutDate,
    BookingRequest,
    DateWindow,
    Programme,
    Proposal,
    School,
    SchoolLevel,
    Subject,
    TrainingRecord,
    User,
    Visit,
    VolunteerProfile,
)
from mentor.models.catalogue import subject_relations
from mentor.models.enums import (
    Gender,
    ProposalStatus,
    RequestStatus,
    TrainingKind,
    VisitStatus,
    VolunteerStatus,
)
from mentor.models.requests import request_subjects
from mentor.models.volunteers import volunteer_levels, volunteer_programmes, volunteer_subjects
from mentor.schoolyear import calendars_for
from mentor.services import membership
from mentor.services.commitments import commitments

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.UNMATCHED)


@dataclass(frozen=True)
class Scope:
    """What a run covers: one programme, optionally a region and a date period."""

    programme_id: int
    region_code: int | None = None
    period_from: date | None = None
    period_to: date | None = None


@dataclass
class LoadedProblem:
    """A problem plus what the app needs to turn the solution back into rows and words."""

    problem: matching.Problem
    digest: str
    request_windows: dict[int, list[DateWindow]] = field(default_factory=dict)
    subject_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    level_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    volunteer_names: dict[int, str] = field(default_factory=dict)
    volunteer_women: set[int] = field(default_factory=set)
    request_focus: dict[int, str] = field(default_factory=dict)
    request_labels: dict[int, str] = field(default_factory=dict)


def term_bounds(day: date) -> tuple[date, date]:
    """The school term (half-year) a date falls in: January-July or August-December."""
    if day.month <= 7:
        return date(day.year, 1, 1), date(day.year, 7, 31)
    return date(day.year, 8, 1), date(day.year, 12, 31)


def local_to_utc(day: date, at: Any) -> datetime:
    return datetime.combine(day, at, tzinfo=COPENHAGEN).astimezone(UTC)


def used_capacity(
    session: Session,
    volunteer_ids: Iterable[int] | sa.Select[Any] | None,
    term: tuple[date, date],
) -> dict[int, int]:
    """Visits a volunteer already has in the term: pending proposals and planned or held
    visits, each counted in the term of its own visit day."""
    start, end = (
        local_to_utc(term[0], datetime.min.time()),
        local_to_utc(term[1] + timedelta(days=1), datetime.min.time()),
    )
    # A pending proposal's visit day is its window's; one without a window (an override
    # on a request with no usable date) counts on the request's first date.
    first_window = sa.orm.aliased(DateWindow)
    first_day = (
        sa.select(sa.func.min(first_window.day))
        .where(first_window.request_id == Proposal.request_id)
        .scalar_subquery()
    )
    visit_day = sa.func.coalesce(DateWindow.day, first_day)
    pending = (
        sa.select(Proposal.volunteer_id.label("vid"))
        .select_from(Proposal)
        .outerjoin(DateWindow, DateWindow.id == Proposal.window_id)
        .where(
            Proposal.status == ProposalStatus.PENDING,
            visit_day >= term[0],
            visit_day <= term[1],
        )
    )
    visits = sa.select(Visit.volunteer_id.label("vid")).where(
        Visit.status.in_((VisitStatus.PLANNED, VisitStatus.COMPLETED)),
        Visit.starts_at >= start,
        Visit.starts_at < end,
    )
    if volunteer_ids is not None:
        ids = volunteer_ids if isinstance(volunteer_ids, sa.Select) else list(volunteer_ids)
        pending = pending.where(Proposal.volunteer_id.in_(ids))
        visits = visits.where(Visit.volunteer_id.in_(ids))
    both = sa.union_all(pending, visits).subquery()
    rows = session.execute(
        sa.select(both.c.vid, sa.func.count()).where(both.c.vid.is_not(None)).group_by(both.c.vid)
    )
    return {int(vid): int(n) for vid, n in rows}


def terms_of(days: Iterable[date]) -> list[tuple[date, date]]:
    """The terms these days fall in, in order."""
    return sorted({term_bounds(day) for day in days})


def _grouped(session: Session, stmt: sa.Select[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for key, value in session.execute(stmt):
        grouped[int(key)].append(value)
    return grouped


def load_problem(
    session: Session,
    scope: Scope,
    *,
    today: date,
    weights: matching.Weights | None = None,
    locks: Iterable[tuple[int, int]] = (),
    exclusions: Iterable[tuple[int, int]] = (),
    request_ids: Iterable[int] | None = None,
    candidates_per_request: int = 16,
    notice_school_days: int | None = None,
    volunteer_where: Iterable[sa.ColumnElement[bool]] = (),
) -> LoadedProblem:
    """Read open requests and matchable volunteers of a scope into a matching problem.

    Each request carries its school's closed days (on its window days) and the first day
    the notice allows (`notice_school_days`, the programme's notice unless given: a
    cascade passes the answer lead instead), so the engine itself keeps both rules.

    `volunteer_where` narrows the volunteers read with further conditions on
    `VolunteerProfile` (e.g. those who could possibly reach one school); they must only
    leave out volunteers the engine would rule out anyway.
    """
    programme = session.get(Programme, scope.programme_id)
    if programme is None:
        raise LookupError(f"programme {scope.programme_id} does not exist")
    if notice_school_days is None:
        notice_school_days = programme.notice_school_days
    # Windows not yet passed are read; the notice is the engine's rule, so a request
    # whose windows are all too soon is explained ("too little notice"), not dropped.
    earliest = today + timedelta(days=1)
    first_day = max(earliest, scope.period_from) if scope.period_from else earliest

    # Requests: open, in the programme (and region), with at least one window in the scope.
    window_filter = [DateWindow.day >= first_day]
    if scope.period_to:
        window_filter.append(DateWindow.day <= scope.period_to)
    req_stmt = (
        sa.select(BookingRequest, School)
        .join(School, School.id == BookingRequest.school_id)
        .where(
            BookingRequest.programme_id == programme.id,
            BookingRequest.status.in_(OPEN_STATUSES),
            sa.exists().where(DateWindow.request_id == BookingRequest.id, *window_filter),
            # A pending member's bookings wait until the school vouches for her.
            membership.matchable(),
        )
        .order_by(BookingRequest.id)
    )
    if scope.region_code is not None:
        req_stmt = req_stmt.where(School.region_code == scope.region_code)
    if request_ids is not None:
        req_stmt = req_stmt.where(BookingRequest.id.in_(list(request_ids)))
    request_rows = session.execute(req_stmt).all()
    req_ids = [r.id for r, _ in request_rows]

    subjects = {s.id: s for s in session.scalars(sa.select(Subject))}
    levels = {lv.id: lv for lv in session.scalars(sa.select(SchoolLevel))}
    related: dict[str, tuple[str, ...]] = {}
    for sid, rid in session.execute(sa.select(subject_relations)):
        related[subjects[sid].code] = (*related.get(subjects[sid].code, ()), subjects[rid].code)

    windows: dict[int, list[DateWindow]] = defaultdict(list)
    other_subjects: dict[int, list[int]] = defaultdict(list)
    if req_ids:
        for window in session.scalars(
            sa.select(DateWindow)
            .where(DateWindow.request_id.in_(req_ids), *window_filter)
            .order_by(DateWindow.day, DateWindow.start_time, DateWindow.id)
        ):
            windows[window.request_id].append(window)
        for rid, sid in session.execute(
            sa.select(request_subjects.c.request_id, request_subjects.c.subject_id).where(
                request_subjects.c.request_id.in_(req_ids)
            )
        ):
            other_subjects[rid].append(sid)

    loaded = LoadedProblem(problem=matching.Problem(requests=(), volunteers=()), digest="")
    calendars = calendars_for(session, {school.id: school for _, school in request_rows}.values())
    requests = []
    not_before: dict[int, date] = {}
    for request, school in request_rows:
        calendar = calendars[school.id].with_weekends_open(programme.weekends_open)
        if school.id not in not_before:
            not_before[school.id] = calendar.school_days_after(today, notice_school_days)
        priority = sum(priority_parts(request, school, today).values())
        requests.append(
            matching.Request(
                id=request.id,
                programme=programme.code,
                level=levels[request.level_id].code,
                primary_subject=subjects[request.primary_subject_id].code,
                other_subjects=tuple(sorted(subjects[s].code for s in other_subjects[request.id])),
                lat=school.latitude,
                lon=school.longitude,
                windows=tuple(
                    matching.DateWindow(day=w.day, start=w.start_time, end=w.end_time)
                    for w in windows[request.id]
                ),
                school_id=school.id,
                format=request.format.value,
                gender_focus=request.gender_focus.value,
                languages=(request.language,),
                priority=round(priority, 4),
                closed_days=tuple(
                    sorted({w.day for w in windows[request.id] if not calendar.is_open(w.day)})
                ),
                not_before=not_before[school.id],
            )
        )
        loaded.request_windows[request.id] = windows[request.id]
        loaded.request_focus[request.id] = request.gender_focus.value
        loaded.request_labels[request.id] = f"{school.name} {request.class_name}".strip()

    terms = terms_of(w.day for ws in windows.values() for w in ws) or [term_bounds(today)]
    volunteers = (
        _load_volunteers(session, programme, terms, today, loaded, tuple(volunteer_where))
        if requests
        else []
    )
    # An exclusion of someone no longer matchable (full, paused, no longer approved) has
    # nothing left to exclude; the engine refuses unknown ids, so it is dropped here.
    loaded_ids = {v.id for v in volunteers}
    locks = frozenset(locks)
    known_requests = set(req_ids)
    exclusions = frozenset((r, v) for r, v in exclusions if r in known_requests and v in loaded_ids)
    loaded.problem = matching.Problem(
        requests=tuple(requests),
        volunteers=tuple(volunteers),
        weights=weights or matching.Weights(),
        related_subjects=related,
        women_only_programmes=frozenset(
            session.scalars(sa.select(Programme.code).where(Programme.women_only))
        ),
        exclusions=exclusions,
        locks=locks,
        candidates_per_request=candidates_per_request,
    )
    loaded.subject_names = {s.code: (s.name_da, s.name_en) for s in subjects.values()}
    loaded.level_names = {lv.code: (lv.name_da, lv.name_en) for lv in levels.values()}
    loaded.digest = problem_digest(loaded.problem)
    return loaded


def priority_parts(request: BookingRequest, school: School, today: date) -> dict[str, float]:
    """What makes leaving this request unmatched cost more, part by part (they add up).

    Outlying schools (see mentor.geo.groups), grey-zone focus, a coordinator's extra
    priority and long waits all raise the price of leaving a class without a visit.
    """
    waited_days = max((today - request.created_at.date()).days, 0)
    return {
        "base": 1.0,
        "outlying": 0.5 * school.outlying,
        "grey_zone": 0.3 * request.grey_zone,
        "extra": 0.25 * request.priority,
        "waiting": 0.5 * min(waited_days / 90, 1.0),
    }


def _load_volunteers(
    session: Session,
    programme: Programme,
    terms: list[tuple[date, date]],
    today: date,
    loaded: LoadedProblem,
    where: tuple[sa.ColumnElement[bool], ...] = (),
) -> list[matching.Volunteer]:
    """Approved, verified, enrolled volunteers with capacity left in the terms.

    Capacity is per term and the engine knows one number per volunteer: when the
    requests' dates span two terms, she gets the smaller of her free visits in them, so
    no plan can give her more than a term allows (the commit counts each term again,
    under her lock). A run of one term uses her capacity in full.
    """
    stmt = (
        sa.select(VolunteerProfile, User.full_name)
        .join(User, User.id == VolunteerProfile.user_id)
        .join(volunteer_programmes, volunteer_programmes.c.volunteer_id == VolunteerProfile.id)
        .where(
            volunteer_programmes.c.programme_id == programme.id,
            VolunteerProfile.status == VolunteerStatus.APPROVED,
            User.email_verified_at.is_not(None),
            User.deleted_at.is_(None),
            User.deactivated_at.is_(None),
            sa.or_(VolunteerProfile.paused_until.is_(None), VolunteerProfile.paused_until <= today),
            VolunteerProfile.visits_per_term > 0,
            *where,
        )
        .order_by(VolunteerProfile.id)
    )
    rows = session.execute(stmt).all()
    if not rows:
        return []
    # The same filter as a subquery: the related rows are fetched with a join rather
    # than an IN list of thousands of bound ids, which PostgreSQL parses slowly.
    ids = stmt.with_only_columns(VolunteerProfile.id).order_by(None)
    used_by_term = [used_capacity(session, ids, term) for term in terms]

    def codes(table: sa.Table, column: str, model: type) -> dict[int, list[str]]:
        return _grouped(
            session,
            sa.select(table.c.volunteer_id, model.code)
            .join(model, model.id == table.c[column])
            .where(table.c.volunteer_id.in_(ids)),
        )

    subject_codes = codes(volunteer_subjects, "subject_id", Subject)
    level_codes = codes(volunteer_levels, "level_id", SchoolLevel)
    programme_codes = codes(volunteer_programmes, "programme_id", Programme)
    periods: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for vid, first, last in session.execute(
        sa.select(
            AvailabilityPeriod.volunteer_id,
            AvailabilityPeriod.date_from,
            AvailabilityPeriod.date_to,
        ).where(AvailabilityPeriod.volunteer_id.in_(ids))
    ):
        periods[vid].append((first, last))
    busy = commitments(session, ids, today)
    blackouts = _grouped(
        session,
        sa.select(BlackoutDate.volunteer_id, BlackoutDate.day).where(
            BlackoutDate.volunteer_id.in_(ids)
        ),
    )
    virtual_trained = set(
        session.scalars(
            sa.select(TrainingRecord.volunteer_id).where(
                TrainingRecord.volunteer_id.in_(ids), TrainingRecord.kind == TrainingKind.VIRTUAL
            )
        )
    )
    visited = _grouped(
        session,
        sa.select(Visit.volunteer_id, BookingRequest.school_id)
        .join(BookingRequest, BookingRequest.id == Visit.request_id)
        .where(Visit.volunteer_id.in_(ids), Visit.status == VisitStatus.COMPLETED),
    )

    volunteers = []
    for profile, name in rows:
        free = profile.visits_per_term - max(used.get(profile.id, 0) for used in used_by_term)
        if free <= 0:
            continue
        volunteers.append(
            matching.Volunteer(
                id=profile.id,
                programmes=tuple(sorted(programme_codes[profile.id])),
                levels=tuple(sorted(level_codes[profile.id])),
                subjects=tuple(sorted(subject_codes[profile.id])),
                lat=profile.latitude,
                lon=profile.longitude,
                radius_km=float(profile.travel_radius_km),
                capacity=free,
                is_woman=profile.gender == Gender.WOMAN,
                virtual_ok=profile.virtual_ok,
                virtual_trained=profile.id in virtual_trained,
                availability=matching.Availability(
                    weekdays=tuple(sorted(profile.weekdays)),
                    periods=tuple(sorted(tuple(p) for p in periods[profile.id])),
                    blackout_dates=tuple(sorted(blackouts[profile.id])),
                ),
                languages=tuple(sorted(profile.languages)),
                visited_school_ids=tuple(sorted(set(visited[profile.id]))),
                busy=tuple(busy.get(profile.id, ())),
            )
        )
        loaded.volunteer_names[profile.id] = name
        if profile.gender == Gender.WOMAN:
            loaded.volunteer_women.add(profile.id)
    return volunteers


def problem_digest(problem: matching.Problem) -> str:
    """A fingerprint of the inputs: a commit refuses a preview whose inputs have changed."""
    h = hashlib.sha256()
    for r in problem.requests:
        h.update(repr(r).encode())
    for v in problem.volunteers:
        h.update(repr(v).encode())
    h.update(repr((sorted(problem.locks), sorted(problem.exclusions), problem.weights)).encode())
    return h.hexdigest()


def solution_data(loaded: LoadedProblem, solution: matching.Solution) -> dict[str, Any]:
    """The solution as JSON-ready data, with what the preview page needs to explain it."""
    women = loaded.volunteer_women
    by_id = {r.id: r for r in loaded.problem.requests}
    assignments = []
    for m in solution.assignments:
        window = next(
            (
                w
                for w in loaded.request_windows[m.request_id]
                if w.day == m.window.day and w.start_time == m.window.start
            ),
            None,
        )
        assignments.append(
            {
                "request_id": m.request_id,
                "volunteer_id": m.volunteer_id,
                "label": loaded.request_labels.get(m.request_id, ""),
                "window_id": window.id if window else None,
                "day": m.window.day.isoformat(),
                "start": m.window.start.strftime("%H:%M") if m.window.start else None,
                "end": m.window.end.strftime("%H:%M") if m.window.end else None,
                "format": m.format,
                "distance_km": round(m.distance_km, 1),
                "cost": round(m.cost, 4),
                "parts": {k: round(v, 4) for k, v in m.parts.items()},
                "gender_focus": loaded.request_focus.get(m.request_id, "none"),
                "is_woman": m.volunteer_id in women,
                "locked": m.locked,
                "subject": by_id[m.request_id].primary_subject,
                "level": by_id[m.request_id].level,
            }
        )
    unmatched = [
        {
            "request_id": u.request_id,
            "label": loaded.request_labels.get(u.request_id, ""),
            "reason": u.reason,
            "cost": round(u.cost, 4),
            "data": jsonable(u.data),
        }
        for u in solution.unmatched
    ]
    return {
        "assignments": assignments,
        "unmatched": unmatched,
        "figures": figures(loaded, solution),
        "certificate": jsonable(vars(solution.certificate)),
        "stats": jsonable(vars(solution.stats)),
        "subject_names": loaded.subject_names,
        "level_names": loaded.level_names,
    }


def figures(loaded: LoadedProblem, solution: matching.Solution) -> dict[str, Any]:
    """The preview's headline figures."""
    n_requests = len(loaded.problem.requests)
    matches = solution.assignments
    physical = [m.distance_km for m in matches if m.format == "physical"]
    focus = [m for m in matches if loaded.request_focus.get(m.request_id, "none") != "none"]
    load: dict[int, int] = defaultdict(int)
    for m in matches:
        load[m.volunteer_id] += 1
    histogram: dict[str, int] = defaultdict(int)
    for v in loaded.problem.volunteers:
        histogram[str(load.get(v.id, 0))] += 1
    return {
        "requests": n_requests,
        "volunteers": len(loaded.problem.volunteers),
        "matched": len(matches),
        "matched_share": len(matches) / n_requests if n_requests else 0.0,
        "average_km": sum(physical) / len(physical) if physical else None,
        "worst_km": max(physical) if physical else None,
        "virtual_share": (sum(m.format == "virtual" for m in matches) / len(matches))
        if matches
        else 0.0,
        "gender_focus_requested": sum(
            1 for r in loaded.problem.requests if r.gender_focus != "none"
        ),
        "gender_focus_matched": len(focus),
        "gender_focus_met": sum(1 for m in focus if m.volunteer_id in loaded.volunteer_women),
        "load_histogram": dict(sorted(histogram.items(), key=lambda kv: int(kv[0]))),
        "objective": solution.objective,
    }


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value

"""Coordinator lists: volunteers, requests, schools and visits, with filters and CSV export.

Every list is one statement filtered, sorted and paginated in SQL and scoped to the
coordinator's programmes, plus a count and a fixed number of eager loads for what the
page shows: the number of statements per page does not grow with the rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from mentor import geo
from mentor.models import (
    BookingRequest,
    Feedback,
    Programme,
    School,
    User,
    Visit,
    VolunteerProfile,
)
from mentor.models.base import utcnow
from mentor.models.enums import (
    FeedbackAuthor,
    RequestStatus,
    SchoolType,
    VisitStatus,
    VolunteerStatus,
)
from mentor.models.requests import request_subjects
from mentor.models.volunteers import volunteer_levels, volunteer_programmes, volunteer_subjects
from mentor.reports.cells import neutralise

T = TypeVar("T")
PER_PAGE = 50
MAX_PER_PAGE = 200
#: Visit "status" filter value for visits that took place but have no teacher feedback.
AWAITING_FEEDBACK = "awaiting_feedback"


@dataclass(frozen=True)
class ListQuery:
    """Filters, search, sort and page of a list, as parsed from the query string."""

    programme_id: int | None = None
    region_code: int | None = None
    municipality_code: int | None = None
    level_id: int | None = None
    subject_id: int | None = None
    status: str | None = None
    q: str = ""
    sort: str = ""
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_args(cls, args: Any) -> ListQuery:
        """Parse request args leniently: a bad value is ignored, never an error page."""

        def number(name: str) -> int | None:
            value = (args.get(name) or "").strip()
            return int(value) if value.isdigit() and len(value) < 10 else None

        return cls(
            programme_id=number("programme"),
            region_code=number("region"),
            municipality_code=number("municipality"),
            level_id=number("level"),
            subject_id=number("subject"),
            status=(args.get("status") or "").strip() or None,
            q=" ".join((args.get("q") or "").split())[:100],
            sort=(args.get("sort") or "").strip()[:30],
            page=max(1, min(number("page") or 1, 100_000)),
            per_page=max(1, min(number("per_page") or PER_PAGE, MAX_PER_PAGE)),
        )


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int
    sort: str

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True)
class SchoolRow:
    school: School
    requests: int
    open_requests: int


def _sort(
    stmt: sa.Select[Any], sort: str, columns: dict[str, Any], default: str, tiebreak: Any
) -> tuple[sa.Select[Any], str]:
    key = sort if sort.lstrip("-") in columns else default
    column = columns[key.lstrip("-")]
    order = column.desc() if key.startswith("-") else column.asc()
    tie = tiebreak.desc() if key.startswith("-") else tiebreak.asc()
    return stmt.order_by(order, tie), key


def _paginate(
    session: Session,
    stmt: sa.Select[Any],
    query: ListQuery,
    sort: str,
    count: sa.Select[Any] | None = None,
) -> Page[Any]:
    """One page of `stmt`; `count` is a cheaper statement of the same rows, if there is one."""
    if count is None:
        count = sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    total = session.scalar(count) or 0
    pages = max(1, -(-total // query.per_page))
    page = min(query.page, pages)
    window = stmt.limit(query.per_page).offset((page - 1) * query.per_page)
    if len(stmt.column_descriptions) == 1:
        items: list[Any] = list(session.scalars(window))
    else:
        items = list(session.execute(window).all())
    return Page(items=items, total=total, page=page, per_page=query.per_page, sort=sort)


def _search(q: str, *columns: Any) -> Any:
    return sa.or_(*(col.icontains(q, autoescape=True) for col in columns))


# Volunteers


VOLUNTEER_SORTS = {
    "name": User.full_name,
    # Ids grow with creation: sorting by id is creation order without a sort step.
    "created": VolunteerProfile.id,
    "postcode": VolunteerProfile.postcode,
    "status": VolunteerProfile.status,
    "capacity": VolunteerProfile.visits_per_term,
}


def _volunteer_conditions(
    scope: Collection[int], query: ListQuery, counting: bool = False
) -> list[Any]:
    programmes = set(scope)
    if query.programme_id is not None:
        programmes &= {query.programme_id}
    # A page walks the sort order and checks the scope row by row (EXISTS), so it stops
    # after a page of rows. A count with no selective filter reads every row, and one set
    # of ids is cheaper there (measured on SQLite and PostgreSQL, bench/lists.py).
    unfiltered = query.level_id is None and query.subject_id is None
    in_scope = (
        VolunteerProfile.id.in_(
            sa.select(volunteer_programmes.c.volunteer_id).where(
                volunteer_programmes.c.programme_id.in_(programmes)
            )
        )
        if counting and unfiltered
        else sa.exists().where(
            volunteer_programmes.c.volunteer_id == VolunteerProfile.id,
            volunteer_programmes.c.programme_id.in_(programmes),
        )
    )
    conditions: list[Any] = [in_scope]
    if query.region_code is not None:
        conditions.append(VolunteerProfile.region_code == query.region_code)
    if query.municipality_code is not None:
        conditions.append(VolunteerProfile.municipality_code == query.municipality_code)
    # IN for the selective filters: each is a short id list read from its index.
    if query.level_id is not None:
        conditions.append(
            VolunteerProfile.id.in_(
                sa.select(volunteer_levels.c.volunteer_id).where(
                    volunteer_levels.c.level_id == query.level_id
                )
            )
        )
    if query.subject_id is not None:
        conditions.append(
            VolunteerProfile.id.in_(
                sa.select(volunteer_subjects.c.volunteer_id).where(
                    volunteer_subjects.c.subject_id == query.subject_id
                )
            )
        )
    if query.status in {s.value for s in VolunteerStatus}:
        conditions.append(VolunteerProfile.status == query.status)
    if query.q:
        q = query.q.lower()
        terms = [
            User.full_name.icontains(q, autoescape=True),
            # Stored lower-cased: a plain LIKE, with no lower() per row.
            User.email.contains(q, autoescape=True),
        ]
        if q.isdigit() and len(q) == 4:
            terms.append(VolunteerProfile.postcode == q)
        conditions.append(sa.or_(*terms))
    return conditions


def volunteer_statement(
    scope: Collection[int], query: ListQuery
) -> tuple[sa.Select[Any], str, sa.Select[Any]]:
    """Volunteers who joined a programme in scope, filtered and sorted; and their count."""
    conditions = _volunteer_conditions(scope, query)
    collections = (
        selectinload(VolunteerProfile.subjects),
        selectinload(VolunteerProfile.levels),
        selectinload(VolunteerProfile.programmes),
        selectinload(VolunteerProfile.trainings),
    )
    by_name = query.sort.lstrip("-") == "name"
    if by_name or query.q:
        stmt = (
            sa.select(VolunteerProfile)
            .join(VolunteerProfile.user)
            .options(contains_eager(VolunteerProfile.user), *collections)
        )
    else:
        # Without the join the page walks the primary key and stops after one page;
        # joined, PostgreSQL hashes all users first (5x slower at page 400).
        stmt = sa.select(VolunteerProfile).options(
            selectinload(VolunteerProfile.user), *collections
        )
    stmt = stmt.where(*conditions)
    if len(conditions) == 1:
        # Scope alone: every membership row belongs to an existing profile (the foreign key
        # cascades), so counting distinct members skips the semi-join over all profiles.
        programmes = set(scope) & ({query.programme_id} if query.programme_id else set(scope))
        count = sa.select(sa.func.count(sa.distinct(volunteer_programmes.c.volunteer_id))).where(
            volunteer_programmes.c.programme_id.in_(programmes)
        )
    else:
        count = sa.select(sa.func.count()).select_from(VolunteerProfile)
        if query.q:
            count = count.join(VolunteerProfile.user)
        count = count.where(*_volunteer_conditions(scope, query, counting=True))
    stmt, sort = _sort(stmt, query.sort, VOLUNTEER_SORTS, "-created", VolunteerProfile.id)
    return stmt, sort, count


def volunteer_page(
    session: Session, scope: Collection[int], query: ListQuery
) -> Page[VolunteerProfile]:
    stmt, sort, count = volunteer_statement(scope, query)
    return _paginate(session, stmt, query, sort, count)


# Requests


REQUEST_SORTS = {
    "created": BookingRequest.created_at,
    "school": School.name,
    "status": BookingRequest.status,
    "pupils": BookingRequest.pupils,
    "region": School.region_code,
}


def _request_conditions(scope: Collection[int], query: ListQuery) -> list[Any]:
    programmes = set(scope)
    if query.programme_id is not None:
        programmes &= {query.programme_id}
    conditions: list[Any] = [BookingRequest.programme_id.in_(programmes)]
    if query.region_code is not None:
        conditions.append(School.region_code == query.region_code)
    if query.municipality_code is not None:
        conditions.append(School.municipality_code == query.municipality_code)
    if query.level_id is not None:
        conditions.append(BookingRequest.level_id == query.level_id)
    if query.subject_id is not None:
        conditions.append(
            sa.or_(
                BookingRequest.primary_subject_id == query.subject_id,
                BookingRequest.id.in_(
                    sa.select(request_subjects.c.request_id).where(
                        request_subjects.c.subject_id == query.subject_id
                    )
                ),
            )
        )
    if query.status in {s.value for s in RequestStatus}:
        conditions.append(BookingRequest.status == query.status)
    if query.q:
        conditions.append(_search(query.q, School.name, BookingRequest.topic))
    return conditions


def _needs_school(query: ListQuery) -> bool:
    return query.region_code is not None or query.municipality_code is not None or bool(query.q)


def request_statement(
    scope: Collection[int], query: ListQuery
) -> tuple[sa.Select[Any], str, sa.Select[Any]]:
    """Requests of the programmes in scope, filtered and sorted; and their count."""
    conditions = _request_conditions(scope, query)
    stmt = (
        sa.select(BookingRequest)
        .join(BookingRequest.school)
        .where(*conditions)
        .options(
            contains_eager(BookingRequest.school),
            joinedload(BookingRequest.programme),
            joinedload(BookingRequest.level),
            joinedload(BookingRequest.primary_subject),
            selectinload(BookingRequest.other_subjects),
            selectinload(BookingRequest.windows),
        )
    )
    count = sa.select(sa.func.count()).select_from(BookingRequest)
    if _needs_school(query):
        count = count.join(BookingRequest.school)
    count = count.where(*conditions)
    stmt, sort = _sort(stmt, query.sort, REQUEST_SORTS, "-created", BookingRequest.id)
    return stmt, sort, count


def request_page(
    session: Session, scope: Collection[int], query: ListQuery
) -> Page[BookingRequest]:
    stmt, sort, count = request_statement(scope, query)
    return _paginate(session, stmt, query, sort, count)


# Schools


SCHOOL_SORTS = {
    "name": School.name,
    "postcode": School.postcode,
    "region": School.region_code,
}


def school_statement(
    scope: Collection[int], query: ListQuery
) -> tuple[sa.Select[Any], str, sa.Select[Any] | None]:
    """All schools (public institutions), with their request counts in the scope."""
    programmes = set(scope)
    if query.programme_id is not None:
        programmes &= {query.programme_id}
    open_statuses = [RequestStatus.SUBMITTED, RequestStatus.UNMATCHED, RequestStatus.PROPOSED]
    counts = (
        sa.select(
            BookingRequest.school_id.label("school_id"),
            sa.func.count().label("requests"),
            sa.func.count().filter(BookingRequest.status.in_(open_statuses)).label("open_requests"),
        )
        .where(BookingRequest.programme_id.in_(programmes))
        .group_by(BookingRequest.school_id)
        .subquery()
    )
    requests = sa.func.coalesce(counts.c.requests, 0)
    open_requests = sa.func.coalesce(counts.c.open_requests, 0)
    conditions: list[Any] = []
    if query.region_code is not None:
        conditions.append(School.region_code == query.region_code)
    if query.municipality_code is not None:
        conditions.append(School.municipality_code == query.municipality_code)
    if query.status in {t.value for t in SchoolType}:
        conditions.append(School.school_type == query.status)
    if query.q:
        conditions.append(_search(query.q, School.name, School.postcode, School.address))
    stmt = (
        sa.select(School, requests.label("requests"), open_requests.label("open"))
        .outerjoin(counts, counts.c.school_id == School.id)
        .where(*conditions)
    )
    # The school filters alone decide the count, unless only schools with requests count.
    count: sa.Select[Any] | None = sa.select(sa.func.count(School.id)).where(*conditions)
    if query.programme_id is not None:
        stmt = stmt.where(requests > 0)
        count = None
    stmt, sort = _sort(stmt, query.sort, SCHOOL_SORTS | {"requests": requests}, "name", School.id)
    return stmt, sort, count


def school_page(session: Session, scope: Collection[int], query: ListQuery) -> Page[SchoolRow]:
    stmt, sort, count = school_statement(scope, query)
    page = _paginate(session, stmt, query, sort, count)
    rows = [SchoolRow(school=r[0], requests=r[1], open_requests=r[2]) for r in page.items]
    return replace(page, items=rows)


# Visits


VISIT_SORTS = {
    "starts": Visit.starts_at,
    "school": School.name,
    "status": Visit.status,
}


def visit_statement(
    scope: Collection[int], query: ListQuery, now: datetime | None = None
) -> tuple[sa.Select[Any], str, sa.Select[Any]]:
    """Visits of the programmes in scope, filtered and sorted; and their count."""
    now = now or utcnow()
    programmes = set(scope)
    if query.programme_id is not None:
        programmes &= {query.programme_id}
    conditions: list[Any] = [Visit.programme_id.in_(programmes)]
    if query.region_code is not None:
        conditions.append(School.region_code == query.region_code)
    if query.municipality_code is not None:
        conditions.append(School.municipality_code == query.municipality_code)
    if query.level_id is not None:
        conditions.append(BookingRequest.level_id == query.level_id)
    if query.subject_id is not None:
        conditions.append(BookingRequest.primary_subject_id == query.subject_id)
    if query.status == AWAITING_FEEDBACK:
        conditions.extend(awaiting_feedback(now))
    elif query.status in {s.value for s in VisitStatus}:
        conditions.append(Visit.status == query.status)
    if query.q:
        conditions.append(_search(query.q, School.name, BookingRequest.topic))
    stmt = (
        sa.select(Visit)
        .join(Visit.request)
        .join(BookingRequest.school)
        .where(*conditions)
        .options(
            contains_eager(Visit.request).contains_eager(BookingRequest.school),
            contains_eager(Visit.request).joinedload(BookingRequest.level),
            contains_eager(Visit.request).joinedload(BookingRequest.programme),
            joinedload(Visit.volunteer).joinedload(VolunteerProfile.user),
            selectinload(Visit.feedback),
        )
    )
    count = (
        sa.select(sa.func.count(Visit.id))
        .join(Visit.request)
        .join(BookingRequest.school)
        .where(*conditions)
    )
    stmt, sort = _sort(stmt, query.sort, VISIT_SORTS, "-starts", Visit.id)
    return stmt, sort, count


def awaiting_feedback(now: datetime) -> list[Any]:
    """Conditions for a visit that has ended, is still planned and has no teacher report."""
    return [
        Visit.status == VisitStatus.PLANNED,
        Visit.ends_at < now,
        ~sa.exists().where(
            Feedback.visit_id == Visit.id, Feedback.author_role == FeedbackAuthor.TEACHER
        ),
    ]


def visit_page(
    session: Session, scope: Collection[int], query: ListQuery, now: datetime | None = None
) -> Page[Visit]:
    stmt, sort, count = visit_statement(scope, query, now)
    return _paginate(session, stmt, query, sort, count)


# CSV export


def _safe(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return neutralise("" if value is None else str(value))


def _names(items: Any, locale: str) -> str:
    return ", ".join(i.name(locale) for i in items)


def _volunteer_row(v: VolunteerProfile, locale: str) -> list[Any]:
    return [
        v.id,
        v.user.full_name,
        v.user.email,
        v.user.phone,
        v.gender.value,
        v.kind.value,
        v.job_title,
        v.employer,
        v.postcode,
        geo.municipality_name(v.municipality_code),
        geo.region_name(v.region_code),
        v.travel_radius_km,
        "ja" if v.virtual_ok else "nej",
        v.visits_per_term,
        v.status.value,
        _names(v.subjects, locale),
        _names(v.levels, locale),
        ", ".join(p.code for p in v.programmes),
        ", ".join(sorted(t.kind.value for t in v.trainings)),
        v.created_at.date().isoformat(),
    ]


def _request_row(r: BookingRequest, locale: str) -> list[Any]:
    return [
        r.id,
        r.programme.code,
        r.status.value,
        r.school.name,
        r.school.postcode,
        geo.region_name(r.school.region_code),
        r.level.name(locale),
        r.class_name,
        r.pupils,
        r.girls,
        r.primary_subject.name(locale),
        _names(r.other_subjects, locale),
        r.topic,
        r.format.value,
        r.gender_focus.value,
        r.language,
        "; ".join(
            f"{w.day.isoformat()} {w.start_time:%H:%M}-{w.end_time:%H:%M}" for w in r.windows
        ),
        r.created_at.date().isoformat(),
    ]


def _school_row(row: Any, locale: str) -> list[Any]:
    school = row[0]
    return [
        school.id,
        school.name,
        school.school_type.value,
        school.address,
        school.postcode,
        geo.municipality_name(school.municipality_code),
        geo.region_name(school.region_code),
        "ja" if school.outlying else "nej",
        row[1],
        row[2],
    ]


def _visit_row(v: Visit, locale: str) -> list[Any]:
    return [
        v.id,
        v.request.programme.code,
        v.status.value,
        v.starts_at.isoformat(),
        v.format.value,
        v.request.school.name,
        v.request.level.name(locale),
        v.volunteer.user.full_name if v.volunteer is not None else "",
        v.pupils_reached,
        v.girls_reached,
        "ja" if any(f.author_role == FeedbackAuthor.TEACHER for f in v.feedback) else "nej",
    ]


def _headers(kind: str) -> list[str]:
    return {
        "volunteers": [
            "id",
            _("Navn"),
            _("E-mail"),
            _("Telefon"),
            _("Køn"),
            _("Type"),
            _("Stilling"),
            _("Arbejdsplads"),
            _("Postnummer"),
            _("Kommune"),
            _("Region"),
            _("Afstand (km)"),
            _("Virtuelt"),
            _("Besøg pr. halvår"),
            _("Status"),
            _("Fag"),
            _("Klassetrin"),
            _("Programmer"),
            _("Kurser"),
            _("Oprettet"),
        ],
        "requests": [
            "id",
            _("Program"),
            _("Status"),
            _("Skole"),
            _("Postnummer"),
            _("Region"),
            _("Klassetrin"),
            _("Klasse"),
            _("Elever"),
            _("Piger"),
            _("Hovedfag"),
            _("Andre fag"),
            _("Emne"),
            _("Form"),
            _("Kønsfokus"),
            _("Sprog"),
            _("Datoer"),
            _("Oprettet"),
        ],
        "schools": [
            "id",
            _("Skole"),
            _("Type"),
            _("Adresse"),
            _("Postnummer"),
            _("Kommune"),
            _("Region"),
            _("Udkantsområde"),
            _("Bookinger"),
            _("Åbne bookinger"),
        ],
        "visits": [
            "id",
            _("Program"),
            _("Status"),
            _("Starter"),
            _("Form"),
            _("Skole"),
            _("Klassetrin"),
            _("Rollemodel"),
            _("Elever nået"),
            _("Piger nået"),
            _("Lærerens feedback"),
        ],
    }[kind]


def export_csv(
    session: Session,
    kind: str,
    scope: Collection[int],
    query: ListQuery,
    locale: str = "da",
    now: datetime | None = None,
) -> Iterator[str]:
    """Yield a list as CSV text (all pages), in chunks, reading rows in batches."""
    builders: dict[str, tuple[Callable[..., tuple[Any, ...]], Callable[..., list[Any]]]] = {
        "volunteers": (volunteer_statement, _volunteer_row),
        "requests": (request_statement, _request_row),
        "schools": (school_statement, _school_row),
        "visits": (lambda s, q: visit_statement(s, q, now), _visit_row),
    }
    statement, row = builders[kind]
    stmt = statement(scope, query)[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(_headers(kind))
    yield "\ufeff" + buffer.getvalue()  # the BOM makes Excel read the file as UTF-8
    # A session of its own, emptied after every batch: in the request's session the identity
    # map would grow to every exported row, and each batch would be slower than the last.
    with Session(bind=session.get_bind()) as reader:
        result = reader.execute(stmt.execution_options(yield_per=500))
        batches = result.scalars().partitions() if kind != "schools" else result.partitions()
        for batch in batches:
            buffer.seek(0)
            buffer.truncate()
            for item in batch:
                writer.writerow([_safe(value) for value in row(item, locale)])
            # Let go of the batch's own rows; the few shared ones (subjects, levels,
            # programmes, schools) stay, or each batch would load them all again.
            # (expunge_all() would also break the open result.)
            for item in batch if kind != "schools" else ():
                reader.expunge(item)
                if isinstance(item, VolunteerProfile):
                    reader.expunge(item.user)
            yield buffer.getvalue()


# Coordinator home


@dataclass(frozen=True)
class Attention:
    """What needs a coordinator today, in their programmes."""

    pending_volunteers: int
    unmatched_requests: int
    requests_without_proposal: int
    visits_awaiting_feedback: int
    oldest_pending: list[VolunteerProfile]
    oldest_unmatched: list[BookingRequest]
    #: Requests too close to their visit to wait for another volunteer's answer.
    act_now_count: int = 0
    act_now: list[BookingRequest] = field(default_factory=list)


def attention(session: Session, scope: Collection[int], now: datetime | None = None) -> Attention:
    now = now or utcnow()
    programmes = list(scope)
    in_scope = sa.exists().where(
        volunteer_programmes.c.volunteer_id == VolunteerProfile.id,
        volunteer_programmes.c.programme_id.in_(programmes),
    )
    pending = sa.select(VolunteerProfile).where(
        VolunteerProfile.status == VolunteerStatus.PENDING, in_scope
    )
    unmatched = sa.select(BookingRequest).where(
        BookingRequest.programme_id.in_(programmes),
        BookingRequest.status == RequestStatus.UNMATCHED,
    )
    count = sa.func.count()
    act_now = sa.select(BookingRequest).where(
        BookingRequest.programme_id.in_(programmes),
        BookingRequest.attention_since.is_not(None),
        BookingRequest.status.in_((RequestStatus.SUBMITTED, RequestStatus.UNMATCHED)),
    )
    return Attention(
        act_now_count=session.scalar(sa.select(count).select_from(act_now.subquery())) or 0,
        act_now=list(
            session.scalars(
                act_now.options(
                    joinedload(BookingRequest.school),
                    joinedload(BookingRequest.programme),
                    selectinload(BookingRequest.windows),
                )
                .order_by(BookingRequest.attention_since, BookingRequest.id)
                .limit(20)
            )
        ),
        pending_volunteers=session.scalar(sa.select(count).select_from(pending.subquery())) or 0,
        unmatched_requests=session.scalar(sa.select(count).select_from(unmatched.subquery())) or 0,
        requests_without_proposal=session.scalar(
            sa.select(count).where(
                BookingRequest.programme_id.in_(programmes),
                BookingRequest.status == RequestStatus.SUBMITTED,
            )
        )
        or 0,
        visits_awaiting_feedback=session.scalar(
            sa.select(count).where(Visit.programme_id.in_(programmes), *awaiting_feedback(now))
        )
        or 0,
        oldest_pending=list(
            session.scalars(
                pending.options(joinedload(VolunteerProfile.user))
                .order_by(VolunteerProfile.created_at, VolunteerProfile.id)
                .limit(10)
            )
        ),
        oldest_unmatched=list(
            session.scalars(
                unmatched.options(
                    joinedload(BookingRequest.school), joinedload(BookingRequest.programme)
                )
                .order_by(BookingRequest.created_at, BookingRequest.id)
                .limit(10)
            )
        ),
    )


def scoped_programmes(session: Session, scope: Collection[int]) -> list[Programme]:
    return list(
        session.scalars(
            sa.select(Programme).where(Programme.id.in_(scope)).order_by(Programme.code)
        )
    )

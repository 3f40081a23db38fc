"""People: the coordinators' teacher list and the admin's user search and account actions.

Who sees whom:
- A coordinator sees the teachers who booked in one of their programmes, and teachers
  with no booking yet (nobody's programme, so everyone's to help). A teacher who
  booked only in other programmes is not shown, nor counted.
- An admin finds any account by name or e-mail and acts on it: role and coordinator
  scope, deactivation (the account keeps its data but cannot log in), data export and
  deletion on request (services.accounts).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mentor.models import BookingRequest, School, TeacherProfile, User
from mentor.models.base import utcnow
from mentor.models.enums import RequestStatus, Role
from mentor.services import audit
from mentor.services.errors import DomainError, NotAllowed
from mentor.services.lists import ListQuery, Page, _paginate, _search, _sort

OPEN_REQUESTS = (RequestStatus.SUBMITTED, RequestStatus.UNMATCHED, RequestStatus.PROPOSED)
#: Roles an admin may give: volunteers and teachers have profiles tied to their role.
STAFF_ROLES = (Role.COORDINATOR, Role.ADMIN)


@dataclass(frozen=True)
class TeacherRow:
    user: User
    school: School
    bookings: int
    open_bookings: int


def teacher_visible(scope: Collection[int]) -> sa.ColumnElement[bool]:
    """Whether a teacher (User) belongs to the people of these programmes."""
    booked_here = sa.exists().where(
        BookingRequest.teacher_id == User.id, BookingRequest.programme_id.in_(set(scope))
    )
    booked_anywhere = sa.exists().where(BookingRequest.teacher_id == User.id)
    return sa.or_(booked_here, ~booked_anywhere)


TEACHER_SORTS = {"name": User.full_name, "school": School.name, "created": User.id}


def teacher_page(session: Session, scope: Collection[int], query: ListQuery) -> Page[TeacherRow]:
    """Teachers visible to the coordinator, with their bookings in the coordinator's scope."""
    programmes = set(scope) & ({query.programme_id} if query.programme_id else set(scope))
    counts = (
        sa.select(
            BookingRequest.teacher_id.label("teacher_id"),
            sa.func.count().label("bookings"),
            sa.func.count().filter(BookingRequest.status.in_(OPEN_REQUESTS)).label("open"),
        )
        .where(BookingRequest.programme_id.in_(programmes))
        .group_by(BookingRequest.teacher_id)
        .subquery()
    )
    bookings = sa.func.coalesce(counts.c.bookings, 0)
    open_bookings = sa.func.coalesce(counts.c.open, 0)
    conditions: list[Any] = [
        User.role == Role.TEACHER,
        User.deleted_at.is_(None),
        teacher_visible(scope),
    ]
    if query.programme_id is not None:
        conditions.append(bookings > 0)
    if query.region_code is not None:
        conditions.append(School.region_code == query.region_code)
    if query.status == "open":
        conditions.append(open_bookings > 0)
    if query.q:
        conditions.append(_search(query.q, User.full_name, User.email, School.name))
    stmt = (
        sa.select(User, School, bookings, open_bookings)
        .join(TeacherProfile, TeacherProfile.user_id == User.id)
        .join(School, School.id == TeacherProfile.school_id)
        .outerjoin(counts, counts.c.teacher_id == User.id)
        .where(*conditions)
    )
    stmt, sort = _sort(stmt, query.sort, TEACHER_SORTS | {"bookings": bookings}, "name", User.id)
    page = _paginate(session, stmt, query, sort)
    rows = [
        TeacherRow(user=r[0], school=r[1], bookings=r[2], open_bookings=r[3]) for r in page.items
    ]
    return replace(page, items=rows)


def school_teachers(session: Session, school_id: int, scope: Collection[int]) -> list[User]:
    """The school's contact teachers the coordinator may see."""
    return list(
        session.scalars(
            sa.select(User)
            .join(TeacherProfile, TeacherProfile.user_id == User.id)
            .where(
                TeacherProfile.school_id == school_id,
                User.deleted_at.is_(None),
                teacher_visible(scope),
            )
            .order_by(User.full_name, User.id)
        )
    )


# The admin's user search and actions.

USER_STATUSES = ("active", "unverified", "deactivated", "deleted")


def account_status(user: User) -> str:
    if user.deleted_at is not None:
        return "deleted"
    if user.deactivated_at is not None:
        return "deactivated"
    if user.email_verified_at is None:
        return "unverified"
    return "active"


def user_page(session: Session, query: ListQuery) -> Page[User]:
    """Accounts by name or e-mail, filtered by role ('status' holds role:<r> or a state)."""
    conditions: list[Any] = []
    if query.q:
        conditions.append(_search(query.q, User.full_name, User.email))
    role = (
        (query.status or "").removeprefix("role:")
        if (query.status or "").startswith("role:")
        else None
    )
    if role in {r.value for r in Role}:
        conditions.append(User.role == role)
    state = query.status if query.status in USER_STATUSES else None
    if state == "deleted":
        conditions.append(User.deleted_at.is_not(None))
    elif state == "deactivated":
        conditions += [User.deleted_at.is_(None), User.deactivated_at.is_not(None)]
    elif state == "unverified":
        conditions += [User.deleted_at.is_(None), User.email_verified_at.is_(None)]
    elif state == "active":
        conditions += [
            User.deleted_at.is_(None),
            User.deactivated_at.is_(None),
            User.email_verified_at.is_not(None),
        ]
    stmt = sa.select(User).where(*conditions)
    stmt, sort = _sort(
        stmt,
        query.sort,
        {"name": User.full_name, "email": User.email, "created": User.id},
        "name",
        User.id,
    )
    return _paginate(session, stmt, query, sort)


def _require_admin(actor: User, target: User) -> None:
    if actor.role != Role.ADMIN:
        raise NotAllowed(_("Kun administratorer kan gøre dette."))
    if target.deleted_at is not None:
        raise DomainError(_("Kontoen er slettet."))


def change_role(
    session: Session, actor: User, target: User, role: Role, now: datetime | None = None
) -> User:
    """Make a staff account a coordinator or an admin.

    Volunteers and teachers keep their role: their profile belongs to it, and a
    coordinator account for the same person is made with another address.
    """
    now = now or utcnow()
    _require_admin(actor, target)
    # Never one's own: so the acting admin always remains, and an admin is never locked out.
    if target.id == actor.id:
        raise DomainError(_("Du kan ikke ændre din egen rolle."), field="role")
    if role not in STAFF_ROLES or target.role not in STAFF_ROLES:
        raise DomainError(_("Kun koordinatorer og administratorer kan skifte rolle."), field="role")
    if target.role == role:
        return target
    before = target.role.value
    target.role = role
    if role == Role.ADMIN:
        target.coordinated_programmes = []  # an admin sees every programme anyway
    audit.record(
        session,
        actor,
        "user_role_changed",
        "user",
        target.id,
        now=now,
        changes={"role": [before, role.value]},
    )
    return target

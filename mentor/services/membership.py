"""Who may act for a school: teachers are vouched for before they see its bookings.

The rules, in one place:

- A teacher who adds a new school (or is the first at a school nobody has booked for)
  is an approved member of it at once: there is nothing of anyone else's to see.
- A teacher who joins a school that already has teachers or bookings is a *pending*
  member. The school's approved teachers are asked by mail to vouch for her; any of them,
  or a coordinator, approves or rejects her.
- A booking belongs to the teacher who made it and is shared with the approved teachers
  of its school: each of them sees it, may change or cancel it while it is open, may
  write to the role model and confirms the visit (`may_act_for`).
- A pending member sees and changes only her own bookings, and they are not matched
  until she is approved: no role model is sent to a school on a stranger's word.
- A rejected member acts for nobody; her open bookings are cancelled.
- A coordinator decides for schools that book in her programmes (or have not booked
  at all); an admin for every school.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, joinedload

from mentor.links import external_url
from mentor.mail.outbox import queue_templated
from mentor.models import BookingRequest, School, TeacherProfile, User
from mentor.models.base import utcnow
from mentor.models.enums import RequestStatus, Role, SchoolMembership
from mentor.services import audit
from mentor.services.errors import DomainError, NotFound

STAFF = (Role.COORDINATOR, Role.ADMIN)
OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.UNMATCHED, RequestStatus.PROPOSED)


def join_school(session: Session, user: User, school: School, now: datetime) -> TeacherProfile:
    """Make `user` a teacher of `school`: approved if she is its first, else pending."""
    has_teachers = session.scalar(
        sa.select(sa.func.count(TeacherProfile.id)).where(TeacherProfile.school_id == school.id)
    )
    has_bookings = session.scalar(
        sa.select(sa.func.count(BookingRequest.id)).where(BookingRequest.school_id == school.id)
    )
    first = not has_teachers and not has_bookings
    profile = TeacherProfile(
        user=user,
        school=school,
        membership=SchoolMembership.APPROVED if first else SchoolMembership.PENDING,
        approved_at=now if first else None,
    )
    session.add(profile)
    session.flush()
    audit.record(
        session,
        user,
        "school_joined",
        "teacher",
        profile.id,
        now=now,
        school_id=school.id,
        membership=profile.membership.value,
    )
    if not first:
        for colleague in approved_colleagues(session, school.id):
            queue_templated(
                session,
                kind="membership_request",
                dedupe_key=f"membership_request:{profile.id}:{colleague.id}",
                to=colleague,
                template="membership_request",
                newcomer=user,
                school=school,
                link=external_url("teachers.colleagues"),
            )
    return profile


def may_act_for(user: User, request: BookingRequest) -> bool:
    """Whether this teacher may see and act on this booking (see the module's rules)."""
    profile = user.teacher_profile
    if user.role != Role.TEACHER or profile is None or profile.school_id != request.school_id:
        return False
    if profile.membership == SchoolMembership.APPROVED:
        return True
    return profile.membership == SchoolMembership.PENDING and request.teacher_id == user.id


def visible_to(user: User) -> sa.ColumnElement[bool]:
    """The bookings this teacher may see, as a condition on BookingRequest."""
    profile = user.teacher_profile
    if user.role != Role.TEACHER or profile is None:
        return sa.false()
    if profile.membership == SchoolMembership.APPROVED:
        return BookingRequest.school_id == profile.school_id
    if profile.membership == SchoolMembership.PENDING:
        return sa.and_(
            BookingRequest.school_id == profile.school_id, BookingRequest.teacher_id == user.id
        )
    return sa.false()


def matchable() -> sa.ColumnElement[bool]:
    """Bookings the matching may take: made by an approved member (or by a teacher who
    has since deleted her account, which left the booking with the school)."""
    approved = (
        sa.select(TeacherProfile.id)
        .where(
            TeacherProfile.user_id == BookingRequest.teacher_id,
            TeacherProfile.membership == SchoolMembership.APPROVED,
        )
        .exists()
    )
    return sa.or_(BookingRequest.teacher_id.is_(None), approved)


def approved_colleagues(session: Session, school_id: int) -> list[User]:
    return list(
        session.scalars(
            sa.select(User)
            .join(TeacherProfile, TeacherProfile.user_id == User.id)
            .where(
                TeacherProfile.school_id == school_id,
                TeacherProfile.membership == SchoolMembership.APPROVED,
                User.deleted_at.is_(None),
                User.deactivated_at.is_(None),
            )
            .order_by(User.full_name)
        )
    )


def pending_members(session: Session, school_id: int | None = None) -> list[TeacherProfile]:
    """Teachers waiting to be vouched for, at one school or (for coordinators) at all."""
    stmt = (
        sa.select(TeacherProfile)
        .join(User, User.id == TeacherProfile.user_id)
        .where(
            TeacherProfile.membership == SchoolMembership.PENDING,
            User.deleted_at.is_(None),
            User.deactivated_at.is_(None),
        )
        .options(joinedload(TeacherProfile.user), joinedload(TeacherProfile.school))
        .order_by(TeacherProfile.id)
    )
    if school_id is not None:
        stmt = stmt.where(TeacherProfile.school_id == school_id)
    return list(session.scalars(stmt))


def coordinator_may_decide(session: Session, actor: User, school_id: int) -> bool:
    """Whether a coordinator vouches for this school's teachers: it books in her
    programmes, or has not booked at all yet. An admin may for every school."""
    if actor.role == Role.ADMIN:
        return True
    if actor.role != Role.COORDINATOR:
        return False
    booked_in = set(
        session.scalars(
            sa.select(BookingRequest.programme_id)
            .where(BookingRequest.school_id == school_id)
            .distinct()
        )
    )
    return not booked_in or bool(booked_in & {p.id for p in actor.coordinated_programmes})


def pending_for(session: Session, actor: User) -> list[TeacherProfile]:
    """The pending members a coordinator (or admin) may decide on."""
    return [
        p for p in pending_members(session) if coordinator_may_decide(session, actor, p.school_id)
    ]


def _pending_profile(session: Session, actor: User, teacher_id: int) -> TeacherProfile:
    """The pending member `actor` may decide on; NotFound for anyone else."""
    profile = session.scalar(
        sa.select(TeacherProfile).where(TeacherProfile.user_id == teacher_id).with_for_update()
    )
    if profile is None or profile.user_id == actor.id or profile.user.deleted_at is not None:
        raise NotFound(_("Læreren findes ikke."))
    if actor.role in STAFF:
        if not coordinator_may_decide(session, actor, profile.school_id):
            raise NotFound(_("Læreren findes ikke."))
    else:
        own = actor.teacher_profile
        if (
            actor.role != Role.TEACHER
            or own is None
            or own.membership != SchoolMembership.APPROVED
            or own.school_id != profile.school_id
        ):
            raise NotFound(_("Læreren findes ikke."))
    if profile.membership != SchoolMembership.PENDING:
        raise DomainError(_("Læreren er allerede godkendt eller afvist."))
    return profile


def approve(
    session: Session, actor: User, teacher_id: int, now: datetime | None = None
) -> TeacherProfile:
    """Vouch for a pending member: she now acts for the school, and her bookings match."""
    now = now or utcnow()
    profile = _pending_profile(session, actor, teacher_id)
    profile.membership = SchoolMembership.APPROVED
    profile.approved_at = now
    profile.approved_by_id = actor.id
    audit.record(session, actor, "membership_approved", "teacher", profile.id, now=now)
    queue_templated(
        session,
        kind="membership_approved",
        dedupe_key=f"membership_approved:{profile.id}",
        to=profile.user,
        template="membership_approved",
        school=profile.school,
        link=external_url("teachers.home"),
    )
    return profile


def reject(
    session: Session, actor: User, teacher_id: int, reason: str = "", now: datetime | None = None
) -> TeacherProfile:
    """Refuse a pending member: she acts for nobody, and her open bookings are cancelled."""
    from mentor.services.requests import change_request_status, lock_requests

    now = now or utcnow()
    profile = _pending_profile(session, actor, teacher_id)
    profile.membership = SchoolMembership.REJECTED
    mine = session.scalars(
        sa.select(BookingRequest.id).where(
            BookingRequest.teacher_id == profile.user_id, BookingRequest.status.in_(OPEN_STATUSES)
        )
    ).all()
    cancelled = 0
    for request in lock_requests(session, mine):
        if request.status in OPEN_STATUSES:
            change_request_status(
                session, request, RequestStatus.CANCELLED, now=now, reason="membership_rejected"
            )
            cancelled += 1
    audit.record(
        session,
        actor,
        "membership_rejected",
        "teacher",
        profile.id,
        now=now,
        reason=" ".join(reason.split())[:300],
        cancelled=cancelled,
    )
    queue_templated(
        session,
        kind="membership_rejected",
        dedupe_key=f"membership_rejected:{profile.id}",
        to=profile.user,
        template="membership_rejected",
        school=profile.school,
    )
    return profile

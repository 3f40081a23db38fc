"""The role model's own record: past visits, what they add up to, and courses asked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, joinedload, selectinload

from mentor.models import BookingRequest, Feedback, TrainingRequest, User, Visit, VolunteerProfile
from mentor.models.enums import FeedbackAuthor, TrainingKind, VisitStatus
from mentor.services import audit
from mentor.services.errors import DomainError


@dataclass(frozen=True)
class PastVisit:
    visit: Visit
    #: The role model's own report, if she gave one.
    my_feedback: Feedback | None
    #: Pupils counted once the teacher (or a coordinator) confirmed; else the class size.
    pupils: int
    confirmed: bool


@dataclass(frozen=True)
class Record:
    past: list[PastVisit]
    visits: int
    pupils: int
    girls: int
    schools: int

    @property
    def awaiting_feedback(self) -> int:
        return sum(1 for p in self.past if p.my_feedback is None and p.visit.status != "no_show")


def volunteer_record(session: Session, profile: VolunteerProfile, now: datetime) -> Record:
    """Every visit that has taken place (newest first) and the completed ones' totals."""
    visits = session.scalars(
        sa.select(Visit)
        .where(
            Visit.volunteer_id == profile.id,
            Visit.starts_at <= now,
            Visit.status.in_([VisitStatus.PLANNED, VisitStatus.COMPLETED, VisitStatus.NO_SHOW]),
        )
        .options(
            joinedload(Visit.request).joinedload(BookingRequest.school),
            joinedload(Visit.request).joinedload(BookingRequest.level),
            selectinload(Visit.feedback),
        )
        .order_by(Visit.starts_at.desc())
    ).all()
    past = []
    for visit in visits:
        mine = next((f for f in visit.feedback if f.author_role == FeedbackAuthor.VOLUNTEER), None)
        confirmed = visit.status == VisitStatus.COMPLETED
        pupils = visit.pupils_reached if confirmed and visit.pupils_reached is not None else 0
        past.append(
            PastVisit(
                visit=visit,
                my_feedback=mine,
                pupils=pupils if confirmed else visit.request.pupils,
                confirmed=confirmed,
            )
        )
    completed = [p for p in past if p.confirmed]
    return Record(
        past=past,
        visits=len(completed),
        pupils=sum(p.pupils for p in completed),
        girls=sum(p.visit.girls_reached or 0 for p in completed),
        schools=len({p.visit.request.school_id for p in completed}),
    )


def open_training_requests(session: Session, profile: VolunteerProfile) -> list[TrainingRequest]:
    return list(
        session.scalars(
            sa.select(TrainingRequest)
            .where(TrainingRequest.volunteer_id == profile.id, TrainingRequest.handled_at.is_(None))
            .order_by(TrainingRequest.created_at)
        )
    )


def request_training(
    session: Session, user: User, kind: TrainingKind, note: str, now: datetime
) -> TrainingRequest:
    """A role model asks for a course; asking again for the same one changes nothing."""
    profile = user.volunteer_profile
    if profile is None:
        raise DomainError(_("Udfyld din profil, før du beder om et kursus."))
    if profile.has_training(kind):
        raise DomainError(_("Du har allerede taget det kursus."), field="kind")
    existing = next((r for r in open_training_requests(session, profile) if r.kind == kind), None)
    if existing is not None:
        return existing
    request = TrainingRequest(
        volunteer_id=profile.id, kind=kind, note=" ".join(note.split())[:300], created_at=now
    )
    try:
        with session.begin_nested():
            session.add(request)
            session.flush()
    except sa.exc.IntegrityError:
        # The same request sent twice at once: the first one stands.
        found = next(r for r in open_training_requests(session, profile) if r.kind == kind)
        return found
    audit.record(session, user, "training_requested", "volunteer", profile.id, now=now, kind=kind)
    return request


def close_training_requests(
    session: Session, profile: VolunteerProfile, kind: TrainingKind, now: datetime
) -> int:
    """Mark the open requests for a course handled (the course was recorded)."""
    result = session.execute(
        sa.update(TrainingRequest)
        .where(
            TrainingRequest.volunteer_id == profile.id,
            TrainingRequest.kind == kind,
            TrainingRequest.handled_at.is_(None),
        )
        .values(handled_at=now)
    )
    return int(result.rowcount or 0)


def waiting_training_requests(
    session: Session, programme_ids: set[int] | None
) -> list[TrainingRequest]:
    """Open course requests, oldest first, for a coordinator's programmes (None: all)."""
    from mentor.models.volunteers import volunteer_programmes

    stmt = (
        sa.select(TrainingRequest)
        .where(TrainingRequest.handled_at.is_(None))
        .options(joinedload(TrainingRequest.volunteer).joinedload(VolunteerProfile.user))
        .order_by(TrainingRequest.created_at)
    )
    if programme_ids is not None:
        stmt = stmt.where(
            TrainingRequest.volunteer_id.in_(
                sa.select(volunteer_programmes.c.volunteer_id).where(
                    volunteer_programmes.c.programme_id.in_(programme_ids)
                )
            )
        )
    return list(session.scalars(stmt.limit(50)))

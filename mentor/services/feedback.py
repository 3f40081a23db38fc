"""Feedback after a visit: did it happen, how many pupils, how was it.

The rules, in one place:

- Teacher and volunteer each report once per visit (they may revise their own report).
  A report says what happened — the visit took place, someone did not turn up
  (`no_show`), or it was cancelled — and, for a visit that took place, the pupils
  reached (girls optional), a 1–5 rating and a comment.
- Reports open when the visit has started; before that there is nothing to confirm.
- The pupils a teacher reports are bounded by the class size given at booking; only a
  coordinator's correction may count more (a parallel class joined in).
- The teacher who reports is one who may act for the booking: its teacher or an approved
  colleague at the school (see `mentor.services.membership`).
- The teacher's report decides: it sets the visit's status (completed / no_show /
  cancelled), its pupil figures and `confirmed_at`. Only a completed visit counts in
  the impact figures.
- The volunteer's report alone does not count: the visit stays `planned` and shows as
  "awaiting the teacher" (see `feedback_state`). The school counted the class; the
  volunteer's figures are kept beside it, and a coordinator may adopt them.
- A coordinator (or admin) may correct any visit in their programmes, with a reason.
  The correction is stored as the coordinator's report, written to the audit log with
  the figures before and after, and from then on it is final: a later teacher report
  can no longer change the visit.
- `Visit.cancelled_by` says who cancelled a cancelled visit, and who did not turn up
  for a no-show ("teacher" for the class, "volunteer" for the role model, or
  "coordinator").
- The request follows its visit: completed -> request completed, no-show or
  cancelled -> request cancelled.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, selectinload

from mentor.models import BookingRequest, Feedback, User, Visit
from mentor.models.enums import FeedbackAuthor, RequestStatus, Role, VisitStatus
from mentor.services import audit, membership
from mentor.services.errors import DomainError, NotAllowed, NotFound
from mentor.services.requests import lock_request

MAX_PUPILS = 500
MAX_COMMENT = 2000


class Outcome(enum.StrEnum):
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class Party(enum.StrEnum):
    """Who cancelled, or who did not turn up."""

    TEACHER = "teacher"
    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"


class FeedbackState(enum.StrEnum):
    """Where a visit stands in the confirmation flow, as people see it."""

    UPCOMING = "upcoming"
    AWAITING_REPORTS = "awaiting_reports"
    AWAITING_TEACHER = "awaiting_teacher"
    CONFIRMED = "confirmed"


OUTCOME_STATUS = {
    Outcome.COMPLETED: VisitStatus.COMPLETED,
    Outcome.NO_SHOW: VisitStatus.NO_SHOW,
    Outcome.CANCELLED: VisitStatus.CANCELLED,
}


@dataclass(frozen=True)
class Report:
    """What one person says about a visit."""

    outcome: Outcome
    #: Who cancelled or did not turn up; required unless the visit took place.
    party: Party | None = None
    pupils: int | None = None
    girls: int | None = None
    rating: int | None = None
    comment: str = ""

    def validated(self) -> Report:
        """Return the report cleaned up, or raise DomainError naming the field."""
        comment = (self.comment or "").strip()
        if len(comment) > MAX_COMMENT:
            raise DomainError(
                _("Kommentaren må højst være %(max)d tegn.", max=MAX_COMMENT), field="comment"
            )
        if self.rating is not None and not 1 <= self.rating <= 5:
            raise DomainError(_("Vurderingen skal være fra 1 til 5."), field="rating")
        if self.outcome != Outcome.COMPLETED:
            if self.party is None:
                raise DomainError(_("Angiv hvem der aflyste eller ikke mødte op."), field="party")
            # Nothing was reached and there is nothing to rate when the visit did not happen.
            return Report(self.outcome, self.party, None, None, None, comment)
        if self.pupils is None:
            raise DomainError(_("Angiv hvor mange elever der var med."), field="pupils")
        if not 1 <= self.pupils <= MAX_PUPILS:
            raise DomainError(
                _("Antal elever skal være fra 1 til %(max)d.", max=MAX_PUPILS), field="pupils"
            )
        if self.girls is not None and not 0 <= self.girls <= self.pupils:
            raise DomainError(
                _("Antal piger kan ikke være negativt eller større end antal elever."),
                field="girls",
            )
        return Report(self.outcome, None, self.pupils, self.girls, self.rating, comment)


def _load(session: Session, visit_id: int) -> Visit:
    visit = session.scalar(
        sa.select(Visit)
        .where(Visit.id == visit_id)
        .options(selectinload(Visit.feedback), selectinload(Visit.request))
    )
    if visit is None:
        raise NotFound(_("Besøget findes ikke."))
    return visit


def author_role(visit: Visit, user: User) -> FeedbackAuthor:
    """The role in which `user` reports on `visit`, or NotFound if it is not theirs.

    NotFound rather than NotAllowed: a stranger should not learn the visit exists.
    """
    if user.role == Role.TEACHER:
        if membership.may_act_for(user, visit.request):
            return FeedbackAuthor.TEACHER
    elif (
        user.role == Role.VOLUNTEER
        and user.volunteer_profile is not None
        and visit.volunteer_id is not None
        and user.volunteer_profile.id == visit.volunteer_id
    ):
        return FeedbackAuthor.VOLUNTEER
    raise NotFound(_("Besøget findes ikke."))


def visit_for(session: Session, visit_id: int, user: User) -> Visit:
    """The visit if `user` is its teacher (same school) or its volunteer, else NotFound."""
    visit = _load(session, visit_id)
    author_role(visit, user)
    return visit


def report_by(visit: Visit, role: FeedbackAuthor) -> Feedback | None:
    return next((f for f in visit.feedback if f.author_role == role), None)


def feedback_state(visit: Visit, now: datetime) -> FeedbackState:
    """Where the visit stands: upcoming, awaiting reports, awaiting the teacher, confirmed."""
    if visit.status != VisitStatus.PLANNED:
        return FeedbackState.CONFIRMED
    if visit.starts_at > now:
        return FeedbackState.UPCOMING
    if report_by(visit, FeedbackAuthor.VOLUNTEER) is not None:
        return FeedbackState.AWAITING_TEACHER
    return FeedbackState.AWAITING_REPORTS


def corrected(visit: Visit) -> bool:
    return report_by(visit, FeedbackAuthor.COORDINATOR) is not None


def submit_feedback(
    session: Session, visit_id: int, user: User, report: Report, now: datetime
) -> Feedback:
    """Store the teacher's or volunteer's report; the teacher's confirms the visit."""
    visit = _load(session, visit_id)
    role = author_role(visit, user)
    report = report.validated()
    lock_request(session, visit.request_id)
    session.refresh(visit)
    class_size = visit.request.pupils
    # The teacher's figure is the one that counts; only a coordinator's correction may
    # count more pupils than the class that was booked.
    if role == FeedbackAuthor.TEACHER and report.pupils is not None and report.pupils > class_size:
        raise DomainError(
            _(
                "Bookingen var til %(pupils)d elever. Var der flere med, så skriv til "
                "koordinatoren, som kan godkende det højere tal.",
                pupils=class_size,
            ),
            field="pupils",
        )
    if visit.starts_at > now:
        raise DomainError(_("Du kan først give feedback, når besøget er begyndt."))
    if role == FeedbackAuthor.TEACHER and corrected(visit):
        raise DomainError(
            _(
                "Koordinatoren har allerede rettet besøget. Kontakt koordinatoren, "
                "hvis noget stadig er forkert."
            )
        )
    if (
        role == FeedbackAuthor.TEACHER
        and visit.status != VisitStatus.PLANNED
        and report_by(visit, role) is None
    ):
        # Closed by another flow (e.g. cancelled before the day): not the teacher's to reopen.
        raise DomainError(_("Besøget er allerede afsluttet."))

    feedback = _upsert_feedback(session, visit, role, user, report, now)
    if role == FeedbackAuthor.TEACHER:
        _apply(visit, report, now)
    return feedback


def correct_visit(
    session: Session,
    visit_id: int,
    actor: User,
    report: Report,
    reason: str,
    now: datetime,
) -> Visit:
    """Set a visit's outcome and figures as a coordinator, with a reason in the audit log."""
    visit = _load(session, visit_id)
    if actor.role != Role.ADMIN and (
        actor.role != Role.COORDINATOR
        or visit.programme_id not in {p.id for p in actor.coordinated_programmes}
    ):
        raise NotAllowed(_("Du kan kun rette besøg i dine egne programmer."))
    report = report.validated()
    lock_request(session, visit.request_id)
    session.refresh(visit)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Skriv hvorfor besøget rettes."), field="reason")
    if report.outcome != Outcome.CANCELLED and visit.starts_at > now:
        raise DomainError(
            _("Et besøg, der ikke er begyndt, kan kun markeres som aflyst."), field="outcome"
        )

    before = _snapshot(visit)
    _upsert_feedback(
        session,
        visit,
        FeedbackAuthor.COORDINATOR,
        actor,
        # The coordinator's report keeps the figures; the reason goes in the comment.
        Report(report.outcome, report.party, report.pupils, report.girls, None, reason),
        now,
    )
    _apply(visit, report, now)
    audit.record(
        session,
        actor,
        "visit.corrected",
        "visit",
        visit.id,
        now,
        reason=reason,
        before=before,
        after=_snapshot(visit),
    )
    return visit


def visits_awaiting_feedback(session: Session, user: User, now: datetime) -> list[Visit]:
    """Started visits on which this teacher or volunteer has not yet reported, oldest first."""
    query = (
        sa.select(Visit)
        .where(Visit.starts_at <= now)
        .options(selectinload(Visit.feedback), selectinload(Visit.request))
        .order_by(Visit.starts_at, Visit.id)
    )
    if user.role == Role.TEACHER and user.teacher_profile is not None:
        role = FeedbackAuthor.TEACHER
        query = query.join(BookingRequest, BookingRequest.id == Visit.request_id).where(
            membership.visible_to(user),
            Visit.status == VisitStatus.PLANNED,
        )
    elif user.role == Role.VOLUNTEER and user.volunteer_profile is not None:
        role = FeedbackAuthor.VOLUNTEER
        query = query.where(
            Visit.volunteer_id == user.volunteer_profile.id,
            Visit.status.in_([VisitStatus.PLANNED, VisitStatus.COMPLETED]),
        )
    else:
        return []
    reported = sa.select(Feedback.id).where(
        Feedback.visit_id == Visit.id, Feedback.author_role == role
    )
    return list(session.scalars(query.where(~reported.exists())))


def visits_awaiting_confirmation(
    session: Session, programme_ids: set[int], now: datetime, limit: int = 200
) -> list[Visit]:
    """Started visits no teacher or coordinator has confirmed yet, oldest first."""
    return list(
        session.scalars(
            sa.select(Visit)
            .where(
                Visit.status == VisitStatus.PLANNED,
                Visit.starts_at <= now,
                Visit.programme_id.in_(programme_ids),
            )
            .options(selectinload(Visit.feedback), selectinload(Visit.request))
            .order_by(Visit.starts_at, Visit.id)
            .limit(limit)
        )
    )


def _upsert_feedback(
    session: Session,
    visit: Visit,
    role: FeedbackAuthor,
    author: User,
    report: Report,
    now: datetime,
) -> Feedback:
    feedback = report_by(visit, role)
    if feedback is None:
        feedback = Feedback(visit=visit, author_role=role)
        session.add(feedback)
    feedback.author_id = author.id
    feedback.happened = report.outcome == Outcome.COMPLETED
    feedback.pupils = report.pupils
    feedback.girls = report.girls
    feedback.rating = report.rating
    feedback.comment = report.comment
    feedback.created_at = now
    return feedback


def _apply(visit: Visit, report: Report, now: datetime) -> None:
    """Make the visit (and its request) say what the confirming report says."""
    visit.status = OUTCOME_STATUS[report.outcome]
    visit.pupils_reached = report.pupils
    visit.girls_reached = report.girls
    visit.cancelled_by = report.party.value if report.party else None
    visit.confirmed_at = now
    request = visit.request
    target = (
        RequestStatus.COMPLETED if report.outcome == Outcome.COMPLETED else RequestStatus.CANCELLED
    )
    # Only a request that reached its visit follows it; the request's earlier states
    # belong to the booking and matching flow.
    if request.status in (
        RequestStatus.CONFIRMED,
        RequestStatus.COMPLETED,
        RequestStatus.CANCELLED,
    ):
        request.status = target


def _snapshot(visit: Visit) -> dict[str, object]:
    return {
        "status": visit.status.value if visit.status else None,
        "pupils_reached": visit.pupils_reached,
        "girls_reached": visit.girls_reached,
        "cancelled_by": visit.cancelled_by,
    }

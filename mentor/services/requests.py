"""Teachers' booking requests: create, edit, cancel, and every status change.

The rules, in one place:

- A teacher books for their own school. A booking belongs to the teacher who made it
  and is shared with the approved teachers of the school; a pending member sees only
  her own (see `mentor.services.membership`). An unverified teacher cannot book.
- A request can be edited or cancelled by the teacher until a volunteer has confirmed
  (status submitted, unmatched or proposed). Editing a proposed request withdraws the
  pending proposal: the volunteer was asked about a different class.
- Every status change goes through `change_request_status`, which refuses any move not
  in `REQUEST_TRANSITIONS`. Changes made by a coordinator or admin go into the audit log.
- Every path that changes a request's status first locks its row (`lock_requests`) and
  decides from the locked state, so a teacher's edit or cancel and a volunteer's answer
  arriving at once never leave it half-changed. Lock order, everywhere: programme (run
  commits), then requests by id, then proposals, then volunteers by id.
- A booking form carries a key; the same key posted twice is one booking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session, joinedload, selectinload

from mentor.formatting import long_date
from mentor.models import (
    BookingRequest,
    DateWindow,
    Programme,
    Proposal,
    School,
    SchoolLevel,
    Subject,
    User,
    Visit,
    VolunteerProfile,
)
from mentor.models.base import utcnow
from mentor.models.enums import (
    REQUEST_TRANSITIONS,
    GenderFocus,
    ProposalStatus,
    RequestFormat,
    RequestStatus,
    Role,
    SchoolMembership,
    VisitStatus,
)
from mentor.schoolyear import SchoolCalendar, calendar_for
from mentor.schoolyear.labels import closed_day_name, holiday_names
from mentor.services import audit, membership
from mentor.services.errors import DomainError, NotAllowed, NotFound
from mentor.services.volunteers import LANGUAGES

MAX_WINDOWS = 5
MAX_OTHER_SUBJECTS = 4
#: How far ahead a class may book.
BOOKING_HORIZON = timedelta(days=400)
#: Statuses in which the teacher may still edit or cancel: nobody has confirmed yet.
OPEN_STATUSES = frozenset(
    {RequestStatus.SUBMITTED, RequestStatus.UNMATCHED, RequestStatus.PROPOSED}
)


@dataclass(frozen=True)
class WindowData:
    day: date
    start: time
    end: time


@dataclass(frozen=True)
class RequestData:
    """What the booking form holds."""

    programme_id: int
    school_id: int
    level_id: int
    pupils: int
    primary_subject_id: int
    windows: Sequence[WindowData]
    other_subject_ids: Sequence[int] = field(default_factory=tuple)
    girls: int | None = None
    class_name: str = ""
    topic: str = ""
    format: RequestFormat = RequestFormat.EITHER
    gender_focus: GenderFocus = GenderFocus.NONE
    language: str = "da"
    grey_zone: bool = False
    whole_class: bool = True


def _is_staff(user: User | None) -> bool:
    return user is not None and user.role in (Role.COORDINATOR, Role.ADMIN)


def lock_requests(session: Session, request_ids: Sequence[int]) -> list[BookingRequest]:
    """Lock these booking rows (in id order: no deadlocks) and return them as they are now."""
    wanted = sorted(set(request_ids))
    if not wanted:
        return []
    return list(
        session.scalars(
            sa.select(BookingRequest)
            .where(BookingRequest.id.in_(wanted))
            # Its dates and subjects are read again too: a colleague may have just
            # changed them while this request waited for the lock.
            .options(
                selectinload(BookingRequest.windows), selectinload(BookingRequest.other_subjects)
            )
            .order_by(BookingRequest.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def lock_request(session: Session, request_id: int) -> BookingRequest:
    """Lock one booking row and return it as it is now (NotFound if it is gone)."""
    found = lock_requests(session, [request_id])
    if not found:
        raise NotFound(_("Bookingen findes ikke længere."))
    return found[0]


def change_request_status(
    session: Session,
    request: BookingRequest,
    new_status: RequestStatus,
    actor: User | None = None,
    now: datetime | None = None,
    **details: Any,
) -> BookingRequest:
    """Move a request to a new status, refusing any move REQUEST_TRANSITIONS does not allow."""
    now = now or utcnow()
    new_status = RequestStatus(new_status)
    old_status = request.status
    if new_status not in REQUEST_TRANSITIONS[old_status]:
        raise DomainError(
            _(
                "En booking kan ikke gå fra %(old)s til %(new)s.",
                old=status_label(old_status),
                new=status_label(new_status),
            ),
            field="status",
        )
    request.status = new_status
    request.updated_at = now
    if new_status != RequestStatus.UNMATCHED:
        request.unmatched_reason = None
    if new_status not in (RequestStatus.SUBMITTED, RequestStatus.UNMATCHED):
        # Someone is proposed, or the request is over: off the coordinators' attention list.
        request.attention_since = None
        request.attention_reason = None
    if _is_staff(actor):
        audit.record(
            session,
            actor,
            "request_status_changed",
            "request",
            request.id,
            now=now,
            changes={"status": [old_status.value, new_status.value]},
            **details,
        )
    return request


def status_label(status: RequestStatus) -> str:
    """The request status in the reader's language."""
    labels = {
        RequestStatus.SUBMITTED: _("modtaget"),
        RequestStatus.PROPOSED: _("matchet, venter på rollemodellen"),
        RequestStatus.CONFIRMED: _("bekræftet"),
        RequestStatus.COMPLETED: _("gennemført"),
        RequestStatus.CANCELLED: _("aflyst"),
        RequestStatus.UNMATCHED: _("ikke matchet denne gang"),
    }
    return labels[RequestStatus(status)]


def _validate(
    session: Session,
    data: RequestData,
    existing: BookingRequest | None,
    today: date,
    school: School,
) -> tuple[Programme, SchoolLevel, Subject, list[Subject]]:
    programme = session.get(Programme, data.programme_id) if data.programme_id else None
    if programme is None:
        raise DomainError(_("Vælg et program."), field="programme_id")
    if not programme.active and (existing is None or existing.programme_id != programme.id):
        raise DomainError(_("Programmet tager ikke imod bookinger."), field="programme_id")
    level = session.get(SchoolLevel, data.level_id) if data.level_id else None
    if level is None:
        raise DomainError(_("Vælg klassetrin."), field="level_id")
    if not 1 <= data.pupils <= 200:
        raise DomainError(_("Antal elever skal være mellem 1 og 200."), field="pupils")
    if data.girls is not None and not 0 <= data.girls <= data.pupils:
        raise DomainError(_("Antal piger kan ikke være flere end eleverne."), field="girls")

    primary = session.get(Subject, data.primary_subject_id) if data.primary_subject_id else None
    if primary is None:
        raise DomainError(_("Vælg et hovedfag."), field="primary_subject_id")
    other_ids = {int(i) for i in data.other_subject_ids} - {primary.id}
    others = list(session.scalars(sa.select(Subject).where(Subject.id.in_(other_ids))))
    if len(others) != len(other_ids):
        raise DomainError(_("Et af de valgte fag findes ikke."), field="other_subject_ids")
    if len(others) > MAX_OTHER_SUBJECTS:
        raise DomainError(_("Vælg højst fire andre fag."), field="other_subject_ids")
    used = set()
    if existing is not None:
        used = {existing.primary_subject_id} | {s.id for s in existing.other_subjects}
    if any(not s.active and s.id not in used for s in [primary, *others]):
        raise DomainError(_("Et af fagene bruges ikke længere."), field="primary_subject_id")

    if data.gender_focus == GenderFocus.WOMAN_REQUIRED and not programme.allows_woman_required:
        raise DomainError(
            _(
                '%(programme)s kan ikke love en kvindelig rollemodel. Vælg "gerne en kvinde".',
                programme=programme.code,
            ),
            field="gender_focus",
        )
    if data.language not in LANGUAGES:
        raise DomainError(_("Vælg et sprog fra listen."), field="language")
    if len(data.topic or "") > 300:
        raise DomainError(_("Emnet må højst være 300 tegn."), field="topic")
    _validate_windows(data.windows, existing, today)
    calendar = calendar_for(session, school).with_weekends_open(programme.weekends_open)
    _validate_school_days(data.windows, existing, today, programme, calendar)
    return programme, level, primary, others


def _validate_school_days(
    windows: Sequence[WindowData],
    existing: BookingRequest | None,
    today: date,
    programme: Programme,
    calendar: SchoolCalendar,
) -> None:
    """Refuse dates the school is closed on all of, or within the programme's notice."""
    kept = {(w.day, w.start_time, w.end_time) for w in existing.windows} if existing else set()
    closed = [c for c in (calendar.closed_day(w.day) for w in windows) if c is not None]
    if len(closed) == len(windows):
        raise DomainError(
            _(
                "Skolen holder lukket på de valgte datoer (%(names)s). Vælg andre datoer.",
                names=", ".join(holiday_names(closed)),
            ),
            field="windows",
        )
    earliest = calendar.school_days_after(today, programme.notice_school_days)
    for window in windows:
        if (window.day, window.start, window.end) not in kept and window.day < earliest:
            raise DomainError(
                ngettext(
                    "%(programme)s skal have besked mindst %(num)d skoledag før: vælg datoer "
                    "fra %(day)s.",
                    "%(programme)s skal have besked mindst %(num)d skoledage før: vælg datoer "
                    "fra %(day)s.",
                    programme.notice_school_days,
                    programme=programme.name,
                    day=long_date(earliest),
                ),
                field="windows",
            )


def closed_windows(session: Session, request: BookingRequest) -> list[tuple[date, str]]:
    """The request's dates the school is closed on, with the holiday's name."""
    calendar = calendar_for(session, request.school).with_weekends_open(
        request.programme.weekends_open
    )
    found = []
    for window in request.windows:
        closed = calendar.closed_day(window.day)
        if closed is not None:
            found.append((window.day, closed_day_name(closed)))
    return found


def _validate_windows(
    windows: Sequence[WindowData], existing: BookingRequest | None, today: date
) -> None:
    if not windows:
        raise DomainError(_("Angiv mindst én dato med tidsrum."), field="windows")
    if len(windows) > MAX_WINDOWS:
        raise DomainError(_("Angiv højst fem datoer."), field="windows")
    kept = {(w.day, w.start_time, w.end_time) for w in existing.windows} if existing else set()
    seen = set()
    for window in windows:
        key = (window.day, window.start, window.end)
        if key in seen:
            raise DomainError(_("Den samme dato og tid står to gange."), field="windows")
        seen.add(key)
        if window.start >= window.end:
            raise DomainError(_("Tidsrummet skal slutte, efter det begynder."), field="windows")
        if key in kept:
            continue  # an unchanged window of an existing request may have passed already
        if window.day <= today:
            raise DomainError(_("Vælg datoer fra i morgen og frem."), field="windows")
        if window.day > today + BOOKING_HORIZON:
            raise DomainError(_("Vælg datoer inden for et år."), field="windows")


def _apply(
    request: BookingRequest,
    data: RequestData,
    programme: Programme,
    level: SchoolLevel,
    primary: Subject,
    others: list[Subject],
) -> None:
    request.programme = programme
    request.level = level
    request.class_name = " ".join((data.class_name or "").split())[:40]
    request.pupils = data.pupils
    request.girls = data.girls
    request.primary_subject = primary
    request.other_subjects = others
    request.topic = (data.topic or "").strip()
    request.format = data.format
    request.gender_focus = data.gender_focus
    request.language = data.language
    request.grey_zone = data.grey_zone
    request.whole_class = data.whole_class
    wanted = sorted({(w.day, w.start, w.end) for w in data.windows})
    current = {(w.day, w.start_time, w.end_time): w for w in request.windows}
    # Keep the window rows that stay, so a proposal that points at one keeps its window.
    request.windows = [
        current.get(key) or DateWindow(day=key[0], start_time=key[1], end_time=key[2])
        for key in wanted
    ]


def _snapshot(request: BookingRequest) -> dict[str, Any]:
    return {
        "programme": request.programme.code,
        "level": request.level.code,
        "class_name": request.class_name,
        "pupils": request.pupils,
        "girls": request.girls,
        "primary_subject": request.primary_subject.code,
        "other_subjects": sorted(s.code for s in request.other_subjects),
        "topic": request.topic,
        "format": request.format.value,
        "gender_focus": request.gender_focus.value,
        "language": request.language,
        "grey_zone": request.grey_zone,
        "whole_class": request.whole_class,
        "windows": [
            f"{w.day.isoformat()} {w.start_time:%H:%M}-{w.end_time:%H:%M}" for w in request.windows
        ],
    }


def create_request(
    session: Session,
    teacher: User,
    data: RequestData,
    now: datetime | None = None,
    *,
    form_key: str | None = None,
) -> BookingRequest:
    """Book a role model for a class of the teacher's own school.

    With a `form_key`, posting the same form again (a double click, a resend, two
    workers at once) returns the booking the first post made instead of a second one.
    """
    now = now or utcnow()
    profile = teacher.teacher_profile
    if teacher.role != Role.TEACHER or profile is None:
        raise NotAllowed(_("Kun lærere kan booke."))
    if profile.membership == SchoolMembership.REJECTED:
        raise NotAllowed(_("Du er ikke godkendt som lærer på skolen."))
    if not teacher.is_verified:
        raise NotAllowed(_("Bekræft din e-mailadresse, før du booker."))
    if form_key:
        earlier = _booked_with(session, teacher, form_key)
        if earlier is not None:
            return earlier
    if data.school_id != profile.school_id:
        raise DomainError(_("Du kan kun booke til din egen skole."), field="school_id")
    programme, level, primary, others = _validate(session, data, None, now.date(), profile.school)
    request = BookingRequest(
        school_id=profile.school_id,
        teacher=teacher,
        status=RequestStatus.SUBMITTED,
        form_key=form_key or None,
        created_at=now,
        updated_at=now,
    )
    _apply(request, data, programme, level, primary, others)
    try:
        # Added inside the savepoint, so a refused insert takes the row out of the session.
        with session.begin_nested():
            session.add(request)
            session.flush()
    except sa.exc.IntegrityError:
        # The same form, posted at the same moment by another request, won the insert.
        earlier = _booked_with(session, teacher, form_key) if form_key else None
        if earlier is None:
            raise
        return earlier
    audit.record(session, teacher, "request_created", "request", request.id, now=now)
    queue_receipt(session, request, teacher)
    return request


def queue_receipt(session: Session, request: BookingRequest, teacher: User) -> None:
    """Tell the teacher the booking arrived, what happens next, and how to cancel it."""
    from mentor.links import external_url
    from mentor.mail.outbox import queue_templated
    from mentor.services.action_links import cancel_link

    queue_templated(
        session,
        kind="booking_receipt",
        dedupe_key=f"booking_receipt:{request.id}",
        to=teacher,
        template="booking_receipt",
        booking=request,
        link=external_url("teachers.request_detail", request_id=request.id),
        cancel_link=cancel_link(request, teacher),
    )


def _booked_with(session: Session, teacher: User, form_key: str) -> BookingRequest | None:
    earlier = session.scalar(sa.select(BookingRequest).where(BookingRequest.form_key == form_key))
    if earlier is not None and earlier.teacher_id != teacher.id:
        raise NotAllowed(_("Formularen hører til en anden booking. Genindlæs siden."))
    return earlier


def can_change(user: User, request: BookingRequest) -> bool:
    """Whether this user may edit or cancel the request in its current status."""
    if _is_staff(user):
        return request.status in OPEN_STATUSES
    return membership.may_act_for(user, request) and request.status in OPEN_STATUSES


def update_request(
    session: Session,
    actor: User,
    request: BookingRequest,
    data: RequestData,
    now: datetime | None = None,
) -> BookingRequest:
    """Change a request that nobody has confirmed yet."""
    now = now or utcnow()
    request = lock_request(session, request.id)
    if not can_change(actor, request):
        raise NotAllowed(_("Bookingen kan ikke længere ændres: en rollemodel har bekræftet."))
    if data.school_id != request.school_id:
        raise DomainError(_("Skolen kan ikke ændres. Lav en ny booking."), field="school_id")
    programme, level, primary, others = _validate(
        session, data, request, now.date(), request.school
    )
    before = _snapshot(request)
    _apply(request, data, programme, level, primary, others)
    session.flush()
    after = _snapshot(request)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changes:
        return request
    request.updated_at = now
    if request.status == RequestStatus.PROPOSED:
        withdraw_live_proposals(session, request, now)
        change_request_status(
            session, request, RequestStatus.SUBMITTED, actor, now, reason="edited"
        )
    audit.record(session, actor, "request_updated", "request", request.id, now=now, changes=changes)
    return request


def withdraw_live_proposals(session: Session, request: BookingRequest, now: datetime) -> None:
    """Withdraw the request's pending proposal; the caller holds the request's lock."""
    for proposal in session.scalars(
        sa.select(Proposal)
        .where(Proposal.request_id == request.id, Proposal.status == ProposalStatus.PENDING)
        .with_for_update()
    ):
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.responded_at = now


def cancel_request(
    session: Session,
    actor: User,
    request: BookingRequest,
    reason: str = "",
    now: datetime | None = None,
) -> BookingRequest:
    """Cancel a request: a teacher until it is confirmed, a coordinator until it is done.

    When a planned visit is cancelled, the role model (and, if a coordinator cancelled,
    the teacher) is told.
    """
    now = now or utcnow()
    request = lock_request(session, request.id)
    if _is_staff(actor):
        allowed = RequestStatus.CANCELLED in REQUEST_TRANSITIONS[request.status]
    else:
        allowed = can_change(actor, request)
    if not allowed:
        raise NotAllowed(
            _("Bookingen kan ikke aflyses her. Skriv til rollemodellen eller koordinatoren.")
        )
    withdraw_live_proposals(session, request, now)
    visit = session.scalar(sa.select(Visit).where(Visit.request_id == request.id))
    if visit is not None and visit.status == VisitStatus.PLANNED:
        visit.status = VisitStatus.CANCELLED
        visit.cancelled_by = "coordinator" if _is_staff(actor) else "teacher"
        _tell_of_cancelled_visit(session, request, visit, by_staff=_is_staff(actor))
    change_request_status(
        session, request, RequestStatus.CANCELLED, actor, now, reason=" ".join(reason.split())[:300]
    )
    if not _is_staff(actor):
        audit.record(session, actor, "request_cancelled", "request", request.id, now=now)
    return request


def _tell_of_cancelled_visit(
    session: Session, request: BookingRequest, visit: Visit, *, by_staff: bool
) -> None:
    from mentor.links import external_url
    from mentor.mail.outbox import queue_templated

    people = []
    if visit.volunteer is not None and visit.volunteer.user.is_active:
        people.append((visit.volunteer.user, external_url("volunteers.home")))
    if by_staff and request.teacher is not None and request.teacher.is_active:
        people.append((request.teacher, external_url("teachers.home")))
    for person, link in people:
        queue_templated(
            session,
            kind="visit_cancelled",
            dedupe_key=f"visit_cancelled:{visit.id}:{person.id}",
            to=person,
            template="visit_cancelled",
            visit=visit,
            request=request,
            link=link,
        )


def set_status(
    session: Session,
    actor: User,
    request: BookingRequest,
    new_status: RequestStatus,
    reason: str = "",
    now: datetime | None = None,
) -> BookingRequest:
    """A coordinator moves a request by hand (cancelling goes through `cancel_request`)."""
    if new_status == RequestStatus.CANCELLED:
        return cancel_request(session, actor, request, reason=reason, now=now)
    now = now or utcnow()
    request = lock_request(session, request.id)
    if request.status == RequestStatus.PROPOSED and new_status != RequestStatus.CONFIRMED:
        # The volunteer was asked about a request that is no longer waiting for her.
        withdraw_live_proposals(session, request, now)
    return change_request_status(
        session, request, new_status, actor, now, reason=" ".join(reason.split())[:300]
    )


def requests_visible_to(session: Session, teacher: User) -> list[BookingRequest]:
    """The bookings a teacher sees, newest first, with what the teacher's list shows."""
    return list(
        session.scalars(
            sa.select(BookingRequest)
            .where(membership.visible_to(teacher))
            .options(
                joinedload(BookingRequest.programme),
                joinedload(BookingRequest.level),
                joinedload(BookingRequest.primary_subject),
                joinedload(BookingRequest.teacher),
                selectinload(BookingRequest.windows),
            )
            .order_by(BookingRequest.created_at.desc(), BookingRequest.id.desc())
        )
    )


def visits_by_request(session: Session, request_ids: Sequence[int]) -> dict[int, Visit]:
    """The visits of these requests, with their volunteer, by request id."""
    if not request_ids:
        return {}
    visits = session.scalars(
        sa.select(Visit)
        .where(Visit.request_id.in_(request_ids))
        .options(joinedload(Visit.volunteer).joinedload(VolunteerProfile.user))
    )
    return {v.request_id: v for v in visits}


def prefill_from(request: BookingRequest, with_windows: bool = False) -> RequestData:
    """The request as form data: for editing, or without its dates for "book again"."""
    return RequestData(
        programme_id=request.programme_id,
        school_id=request.school_id,
        level_id=request.level_id,
        pupils=request.pupils,
        girls=request.girls,
        primary_subject_id=request.primary_subject_id,
        other_subject_ids=tuple(s.id for s in request.other_subjects),
        class_name=request.class_name,
        topic=request.topic,
        format=request.format,
        gender_focus=request.gender_focus,
        language=request.language,
        grey_zone=request.grey_zone,
        whole_class=request.whole_class,
        windows=tuple(WindowData(w.day, w.start_time, w.end_time) for w in request.windows)
        if with_windows
        else (),
    )

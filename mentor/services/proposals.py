"""Proposals: offer a request to a volunteer, and what happens when they answer (or don't).

Row locks keep the state whole when people act at once. The order is the same on every
path (no deadlocks): a run's programme, then the requests by id, then the proposals,
then the volunteers by id.

- Every status change of a request happens with its row locked, decided from the locked
  state (see `mentor.services.requests`): an answer racing an edit or a cancel is refused,
  or wins and the edit is refused; never half of each.
- Every path that adds to a volunteer's load (a run's commit, a cascade, a manual
  assignment) goes through `create_proposals`, which locks the volunteers' rows and then
  runs `check_volunteers` — the one place for per-volunteer checks under her lock: she is
  approved and active, and her visits per term, counted in the term of each visit, are
  not exceeded. One place at a time (`commitments.first_clash`) is checked under the
  same lock by the cascade and the manual assignment; a run's engine plans with it.
- Accepting checks, under the locks, that the proposal is still pending, the request
  still waiting for it and the volunteer still approved.

The partial unique index `uq_proposals_live_request` guarantees one live proposal per
request whatever happens.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session, joinedload, selectinload

import matching
from mentor.auth import tokens
from mentor.formatting import long_date, short_date
from mentor.links import external_url, internal_path
from mentor.mail.ics import visit_attachment
from mentor.mail.outbox import outbox_values, queue_templated, render_mail
from mentor.models import (
    BookingRequest,
    DateWindow,
    Notice,
    OutboxMail,
    Proposal,
    User,
    Visit,
    VolunteerProfile,
)
from mentor.models.base import utcnow
from mentor.models.enums import (
    ProposalStatus,
    RequestStatus,
    SchoolMembership,
    VisitFormat,
    VisitStatus,
    VolunteerStatus,
)
from mentor.schoolyear import SchoolCalendar, calendars_for
from mentor.services import audit
from mentor.services.commitments import first_clash
from mentor.services.deadlines import TOO_LATE, answer_deadline, needs_attention
from mentor.services.errors import DomainError, NotFound
from mentor.services.matching import (
    Scope,
    load_problem,
    local_to_utc,
    term_bounds,
    used_capacity,
)
from mentor.services.notices import proposal_topic
from mentor.services.requests import change_request_status, lock_request, lock_requests

ANSWER_PURPOSE = "proposal-answer"
#: How many volunteers a cascade tries when the engine's first choice turns out taken.
CASCADE_TRIES = 5


class VolunteerUnavailable(DomainError):
    """The volunteer cannot take this proposal now (status, or no visits left in the term)."""

    def __init__(self, message: str, volunteer_id: int) -> None:
        super().__init__(message)
        self.volunteer_id = volunteer_id


@dataclass(frozen=True)
class Offer:
    """What a proposal offers: which volunteer, when, how, and why (cost parts)."""

    request_id: int
    volunteer_id: int
    window_id: int | None
    format: VisitFormat
    distance_km: float | None
    cost: float
    explanation: dict[str, Any]


def lock_volunteers(session: Session, volunteer_ids: list[int]) -> None:
    """Lock volunteer rows in id order (no deadlocks between racing paths).

    The rows are read again as they are now, so the caller decides from the locked state.
    """
    if volunteer_ids:
        session.scalars(
            sa.select(VolunteerProfile)
            .where(VolunteerProfile.id.in_(sorted(set(volunteer_ids))))
            .order_by(VolunteerProfile.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()


def remaining_capacity(session: Session, volunteer: VolunteerProfile, on: date) -> int:
    """Visits she can still take in the term `on` falls in."""
    used = used_capacity(session, [volunteer.id], term_bounds(on)).get(volunteer.id, 0)
    return volunteer.visits_per_term - used


def unavailable_reason(volunteer: VolunteerProfile) -> str | None:
    """Why she may not be proposed at all now, or None."""
    if volunteer.status != VolunteerStatus.APPROVED or not volunteer.user.is_active:
        return _("Rollemodellen er ikke godkendt lige nu.")
    return None


def check_volunteers(
    session: Session,
    offers: list[Offer],
    volunteers: dict[int, VolunteerProfile],
    days: dict[int, date],
    *,
    over_capacity: bool = False,
) -> None:
    """The checks a volunteer's new proposals pass under her row lock (`lock_volunteers`).

    `days` gives each offer's visit day by request id. Capacity is counted per term, in the
    term of each visit: her pending proposals and planned or held visits of that term plus
    the new offers in it. A coordinator's written reason (`over_capacity`) may exceed it;
    nothing lets an unapproved or closed account be proposed.
    """
    wanted: dict[tuple[int, tuple[date, date]], int] = defaultdict(int)
    for offer in offers:
        volunteer = volunteers[offer.volunteer_id]
        reason = unavailable_reason(volunteer)
        if reason:
            raise VolunteerUnavailable(reason, volunteer.id)
        wanted[(volunteer.id, term_bounds(days[offer.request_id]))] += 1
    if over_capacity:
        return
    by_term: dict[tuple[date, date], list[int]] = defaultdict(list)
    for volunteer_id, term in wanted:
        by_term[term].append(volunteer_id)
    for term, ids in by_term.items():
        used = used_capacity(session, ids, term)
        for volunteer_id in ids:
            volunteer = volunteers[volunteer_id]
            if used.get(volunteer_id, 0) + wanted[(volunteer_id, term)] > volunteer.visits_per_term:
                raise VolunteerUnavailable(
                    _(
                        "%(name)s har ikke flere ledige besøg i halvåret %(first)s–%(last)s.",
                        name=volunteer.user.full_name,
                        first=short_date(term[0]),
                        last=short_date(term[1]),
                    ),
                    volunteer_id,
                )


def answer_token(proposal: Proposal) -> str:
    return tokens.make_token(ANSWER_PURPOSE, {"pid": proposal.id, "vid": proposal.volunteer_id})


def proposal_from_token(session: Session, token: str, now: datetime | None = None) -> Proposal:
    """The proposal a mailed answer link is for; the link lives as long as the proposal."""
    payload = tokens.read_token(ANSWER_PURPOSE, token, tokens.MAX_AGES[ANSWER_PURPOSE], now=now)
    proposal = session.get(Proposal, payload.get("pid"))
    if proposal is None or proposal.volunteer_id != payload.get("vid"):
        raise tokens.TokenInvalid(_("Linket passer ikke til et forslag."))
    return proposal


def create_proposal(
    session: Session,
    offer: Offer,
    *,
    now: datetime,
    run_id: int | None = None,
    actor: User | None = None,
    override_reason: str | None = None,
    expires_at: datetime | None = None,
) -> Proposal:
    """Add one pending proposal (see `create_proposals`)."""
    return create_proposals(
        session,
        [offer],
        now=now,
        run_id=run_id,
        actor=actor,
        override_reason=override_reason,
        expires_at=expires_at,
    )[0]


def create_proposals(
    session: Session,
    offers: list[Offer],
    *,
    now: datetime,
    run_id: int | None = None,
    actor: User | None = None,
    override_reason: str | None = None,
    expires_at: datetime | None = None,
    too_late: list[BookingRequest] | None = None,
) -> list[Proposal]:
    """Add pending proposals, move their requests to 'proposed' and tell the volunteers.

    Locks the requests, then the volunteers, and checks each volunteer under her lock
    (`check_volunteers`); an override reason lets a coordinator exceed her capacity.
    Each answer deadline falls before the visit (`deadlines.answer_deadline`). An offer
    with too little time left to answer is refused, or, when the caller passes a
    `too_late` list, left out and its request added to that list.
    Everything the mails show is loaded up front and the rows go in with one flush: a run's
    commit writes thousands of these, and per-row lazy loads would cost seconds.
    """
    requests = {
        r.id: r
        for r in session.scalars(
            sa.select(BookingRequest)
            .where(BookingRequest.id.in_(sorted({o.request_id for o in offers})))
            .options(
                selectinload(BookingRequest.windows),
                joinedload(BookingRequest.school),
                joinedload(BookingRequest.level),
                joinedload(BookingRequest.primary_subject),
                joinedload(BookingRequest.programme),
            )
            .order_by(BookingRequest.id)
            .with_for_update(of=BookingRequest)
            .execution_options(populate_existing=True)
        )
    }
    lock_volunteers(session, [o.volunteer_id for o in offers])
    volunteers = {
        v.id: v
        for v in session.scalars(
            sa.select(VolunteerProfile)
            .where(VolunteerProfile.id.in_({o.volunteer_id for o in offers}))
            .options(joinedload(VolunteerProfile.user))
        )
    }
    calendars = calendars_for(session, {r.school_id: r.school for r in requests.values()}.values())
    going: list[tuple[Offer, DateWindow | None, datetime]] = []
    days: dict[int, date] = {}
    for offer in offers:
        request = requests.get(offer.request_id)
        if request is None or offer.volunteer_id not in volunteers:
            raise NotFound(_("Bookingen eller rollemodellen findes ikke længere."))
        window = next((w for w in request.windows if w.id == offer.window_id), None)
        deadline = expires_at or offer_deadline(request, window, calendars[request.school_id], now)
        if deadline is None:
            if too_late is None:
                raise DomainError(_("Der er for kort tid til besøget til at spørge en rollemodel."))
            too_late.append(request)
            continue
        going.append((offer, window, deadline))
        days[request.id] = (window or _first_window(request)).day
    check_volunteers(
        session, [o for o, _w, _d in going], volunteers, days, over_capacity=bool(override_reason)
    )
    created = []
    for offer, window, deadline in going:
        request = requests[offer.request_id]
        volunteer = volunteers[offer.volunteer_id]
        proposal = Proposal(
            run_id=run_id,
            request=request,
            volunteer=volunteer,
            window=window,
            format=offer.format,
            distance_km=offer.distance_km,
            cost=offer.cost,
            explanation=offer.explanation,
            override_reason=override_reason,
            created_by_id=actor.id if actor else None,
            created_at=now,
            expires_at=deadline,
        )
        session.add(proposal)
        change_request_status(session, request, RequestStatus.PROPOSED, actor=actor, now=now)
        created.append(proposal)
    try:
        with session.begin_nested():
            session.flush()
    except sa.exc.IntegrityError as exc:
        raise DomainError(
            _("En af bookingerne har allerede et aktivt forslag. Opdatér siden og prøv igen.")
        ) from exc
    notices: list[dict[str, Any]] = []
    mails: list[dict[str, Any]] = []
    for proposal in created:
        assert proposal.volunteer is not None
        notice, mail = _volunteer_messages(proposal, proposal.volunteer.user, now)
        notices.append(notice)
        if mail is not None:
            mails.append(mail)
    # Plain bulk inserts: thousands of rows nobody reads back in this transaction.
    if notices:
        session.execute(sa.insert(Notice), notices)
    if mails:
        session.execute(sa.insert(OutboxMail), mails)
    return created


def offer_deadline(
    request: BookingRequest,
    window: DateWindow | None,
    calendar: SchoolCalendar,
    now: datetime,
) -> datetime | None:
    """The answer deadline for a proposal in this window, or None when it is too late."""
    window = window or _first_window(request)
    visit_start = local_to_utc(window.day, window.start_time)
    return answer_deadline(request.programme, calendar, visit_start, now)


def _volunteer_messages(
    proposal: Proposal, user: User, now: datetime
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The in-app notice and the mail that tell a volunteer about a new proposal."""
    link = external_url("volunteers.answer", token=answer_token(proposal))
    with force_locale(user.locale or "da"):
        text = _(
            "Nyt forslag: %(school)s vil gerne have besøg. Svar senest %(day)s.",
            school=proposal.request.school.name,
            day=long_date(proposal.expires_at),
        )
    notice = {
        "user_id": user.id,
        "text": text[:300],
        "created_at": now,
        "link": internal_path("volunteers.proposal", proposal_id=proposal.id),
        "topic": proposal_topic(proposal.id),
    }
    subject, body, html = render_mail(
        "proposal",
        user.locale or "da",
        user=user,
        proposal=proposal,
        request=proposal.request,
        window=proposal.window,
        link=link,
        deadline=proposal.expires_at,
    )
    mail = outbox_values(
        kind="proposal",
        dedupe_key=f"proposal:{proposal.id}",
        to=user,
        subject=subject,
        text=body,
        html=html,
    )
    return notice, mail


def _locked_pending(session: Session, proposal_id: int) -> Proposal:
    """The proposal and its request, both locked (request first), still pending."""
    request_id = session.scalar(sa.select(Proposal.request_id).where(Proposal.id == proposal_id))
    if request_id is None:
        raise NotFound(_("Forslaget findes ikke."))
    lock_request(session, request_id)
    proposal = session.scalar(
        sa.select(Proposal)
        .where(Proposal.id == proposal_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if proposal is None:
        raise NotFound(_("Forslaget findes ikke."))
    if proposal.status == ProposalStatus.WITHDRAWN:
        raise DomainError(
            _("Forslaget er trukket tilbage, fordi bookingen er ændret eller aflyst.")
        )
    if proposal.status != ProposalStatus.PENDING:
        raise DomainError(_("Forslaget er allerede besvaret eller udløbet."))
    return proposal


def accept(session: Session, proposal_id: int, now: datetime | None = None) -> Visit:
    """The volunteer says yes: the visit is planned and the teacher told (with an .ics)."""
    now = now or utcnow()
    proposal = _locked_pending(session, proposal_id)
    if proposal.expires_at <= now:
        raise DomainError(_("Svarfristen er overskredet. Forslaget er gået videre."))
    if proposal.volunteer_id is None:
        raise DomainError(_("Forslaget er trukket tilbage."))
    lock_volunteers(session, [proposal.volunteer_id])
    volunteer = proposal.volunteer
    assert volunteer is not None
    reason = unavailable_reason(volunteer)
    if reason:
        raise DomainError(
            _(
                "Du er ikke godkendt som rollemodel lige nu, så du kan ikke sige ja. "
                "Kontakt koordinatoren."
            )
        )
    request = proposal.request
    if request.status != RequestStatus.PROPOSED:
        raise DomainError(_("Bookingen er ændret, så forslaget gælder ikke længere."))
    window = proposal.window or _first_window(request)
    proposal.status = ProposalStatus.ACCEPTED
    proposal.responded_at = now
    visit = Visit(
        request_id=request.id,
        volunteer_id=volunteer.id,
        proposal_id=proposal.id,
        programme_id=request.programme_id,
        format=proposal.format,
        starts_at=local_to_utc(window.day, window.start_time),
        ends_at=local_to_utc(window.day, window.end_time),
        status=VisitStatus.PLANNED,
        volunteer_gender=volunteer.gender.value,
        volunteer_kind=volunteer.kind.value,
        created_at=now,
    )
    session.add(visit)
    change_request_status(session, request, RequestStatus.CONFIRMED, now=now)
    session.flush()
    audit.record(session, volunteer.user, "proposal_accepted", "proposal", proposal.id, now=now)
    volunteer.user.last_active_at = now
    # Both sides get the confirmation, each with the visit as a calendar file.
    parties = [
        ("volunteer", volunteer.user, external_url("volunteers.visit_detail", visit_id=visit.id)),
    ]
    if request.teacher is not None:
        parties.append(
            (
                "teacher",
                request.teacher,
                external_url("teachers.request_detail", request_id=request.id),
            )
        )
    for role, person, link in parties:
        with force_locale(person.locale or "da"):
            attachment = visit_attachment(visit, link=link, now=now)
        queue_templated(
            session,
            kind="visit_confirmed",
            # The teacher's key is the one used before the volunteer got a copy.
            dedupe_key=f"visit_confirmed:{visit.id}"
            + (":volunteer" if role == "volunteer" else ""),
            to=person,
            template="visit_confirmed",
            attachments=[attachment],
            visit=visit,
            request=request,
            volunteer=volunteer,
            role=role,
            link=link,
        )
    return visit


def _first_window(request: BookingRequest) -> DateWindow:
    if not request.windows:
        raise DomainError(_("Bookingen har ingen dato."))
    return request.windows[0]


def decline(
    session: Session, proposal_id: int, now: datetime | None = None, *, reason: str = ""
) -> Proposal | None:
    """The volunteer says no: the request goes back to the pool, or straight to the next."""
    now = now or utcnow()
    proposal = _locked_pending(session, proposal_id)
    proposal.status = ProposalStatus.DECLINED
    proposal.responded_at = now
    if proposal.volunteer is not None:
        proposal.volunteer.user.last_active_at = now
        audit.record(
            session,
            proposal.volunteer.user,
            "proposal_declined",
            "proposal",
            proposal.id,
            now=now,
            reason=reason[:200],
        )
    return return_to_pool(session, proposal, now)


def expire_overdue_proposals(session: Session, now: datetime) -> int:
    """Expire proposals past their deadline; cascade where the programme says so."""
    overdue = session.execute(
        sa.select(Proposal.id, Proposal.request_id)
        .where(Proposal.status == ProposalStatus.PENDING, Proposal.expires_at <= now)
        .order_by(Proposal.id)
    ).all()
    for proposal_id, request_id in overdue:
        # Someone acting on the request now (the volunteer answering at the last moment)
        # has it; the next round takes it if it is still overdue.
        request = session.scalar(
            sa.select(BookingRequest)
            .where(BookingRequest.id == request_id)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        proposal = (
            session.scalar(
                sa.select(Proposal)
                .where(Proposal.id == proposal_id, Proposal.status == ProposalStatus.PENDING)
                .with_for_update(skip_locked=True)
                .execution_options(populate_existing=True)
            )
            if request is not None
            else None
        )
        if proposal is None:
            session.commit()  # answered meanwhile, or another process has it
            continue
        proposal.status = ProposalStatus.EXPIRED
        proposal.responded_at = now
        audit.record(session, None, "proposal_expired", "proposal", proposal.id, now=now)
        return_to_pool(session, proposal, now)
        session.commit()
    return len(overdue)


def return_to_pool(session: Session, proposal: Proposal, now: datetime) -> Proposal | None:
    """Put the request back; with cascade on, propose the next-best volunteer at once.

    The caller holds the request's lock.
    """
    request = proposal.request
    change_request_status(session, request, RequestStatus.SUBMITTED, now=now)
    session.flush()
    if request.programme.cascade:
        return cascade(session, request, now)
    return None


def cascade(session: Session, request: BookingRequest, now: datetime) -> Proposal | None:
    """Solve the one request against today's volunteers, minus those who already said no.

    Only windows with time for the next volunteer to answer count (the programme's
    answer lead plus a day); with none left the request goes to the coordinators'
    attention list at once instead of waiting for a run.

    The engine's choice is only a candidate: under her row lock her times are checked
    again, and `create_proposal` counts her free visits again; if a racing cascade took
    them, the next volunteer is tried.
    """
    from mentor.services.matching_text import reason_data

    tried = set(
        session.scalars(
            sa.select(Proposal.volunteer_id).where(
                Proposal.request_id == request.id, Proposal.volunteer_id.is_not(None)
            )
        )
    )
    exclusions = {(request.id, v) for v in tried}
    for _attempt in range(CASCADE_TRIES):
        loaded = load_problem(
            session,
            Scope(programme_id=request.programme_id),
            today=now.date(),
            request_ids=[request.id],
            exclusions=exclusions,
            notice_school_days=request.programme.answer_lead_school_days + 1,
        )
        if not loaded.problem.requests:
            return None
        solution = matching.solve(loaded.problem)
        if not solution.assignments:
            unmatched = solution.unmatched[0]
            request.unmatched_reason = {**reason_data(unmatched, loaded), "at": now.isoformat()}
            change_request_status(session, request, RequestStatus.UNMATCHED, now=now)
            if unmatched.data.get("rule") == "notice":
                needs_attention(request, TOO_LATE, now)
            return None
        match = solution.assignments[0]
        lock_volunteers(session, [match.volunteer_id])
        offer = offer_for(loaded.request_windows[request.id], match)
        window = next(
            (w for w in request.windows if w.id == offer.window_id), None
        ) or _first_window(request)
        # Under the lock: a commitment made since the solve read the volunteer's times.
        if first_clash(
            session,
            match.volunteer_id,
            window,
            request.school_id,
            offer.format == VisitFormat.PHYSICAL,
            now.date(),
        ):
            exclusions.add((request.id, match.volunteer_id))
            continue
        calendar = calendars_for(session, [request.school])[request.school_id]
        if offer_deadline(request, window, calendar, now) is None:
            change_request_status(session, request, RequestStatus.UNMATCHED, now=now)
            needs_attention(request, TOO_LATE, now)
            return None
        try:
            with session.begin_nested():
                return create_proposal(session, offer, now=now)
        except VolunteerUnavailable:
            exclusions.add((request.id, match.volunteer_id))
    return None  # still submitted: the next run or a coordinator picks it up


def withdraw_pending_proposals(
    session: Session,
    profile: VolunteerProfile,
    now: datetime,
    change: Callable[[VolunteerProfile], None] | None = None,
) -> list[Proposal]:
    """Take a volunteer out of her pending proposals and pass each request on.

    `change` (a rejection, a deactivation) is applied with her row locked, after the
    requests of her proposals are locked, so an acceptance racing it either finishes
    first or finds her no longer approved.
    """
    request_ids = session.scalars(
        sa.select(Proposal.request_id).where(
            Proposal.volunteer_id == profile.id, Proposal.status == ProposalStatus.PENDING
        )
    ).all()
    locked = {r.id for r in lock_requests(session, request_ids)}
    lock_volunteers(session, [profile.id])
    if change is not None:
        change(profile)
    session.flush()
    pending = list(
        session.scalars(
            sa.select(Proposal)
            .where(Proposal.volunteer_id == profile.id, Proposal.status == ProposalStatus.PENDING)
            .order_by(Proposal.request_id)
            .with_for_update()
        )
    )
    # A proposal made in the moment between the first look and her lock: its request too.
    lock_requests(session, [p.request_id for p in pending if p.request_id not in locked])
    for proposal in pending:
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.responded_at = now
        audit.record(session, None, "proposal_withdrawn", "proposal", proposal.id, now=now)
        if proposal.request.status == RequestStatus.PROPOSED:
            return_to_pool(session, proposal, now)
    return pending


def offer_for(windows: list[DateWindow], match: matching.Match) -> Offer:
    """Turn the engine's match into an offer, pointing at the request's own window row."""
    window = next(
        (w for w in windows if w.day == match.window.day and w.start_time == match.window.start),
        None,
    )
    return Offer(
        request_id=match.request_id,
        volunteer_id=match.volunteer_id,
        window_id=window.id if window else None,
        format=VisitFormat(match.format),
        distance_km=round(match.distance_km, 1) if match.format == "physical" else None,
        cost=round(match.cost, 4),
        explanation={k: round(v, 4) for k, v in match.parts.items()},
    )


def manual_check(
    session: Session, request: BookingRequest, volunteer: VolunteerProfile, now: datetime
) -> tuple[list[str], matching.Match | None]:
    """The same checks as a run, for one pair: warnings in words, and the match if feasible."""
    warnings: list[str] = []
    if request.status not in (RequestStatus.SUBMITTED, RequestStatus.UNMATCHED):
        raise DomainError(_("Bookingen er ikke åben for nye forslag."))
    reason = unavailable_reason(volunteer)
    if reason:
        raise DomainError(reason)
    teacher = request.teacher.teacher_profile if request.teacher is not None else None
    if teacher is not None and teacher.membership != SchoolMembership.APPROVED:
        warnings.append(_("Læreren er endnu ikke godkendt af skolen."))
    if request.programme not in volunteer.programmes:
        warnings.append(_("Rollemodellen er ikke med i programmet."))
    # Only this volunteer is read: the pair's feasibility depends on nobody else.
    loaded = load_problem(
        session,
        Scope(programme_id=request.programme_id),
        today=now.date(),
        request_ids=[request.id],
        notice_school_days=request.programme.answer_lead_school_days + 1,
        volunteer_where=[VolunteerProfile.id == volunteer.id],
    )
    problem = loaded.problem
    candidates = [v for v in problem.volunteers if v.id == volunteer.id]
    match = None
    unmatched_reason = None
    if problem.requests and candidates:
        solution = matching.solve(_single_pair_problem(problem, candidates))
        if solution.assignments:
            match = solution.assignments[0]
        else:
            from mentor.services.matching_text import reason_text

            unmatched_reason = reason_text(
                solution.unmatched[0].reason, solution.unmatched[0].data, loaded
            )
    # Capacity in the term of the visit it would be: the engine's date, else the first.
    day = match.window.day if match else (request.windows[0].day if request.windows else now.date())
    if remaining_capacity(session, volunteer, day) <= 0:
        warnings.append(_("Rollemodellen har ikke flere ledige besøg i terminen."))
    if unmatched_reason:
        warnings.append(unmatched_reason)
    elif not problem.requests:
        warnings.append(_("Bookingen har ingen dato inden for de næste dage."))
    elif match is None and not warnings:
        warnings.append(_("Rollemodellen er ikke godkendt, bekræftet eller har ikke kapacitet."))
    return warnings, match


def _free_window(
    session: Session, request: BookingRequest, volunteer: VolunteerProfile, now: datetime
) -> DateWindow | None:
    """The first window of the request the volunteer is not already taken at."""
    physical = request.format.value != "virtual"
    for window in request.windows:
        if window.day > now.date() and not first_clash(
            session, volunteer.id, window, request.school_id, physical, now.date()
        ):
            return window
    return request.windows[0] if request.windows else None


def _single_pair_problem(
    problem: matching.Problem, volunteers: list[matching.Volunteer]
) -> matching.Problem:
    # An unmatched price far above any pair cost: if the pair is feasible it is used, so
    # the check says "possible" for any legal pair, however poor its fit.
    return matching.Problem(
        requests=problem.requests,
        volunteers=tuple(volunteers),
        weights=matching.Weights(unmatched=1e6),
        related_subjects=problem.related_subjects,
        women_only_programmes=problem.women_only_programmes,
    )


def manual_assign(
    session: Session,
    actor: User,
    request_id: int,
    volunteer_id: int,
    *,
    override_reason: str = "",
    now: datetime | None = None,
) -> Proposal:
    """A coordinator proposes a volunteer directly; warnings need a written reason."""
    now = now or utcnow()
    volunteer = session.get(VolunteerProfile, volunteer_id)
    if volunteer is None or session.get(BookingRequest, request_id) is None:
        raise NotFound(_("Bookingen eller rollemodellen findes ikke."))
    request = lock_request(session, request_id)
    lock_volunteers(session, [volunteer.id])
    warnings, match = manual_check(session, request, volunteer, now)
    override_reason = override_reason.strip()
    if warnings and len(override_reason) < 5:
        raise DomainError(
            _(
                "Tildelingen bryder reglerne: %(warnings)s Skriv en begrundelse for at gå videre.",
                warnings=" ".join(warnings),
            ),
            field="override_reason",
        )
    if match is not None:
        offer = offer_for(request.windows, match)
    else:
        window = _free_window(session, request, volunteer, now)
        offer = Offer(
            request_id=request.id,
            volunteer_id=volunteer.id,
            window_id=window.id if window else None,
            format=VisitFormat.VIRTUAL
            if request.format.value == "virtual"
            else VisitFormat.PHYSICAL,
            distance_km=None,
            cost=0.0,
            explanation={},
        )
    window = next((w for w in request.windows if w.id == offer.window_id), None)
    # One place at a time is not a warning to override: checked under the volunteer's lock.
    if window is not None and first_clash(
        session,
        volunteer.id,
        window,
        request.school_id,
        offer.format == VisitFormat.PHYSICAL,
        now.date(),
    ):
        raise DomainError(
            _("Rollemodellen har allerede et besøg eller forslag på det tidspunkt."),
            field="volunteer_id",
        )
    calendar = calendars_for(session, [request.school])[request.school_id]
    deadline = offer_deadline(request, window, calendar, now)
    if deadline is None:
        # Too late for the usual answer time: the coordinator has a reason (checked above)
        # and the volunteer answers before the visit starts.
        visit_start = local_to_utc(window.day, window.start_time) if window else now
        if visit_start <= now:
            raise DomainError(_("Besøget er allerede begyndt."))
        deadline = min(visit_start, now + timedelta(hours=24))
    proposal = create_proposal(
        session,
        offer,
        now=now,
        actor=actor,
        override_reason=override_reason or None,
        expires_at=deadline,
    )
    audit.record(
        session,
        actor,
        "manual_assignment",
        "proposal",
        proposal.id,
        now=now,
        request_id=request.id,
        volunteer_id=volunteer.id,
        warnings=warnings,
        override_reason=override_reason,
    )
    return proposal

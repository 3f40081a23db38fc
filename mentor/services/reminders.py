"""Reminders: scan the database at `now` and queue the mails that are due.

Every reminder is derived from the data, not stored as a job: each scan works out the
moments at which reminders fall due, and queues those whose moment has come. A
reminder's outbox key is ``kind:object:due moment`` (plus the recipient's role), so a
scan that runs every minute, twice at once, or again after a crash queues each
reminder once; a visit that moves to another day gets its reminders anew.

The kinds and the programme's timing (all times in ``TIMEZONE``, Europe/Copenhagen):

============================  ==================================================  =========
kind                          when                                                essential
============================  ==================================================  =========
``proposal_nudge``            2 and 5 days after the proposal, while unanswered     no
``visit_reminder``            7 and 1 days before the visit, at 08:00 local;        1 day: yes
                              to volunteer and teacher, with the .ics
``feedback_request``          1 and 5 days after the visit, at 08:00 local,         no
                              to whoever has not reported yet
``request_unmatched``         when a matching run leaves a request unmatched        yes
``coordinator_digest``        Mondays at 08:00 local                                no
``visit_unconfirmed``         10 and 5 school days (the school's calendar) before   yes
                              a request's first date with nobody confirmed, to
                              the teacher and the programme's coordinators; the
                              second also puts it on the attention list
============================  ==================================================  =========

People with ``reminders_opt_out`` get only the essential ones. A reminder whose moment
passed before the thing existed (a visit confirmed two days before it happens gets no
"in a week" reminder) or whose next stage has begun is not sent late; the proposal
expiry itself is ``mentor.services.proposals.expire_overdue_proposals``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session, selectinload

from mentor.mail.ics import visit_attachment
from mentor.mail.outbox import queue_templated
from mentor.models import (
    BookingRequest,
    OutboxMail,
    Proposal,
    User,
    Visit,
    VolunteerProfile,
)
from mentor.models.enums import (
    FeedbackAuthor,
    ProposalStatus,
    RequestStatus,
    Role,
    VisitStatus,
    VolunteerStatus,
)
from mentor.models.volunteers import volunteer_programmes

#: How many items a digest lists by name; the counts are always complete.
DIGEST_LIST_LIMIT = 10
STILL_ON_PURPOSE = "still_on"
STILL_ON_MAX_AGE = 30 * 24 * 3600


@dataclass(frozen=True)
class ReminderSettings:
    """The programme's timing; each field can be set in the app config (see from_config)."""

    timezone: str = "Europe/Copenhagen"
    #: Local hour at which day-based reminders go out.
    send_hour: int = 8
    proposal_nudge_days: tuple[int, ...] = (2, 5)
    visit_reminder_days: tuple[int, ...] = (7, 1)
    #: Visit reminders this close to the visit are essential (sent despite opt-out).
    essential_within_days: int = 1
    feedback_days: tuple[int, ...] = (1, 5)
    digest_weekday: int = 0  # Monday
    #: Nothing older than this is reminded about (e.g. right after the first deploy).
    lookback_days: int = 14

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ReminderSettings:
        def days(key: str, default: tuple[int, ...]) -> tuple[int, ...]:
            value = config.get(key)
            if value is None:
                return default
            if isinstance(value, str):
                value = [int(v) for v in value.split(",") if v.strip()]
            return tuple(int(v) for v in value)

        return cls(
            timezone=config.get("TIMEZONE", cls.timezone),
            send_hour=int(config.get("REMINDER_SEND_HOUR", cls.send_hour)),
            proposal_nudge_days=days("REMINDER_PROPOSAL_NUDGE_DAYS", cls.proposal_nudge_days),
            visit_reminder_days=days("REMINDER_VISIT_DAYS", cls.visit_reminder_days),
            essential_within_days=int(
                config.get("REMINDER_ESSENTIAL_WITHIN_DAYS", cls.essential_within_days)
            ),
            feedback_days=days("REMINDER_FEEDBACK_DAYS", cls.feedback_days),
            digest_weekday=int(config.get("REMINDER_DIGEST_WEEKDAY", cls.digest_weekday)),
            lookback_days=int(config.get("REMINDER_LOOKBACK_DAYS", cls.lookback_days)),
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass
class Reminder:
    """One reminder that is due: who gets which template, under which outbox key."""

    kind: str
    key: str
    user: User
    template: str
    essential: bool
    due: datetime
    context: dict[str, Any] = field(default_factory=dict)
    #: Built in the recipient's language, only when the mail is really queued.
    attachments: Callable[[], list[dict[str, str]]] | None = None


@dataclass
class ReminderReport:
    queued: Counter[str] = field(default_factory=Counter)
    skipped_opt_out: int = 0

    @property
    def total(self) -> int:
        return sum(self.queued.values())


# -- time ---------------------------------------------------------------------------


def local_moment(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """`hour` o'clock local time on `day`, as aware UTC (right on both sides of DST)."""
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def add_local_days(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """The same wall-clock time `days` calendar days later, as aware UTC."""
    local = moment.astimezone(zone).replace(tzinfo=None) + timedelta(days=days)
    return local.replace(tzinfo=zone).astimezone(UTC)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def _digest_of(data: Mapping[str, Any]) -> str:
    return hashlib.sha1(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:12]


def _open_stage(dues: list[datetime], now: datetime, end: datetime | None) -> int | None:
    """Index of the stage whose moment has come and whose successor has not."""
    for index, due in enumerate(dues):
        until = dues[index + 1] if index + 1 < len(dues) else end
        if due <= now and (until is None or now < until):
            return index
    return None


# -- links ----------------------------------------------------------------------------

#: Where mails link to: (endpoint, fallback path). The fallback is used until the
#: blueprint that owns the page registers the endpoint.
#: Mail link name -> (endpoint, the values it takes). Callers pass what they have.
LINKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "volunteer_visit": ("volunteers.visit_detail", ("visit_id",)),
    "teacher_visit": ("teachers.request_detail", ("request_id",)),
    "volunteer_feedback": ("volunteers.feedback", ("visit_id",)),
    "teacher_feedback": ("teachers.feedback", ("visit_id",)),
    "still_on": ("public.still_on", ("token",)),
    "proposal": ("volunteers.proposal", ("proposal_id",)),
    "teacher_request": ("teachers.request_detail", ("request_id",)),
    "coordinator_home": ("coordinator.home", ()),
    "account": ("auth.account", ()),
}


def link(name: str, **values: Any) -> str:
    """An absolute link for a mail, built from BASE_URL."""
    from mentor.links import external_url

    endpoint, params = LINKS[name]
    return external_url(endpoint, **{k: values[k] for k in params})


def _visit_link(visit: Visit, role: str) -> str:
    return link(f"{role}_visit", visit_id=visit.id, request_id=visit.request_id)


def still_on_token(visit: Visit, user: User) -> str:
    from mentor.auth.tokens import make_token

    return make_token(STILL_ON_PURPOSE, {"visit": visit.id, "uid": user.id})


def read_still_on_token(token: str, now: datetime | None = None) -> tuple[int, int]:
    """Return (visit id, user id) of a genuine "still on?" link, or raise a DomainError."""
    from mentor.auth.tokens import TokenInvalid, read_token

    payload = read_token(STILL_ON_PURPOSE, token, STILL_ON_MAX_AGE, now=now)
    try:
        return int(payload["visit"]), int(payload["uid"])
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenInvalid(_("Linket er ugyldigt.")) from exc


def confirm_still_on(session: Session, token: str, now: datetime) -> Visit:
    """Record that a party confirmed, from a reminder's link, that the visit is still on.

    For the view behind the "still on?" link (LINKS["still_on"]); the confirmation goes
    to the audit log, where coordinators see who has confirmed.
    """
    from mentor.services import audit
    from mentor.services.errors import NotFound

    visit_id, user_id = read_still_on_token(token, now)
    visit = session.get(Visit, visit_id)
    user = session.get(User, user_id)
    if visit is None or user is None or user.deleted_at is not None:
        raise NotFound(_("Besøget findes ikke længere."))
    roles = {role for role, party in _visit_parties(visit) if party.id == user.id}
    if not roles:
        raise NotFound(_("Besøget findes ikke længere."))
    audit.record(session, user, "visit_still_on", "visit", visit.id, now=now, role=roles.pop())
    return visit


# -- the scans ------------------------------------------------------------------------


def proposal_nudges(session: Session, now: datetime, settings: ReminderSettings) -> list[Reminder]:
    """Pending proposals not answered 2 and 5 days after they were made."""
    if not settings.proposal_nudge_days:
        return []
    zone = settings.zone
    first = min(settings.proposal_nudge_days)
    # One hour of slack: a local day across a DST change is 23 or 25 hours long.
    made_before = now - timedelta(days=first) + timedelta(hours=1)
    proposals = session.scalars(
        sa.select(Proposal)
        .where(
            Proposal.status == ProposalStatus.PENDING,
            Proposal.expires_at > now,
            Proposal.created_at <= made_before,
            Proposal.volunteer_id.is_not(None),
        )
        .options(
            selectinload(Proposal.volunteer).selectinload(VolunteerProfile.user),
            selectinload(Proposal.request).selectinload(BookingRequest.school),
        )
    )
    reminders = []
    for proposal in proposals:
        days = sorted(settings.proposal_nudge_days)
        dues = [add_local_days(proposal.created_at, d, zone) for d in days]
        stage = _open_stage(dues, now, proposal.expires_at)
        if stage is None or proposal.volunteer is None:
            continue
        user = proposal.volunteer.user
        reminders.append(
            Reminder(
                kind="proposal_nudge",
                key=f"proposal_nudge:proposal:{proposal.id}:{_stamp(dues[stage])}",
                user=user,
                template="reminder_proposal",
                essential=False,
                due=dues[stage],
                context={
                    "proposal": proposal,
                    "booking": proposal.request,
                    "last_nudge": stage == len(dues) - 1,
                    "link": link("proposal", proposal_id=proposal.id),
                },
            )
        )
    return reminders


def _visit_options() -> list[Any]:
    return [
        selectinload(Visit.volunteer).selectinload(VolunteerProfile.user),
        selectinload(Visit.request).selectinload(BookingRequest.school),
        selectinload(Visit.request).selectinload(BookingRequest.teacher),
        selectinload(Visit.request).selectinload(BookingRequest.primary_subject),
    ]


def _visit_parties(visit: Visit) -> list[tuple[str, User]]:
    parties: list[tuple[str, User]] = []
    if visit.volunteer is not None:
        parties.append(("volunteer", visit.volunteer.user))
    if visit.request.teacher is not None:
        parties.append(("teacher", visit.request.teacher))
    return parties


def visit_reminders(session: Session, now: datetime, settings: ReminderSettings) -> list[Reminder]:
    """Planned visits 7 days and 1 day ahead: both parties, with the .ics attached."""
    if not settings.visit_reminder_days:
        return []
    zone = settings.zone
    days = sorted(settings.visit_reminder_days, reverse=True)
    visits = session.scalars(
        sa.select(Visit)
        .where(
            Visit.status == VisitStatus.PLANNED,
            Visit.starts_at > now,
            Visit.starts_at <= now + timedelta(days=days[0] + 1),
        )
        .options(*_visit_options())
    )
    reminders = []
    for visit in visits:
        day = local_day(visit.starts_at, zone)
        dues = [local_moment(day - timedelta(days=d), settings.send_hour, zone) for d in days]
        stage = _open_stage(dues, now, visit.starts_at)
        if stage is None:
            continue
        # A stage whose moment passed before the visit was booked is covered by the
        # confirmation mail; sending it now would say "in a week" about the day after.
        if dues[stage] < (visit.confirmed_at or visit.created_at):
            continue
        days_before = days[stage]
        for role, user in _visit_parties(visit):
            reminders.append(
                Reminder(
                    kind="visit_reminder",
                    key=f"visit_reminder:visit:{visit.id}:{role}:{_stamp(dues[stage])}",
                    user=user,
                    template="reminder_visit",
                    essential=days_before <= settings.essential_within_days,
                    due=dues[stage],
                    context={
                        "visit": visit,
                        "booking": visit.request,
                        "role": role,
                        "days_before": days_before,
                        "link": link(
                            f"{role}_visit", visit_id=visit.id, request_id=visit.request_id
                        ),
                        "still_on_link": link("still_on", token=still_on_token(visit, user)),
                    },
                    attachments=_ics_for(visit, role, now),
                )
            )
    return reminders


def _ics_for(visit: Visit, role: str, now: datetime) -> Callable[[], list[dict[str, str]]]:
    def build() -> list[dict[str, str]]:
        return [
            visit_attachment(
                visit,
                link=link(f"{role}_visit", visit_id=visit.id, request_id=visit.request_id),
                now=now,
            )
        ]

    return build


def feedback_requests(
    session: Session, now: datetime, settings: ReminderSettings
) -> list[Reminder]:
    """After a visit, ask each party that has not reported for feedback and pupils reached."""
    if not settings.feedback_days:
        return []
    zone = settings.zone
    days = sorted(settings.feedback_days)
    oldest = now - timedelta(days=days[-1] + settings.lookback_days)
    visits = session.scalars(
        sa.select(Visit)
        .where(
            Visit.status.in_([VisitStatus.PLANNED, VisitStatus.COMPLETED]),
            Visit.starts_at >= oldest,
            Visit.ends_at <= now,
        )
        .options(*_visit_options(), selectinload(Visit.feedback))
    )
    reminders = []
    for visit in visits:
        day = local_day(visit.starts_at, zone)
        dues = [local_moment(day + timedelta(days=d), settings.send_hour, zone) for d in days]
        stage = _open_stage(dues, now, dues[-1] + timedelta(days=settings.lookback_days))
        if stage is None:
            continue
        reported = {f.author_role for f in visit.feedback}
        if FeedbackAuthor.COORDINATOR in reported:
            continue  # a coordinator's correction is final; nobody is asked any more
        for role, user in _visit_parties(visit):
            if FeedbackAuthor(role) in reported:
                continue
            reminders.append(
                Reminder(
                    kind="feedback_request",
                    key=f"feedback_request:visit:{visit.id}:{role}:{_stamp(dues[stage])}",
                    user=user,
                    template="reminder_feedback",
                    essential=False,
                    due=dues[stage],
                    context={
                        "visit": visit,
                        "booking": visit.request,
                        "role": role,
                        "nudge": stage > 0,
                        "link": link(f"{role}_feedback", visit_id=visit.id),
                    },
                )
            )
    return reminders


def unmatched_notices(
    session: Session, now: datetime, settings: ReminderSettings
) -> list[Reminder]:
    """Tell the teacher what happens next when a run left their request unmatched."""
    requests = session.scalars(
        sa.select(BookingRequest)
        .where(
            BookingRequest.status == RequestStatus.UNMATCHED,
            BookingRequest.teacher_id.is_not(None),
            BookingRequest.updated_at >= now - timedelta(days=settings.lookback_days),
        )
        .options(
            selectinload(BookingRequest.teacher),
            selectinload(BookingRequest.school),
            selectinload(BookingRequest.programme),
        )
    )
    reminders = []
    for request in requests:
        if request.teacher is None:
            continue
        # One notice each time a run or a cascade leaves the request unmatched. The
        # reason they store marks the occasion (edits while unmatched keep it); a
        # run id or time in it, where given, tells two equal reasons apart.
        reason = request.unmatched_reason or {}
        occasion = reason.get("run_id") or reason.get("at") or _digest_of(reason)
        reminders.append(
            Reminder(
                kind="request_unmatched",
                key=f"request_unmatched:request:{request.id}:{occasion}",
                user=request.teacher,
                template="request_unmatched",
                essential=True,
                due=request.updated_at,
                context={
                    "booking": request,
                    "link": link("teacher_request", request_id=request.id),
                },
            )
        )
    return reminders


@dataclass
class Digest:
    """What a coordinator should look at this week, within their programmes."""

    unmatched_requests: list[BookingRequest]
    unmatched_count: int
    pending_volunteers: list[VolunteerProfile]
    pending_count: int
    visits_without_feedback: list[Visit]
    without_feedback_count: int

    @property
    def empty(self) -> bool:
        return not (self.unmatched_count or self.pending_count or self.without_feedback_count)


def digest_for(session: Session, coordinator: User, now: datetime) -> Digest:
    """Collect a coordinator's weekly digest; no programmes assigned means all of them."""
    programme_ids = [p.id for p in coordinator.coordinated_programmes]

    def scoped(stmt: sa.Select[Any], column: Any) -> sa.Select[Any]:
        return stmt.where(column.in_(programme_ids)) if programme_ids else stmt

    unmatched = scoped(
        sa.select(BookingRequest).where(BookingRequest.status == RequestStatus.UNMATCHED),
        BookingRequest.programme_id,
    )
    pending = sa.select(VolunteerProfile).where(VolunteerProfile.status == VolunteerStatus.PENDING)
    if programme_ids:
        pending = pending.where(
            VolunteerProfile.id.in_(
                sa.select(volunteer_programmes.c.volunteer_id).where(
                    volunteer_programmes.c.programme_id.in_(programme_ids)
                )
            )
        )
    # The teacher's report decides a visit's status, so a visit still planned after it
    # ended is one nobody has confirmed.
    unconfirmed = scoped(
        sa.select(Visit).where(Visit.status == VisitStatus.PLANNED, Visit.ends_at <= now),
        Visit.programme_id,
    )

    def count(stmt: sa.Select[Any]) -> int:
        return int(session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0)

    return Digest(
        unmatched_requests=list(
            session.scalars(
                unmatched.options(selectinload(BookingRequest.school))
                .order_by(BookingRequest.created_at)
                .limit(DIGEST_LIST_LIMIT)
            )
        ),
        unmatched_count=count(unmatched),
        pending_volunteers=list(
            session.scalars(
                pending.options(selectinload(VolunteerProfile.user))
                .order_by(VolunteerProfile.created_at)
                .limit(DIGEST_LIST_LIMIT)
            )
        ),
        pending_count=count(pending),
        visits_without_feedback=list(
            session.scalars(
                unconfirmed.options(selectinload(Visit.request).selectinload(BookingRequest.school))
                .order_by(Visit.starts_at)
                .limit(DIGEST_LIST_LIMIT)
            )
        ),
        without_feedback_count=count(unconfirmed),
    )


def coordinator_digests(
    session: Session, now: datetime, settings: ReminderSettings
) -> list[Reminder]:
    """The weekly digest, from Monday 08:00 local, once a week per coordinator."""
    zone = settings.zone
    today = local_day(now, zone)
    monday = today - timedelta(days=(today.weekday() - settings.digest_weekday) % 7)
    due = local_moment(monday, settings.send_hour, zone)
    if now < due:
        due = local_moment(monday - timedelta(days=7), settings.send_hour, zone)
    coordinators = session.scalars(
        sa.select(User).where(
            User.role == Role.COORDINATOR,
            User.deleted_at.is_(None),
            User.email.is_not(None),
            User.created_at <= due,
        )
    )
    reminders = []
    for coordinator in coordinators:
        key = f"coordinator_digest:user:{coordinator.id}:{_stamp(due)}"
        reminders.append(
            Reminder(
                kind="coordinator_digest",
                key=key,
                user=coordinator,
                template="coordinator_digest",
                essential=False,
                due=due,
                # Filled in only for digests not yet queued: the queries cost more
                # than the key check.
                context={"week_start": local_day(due, zone)},
            )
        )
    return reminders


def unconfirmed_visits(
    session: Session, now: datetime, settings: ReminderSettings
) -> list[Reminder]:
    """10 and 5 school days before a class's first date with nobody confirmed."""
    from mentor.services.visit_warnings import unconfirmed_visit_warnings

    return unconfirmed_visit_warnings(session, now, settings)


SCANS: list[Callable[[Session, datetime, ReminderSettings], list[Reminder]]] = [
    proposal_nudges,
    visit_reminders,
    feedback_requests,
    unmatched_notices,
    coordinator_digests,
    unconfirmed_visits,
]


# -- queueing -------------------------------------------------------------------------


def _existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    keys = list(keys)
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            session.scalars(
                sa.select(OutboxMail.dedupe_key).where(OutboxMail.dedupe_key.in_(chunk))
            )
        )
    return found


def queue_reminders(
    session: Session, reminders: Iterable[Reminder], now: datetime
) -> ReminderReport:
    """Queue the reminders not queued before; respect opt-outs for non-essential ones."""
    report = ReminderReport()
    reminders = list(reminders)
    known = _existing_keys(session, (r.key for r in reminders))
    for reminder in reminders:
        user = reminder.user
        if reminder.key in known or user.deleted_at is not None or not user.email:
            continue
        if user.reminders_opt_out and not reminder.essential:
            report.skipped_opt_out += 1
            continue
        context = dict(reminder.context)
        if reminder.kind == "coordinator_digest":
            digest = digest_for(session, user, now)
            if digest.empty:
                continue
            context.update(digest=digest, link=link("coordinator_home"))
        attachments: list[dict[str, str]] = []
        if reminder.attachments is not None:
            with force_locale(user.locale or "da"):
                attachments = reminder.attachments()
        mail = queue_templated(
            session,
            kind=reminder.kind,
            dedupe_key=reminder.key,
            to=user,
            template=reminder.template,
            attachments=attachments,
            send_after=now,
            account_link=link("account"),
            essential=reminder.essential,
            **context,
        )
        if mail is not None:
            report.queued[reminder.kind] += 1
    return report


def queue_due_reminders(
    session: Session, now: datetime, settings: ReminderSettings | None = None
) -> ReminderReport:
    """Run every scan at `now` and queue what is due. The caller commits."""
    settings = settings or ReminderSettings.from_config(current_app.config)
    reminders: list[Reminder] = []
    for scan in SCANS:
        reminders.extend(scan(session, now, settings))
    return queue_reminders(session, reminders, now)

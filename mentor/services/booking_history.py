"""A booking's story in words: who is proposed or confirmed, since when, and what happened.

The audit log, the proposals and the visit each hold part of the story in codes
(`request_status_changed`, `declined`, ...); the coordinator's booking page reads the
sentences built here instead, in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, joinedload

from mentor.models import AuditEntry, BookingRequest, Proposal, User, Visit, VolunteerProfile
from mentor.models.enums import ProposalStatus, RequestStatus, VisitStatus
from mentor.services.requests import status_label

#: The booking form's fields as the audit log names them, in words.
FIELD_NAMES = {
    "programme": _l("program"),
    "level": _l("klassetrin"),
    "pupils": _l("elever"),
    "girls": _l("piger"),
    "class_name": _l("klasse"),
    "primary_subject": _l("fag"),
    "other_subjects": _l("andre fag"),
    "topic": _l("emne"),
    "format": _l("form"),
    "gender_focus": _l("kønsfokus"),
    "language": _l("sprog"),
    "grey_zone": _l("gråzone"),
    "whole_class": _l("hele klassen"),
    "windows": _l("datoer"),
}


@dataclass(frozen=True)
class Event:
    at: datetime
    text: str


@dataclass(frozen=True)
class CurrentMatch:
    """The volunteer the booking is with now, if any, and since when."""

    state: str  # "proposed" or "confirmed"
    volunteer_id: int | None
    volunteer_name: str
    since: datetime
    #: When an unanswered proposal expires (proposed only).
    answer_by: datetime | None = None


def current_match(session: Session, request: BookingRequest) -> CurrentMatch | None:
    """Who has the booking now: the pending proposal's volunteer, or the visit's."""
    if request.status == RequestStatus.PROPOSED:
        proposal = session.scalar(
            sa.select(Proposal)
            .where(Proposal.request_id == request.id, Proposal.status == ProposalStatus.PENDING)
            .options(joinedload(Proposal.volunteer).joinedload(VolunteerProfile.user))
        )
        if proposal is not None:
            return CurrentMatch(
                state="proposed",
                volunteer_id=proposal.volunteer_id,
                volunteer_name=_volunteer_name(proposal.volunteer),
                since=proposal.created_at,
                answer_by=proposal.expires_at,
            )
    if request.status in (RequestStatus.CONFIRMED, RequestStatus.COMPLETED):
        visit = session.scalar(
            sa.select(Visit)
            .where(Visit.request_id == request.id)
            .options(joinedload(Visit.volunteer).joinedload(VolunteerProfile.user))
            .order_by(Visit.id.desc())
        )
        if visit is not None:
            return CurrentMatch(
                state="confirmed",
                volunteer_id=visit.volunteer_id,
                volunteer_name=_volunteer_name(visit.volunteer),
                since=visit.created_at,
            )
    return None


def _volunteer_name(profile: VolunteerProfile | None) -> str:
    return profile.user.full_name if profile is not None else _("en slettet rollemodel")


def history(session: Session, request: BookingRequest, limit: int = 50) -> list[Event]:
    """Everything that happened to the booking, newest first, in sentences."""
    events: list[Event] = []
    entries = session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "request", AuditEntry.object_id == request.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ).all()
    actors = {
        u.id: u.full_name
        for u in session.scalars(
            sa.select(User).where(User.id.in_({e.actor_id for e in entries if e.actor_id}))
        )
    }
    for entry in entries:
        events.append(Event(entry.created_at, _audit_words(entry, actors.get(entry.actor_id))))
    proposals = session.scalars(
        sa.select(Proposal)
        .where(Proposal.request_id == request.id)
        .options(
            joinedload(Proposal.volunteer).joinedload(VolunteerProfile.user),
            joinedload(Proposal.run),
        )
        .order_by(Proposal.created_at)
    ).all()
    creators = {
        u.id: u.full_name
        for u in session.scalars(
            sa.select(User).where(
                User.id.in_({p.created_by_id for p in proposals if p.created_by_id})
            )
        )
    }
    for proposal in proposals:
        events.extend(_proposal_words(proposal, creators.get(proposal.created_by_id)))
    for visit in session.scalars(sa.select(Visit).where(Visit.request_id == request.id)):
        events.extend(_visit_words(visit))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]


def _by(actor: str | None) -> str:
    return actor or _("systemet")


def _audit_words(entry: AuditEntry, actor: str | None) -> str:
    details = entry.details or {}
    if entry.action == "request_created":
        return _("%(who)s oprettede bookingen.", who=_by(actor))
    if entry.action == "request_updated":
        fields = [str(FIELD_NAMES.get(name, name)) for name in (details.get("changes") or {})]
        return _("%(who)s rettede bookingen: %(fields)s.", who=_by(actor), fields=", ".join(fields))
    if entry.action == "request_cancelled":
        return _("%(who)s aflyste bookingen.", who=_by(actor))
    if entry.action == "request_status_changed":
        old, new = (details.get("changes") or {}).get("status", [None, None])
        text = _(
            "%(who)s ændrede status fra “%(old)s” til “%(new)s”.",
            who=_by(actor),
            old=_status_words(old),
            new=_status_words(new),
        )
        reason = str(details.get("reason") or "").strip()
        if reason == "edited":
            text += " " + _("(bookingen blev rettet, så forslaget blev trukket tilbage)")
        elif reason:
            text += " " + _("Begrundelse: %(reason)s", reason=reason)
        return text
    return _("%(who)s: ændring af bookingen.", who=_by(actor))


def _status_words(value: object) -> str:
    try:
        return status_label(RequestStatus(str(value)))
    except ValueError:
        return str(value or "–")


def _proposal_words(proposal: Proposal, creator: str | None) -> list[Event]:
    name = _volunteer_name(proposal.volunteer)
    if proposal.run_id is not None:
        made = _("Matchingen (kørsel %(run)s) foreslog %(name)s.", run=proposal.run_id, name=name)
    elif creator is not None:
        made = _("%(who)s foreslog %(name)s.", who=creator, name=name)
        if proposal.override_reason:
            made += " " + _("Begrundelse: %(reason)s", reason=proposal.override_reason)
    else:
        made = _("Den næstbedste rollemodel, %(name)s, blev foreslået.", name=name)
    events = [Event(proposal.created_at, made)]
    if proposal.responded_at is not None:
        answer = {
            ProposalStatus.ACCEPTED: _("%(name)s sagde ja.", name=name),
            ProposalStatus.DECLINED: _("%(name)s sagde nej tak.", name=name),
            ProposalStatus.EXPIRED: _("%(name)s svarede ikke inden fristen.", name=name),
            ProposalStatus.WITHDRAWN: _("Forslaget til %(name)s blev trukket tilbage.", name=name),
        }.get(proposal.status)
        if answer:
            events.append(Event(proposal.responded_at, answer))
    return events


def _visit_words(visit: Visit) -> list[Event]:
    # A cancelled visit is told by the booking's own "aflyst" entry.
    events = []
    if visit.status == VisitStatus.COMPLETED and visit.confirmed_at is not None:
        events.append(Event(visit.confirmed_at, _("Besøget er bekræftet gennemført.")))
    elif visit.status == VisitStatus.NO_SHOW and visit.confirmed_at is not None:
        events.append(Event(visit.confirmed_at, _("Besøget blev ikke til noget.")))
    return events

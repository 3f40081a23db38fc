"""Role models: their profile, programme eligibility, approval, training and the taxonomy.

The rules, in one place:

- A volunteer joins at least one programme; a women-only programme (KRAM) takes only
  role models whose gender is "woman". The rule holds on every save, whoever saves.
- Only approved volunteers are matchable; a virtual visit also needs the training in
  virtual delivery (`matchable_formats`).
- A coordinator's changes to a profile (approval, training, edits) go into the audit
  log with the values before and after.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, joinedload

from mentor import geo
from mentor.links import external_url
from mentor.mail.outbox import queue_templated
from mentor.models import (
    AvailabilityPeriod,
    BlackoutDate,
    BookingRequest,
    Programme,
    Proposal,
    SchoolLevel,
    Subject,
    TrainingRecord,
    User,
    Visit,
    VolunteerProfile,
)
from mentor.models.base import utcnow
from mentor.models.enums import (
    Gender,
    ProposalStatus,
    Role,
    RoleModelKind,
    TrainingKind,
    VisitFormat,
    VisitStatus,
    VolunteerStatus,
)
from mentor.models.requests import request_subjects
from mentor.models.volunteers import volunteer_programmes, volunteer_subjects
from mentor.services import audit
from mentor.services.errors import DomainError, NotAllowed
from mentor.services.text import clean_name, clean_text

#: Languages a visit can be given in (ISO 639-1), in the order the form shows them.
LANGUAGES: tuple[str, ...] = ("da", "en", "de", "fr", "es", "ar", "tr", "uk", "pl")
MAX_PERIODS = 3
MAX_BLACKOUT_DATES = 60
STORY_MAX = 2000
#: The rejection mail carries the coordinator's reason: a few words at least.
MIN_REJECTION_REASON = 5


@dataclass(frozen=True)
class ProfileData:
    """What a volunteer (or a coordinator on their behalf) fills in."""

    full_name: str
    postcode: str
    subject_ids: Sequence[int]
    level_ids: Sequence[int]
    programme_ids: Sequence[int]
    phone: str = ""
    gender: Gender = Gender.UNDISCLOSED
    pronoun: str = ""
    kind: RoleModelKind = RoleModelKind.PROFESSIONAL
    education: str = ""
    job_title: str = ""
    employer: str = ""
    story: str = ""
    languages: Sequence[str] = ("da",)
    travel_radius_km: int = 30
    virtual_ok: bool = False
    weekdays: Sequence[int] = (0, 1, 2, 3, 4)
    visits_per_term: int = 2
    periods: Sequence[tuple[date, date]] = field(default_factory=tuple)
    blackout_dates: Sequence[date] = field(default_factory=tuple)
    paused_until: date | None = None


def eligibility_problem(gender: Gender, programme: Programme) -> str | None:
    """Why a role model of this gender may not join the programme, or None."""
    if programme.women_only and gender != Gender.WOMAN:
        return _("%(programme)s er kun for kvindelige rollemodeller.", programme=programme.code)
    return None


def matchable_formats(profile: VolunteerProfile, on: date | None = None) -> set[VisitFormat]:
    """The visit formats the matching engine may offer this volunteer (empty: not at all)."""
    if profile.status != VolunteerStatus.APPROVED or profile.visits_per_term <= 0:
        return set()
    if on is not None and profile.paused_until is not None and on < profile.paused_until:
        return set()
    formats = {VisitFormat.PHYSICAL}
    if profile.virtual_ok and profile.has_training(TrainingKind.VIRTUAL):
        formats.add(VisitFormat.VIRTUAL)
    return formats


def _clean(text: str, limit: int) -> str:
    return clean_text(text, limit)


def _load_all(session: Session, model: Any, ids: Iterable[int], field_name: str) -> list[Any]:
    wanted = {int(i) for i in ids}
    if not wanted:
        return []
    found = list(session.scalars(sa.select(model).where(model.id.in_(wanted))))
    if len(found) != len(wanted):
        raise DomainError(_("Et af de valgte punkter findes ikke."), field=field_name)
    return found


def _validate(
    session: Session, data: ProfileData, existing: VolunteerProfile | None
) -> tuple[geo.Place, list[Subject], list[SchoolLevel], list[Programme]]:
    clean_name(data.full_name)
    try:
        place = geo.lookup(data.postcode or "")
    except geo.UnknownPostcode as exc:
        raise DomainError(
            _("%(postcode)s er ikke et dansk postnummer.", postcode=data.postcode or ""),
            field="postcode",
        ) from exc

    subjects = _load_all(session, Subject, data.subject_ids, "subjects")
    if not subjects:
        raise DomainError(_("Vælg mindst ét fag."), field="subjects")
    kept = {s.id for s in existing.subjects} if existing is not None else set()
    if any(not s.active and s.id not in kept for s in subjects):
        raise DomainError(_("Et af fagene bruges ikke længere."), field="subjects")

    levels = _load_all(session, SchoolLevel, data.level_ids, "levels")
    if not levels:
        raise DomainError(_("Vælg mindst ét klassetrin."), field="levels")

    programmes = _load_all(session, Programme, data.programme_ids, "programmes")
    if not programmes:
        raise DomainError(_("Vælg mindst ét program."), field="programmes")
    joined = {p.id for p in existing.programmes} if existing is not None else set()
    for programme in programmes:
        if not programme.active and programme.id not in joined:
            raise DomainError(
                _("%(programme)s tager ikke imod nye.", programme=programme.code),
                field="programmes",
            )
        problem = eligibility_problem(data.gender, programme)
        if problem:
            raise DomainError(problem, field="programmes")

    if not data.languages or any(lang not in LANGUAGES for lang in data.languages):
        raise DomainError(_("Vælg mindst ét sprog fra listen."), field="languages")
    if not data.weekdays or any(d not in range(5) for d in data.weekdays):
        raise DomainError(_("Vælg mindst én hverdag."), field="weekdays")
    if not 0 <= data.travel_radius_km <= 500:
        raise DomainError(_("Vælg en afstand mellem 0 og 500 km."), field="travel_radius_km")
    if not 0 <= data.visits_per_term <= 50:
        raise DomainError(_("Vælg mellem 0 og 50 besøg."), field="visits_per_term")
    if data.travel_radius_km == 0 and not data.virtual_ok:
        raise DomainError(
            _("Vil du ikke rejse, så sig ja til virtuelle besøg."), field="travel_radius_km"
        )
    if len(data.periods) > MAX_PERIODS:
        raise DomainError(_("Højst tre perioder."), field="periods")
    for start, end in data.periods:
        if start > end:
            raise DomainError(_("En periode slutter, før den begynder."), field="periods")
    if len(set(data.blackout_dates)) > MAX_BLACKOUT_DATES:
        raise DomainError(_("Højst 60 datoer."), field="blackout_dates")
    if len(data.story or "") > STORY_MAX:
        raise DomainError(_("Fortællingen må højst være 2000 tegn."), field="story")
    return place, subjects, levels, programmes


def save_profile(
    session: Session,
    user: User,
    data: ProfileData,
    *,
    actor: User | None = None,
    now: datetime | None = None,
) -> VolunteerProfile:
    """Create or update a volunteer's profile; refuse it whole when any rule fails.

    `actor` is the coordinator editing on the volunteer's behalf (None: the volunteer).
    """
    now = now or utcnow()
    actor = actor or user
    if user.role != Role.VOLUNTEER:
        raise NotAllowed(_("Kun rollemodeller har en profil."))
    if actor.id != user.id and actor.role not in (Role.COORDINATOR, Role.ADMIN):
        raise NotAllowed(_("Du må ikke rette denne profil."))
    profile = user.volunteer_profile
    place, subjects, levels, programmes = _validate(session, data, profile)
    before = _snapshot(profile) if profile is not None else None

    if profile is None:
        profile = VolunteerProfile(user=user, created_at=now, status=VolunteerStatus.PENDING)
        session.add(profile)
    user.full_name = clean_name(data.full_name)
    user.phone = _clean(data.phone, 32) or None
    profile.gender = data.gender
    profile.pronoun = _clean(data.pronoun, 30)
    profile.kind = data.kind
    profile.education = _clean(data.education, 160)
    profile.job_title = _clean(data.job_title, 120)
    profile.employer = _clean(data.employer, 120)
    profile.story = (data.story or "").strip()
    profile.languages = [lang for lang in LANGUAGES if lang in set(data.languages)]
    if profile.postcode != place.postcode:
        # Only a new postcode moves the point: a coordinator may have corrected it by hand.
        profile.postcode = place.postcode
        profile.municipality_code = place.municipality_code
        profile.region_code = place.region_code
        profile.latitude = place.latitude
        profile.longitude = place.longitude
    profile.travel_radius_km = data.travel_radius_km
    profile.virtual_ok = data.virtual_ok
    profile.weekdays = sorted(set(data.weekdays))
    profile.visits_per_term = data.visits_per_term
    profile.paused_until = data.paused_until
    profile.subjects = subjects
    profile.levels = levels
    profile.programmes = programmes
    _replace_periods(profile, data.periods)
    _replace_blackouts(profile, data.blackout_dates)
    profile.updated_at = now
    session.flush()

    after = _snapshot(profile)
    if before is None:
        audit.record(session, actor, "volunteer_profile_created", "volunteer", profile.id, now=now)
    else:
        changes = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
        if changes:
            audit.record(
                session,
                actor,
                "volunteer_profile_updated",
                "volunteer",
                profile.id,
                now=now,
                changes=changes,
                by_coordinator=actor.id != user.id,
            )
    return profile


def _replace_periods(profile: VolunteerProfile, periods: Sequence[tuple[date, date]]) -> None:
    wanted = sorted(set(periods))
    if [(p.date_from, p.date_to) for p in profile.periods] != wanted:
        profile.periods = [AvailabilityPeriod(date_from=a, date_to=b) for a, b in wanted]


def _replace_blackouts(profile: VolunteerProfile, days: Sequence[date]) -> None:
    wanted = sorted(set(days))
    current = {b.day: b for b in profile.blackout_dates}
    if sorted(current) == wanted:
        return
    # Keep the rows that stay: deleting and re-adding the same day in one flush would
    # trip the (volunteer, day) unique constraint on some backends.
    profile.blackout_dates = [current.get(day) or BlackoutDate(day=day) for day in wanted]


def _snapshot(profile: VolunteerProfile) -> dict[str, Any]:
    data = profile.as_dict()
    data.update(
        full_name=profile.user.full_name,
        phone=profile.user.phone,
        subjects=sorted(s.code for s in profile.subjects),
        levels=sorted(lv.code for lv in profile.levels),
        programmes=sorted(p.code for p in profile.programmes),
        periods=[[p.date_from.isoformat(), p.date_to.isoformat()] for p in profile.periods],
        blackout_dates=[b.day.isoformat() for b in profile.blackout_dates],
        paused_until=profile.paused_until.isoformat() if profile.paused_until else None,
    )
    return data


def _require_coordinator(actor: User) -> None:
    if actor.role not in (Role.COORDINATOR, Role.ADMIN):
        raise NotAllowed(_("Kun koordinatorer kan gøre dette."))


def approve(
    session: Session, actor: User, profile: VolunteerProfile, now: datetime | None = None
) -> VolunteerProfile:
    """Approve a volunteer, which makes them matchable."""
    now = now or utcnow()
    _require_coordinator(actor)
    if profile.status == VolunteerStatus.APPROVED:
        raise DomainError(_("Rollemodellen er allerede godkendt."))
    for programme in profile.programmes:
        problem = eligibility_problem(profile.gender, programme)
        if problem:
            raise DomainError(problem)
    before = profile.status.value
    profile.status = VolunteerStatus.APPROVED
    profile.approved_at = now
    profile.approved_by_id = actor.id
    audit.record(
        session,
        actor,
        "volunteer_approved",
        "volunteer",
        profile.id,
        now=now,
        changes={"status": [before, profile.status.value]},
    )
    queue_templated(
        session,
        kind="volunteer_approved",
        dedupe_key=f"volunteer_approved:{profile.id}:{now:%Y%m%d%H%M%S}",
        to=profile.user,
        template="volunteer_approved",
        link=external_url("volunteers.profile"),
    )
    return profile


def reject(
    session: Session,
    actor: User,
    profile: VolunteerProfile,
    reason: str = "",
    now: datetime | None = None,
) -> VolunteerProfile:
    """Refuse (or withdraw) a volunteer's approval; they are no longer matchable.

    Her pending proposals are withdrawn and each class goes on to the next volunteer
    (a safeguarding control: she can no longer say yes to any of them). She gets a mail
    with the coordinator's reason, so a reason is required.
    """
    from mentor.services.proposals import withdraw_pending_proposals

    now = now or utcnow()
    _require_coordinator(actor)
    if profile.status == VolunteerStatus.REJECTED:
        raise DomainError(_("Rollemodellen er allerede afvist."))
    reason = _clean(reason, 300)
    if len(reason) < MIN_REJECTION_REASON:
        raise DomainError(_("Skriv en begrundelse; rollemodellen får den på mail."), field="reason")
    before = profile.status.value

    def refuse(locked: VolunteerProfile) -> None:
        locked.status = VolunteerStatus.REJECTED
        locked.approved_at = None
        locked.approved_by_id = None

    withdrawn = withdraw_pending_proposals(session, profile, now, refuse)
    audit.record(
        session,
        actor,
        "volunteer_rejected",
        "volunteer",
        profile.id,
        now=now,
        changes={"status": [before, profile.status.value]},
        reason=reason,
        withdrawn=len(withdrawn),
    )
    queue_templated(
        session,
        kind="volunteer_rejected",
        dedupe_key=f"volunteer_rejected:{profile.id}:{now:%Y%m%d%H%M%S}",
        to=profile.user,
        template="volunteer_rejected",
        reason=reason,
        link=external_url("auth.account"),
    )
    return profile


def record_training(
    session: Session,
    actor: User,
    profile: VolunteerProfile,
    kind: TrainingKind,
    completed_on: date,
    note: str = "",
    now: datetime | None = None,
) -> TrainingRecord:
    """Record (or re-date) a completed training."""
    now = now or utcnow()
    _require_coordinator(actor)
    if completed_on > now.date():
        raise DomainError(
            _("Datoen for uddannelsen kan ikke ligge i fremtiden."), field="completed_on"
        )
    record = next((t for t in profile.trainings if t.kind == kind), None)
    before = record.completed_on.isoformat() if record is not None else None
    if record is None:
        record = TrainingRecord(kind=kind, completed_on=completed_on)
        profile.trainings.append(record)
    record.completed_on = completed_on
    record.note = _clean(note, 200)
    record.recorded_by_id = actor.id
    session.flush()
    from mentor.services.record import close_training_requests

    close_training_requests(session, profile, kind, now)
    audit.record(
        session,
        actor,
        "training_recorded",
        "volunteer",
        profile.id,
        now=now,
        kind=kind.value,
        changes={"completed_on": [before, completed_on.isoformat()]},
    )
    return record


def remove_training(
    session: Session,
    actor: User,
    profile: VolunteerProfile,
    kind: TrainingKind,
    now: datetime | None = None,
) -> None:
    """Remove a training recorded by mistake."""
    now = now or utcnow()
    _require_coordinator(actor)
    record = next((t for t in profile.trainings if t.kind == kind), None)
    if record is None:
        raise DomainError(_("Uddannelsen er ikke registreret."))
    profile.trainings.remove(record)
    audit.record(
        session,
        actor,
        "training_removed",
        "volunteer",
        profile.id,
        now=now,
        kind=kind.value,
        changes={"completed_on": [record.completed_on.isoformat(), None]},
    )


def subject_code(name: str) -> str:
    """A stable code from a Danish subject name: "Grøn omstilling" -> "groen_omstilling"."""
    text = name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:40]


def add_subject(
    session: Session,
    actor: User,
    *,
    name_da: str,
    name_en: str,
    related_ids: Iterable[int] = (),
    now: datetime | None = None,
) -> Subject:
    """Extend the STEM taxonomy with a new subject."""
    now = now or utcnow()
    _require_coordinator(actor)
    name_da, name_en = _clean(name_da, 80), _clean(name_en, 80)
    if len(name_da) < 2:
        raise DomainError(_("Skriv fagets danske navn."), field="name_da")
    if len(name_en) < 2:
        raise DomainError(_("Skriv fagets engelske navn."), field="name_en")
    code = subject_code(name_da)
    if not code:
        raise DomainError(_("Navnet skal indeholde bogstaver."), field="name_da")
    clash = session.scalar(
        sa.select(Subject.id).where(
            sa.or_(Subject.code == code, sa.func.lower(Subject.name_da) == name_da.lower())
        )
    )
    if clash is not None:
        raise DomainError(_("Faget findes allerede."), field="name_da")
    related = _load_all(session, Subject, related_ids, "related")
    subject = Subject(code=code, name_da=name_da, name_en=name_en, related=related)
    session.add(subject)
    session.flush()
    audit.record(session, actor, "subject_added", "subject", subject.id, now=now, code=code)
    return subject


def set_subject_active(
    session: Session, actor: User, subject: Subject, active: bool, now: datetime | None = None
) -> Subject:
    """Retire a subject (kept on profiles and requests that use it) or bring it back.

    The subjects are shared by every programme: a coordinator retires only a subject no
    booking or role model outside her own programmes uses; an admin, any.
    """
    now = now or utcnow()
    _require_coordinator(actor)
    if not active and actor.role != Role.ADMIN and _used_outside_scope(session, actor, subject):
        raise NotAllowed(
            _(
                "Faget bruges i andre programmer end dine, så kun en administrator kan "
                "tage det ud af brug."
            )
        )
    if subject.active != active:
        audit.record(
            session,
            actor,
            "subject_updated",
            "subject",
            subject.id,
            now=now,
            changes={"active": [subject.active, active]},
        )
        subject.active = active
    return subject


def _used_outside_scope(session: Session, actor: User, subject: Subject) -> bool:
    scope = [p.id for p in actor.coordinated_programmes]
    booked = sa.select(BookingRequest.id).where(
        BookingRequest.programme_id.not_in(scope),
        sa.or_(
            BookingRequest.primary_subject_id == subject.id,
            BookingRequest.id.in_(
                sa.select(request_subjects.c.request_id).where(
                    request_subjects.c.subject_id == subject.id
                )
            ),
        ),
    )
    offered = (
        sa.select(volunteer_subjects.c.volunteer_id)
        .join(
            volunteer_programmes,
            volunteer_programmes.c.volunteer_id == volunteer_subjects.c.volunteer_id,
        )
        .where(
            volunteer_subjects.c.subject_id == subject.id,
            volunteer_programmes.c.programme_id.not_in(scope),
        )
    )
    return bool(session.scalar(sa.select(booked.exists()))) or bool(
        session.scalar(sa.select(offered.exists()))
    )


def pending_proposals(session: Session, profile: VolunteerProfile) -> list[Proposal]:
    """The volunteer's proposals awaiting an answer, soonest deadline first."""
    return list(
        session.scalars(
            sa.select(Proposal)
            .where(Proposal.volunteer_id == profile.id, Proposal.status == ProposalStatus.PENDING)
            .options(
                joinedload(Proposal.request).joinedload(BookingRequest.school),
                joinedload(Proposal.request).joinedload(BookingRequest.level),
                joinedload(Proposal.window),
            )
            .order_by(Proposal.expires_at)
        )
    )


def planned_visits(session: Session, profile: VolunteerProfile) -> list[Visit]:
    """The volunteer's planned visits, soonest first."""
    return list(
        session.scalars(
            sa.select(Visit)
            .where(Visit.volunteer_id == profile.id, Visit.status == VisitStatus.PLANNED)
            .options(
                joinedload(Visit.request).joinedload(BookingRequest.school),
                joinedload(Visit.request).joinedload(BookingRequest.level),
            )
            .order_by(Visit.starts_at)
        )
    )

"""Accounts: sign-up, e-mail verification, login, password reset, GDPR export and deletion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mentor.auth import tokens
from mentor.auth.passwords import hash_password, password_problem, verify_password
from mentor.links import external_url
from mentor.mail.outbox import queue_templated
from mentor.models import (
    AuditEntry,
    BookingRequest,
    BulkMessage,
    Feedback,
    Notice,
    Proposal,
    School,
    TeacherProfile,
    TrainingRequest,
    User,
    Visit,
)
from mentor.models.base import utcnow
from mentor.models.enums import ProposalStatus, RequestStatus, Role
from mentor.privacy import CONSENT_VERSION
from mentor.services import audit
from mentor.services.errors import DomainError

DELETED_NAME = "Slettet bruger"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_taken(session: Session, email: str) -> bool:
    found = session.scalar(sa.select(User.id).where(User.email == normalise_email(email)))
    return found is not None


def create_user(
    session: Session,
    *,
    email: str,
    role: Role,
    full_name: str,
    password: str | None = None,
    now: datetime | None = None,
) -> User:
    """Create a user; refuse an e-mail address that is already in use."""
    now = now or utcnow()
    email = normalise_email(email)
    if email_taken(session, email):
        raise DomainError(_("E-mailadressen er allerede i brug."), field="email")
    user = User(
        email=email,
        role=role,
        full_name=" ".join(full_name.split()),
        password_hash=hash_password(password) if password else None,
        password_changed_at=now if password else None,
        created_at=now,
    )
    session.add(user)
    try:
        # Flush inside a savepoint: a concurrent sign-up with the same address trips the
        # unique index, and the caller gets the same clear message instead of a 500.
        with session.begin_nested():
            session.flush()
    except sa.exc.IntegrityError as exc:
        raise DomainError(_("E-mailadressen er allerede i brug."), field="email") from exc
    return user


def register(
    session: Session,
    *,
    role: Role,
    email: str,
    full_name: str,
    password: str,
    consent: bool,
    locale: str = "da",
    school: School | None = None,
    now: datetime | None = None,
) -> User:
    """Sign up a volunteer or a teacher and queue the verification mail."""
    now = now or utcnow()
    if role not in (Role.VOLUNTEER, Role.TEACHER):
        raise DomainError(_("Kun rollemodeller og lærere kan oprette sig selv."))
    if not consent:
        raise DomainError(_("Sæt kryds for at give samtykke."), field="consent")
    problem = password_problem(password, email=email, name=full_name)
    if problem:
        raise DomainError(problem, field="password")
    if role == Role.TEACHER and school is None:
        raise DomainError(_("Vælg din skole, eller tilføj den."), field="school_id")
    user = create_user(
        session, email=email, role=role, full_name=full_name, password=password, now=now
    )
    user.locale = locale if locale in ("da", "en") else "da"
    user.consent_version = CONSENT_VERSION
    user.consent_at = now
    if role == Role.TEACHER:
        session.add(TeacherProfile(user=user, school=school))
    audit.record(session, user, "signup", "user", user.id, now=now, role=role.value)
    queue_verification(session, user, now)
    return user


def queue_verification(session: Session, user: User, now: datetime) -> bool:
    """Queue a verification mail; at most one per minute per user."""
    token = tokens.make_token("verify", {"uid": user.id, "email": user.email})
    mail = queue_templated(
        session,
        kind="verify_email",
        dedupe_key=f"verify_email:{user.id}:{now:%Y%m%d%H%M}",
        to=user,
        template="verify_email",
        link=external_url("auth.verify_email", token=token),
    )
    return mail is not None


def verify_email(session: Session, token: str, now: datetime | None = None) -> User:
    now = now or utcnow()
    payload = tokens.read_token("verify", token, tokens.VERIFY_MAX_AGE, now=now)
    user = session.get(User, payload.get("uid"))
    if user is None or user.email is None or user.email != payload.get("email"):
        raise tokens.TokenInvalid(_("Linket passer ikke til en konto. Bed om et nyt."))
    if user.email_verified_at is None:
        user.email_verified_at = now
        audit.record(session, user, "email_verified", "user", user.id, now=now)
    return user


def authenticate(session: Session, email: str, password: str, now: datetime | None = None) -> User:
    """Return the user for these credentials, or raise one message for every failure."""
    now = now or utcnow()
    user = session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        audit.record(session, None, "login_failed", "user", user.id if user else None, now=now)
        raise DomainError(_("Forkert e-mail eller adgangskode."), field="password")
    user.last_login_at = now
    user.last_active_at = now
    audit.record(session, user, "login", "user", user.id, now=now)
    return user


def request_password_reset(session: Session, email: str, now: datetime | None = None) -> None:
    """Queue a reset link if the address has an account; say nothing either way."""
    now = now or utcnow()
    user = session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active:
        return
    stamp = user.password_changed_at.isoformat() if user.password_changed_at else ""
    token = tokens.make_token("reset", {"uid": user.id, "pwc": stamp})
    queue_templated(
        session,
        kind="reset_password",
        dedupe_key=f"reset_password:{user.id}:{now:%Y%m%d%H%M}",
        to=user,
        template="reset_password",
        link=external_url("auth.reset_password", token=token),
    )


def user_for_reset_token(session: Session, token: str, now: datetime | None = None) -> User:
    now = now or utcnow()
    payload = tokens.read_token("reset", token, tokens.RESET_MAX_AGE, now=now)
    user = session.get(User, payload.get("uid"))
    if user is None or not user.is_active:
        raise tokens.TokenInvalid(_("Linket passer ikke til en konto."))
    stamp = user.password_changed_at.isoformat() if user.password_changed_at else ""
    # The token carries the password-change stamp it was made for: once the password
    # changes, the link is spent.
    if payload.get("pwc") != stamp:
        raise tokens.TokenInvalid(
            _("Linket er allerede brugt. Bed om et nyt, hvis du har brug for det.")
        )
    return user


def reset_password(
    session: Session, token: str, new_password: str, now: datetime | None = None
) -> User:
    now = now or utcnow()
    user = user_for_reset_token(session, token, now)
    problem = password_problem(new_password, email=user.email or "", name=user.full_name)
    if problem:
        raise DomainError(problem, field="password")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    if user.email_verified_at is None:
        user.email_verified_at = now  # the link proved the address
    audit.record(session, user, "password_reset", "user", user.id, now=now)
    return user


def export_user_data(session: Session, user: User) -> dict[str, Any]:
    """Everything we hold about a person, as JSON-ready data (GDPR art. 15 and 20)."""
    data: dict[str, Any] = {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "phone": user.phone,
            "role": user.role.value,
            "locale": user.locale,
            "created_at": user.created_at.isoformat(),
            "email_verified_at": _iso(user.email_verified_at),
            "consent_version": user.consent_version,
            "consent_at": _iso(user.consent_at),
            "reminders_opt_out": user.reminders_opt_out,
            "last_login_at": _iso(user.last_login_at),
            "deactivated_at": _iso(user.deactivated_at),
            "last_active_at": _iso(user.last_active_at),
        }
    }
    profile = user.volunteer_profile
    if profile is not None:
        data["volunteer_profile"] = profile.as_dict() | {
            "subjects": [s.code for s in profile.subjects],
            "levels": [lv.code for lv in profile.levels],
            "programmes": [p.code for p in profile.programmes],
            "availability_periods": [
                {"from": p.date_from.isoformat(), "to": p.date_to.isoformat()}
                for p in profile.periods
            ],
            "blackout_dates": [b.day.isoformat() for b in profile.blackout_dates],
            "trainings": [
                {"kind": t.kind.value, "completed_on": t.completed_on.isoformat()}
                for t in profile.trainings
            ],
            "training_requests": [
                {
                    "kind": r.kind.value,
                    "note": r.note,
                    "created_at": r.created_at.isoformat(),
                    "handled_at": _iso(r.handled_at),
                }
                for r in session.scalars(
                    sa.select(TrainingRequest).where(TrainingRequest.volunteer_id == profile.id)
                )
            ],
        }
        proposals = session.scalars(sa.select(Proposal).where(Proposal.volunteer_id == profile.id))
        data["proposals"] = [
            {
                "request_id": p.request_id,
                "status": p.status.value,
                "created_at": p.created_at.isoformat(),
            }
            for p in proposals
        ]
        visits = session.scalars(sa.select(Visit).where(Visit.volunteer_id == profile.id))
        data["visits"] = [_visit_dict(v) for v in visits]
    if user.teacher_profile is not None:
        school = user.teacher_profile.school
        data["teacher_profile"] = {"school": school.name, "postcode": school.postcode}
        requests = session.scalars(
            sa.select(BookingRequest).where(BookingRequest.teacher_id == user.id)
        )
        data["requests"] = [
            {
                "id": r.id,
                "status": r.status.value,
                "pupils": r.pupils,
                "topic": r.topic,
                "created_at": r.created_at.isoformat(),
                "windows": [f"{w.day.isoformat()} {w.start_time}-{w.end_time}" for w in r.windows],
            }
            for r in requests
        ]
    feedback = session.scalars(sa.select(Feedback).where(Feedback.author_id == user.id))
    data["feedback"] = [
        {
            "visit_id": f.visit_id,
            "happened": f.happened,
            "pupils": f.pupils,
            "rating": f.rating,
            "comment": f.comment,
        }
        for f in feedback
    ]
    sent = session.scalars(
        sa.select(BulkMessage).where(BulkMessage.author_id == user.id).order_by(BulkMessage.id)
    )
    data["bulk_messages"] = [
        {"subject": m.subject, "body": m.body, "sent_at": m.created_at.isoformat()} for m in sent
    ]
    entries = session.scalars(
        sa.select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id)
    )
    data["activity_log"] = [{"action": e.action, "at": e.created_at.isoformat()} for e in entries]
    return data


def delete_account(
    session: Session,
    user: User,
    actor: User | None,
    now: datetime | None = None,
    *,
    reason: str = "",
) -> None:
    """Remove a person's data; keep anonymised visits so reports stay right.

    `actor` is None when the system deletes (the retention job; `reason` says why).
    """
    now = now or utcnow()
    if user.deleted_at is not None:
        raise DomainError(_("Kontoen er allerede slettet."))
    profile = user.volunteer_profile
    if profile is not None:
        live = session.scalars(
            sa.select(Proposal).where(
                Proposal.volunteer_id == profile.id, Proposal.status == ProposalStatus.PENDING
            )
        )
        for proposal in live:
            proposal.status = ProposalStatus.WITHDRAWN
            proposal.responded_at = now
            if proposal.request.status == RequestStatus.PROPOSED:
                proposal.request.status = RequestStatus.SUBMITTED
        session.execute(
            sa.update(Visit).where(Visit.volunteer_id == profile.id).values(volunteer_id=None)
        )
        session.execute(
            sa.update(Proposal).where(Proposal.volunteer_id == profile.id).values(volunteer_id=None)
        )
        session.execute(
            sa.delete(TrainingRequest).where(TrainingRequest.volunteer_id == profile.id)
        )
        session.delete(profile)
    if user.teacher_profile is not None:
        open_statuses = (RequestStatus.SUBMITTED, RequestStatus.UNMATCHED, RequestStatus.PROPOSED)
        for request in session.scalars(
            sa.select(BookingRequest).where(
                BookingRequest.teacher_id == user.id, BookingRequest.status.in_(open_statuses)
            )
        ):
            request.status = RequestStatus.CANCELLED
        session.execute(
            sa.update(BookingRequest)
            .where(BookingRequest.teacher_id == user.id)
            .values(teacher_id=None, topic="")
        )
        session.delete(user.teacher_profile)
    session.execute(
        sa.update(Feedback).where(Feedback.author_id == user.id).values(author_id=None, comment="")
    )
    session.execute(sa.delete(Notice).where(Notice.user_id == user.id))
    user.email = None
    user.full_name = DELETED_NAME
    user.phone = None
    user.password_hash = None
    user.deleted_at = now
    user.coordinated_programmes = []
    details: dict[str, Any] = {"by_self": actor is not None and actor.id == user.id}
    if reason:
        details["reason"] = reason
    audit.record(session, actor, "account_deleted", "user", user.id, now=now, **details)
    session.flush()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _visit_dict(visit: Visit) -> dict[str, Any]:
    return {
        "id": visit.id,
        "starts_at": visit.starts_at.isoformat(),
        "format": visit.format.value,
        "status": visit.status.value,
        "pupils_reached": visit.pupils_reached,
    }

"""Accounts: sign-up, e-mail verification, login, sessions, password reset, deactivation,
GDPR export and deletion.

Nobody learns from us whether an address has an account: sign-up, login and the
password-reset request answer the same way and do the same work (a password hash, a
rendered mail, an audit row) for an address with an account and one without. Sign-up
of a taken address mails its owner instead of saying "in use".

Every session cookie carries the account's session stamp (`User.get_id`); `end_sessions`
changes it, which ends every session made before. It runs on logout, password reset,
deactivation and "end my other sessions"; a future change of e-mail or password calls
it too (then `login_user(user)` again to keep the device in hand).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mentor.auth import tokens
from mentor.auth.passwords import hash_password, password_problem, verify_password
from mentor.links import external_url
from mentor.mail.outbox import queue_templated, render_mail
from mentor.models import (
    AuditEntry,
    BookingRequest,
    BulkMessage,
    Feedback,
    Notice,
    OutboxMail,
    Proposal,
    School,
    TrainingRequest,
    User,
    Visit,
)
from mentor.models.base import utcnow
from mentor.models.enums import RequestStatus, Role
from mentor.models.users import new_session_stamp
from mentor.privacy import CONSENT_VERSION
from mentor.services import audit, erasure, membership
from mentor.services.errors import DomainError, NotAllowed
from mentor.services.text import clean_name, clean_text

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
        full_name=clean_text(full_name, 120),
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
) -> User | None:
    """Sign up a volunteer or a teacher and queue the verification mail.

    Returns None when the address already has an account: its owner gets a mail about
    the attempt, and the caller answers exactly as for a new account.
    """
    now = now or utcnow()
    if role not in (Role.VOLUNTEER, Role.TEACHER):
        raise DomainError(_("Kun rollemodeller og lærere kan oprette sig selv."))
    if not consent:
        raise DomainError(_("Sæt kryds for at give samtykke."), field="consent")
    full_name = clean_name(full_name)
    problem = password_problem(password, email=email, name=full_name)
    if problem:
        raise DomainError(problem, field="password")
    if role == Role.TEACHER and school is None:
        raise DomainError(_("Vælg din skole, eller tilføj den."), field="school_id")
    owner = session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if owner is not None:
        hash_password(password)  # the work a new account costs, so the timing says nothing
        _tell_owner_of_signup(session, owner, now)
        return None
    try:
        user = create_user(
            session, email=email, role=role, full_name=full_name, password=password, now=now
        )
    except DomainError:
        return None  # the same address signed up a moment ago, in a racing request
    user.locale = locale if locale in ("da", "en") else "da"
    user.consent_version = CONSENT_VERSION
    user.consent_at = now
    audit.record(session, user, "signup", "user", user.id, now=now, role=role.value)
    if role == Role.TEACHER:
        assert school is not None
        membership.join_school(session, user, school, now)
    queue_verification(session, user, now)
    return user


def _tell_owner_of_signup(session: Session, owner: User, now: datetime) -> None:
    """Tell an account's owner that someone tried to sign up with her address."""
    queue_templated(
        session,
        kind="signup_attempt",
        # At most one an hour: the sign-up form must not become a way to mail-bomb someone.
        dedupe_key=f"signup_attempt:{owner.id}:{now:%Y%m%d%H}",
        to=owner,
        template="signup_attempt",
        login_link=external_url("auth.login"),
        reset_link=external_url("auth.forgot_password"),
    )
    audit.record(session, None, "signup_with_taken_address", "user", owner.id, now=now)


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


@cache
def _stand_in_hash() -> str:
    """A hash no password matches, checked when the address has no account."""
    return hash_password(secrets.token_hex(32))


def authenticate(session: Session, email: str, password: str, now: datetime | None = None) -> User:
    """Return the user for these credentials, or raise one message for every failure.

    An unknown address costs the same password check as a known one, so the answer's
    timing does not tell whether the account exists.
    """
    now = now or utcnow()
    user = session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    known = user is not None and user.password_hash is not None
    matches = verify_password(user.password_hash if known else _stand_in_hash(), password)
    if user is None or not known or not matches:
        audit.record(session, None, "login_failed", "user", user.id if user else None, now=now)
        raise DomainError(_("Forkert e-mail eller adgangskode."), field="password")
    if not user.is_active:
        # Said only to the one who knows the password.
        audit.record(session, None, "login_refused", "user", user.id, now=now)
        raise DomainError(
            _("Din konto er lukket. Kontakt koordinatoren, hvis du mener, det er en fejl."),
            field="password",
        )
    user.last_login_at = now
    user.last_active_at = now
    audit.record(session, user, "login", "user", user.id, now=now)
    return user


def end_sessions(
    session: Session,
    user: User,
    *,
    reason: str,
    actor: User | None = None,
    now: datetime | None = None,
) -> None:
    """End every session of this account, on every device (a new session stamp).

    To keep the current device signed in, the caller logs the user in again afterwards.
    """
    user.session_stamp = new_session_stamp()
    audit.record(
        session,
        actor or user,
        "sessions_ended",
        "user",
        user.id,
        now=now or utcnow(),
        reason=reason,
    )


def request_password_reset(session: Session, email: str, now: datetime | None = None) -> None:
    """Queue a reset link if the address has an account; say nothing either way.

    Without an account the same mail is made and left unsent, and the same audit row
    written, so the request takes as long either way.
    """
    now = now or utcnow()
    user = session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active or not user.email:
        stand_in = User(full_name="", locale=str(get_locale() or "da"))
        token = tokens.make_token("reset", {"uid": 0, "pwc": ""})
        render_mail(
            "reset_password",
            stand_in.locale,
            user=stand_in,
            link=external_url("auth.reset_password", token=token),
        )
        audit.record(session, None, "password_reset_requested", "user", None, now=now)
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
    audit.record(session, None, "password_reset_requested", "user", user.id, now=now)


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
    """Set a new password from a reset link; every session made before ends."""
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
    # Whoever held a session (another device, or someone who signed up with this
    # address before its owner) is out now.
    end_sessions(session, user, reason="password_reset", now=now)
    return user


def deactivate(
    session: Session, actor: User, user: User, reason: str = "", now: datetime | None = None
) -> None:
    """Close an account without deleting it: no log-in, no matching, sessions ended.

    A volunteer's pending proposals are withdrawn and passed on to the next volunteer.
    """
    from mentor.services.proposals import withdraw_pending_proposals

    now = now or utcnow()
    if actor.role != Role.ADMIN:
        raise NotAllowed(_("Kun en administrator kan lukke en konto."))
    if actor.id == user.id:
        raise DomainError(_("Du kan ikke lukke din egen konto her."))
    if user.deleted_at is not None or user.deactivated_at is not None:
        raise DomainError(_("Kontoen er allerede lukket."))
    withdrawn = 0
    if user.volunteer_profile is not None:

        def close(_locked: Any) -> None:
            user.deactivated_at = now  # under her row lock: a racing "yes" sees it

        withdrawn = len(withdraw_pending_proposals(session, user.volunteer_profile, now, close))
    else:
        user.deactivated_at = now
    end_sessions(session, user, reason="deactivated", actor=actor, now=now)
    audit.record(
        session,
        actor,
        "account_deactivated",
        "user",
        user.id,
        now=now,
        reason=clean_text(reason, 300),
        withdrawn=withdrawn,
    )


def reactivate(session: Session, actor: User, user: User, now: datetime | None = None) -> None:
    """Open a closed account again; the person logs in with her password as before."""
    now = now or utcnow()
    if actor.role != Role.ADMIN:
        raise NotAllowed(_("Kun en administrator kan genåbne en konto."))
    if user.deleted_at is not None or user.deactivated_at is None:
        raise DomainError(_("Kontoen er ikke lukket."))
    user.deactivated_at = None
    audit.record(session, actor, "account_reactivated", "user", user.id, now=now)


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
    about: list[tuple[str, int]] = [("user", user.id)]
    if profile is not None:
        about.append(("volunteer", profile.id))
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
                {"kind": t.kind.value, "completed_on": t.completed_on.isoformat(), "note": t.note}
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
        data["teacher_profile"] = {
            "school": school.name,
            "postcode": school.postcode,
            "membership": user.teacher_profile.membership.value,
            "approved_at": _iso(user.teacher_profile.approved_at),
        }
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
    data["messages"] = [
        {
            "direction": "to_you" if mail.to_user_id == user.id else "from_you",
            "at": mail.created_at.isoformat(),
            "subject": mail.subject,
            "text": _relayed_text(mail.body_text),
        }
        for mail in session.scalars(
            sa.select(OutboxMail)
            .where(
                OutboxMail.kind == "relayed_message",
                sa.or_(
                    OutboxMail.to_user_id == user.id,
                    OutboxMail.dedupe_key.like(f"message:%:{user.id}:%"),
                ),
            )
            .order_by(OutboxMail.id)
        )
    ]
    data["mails"] = [
        {
            "kind": mail.kind,
            "subject": mail.subject,
            "created_at": mail.created_at.isoformat(),
            "status": mail.status.value,
        }
        for mail in session.scalars(
            sa.select(OutboxMail).where(OutboxMail.to_user_id == user.id).order_by(OutboxMail.id)
        )
    ]
    data["notices"] = [
        {"text": n.text, "created_at": n.created_at.isoformat(), "read_at": _iso(n.read_at)}
        for n in session.scalars(
            sa.select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)
        )
    ]
    # What staff recorded about the person: approvals, rejections with their reasons,
    # deactivation, edits of the profile.
    data["about_you"] = [
        {
            "action": e.action,
            "at": e.created_at.isoformat(),
            "reason": e.details.get("reason"),
            "changes": e.details.get("changes"),
        }
        for e in session.scalars(
            sa.select(AuditEntry)
            .where(
                sa.or_(
                    *(
                        sa.and_(AuditEntry.object_type == kind, AuditEntry.object_id == key)
                        for kind, key in about
                    )
                ),
                sa.or_(AuditEntry.actor_id.is_(None), AuditEntry.actor_id != user.id),
            )
            .order_by(AuditEntry.id)
        )
    ]
    entries = session.scalars(
        sa.select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id)
    )
    data["activity_log"] = [{"action": e.action, "at": e.created_at.isoformat()} for e in entries]
    return data


def _relayed_text(body: str) -> str:
    """The message itself, without the relay's greeting and reply link."""
    quoted = [line[2:] for line in body.splitlines() if line.startswith("> ")]
    return "\n".join(quoted) if quoted else body


def delete_account(
    session: Session,
    user: User,
    actor: User | None,
    now: datetime | None = None,
    *,
    reason: str = "",
) -> None:
    """Remove a person's data, every copy of it; keep anonymised visits so reports stay right.

    `actor` is None when the system deletes (the retention job; `reason` says why).
    """
    from mentor.services.proposals import withdraw_pending_proposals
    from mentor.services.requests import lock_requests

    now = now or utcnow()
    if user.deleted_at is not None:
        raise DomainError(_("Kontoen er allerede slettet."))
    traces = erasure.traces_of(user)
    profile = user.volunteer_profile
    if profile is not None:
        # Her classes go on to the next volunteer, as if she had declined.
        withdraw_pending_proposals(session, profile, now)
        session.execute(
            sa.update(Visit).where(Visit.volunteer_id == profile.id).values(volunteer_id=None)
        )
        session.execute(
            sa.update(Proposal).where(Proposal.volunteer_id == profile.id).values(volunteer_id=None)
        )
        session.execute(
            sa.delete(TrainingRequest).where(TrainingRequest.volunteer_id == profile.id)
        )
        erasure.forget_notes_about(session, "volunteer", profile.id)
        session.delete(profile)
    if user.teacher_profile is not None:
        open_statuses = (RequestStatus.SUBMITTED, RequestStatus.UNMATCHED, RequestStatus.PROPOSED)
        mine = session.scalars(
            sa.select(BookingRequest.id).where(
                BookingRequest.teacher_id == user.id, BookingRequest.status.in_(open_statuses)
            )
        ).all()
        for request in lock_requests(session, mine):
            if request.status in open_statuses:
                request.status = RequestStatus.CANCELLED
                request.updated_at = now
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
    erasure.forget_notes_about(session, "user", user.id)
    erasure.forget_mail_of(session, user)
    user.email = None
    user.full_name = DELETED_NAME
    user.phone = None
    user.password_hash = None
    user.deleted_at = now
    user.session_stamp = new_session_stamp()
    user.coordinated_programmes = []
    session.flush()
    erasure.scrub_everywhere(session, traces)
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

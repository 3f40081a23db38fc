"""A person changes their own password or e-mail address.

A new address counts only once a link sent to it is opened (it must reach the person),
and both changes are told to the address the account had, so a stolen session cannot
quietly take the account over.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mentor.auth import tokens
from mentor.auth.passwords import hash_password, password_problem, verify_password
from mentor.links import external_url
from mentor.mail.outbox import queue_mail, queue_templated, render_mail
from mentor.models import User

# The module, not its names: mentor.auth imports this module while accounts is loading.
from mentor.services import accounts, audit
from mentor.services.errors import DomainError

EMAIL_CHANGE = "email-change"


def change_password(session: Session, user: User, current: str, new: str, now: datetime) -> None:
    if not verify_password(user.password_hash, current):
        raise DomainError(_("Den nuværende adgangskode er forkert."), field="current_password")
    problem = password_problem(new, email=user.email or "", name=user.full_name)
    if problem:
        raise DomainError(problem, field="new_password")
    user.password_hash = hash_password(new)
    # Also spends any password-reset link sent before (it carries the old stamp).
    user.password_changed_at = now
    # Other devices signed in with the old password are signed out (the caller keeps this one).
    accounts.end_sessions(session, user, reason="password_changed", now=now)
    audit.record(session, user, "password_changed", "user", user.id, now=now)
    queue_templated(
        session,
        kind="account_changed",
        dedupe_key=f"account_changed:password:{user.id}:{now:%Y%m%dT%H%M%S%f}",
        to=user,
        template="account_changed",
        change="password",
        link=external_url("auth.forgot_password"),
    )


def request_email_change(
    session: Session, user: User, password: str, new_email: str, now: datetime
) -> str:
    """Send a confirmation link to the new address; the account keeps the old one until then."""
    if not verify_password(user.password_hash, password):
        raise DomainError(_("Adgangskoden er forkert."), field="password")
    new_email = accounts.normalise_email(new_email)
    if new_email == user.email:
        raise DomainError(_("Det er den adresse, du allerede bruger."), field="new_email")
    if accounts.email_taken(session, new_email):
        raise DomainError(_("E-mailadressen er allerede i brug."), field="new_email")
    token = tokens.make_token(EMAIL_CHANGE, {"u": user.id, "o": user.email, "e": new_email})
    subject, text, html = render_mail(
        "email_change",
        user.locale or "da",
        user=user,
        new_email=new_email,
        link=external_url("auth.confirm_email_change", token=token),
    )
    queue_mail(
        session,
        kind="email_change",
        dedupe_key=f"email_change:{user.id}:{now:%Y%m%dT%H%M%S%f}",
        to=new_email,
        subject=subject,
        text=text,
        html=html,
    )
    audit.record(session, user, "email_change_requested", "user", user.id, now=now)
    return new_email


def confirm_email_change(session: Session, token: str, now: datetime) -> User:
    """Switch to the new address the link was sent to, and tell the old address."""
    payload = tokens.read_token(EMAIL_CHANGE, token, tokens.MAX_AGES[EMAIL_CHANGE], now=now)
    user = session.get(User, payload.get("u"))
    old, new = payload.get("o"), payload.get("e")
    if user is None or not user.is_active or not isinstance(new, str):
        raise tokens.TokenInvalid(_("Linket passer ikke til en konto."))
    if user.email == new:
        return user  # opened twice: already done
    if user.email != old:
        raise tokens.TokenInvalid(_("Adressen er skiftet siden. Bed om et nyt link."))
    if accounts.email_taken(session, new):
        raise DomainError(_("E-mailadressen er allerede i brug."))
    user.email = new
    user.email_verified_at = now
    user.last_active_at = now
    accounts.end_sessions(session, user, reason="email_changed", now=now)
    audit.record(session, user, "email_changed", "user", user.id, now=now)
    subject, text, html = render_mail(
        "account_changed",
        user.locale or "da",
        user=user,
        change="email",
        new_email=new,
        link=external_url("auth.forgot_password"),
    )
    if old:
        queue_mail(
            session,
            kind="account_changed",
            dedupe_key=f"account_changed:email:{user.id}:{now:%Y%m%dT%H%M%S%f}",
            to=old,
            subject=subject,
            text=text,
            html=html,
        )
    session.flush()
    return user

"""Signed one-action links in mails: answer, give feedback, cancel, keep, reply.

Each link is an itsdangerous token signed with its own purpose (see
`mentor.auth.tokens.MAX_AGES`), carrying the ids of the one object and the one person it
is for. It expires, and a link made for one action is refused by every other page. The
pages behind them (mentor/public/actions.py) need no login: the link is the permission,
for that action only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mentor.auth import tokens
from mentor.links import external_url
from mentor.models import BookingRequest, User, Visit
from mentor.models.enums import FeedbackAuthor

FEEDBACK = "visit-feedback"
CANCEL = "request-cancel"
KEEP = "keep-account"
REPLY = "message-reply"


def _read(purpose: str, token: str, now: datetime | None, *keys: str) -> list[Any]:
    payload = tokens.read_token(purpose, token, tokens.MAX_AGES[purpose], now=now)
    try:
        return [payload[key] for key in keys]
    except KeyError as exc:
        raise tokens.TokenInvalid(_("Linket er ugyldigt.")) from exc


def _live_user(session: Session, user_id: Any) -> User:
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active:
        raise tokens.TokenInvalid(_("Linket passer ikke til en konto."))
    return user


def mark_active(user: User, now: datetime) -> None:
    """A sign of life: the retention job counts from the latest one."""
    user.last_active_at = now


# -- feedback after a visit -------------------------------------------------------------


def feedback_link(visit: Visit, user: User, role: str) -> str:
    token = tokens.make_token(FEEDBACK, {"v": visit.id, "u": user.id, "r": role})
    return external_url("public.feedback_by_link", token=token)


def read_feedback_link(
    session: Session, token: str, now: datetime | None = None
) -> tuple[Visit, User, FeedbackAuthor]:
    visit_id, user_id, role = _read(FEEDBACK, token, now, "v", "u", "r")
    user = _live_user(session, user_id)
    visit = session.get(Visit, visit_id) if isinstance(visit_id, int) else None
    if visit is None or role not in ("teacher", "volunteer"):
        raise tokens.TokenInvalid(_("Besøget findes ikke længere."))
    party = (
        visit.volunteer.user_id if role == "volunteer" and visit.volunteer else None,
        visit.request.teacher_id if role == "teacher" else None,
    )
    if user.id not in party:
        raise tokens.TokenInvalid(_("Linket passer ikke til dette besøg."))
    return visit, user, FeedbackAuthor(role)


# -- cancelling a booking ---------------------------------------------------------------


def cancel_link(request: BookingRequest, teacher: User) -> str:
    token = tokens.make_token(CANCEL, {"q": request.id, "u": teacher.id})
    return external_url("public.cancel_by_link", token=token)


def read_cancel_link(
    session: Session, token: str, now: datetime | None = None
) -> tuple[BookingRequest, User]:
    request_id, user_id = _read(CANCEL, token, now, "q", "u")
    user = _live_user(session, user_id)
    request = session.get(BookingRequest, request_id) if isinstance(request_id, int) else None
    if request is None or request.teacher_id != user.id:
        raise tokens.TokenInvalid(_("Linket passer ikke til en booking."))
    return request, user


# -- keeping an account the retention job would delete -----------------------------------


def keep_account_link(user: User) -> str:
    token = tokens.make_token(KEEP, {"u": user.id})
    return external_url("public.keep_account", token=token)


def read_keep_account_link(session: Session, token: str, now: datetime | None = None) -> User:
    (user_id,) = _read(KEEP, token, now, "u")
    return _live_user(session, user_id)


# -- answering a relayed message --------------------------------------------------------


def reply_link(request: BookingRequest, user: User) -> str:
    token = tokens.make_token(REPLY, {"q": request.id, "u": user.id})
    return external_url("public.reply_by_link", token=token)


def read_reply_link(
    session: Session, token: str, now: datetime | None = None
) -> tuple[BookingRequest, User]:
    request_id, user_id = _read(REPLY, token, now, "q", "u")
    user = _live_user(session, user_id)
    request = session.get(BookingRequest, request_id) if isinstance(request_id, int) else None
    if request is None:
        raise tokens.TokenInvalid(_("Linket passer ikke til et besøg."))
    return request, user

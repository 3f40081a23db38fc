"""Signed, expiring links (itsdangerous): e-mail verification, password reset, proposals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from mentor.services.errors import DomainError

VERIFY_MAX_AGE = 3 * 24 * 3600
RESET_MAX_AGE = 3600
DAY = 24 * 3600
#: Every one-action link a mail carries: purpose -> how long it works, in seconds.
#: Each purpose signs with its own salt, so a link works for its one action only.
MAX_AGES: dict[str, int] = {
    "verify": VERIFY_MAX_AGE,
    "reset": RESET_MAX_AGE,
    "proposal-answer": 60 * DAY,
    "still_on": 30 * DAY,
    "visit-feedback": 30 * DAY,
    "request-cancel": 60 * DAY,
    "keep-account": 60 * DAY,
    "email-change": VERIFY_MAX_AGE,
    "message-reply": 60 * DAY,
}


class TokenExpired(DomainError):
    """The link was genuine but is too old."""


class TokenInvalid(DomainError):
    """The link was tampered with, or is for something else."""


def _serializer(purpose: str, signed_at: datetime | None = None) -> URLSafeTimedSerializer:
    # The purpose is the salt: a link signed for one action is refused by every other.
    signer: type[TimestampSigner] = TimestampSigner
    if signed_at is not None:
        stamp = int(signed_at.timestamp())

        class _SignedAt(TimestampSigner):
            def get_timestamp(self) -> int:
                return stamp

        signer = _SignedAt
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"rollemodel.{purpose}", signer=signer
    )


def make_token(purpose: str, payload: dict[str, Any], signed_at: datetime | None = None) -> str:
    """A signed link token for one purpose; `signed_at` (default: now) starts its clock."""
    return _serializer(purpose, signed_at).dumps(payload)


def read_token(
    purpose: str, token: str, max_age: int, now: datetime | None = None
) -> dict[str, Any]:
    """Return the payload of a genuine, fresh token, or raise TokenExpired / TokenInvalid."""
    serializer = _serializer(purpose)
    try:
        payload, signed_at = serializer.loads(token, max_age=None, return_timestamp=True)
    except BadSignature as exc:
        raise TokenInvalid(_("Linket er ugyldigt. Kopiér hele linket fra mailen.")) from exc
    age = ((now or datetime.now(signed_at.tzinfo)) - signed_at).total_seconds()
    if age > max_age:
        raise TokenExpired(_("Linket er udløbet. Bed om et nyt."))
    if not isinstance(payload, dict):
        raise TokenInvalid(_("Linket er ugyldigt."))
    return payload


__all__ = ["SignatureExpired", "TokenExpired", "TokenInvalid", "make_token", "read_token"]

"""Devices a person has logged in from before: guessing her password must not lock her out.

A successful login leaves a signed cookie naming (by keyed hash, never the address
itself) the accounts that logged in on this browser. The per-account limit on failed
logins does not apply to such a browser: whoever guesses at her account is slowed down,
while she, on her own laptop, still gets in (OWASP's "device cookies").
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

COOKIE = "rm_enhed"
MAX_ACCOUNTS = 5
ONE_YEAR = 365 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="rollemodel.device")


def _digest(email: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:24]


def _known() -> list[str]:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    try:
        value = _serializer().loads(raw)
    except BadSignature:
        return []
    return [str(v) for v in value][:MAX_ACCOUNTS] if isinstance(value, list) else []


def trusted_for(email: str) -> bool:
    """Whether this browser has logged in to the account with this address before."""
    return bool(email) and _digest(email) in _known()


def remember(response: Response, email: str) -> None:
    """Mark this browser as one the account logged in from."""
    digest = _digest(email)
    known = [digest, *(d for d in _known() if d != digest)][:MAX_ACCOUNTS]
    response.set_cookie(
        COOKIE,
        _serializer().dumps(known),
        max_age=ONE_YEAR,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )

"""Guards every request passes, whatever the route: the client's address behind a proxy,
no uploads, no NUL bytes, and the rate limiter's storage checked at start-up."""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix


def register(app: Flask) -> None:
    trusted = int(app.config.get("TRUSTED_PROXIES") or 0)
    if trusted:
        # Only as many hops as the operator says sit in front of us; a client's own
        # X-Forwarded-For beyond them is not believed (see README, production notes).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=trusted, x_proto=trusted, x_host=trusted
        )
    storage = str(app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
    if app.config.get("ENV_NAME") == "production" and storage.startswith("memory"):
        app.logger.warning(
            "RATE LIMITS ARE PER PROCESS: RATELIMIT_STORAGE_URI is memory://. With more "
            "than one worker each counts on its own; set REDIS_URL."
        )

    @app.before_request
    def refuse_what_no_form_takes() -> None:
        # No form takes a file: one in a text field would reach code expecting text.
        if request.files:
            abort(400)
        # PostgreSQL cannot store a NUL byte, and no person types one; refuse it before
        # it reaches a query (or a streamed export, which would end half-written).
        for values in (request.args, request.form):
            for key, value in values.items(multi=True):
                if "\x00" in key or "\x00" in value:
                    abort(400)

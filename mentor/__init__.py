"""Rollemodel Match: matching role models to school classes."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, request, session
from flask_login import current_user

from mentor.config import load_config
from mentor.extensions import babel, csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the app."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder="static",
    )
    app.config.from_mapping(load_config(Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)

    register_extensions(app)
    register_security(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_commands(app)

    from mentor.privacy import warn_if_incomplete

    warn_if_incomplete(app)
    return app


def select_locale() -> str:
    """Use the language the person chose, else Danish."""
    if not has_request_context():
        return "da"
    chosen = session.get("lang")
    if chosen in ("da", "en"):
        return str(chosen)
    if current_user and current_user.is_authenticated:
        return str(current_user.locale)
    return "da"


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).parent / "translations")
    )
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    # Flask-Login flashes its own English sentence; it passes the message through
    # localize_callback at request time, where the reader's language is known.
    login_manager.login_message = "login-required"
    login_manager.localize_callback = _login_message

    from mentor.models import User

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # "id:stamp" (User.get_id): a cookie made before the stamp changed (logout,
        # password reset, deactivation, "end my other sessions") no longer signs anyone in.
        user_id, _sep, stamp = session_id.partition(":")
        user = db.session.get(User, int(user_id)) if user_id.isdigit() and stamp else None
        if user is None or not user.is_active:
            return None
        return user if secrets.compare_digest(stamp, user.session_stamp) else None


def register_security(app: Flask) -> None:
    from mentor.security import register

    register(app)


def _login_message(_message: str) -> str:
    from flask_babel import gettext

    return gettext("Log ind for at se siden.")


def register_blueprints(app: Flask) -> None:
    from mentor.admin import bp as admin_bp
    from mentor.auth import bp as auth_bp
    from mentor.coordinator import bp as coordinator_bp
    from mentor.public.routes import bp as public_bp
    from mentor.teachers import bp as teachers_bp
    from mentor.volunteers import bp as volunteers_bp

    for blueprint in (public_bp, auth_bp, volunteers_bp, teachers_bp, coordinator_bp, admin_bp):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from mentor.errors import register

    register(app)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):  # type: ignore[no-untyped-def]
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def register_template_helpers(app: Flask) -> None:
    from mentor import formatting

    formatting.register(app)


def register_commands(app: Flask) -> None:
    from mentor.cli import register

    register(app)

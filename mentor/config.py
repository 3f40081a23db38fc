"""Configuration: safe defaults, overridden by environment variables."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """The configuration cannot be used (e.g. production without SECRET_KEY)."""


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    value = env.get(key)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{key} must be a whole number, got {value!r}.") from None


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _instance_secret_key(instance_path: Path) -> str:
    """Return the dev secret key kept under instance/, creating it once.

    One key file shared by every worker, so sessions and signed links survive
    restarts and work across processes (a random key per process would not).
    """
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


#: Tuning knobs read (with defaults) by the mail sender, scheduler, reminders and reports;
#: set in the environment only when the default does not fit.
TUNING_KEYS = (
    "MAIL_MAX_ATTEMPTS",
    "MAIL_RETRY_SECONDS",
    "MAIL_RETRY_FACTOR",
    "MAIL_RETRY_MAX_SECONDS",
    "MAIL_CLAIM_SECONDS",
    "MAIL_BATCH_SIZE",
    "MAIL_WORKERS",
    "SMTP_TIMEOUT",
    "SCHEDULER_LEASE_SECONDS",
    "SCHEDULER_DELIVER_OUTBOX_SECONDS",
    "SCHEDULER_QUEUE_REMINDERS_SECONDS",
    "REMINDER_SEND_HOUR",
    "REMINDER_PROPOSAL_NUDGE_DAYS",
    "REMINDER_VISIT_DAYS",
    "REMINDER_FEEDBACK_DAYS",
    "REMINDER_ESSENTIAL_WITHIN_DAYS",
    "REMINDER_DIGEST_WEEKDAY",
    "REMINDER_LOOKBACK_DAYS",
    "IMPACT_GRADE_GOOD",
    "IMPACT_GRADE_ACCEPTABLE",
    "MAIL_BODY_RETENTION_DAYS",
    "SCHEDULER_PURGE_MAIL_BODIES_SECONDS",
    "RESET_REQUEST_SECONDS",
    "SIGNUP_SECONDS",
)


def load_config(instance_path: Path, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config from the environment."""
    env = os.environ if environ is None else environ
    production = env.get("MENTOR_ENV", "development") == "production"
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'mentor.sqlite3'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")

    secret_key = env.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigError("SECRET_KEY must be set when MENTOR_ENV=production.")
        secret_key = _instance_secret_key(instance_path)

    base_url = env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    tuning = {key: env[key] for key in TUNING_KEYS if env.get(key)}
    # Rate limits only hold if every worker counts in the same place. In production that
    # is Redis (REDIS_URL), or another storage named on purpose in RATELIMIT_STORAGE_URI
    # ("memory://" for a single-process deployment, said out loud in the log).
    limit_storage = env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL") or None
    if production and limit_storage is None:
        raise ConfigError(
            "REDIS_URL must be set when MENTOR_ENV=production: the login and form limits "
            "must be shared by all workers (or set RATELIMIT_STORAGE_URI on purpose)."
        )
    return tuning | {
        "ENV_NAME": "production" if production else "development",
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": base_url,
        "PREFERRED_URL_SCHEME": "https" if base_url.startswith("https") else "http",
        "TIMEZONE": env.get("TIMEZONE", "Europe/Copenhagen"),
        "BABEL_DEFAULT_LOCALE": "da",
        "BABEL_DEFAULT_TIMEZONE": env.get("TIMEZONE", "Europe/Copenhagen"),
        "LANGUAGES": ("da", "en"),
        "SMTP_HOST": env.get("SMTP_HOST", "127.0.0.1"),
        "SMTP_PORT": int(env.get("SMTP_PORT", "8025")),
        "SMTP_USERNAME": env.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": _bool(env.get("SMTP_STARTTLS")),
        "MAIL_FROM": env.get("MAIL_FROM", "Rollemodel Match <noreply@rollemodel.local>"),
        "REDIS_URL": env.get("REDIS_URL") or None,
        "RATELIMIT_STORAGE_URI": limit_storage or "memory://",
        #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host to trust
        #: (Werkzeug's ProxyFix); 0 means the socket's address is the client's.
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0),
        #: Largest request body accepted (bytes); larger ones get a 413 page.
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 1024 * 1024),
        "MAX_FORM_MEMORY_SIZE": _int(env, "MAX_CONTENT_LENGTH", 1024 * 1024),
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), default=True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": base_url.startswith("https"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": base_url.startswith("https"),
        #: A form's CSRF token lasts a working day; an older one gets the "form expired" page.
        "WTF_CSRF_TIME_LIMIT": _int(env, "CSRF_TIME_LIMIT", 12 * 3600),
        "DEMO_SEED": int(env.get("DEMO_SEED", "2026")),
        # The data controller named in the privacy notice (GDPR art. 13-14).
        "CONTROLLER_NAME": env.get("CONTROLLER_NAME", ""),
        "CONTROLLER_ADDRESS": env.get("CONTROLLER_ADDRESS", ""),
        "CONTROLLER_EMAIL": env.get("CONTROLLER_EMAIL", ""),
        "CONTROLLER_PHONE": env.get("CONTROLLER_PHONE", ""),
        "DPO_NAME": env.get("DPO_NAME", ""),
        "DPO_EMAIL": env.get("DPO_EMAIL", ""),
        # Accounts nobody has used for this long are deleted, after a warning.
        "RETENTION_INACTIVE_DAYS": int(env.get("RETENTION_INACTIVE_DAYS", "1095")),
        "RETENTION_WARNING_DAYS": int(env.get("RETENTION_WARNING_DAYS", "30")),
        # Replies to relayed messages: svar+<key>@REPLY_DOMAIN, piped to `flask mail receive`.
        "MAIL_REPLY_DOMAIN": env.get("MAIL_REPLY_DOMAIN", ""),
    }

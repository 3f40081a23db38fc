"""What the scheduler runs, and how often: a plain list the rest of the app can extend.

A job is ``run(session, config, now)``; it calls services and returns a short summary
for the log. The process commits after a job returns and rolls back if it raises.
To add one, append a ``Job(name, seconds, run)`` to ``JOBS`` below.

Interval jobs read their timing from the config when the process starts
(``SCHEDULER_<NAME>_SECONDS``), so tests and operators can speed them up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

JobFunction = Callable[..., object]


@dataclass(frozen=True)
class Job:
    name: str
    #: Default interval; SCHEDULER_<NAME>_SECONDS in the config overrides it.
    seconds: float
    run: JobFunction
    #: Long-running jobs get a `should_stop` keyword (shutting down, or lease lost) and a
    #: `claimant` (the lease holder, whose claims a successor frees if it dies).
    stoppable: bool = False

    def interval(self, config: Mapping[str, Any]) -> float:
        return float(config.get(f"SCHEDULER_{self.name.upper()}_SECONDS", self.seconds))


def deliver_outbox(
    session: Session,
    config: Mapping[str, Any],
    now: datetime,
    *,
    should_stop: Callable[[], bool] | None = None,
    claimant: str | None = None,
) -> str:
    """Send the mail that is due."""
    from mentor.mail.sender import RetryPolicy, SmtpSettings, send_due

    report = send_due(
        session,
        SmtpSettings.from_config(config),
        now,
        policy=RetryPolicy.from_config(config),
        batch_size=int(config.get("MAIL_BATCH_SIZE", 200)),
        should_stop=should_stop,
        # Sending is bound by round trips to the SMTP server, not by CPU: a few
        # connections at once multiply the rate.
        workers=int(config.get("MAIL_WORKERS", 4)),
        claimant=claimant,
    )
    if not (report.sent or report.retried or report.failed):
        return ""
    summary = f"sent {report.sent}, retry later {report.retried}, failed {report.failed}"
    return summary + (f" (last error: {report.last_error})" if report.last_error else "")


def queue_reminders(session: Session, config: Mapping[str, Any], now: datetime) -> str:
    """Queue the reminders whose moment has come."""
    from mentor.services.reminders import ReminderSettings, queue_due_reminders

    report = queue_due_reminders(session, now, ReminderSettings.from_config(config))
    if not report.total:
        return ""
    return "queued " + ", ".join(f"{n} {kind}" for kind, n in sorted(report.queued.items()))


def expire_proposals(session: Session, config: Mapping[str, Any], now: datetime) -> str:
    """Expire unanswered proposals past their deadline (and cascade, per programme)."""
    from mentor.services.proposals import expire_overdue_proposals

    expired = expire_overdue_proposals(session, now)
    return f"expired {expired}" if expired else ""


def apply_retention(session: Session, config: Mapping[str, Any], now: datetime) -> str:
    """Warn accounts about to expire, delete the expired ones (figures stay the same)."""
    from mentor.services.retention import RetentionPolicy, run_retention

    report = run_retention(session, now, RetentionPolicy.from_config(config))
    return report.summary() if (report.warned or report.deleted) else ""


def purge_mail_bodies(session: Session, config: Mapping[str, Any], now: datetime) -> str:
    """Empty the bodies of mail sent more than MAIL_BODY_RETENTION_DAYS ago."""
    from mentor.services.erasure import MAIL_BODY_RETENTION_DAYS, purge_old_mail

    days = int(config.get("MAIL_BODY_RETENTION_DAYS", MAIL_BODY_RETENTION_DAYS))
    purged = purge_old_mail(session, now, days)
    return f"emptied {purged} old mail bodies" if purged else ""


JOBS: list[Job] = [
    Job("deliver_outbox", 5, deliver_outbox, stoppable=True),
    Job("queue_reminders", 60, queue_reminders),
    Job("expire_proposals", 60, expire_proposals),
    # Hourly is plenty: warnings and deletions are counted in days, and idempotent.
    Job("retention", 3600, apply_retention),
    Job("purge_mail_bodies", 3600, purge_mail_bodies),
]

"""`flask scheduler run|status` and `flask reminders run`."""

from __future__ import annotations

import logging
import signal
import sys
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup

from mentor.extensions import db

scheduler_cli = AppGroup("scheduler", help="The scheduler process: outbox and reminders.")
reminders_cli = AppGroup("reminders", help="Reminders, by hand.")


@scheduler_cli.command("run")
@click.option("--lease-seconds", type=click.FloatRange(min=1), help="Lease length (30).")
@click.option("--holder", help="Name in the lease row (default: host:pid:nonce).")
@click.option("--outbox-every", type=click.FloatRange(min=0.1), help="Send interval, s (5).")
@click.option(
    "--reminders-every", type=click.FloatRange(min=0.1), help="Reminder scan interval, s (60)."
)
@click.option("--claim-seconds", type=click.FloatRange(min=1), help="Outbox claim length, s (300).")
def run_command(
    lease_seconds: float | None,
    holder: str | None,
    outbox_every: float | None,
    reminders_every: float | None,
    claim_seconds: float | None,
) -> None:
    """Run the scheduler until stopped; a second one waits until the first is gone."""
    from mentor.scheduling.process import SchedulerProcess

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if outbox_every is not None:
        app.config["SCHEDULER_DELIVER_OUTBOX_SECONDS"] = outbox_every
    if reminders_every is not None:
        app.config["SCHEDULER_QUEUE_REMINDERS_SECONDS"] = reminders_every
    if claim_seconds is not None:
        app.config["MAIL_CLAIM_SECONDS"] = claim_seconds
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
    )
    # run_job logs every failure itself; APScheduler would add a warning for each tick
    # skipped while a long send is still running, which is expected, not news.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)

    process = SchedulerProcess(app, holder=holder, lease_seconds=lease_seconds)

    def stop(signum: int, _frame: FrameType | None) -> None:
        process.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    process.run()


@scheduler_cli.command("status")
def status_command() -> None:
    """Say which scheduler holds the lease, and until when."""
    from mentor.models.base import utcnow
    from mentor.scheduling import lease
    from mentor.scheduling.process import LEASE_NAME

    current = lease.current(db.session, LEASE_NAME)
    if current is None:
        click.echo("No scheduler has run yet.")
        return
    holder, until = current
    state = "active" if until > utcnow() else "expired"
    click.echo(f"{state}: {holder} until {until.isoformat()}")


@reminders_cli.command("run")
@click.option("--now", "now_text", help="Queue what is due at this ISO time (default: now).")
def reminders_run_command(now_text: str | None) -> None:
    """Queue the reminders that are due once (the scheduler does this every minute)."""
    from mentor.mail.cli import parse_now
    from mentor.services.reminders import ReminderSettings, queue_due_reminders

    report = queue_due_reminders(
        db.session, parse_now(now_text), ReminderSettings.from_config(current_app.config)
    )
    db.session.commit()
    queued = ", ".join(f"{kind} {n}" for kind, n in sorted(report.queued.items())) or "none"
    click.echo(f"Queued: {queued}. Skipped (opted out): {report.skipped_opt_out}.")


retention_cli = AppGroup("retention", help="Delete accounts nobody uses, after a warning.")


@retention_cli.command("run")
@click.option("--now", "now_text", help="Act as at this ISO time (default: now).")
@click.option("--dry-run", is_flag=True, help="Say what would happen; change nothing.")
def retention_run_command(now_text: str | None, dry_run: bool) -> None:
    """Warn accounts about to expire and delete expired ones (the scheduler does it hourly)."""
    from mentor.mail.cli import parse_now
    from mentor.services.retention import RetentionPolicy, run_retention

    policy = RetentionPolicy.from_config(current_app.config)
    report = run_retention(db.session, parse_now(now_text), policy, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    prefix = "Would have: " if dry_run else ""
    click.echo(
        f"{prefix}warned {len(report.warned)}, deleted {len(report.deleted)}; "
        f"{len(report.busy)} inactive with a visit or booking ahead left alone "
        f"(inactive after {policy.inactive_days} days, warning {policy.warning_days} days)."
    )


commands: list[click.Command] = [scheduler_cli, reminders_cli, retention_cli]

"""`flask mail ...`: deliver the outbox by hand, look at it, and retry failed mail."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from mentor.extensions import db
from mentor.models import OutboxMail
from mentor.models.base import utcnow
from mentor.models.enums import MailStatus
from mentor.models.mail import UNSENT

mail_cli = AppGroup("mail", help="The outbox: send, inspect, retry.")


def parse_now(value: str | None) -> datetime:
    """An ISO time for --now; without a zone it is read as local time (TIMEZONE)."""
    from mentor.cli import CliError

    if not value:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CliError(f"--now: not an ISO time: {value!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))
    return moment.astimezone(UTC)


@mail_cli.command("send-due")
@click.option("--now", "now_text", help="Send what is due at this ISO time (default: now).")
@click.option("--limit", type=click.IntRange(1), default=None, help="Send at most this many.")
def send_due_command(now_text: str | None, limit: int | None) -> None:
    """Send the mail that is due once, beside or instead of the scheduler."""
    import os
    import socket

    from mentor.mail.sender import RetryPolicy, SmtpSettings, send_due

    report = send_due(
        db.session,
        SmtpSettings.from_config(current_app.config),
        parse_now(now_text),
        policy=RetryPolicy.from_config(current_app.config),
        limit=limit,
        claimant=f"cli:{socket.gethostname()}:{os.getpid()}"[:100],
    )
    click.echo(f"Sent {report.sent}, retry later {report.retried}, failed {report.failed}.")
    if report.last_error:
        click.echo(f"Last error: {report.last_error}")


@mail_cli.command("status")
def status_command() -> None:
    """Count the outbox by status, and list the latest failures."""
    now = utcnow()
    counts = dict(
        db.session.execute(
            sa.select(OutboxMail.status, sa.func.count()).group_by(OutboxMail.status)
        ).all()
    )
    due = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMail)
        .where(sa.text(UNSENT), OutboxMail.next_attempt_at <= now)
    )
    click.echo(
        " ".join(f"{status.value}={counts.get(status, 0)}" for status in MailStatus)
        + f" due-now={due}"
    )
    failed = db.session.scalars(
        sa.select(OutboxMail)
        .where(OutboxMail.status == MailStatus.FAILED)
        .order_by(OutboxMail.id.desc())
        .limit(10)
    )
    for mail in failed:
        click.echo(f"failed #{mail.id} {mail.kind} to {mail.to_address}: {mail.last_error}")


@mail_cli.command("retry-failed")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "all_", is_flag=True, help="Retry every failed mail.")
def retry_failed_command(ids: tuple[int, ...], all_: bool) -> None:
    """Queue failed mail again, with its tries reset (after fixing the cause)."""
    from mentor.cli import CliError

    if not ids and not all_:
        raise CliError("Name the mail ids to retry, or pass --all.")
    stmt = (
        sa.update(OutboxMail.__table__)
        .where(OutboxMail.__table__.c.status == MailStatus.FAILED.value)
        .values(status=MailStatus.QUEUED.value, attempts=0, next_attempt_at=utcnow())
    )
    if ids:
        stmt = stmt.where(OutboxMail.__table__.c.id.in_(ids))
    count = db.session.execute(stmt).rowcount
    db.session.commit()
    click.echo(f"Queued {count} failed mail again.")


@mail_cli.command("receive")
@click.argument("message_file", type=click.File("rb"), default="-")
def receive_command(message_file: click.utils.LazyFile) -> None:
    """Relay a reply mailed to svar+<key>@MAIL_REPLY_DOMAIN (the raw mail on stdin).

    Point the mail server's delivery for that address at this command, e.g. a Postfix
    alias `svar: "|/srv/rollemodel/.venv/bin/flask --app wsgi mail receive"` with
    recipient_delimiter = +.
    """
    import email
    import email.policy
    from email.utils import getaddresses

    from mentor.cli import CliError
    from mentor.services import messages
    from mentor.services.errors import DomainError

    message = email.message_from_bytes(message_file.read(), policy=email.policy.default)
    addresses = [a for _, a in getaddresses(message.get_all("To", []) + message.get_all("Cc", []))]
    relay = next((a for a in addresses if a.lower().startswith("svar+")), None)
    if relay is None:
        raise CliError("the mail is not addressed to a reply address (svar+…@…)")
    try:
        request, user = messages.read_reply_address(db.session, relay)
        sender = (getaddresses(message.get_all("From", [])) or [("", "")])[0][1].lower()
        # The key may be forwarded; only the person it was made for can answer with it.
        if sender != (user.email or ""):
            raise DomainError("the reply comes from another address than the key's owner")
        part = message.get_body(preferencelist=("plain",))
        text = messages.reply_text(part.get_content() if part is not None else "")
        messages.relay_message(db.session, user, request, text)
    except DomainError as error:
        db.session.rollback()
        raise CliError(f"reply not relayed: {error.message}") from error
    db.session.commit()
    click.echo(f"Relayed a reply in the conversation of booking {request.id}.")


commands: list[click.Command] = [mail_cli]

"""Deliver the outbox over SMTP: claim due rows, send them, mark each one sent.

API
---
``send_due(session, smtp, now, *, policy=None, batch_size=200, limit=None,
should_stop=None, workers=1) -> SendReport``
    Send every outbox row that is due at ``now`` (``status`` queued, or a ``sending``
    claim whose holder died) and return how many were sent, retried and failed.
    The function owns its transactions: it commits ``session`` (including anything
    the caller left pending) and commits once more after every mail it sends.
    ``smtp`` is ``SmtpSettings.from_config(app.config)``; ``policy`` is
    ``RetryPolicy.from_config(app.config)`` (tries, back-off, claim time).

``deliver_outbox(app, now=None) -> int``
    The one-liner for tests and one-shot commands: send what is due with the app's
    SMTP settings, in the current app context if it is ``app``'s (committing its
    ``db.session``) or in a fresh one; returns the number of mails sent. A test that
    queued mail and wants it delivered calls ``deliver_outbox(app)`` and then reads
    ``smtp_server.messages``.

How a row moves
---------------
``queued`` --claim--> ``sending`` --250 OK--> ``sent``
                                 --4xx / connection--> ``queued`` (later, with back-off)
                                 --5xx for the mail, or the last try--> ``failed``

A claim is one statement: ``UPDATE ... WHERE id IN (SELECT ... ORDER BY next_attempt_at
LIMIT n [FOR UPDATE SKIP LOCKED on PostgreSQL]) RETURNING id``. It sets ``status =
'sending'``, counts the attempt, and moves ``next_attempt_at`` to the end of the claim
(``now + claim_seconds``). Two senders therefore never take the same row (PostgreSQL
skips locked rows, SQLite serialises writers), and a row whose sender died becomes due
again on its own when the claim runs out: the same index scan finds it.

Crash safety: at-least-once, with a stable Message-ID
-----------------------------------------------------
Each mail is marked sent in its own commit right after the server's ``250``. A crash
(or SIGKILL) leaves the rest of the claimed batch in ``sending``; after the claim time
they are sent by the next sender, so no mail is lost. The one window that cannot be
closed is between the server's ``250`` and our commit: SMTP has no way to ask "did you
get this?", so a crash exactly there sends that one mail again. We chose that over
the opposite (marking before sending, which would silently lose the mail) because a
forgotten visit costs more than a duplicate reminder. The re-sent copy carries the
same ``Message-ID`` (stored on the row when it was queued), so mail servers and
clients that de-duplicate by Message-ID show it once. At most one mail per SMTP
connection of the crashed sender is affected (``workers`` connections);
tests/scheduling/test_scheduler_process.py kills a real scheduler on both sides of
that window.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from mentor.models import OutboxMail
from mentor.models.base import utcnow
from mentor.models.enums import MailStatus
from mentor.models.mail import UNSENT

outbox = OutboxMail.__table__
#: SMTP wants CRLF line ends; smtplib sends bytes as they are.
_WIRE = compat32.clone(linesep="\r\n")


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 8025
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    mail_from: str = "Rollemodel Match <noreply@rollemodel.local>"
    timeout: float = 30.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        return cls(
            host=config.get("SMTP_HOST", cls.host),
            port=int(config.get("SMTP_PORT", cls.port)),
            username=config.get("SMTP_USERNAME"),
            password=config.get("SMTP_PASSWORD"),
            starttls=bool(config.get("SMTP_STARTTLS", False)),
            mail_from=config.get("MAIL_FROM", cls.mail_from),
            timeout=float(config.get("SMTP_TIMEOUT", cls.timeout)),
        )


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how far apart a mail is tried, and how long a claim lasts."""

    max_attempts: int = 8
    #: First retry after a minute, then 3, 9, 27 ... minutes, at most six hours apart:
    #: eight tries cover an SMTP outage of about half a day before a mail is failed.
    first_delay_seconds: float = 60.0
    factor: float = 3.0
    max_delay_seconds: float = 6 * 3600.0
    #: Longer than any SMTP exchange can take (timeouts are 30 s), so a live sender
    #: never loses its claim; a dead sender's rows come back after this long.
    claim_seconds: float = 300.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RetryPolicy:
        return cls(
            max_attempts=int(config.get("MAIL_MAX_ATTEMPTS", cls.max_attempts)),
            first_delay_seconds=float(config.get("MAIL_RETRY_SECONDS", cls.first_delay_seconds)),
            factor=float(config.get("MAIL_RETRY_FACTOR", cls.factor)),
            max_delay_seconds=float(config.get("MAIL_RETRY_MAX_SECONDS", cls.max_delay_seconds)),
            claim_seconds=float(config.get("MAIL_CLAIM_SECONDS", cls.claim_seconds)),
        )

    def delay(self, attempts: int) -> timedelta:
        """Wait before the next try, after `attempts` tries so far."""
        seconds = self.first_delay_seconds * self.factor ** max(attempts - 1, 0)
        return timedelta(seconds=min(seconds, self.max_delay_seconds))


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    #: The last SMTP problem seen, for the operator's one-line summary.
    last_error: str | None = None
    sent_ids: list[int] = field(default_factory=list)


class _PermanentFailure(Exception):
    """The server refused this mail for good (5xx): trying again cannot help."""


class _ConnectionLost(Exception):
    """The server is unreachable or hung up: stop this round, keep the rest queued."""


def _header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, "utf-8")


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name else address


def build_message(row: Mapping[str, Any], mail_from: str, now: datetime) -> bytes:
    """Turn one outbox row into the bytes that go on the wire.

    Built with the classic MIME classes, which are several times faster than
    EmailMessage with the modern policy; the result is the same standard message.
    """
    message: Message = MIMEText(row["body_text"], "plain", "utf-8")
    if row["body_html"]:
        alternative = MIMEMultipart("alternative")
        alternative.attach(message)
        alternative.attach(MIMEText(row["body_html"], "html", "utf-8"))
        message = alternative
    attachments = row["attachments"] or ()
    if attachments:
        mixed = MIMEMultipart("mixed")
        mixed.attach(message)
        for attachment in attachments:
            content_type, *raw_params = attachment.get("content_type", "text/plain").split(";")
            maintype, _, subtype = content_type.strip().partition("/")
            if maintype != "text":
                raise ValueError(f"only text attachments are stored in the outbox, not {maintype}")
            part = MIMEText(attachment["content"], subtype or "plain", "utf-8")
            for param in raw_params:
                key, _, value = param.strip().partition("=")
                if key and value:
                    part.set_param(key, value)
            part.add_header(
                "Content-Disposition", "attachment", filename=attachment.get("filename", "")
            )
            mixed.attach(part)
        message = mixed
    message["Subject"] = _header(row["subject"])
    message["From"] = _address(mail_from)
    message["To"] = row["to_address"]
    message["Date"] = format_datetime(now)
    message["Message-ID"] = row["message_id"]
    if row.get("reply_to"):
        message["Reply-To"] = row["reply_to"]
    # Keeps out-of-office replies and auto-responders from answering reminders.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Rollemodel-Kind"] = row["kind"]
    return message.as_bytes(policy=_WIRE)


class _Connection:
    """One SMTP connection, opened on first use and reused for the whole round."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.envelope_from = parseaddr(settings.mail_from)[1] or settings.mail_from
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: bytes, to_address: str) -> None:
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except (smtplib.SMTPException, OSError) as exc:
                # Refused, no greeting, TLS or login failed: nothing gets through this
                # round, so only the mail that found out spends a try.
                raise _ConnectionLost(str(exc) or type(exc).__name__) from exc
        try:
            self._smtp.sendmail(self.envelope_from, [to_address], message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (451, b"refused"))
            raise (_PermanentFailure if code >= 500 else smtplib.SMTPResponseException)(
                code, text
            ) from exc
        except smtplib.SMTPDataError as exc:
            if exc.smtp_code >= 500:
                raise _PermanentFailure(exc.smtp_code, exc.smtp_error) from exc
            raise
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError) as exc:
            self.close()
            raise _ConnectionLost(str(exc) or type(exc).__name__) from exc

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


def _due_ids(session: Session, now: datetime, batch_size: int) -> sa.ScalarSelect[int]:
    # The literal UNSENT predicate is the partial index's own, so the planner can use
    # ix_outbox_mails_unsent_due whatever else is in the table.
    due = (
        sa.select(outbox.c.id)
        .where(sa.text(UNSENT), outbox.c.next_attempt_at <= now)
        .order_by(outbox.c.next_attempt_at)
        .limit(batch_size)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    return due.scalar_subquery()


def claim_due(
    session: Session,
    now: datetime,
    policy: RetryPolicy,
    batch_size: int,
    claimant: str | None = None,
) -> list[int]:
    """Claim up to `batch_size` due rows for this sender and commit the claim.

    `claimant` names the sender (the scheduler's lease holder): if it dies, the scheduler
    that takes over gives its claims back at once (`release_claims`).
    """
    claim_until = now + timedelta(seconds=policy.claim_seconds)
    ids = session.scalars(
        sa.update(outbox)
        .where(outbox.c.id.in_(_due_ids(session, now, batch_size)))
        .values(
            status=MailStatus.SENDING.value,
            attempts=outbox.c.attempts + 1,
            next_attempt_at=claim_until,
            claimed_by=claimant,
        )
        .returning(outbox.c.id)
    ).all()
    session.commit()
    return sorted(ids)


def release_claims(session: Session, claimant: str, now: datetime) -> int:
    """Make a dead sender's claimed rows due now, instead of when its claims run out.

    Only for a claimant known to be dead (its lease ran out): a row it had already handed
    to the SMTP server goes out once more, with the same Message-ID (at-least-once).
    """
    released = session.execute(
        sa.update(outbox)
        .where(outbox.c.status == MailStatus.SENDING.value, outbox.c.claimed_by == claimant)
        .values(status=MailStatus.QUEUED.value, next_attempt_at=now, claimed_by=None)
    ).rowcount
    session.commit()
    return int(released or 0)


class _Marks:
    """Record each mail's outcome the moment it is known: one autocommitted UPDATE.

    A connection of its own in autocommit mode makes a mark one round trip instead
    of four (BEGIN, UPDATE, COMMIT and the claim session's bookkeeping).
    """

    def __init__(self, session: Session) -> None:
        engine = session.get_bind()
        self.postgres = engine.dialect.name == "postgresql"
        self.connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        if self.postgres:
            # A mark need not wait for the WAL flush: once the server has it, our own
            # crash cannot undo it, and if the database server itself crashes within
            # the next fraction of a second the lost marks only mean those mails are
            # sent again. Waiting for the disk on every mail would cap the sender at
            # the disk's flushes per second.
            self.connection.exec_driver_sql("SET synchronous_commit TO off")

    def __call__(self, mail_id: int, **values: Any) -> None:
        # Guarded by status: a row reclaimed by another sender after our claim ran
        # out belongs to that sender now.
        self.connection.execute(
            sa.update(outbox)
            .where(outbox.c.id == mail_id, outbox.c.status == MailStatus.SENDING.value)
            .values(**values)
        )

    def close(self) -> None:
        try:
            if self.postgres:
                self.connection.exec_driver_sql("RESET synchronous_commit")
        finally:
            self.connection.close()


def _give_back(session: Session, ids: Sequence[int], when: datetime) -> None:
    """Return claimed rows that were never tried; the claim's count is undone."""
    if not ids:
        return
    session.execute(
        sa.update(outbox)
        .where(outbox.c.id.in_(ids), outbox.c.status == MailStatus.SENDING.value)
        .values(
            status=MailStatus.QUEUED.value,
            attempts=outbox.c.attempts - 1,
            next_attempt_at=when,
        )
    )
    session.commit()


def send_due(
    session: Session,
    smtp: SmtpSettings,
    now: datetime,
    *,
    policy: RetryPolicy | None = None,
    batch_size: int = 200,
    limit: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    workers: int = 1,
    claimant: str | None = None,
) -> SendReport:
    """Send the outbox rows due at `now`; see the module docstring for the guarantees.

    `should_stop` is asked before every mail (the scheduler passes "shutting down or
    lost the lease"); when it says yes, the untried rest of the batch goes back.
    `workers` > 1 sends over that many SMTP connections at once, each worker with its
    own session and its own claims (ignored with `limit`, which counts for one).
    """
    if workers <= 1 or limit is not None:
        return _send_rounds(session, smtp, now, policy, batch_size, limit, should_stop, claimant)
    session.commit()
    engine = session.get_bind()
    reports: list[SendReport] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with Session(engine) as own:
                reports.append(
                    _send_rounds(own, smtp, now, policy, batch_size, None, should_stop, claimant)
                )
        except BaseException as exc:  # re-raised in the calling thread below
            errors.append(exc)

    threads = [threading.Thread(target=work, name=f"outbox-{i}") for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    total = SendReport()
    for report in reports:
        total.sent += report.sent
        total.retried += report.retried
        total.failed += report.failed
        total.last_error = report.last_error or total.last_error
        total.sent_ids.extend(report.sent_ids)
    return total


def _send_rounds(
    session: Session,
    smtp: SmtpSettings,
    now: datetime,
    policy: RetryPolicy | None,
    batch_size: int,
    limit: int | None,
    should_stop: Callable[[], bool] | None,
    claimant: str | None = None,
) -> SendReport:
    policy = policy or RetryPolicy()
    report = SendReport()
    session.commit()
    connection = _Connection(smtp)
    mark = _Marks(session)
    # Real time, not `now`: a round must end well inside its claim, or another sender
    # could take the rows we are still sending.
    deadline = time.monotonic() + policy.claim_seconds / 2
    try:
        handled = 0
        while limit is None or handled < limit:
            size = batch_size if limit is None else min(batch_size, limit - handled)
            ids = claim_due(session, now, policy, size, claimant)
            if not ids:
                break
            handled += len(ids)
            rows = (
                session.execute(sa.select(outbox).where(outbox.c.id.in_(ids)).order_by(outbox.c.id))
                .mappings()
                .all()
            )
            session.commit()
            stop = False
            for index, row in enumerate(rows):
                if time.monotonic() > deadline or (should_stop is not None and should_stop()):
                    # Out of time: the untried rest goes back at once, its tries uncounted.
                    _give_back(session, [r["id"] for r in rows[index:]], now)
                    stop = True
                    break
                try:
                    try:
                        message = build_message(row, smtp.mail_from, now)
                    except (ValueError, TypeError, KeyError) as exc:
                        raise _PermanentFailure(f"cannot build the message: {exc}") from exc
                    connection.send(message, row["to_address"])
                except _PermanentFailure as exc:
                    report.failed += 1
                    report.last_error = _describe(exc)
                    mark(
                        row["id"],
                        status=MailStatus.FAILED.value,
                        last_error=report.last_error,
                    )
                except (_ConnectionLost, smtplib.SMTPException) as exc:
                    report.last_error = _describe(exc)
                    retry_at = _retry(mark, row, now, policy, report)
                    if isinstance(exc, _ConnectionLost):
                        # The server is gone: the rest waits with this mail instead of
                        # each one spending a try against a dead server.
                        _give_back(session, [r["id"] for r in rows[index + 1 :]], retry_at)
                        stop = True
                        break
                else:
                    report.sent += 1
                    report.sent_ids.append(row["id"])
                    mark(
                        row["id"],
                        status=MailStatus.SENT.value,
                        sent_at=now,
                        last_error=None,
                    )
            if stop or len(ids) < size:
                break
    finally:
        connection.close()
        mark.close()
        session.commit()
    return report


def _retry(
    mark: _Marks,
    row: Mapping[str, Any],
    now: datetime,
    policy: RetryPolicy,
    report: SendReport,
) -> datetime:
    attempts = int(row["attempts"])
    if attempts >= policy.max_attempts:
        report.failed += 1
        mark(row["id"], status=MailStatus.FAILED.value, last_error=report.last_error)
        return now + policy.delay(attempts)
    report.retried += 1
    retry_at = now + policy.delay(attempts)
    mark(
        row["id"],
        status=MailStatus.QUEUED.value,
        next_attempt_at=retry_at,
        last_error=report.last_error,
    )
    return retry_at


def _describe(exc: BaseException) -> str:
    """Say what went wrong in one line: the SMTP reply, or the network error."""
    if isinstance(exc, _ConnectionLost) and exc.__cause__ is not None:
        exc = exc.__cause__
    args = exc.args
    smtp_reply = isinstance(exc, (_PermanentFailure, smtplib.SMTPResponseException))
    if smtp_reply and len(args) >= 2 and isinstance(args[0], int):
        text = args[1].decode("utf-8", "replace") if isinstance(args[1], bytes) else str(args[1])
        return f"{args[0]} {text}"[:500]
    return f"{type(exc).__name__}: {exc}"[:500]


def deliver_outbox(app: Flask, now: datetime | None = None, *, batch_size: int = 200) -> int:
    """Send everything due with `app`'s SMTP settings; return the number sent."""
    from mentor.extensions import db

    own_context = has_app_context() and current_app._get_current_object() is app  # type: ignore[attr-defined]
    with nullcontext() if own_context else app.app_context():
        report = send_due(
            db.session,
            SmtpSettings.from_config(app.config),
            now or utcnow(),
            policy=RetryPolicy.from_config(app.config),
            batch_size=batch_size,
        )
    return report.sent

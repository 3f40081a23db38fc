"""A killed scheduler's claimed mail goes out when the next one takes over (finding 12).

Each claim records who made it; the scheduler that takes over an expired lease gives the
dead holder's claims back at once instead of waiting out the five-minute claim.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from mentor.mail.outbox import queue_mail
from mentor.mail.sender import RetryPolicy, claim_due
from mentor.models import OutboxMail
from mentor.models.base import utcnow
from mentor.models.enums import MailStatus
from mentor.scheduling import lease
from mentor.scheduling.process import LEASE_NAME, SchedulerProcess


def _queue(session, prefix: str, count: int) -> None:
    for i in range(count):
        queue_mail(
            session,
            kind="test",
            dedupe_key=f"{prefix}:{i}",
            to=f"{prefix}{i}@example.dk",
            subject="Hej",
            text="Hej",
        )
    session.commit()


def test_the_next_scheduler_takes_back_what_a_killed_one_had_claimed(app, session) -> None:
    _queue(session, "dead", 3)
    now = utcnow()
    # The old holder took the lease and claimed the mail, then was killed (no renewal).
    assert lease.acquire(
        session, LEASE_NAME, "dead:1", now - timedelta(seconds=60), timedelta(seconds=30)
    )
    policy = RetryPolicy()
    assert len(claim_due(session, now, policy, 10, claimant="dead:1")) == 3
    # Someone else's claim (a `flask mail send-due` running now) is not touched.
    _queue(session, "cli", 1)
    assert len(claim_due(session, utcnow(), policy, 10, claimant="cli:7")) == 1

    successor = SchedulerProcess(app, jobs=[], holder="next:2")
    assert successor._renew()
    session.expire_all()
    rows = session.execute(
        sa.select(OutboxMail.dedupe_key, OutboxMail.status, OutboxMail.next_attempt_at)
    ).all()
    taken_back = {
        key for key, status, due in rows if status == MailStatus.QUEUED and due <= utcnow()
    }
    assert taken_back == {"dead:0", "dead:1", "dead:2"}
    assert {key for key, status, _due in rows if status == MailStatus.SENDING} == {"cli:0"}

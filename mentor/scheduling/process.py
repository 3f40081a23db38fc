"""The scheduler process: hold the lease, run the jobs with APScheduler while it is held.

The main thread renews the lease every third of its length; APScheduler's
BackgroundScheduler runs the interval jobs in worker threads, each in its own app
context and database session. Jobs are derived from the database on each run (the
reminders are computed from the data, the outbox is a table), so APScheduler keeps
its job list in memory and nothing is lost when the process dies.

- Started second, the process waits and retries every third of a lease.
- On losing the lease (a stalled process, a database outage longer than the lease)
  it stops the jobs at once; a job that starts checks the lease first.
- On SIGTERM/SIGINT it finishes the mail in flight, releases the lease so a waiting
  process takes over at once, and exits.
- Killed outright, it leaves the lease to run out and its outbox claims to expire:
  see mentor/mail/sender.py for what that means for mail.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from mentor.extensions import db
from mentor.models.base import utcnow
from mentor.scheduling import lease
from mentor.scheduling.jobs import JOBS, Job

LEASE_NAME = "scheduler"
log = logging.getLogger("mentor.scheduler")


def default_holder() -> str:
    """Name this process in the lease row: host, pid and a nonce against pid reuse."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"[:100]


class SchedulerProcess:
    """Hold the scheduler lease and run `jobs` while it is held."""

    def __init__(
        self,
        app: Flask,
        *,
        jobs: Iterable[Job] | None = None,
        holder: str | None = None,
        lease_seconds: float | None = None,
    ) -> None:
        self.app = app
        self.jobs = list(JOBS if jobs is None else jobs)
        self.holder = holder or default_holder()
        seconds = lease_seconds or float(app.config.get("SCHEDULER_LEASE_SECONDS", 30))
        self.ttl = timedelta(seconds=seconds)
        self.stop_event = threading.Event()
        self._held_until: datetime | None = None
        self._scheduler: BackgroundScheduler | None = None
        #: Who held the lease when we last asked, for the "waiting" log line.
        self._waiting_for: tuple[str, datetime] | None = None

    # -- the lease ----------------------------------------------------------------

    def holds_lease(self) -> bool:
        """True while the last renewal still covers this moment."""
        return self._held_until is not None and utcnow() < self._held_until

    def _renew(self) -> bool:
        now = utcnow()
        with self.app.app_context():
            try:
                before = None if self._held_until else lease.current(db.session, LEASE_NAME)
                held = lease.acquire(db.session, LEASE_NAME, self.holder, now, self.ttl)
            except SQLAlchemyError as exc:
                db.session.rollback()
                log.warning("could not renew the lease: %s", exc.__class__.__name__)
                return self.holds_lease()
            if held:
                self._held_until = now + self.ttl
                if before is not None and before[0] != self.holder:
                    self._take_over_from(before[0], now)
                return True
            self._held_until = None
            self._waiting_for = lease.current(db.session, LEASE_NAME)
            return False

    def _take_over_from(self, previous: str, now: datetime) -> None:
        """The previous holder's lease ran out: it is dead, so its mail claims are too."""
        from mentor.mail.sender import release_claims

        try:
            released = release_claims(db.session, previous, now)
        except SQLAlchemyError:
            db.session.rollback()  # its claims run out by themselves
            return
        if released:
            log.info("took over from %s: %d claimed mails are due again", previous, released)

    def _release(self) -> None:
        if self._held_until is None:
            return
        with self.app.app_context():
            try:
                lease.release(db.session, LEASE_NAME, self.holder, utcnow())
            except SQLAlchemyError:
                db.session.rollback()  # it runs out by itself
        self._held_until = None

    # -- the jobs -----------------------------------------------------------------

    def should_stop(self) -> bool:
        return self.stop_event.is_set() or not self.holds_lease()

    def run_job(self, job: Job) -> None:
        """Run one job now, in its own app context and session, if the lease is held."""
        if self.should_stop():
            return
        with self.app.app_context():
            session = db.session
            try:
                kwargs: dict[str, object] = (
                    {"should_stop": self.should_stop, "claimant": self.holder}
                    if job.stoppable
                    else {}
                )
                summary = job.run(session, self.app.config, utcnow(), **kwargs)
                session.commit()
            except Exception:
                session.rollback()
                log.exception("job %s failed", job.name)
                return
        if summary:
            log.info("%s: %s", job.name, summary)

    def _start_jobs(self) -> None:
        scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=max(2, len(self.jobs)))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        for job in self.jobs:
            scheduler.add_job(
                self.run_job,
                "interval",
                seconds=job.interval(self.app.config),
                args=[job],
                id=job.name,
                name=job.name,
                next_run_time=datetime.now(UTC),
            )
        scheduler.start()
        self._scheduler = scheduler

    def _stop_jobs(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None

    # -- the loop -----------------------------------------------------------------

    def run(self) -> None:
        """Run until stop() is called (or a signal handler calls it)."""
        renew_every = self.ttl.total_seconds() / 3
        waiting_logged = False
        log.info("scheduler %s starting (lease %ss)", self.holder, self.ttl.total_seconds())
        try:
            while not self.stop_event.is_set():
                held = self._renew()
                if held and self._scheduler is None:
                    log.info("scheduler %s holds the lease; running jobs", self.holder)
                    waiting_logged = False
                    self._start_jobs()
                elif not held and self._scheduler is not None:
                    log.warning("scheduler %s lost the lease; stopping jobs", self.holder)
                    self._stop_jobs()
                elif not held and not waiting_logged:
                    holder, until = self._waiting_for or ("?", None)
                    log.info("lease held by %s until %s; waiting", holder, until)
                    waiting_logged = True
                self.stop_event.wait(renew_every)
        finally:
            self._stop_jobs()
            self._release()
            log.info("scheduler %s stopped", self.holder)

    def stop(self) -> None:
        self.stop_event.set()

"""Real scheduler processes (`flask scheduler run`) against the test database and SMTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.smtp_sink import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "tests.scheduling.scheduler_app"]


def wait_for(condition: Callable[[], object], timeout: float = 30.0, what: str = "") -> object:
    """Poll until `condition()` is truthy: waiting for another process, not for time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or condition}")


class Scheduler:
    """One `flask scheduler run` subprocess; its log lands in a file for failures."""

    def __init__(self, process: subprocess.Popen[bytes], log: Path, holder: str) -> None:
        self.process = process
        self.log = log
        self.holder = holder

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(30)


@pytest.fixture
def app_config(smtp_server: SmtpSink) -> dict[str, object]:
    return {"SMTP_HOST": smtp_server.host, "SMTP_PORT": smtp_server.port, "SMTP_TIMEOUT": 5}


@pytest.fixture
def start_scheduler(app, database_url: str, tmp_path: Path) -> Iterator[Callable[..., Scheduler]]:
    """Start scheduler processes; every one still running is killed at the end."""
    started: list[Scheduler] = []

    def start(holder: str, smtp_port: int, *extra: str) -> Scheduler:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=database_url,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(smtp_port),
            SECRET_KEY="test-secret-key",
            BASE_URL="http://rollemodel.test",
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",
            # The test world's people signed up in 2020: keep the retention job from
            # warning them, so these tests count only the mails they are about.
            RETENTION_INACTIVE_DAYS="36500",
        )
        log = tmp_path / f"scheduler-{holder}-{len(started)}.log"
        args = [
            *FLASK,
            "scheduler",
            "run",
            "--holder",
            holder,
            "--lease-seconds",
            "1.5",
            "--outbox-every",
            "0.2",
            "--reminders-every",
            "0.5",
            "--claim-seconds",
            "2",
            *extra,
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=out)
        scheduler = Scheduler(process, log, holder)
        started.append(scheduler)
        return scheduler

    yield start
    for scheduler in started:
        if scheduler.process.poll() is None:
            scheduler.kill()

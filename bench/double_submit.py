"""50 teachers post the booking form twice each, at once, to gunicorn: 50 bookings.

Starts gunicorn (4 workers, as in production) on PostgreSQL with CSRF on, logs 50
teachers in over HTTP, then lets each post her form twice at the same moment (100
requests in flight) and counts the bookings. Prints the figures and exits 1 if the
count is not exactly 50. Needs DATABASE_URL pointing at a scratch PostgreSQL database
(it is emptied first).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/double_submit.py
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentor import create_app  # noqa: E402
from mentor.extensions import db  # noqa: E402
from mentor.models import BookingRequest  # noqa: E402
from tests import factories as f  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
FORM_KEY = re.compile(r'name="form_key" type="hidden" value="([^"]*)"')
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.read().decode()

    def post(self, path: str, data: dict[str, str]) -> int:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _weekday_ahead(days: int) -> date:
    """An open school day about `days` ahead (no weekend, no school holiday)."""
    return f.open_school_day(date.today() + timedelta(days=days))


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        # SQLite serialises writers: the race this measures needs PostgreSQL.
        print("double_submit: skipped, DATABASE_URL does not point at PostgreSQL")
        return 0
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        db.drop_all()
        db.create_all()
        school = f.school(db.session, "Parallel Skole", "8000")
        teachers = [f.teacher(db.session, f"t{i}@skole.dk", school) for i in range(CLIENTS)]
        form = {
            "programme_id": str(f.programme(db.session, "BOOK").id),
            "school_id": str(teachers[0].teacher_profile.school_id),
            "level_id": str(f.level(db.session, "udskoling").id),
            "class_name": "8.b",
            "pupils": "24",
            "primary_subject_id": str(f.subject(db.session, "fysik").id),
            "format": "either",
            "gender_focus": "none",
            "language": "da",
            "whole_class": "y",
            "window1_day": _weekday_ahead(30).isoformat(),
            "window1_start": "09:00",
            "window1_end": "11:00",
        }
        db.session.commit()
        db.engine.dispose()

    port = _free_port()
    instance = tempfile.mkdtemp()
    env = os.environ | {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": "false",
        "BASE_URL": f"http://127.0.0.1:{port}",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-w",
            str(WORKERS),
            "--threads",
            "8",
            "-b",
            f"127.0.0.1:{port}",
            "--chdir",
            str(ROOT),
            "wsgi:app",
        ],
        env=env,
        cwd=instance,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        ready = []
        for i in range(CLIENTS):
            browser = Browser(base)
            token = CSRF.search(browser.get("/login")).group(1)
            assert (
                browser.post(
                    "/login",
                    {"csrf_token": token, "email": f"t{i}@skole.dk", "password": f.PASSWORD},
                )
                == 302
            )
            page = browser.get("/laerer/bookinger/ny")
            ready.append(
                (
                    browser,
                    form
                    | {
                        "csrf_token": CSRF.search(page).group(1),
                        "form_key": FORM_KEY.search(page).group(1),
                    },
                )
            )
        barrier = threading.Barrier(2 * CLIENTS)
        results: list[tuple[int, float]] = []

        def submit(browser: Browser, filled: dict[str, str]) -> None:
            barrier.wait()
            started = time.perf_counter()
            status = browser.post("/laerer/bookinger/ny", filled)
            results.append((status, time.perf_counter() - started))

        threads = [threading.Thread(target=submit, args=pair) for pair in ready for _ in range(2)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    with app.app_context():
        bookings = db.session.scalar(sa.select(sa.func.count(BookingRequest.id)))
        keys = db.session.scalar(sa.select(sa.func.count(sa.distinct(BookingRequest.form_key))))
    statuses = sorted({status for status, _ in results})
    times = sorted(t for _, t in results)
    load = os.getloadavg()
    print(f"gunicorn {WORKERS} workers on PostgreSQL, {CLIENTS} teachers x 2 posts at once")
    print(f"  answers: {statuses}, bookings: {bookings}, distinct form keys: {keys}")
    print(
        f"  wall {wall:.2f} s; per post median {statistics.median(times) * 1000:.0f} ms, "
        f"max {times[-1] * 1000:.0f} ms; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    return 0 if bookings == CLIENTS and statuses == [302] else 1


if __name__ == "__main__":
    sys.exit(main())

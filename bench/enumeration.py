"""How long login, password reset and sign-up take for an address with and without an
account: the medians should be the same (issue 12, finding 11).

Runs the app in-process (Flask's test client) on SQLite, or on PostgreSQL when
DATABASE_URL points at a scratch database (emptied first), with rate limits off.

    .venv/bin/python bench/enumeration.py
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/enumeration.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mentor import create_app
from mentor.extensions import db
from mentor.models.enums import Role
from tests import factories as f

TRIES = int(os.environ.get("BENCH_TRIES", "25"))


def main() -> None:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": "bench.local",
            "BASE_URL": "http://bench.local",
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        for i in range(TRIES + 1):
            f.user(db.session, f"ejer{i}@example.dk", Role.VOLUNTEER, f"Ejer {i}")
        db.session.commit()
    client = app.test_client()

    def login(email: str) -> object:
        return client.post("/login", data={"email": email, "password": "forkert-kode-1"})

    def reset(email: str) -> object:
        return client.post("/adgangskode/glemt", data={"email": email})

    def signup(email: str) -> object:
        return client.post(
            "/tilmeld/frivillig",
            data={
                "full_name": "Nogen Andre",
                "email": email,
                "password": "en lang og god sætning",
                "consent": "y",
            },
        )

    print(f"{'backend':10} {'action':8} {'known ms':>9} {'unknown ms':>11} {'ratio':>6}")
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    for name, action, unknown_prefix in [
        ("login", login, "ingen"),
        ("reset", reset, "ingen"),
        ("signup", signup, "ny"),
    ]:
        known, unknown = measure(action, unknown_prefix)
        print(
            f"{backend:10} {name:8} {known * 1000:9.1f} {unknown * 1000:11.1f} "
            f"{unknown / known:6.2f}"
        )
    load = os.getloadavg()
    print(
        f"({TRIES} tries each, interleaved; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
    )


def measure(action: Callable[[str], object], unknown_prefix: str) -> tuple[float, float]:
    """Median seconds for known and unknown addresses, each address asked about once."""
    known, unknown = [], []
    action(f"ejer{TRIES}@example.dk")
    action(f"{unknown_prefix}-warm@example.dk")
    for i in range(TRIES):
        for email, times in (
            (f"ejer{i}@example.dk", known),
            (f"{unknown_prefix}{i}-{time.time_ns()}@example.dk", unknown),
        ):
            started = time.perf_counter()
            action(email)
            times.append(time.perf_counter() - started)
    return statistics.median(known), statistics.median(unknown)


if __name__ == "__main__":
    main()

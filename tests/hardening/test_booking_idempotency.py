"""A booking form posted twice is one booking (issue 12, finding 12).

The form carries a key made when it was shown; the booking stores it under a unique
constraint, so a double click, a resend or two racing workers all land on one booking.
The second test does it for real: 50 teachers each post their form twice at once over
HTTP to a threaded server on PostgreSQL, with CSRF on as in production.
"""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from mentor import create_app
from mentor.extensions import db
from mentor.models import BookingRequest
from tests import factories as f
from tests.conftest import make_test_config, wipe

CLIENTS = 50
FORM_KEY = re.compile(r'name="form_key" type="hidden" value="([^"]*)"')
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _weekday_ahead(days: int) -> date:
    """An open school day about `days` ahead (no weekend, no school holiday)."""
    return f.open_school_day(date.today() + timedelta(days=days))


def _booking_form(session, teacher) -> dict[str, str]:
    return {
        "programme_id": str(f.programme(session, "BOOK").id),
        "school_id": str(teacher.teacher_profile.school_id),
        "level_id": str(f.level(session, "udskoling").id),
        "class_name": "8.b",
        "pupils": "24",
        "primary_subject_id": str(f.subject(session, "fysik").id),
        "format": "either",
        "gender_focus": "none",
        "language": "da",
        "whole_class": "y",
        "window1_day": _weekday_ahead(30).isoformat(),
        "window1_start": "09:00",
        "window1_end": "11:00",
    }


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(BookingRequest.id)))


def test_posting_the_booking_form_twice_creates_one_booking(app, client) -> None:
    with app.app_context():
        teacher = f.teacher(db.session, "tove@skole.dk")
        form = _booking_form(db.session, teacher)
        db.session.commit()
    f.login(client, "tove@skole.dk")
    key = FORM_KEY.search(client.get("/laerer/bookinger/ny").get_data(as_text=True))
    form["form_key"] = key.group(1) if key else ""
    first = client.post("/laerer/bookinger/ny", data=form)
    again = client.post("/laerer/bookinger/ny", data=form)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert _count(app) == 1
    # A fresh form is a fresh booking.
    form["form_key"] = FORM_KEY.search(
        client.get("/laerer/bookinger/ny").get_data(as_text=True)
    ).group(1)
    assert client.post("/laerer/bookinger/ny", data=form).status_code == 302
    assert _count(app) == 2


def test_a_made_up_form_key_is_a_clear_400(app, client) -> None:
    with app.app_context():
        teacher = f.teacher(db.session, "tove@skole.dk")
        form = _booking_form(db.session, teacher)
        db.session.commit()
    f.login(client, "tove@skole.dk")
    response = client.post("/laerer/bookinger/ny", data=form | {"form_key": "x" * 300})
    assert response.status_code == 400
    assert _count(app) == 0


@pytest.fixture
def served(database_url, _schema, tmp_path, is_postgres) -> Iterator[tuple[object, str]]:
    if not is_postgres:
        pytest.skip("50 parallel writers need PostgreSQL (CI runs this with DATABASE_URL)")
    app = create_app(
        make_test_config(
            database_url,
            tmp_path,
            WTF_CSRF_ENABLED=True,
            SERVER_NAME=None,
            SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 20, "max_overflow": 40, "pool_timeout": 60},
        )
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.session.remove()
        wipe(app)
        db.engine.dispose()


class Browser:
    """One teacher's cookie jar, speaking plain HTTP to the server."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            _NoRedirect(),
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_fifty_teachers_posting_their_form_twice_at_once_make_fifty_bookings(served) -> None:
    app, base = served
    with app.app_context():
        school = f.school(db.session, "Parallel Skole", "8000")
        teachers = [f.teacher(db.session, f"t{i}@skole.dk", school) for i in range(CLIENTS)]
        form = _booking_form(db.session, teachers[0])
        db.session.commit()

    browsers = []
    for i in range(CLIENTS):
        browser = Browser(base)
        token = CSRF.search(browser.get("/login")).group(1)
        status, _ = browser.post(
            "/login", {"csrf_token": token, "email": f"t{i}@skole.dk", "password": f.PASSWORD}
        )
        assert status == 302
        page = browser.get("/laerer/bookinger/ny")
        key = FORM_KEY.search(page)
        filled = form | {
            "csrf_token": CSRF.search(page).group(1),
            "form_key": key.group(1) if key else "",
        }
        browsers.append((browser, filled))

    barrier = threading.Barrier(2 * CLIENTS)
    answers: list[tuple[int, str]] = []

    def submit(browser: Browser, filled: dict[str, str]) -> None:
        barrier.wait()
        answers.append(browser.post("/laerer/bookinger/ny", filled))

    threads = [
        threading.Thread(target=submit, args=pair) for pair in browsers for _twice in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted({status for status, _ in answers}) == [302]
    assert _count(app) == CLIENTS

"""Nobody learns from us whether an address has an account (issue 12, finding 11).

Sign-up, login and password reset answer the same way, and do the same work, for an
address with an account and one without. The timing checks compare medians of
interleaved tries with a wide margin: the gap they guard against was 124 ms against
13 ms (login) and 24 ms against 9 ms (reset); bench/enumeration.py prints the figures.
"""

from __future__ import annotations

import statistics
import time

import pytest
import sqlalchemy as sa

from mentor.extensions import db
from mentor.mail.sender import deliver_outbox
from mentor.models import User
from mentor.models.enums import Role
from tests import factories as f

TRIES = 15


@pytest.fixture
def app_config(smtp_server) -> dict[str, object]:
    return {"SMTP_HOST": smtp_server.host, "SMTP_PORT": smtp_server.port}


@pytest.fixture
def owner(app) -> None:
    with app.app_context():
        f.user(db.session, "vera@firma.dk", Role.VOLUNTEER, "Vera Veninde")
        for i in range(TRIES + 1):
            f.user(db.session, f"ejer{i}@firma.dk", Role.VOLUNTEER, f"Ejer {i}")
        db.session.commit()


def _signup(client, email: str):
    return client.post(
        "/tilmeld/frivillig",
        data={
            "full_name": "Nogen Andre",
            "email": email,
            "password": "en lang og god sætning",
            "consent": "y",
        },
    )


def test_signup_with_a_taken_address_answers_like_a_new_one_and_tells_the_owner(
    app, owner, smtp_server
) -> None:
    new = _signup(app.test_client(), "ny@firma.dk")
    taken = _signup(app.test_client(), "VERA@firma.dk")
    assert new.status_code == taken.status_code == 302
    assert new.headers["Location"] == taken.headers["Location"]
    new_page = app.test_client().get(new.headers["Location"]).get_data(as_text=True)
    assert "allerede i brug" not in new_page
    with app.app_context():
        names = db.session.scalars(
            sa.select(User.full_name)
            .where(User.email.in_(["vera@firma.dk", "ny@firma.dk"]))
            .order_by(User.id)
        ).all()
        assert names == ["Vera Veninde", "Nogen Andre"]
    deliver_outbox(app)
    (mail,) = smtp_server.to("vera@firma.dk")
    assert "allerede en konto" in smtp_server.text_of(mail)
    assert "/adgangskode/glemt" in smtp_server.text_of(mail)


def _median_ratio(app, post) -> float:
    """Median time of an unknown address over that of a known one, tried in turns.

    Each try asks about an address not asked about before, as someone probing would.
    """
    known, unknown = [], []
    post(f"ejer{TRIES}@firma.dk")  # warm up caches and the connection pool
    post("ingen@firma.dk")
    for i in range(TRIES):
        for email, times in ((f"ejer{i}@firma.dk", known), (f"ingen{i}@firma.dk", unknown)):
            started = time.perf_counter()
            post(email)
            times.append(time.perf_counter() - started)
    return statistics.median(unknown) / statistics.median(known)


def test_a_wrong_login_takes_as_long_for_an_unknown_address(app, owner) -> None:
    client = app.test_client()
    ratio = _median_ratio(
        app, lambda email: client.post("/login", data={"email": email, "password": "forkert-1234"})
    )
    assert 0.67 < ratio < 1.5, ratio


def test_a_reset_request_takes_as_long_for_an_unknown_address(app, owner) -> None:
    client = app.test_client()
    ratio = _median_ratio(
        app, lambda email: client.post("/adgangskode/glemt", data={"email": email})
    )
    assert 0.67 < ratio < 1.5, ratio

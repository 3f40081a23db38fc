"""Sessions can be revoked (issue 12, finding 5).

The session cookie names the user and her session stamp; the stamp changes on logout,
password reset, deactivation and "end my other sessions", and the user loader refuses a
cookie with an old stamp. A copied cookie therefore dies with the session it came from.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from mentor.extensions import db
from mentor.mail.sender import deliver_outbox
from mentor.models.enums import Role
from tests import factories as f

NEW_PASSWORD = "en helt ny sætning om kaffe"


@pytest.fixture
def app_config(smtp_server) -> dict[str, object]:
    return {"SMTP_HOST": smtp_server.host, "SMTP_PORT": smtp_server.port}


@pytest.fixture
def vera(app) -> int:
    with app.app_context():
        user = f.user(db.session, "vera@firma.dk", Role.VOLUNTEER, "Vera Veninde")
        db.session.commit()
        return user.id


def _logged_in(app, email: str = "vera@firma.dk", password: str = f.PASSWORD):
    client = app.test_client()
    f.login(client, email, password)
    return client


def _with_cookie(app, value: str):
    client = app.test_client()
    client.set_cookie("session", value, domain="rollemodel.test")
    return client


def _signed_in(client) -> bool:
    return client.get("/konto").status_code == 200


def _reset_link(app, smtp_server, email: str) -> str:
    app.test_client().post("/adgangskode/glemt", data={"email": email})
    deliver_outbox(app)
    text = smtp_server.text_of(smtp_server.to(email)[-1])
    return re.search(r"http://rollemodel\.test(/adgangskode/ny/\S+)", text).group(1)


def test_a_cookie_copied_before_logout_does_not_work_after_it(app, vera) -> None:
    client = _logged_in(app)
    copied = client.get_cookie("session", domain="rollemodel.test").value
    assert _signed_in(_with_cookie(app, copied))
    client.post("/logout")
    assert not _signed_in(_with_cookie(app, copied))


def test_a_password_reset_ends_the_sessions_on_other_devices(app, vera, smtp_server) -> None:
    laptop = _logged_in(app)
    link = _reset_link(app, smtp_server, "vera@firma.dk")
    done = app.test_client().post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert not _signed_in(laptop)
    assert _signed_in(_logged_in(app, password=NEW_PASSWORD))


def test_whoever_signed_up_first_with_her_address_is_shut_out_by_her_reset(
    app, smtp_server
) -> None:
    attacker = app.test_client()
    attacker.post(
        "/tilmeld/frivillig",
        data={
            "full_name": "Ikke Hende",
            "email": "hanne@example.dk",
            "password": "angriberens egen sætning",
            "consent": "y",
        },
    )
    f.login(attacker, "hanne@example.dk", "angriberens egen sætning")
    assert _signed_in(attacker)
    link = _reset_link(app, smtp_server, "hanne@example.dk")
    app.test_client().post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert not _signed_in(attacker)


def test_a_person_ends_all_her_other_sessions_and_keeps_this_one(app, vera) -> None:
    phone, laptop = _logged_in(app), _logged_in(app)
    response = laptop.post("/konto/log-ud-andre")
    assert response.status_code == 302
    assert not _signed_in(phone)
    assert _signed_in(laptop)
    with app.app_context():
        actions = db.session.scalars(
            sa.text("SELECT action FROM audit_entries WHERE object_id = :id"), {"id": vera}
        ).all()
        assert "sessions_ended" in actions

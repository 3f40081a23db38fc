"""A person changes password and e-mail address; the new address counts once verified."""

from __future__ import annotations

import re

import sqlalchemy as sa

from mentor.models import AuditEntry, OutboxMail, User
from tests import factories as f


def _person(app, email="vera@example.dk") -> int:
    with app.app_context():
        from mentor.extensions import db

        user = f.volunteer(db.session, email)
        db.session.commit()
        return user.id


def _mails(app, kind: str) -> list[OutboxMail]:
    with app.app_context():
        from mentor.extensions import db

        return list(
            db.session.scalars(
                sa.select(OutboxMail).where(OutboxMail.kind == kind).order_by(OutboxMail.id)
            )
        )


def test_change_password_needs_the_current_one_and_tells_the_owner(app, client) -> None:
    _person(app)
    f.login(client, "vera@example.dk")
    wrong = client.post(
        "/konto/adgangskode",
        data={"current_password": "forkert", "new_password": "x" * 12, "confirm": "x" * 12},
    )
    body = wrong.get_data(as_text=True)
    assert wrong.status_code == 400 and "Den nuværende adgangskode er forkert." in body
    # Passwords are never sent back into the form, and the page says why.
    assert 'value="forkert"' not in body and "Adgangskoden skal du skrive igen" in body
    new = "min nye lange adgangskode"
    done = client.post(
        "/konto/adgangskode",
        data={"current_password": f.PASSWORD, "new_password": new, "confirm": new},
    )
    assert done.status_code == 302
    [notice] = _mails(app, "account_changed")
    assert notice.to_address == "vera@example.dk" and "adgangskode" in notice.subject
    client.post("/logout")
    assert (
        client.post("/login", data={"email": "vera@example.dk", "password": f.PASSWORD}).status_code
        == 200
    )
    f.login(client, "vera@example.dk", new)


def test_new_address_counts_only_after_the_link_is_opened(app, client) -> None:
    user_id = _person(app)
    f.login(client, "vera@example.dk")
    response = client.post(
        "/konto/email", data={"new_email": "Vera.Ny@Example.dk", "password": f.PASSWORD}
    )
    assert response.status_code == 302
    [mail] = _mails(app, "email_change")
    assert mail.to_address == "vera.ny@example.dk"
    with app.app_context():
        from mentor.extensions import db

        # Not yet: the account still uses the old address.
        assert db.session.get(User, user_id).email == "vera@example.dk"
    link = re.search(r"http://rollemodel\.test(/konto/ny-email/\S+)", mail.body_text)[1]
    assert client.get(link).status_code == 302
    with app.app_context():
        from mentor.extensions import db

        user = db.session.get(User, user_id)
        assert user.email == "vera.ny@example.dk" and user.email_verified_at is not None
        assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "email_changed"))
    # The old address hears about it; the same link a second time changes nothing.
    [notice] = _mails(app, "account_changed")
    assert notice.to_address == "vera@example.dk" and "vera.ny@example.dk" in notice.body_text
    assert client.get(link).status_code == 302
    assert len(_mails(app, "account_changed")) == 1


def test_email_change_refuses_a_taken_address_and_keeps_what_was_typed(app, client) -> None:
    _person(app)
    _person(app, "taget@example.dk")
    f.login(client, "vera@example.dk")
    response = client.post(
        "/konto/email", data={"new_email": "taget@example.dk", "password": f.PASSWORD}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "E-mailadressen er allerede i brug." in body
    assert 'value="taget@example.dk"' in body
    assert _mails(app, "email_change") == []

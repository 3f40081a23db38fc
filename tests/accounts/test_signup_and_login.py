from datetime import timedelta

import pytest
import sqlalchemy as sa

from mentor.auth import tokens
from mentor.extensions import db
from mentor.models import AuditEntry, School, User
from mentor.models.base import utcnow
from mentor.models.enums import Role
from mentor.services import accounts

PASSWORD = "grøn-kaffe-på-taget"


def signup_volunteer(client, email="Signe.Holm@Example.dk", password=PASSWORD):
    return client.post(
        "/tilmeld/frivillig",
        data={
            "full_name": "Signe Holm",
            "email": email,
            "password": password,
            "consent": "y",
        },
    )


def test_volunteer_signs_up_verifies_from_the_mail_and_logs_in(app, client, read_link) -> None:
    response = signup_volunteer(client)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "signe.holm@example.dk"))
        assert user is not None and not user.is_verified
        assert user.consent_version == accounts.CONSENT_VERSION and user.consent_at is not None
        assert user.password_hash and PASSWORD not in user.password_hash
    link = read_link("signe.holm@example.dk")
    assert link.startswith("/bekraeft/")
    client.post("/logout")
    assert client.get(link).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(User.email_verified_at)) is not None
    # Login is case-insensitive on the address.
    login = client.post("/login", data={"email": "SIGNE.HOLM@example.DK", "password": PASSWORD})
    assert login.status_code == 302 and login.headers["Location"] == "/hjem"
    with app.app_context():
        actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"signup", "email_verified", "login"} <= actions


def test_wrong_password_is_refused_with_one_message(client) -> None:
    signup_volunteer(client)
    client.post("/logout")
    page = client.post(
        "/login", data={"email": "signe.holm@example.dk", "password": "wrong-one-123"}
    )
    assert page.status_code == 200
    assert "Forkert e-mail eller adgangskode" in page.get_data(as_text=True)
    unknown = client.post("/login", data={"email": "nobody@example.dk", "password": "whatever-123"})
    assert "Forkert e-mail eller adgangskode" in unknown.get_data(as_text=True)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort", "mindst 10 tegn"),
        ("password123", "for almindelig"),
        ("aaaaaaaaaaaa", "for almindelig"),
        ("signe.holm2026", "e-mail eller dit navn"),
    ],
)
def test_weak_passwords_are_refused_and_nothing_is_saved(app, client, password, message) -> None:
    page = signup_volunteer(client, password=password)
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_consent_is_required(app, client) -> None:
    page = client.post(
        "/tilmeld/frivillig",
        data={
            "full_name": "Signe Holm",
            "email": "s@example.dk",
            "password": PASSWORD,
        },
    )
    body = page.get_data(as_text=True)
    # The summary names the field briefly, and the box links to what is accepted.
    assert '<a href="#consent">Samtykke: Sæt kryds for at give samtykke.</a>' in body
    assert 'href="/privatliv"' in body and 'href="/vilkaar"' in body
    # What was typed is kept, except the password.
    assert 'value="Signe Holm"' in body and 'value="s@example.dk"' in body
    assert PASSWORD not in body
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_duplicate_signup_answers_as_a_new_one_and_makes_no_account(app, client) -> None:
    first = signup_volunteer(client)
    again = signup_volunteer(client, email="SIGNE.holm@example.dk")
    # Saying "in use" would tell anyone who has an account (tests/hardening/test_enumeration).
    assert first.status_code == again.status_code == 302
    assert "allerede i brug" not in client.get(again.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_teacher_signs_up_and_adds_a_new_school(app, client, read_link) -> None:
    data = {
        "full_name": "Lars Lærer",
        "email": "lars@skole.dk",
        "password": PASSWORD,
        "consent": "y",
        "school_id": "0",
        "school_name": "Rønne Privatskole",
        "school_type": "friskole",
        "school_postcode": "3700",
    }
    # A new school needs its street address: the role model must find the way.
    missing = client.post("/tilmeld/laerer", data=data)
    assert missing.status_code == 200
    assert "Skriv skolens adresse" in missing.get_data(as_text=True)
    response = client.post(
        "/tilmeld/laerer",
        data=data | {"school_address": "Skolevej 4", "school_phone": "56 95 00 00"},
    )
    assert response.status_code == 302
    with app.app_context():
        school = db.session.scalar(sa.select(School))
        assert (school.name, school.region_code, school.municipality_code) == (
            "Rønne Privatskole",
            1084,
            400,
        )
        assert (school.address, school.city, school.phone) == (
            "Skolevej 4",
            "Rønne",
            "56 95 00 00",
        )
        # Bornholm is a rural municipality in Danmarks Statistik's groups.
        assert school.outlying is True and school.outlying_reason is None
        user = db.session.scalar(sa.select(User).where(User.email == "lars@skole.dk"))
        assert user.role == Role.TEACHER and user.teacher_profile.school_id == school.id
    assert read_link("lars@skole.dk").startswith("/bekraeft/")


def test_teacher_signup_with_unknown_postcode_is_a_field_error(app, client) -> None:
    page = client.post(
        "/tilmeld/laerer",
        data={
            "full_name": "Lars Lærer",
            "email": "lars@skole.dk",
            "password": PASSWORD,
            "consent": "y",
            "school_id": "0",
            "school_name": "Ingenstedskolen",
            "school_type": "folkeskole",
            "school_address": "Skolevej 1",
            "school_postcode": "0001",
        },
    )
    assert page.status_code == 200
    assert "ikke et dansk postnummer" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(School.id))) == 0


def test_teacher_must_choose_a_school(client) -> None:
    page = client.post(
        "/tilmeld/laerer",
        data={
            "full_name": "Lars Lærer",
            "email": "lars@skole.dk",
            "password": PASSWORD,
            "consent": "y",
            "school_id": "0",
        },
    )
    assert "Vælg din skole" in page.get_data(as_text=True)


def test_tampered_verification_link_is_refused_with_a_clear_message(client) -> None:
    page = client.get("/bekraeft/not-a-real-token")
    assert page.status_code == 400
    assert "Linket er ugyldigt" in page.get_data(as_text=True)


def test_expired_verification_token_is_refused(app, session) -> None:
    with app.test_request_context():
        user = accounts.create_user(
            session, email="v@example.dk", role=Role.VOLUNTEER, full_name="V"
        )
        token = tokens.make_token("verify", {"uid": user.id, "email": user.email})
        later = utcnow() + timedelta(seconds=tokens.VERIFY_MAX_AGE + 60)
        with pytest.raises(tokens.TokenExpired, match="udløbet"):
            accounts.verify_email(session, token, now=later)
        assert accounts.verify_email(session, token).is_verified


def test_unverified_user_sees_the_reminder_and_can_resend(app, client, smtp_server, read_link):
    signup_volunteer(client)
    read_link("signe.holm@example.dk")
    # Sign-up does not log in (the same answer for a taken address); the password does.
    assert client.get("/konto").status_code == 302
    client.post("/login", data={"email": "signe.holm@example.dk", "password": PASSWORD})
    page = client.get("/konto")
    assert "Bekræft din e-mailadresse" in page.get_data(as_text=True)
    # Within the same minute a second mail is not queued (no mail bombs by button).
    response = client.post("/bekraeft/igen", follow_redirects=False)
    assert response.status_code == 302

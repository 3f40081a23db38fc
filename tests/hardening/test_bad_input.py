"""Bad input gets a clear answer and loses nothing (issue 12, findings 6 and 12)."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from mentor.config import load_config
from mentor.extensions import db
from mentor.models import Subject, User, Visit
from mentor.models.enums import Role, VisitStatus
from tests import factories as f


@pytest.fixture
def people(app) -> dict[str, int]:
    with app.app_context():
        s = db.session
        teacher = f.teacher(s, "tove@skole.dk")
        vera = f.volunteer(s, "vera@firma.dk")
        request = f.booking(s, teacher)
        visit = f.completed_visit(s, request, vera.volunteer_profile)
        visit.status, visit.pupils_reached, visit.confirmed_at = VisitStatus.PLANNED, None, None
        coordinator = f.user(s, "koord@example.dk", Role.COORDINATOR, "Karen Koordinator")
        coordinator.coordinated_programmes = [f.programme(s, "BOOK")]
        kram_teacher = f.teacher(s, "kira@skole.dk", f.school(s, "KRAM Skole", "5000"))
        f.booking(s, kram_teacher, programme_code="KRAM", subject_code="kemi")
        s.commit()
        return {"visit": visit.id, "kemi": f.subject(s, "kemi").id}


def _as(app, email: str):
    client = app.test_client()
    f.login(client, email)
    return client


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d%0aSet-Cookie:%20x=1",
        "//evil.example",
        "/%5Cevil.example",
        "https://evil.example/",
        "/\u2028/evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_never_sends_the_person_off_site(app, people, target) -> None:
    response = app.test_client().post(
        f"/login?next={target}", data={"email": "tove@skole.dk", "password": f.PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/hjem"


def test_login_keeps_a_same_site_target(app, people) -> None:
    response = app.test_client().post(
        "/login?next=/laerer/bookinger/ny%3Fkopi%3D1",
        data={"email": "tove@skole.dk", "password": f.PASSWORD},
    )
    assert response.headers["Location"] == "/laerer/bookinger/ny?kopi=1"
    language = app.test_client().post("/language", data={"lang": "en", "next": "/\t/evil.example"})
    assert language.headers["Location"] == "/"


@pytest.mark.parametrize("who, url", [("tove@skole.dk", "laerer"), ("vera@firma.dk", "frivillig")])
def test_a_blank_rating_on_either_feedback_form_is_a_form_error(app, people, who, url) -> None:
    response = _as(app, who).post(
        f"/{url}/besoeg/{people['visit']}/feedback",
        data={"outcome": "completed", "pupils": "20", "rating": " "},
    )
    # A rating of blanks is no rating: the report is taken, nothing breaks.
    assert response.status_code == 302
    with app.app_context():
        visit = db.session.get(Visit, people["visit"])
        rating = visit.feedback[0].rating
        assert rating is None


def test_a_file_in_a_text_field_is_a_clear_400(app, people) -> None:
    response = app.test_client().post(
        "/login",
        data={"email": (io.BytesIO(b"tove@skole.dk"), "email.txt"), "password": f.PASSWORD},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Forespørgslen kunne ikke behandles" in response.get_data(as_text=True)
    account = _as(app, "tove@skole.dk").post(
        "/konto",
        data={"full_name": (io.BytesIO(b"Tove"), "navn.txt"), "locale": "da"},
        content_type="multipart/form-data",
    )
    assert account.status_code == 400


def test_a_nul_byte_in_a_search_is_refused_before_the_export_starts(app, people) -> None:
    coordinator = _as(app, "koord@example.dk")
    export = coordinator.get("/koordinator/eksport/volunteers.csv?q=Ve%00ra")
    assert export.status_code == 400
    assert coordinator.get("/koordinator/rollemodeller?q=%00").status_code == 400
    whole = coordinator.get("/koordinator/eksport/volunteers.csv?q=Vera").get_data(as_text=True)
    assert "vera@firma.dk" in whole


def test_a_request_larger_than_the_limit_gets_a_friendly_413(app, people) -> None:
    response = app.test_client().post(
        "/login", data={"email": "a" * (3 * 1024 * 1024), "password": "x"}
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "for stor" in page and "a" * 1000 not in page


def test_csrf_tokens_expire(strict_app, monkeypatch) -> None:
    assert 0 < load_config(Path(strict_app.instance_path), {})["WTF_CSRF_TIME_LIMIT"] <= 24 * 3600
    client = strict_app.test_client()
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 25 * 3600)
    page = client.get("/login").get_data(as_text=True)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"csrf_token": token, "email": "a@example.dk", "password": "x" * 12}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "name",
    [
        "\u200b\u200b\u200b",
        "\u202e\u202d\u2066\u2069",
        "\ufeff\u2060 \u200d",
        "\u202e\u200b.",
    ],
)
def test_names_made_of_invisible_or_direction_characters_are_refused(app, name) -> None:
    response = app.test_client().post(
        "/tilmeld/frivillig",
        data={
            "full_name": name,
            "email": "usynlig@example.dk",
            "password": "en lang og god sætning",
            "consent": "y",
        },
    )
    assert response.status_code == 200
    assert "navn" in response.get_data(as_text=True).lower()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_invisible_characters_are_taken_out_of_a_name_that_has_letters(app, people) -> None:
    client = _as(app, "tove@skole.dk")
    client.post("/konto", data={"full_name": "To\u200bve \u202eLærer", "locale": "da"})
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "tove@skole.dk"))
        assert user.full_name == "Tove Lærer"


def test_a_coordinator_cannot_retire_a_subject_another_programmes_bookings_use(app, people) -> None:
    client = _as(app, "koord@example.dk")
    response = client.post(f"/koordinator/fag/{people['kemi']}/inaktiv", data={})
    assert response.status_code in (302, 403)
    with app.app_context():
        assert db.session.get(Subject, people["kemi"]).active
    page = client.get("/koordinator/fag", follow_redirects=True).get_data(as_text=True)
    assert "andre programmer" in page

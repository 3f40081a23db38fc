import json

import sqlalchemy as sa

from mentor.extensions import db
from mentor.models import BookingRequest, TrainingRequest, User, Visit, VolunteerProfile
from mentor.models.enums import Role, TrainingKind, VisitStatus
from tests import factories as f


def _personal_data_left(values: list[str]) -> list[str]:
    """Every text-like column of every table that still holds one of the values."""
    hits = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, (sa.String, sa.Text, sa.JSON)):
                    continue
                text = sa.cast(column, sa.Text)
                for value in values:
                    found = conn.execute(
                        sa.select(sa.func.count())
                        .select_from(table)
                        .where(sa.func.lower(text).contains(value.lower()))
                    ).scalar()
                    if found:
                        hits.append(f"{table.name}.{column.name} holds {value!r}")
    return hits


def _setup(app):
    with app.app_context():
        teacher = f.teacher(db.session, "tove@skole.dk", name="Tove Tidsler")
        vera = f.volunteer(db.session, "vera@firma.dk", name="Vera Veninde")
        request = f.booking(db.session, teacher)
        f.completed_visit(db.session, request, vera.volunteer_profile, pupils=26)
        db.session.add(
            TrainingRequest(
                volunteer_id=vera.volunteer_profile.id,
                kind=TrainingKind.VIRTUAL,
                note="ring efter kl. 16 til Vera",
            )
        )
        db.session.commit()


def _reached(app) -> tuple[int, int]:
    with app.app_context():
        visits = db.session.scalar(
            sa.select(sa.func.count(Visit.id)).where(Visit.status == VisitStatus.COMPLETED)
        )
        pupils = db.session.scalar(sa.select(sa.func.sum(Visit.pupils_reached)))
        return visits, pupils


def test_export_contains_the_profile(app, client) -> None:
    _setup(app)
    f.login(client, "vera@firma.dk")
    response = client.get("/konto/mine-data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "vera@firma.dk"
    assert data["account"]["phone"] == "+45 12 34 56 78"
    assert data["volunteer_profile"]["job_title"] == "ingeniør"
    assert data["volunteer_profile"]["subjects"] == ["fysik"]
    assert data["visits"][0]["pupils_reached"] == 26
    [asked] = data["volunteer_profile"]["training_requests"]
    assert asked["kind"] == "virtual" and asked["note"] == "ring efter kl. 16 til Vera"
    assert any(entry["action"] == "login" for entry in data["activity_log"])


def test_teacher_export_has_their_requests(app, client) -> None:
    _setup(app)
    f.login(client, "tove@skole.dk")
    data = client.get("/konto/mine-data.json").get_json(force=True)
    assert data["teacher_profile"]["school"] == "Aarhus Skole"
    assert len(data["requests"]) == 1


def test_volunteer_deletes_account_personal_data_gone_figures_kept(app, client) -> None:
    _setup(app)
    before = _reached(app)
    f.login(client, "vera@firma.dk")
    wrong = client.post("/konto/slet", data={"password": "not-my-password", "confirm": "y"})
    assert wrong.status_code == 400
    response = client.post("/konto/slet", data={"password": f.PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    assert client.get("/konto").status_code == 302  # logged out

    with app.app_context():
        assert (
            _personal_data_left(
                [
                    "vera@firma.dk",
                    "Vera Veninde",
                    "12 34 56 78",
                    "Min vej til STEM gik",
                    "ring efter kl. 16",
                ]
            )
            == []
        )
        assert db.session.scalar(sa.select(sa.func.count(VolunteerProfile.id))) == 0
        visit = db.session.scalar(sa.select(Visit))
        assert visit.volunteer_id is None and visit.volunteer_gender == "woman"
        deleted = db.session.scalar(sa.select(User).where(User.role == Role.VOLUNTEER))
        assert deleted.deleted_at is not None and not deleted.is_active
    assert _reached(app) == before
    again = client.post("/login", data={"email": "vera@firma.dk", "password": f.PASSWORD})
    assert again.status_code == 200


def test_teacher_deletion_keeps_requests_anonymously(app, client) -> None:
    _setup(app)
    before = _reached(app)
    f.login(client, "tove@skole.dk")
    assert (
        client.post("/konto/slet", data={"password": f.PASSWORD, "confirm": "y"}).status_code == 302
    )
    with app.app_context():
        assert _personal_data_left(["tove@skole.dk", "Tove Tidsler"]) == []
        request = db.session.scalar(sa.select(BookingRequest))
        assert request.teacher_id is None
    assert _reached(app) == before


def test_admin_deletes_a_user_on_request(app, client) -> None:
    _setup(app)
    with app.app_context():
        f.user(db.session, "admin@example.dk", Role.ADMIN, "Ada Admin")
        vera_id = db.session.scalar(sa.select(User.id).where(User.email == "vera@firma.dk"))
        db.session.commit()
    f.login(client, "admin@example.dk")
    assert client.get(f"/admin/brugere/{vera_id}/slet").status_code == 200
    assert client.post(f"/admin/brugere/{vera_id}/slet", data={"confirm": "y"}).status_code == 302
    with app.app_context():
        assert _personal_data_left(["vera@firma.dk", "Vera Veninde"]) == []
        from mentor.models import AuditEntry

        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "account_deleted")
        )
        assert entry.object_id == vera_id and entry.details == {"by_self": False}
        assert db.session.scalar(sa.select(sa.func.count(TrainingRequest.id))) == 0


def test_account_settings_change_language_and_reminder_choice(app, client) -> None:
    _setup(app)
    f.login(client, "vera@firma.dk")
    response = client.post(
        "/konto",
        data={"full_name": "Vera V", "phone": "", "locale": "en", "reminders_opt_out": "y"},
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "vera@firma.dk"))
        assert (user.full_name, user.phone, user.locale, user.reminders_opt_out) == (
            "Vera V",
            None,
            "en",
            True,
        )

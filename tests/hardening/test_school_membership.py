"""Who may act for a school (issue 12, finding 1).

A teacher who joins an existing school is a pending member until an approved colleague
of that school, or a coordinator, approves her. Until then she sees and changes only her
own bookings, and those wait: no role model is sent to a school on a stranger's word.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from mentor.extensions import db
from mentor.mail.sender import deliver_outbox
from mentor.models import BookingRequest, OutboxMail, TeacherProfile, User, Visit
from mentor.models.enums import RequestStatus, Role, VisitStatus
from mentor.services.matching import Scope, load_problem
from tests import factories as f

SECRETS = ("hemmelig-emne", "7.hemmelig", "Hemmelig Firma", "hemmelig historie", "Vera")


@pytest.fixture
def app_config(smtp_server) -> dict[str, object]:
    return {"SMTP_HOST": smtp_server.host, "SMTP_PORT": smtp_server.port}


@pytest.fixture
def school(app) -> dict[str, int]:
    """Hemmelig Skole: Tove (approved), her confirmed booking with Vera, a visit held."""
    with app.app_context():
        s = db.session
        school = f.school(s, "Hemmelig Skole", "8000")
        tove = f.teacher(s, "tove@hemmelig.dk", school, name="Tove Lærer")
        vera = f.volunteer(s, "vera@firma.dk", name="Vera Veninde").volunteer_profile
        vera.employer, vera.story = "Hemmelig Firma", "Min hemmelig historie om fysik."
        planned = f.booking(s, tove, class_name="7.hemmelig", topic="hemmelig-emne")
        planned.status = RequestStatus.CONFIRMED
        s.add(
            Visit(
                request=planned,
                volunteer=vera,
                programme_id=planned.programme_id,
                format="physical",
                starts_at=f.NOW + timedelta(days=30),
                ends_at=f.NOW + timedelta(days=30, hours=2),
                status=VisitStatus.PLANNED,
            )
        )
        held = f.booking(s, tove, pupils=24, class_name="7.hemmelig")
        held.status = RequestStatus.CONFIRMED
        visit = Visit(
            request=held,
            volunteer=vera,
            programme_id=held.programme_id,
            format="physical",
            starts_at=f.NOW - timedelta(days=2),
            ends_at=f.NOW - timedelta(days=2) + timedelta(hours=2),
            status=VisitStatus.PLANNED,
        )
        s.add(visit)
        coordinator = f.user(s, "koord@example.dk", Role.COORDINATOR, "Karen Koordinator")
        coordinator.coordinated_programmes = [f.programme(s, "BOOK")]
        s.commit()
        return {
            "school_id": school.id,
            "tove_id": tove.id,
            "planned_id": planned.id,
            "visit_id": visit.id,
        }


def join(app, email: str, school_id: int, name: str = "Sara Fremmed") -> int:
    """Sign up as a teacher of an existing school through the form; verify the address."""
    response = app.test_client().post(
        "/tilmeld/laerer",
        data={
            "full_name": name,
            "email": email,
            "password": f.PASSWORD,
            "consent": "y",
            "school_id": str(school_id),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        user.email_verified_at = f.NOW
        db.session.commit()
        return user.id


def logged_in(app, email: str):
    client = app.test_client()
    f.login(client, email)
    return client


def test_a_stranger_who_joins_a_school_sees_and_changes_nothing_of_its_bookings(
    app, school
) -> None:
    join(app, "sara@fremmed.dk", school["school_id"])
    sara = logged_in(app, "sara@fremmed.dk")
    home = sara.get("/laerer/").get_data(as_text=True)
    assert not [s for s in SECRETS if s in home]
    assert "venter på godkendelse" in home
    booking, visit = school["planned_id"], school["visit_id"]
    for method, url, data in [
        ("GET", f"/laerer/bookinger/{booking}", None),
        ("GET", f"/laerer/bookinger/{booking}/ret", None),
        ("POST", f"/laerer/bookinger/{booking}/aflys", {}),
        ("POST", f"/laerer/bookinger/{booking}/besked", {"body": "Hej fra en fremmed"}),
        ("GET", f"/laerer/besoeg/{visit}/feedback", None),
        ("POST", f"/laerer/besoeg/{visit}/feedback", {"outcome": "completed", "pupils": "24"}),
    ]:
        response = sara.open(url, method=method, data=data)
        assert response.status_code == 404, (method, url, response.status_code)
        assert not [s for s in SECRETS if s in response.get_data(as_text=True)], url
    feedback = sara.get("/laerer/feedback").get_data(as_text=True)
    assert not [s for s in SECRETS if s in feedback]
    with app.app_context():
        assert db.session.get(BookingRequest, booking).status == RequestStatus.CONFIRMED
        assert db.session.get(Visit, visit).status == VisitStatus.PLANNED
        assert (
            db.session.scalar(
                sa.select(sa.func.count(OutboxMail.id)).where(OutboxMail.kind == "relayed_message")
            )
            == 0
        )


def test_a_pending_members_booking_waits_until_a_colleague_approves_her(
    app, school, smtp_server
) -> None:
    sara_id = join(app, "sara@fremmed.dk", school["school_id"])
    deliver_outbox(app)
    # The school's approved teacher is asked to vouch for the newcomer.
    asked = smtp_server.to("tove@hemmelig.dk")
    assert asked and "Sara Fremmed" in smtp_server.text_of(asked[-1])

    sara = logged_in(app, "sara@fremmed.dk")
    with app.app_context():
        tove = db.session.get(User, school["tove_id"])
        own = f.booking(db.session, db.session.get(User, sara_id), class_name="4.c")
        db.session.commit()
        own_id, programme_id = own.id, own.programme_id
    assert sara.get(f"/laerer/bookinger/{own_id}").status_code == 200
    with app.app_context():
        waiting = load_problem(db.session, Scope(programme_id), today=f.NOW.date())
        assert own_id not in {r.id for r in waiting.problem.requests}

    tove = logged_in(app, "tove@hemmelig.dk")
    page = tove.get("/laerer/kolleger").get_data(as_text=True)
    assert "Sara Fremmed" in page and "sara@fremmed.dk" in page
    assert tove.post(f"/laerer/kolleger/{sara_id}/godkend").status_code == 302

    with app.app_context():
        profile = db.session.scalar(
            sa.select(TeacherProfile).where(TeacherProfile.user_id == sara_id)
        )
        assert profile.approved_by_id == school["tove_id"] and profile.is_approved
        ready = load_problem(db.session, Scope(programme_id), today=f.NOW.date())
        assert own_id in {r.id for r in ready.problem.requests}
    home = sara.get("/laerer/").get_data(as_text=True)
    assert "7.hemmelig" in home  # shared with approved colleagues
    deliver_outbox(app)
    assert smtp_server.to("sara@fremmed.dk")


def test_a_coordinator_approves_or_rejects_and_a_rejected_members_bookings_end(app, school) -> None:
    sara_id = join(app, "sara@fremmed.dk", school["school_id"])
    bo_id = join(app, "bo@fremmed.dk", school["school_id"], name="Bo Fremmed")
    with app.app_context():
        bo_booking = f.booking(db.session, db.session.get(User, bo_id)).id
        db.session.commit()
    coordinator = logged_in(app, "koord@example.dk")
    page = coordinator.get("/koordinator/laerere/ventende").get_data(as_text=True)
    assert "Sara Fremmed" in page and "Bo Fremmed" in page and "Hemmelig Skole" in page
    assert coordinator.post(f"/koordinator/laerere/{sara_id}/godkend").status_code == 302
    assert coordinator.post(f"/koordinator/laerere/{bo_id}/afvis").status_code == 302
    with app.app_context():
        assert db.session.get(User, sara_id).teacher_profile.is_approved
        assert db.session.get(BookingRequest, bo_booking).status == RequestStatus.CANCELLED
    bo = logged_in(app, "bo@fremmed.dk")
    assert bo.get(f"/laerer/bookinger/{bo_booking}").status_code == 404
    assert bo.get("/laerer/bookinger/ny").status_code == 403
    # A pending member cannot vouch for anyone, not even another newcomer.
    eva_id = join(app, "eva@fremmed.dk", school["school_id"], name="Eva Fremmed")
    bo_again = join(app, "bo2@fremmed.dk", school["school_id"], name="Bo To")
    assert (
        logged_in(app, "bo2@fremmed.dk").post(f"/laerer/kolleger/{eva_id}/godkend").status_code
        == 404
    )
    with app.app_context():
        assert not db.session.get(User, eva_id).teacher_profile.is_approved
        assert not db.session.get(User, bo_again).teacher_profile.is_approved


def test_pupils_reported_are_bounded_by_the_class_size_unless_a_coordinator_approves(
    app, school
) -> None:
    tove = logged_in(app, "tove@hemmelig.dk")
    visit = school["visit_id"]
    page = tove.post(
        f"/laerer/besoeg/{visit}/feedback", data={"outcome": "completed", "pupils": "200"}
    )
    assert page.status_code == 200
    assert "24 elever" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Visit, visit).status == VisitStatus.PLANNED
    ok = tove.post(
        f"/laerer/besoeg/{visit}/feedback", data={"outcome": "completed", "pupils": "23"}
    )
    assert ok.status_code == 302
    coordinator = logged_in(app, "koord@example.dk")
    corrected = coordinator.post(
        f"/koordinator/besoeg/{visit}/ret",
        data={"outcome": "completed", "pupils": "30", "reason": "Parallelklassen var med."},
    )
    assert corrected.status_code == 302
    with app.app_context():
        assert db.session.get(Visit, visit).pupils_reached == 30

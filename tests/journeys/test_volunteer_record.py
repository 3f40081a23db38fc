"""The role model's own record, asking for a course, and notices that close once answered."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from mentor.extensions import db
from mentor.models import Feedback, Notice, Proposal, TrainingRequest
from mentor.models.base import utcnow
from mentor.models.enums import FeedbackAuthor, ProposalStatus, Role, TrainingKind
from tests import factories as f


def _role_model_with_history(app) -> dict[str, int]:
    with app.app_context():
        s = db.session
        vera = f.volunteer(s, "vera@example.dk", virtual=False)
        vera.volunteer_profile.virtual_ok = True
        teacher = f.teacher(s, "tove@example.dk", f.school(s, "Aarhus Skole", "8000"))
        other = f.teacher(s, "tim@example.dk", f.school(s, "Odense Skole", "5000"))
        first = f.completed_visit(
            s, f.booking(s, teacher, class_name="8.b"), vera.volunteer_profile, pupils=24
        )
        first.girls_reached = 12
        second = f.completed_visit(
            s,
            f.booking(s, other, class_name="2.x", level_code="stx"),
            vera.volunteer_profile,
            pupils=28,
            when=f.NOW - timedelta(days=40),
        )
        s.add(
            Feedback(
                visit=first,
                author_role=FeedbackAuthor.VOLUNTEER,
                author_id=vera.id,
                happened=True,
                rating=5,
            )
        )
        coordinator = f.user(s, "koord@example.dk", Role.COORDINATOR)
        coordinator.coordinated_programmes = [f.programme(s, "BOOK")]
        s.commit()
        return {"vera": vera.id, "profile": vera.volunteer_profile.id, "second": second.id}


def test_the_record_shows_past_visits_and_totals(app, client) -> None:
    _role_model_with_history(app)
    f.login(client, "vera@example.dk")
    page = client.get("/frivillig/mine-besoeg").get_data(as_text=True)
    assert "Tak! Du har været rollemodel for 2 klasser." in page
    assert "<strong>52</strong> elever mødt" in page and "<strong>2</strong> skoler" in page
    assert "<strong>12</strong> heraf piger" in page and "<strong>2</strong> skoler" in page
    assert "Aarhus Skole" in page and "Odense Skole" in page and "2.x" in page
    # Her own feedback is shown where given, and asked for where not.
    assert "Givet · 5 stjerner" in page
    assert "Giv tilbagemelding" in page
    # The menu leads here, marked as the current page.
    assert 'href="/frivillig/mine-besoeg" aria-current="page"' in page


def test_asking_for_the_virtual_course_reaches_the_coordinator(app, client) -> None:
    ids = _role_model_with_history(app)
    f.login(client, "vera@example.dk")
    home = client.get("/frivillig/").get_data(as_text=True)
    assert "Virtuelle oplæg kræver kurset i virtuel formidling." in home
    assert 'href="/frivillig/mine-besoeg#training"' in home
    response = client.post("/frivillig/kursus", data={"kind": "virtual", "note": "Gerne i maj"})
    assert response.status_code == 302
    # Asking twice keeps one request.
    client.post("/frivillig/kursus", data={"kind": "virtual", "note": ""})
    with app.app_context():
        [asked] = db.session.scalars(sa.select(TrainingRequest)).all()
        assert asked.kind == TrainingKind.VIRTUAL and asked.note == "Gerne i maj"
    assert "Du har bedt om:" in client.get("/frivillig/mine-besoeg").get_data(as_text=True)
    client.post("/logout")
    f.login(client, "koord@example.dk")
    coordinator_home = client.get("/koordinator/").get_data(as_text=True)
    assert "Rollemodeller, der har bedt om et kursus" in coordinator_home
    assert "Gerne i maj" in coordinator_home
    # Recording the course closes the request.
    client.post(
        f"/koordinator/rollemodeller/{ids['profile']}/uddannelse",
        data={"kind": "virtual", "completed_on": f.NOW.date().isoformat(), "note": ""},
    )
    with app.app_context():
        assert db.session.scalar(sa.select(TrainingRequest.handled_at)) is not None
    assert "Gerne i maj" not in client.get("/koordinator/").get_data(as_text=True)


def test_a_course_already_taken_cannot_be_asked_for(app, client) -> None:
    _role_model_with_history(app)
    f.login(client, "vera@example.dk")
    response = client.post("/frivillig/kursus", data={"kind": "story"})
    assert response.status_code == 400
    assert "Vælg en af mulighederne." in response.get_data(as_text=True)


def test_a_notice_disappears_once_its_proposal_is_answered(app, client) -> None:
    from mentor.services import proposals

    with app.app_context():
        s = db.session
        vera = f.volunteer(s, "vera@example.dk")
        teacher = f.teacher(s, "tove@example.dk")
        request = f.booking(s, teacher, days=((utcnow() + timedelta(days=30)).date(),))
        offer = proposals.Offer(
            request.id, vera.volunteer_profile.id, request.windows[0].id, "physical", 3.0, 0.1, {}
        )
        proposal = proposals.create_proposal(s, offer, now=utcnow())
        s.commit()
        proposal_id = proposal.id
    f.login(client, "vera@example.dk")
    assert "Nyt forslag" in client.get("/frivillig/").get_data(as_text=True)
    answered = client.post(f"/frivillig/forslag/{proposal_id}", data={"answer": "accept"})
    assert answered.status_code == 302
    assert "Nyt forslag" not in client.get("/frivillig/").get_data(as_text=True)
    # The accepted proposal's page links to the visit it became.
    page = client.get(f"/frivillig/forslag/{proposal_id}").get_data(as_text=True)
    assert "/frivillig/besoeg/" in page
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).status == ProposalStatus.ACCEPTED
        assert db.session.scalar(sa.select(Notice.topic)) == f"proposal:{proposal_id}"

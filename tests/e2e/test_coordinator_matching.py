"""Journey 3: a coordinator approves a volunteer, records training, previews and commits."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from mentor.models import BookingRequest, MatchingRun, Proposal
from mentor.models.enums import (
    ProposalStatus,
    RequestStatus,
    Role,
    RunStatus,
    TrainingKind,
    VolunteerStatus,
)
from tests import factories as f
from tests.e2e.browser import assert_translated, visit_day

pytestmark = pytest.mark.e2e

COORDINATOR = "karen.koordinator@example.dk"
DANISH_TEXTS = {"home": "Det kræver din opmærksomhed", "volunteers-pending": "Rollemodeller"}


def test_coordinator_approves_trains_and_commits_a_matching_run(person, seed) -> None:
    with seed() as session:
        karen = f.user(session, COORDINATOR, Role.COORDINATOR, "Karen Koordinator")
        karen.coordinated_programmes = [f.programme(session, "BOOK"), f.programme(session, "KRAM")]
        vera = f.volunteer(session, "vera@firma.example.dk", name="Vera Frivillig", approved=False)
        teacher = f.teacher(session, "tove@skole.example.dk")
        booking = f.booking(session, teacher, days=(visit_day(),), class_name="8.b")
        ids = {
            "volunteer": vera.volunteer_profile.id,
            "request": booking.id,
            "BOOK": f.programme(session, "BOOK").id,
        }
    coordinator = person("coordinator")
    page = coordinator.page

    coordinator.login(COORDINATOR, f.PASSWORD)
    assert coordinator.path() == "/koordinator/"
    coordinator.check_page("home")

    # From "waiting for approval" to the volunteer's page.
    coordinator.follow("status=pending&sort=created")
    coordinator.check_page("volunteers-pending")
    coordinator.follow(f"/koordinator/rollemodeller/{ids['volunteer']}")
    coordinator.check_page("volunteer-pending")
    coordinator.submit("form[action$='/godkend']")
    assert page.locator(".flash-success").count() == 1
    assert page.locator("form[action$='/godkend']").count() == 0
    coordinator.check_page("volunteer-approved")

    page.select_option("#kind", TrainingKind.PRESENTATION.value)
    page.fill("#completed_on", "2026-09-01")
    page.fill("#note", "Kursus i Aarhus")
    coordinator.submit("form[action$='/uddannelse']")
    assert page.locator(".flash-success").count() == 1
    coordinator.check_page("volunteer-trained", screenshot=True)

    # The main menu leads to matching; the preview changes nothing until it is saved.
    coordinator.nav("/koordinator/matching")
    coordinator.check_page("runs")
    page.select_option("#programme_id", str(ids["BOOK"]))
    page.select_option("#region_code", "0")
    coordinator.submit("form:has(#programme_id)")
    assert coordinator.path().startswith("/koordinator/matching/"), coordinator.flashes()
    proposed = page.locator("main tr", has=page.locator(f"text=#{ids['request']}"))
    assert "Vera Frivillig" in proposed.first.inner_text()
    coordinator.check_page("run-preview", screenshot=True)
    with seed() as session:
        assert session.scalar(sa.select(sa.func.count(Proposal.id))) == 0

    coordinator.submit("form[action$='/gem']")
    assert page.locator(".flash-success").count() == 1
    assert page.locator("form[action$='/gem']").count() == 0
    coordinator.check_page("run-committed", screenshot=True)

    with seed() as session:
        profile = session.get(f.VolunteerProfile, ids["volunteer"])
        assert profile.status == VolunteerStatus.APPROVED
        presentation = [t for t in profile.trainings if t.kind == TrainingKind.PRESENTATION]
        assert [(t.completed_on, t.note) for t in presentation] == [
            (date(2026, 9, 1), "Kursus i Aarhus")
        ]
        run = session.scalars(sa.select(MatchingRun)).one()
        assert run.status == RunStatus.COMMITTED
        proposal = session.scalars(sa.select(Proposal)).one()
        assert (proposal.request_id, proposal.volunteer_id) == (ids["request"], ids["volunteer"])
        assert proposal.status == ProposalStatus.PENDING
        assert session.get(BookingRequest, ids["request"]).status == RequestStatus.PROPOSED

    assert_translated(coordinator, DANISH_TEXTS)

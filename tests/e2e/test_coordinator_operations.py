"""Journey: a coordinator runs the season — edits a school, sets a goal, assigns a role
model from the ranked list and sends a bulk message."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mentor.models import OutboxMail, ProgrammeGoal, Proposal, School
from mentor.models.enums import Role
from mentor.services.goals import school_year
from mentor.services.schools import find_or_create_school
from tests import factories as f
from tests.e2e.browser import assert_translated, visit_day

pytestmark = pytest.mark.e2e

COORDINATOR = "karen.koordinator@example.dk"
DANISH_TEXTS = {
    "goal-new": "Nyt mål",
    "goals": "Aktivitetsmål",
    "find": "Find rollemodel",
    "bulk-preview": "Skriv til mange",
}


def test_coordinator_runs_the_season(person, seed) -> None:
    with seed() as session:
        karen = f.user(session, COORDINATOR, Role.COORDINATOR, "Karen Koordinator")
        karen.coordinated_programmes = [f.programme(session, "BOOK"), f.programme(session, "KRAM")]
        from mentor.models.enums import SchoolType

        school = find_or_create_school(
            session, name="Hjørring Skole", school_type=SchoolType.FOLKESKOLE, postcode="9800"
        )
        teacher = f.teacher(session, "tove@skole.example.dk", school, name="Tove Tidsler")
        booking = f.booking(session, teacher, days=(visit_day(),), class_name="8.b")
        for n, name in enumerate(("Vera Vestergaard", "Birgit Bach", "Olga Opt-Out")):
            person_ = f.volunteer(
                session, f"v{n}@firma.example.dk", name=name, postcode="9800", programmes=("BOOK",)
            )
            person_.reminders_opt_out = name.startswith("Olga")
        ids = {
            "school": school.id,
            "request": booking.id,
            "BOOK": f.programme(session, "BOOK").id,
            "udskoling": f.level(session, "udskoling").id,
        }
    coordinator = person("coordinator")
    page = coordinator.page
    coordinator.login(COORDINATOR, f.PASSWORD)

    # Edit a school: the street address the role model needs.
    coordinator.open("/koordinator/skoler")
    coordinator.follow(f"/koordinator/skoler/{ids['school']}")
    coordinator.check_page("school")
    page.fill("#address", "Skolevej 12")
    page.fill("#phone", "98 92 00 00")
    coordinator.submit("form:has(#address)")
    assert page.locator(".flash-success").count() == 1, coordinator.flashes()
    assert "Skolevej 12, 9800 Hjørring" in page.inner_text("main")
    coordinator.check_page("school-saved", screenshot=True)

    # Set a goal for this school year.
    coordinator.open("/koordinator/maal")
    coordinator.check_page("goals")
    coordinator.follow("/koordinator/maal/ny")
    coordinator.check_page("goal-new")
    page.select_option("#programme_id", str(ids["BOOK"]))
    page.fill("#label", "Grundskole")
    page.check(f"input[name=level_ids][value='{ids['udskoling']}']")
    page.check("input[name=measure][value=pupils]")
    page.fill("#pupils_goal", "320")
    page.fill("#classes_goal", "16")
    coordinator.submit("form:has(#label)")
    assert page.locator(".flash-success").count() == 1, coordinator.flashes()
    coordinator.check_page("goals-saved", screenshot=True)

    # Assign from the ranked list: one click proposes the first role model.
    coordinator.open(f"/koordinator/bookinger/{ids['request']}")
    coordinator.follow(f"/koordinator/bookinger/{ids['request']}/tildel")
    coordinator.check_page("find", screenshot=True)
    first = page.locator("ol.candidate-list > li").first
    chosen_name = first.locator("h3 a").inner_text().strip()
    coordinator.submit("ol.candidate-list > li:first-child form")
    assert coordinator.path() == f"/koordinator/bookinger/{ids['request']}"
    assert chosen_name in page.inner_text(".current-match")
    coordinator.check_page("booking-proposed", screenshot=True)

    # A bulk message to the approved BOOK role models in Region Nordjylland.
    coordinator.open("/koordinator/beskeder")
    page.check("input[name=audience][value=volunteers]")
    page.select_option("#programme_id", str(ids["BOOK"]))
    page.select_option("#region_code", "1081")
    page.fill("#subject", "Inspirationsmøde i Hjørring")
    page.fill("#body", "Kære rollemodeller\n\nVi ses til inspirationsmøde den 3. marts.")
    coordinator.submit("form:has(#subject)")
    assert page.locator(".mail-preview").count() == 1, coordinator.flashes()
    assert "2" in page.inner_text(".preview [role=status]")
    coordinator.check_page("bulk-preview", screenshot=True)
    with page.expect_navigation():
        page.click("button[name=action][value=send]")
    assert page.locator(".flash-success").count() == 1, coordinator.flashes()
    coordinator.check_page("bulk-sent")

    with seed() as session:
        school = session.get(School, ids["school"])
        assert (school.address, school.phone) == ("Skolevej 12", "98 92 00 00")
        goal = session.scalars(sa.select(ProgrammeGoal)).one()
        assert (goal.label, goal.pupils_goal) == ("Grundskole", 320)
        assert (goal.period_start, goal.period_end) == school_year(goal.period_start)
        proposal = session.scalars(sa.select(Proposal)).one()
        assert proposal.volunteer.user.full_name == chosen_name
        bulk_to = set(
            session.scalars(
                sa.select(OutboxMail.to_address).where(OutboxMail.kind == "bulk_message")
            )
        )
        assert bulk_to == {"v0@firma.example.dk", "v1@firma.example.dk"}

    assert_translated(coordinator, DANISH_TEXTS)

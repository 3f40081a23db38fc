"""Journeys of issue 15: the landing page, sign-up through the privacy notice, the role
model's record, each role's one menu, and a mail as it looks on a phone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from mentor.models import Feedback, TrainingRequest
from mentor.models.base import utcnow
from mentor.models.enums import FeedbackAuthor, Role, TrainingKind
from tests import factories as f
from tests.e2e.browser import (
    AXE_JS,
    BLOCKING_IMPACTS,
    OVERFLOWING_ELEMENTS,
    Journey,
    assert_translated,
    screenshot_dir,
    visit_day,
)

pytestmark = pytest.mark.e2e

PASSWORD = "min vej til stem gik via fysik"


def test_landing_and_sign_up_through_the_privacy_notice(person, seed) -> None:
    with seed() as session:
        f.programme(session, "KRAM")
    nora = person("visitor")
    page = nora.page
    nora.open("/")
    nora.check_page("landing", screenshot=True)
    assert page.locator("main .steps li").count() == 8  # what happens after signing up
    assert page.locator("img[src$='/static/logo.svg']").count() >= 1
    nora.follow("/tilmeld/frivillig")
    nora.check_page("signup")
    page.fill("#full_name", "Nora Ny")
    page.fill("#email", "nora@example.dk")
    page.fill("#password", PASSWORD)

    # The consent text links the privacy notice; it opens beside the form.
    with page.context.expect_page() as opened:
        page.click("#consent-help a[href$='/privatliv']")
    notice = opened.value
    notice.wait_for_load_state()
    form_page, nora.page = nora.page, notice
    nora.check_page("privacy-notice", screenshot=True)
    for section in ("controller", "purposes", "recipients", "retention", "rights", "cookies"):
        assert notice.locator(f"#{section}").count() == 1, section
    assert "Datatilsynet" in notice.inner_text("main")
    notice.close()
    nora.page = form_page

    # Forgetting the box: the summary names the field briefly, and what was typed stays.
    nora.submit("form:has(#consent)")
    assert page.locator("#error-summary a[href='#consent']").count() == 1
    assert page.input_value("#full_name") == "Nora Ny"
    assert page.input_value("#email") == "nora@example.dk"
    assert page.input_value("#password") == ""
    nora.check_page("signup-error", screenshot=True)
    nora.remember("consent-error", "#error-summary a[href='#consent']")
    page.fill("#password", PASSWORD)
    page.check("#consent")
    nora.submit("form:has(#consent)")
    # Sign-up answers alike whether or not the address has an account: log in next.
    assert nora.path() == "/login", nora.flashes()
    nora.login("nora@example.dk", PASSWORD)
    assert nora.path() == "/frivillig/", nora.flashes()
    nora.check_page("welcome")
    assert_translated(
        nora,
        {
            "landing": "Rollemodeller fra STEM",
            "privacy-notice": "Privatlivspolitik",
            "consent-error": "Samtykke",
        },
    )


def test_role_model_sees_her_record_and_asks_for_the_course(person, seed) -> None:
    with seed() as session:
        vera = f.volunteer(session, "vera@example.dk", name="Vera Frivillig")
        vera.volunteer_profile.virtual_ok = True
        tove = f.teacher(session, "tove@example.dk", f.school(session, "Aarhus Skole", "8000"))
        for weeks, pupils in ((3, 24), (12, 27), (30, 22)):
            visit = f.completed_visit(
                session,
                f.booking(session, tove, class_name="8.b"),
                vera.volunteer_profile,
                pupils=pupils,
                when=utcnow() - timedelta(weeks=weeks),
            )
            visit.girls_reached = pupils // 2
        session.add(
            Feedback(
                visit=visit,
                author_role=FeedbackAuthor.VOLUNTEER,
                author_id=vera.id,
                happened=True,
                rating=5,
            )
        )
    role_model = person("volunteer")
    page = role_model.page
    role_model.login("vera@example.dk", f.PASSWORD)
    role_model.check_page("home")
    role_model.nav("/frivillig/mine-besoeg")
    role_model.check_page("record", screenshot=True)
    assert page.locator(".record-figures strong").first.inner_text() == "3"
    assert page.locator("main tbody tr").count() == 3
    page.select_option("#kind", TrainingKind.VIRTUAL.value)
    page.fill("#note", "Gerne en onsdag")
    role_model.submit("form:has(#kind)")
    assert page.locator(".flash-success").count() == 1, role_model.flashes()
    role_model.check_page("record-course-asked")
    with seed() as session:
        asked = session.scalars(sa.select(TrainingRequest)).one()
        assert asked.kind == TrainingKind.VIRTUAL and asked.note == "Gerne en onsdag"
    assert_translated(role_model, {"record": "Mine besøg"})


#: Each role's menu: the entries that must be there, in order.
MENUS = {
    Role.VOLUNTEER: [
        "/frivillig/",
        "/frivillig/profil",
        "/frivillig/mine-besoeg",
        "/frivillig/feedback",
    ],
    Role.TEACHER: ["/laerer/", "/laerer/bookinger/ny", "/laerer/feedback"],
    Role.COORDINATOR: [
        "/koordinator/",
        "/koordinator/rollemodeller",
        "/koordinator/bookinger",
        "/koordinator/matching",
        "/koordinator/besoeg",
        "/koordinator/skoler",
        "/koordinator/laerere",
        "/koordinator/fag",
        "/koordinator/effekt",
        "/koordinator/maal",
        "/koordinator/beskeder",
    ],
    Role.ADMIN: [
        "/admin/",
        "/koordinator/",
        "/admin/brugere",
        "/admin/koordinatorer",
        "/admin/programmer",
    ],
}


def test_each_role_has_one_menu(person, seed) -> None:
    with seed() as session:
        f.volunteer(session, "vera@example.dk")
        f.teacher(session, "tove@example.dk")
        karen = f.user(session, "karen@example.dk", Role.COORDINATOR)
        karen.coordinated_programmes = [f.programme(session, "BOOK")]
        f.user(session, "admin@example.dk", Role.ADMIN)
    emails = {
        Role.VOLUNTEER: "vera@example.dk",
        Role.TEACHER: "tove@example.dk",
        Role.COORDINATOR: "karen@example.dk",
        Role.ADMIN: "admin@example.dk",
    }
    for role, entries in MENUS.items():
        someone: Journey = person(role.value)
        page = someone.page
        someone.login(emails[role], f.PASSWORD)
        someone.open_menu()
        # One menu, with the role's entries, and nothing competing with it in the page.
        assert page.locator("nav.main-nav").count() == 1
        assert page.locator("main nav.subnav").count() == 0
        hrefs = page.locator("nav.main-nav a").evaluate_all("links => links.map(a => a.pathname)")
        assert hrefs == entries, (role, hrefs)
        current = page.locator("nav.main-nav a[aria-current='page']")
        assert current.count() == 1 and current.evaluate("a => a.pathname") == someone.path()
        # A tap target of at least 44 px for every entry.
        heights = page.locator("#site-menu a").evaluate_all(
            "links => links.map(a => a.getBoundingClientRect().height)"
        )
        assert min(heights) >= 44, (role, heights)
        someone.check_page(f"menu-{role.value}", screenshot=True)
        # The last entry leads where it says, and is then the current one.
        someone.nav(entries[-1])
        assert page.locator("nav.main-nav a[aria-current='page']").count() == 1
        someone.close()


def _check_mail_page(journey: Journey, step: str) -> None:
    """The width, axe and screenshot checks of check_page, for a mail (no app page)."""
    page = journey.page
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, (step, page.evaluate(OVERFLOWING_ELEMENTS))
    page.add_script_tag(path=str(AXE_JS))
    violations: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, blocking
    folder = screenshot_dir()
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(folder / f"{journey.test_name}-{journey.variant.name}-{journey.who}-{step}.png"),
        full_page=True,
    )


def test_proposal_mail_reads_well_on_a_phone(person, seed, app, smtp_sink, variant) -> None:
    from mentor.mail.sender import deliver_outbox
    from mentor.services import proposals

    smtp_sink.clear()
    with seed() as session:
        vera = f.volunteer(session, "vera@example.dk", name="Vera Frivillig")
        vera.locale = variant.locale
        tove = f.teacher(session, "tove@example.dk", f.school(session, "Aarhus Skole", "8000"))
        booking = f.booking(session, tove, days=(visit_day(),), class_name="8.b", topic="Droner")
        offer = proposals.Offer(
            booking.id, vera.volunteer_profile.id, booking.windows[0].id, "physical", 4.2, 0.1, {}
        )
        proposals.create_proposal(session, offer, now=utcnow())
    deliver_outbox(app)
    [mail] = smtp_sink.to("vera@example.dk")
    html = mail.get_body(preferencelist=("html",)).get_content()
    reader = person("volunteer")
    reader.page.set_content(html)
    assert reader.page.get_attribute("html", "lang") == variant.locale
    button = reader.page.locator("a.button")
    assert button.count() == 1
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44
    _check_mail_page(reader, "proposal-mail")
    # The big button is the signed answer link: it opens the proposal without logging in.
    reader.open(button.get_attribute("href") or "")
    assert "/frivillig/svar/" in reader.path()
    reader.check_page("proposal-from-mail")

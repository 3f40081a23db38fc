"""Journey: a teacher joins an existing school, waits, and a colleague vouches for her.

Also the account page's "log out on all other devices" (issue 12, findings 1 and 5).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mentor.models import TeacherProfile, User
from mentor.models.enums import SchoolMembership
from tests import factories as f
from tests.e2e.browser import assert_translated

pytestmark = pytest.mark.e2e

NEWCOMER = "nina.ny@skole.example.dk"
PASSWORD = "ny lærer på skolen i år"
COLLEAGUE = "tove@skole.example.dk"
DANISH_TEXTS = {
    "waiting-home": "Mine bookinger",
    "colleagues": "Kolleger på",
    "account": "Min konto",
}


def test_a_new_teacher_waits_until_a_colleague_vouches_for_her(person, seed, mail_link) -> None:
    with seed() as session:
        school = f.school(session, "Strandskolen", "8000")
        tove = f.teacher(session, COLLEAGUE, school, name="Tove Lærer")
        f.booking(session, tove, class_name="7.a", topic="Solceller på taget")
        school_id = school.id

    nina = person("newcomer")
    page = nina.page
    nina.open("/tilmeld/laerer")
    page.fill("#full_name", "Nina Ny")
    page.fill("#email", NEWCOMER)
    page.fill("#password", PASSWORD)
    page.select_option("#school_id", str(school_id))
    page.check("#consent")
    nina.submit("form:has(#consent)")
    assert nina.path() == "/login", nina.flashes()
    nina.open(mail_link(NEWCOMER, "/bekraeft/"))
    nina.login(NEWCOMER, PASSWORD)
    assert nina.path() == "/laerer/"
    # Nothing of the school's bookings, and a word on why.
    assert "Solceller" not in page.inner_text("main")
    assert page.locator("main .flash").count() == 1
    nina.check_page("waiting-home", screenshot=True)

    # Tove is asked by mail, and vouches for Nina from the colleagues page.
    assert mail_link(COLLEAGUE, "/laerer/kolleger")
    tove_browser = person("colleague")
    tove_browser.login(COLLEAGUE, f.PASSWORD)
    tove_browser.open("/laerer/kolleger")
    assert "Nina Ny" in tove_browser.page.inner_text("main")
    tove_browser.check_page("colleagues", screenshot=True)
    tove_browser.submit("form[action$='/godkend']")
    assert tove_browser.path() == "/laerer/kolleger"
    with seed() as session:
        nina_id = session.scalar(sa.select(User.id).where(User.email == NEWCOMER))
        profile = session.scalar(sa.select(TeacherProfile).where(TeacherProfile.user_id == nina_id))
        assert profile.membership == SchoolMembership.APPROVED

    # Now the school's bookings are hers to share.
    nina.open("/laerer/")
    assert "Solceller" in page.inner_text("main")

    # Tove ends her other sessions from the account page (one on another device).
    other_device = person("colleague-phone")
    other_device.login(COLLEAGUE, f.PASSWORD)
    tove_browser.open("/konto")
    tove_browser.check_page("account", screenshot=True)
    tove_browser.submit("form[action$='/konto/log-ud-andre']")
    assert tove_browser.path() == "/konto"
    other_device.open("/laerer/")
    assert other_device.path().startswith("/login")

    assert_translated(nina, {"waiting-home": DANISH_TEXTS["waiting-home"]})
    assert_translated(tove_browser, {k: DANISH_TEXTS[k] for k in ("colleagues", "account")})

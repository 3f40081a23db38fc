"""Journey 1: a volunteer signs up, confirms the address from the mail, fills the profile."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mentor.models import User
from mentor.models.enums import Gender, VolunteerStatus
from tests import factories as f
from tests.e2e.browser import assert_translated, visit_day

pytestmark = pytest.mark.e2e

EMAIL = "vera.frivillig@example.dk"
PASSWORD = "min vej til stem gik via fysik"
DANISH_TEXTS = {
    "signup-form": "Bliv rollemodel",
    "profile-form": "Min profil",
    "status-badge": "Afventer godkendelse",
    "error-summary": "Ret venligst følgende",
}


def test_volunteer_signs_up_verifies_and_fills_profile(person, seed, mail_link, app) -> None:
    with seed() as session:
        ids = {
            "fysik": f.subject(session, "fysik").id,
            "matematik": f.subject(session, "matematik").id,
            "udskoling": f.level(session, "udskoling").id,
            "stx": f.level(session, "stx").id,
            "BOOK": f.programme(session, "BOOK").id,
            "KRAM": f.programme(session, "KRAM").id,
        }
    vera = person("volunteer")
    page = vera.page

    vera.open("/tilmeld/frivillig")
    vera.check_page("signup-form")
    page.fill("#full_name", "Vera Frivillig")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.check("#consent")
    vera.submit("form:has(#consent)")
    # The same answer for a new and a taken address: check your mail, then log in.
    assert vera.path() == "/login", vera.flashes()
    vera.check_page("signup-check-mail")
    vera.login(EMAIL, PASSWORD)
    assert vera.path() == "/frivillig/", vera.flashes()
    # Not verified yet: the banner says so and offers to send the mail again.
    assert page.locator(".flash-warn form[action$='/bekraeft/igen']").count() == 1
    vera.check_page("welcome-unverified")

    vera.open(mail_link(EMAIL, "/bekraeft/"))
    assert vera.path() == "/frivillig/"
    assert page.locator(".flash-warn").count() == 0
    vera.check_page("welcome-verified")

    vera.follow("/frivillig/profil")
    vera.check_page("profile-form")
    page.fill("#phone", "+45 22 33 44 55")
    page.check("input[name=gender][value=woman]")
    page.fill("#job_title", "Ingeniør")
    page.fill("#employer", "Vestas")
    page.fill("#story", "Jeg byggede radioer som barn.")
    for subject in ("fysik", "matematik"):
        page.check(f"input[name=subjects][value='{ids[subject]}']")
    for level in ("udskoling", "stx"):
        page.check(f"input[name=levels][value='{ids[level]}']")
    for programme in ("BOOK", "KRAM"):
        page.check(f"input[name=programmes][value='{ids[programme]}']")
    page.fill("#travel_radius_km", "40")
    page.check("#virtual_ok")
    page.fill("#visits_per_term", "3")
    page.uncheck("input[name=weekdays][value='4']")  # not on Fridays
    start, end = visit_day(2), visit_day(20)
    page.fill("#period1_from", start.isoformat())
    page.fill("#period1_to", end.isoformat())
    page.fill("#blackout_dates", visit_day(6).isoformat())

    # Forgetting the postcode shows the error summary, linked to the field.
    vera.submit("form:has(#postcode)")
    assert page.locator("#error-summary a[href='#postcode']").count() == 1
    assert page.get_attribute("#postcode", "aria-invalid") == "true"
    vera.check_page("profile-form-error")
    vera.remember("error-summary", "#error-summary h2")
    # What was filled in survives the round trip.
    assert page.is_checked(f"input[name=subjects][value='{ids['fysik']}']")

    page.fill("#postcode", "8000")
    vera.submit("form:has(#postcode)")
    assert vera.path() == "/frivillig/", vera.flashes()
    assert page.locator(".flash-success").count() == 1
    vera.check_page("home-pending", screenshot=True)
    vera.remember("status-badge", "main .badge")

    with seed() as session:
        user = session.scalars(sa.select(User).where(User.email == EMAIL)).one()
        profile = user.volunteer_profile
        assert user.email_verified_at is not None
        assert user.locale == vera.variant.locale
        assert profile.status == VolunteerStatus.PENDING
        assert profile.gender == Gender.WOMAN
        assert (profile.postcode, profile.travel_radius_km, profile.visits_per_term) == (
            "8000",
            40,
            3,
        )
        assert profile.virtual_ok
        assert {s.code for s in profile.subjects} == {"fysik", "matematik"}
        assert {lv.code for lv in profile.levels} == {"udskoling", "stx"}
        assert {p.code for p in profile.programmes} == {"BOOK", "KRAM"}
        assert list(profile.weekdays) == [0, 1, 2, 3]
        assert [(p.date_from, p.date_to) for p in profile.periods] == [(start, end)]
        assert [b.day for b in profile.blackout_dates] == [visit_day(6)]

    assert_translated(vera, DANISH_TEXTS)

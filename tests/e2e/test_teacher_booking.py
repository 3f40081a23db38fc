"""Journey 2: a teacher signs up with a new school, confirms the address, books an expert."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mentor.models import BookingRequest, User
from mentor.models.enums import RequestFormat, RequestStatus
from tests import factories as f
from tests.e2e.browser import assert_translated, visit_day

pytestmark = pytest.mark.e2e

EMAIL = "tove.laerer@skole.example.dk"
PASSWORD = "klassen glæder sig til besøget"
DANISH_TEXTS = {
    "signup-form": "Opret lærerkonto",
    "home": "Mine bookinger",
    "booking-form": "Book en ekspert",
    "status-badge": "Modtaget",
}


def test_teacher_signs_up_verifies_and_books_an_expert(person, seed, mail_link) -> None:
    with seed() as session:
        f.school(session, "Eksisterende Skole", "2100")  # the list of schools is not empty
        ids = {
            "BOOK": f.programme(session, "BOOK").id,
            "udskoling": f.level(session, "udskoling").id,
            "fysik": f.subject(session, "fysik").id,
            "matematik": f.subject(session, "matematik").id,
        }
    tove = person("teacher")
    page = tove.page

    tove.open("/tilmeld/laerer")
    tove.check_page("signup-form")
    page.fill("#full_name", "Tove Lærer")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.fill("#school_name", "Testskolen i Aarhus")
    page.select_option("#school_type", "folkeskole")
    page.fill("#school_address", "Skolevej 1")
    page.fill("#school_postcode", "8000")
    page.check("#consent")
    tove.submit("form:has(#consent)")
    # The same answer for a new and a taken address: check your mail, then log in.
    assert tove.path() == "/login", tove.flashes()
    tove.login(EMAIL, PASSWORD)
    assert tove.path() == "/laerer/", tove.flashes()
    tove.check_page("home-unverified")

    # Booking needs a confirmed address.
    tove.open(mail_link(EMAIL, "/bekraeft/"))
    assert tove.path() == "/laerer/"
    assert page.locator(".flash-warn").count() == 0
    tove.check_page("home")

    tove.follow("/laerer/bookinger/ny")
    tove.check_page("booking-form")
    first, second = visit_day(4, weekday=1), visit_day(5, weekday=3)
    page.select_option("#programme_id", str(ids["BOOK"]))
    page.select_option("#level_id", str(ids["udskoling"]))
    page.fill("#class_name", "8.b")
    page.fill("#pupils", "24")
    page.fill("#girls", "12")
    page.select_option("#primary_subject_id", str(ids["fysik"]))
    page.check(f"input[name=other_subject_ids][value='{ids['matematik']}']")
    page.fill("#topic", "Vindmøller og energi")
    page.fill("#window1_day", first.isoformat())
    page.fill("#window1_start", "09:00")
    page.fill("#window1_end", "11:00")
    # A second date with its end before its start is refused with the error beside it.
    page.fill("#window2_day", second.isoformat())
    page.fill("#window2_start", "12:00")
    page.fill("#window2_end", "10:00")
    page.check("input[name=format][value=physical]")
    tove.submit("form:has(#window1_day)")
    assert page.locator("#error-summary a[href='#window2_end']").count() == 1
    tove.check_page("booking-form-error")

    page.fill("#window2_end", "14:00")
    tove.submit("form:has(#window1_day)")
    assert tove.path().startswith("/laerer/bookinger/"), tove.flashes()
    assert page.locator(".flash-success").count() == 1
    tove.check_page("booking-detail", screenshot=True)

    with seed() as session:
        teacher = session.scalars(sa.select(User).where(User.email == EMAIL)).one()
        booking = session.scalars(sa.select(BookingRequest)).one()
        assert booking.teacher_id == teacher.id
        assert booking.school.name == "Testskolen i Aarhus" and booking.school.postcode == "8000"
        assert tove.path() == f"/laerer/bookinger/{booking.id}"
        assert booking.status == RequestStatus.SUBMITTED
        assert booking.format == RequestFormat.PHYSICAL
        assert (booking.class_name, booking.pupils, booking.girls) == ("8.b", 24, 12)
        assert booking.primary_subject.code == "fysik"
        assert [s.code for s in booking.other_subjects] == ["matematik"]
        windows = sorted((w.day, w.start_time.hour, w.end_time.hour) for w in booking.windows)
        assert windows == [(first, 9, 11), (second, 12, 14)]
        booking_id = booking.id

    # The overview lists the booking with a link to it.
    tove.follow("/laerer/")
    assert page.locator(f"main a[href$='/laerer/bookinger/{booking_id}']").count() == 1
    tove.check_page("home-with-booking", screenshot=True)
    tove.remember("status-badge", "main td .badge")

    assert_translated(tove, DANISH_TEXTS)

"""The teacher's journey: book, see the state, edit and cancel until confirmed, message."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from mentor.models import AuditEntry, BookingRequest, OutboxMail, Proposal
from mentor.models.base import utcnow
from mentor.models.enums import (
    REQUEST_TRANSITIONS,
    ProposalStatus,
    RequestStatus,
    VisitFormat,
)
from mentor.services import requests as booking
from mentor.services.errors import DomainError
from tests.journeys.conftest import NOW, login, next_weekday


def booking_form(world, school, **overrides):
    today = utcnow().date()
    data = {
        "programme_id": str(world.programmes["BOOK"].id),
        "school_id": str(school.id),
        "level_id": str(world.levels["udskoling"].id),
        "class_name": "8.b",
        "pupils": "24",
        "girls": "11",
        "primary_subject_id": str(world.subjects["fysik"].id),
        "other_subject_ids": [str(world.subjects["matematik"].id)],
        "topic": "Hvordan virker en vindmølle?",
        "format": "either",
        "gender_focus": "none",
        "language": "da",
        "whole_class": "y",
        "window1_day": next_weekday(today, 21).isoformat(),
        "window1_start": "09:00",
        "window1_end": "11:00",
        "window2_day": next_weekday(today, 28).isoformat(),
        "window2_start": "12:00",
        "window2_end": "14:00",
    }
    data.update(overrides)
    return data


def request_count(session) -> int:
    session.expire_all()
    return session.scalar(sa.select(sa.func.count(BookingRequest.id)))


def test_verified_teacher_books_a_role_model(client, world, session):
    teacher = world.teacher()
    school = teacher.teacher_profile.school
    login(client, teacher)
    assert client.get("/laerer/bookinger/ny").status_code == 200
    response = client.post("/laerer/bookinger/ny", data=booking_form(world, school))
    assert response.status_code == 302, response.get_data(as_text=True)
    created = session.scalar(sa.select(BookingRequest))
    assert created.status == RequestStatus.SUBMITTED
    assert created.school_id == school.id and created.teacher_id == teacher.id
    assert (created.pupils, created.girls, created.class_name) == (24, 11, "8.b")
    assert [s.code for s in created.other_subjects] == ["matematik"]
    assert len(created.windows) == 2
    assert response.headers["Location"].endswith(f"/laerer/bookinger/{created.id}")
    home = client.get("/laerer/").get_data(as_text=True)
    assert "Modtaget" in home and f"/laerer/bookinger/{created.id}" in home


def test_unverified_teacher_cannot_book(client, world, session):
    teacher = world.teacher(verified=False)
    login(client, teacher)
    school = teacher.teacher_profile.school
    assert client.get("/laerer/bookinger/ny").status_code == 403
    assert client.post("/laerer/bookinger/ny", data=booking_form(world, school)).status_code == 403
    assert request_count(session) == 0


def _weekend(days: int) -> str:
    """A Saturday that is only a weekend (not in a school holiday)."""
    from mentor.schoolyear import default_calendar

    day = next_weekday(utcnow().date(), days)
    calendar = default_calendar(751)
    while day.weekday() != 5 or calendar.closed_day(day).kind != "weekend":
        day += timedelta(days=1)
    return day.isoformat()


def _christmas(offset: int) -> str:
    """A weekday in the next juleferie at least four weeks away (22 December + offset)."""
    today = utcnow().date()
    day = date(today.year, 12, 22)
    if day < today + timedelta(weeks=4):
        day = date(today.year + 1, 12, 22)
    day += timedelta(days=offset)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.isoformat()


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"pupils": "0"}, "pupils", "mellem 1 og 200"),
        ({"pupils": ""}, "pupils", "Udfyld feltet."),
        ({"pupils": "mange"}, "pupils", "Skriv et helt tal."),
        ({"girls": "30"}, "girls", "Antal piger kan ikke være flere end eleverne."),
        (
            {
                "window1_day": "",
                "window1_start": "",
                "window1_end": "",
                "window2_day": "",
                "window2_start": "",
                "window2_end": "",
            },
            "window1_day",
            "mindst én dato",
        ),
        ({"window1_end": "08:00"}, "window1_end", "slutte, efter det begynder"),
        ({"window1_start": ""}, "window1_start", "Udfyld dato, fra og til."),
        ({"window1_day": "14/13/2026"}, "window1_day", "Skriv en dato"),
        (
            {"window1_day": _weekend(20), "window2_day": _weekend(21)},
            "window1_day",
            "Skolen holder lukket på de valgte datoer (weekend)",
        ),
        (
            {"window1_day": _christmas(0), "window2_day": _christmas(3)},
            "window1_day",
            "(juleferie)",
        ),
        (
            {"window1_day": next_weekday(utcnow().date(), 1).isoformat()},
            "window1_day",
            "skoledage før",
        ),
        ({"window1_day": "2020-03-02"}, "window1_day", "fra i morgen og frem"),
        ({"gender_focus": "woman_required"}, "gender_focus", "kan ikke love en kvindelig"),
        ({"language": "xx"}, "language", "Vælg en af mulighederne."),
        ({"primary_subject_id": "999999"}, "primary_subject_id", "Vælg en af mulighederne."),
    ],
)
def test_booking_errors_are_shown_by_the_field_and_nothing_is_saved(
    client, world, session, overrides, field_id, message
):
    teacher = world.teacher()
    login(client, teacher)
    response = client.post(
        "/laerer/bookinger/ny",
        data=booking_form(world, teacher.teacher_profile.school, **overrides),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert f'id="{field_id}-error"' in page
    assert request_count(session) == 0


def test_woman_required_is_allowed_where_the_programme_allows_it(client, world, session):
    teacher = world.teacher()
    login(client, teacher)
    form = booking_form(
        world,
        teacher.teacher_profile.school,
        programme_id=str(world.programmes["KRAM"].id),
        gender_focus="woman_required",
    )
    assert client.post("/laerer/bookinger/ny", data=form).status_code == 302
    assert session.scalar(sa.select(BookingRequest.gender_focus)).value == "woman_required"


def test_a_teacher_books_only_for_their_own_school(client, world, session):
    teacher = world.teacher()
    elsewhere = world.school(postcode="5000")
    login(client, teacher)
    page = client.post("/laerer/bookinger/ny", data=booking_form(world, elsewhere)).get_data(
        as_text=True
    )
    assert 'id="school_id-error"' in page
    assert request_count(session) == 0


def test_teachers_see_only_their_own_schools_requests(client, world, session):
    school = world.school()
    author, colleague, stranger = world.teacher(school), world.teacher(school), world.teacher()
    request = world.request(author)
    login(client, stranger)
    for url in (
        f"/laerer/bookinger/{request.id}",
        f"/laerer/bookinger/{request.id}/ret",
        f"/laerer/bookinger/ny?kopi={request.id}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/laerer/bookinger/{request.id}/aflys").status_code == 404
    assert (
        client.post(
            f"/laerer/bookinger/{request.id}/ret", data=booking_form(world, school)
        ).status_code
        == 404
    )
    assert "Vindmøller" not in client.get("/laerer/").get_data(as_text=True)
    login(client, colleague)
    assert client.get(f"/laerer/bookinger/{request.id}").status_code == 200
    assert "Vindmøller" in client.get("/laerer/").get_data(as_text=True)
    session.expire_all()
    assert session.get(BookingRequest, request.id).status == RequestStatus.SUBMITTED


def test_editing_a_proposed_request_withdraws_the_proposal(client, world, session):
    teacher = world.teacher()
    volunteer = world.volunteer()
    request = world.request(teacher, status=RequestStatus.PROPOSED)
    proposal = Proposal(
        request=request,
        volunteer=volunteer,
        window=request.windows[0],
        format=VisitFormat.PHYSICAL,
        expires_at=NOW + timedelta(days=7),
        created_at=NOW,
    )
    session.add(proposal)
    login(client, teacher)
    assert client.get(f"/laerer/bookinger/{request.id}/ret").status_code == 200
    form = booking_form(world, teacher.teacher_profile.school, pupils="28")
    response = client.post(f"/laerer/bookinger/{request.id}/ret", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    request = session.get(BookingRequest, request.id)
    assert request.pupils == 28
    assert request.status == RequestStatus.SUBMITTED
    assert session.get(Proposal, proposal.id).status == ProposalStatus.WITHDRAWN


def test_confirmed_request_cannot_be_edited_or_cancelled_by_the_teacher(client, world, session):
    teacher = world.teacher()
    request = world.request(teacher, status=RequestStatus.CONFIRMED)
    world.visit(request, world.volunteer())
    login(client, teacher)
    form = booking_form(world, teacher.teacher_profile.school, pupils="5")
    assert client.post(f"/laerer/bookinger/{request.id}/ret", data=form).status_code == 302
    assert client.post(f"/laerer/bookinger/{request.id}/aflys").status_code == 302
    session.expire_all()
    request = session.get(BookingRequest, request.id)
    assert (request.pupils, request.status) == (24, RequestStatus.CONFIRMED)


def test_teacher_cancels_an_open_request(client, world, session):
    teacher = world.teacher()
    request = world.request(teacher)
    login(client, teacher)
    assert client.post(f"/laerer/bookinger/{request.id}/aflys").status_code == 302
    session.expire_all()
    assert session.get(BookingRequest, request.id).status == RequestStatus.CANCELLED


def test_confirmed_request_shows_the_role_model_and_relays_messages(client, world, session):
    teacher = world.teacher()
    volunteer = world.volunteer(name="Rikke Rollemodel")
    request = world.request(teacher, status=RequestStatus.CONFIRMED)
    world.visit(request, volunteer)
    open_request = world.request(teacher)
    world.visit(open_request, volunteer)  # a visit row alone must not reveal anything
    login(client, teacher)
    page = client.get(f"/laerer/bookinger/{request.id}").get_data(as_text=True)
    assert "Rikke" in page and "Vestas" in page and "Jeg byggede radioer" in page
    assert volunteer.user.email not in page
    assert volunteer.user.full_name not in page  # first name only
    hidden = client.get(f"/laerer/bookinger/{open_request.id}").get_data(as_text=True)
    assert "Vestas" not in hidden

    assert (
        client.post(
            f"/laerer/bookinger/{request.id}/besked", data={"body": "Vi glæder os!"}
        ).status_code
        == 302
    )
    mail = session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "relayed_message"))
    assert mail.to_user_id == volunteer.user_id and "Vi glæder os!" in mail.body_text
    assert teacher.email not in mail.body_text

    refused = client.post(f"/laerer/bookinger/{open_request.id}/besked", data={"body": "Hej"})
    assert refused.status_code == 400
    assert session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 1


def test_unmatched_reason_is_shown_in_plain_words(client, world, session):
    teacher = world.teacher()
    request = world.request(teacher, status=RequestStatus.UNMATCHED)
    # What a committed run stores: the engine's reason as data, worded when shown.
    request.unmatched_reason = {
        "reason": "no_candidate",
        "data": {
            "rule": "reach",
            "nearest_km": 72.4,
            "nearest_radius_km": 40,
            "subject": "fysik",
            "subject_name": ["Fysik", "Physics"],
        },
    }
    login(client, teacher)
    home = client.get("/laerer/").get_data(as_text=True)
    assert "Ingen godkendt rollemodel med fysik inden for rækkevidde" in home
    detail = client.get(f"/laerer/bookinger/{request.id}").get_data(as_text=True)
    assert "72 km" in detail and "Bookingen bliver stående" in detail


def test_book_again_copies_the_request_without_dates(client, world, session):
    teacher = world.teacher()
    request = world.request(teacher, status=RequestStatus.COMPLETED)
    request.topic = "Robotter i produktionen"
    login(client, teacher)
    page = client.get(f"/laerer/bookinger/ny?kopi={request.id}").get_data(as_text=True)
    assert "Robotter i produktionen" in page
    assert request.windows[0].day.isoformat() not in page


def test_illegal_status_transitions_are_refused(world, session):
    coordinator = world.coordinator("BOOK")
    request = world.request(world.teacher(), status=RequestStatus.UNMATCHED)
    request.unmatched_reason = {"text": "x"}
    booking.change_request_status(session, request, RequestStatus.SUBMITTED, coordinator, NOW)
    assert request.unmatched_reason is None
    entry = session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "request_status_changed")
    )
    assert entry.details["changes"] == {"status": ["unmatched", "submitted"]}

    for old in RequestStatus:
        for new in RequestStatus:
            request.status = old
            if new in REQUEST_TRANSITIONS[old]:
                booking.change_request_status(session, request, new, now=NOW)
                assert request.status == new
            else:
                with pytest.raises(DomainError):
                    booking.change_request_status(session, request, new, now=NOW)
                assert request.status == old

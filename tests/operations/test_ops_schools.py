"""Schools: edited and merged by coordinators (audited), outlying class with override,
and the full address where the role model needs it: visit page, mails, calendar file."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from mentor.mail.ics import visit_invitation
from mentor.models import AuditEntry, BookingRequest, OutboxMail, School, TeacherProfile, Visit
from mentor.models.base import utcnow
from mentor.models.enums import RequestStatus, Role, SchoolType, VisitFormat, VisitStatus
from mentor.services import proposals, schools
from mentor.services.errors import DomainError
from tests import factories as f

ADDRESS = "Skolevej 12, 9800 Hjørring"


def _school_with_address(session, name: str = "Hjørring Skole") -> School:
    school = schools.find_or_create_school(
        session,
        name=name,
        school_type=SchoolType.FOLKESKOLE,
        postcode="9800",
        address="Skolevej 12",
        phone="98 92 00 00",
    )
    session.flush()
    return school


def test_new_school_is_classified_from_the_official_data(app, session) -> None:
    hjorring = _school_with_address(session)
    copenhagen = schools.find_or_create_school(
        session, name="Nørrebro Skole", school_type=SchoolType.FOLKESKOLE, postcode="2200"
    )
    assert (hjorring.city, hjorring.outlying, hjorring.outlying_reason) == ("Hjørring", True, None)
    assert copenhagen.outlying is False
    assert schools.full_address(hjorring) == ADDRESS
    assert schools.classification(hjorring).official_group == "Landkommuner"


def test_coordinator_edits_a_school_and_the_change_is_audited(app, client, session) -> None:
    school = _school_with_address(session)
    coordinator = f.user(session, "koord@x.dk", Role.COORDINATOR, "Karen Koordinator")
    coordinator.coordinated_programmes = [f.programme(session, "BOOK")]
    session.commit()
    f.login(client, "koord@x.dk")
    page = client.get(f"/koordinator/skoler/{school.id}")
    assert page.status_code == 200 and ADDRESS in page.get_data(as_text=True)
    bad = client.post(
        f"/koordinator/skoler/{school.id}",
        data={"name": "Hjørring Skole", "school_type": "efterskole", "postcode": "0001"},
    )
    assert bad.status_code == 400 and "ikke et dansk postnummer" in bad.get_data(as_text=True)
    done = client.post(
        f"/koordinator/skoler/{school.id}",
        data={
            "name": "Hjørring Efterskole",
            "school_type": "efterskole",
            "address": "Havnegade 3",
            "postcode": "2200",
            "city": "",
            "phone": "35 00 00 00",
        },
    )
    assert done.status_code == 302
    session.expire_all()
    school = session.get(School, school.id)
    assert (school.name, school.school_type, school.address, school.city, school.phone) == (
        "Hjørring Efterskole",
        SchoolType.EFTERSKOLE,
        "Havnegade 3",
        "København N",
        "35 00 00 00",
    )
    # A move to Copenhagen follows the data: no longer outlying.
    assert (school.municipality_code, school.region_code, school.outlying) == (101, 1084, False)
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "school_updated"))
    assert entry.actor_id == coordinator.id
    assert entry.details["changes"]["address"] == ["Skolevej 12", "Havnegade 3"]
    assert entry.details["changes"]["outlying"] == [True, False]


def test_outlying_override_needs_a_reason_and_can_be_undone(app, client, session) -> None:
    school = _school_with_address(session)
    f.user(session, "koord@x.dk", Role.COORDINATOR).coordinated_programmes = [
        f.programme(session, "KRAM")
    ]
    session.commit()
    f.login(client, "koord@x.dk")
    url = f"/koordinator/skoler/{school.id}/udkant"
    missing = client.post(url, data={"choice": "no", "reason": ""})
    assert missing.status_code == 400
    assert "Skriv hvorfor" in missing.get_data(as_text=True)
    assert client.post(url, data={"choice": "no", "reason": "Ligger i byen"}).status_code == 302
    session.expire_all()
    school = session.get(School, school.id)
    assert (school.outlying, school.outlying_reason) == (False, "Ligger i byen")
    page = client.get(f"/koordinator/skoler/{school.id}").get_data(as_text=True)
    assert "sat af en koordinator: Ligger i byen" in page
    assert client.post(url, data={"choice": "data"}).status_code == 302
    session.expire_all()
    school = session.get(School, school.id)
    assert (school.outlying, school.outlying_reason) == (True, None)


def test_the_override_changes_the_matching_priority(app, session) -> None:
    from mentor.services.matching import priority_parts

    school = _school_with_address(session)
    teacher = f.teacher(session, "t@x.dk", school)
    request = f.booking(session, teacher)
    assert priority_parts(request, school, date(2027, 1, 1))["outlying"] == 0.5
    actor = f.user(session, "k@x.dk", Role.COORDINATOR)
    schools.set_outlying(session, actor, school, False, "Bykerne, ikke udkant")
    assert priority_parts(request, school, date(2027, 1, 1))["outlying"] == 0.0


def test_merging_a_duplicate_keeps_its_bookings_and_teachers(app, client, session) -> None:
    keep = _school_with_address(session)
    duplicate = schools.find_or_create_school(
        session, name="Hjørring Skolen", school_type=SchoolType.FOLKESKOLE, postcode="9800"
    )
    teacher = f.teacher(session, "t@x.dk", duplicate)
    booking = f.booking(session, teacher)
    done = f.booking(session, teacher)
    volunteer = f.volunteer(session, "v@x.dk")
    f.completed_visit(session, done, volunteer.volunteer_profile)
    coordinator = f.user(session, "koord@x.dk", Role.COORDINATOR)
    coordinator.coordinated_programmes = [f.programme(session, "BOOK")]
    ids = (keep.id, duplicate.id, booking.id, done.id)
    session.commit()
    f.login(client, "koord@x.dk")
    page = client.get(f"/koordinator/skoler/{keep.id}/sammenlaeg?q=Hjørring")
    assert "Hjørring Skolen" in page.get_data(as_text=True)
    itself = client.post(
        f"/koordinator/skoler/{keep.id}/sammenlaeg", data={"other_id": keep.id, "q": "Hjørring"}
    )
    assert itself.status_code == 400
    response = client.post(
        f"/koordinator/skoler/{keep.id}/sammenlaeg",
        data={"other_id": duplicate.id, "q": "Hjørring"},
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(School, ids[1]) is None
    assert {r.school_id for r in session.scalars(sa.select(BookingRequest))} == {ids[0]}
    assert session.scalar(sa.select(TeacherProfile.school_id)) == ids[0]
    assert session.scalar(sa.select(sa.func.count(Visit.id))) == 1
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "school_merged"))
    assert (entry.object_id, entry.details["requests_moved"], entry.details["teachers_moved"]) == (
        ids[0],
        2,
        1,
    )


def test_a_school_name_clash_is_a_field_error(app, session) -> None:
    one = _school_with_address(session)
    other = _school_with_address(session, "Anden Skole")
    actor = f.user(session, "k@x.dk", Role.COORDINATOR)
    data = schools.SchoolData(
        name=one.name, school_type=SchoolType.FOLKESKOLE, address="", postcode="9800"
    )
    try:
        schools.update_school(session, actor, other, data)
    except DomainError as error:
        assert error.field == "name"
    else:
        raise AssertionError("a second school of the same name and postcode was allowed")


def _confirmed_visit(session):
    school = _school_with_address(session)
    teacher = f.teacher(session, "tove@skole.dk", school, name="Tove Tidsler")
    teacher.phone = "+45 21 43 65 87"
    volunteer = f.volunteer(session, "vera@firma.dk", name="Vera Frivillig", postcode="9800")
    request = f.booking(
        session, teacher, days=(f.open_school_day(date.today() + timedelta(days=21)),)
    )
    return teacher, volunteer, request


def test_address_and_teacher_reach_the_role_model(app, client, session, delivered) -> None:
    _teacher, volunteer, request = _confirmed_visit(session)
    coordinator = f.user(session, "koord@x.dk", Role.COORDINATOR)
    coordinator.coordinated_programmes = [request.programme]
    proposal = proposals.manual_assign(
        session, coordinator, request.id, volunteer.volunteer_profile.id, now=utcnow()
    )
    session.commit()
    proposal_mail = delivered("vera@firma.dk")[-1]
    assert ADDRESS in proposal_mail
    assert "Tove Tidsler, tlf. +45 21 43 65 87" in proposal_mail

    visit = proposals.accept(session, proposal.id)
    session.commit()
    assert request.status == RequestStatus.CONFIRMED
    # The visit page of the role model.
    f.login(client, "vera@firma.dk")
    page = client.get(f"/frivillig/besoeg/{visit.id}").get_data(as_text=True)
    assert ADDRESS in page and "Tove Tidsler, tlf. +45 21 43 65 87" in page
    # The teacher's confirmation mail and its calendar file.
    confirmation = session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "visit_confirmed"))
    assert ADDRESS in confirmation.body_text
    ics = confirmation.attachments[0]["content"].replace("\r\n ", "")
    assert "Skolevej 12\\, 9800 Hjørring" in ics
    assert "Tove Tidsler\\, tlf. +45 21 43 65 87" in ics


def test_ics_falls_back_to_the_school_phone(app, session) -> None:
    teacher, volunteer, request = _confirmed_visit(session)
    teacher.phone = None
    visit = Visit(
        request=request,
        volunteer=volunteer.volunteer_profile,
        programme_id=request.programme_id,
        format=VisitFormat.PHYSICAL,
        starts_at=utcnow() + timedelta(days=21),
        ends_at=utcnow() + timedelta(days=21, hours=2),
        status=VisitStatus.PLANNED,
    )
    session.add(visit)
    session.flush()
    text = visit_invitation(visit).replace("\r\n ", "")
    assert "Tove Tidsler\\, tlf. 98 92 00 00" in text
    assert "LOCATION:Hjørring Skole\\, Skolevej 12\\, 9800 Hjørring" in text

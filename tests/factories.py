"""Small builders for test data, written against the real models."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mentor import geo
from mentor.auth.passwords import hash_password
from mentor.models import (  # re-exported for tests
    BookingRequest,
    DateWindow,
    Programme,
    School,
    SchoolLevel,
    Subject,
    TeacherProfile,
    TrainingRecord,
    User,
    Visit,
    VolunteerProfile,
)
from mentor.models.enums import (
    Gender,
    RequestStatus,
    Role,
    SchoolMembership,
    SchoolType,
    TrainingKind,
    VisitFormat,
    VisitStatus,
    VolunteerStatus,
)
from mentor.services.catalogue import ensure_reference_data

PASSWORD = "test-adgangskode-42"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
_HASH: list[str] = []


def password_hash() -> str:
    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    return _HASH[0]


def programme(session: Session, code: str) -> Programme:
    ensure_reference_data(session)
    return session.scalars(sa.select(Programme).where(Programme.code == code)).one()


def subject(session: Session, code: str) -> Subject:
    ensure_reference_data(session)
    return session.scalars(sa.select(Subject).where(Subject.code == code)).one()


def level(session: Session, code: str) -> SchoolLevel:
    ensure_reference_data(session)
    return session.scalars(sa.select(SchoolLevel).where(SchoolLevel.code == code)).one()


def user(
    session: Session, email: str, role: Role, name: str = "Test Person", verified: bool = True
) -> User:
    person = User(
        email=email.lower(),
        role=role,
        full_name=name,
        password_hash=password_hash(),
        email_verified_at=NOW if verified else None,
        password_changed_at=NOW,
        consent_version="2026-1",
        consent_at=NOW,
        created_at=NOW,
    )
    session.add(person)
    session.flush()
    return person


def school(
    session: Session,
    name: str = "Aarhus Skole",
    postcode: str = "8000",
    kind: SchoolType = SchoolType.FOLKESKOLE,
) -> School:
    place = geo.lookup(postcode)
    found = School(
        name=name,
        school_type=kind,
        postcode=postcode,
        municipality_code=place.municipality_code,
        region_code=place.region_code,
        latitude=place.latitude,
        longitude=place.longitude,
    )
    session.add(found)
    session.flush()
    return found


def teacher(
    session: Session,
    email: str,
    at: School | None = None,
    name: str = "Tove Lærer",
    verified: bool = True,
    approved: bool = True,
) -> User:
    person = user(session, email, Role.TEACHER, name, verified)
    membership = SchoolMembership.APPROVED if approved else SchoolMembership.PENDING
    session.add(
        TeacherProfile(
            user=person,
            school=at or school(session),
            membership=membership,
            approved_at=NOW if approved else None,
        )
    )
    session.flush()
    return person


def volunteer(
    session: Session,
    email: str,
    *,
    name: str = "Vera Frivillig",
    postcode: str = "8000",
    gender: Gender = Gender.WOMAN,
    programmes: tuple[str, ...] = ("BOOK", "KRAM"),
    subjects: tuple[str, ...] = ("fysik",),
    levels: tuple[str, ...] = ("udskoling", "stx"),
    radius: int = 40,
    capacity: int = 2,
    virtual: bool = False,
    approved: bool = True,
) -> User:
    person = user(session, email, Role.VOLUNTEER, name)
    person.phone = "+45 12 34 56 78"
    place = geo.lookup(postcode)
    profile = VolunteerProfile(
        user=person,
        gender=gender,
        job_title="ingeniør",
        employer="Vestas",
        story="Min vej til STEM gik gennem fysik.",
        postcode=postcode,
        municipality_code=place.municipality_code,
        region_code=place.region_code,
        latitude=place.latitude,
        longitude=place.longitude,
        travel_radius_km=radius,
        virtual_ok=virtual,
        visits_per_term=capacity,
        weekdays=[0, 1, 2, 3, 4],
        status=VolunteerStatus.APPROVED if approved else VolunteerStatus.PENDING,
        approved_at=NOW if approved else None,
    )
    session.add(profile)
    profile.programmes = [programme(session, c) for c in programmes]
    profile.subjects = [subject(session, c) for c in subjects]
    profile.levels = [level(session, c) for c in levels]
    kinds = [TrainingKind.AUDIENCE, TrainingKind.STORY] + (
        [TrainingKind.VIRTUAL] if virtual else []
    )
    profile.trainings = [TrainingRecord(kind=k, completed_on=date(2026, 9, 1)) for k in kinds]
    session.add(profile)
    session.flush()
    return person


def booking(
    session: Session,
    by: User,
    *,
    programme_code: str = "BOOK",
    level_code: str = "udskoling",
    subject_code: str = "fysik",
    pupils: int = 24,
    days: tuple[date, ...] = (date(2027, 2, 2),),
    **values: object,
) -> BookingRequest:
    assert by.teacher_profile is not None
    request = BookingRequest(
        programme=programme(session, programme_code),
        school=by.teacher_profile.school,
        teacher=by,
        level=level(session, level_code),
        primary_subject=subject(session, subject_code),
        pupils=pupils,
        **values,
    )
    request.windows = [DateWindow(day=d, start_time=time(9), end_time=time(11)) for d in days]
    session.add(request)
    session.flush()
    return request


def completed_visit(
    session: Session,
    request: BookingRequest,
    by: VolunteerProfile,
    pupils: int = 24,
    when: datetime = NOW - timedelta(days=7),
) -> Visit:
    request.status = RequestStatus.COMPLETED
    visit = Visit(
        request=request,
        volunteer=by,
        programme_id=request.programme_id,
        format=VisitFormat.PHYSICAL,
        starts_at=when,
        ends_at=when + timedelta(hours=2),
        status=VisitStatus.COMPLETED,
        volunteer_gender=by.gender.value,
        volunteer_kind=by.kind.value,
        pupils_reached=pupils,
        confirmed_at=when,
    )
    session.add(visit)
    session.flush()
    return visit


def login(client, email: str, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def open_school_day(day: date) -> date:
    """`day`, or the first day after it that no default school calendar closes.

    Tests book relative to the real today; this keeps their dates out of every holiday
    (juleferie, week 7 and 8, ...) whatever the date they run on.
    """
    from mentor.schoolyear import default_calendar

    calendars = [default_calendar(code) for code in (101, 751, 860)]
    while not all(c.is_open(day) for c in calendars):
        day += timedelta(days=1)
    return day

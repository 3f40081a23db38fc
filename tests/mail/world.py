"""A small programme to remind about: a coordinator, a teacher's class, a volunteer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mentor import geo
from mentor.models import (
    BookingRequest,
    DateWindow,
    Programme,
    Proposal,
    School,
    SchoolLevel,
    Subject,
    TeacherProfile,
    User,
    Visit,
    VolunteerProfile,
)
from mentor.models.enums import (
    RequestStatus,
    Role,
    SchoolMembership,
    SchoolType,
    VisitFormat,
    VolunteerStatus,
)
from mentor.services.catalogue import ensure_reference_data

CPH = ZoneInfo("Europe/Copenhagen")
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """A Copenhagen wall-clock time as aware UTC."""
    return datetime(y, m, d, hh, mm, tzinfo=CPH).astimezone(UTC)


@dataclass
class World:
    programme: Programme
    school: School
    coordinator: User
    teacher: User
    volunteer: VolunteerProfile
    level: SchoolLevel
    subject: Subject


def _user(session: Session, email: str, role: Role, name: str, **extra: object) -> User:
    user = User(email=email, role=role, full_name=name, created_at=LONG_AGO, **extra)
    session.add(user)
    return user


def make_world(session: Session, *, volunteer_locale: str = "da") -> World:
    ensure_reference_data(session)
    programme = session.scalar(sa.select(Programme).where(Programme.code == "BOOK"))
    place = geo.lookup("8000")
    school = School(
        name="Aarhus Skole",
        school_type=SchoolType.FOLKESKOLE,
        address="Skolevej 1",
        postcode="8000",
        municipality_code=place.municipality_code,
        region_code=place.region_code,
        latitude=place.latitude,
        longitude=place.longitude,
    )
    coordinator = _user(session, "koord@example.dk", Role.COORDINATOR, "Karen Koordinator")
    coordinator.coordinated_programmes = [programme]
    teacher = _user(session, "laerer@example.dk", Role.TEACHER, "Lone Lærer")
    teacher.teacher_profile = TeacherProfile(school=school, membership=SchoolMembership.APPROVED)
    volunteer_user = _user(
        session, "frivillig@example.dk", Role.VOLUNTEER, "Frida Frivillig", locale=volunteer_locale
    )
    volunteer = VolunteerProfile(
        user=volunteer_user,
        postcode="8000",
        municipality_code=place.municipality_code,
        region_code=place.region_code,
        latitude=place.latitude,
        longitude=place.longitude,
        status=VolunteerStatus.APPROVED,
        created_at=LONG_AGO,
    )
    volunteer.programmes = [programme]
    session.add(volunteer)
    world = World(
        programme=programme,
        school=school,
        coordinator=coordinator,
        teacher=teacher,
        volunteer=volunteer,
        level=session.scalar(sa.select(SchoolLevel).where(SchoolLevel.code == "udskoling")),
        subject=session.scalar(sa.select(Subject).where(Subject.code == "fysik")),
    )
    session.flush()
    return world


def add_request(
    session: Session,
    world: World,
    *,
    status: RequestStatus = RequestStatus.CONFIRMED,
    day: date = date(2025, 10, 27),
    class_name: str = "8.b",
    **extra: object,
) -> BookingRequest:
    request = BookingRequest(
        programme=world.programme,
        school=world.school,
        teacher=world.teacher,
        level=world.level,
        primary_subject=world.subject,
        class_name=class_name,
        pupils=24,
        status=status,
        created_at=LONG_AGO,
        **extra,
    )
    request.windows.append(DateWindow(day=day, start_time=time(9), end_time=time(11)))
    session.add(request)
    session.flush()
    return request


def add_visit(
    session: Session,
    world: World,
    starts_at: datetime,
    *,
    confirmed_at: datetime | None = None,
    format: VisitFormat = VisitFormat.PHYSICAL,
    **extra: object,
) -> Visit:
    request = add_request(session, world, day=starts_at.astimezone(CPH).date())
    visit = Visit(
        request=request,
        volunteer=world.volunteer,
        programme_id=world.programme.id,
        format=format,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        confirmed_at=confirmed_at or LONG_AGO,
        created_at=confirmed_at or LONG_AGO,
        **extra,
    )
    session.add(visit)
    session.flush()
    return visit


def add_proposal(
    session: Session, world: World, created_at: datetime, *, days: int = 7
) -> Proposal:
    request = add_request(session, world, status=RequestStatus.PROPOSED)
    proposal = Proposal(
        request=request,
        volunteer=world.volunteer,
        format=VisitFormat.PHYSICAL,
        created_at=created_at,
        expires_at=created_at + timedelta(days=days),
    )
    session.add(proposal)
    session.flush()
    return proposal

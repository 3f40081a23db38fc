"""A small, hand-counted data set for the impact figures, and log-in helpers.

The route modules are imported here, before any app is created, because the lead
registers them in the blueprint packages; until then importing them adds the routes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from mentor import geo
from mentor.models import (
    BookingRequest,
    Feedback,
    Programme,
    ProgrammeGoal,
    School,
    SchoolLevel,
    Subject,
    TeacherProfile,
    User,
    Visit,
    VolunteerProfile,
)
from mentor.models.enums import (
    FeedbackAuthor,
    Gender,
    GenderFocus,
    RequestStatus,
    Role,
    RoleModelKind,
    SchoolMembership,
    SchoolType,
    VisitFormat,
    VisitStatus,
    VolunteerStatus,
)
from mentor.services.catalogue import add_standard_goals, ensure_reference_data

#: "Now" for the data set: 2 July 2026, 12:00 local time. 183 of 365 days of 2026 begun.
NOW = datetime(2026, 7, 2, 10, 0, tzinfo=UTC)
CREATED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class Builder:
    """Creates rows with the fewest fields the constraints allow."""

    def __init__(self, session: Session) -> None:
        self.session = session
        ensure_reference_data(session)
        self.programmes = {p.code: p for p in session.scalars(sa.select(Programme))}
        self.levels = {lv.code: lv for lv in session.scalars(sa.select(SchoolLevel))}
        self.subjects = {s.code: s for s in session.scalars(sa.select(Subject))}
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def user(self, role: Role, name: str = "Test Person") -> User:
        person = User(
            email=f"person{self._next()}@example.dk",
            role=role,
            full_name=name,
            email_verified_at=CREATED,
            created_at=CREATED,
        )
        self.session.add(person)
        return person

    def coordinator(self, *codes: str) -> User:
        person = self.user(Role.COORDINATOR, "Karen Koordinator")
        person.coordinated_programmes = [self.programmes[c] for c in codes]
        self.session.flush()
        return person

    def school(self, name: str, postcode: str, outlying: bool = False) -> School:
        place = geo.lookup(postcode)
        school = School(
            name=name,
            school_type=SchoolType.FOLKESKOLE,
            postcode=postcode,
            municipality_code=place.municipality_code,
            region_code=place.region_code,
            latitude=place.latitude,
            longitude=place.longitude,
            outlying=outlying,
        )
        self.session.add(school)
        return school

    def teacher(self, school: School) -> User:
        person = self.user(Role.TEACHER, "Tove Lærer")
        person.teacher_profile = TeacherProfile(school=school, membership=SchoolMembership.APPROVED)
        self.session.flush()
        return person

    def volunteer(
        self,
        gender: Gender = Gender.WOMAN,
        kind: RoleModelKind = RoleModelKind.PROFESSIONAL,
        programmes: tuple[str, ...] = ("KRAM",),
        status: VolunteerStatus = VolunteerStatus.APPROVED,
    ) -> VolunteerProfile:
        person = self.user(Role.VOLUNTEER, "Vera Frivillig")
        place = geo.lookup("8000")
        profile = VolunteerProfile(
            user=person,
            gender=gender,
            kind=kind,
            postcode="8000",
            municipality_code=place.municipality_code,
            region_code=place.region_code,
            latitude=place.latitude,
            longitude=place.longitude,
            status=status,
        )
        profile.programmes = [self.programmes[c] for c in programmes]
        self.session.add(profile)
        self.session.flush()
        return profile

    def request(
        self,
        school: School,
        *,
        programme: str = "KRAM",
        level: str = "udskoling",
        subject: str = "fysik",
        focus: GenderFocus = GenderFocus.NONE,
        status: RequestStatus = RequestStatus.CONFIRMED,
        created_at: datetime = CREATED,
    ) -> BookingRequest:
        request = BookingRequest(
            programme=self.programmes[programme],
            school=school,
            level=self.levels[level],
            pupils=25,
            primary_subject=self.subjects[subject],
            gender_focus=focus,
            status=status,
            created_at=created_at,
        )
        self.session.add(request)
        return request

    def visit(
        self,
        school: School,
        volunteer: VolunteerProfile | None,
        starts_at: datetime,
        *,
        status: VisitStatus = VisitStatus.PLANNED,
        pupils: int | None = None,
        girls: int | None = None,
        format: VisitFormat = VisitFormat.PHYSICAL,
        cancelled_by: str | None = None,
        **request_args: Any,
    ) -> Visit:
        request = self.request(school, **request_args)
        if status == VisitStatus.COMPLETED:
            request.status = RequestStatus.COMPLETED
        visit = Visit(
            request=request,
            volunteer=volunteer,
            programme_id=request.programme.id,
            format=format,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            status=status,
            volunteer_gender=volunteer.gender.value if volunteer else "undisclosed",
            volunteer_kind=volunteer.kind.value if volunteer else "professional",
            pupils_reached=pupils,
            girls_reached=girls,
            confirmed_at=starts_at if status != VisitStatus.PLANNED else None,
            cancelled_by=cancelled_by,
        )
        self.session.add(visit)
        self.session.flush()
        return visit


@dataclass
class DataSet:
    """The seeded rows, by the names the tests' hand counts use."""

    builder: Builder
    schools: dict[str, School] = field(default_factory=dict)
    volunteers: dict[str, VolunteerProfile] = field(default_factory=dict)
    visits: dict[int, Visit] = field(default_factory=dict)
    admin: User | None = None
    kram_coordinator: User | None = None


@pytest.fixture
def builder(session: Session) -> Builder:
    return Builder(session)


@pytest.fixture
def dataset(session: Session, builder: Builder) -> DataSet:
    """Visits #1-#11 and requests U1-U4; the expected figures are counted in test_figures."""
    b = builder
    data = DataSet(b)
    s1 = b.school("Aarhus Skole", "8000")
    s2 = b.school("Skagen Skole", "9990", outlying=True)
    s3 = b.school("Østerbro Gymnasium", "2100")
    data.schools = {"S1": s1, "S2": s2, "S3": s3}
    v1 = b.volunteer(programmes=("KRAM", "BOOK"))
    v2 = b.volunteer(kind=RoleModelKind.STUDENT)
    v3 = b.volunteer(gender=Gender.MAN, programmes=("BOOK",))
    v4 = b.volunteer(kind=RoleModelKind.APPRENTICE)
    v5 = b.volunteer(status=VolunteerStatus.PENDING)
    v6 = b.volunteer()
    data.volunteers = {"V1": v1, "V2": v2, "V3": v3, "V4": v4, "V5": v5, "V6": v6}

    done = VisitStatus.COMPLETED
    wp, wr = GenderFocus.WOMAN_PREFERRED, GenderFocus.WOMAN_REQUIRED
    data.visits = {
        1: b.visit(s1, v1, at(2026, 2, 10), status=done, pupils=24, girls=12, focus=wp),
        2: b.visit(
            s2,
            v2,
            at(2026, 3, 5),
            status=done,
            pupils=20,
            level="mellemtrin",
            subject="matematik",
            format=VisitFormat.VIRTUAL,
            focus=wr,
        ),
        3: b.visit(
            s3, v1, at(2026, 4, 14), status=done, pupils=28, girls=15, level="stx", focus=wp
        ),
        4: b.visit(s1, v6, at(2026, 5, 6), status=done, pupils=22, girls=11),
        5: b.visit(s3, v2, at(2026, 6, 20), level="stx", focus=wp),
        6: b.visit(
            s2,
            v1,
            at(2026, 3, 20),
            status=VisitStatus.NO_SHOW,
            cancelled_by="volunteer",
            level="mellemtrin",
            subject="biologi",
        ),
        7: b.visit(
            s1,
            v2,
            at(2026, 4, 2),
            status=VisitStatus.CANCELLED,
            cancelled_by="teacher",
            level="indskoling",
        ),
        8: b.visit(s1, v1, at(2026, 9, 1)),
        9: b.visit(
            s1,
            v3,
            at(2026, 3, 3),
            status=done,
            pupils=25,
            girls=10,
            programme="BOOK",
            subject="data_ai",
            format=VisitFormat.VIRTUAL,
        ),
        10: b.visit(
            s1,
            v1,
            at(2025, 12, 15),
            status=done,
            pupils=30,
            created_at=at(2025, 11, 15),
        ),
        # 23:30 UTC on New Year's Eve is 00:30 on 1 January in Copenhagen: it is 2026's.
        11: b.visit(
            s1,
            v2,
            at(2025, 12, 31, 23, 30),
            status=done,
            pupils=10,
            level="indskoling",
            created_at=at(2025, 12, 1),
        ),
    }
    b.request(
        s2,
        level="mellemtrin",
        subject="matematik",
        focus=wr,
        status=RequestStatus.UNMATCHED,
        created_at=at(2026, 5, 1),
    )
    b.request(s1, status=RequestStatus.UNMATCHED, created_at=at(2026, 5, 2))
    b.request(s2, status=RequestStatus.UNMATCHED, created_at=at(2025, 11, 1))
    b.request(
        s3,
        programme="BOOK",
        level="stx",
        subject="kemi",
        status=RequestStatus.SUBMITTED,
        created_at=at(2026, 6, 1),
    )

    session.add_all(
        [
            Feedback(
                visit=data.visits[1],
                author_role=FeedbackAuthor.TEACHER,
                happened=True,
                pupils=24,
                rating=5,
            ),
            Feedback(
                visit=data.visits[3],
                author_role=FeedbackAuthor.TEACHER,
                happened=True,
                pupils=28,
                rating=4,
            ),
            Feedback(
                visit=data.visits[1],
                author_role=FeedbackAuthor.VOLUNTEER,
                happened=True,
                pupils=25,
                rating=3,
            ),
        ]
    )
    add_standard_goals(session, b.programmes["KRAM"], 2026)
    session.add(
        ProgrammeGoal(
            programme=b.programmes["BOOK"],
            label="Udskoling H1",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 6, 30),
            classes_goal=1,
            pupils_goal=25,
            levels=[b.levels["udskoling"]],
        )
    )
    data.admin = b.user(Role.ADMIN, "Ada Admin")
    data.kram_coordinator = b.coordinator("KRAM")
    session.commit()
    return data


def log_in(client: FlaskClient, user: User) -> None:
    """Log the client in as `user`, replacing whoever was logged in."""
    # The `session` fixture's app context is shared by the client's requests, and
    # Flask-Login caches the user on `g`: forget it, or the previous user sticks.
    if has_app_context():
        g.pop("_login_user", None)
    with client.session_transaction() as s:
        s.clear()
        s["_user_id"] = user.get_id()
        s["_fresh"] = True

"""Builders for the journey tests: real rows in the real database, nothing mocked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from mentor import geo
from mentor.extensions import db
from mentor.models import (
    BookingRequest,
    DateWindow,
    Programme,
    School,
    SchoolLevel,
    Subject,
    TeacherProfile,
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
    VisitFormat,
    VisitStatus,
    VolunteerStatus,
)
from mentor.services.catalogue import ensure_reference_data

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def next_weekday(start: date, days_ahead: int) -> date:
    """The first day from `days_ahead` on that schools are open (no weekend or holiday)."""
    from tests.factories import open_school_day

    return open_school_day(start + timedelta(days=days_ahead))


@dataclass
class World:
    session: Session
    programmes: dict[str, Programme]
    levels: dict[str, SchoolLevel]
    subjects: dict[str, Subject]
    counter: int = 0

    def _n(self) -> int:
        self.counter += 1
        return self.counter

    def user(self, role: Role, name: str = "Test Person", verified: bool = True) -> User:
        n = self._n()
        user = User(
            email=f"{role.value}{n}@example.dk",
            role=role,
            full_name=f"{name} {n}",
            email_verified_at=NOW if verified else None,
            created_at=NOW,
        )
        self.session.add(user)
        self.session.flush()
        return user

    def coordinator(self, *codes: str) -> User:
        user = self.user(Role.COORDINATOR, "Karen Koordinator")
        user.coordinated_programmes = [self.programmes[c] for c in codes]
        self.session.flush()
        return user

    def school(self, postcode: str = "8000", name: str | None = None) -> School:
        place = geo.lookup(postcode)
        school = School(
            name=name or f"Testskole {self._n()}",
            school_type=SchoolType.FOLKESKOLE,
            postcode=place.postcode,
            municipality_code=place.municipality_code,
            region_code=place.region_code,
            latitude=place.latitude,
            longitude=place.longitude,
            created_at=NOW,
        )
        self.session.add(school)
        self.session.flush()
        return school

    def teacher(self, school: School | None = None, verified: bool = True) -> User:
        user = self.user(Role.TEACHER, "Lise Lærer", verified=verified)
        user.teacher_profile = TeacherProfile(
            school=school or self.school(), membership=SchoolMembership.APPROVED
        )
        self.session.flush()
        return user

    def volunteer(
        self,
        *,
        gender: Gender = Gender.WOMAN,
        programmes: tuple[str, ...] = ("BOOK",),
        status: VolunteerStatus = VolunteerStatus.APPROVED,
        postcode: str = "8000",
        name: str = "Rikke Rollemodel",
        subjects: tuple[str, ...] = ("fysik",),
        levels: tuple[str, ...] = ("udskoling",),
    ) -> VolunteerProfile:
        user = self.user(Role.VOLUNTEER, name)
        place = geo.lookup(postcode)
        profile = VolunteerProfile(
            user=user,
            gender=gender,
            job_title="ingeniør",
            employer="Vestas",
            story="Jeg byggede radioer som barn.",
            postcode=place.postcode,
            municipality_code=place.municipality_code,
            region_code=place.region_code,
            latitude=place.latitude,
            longitude=place.longitude,
            status=status,
            created_at=NOW,
        )
        profile.programmes = [self.programmes[c] for c in programmes]
        profile.subjects = [self.subjects[c] for c in subjects]
        profile.levels = [self.levels[c] for c in levels]
        self.session.add(profile)
        self.session.flush()
        return profile

    def request(
        self,
        teacher: User,
        *,
        programme: str = "BOOK",
        status: RequestStatus = RequestStatus.SUBMITTED,
        level: str = "udskoling",
        subject: str = "fysik",
        day: date | None = None,
    ) -> BookingRequest:
        assert teacher.teacher_profile is not None
        request = BookingRequest(
            programme=self.programmes[programme],
            school=teacher.teacher_profile.school,
            teacher=teacher,
            level=self.levels[level],
            pupils=24,
            girls=12,
            primary_subject=self.subjects[subject],
            topic="Vindmøller",
            status=status,
            created_at=NOW,
        )
        request.windows = [
            DateWindow(
                day=day or next_weekday(NOW.date(), 14), start_time=time(9), end_time=time(11)
            )
        ]
        self.session.add(request)
        self.session.flush()
        return request

    def visit(
        self,
        request: BookingRequest,
        volunteer: VolunteerProfile,
        starts_at: datetime | None = None,
        status: VisitStatus = VisitStatus.PLANNED,
    ) -> Visit:
        starts_at = starts_at or NOW + timedelta(days=14)
        visit = Visit(
            request=request,
            volunteer=volunteer,
            programme_id=request.programme_id,
            format=VisitFormat.PHYSICAL,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            status=status,
            created_at=NOW,
        )
        self.session.add(visit)
        self.session.flush()
        return visit


@pytest.fixture
def world(session: Session) -> World:
    ensure_reference_data(session)
    session.commit()
    return World(
        session=session,
        programmes={p.code: p for p in session.scalars(sa.select(Programme))},
        levels={lv.code: lv for lv in session.scalars(sa.select(SchoolLevel))},
        subjects={s.code: s for s in session.scalars(sa.select(Subject))},
    )


def login(client: FlaskClient, user: User) -> None:
    db.session.commit()
    # The `session` fixture keeps an app context open, which the client's requests reuse:
    # Flask-Login's per-context cache of the user must go, or the previous login sticks.
    g.pop("_login_user", None)
    with client.session_transaction() as s:
        s["_user_id"] = user.get_id()
        s["_fresh"] = True


def set_language(client: FlaskClient, lang: str) -> None:
    with client.session_transaction() as s:
        s["lang"] = lang


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block."""
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)

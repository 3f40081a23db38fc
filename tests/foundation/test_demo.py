from datetime import date

import sqlalchemy as sa

from mentor.models import BookingRequest, Programme, School, User, VolunteerProfile
from mentor.models.enums import Gender, Role
from mentor.schoolyear import default_calendar
from mentor.services.demo import seed_demo

TODAY = date(2026, 11, 22)


def _fingerprint(session) -> list[tuple]:
    rows = session.execute(
        sa.select(
            User.email,
            User.full_name,
            VolunteerProfile.postcode,
            VolunteerProfile.travel_radius_km,
            VolunteerProfile.gender,
        )
        .join(VolunteerProfile, VolunteerProfile.user_id == User.id)
        .order_by(User.email)
    ).all()
    requests = session.execute(
        sa.select(BookingRequest.pupils, BookingRequest.format, School.name)
        .join(School)
        .order_by(BookingRequest.id)
    ).all()
    return [tuple(r) for r in rows] + [tuple(r) for r in requests]


def test_demo_seed_is_realistic(session) -> None:
    counts = seed_demo(session, seed=7, volunteers=200, schools=20, requests=60, today=TODAY)
    session.commit()
    assert counts.volunteers == 200
    regions = set(session.scalars(sa.select(VolunteerProfile.region_code)))
    assert regions == {1081, 1082, 1083, 1084, 1085}
    assert session.scalar(sa.select(sa.func.count(School.id))) == 20
    assert session.scalar(sa.select(sa.func.count(BookingRequest.id))) == 60
    coordinator = session.scalar(sa.select(User).where(User.role == Role.COORDINATOR))
    assert {p.code for p in coordinator.coordinated_programmes} == {"KRAM", "BOOK"}
    kram = session.scalar(sa.select(Programme).where(Programme.code == "KRAM"))
    # KRAM is women-only: every enrolled volunteer is a woman.
    enrolled = session.scalars(
        sa.select(VolunteerProfile).where(VolunteerProfile.programmes.any(Programme.id == kram.id))
    ).all()
    assert enrolled and all(v.gender == Gender.WOMAN for v in enrolled)
    assert len(kram.goals) == 2
    windows = [w.day for r in session.scalars(sa.select(BookingRequest)) for w in r.windows]
    assert all(d > TODAY and d.weekday() < 5 for d in windows)
    # Seeded on 22 November: without the school calendar some windows fall in juleferie.
    for request in session.scalars(sa.select(BookingRequest)):
        calendar = default_calendar(request.school.municipality_code)
        assert all(calendar.is_open(w.day) for w in request.windows), request.windows


def test_demo_seed_is_deterministic(app, session) -> None:
    seed_demo(session, seed=11, volunteers=50, schools=8, requests=20, today=TODAY)
    session.commit()
    first = _fingerprint(session)
    from tests.conftest import wipe

    session.remove()
    wipe(app)
    seed_demo(session, seed=11, volunteers=50, schools=8, requests=20, today=TODAY)
    session.commit()
    assert _fingerprint(session) == first


def test_seed_command_runs_once(runner) -> None:
    result = runner.invoke(
        args=["demo", "seed", "--volunteers", "20", "--schools", "5", "--requests", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "Seeded 20 volunteers" in result.output
    again = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert again.exit_code == 0 and "skipped" in again.output
    refused = runner.invoke(args=["demo", "seed"])
    assert refused.exit_code == 2
    assert "already has users" in refused.output

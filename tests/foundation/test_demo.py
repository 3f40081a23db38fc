import re
from datetime import date, timedelta

import sqlalchemy as sa

from mentor.geo.groups import is_outlying
from mentor.models import (
    BookingRequest,
    Feedback,
    Notice,
    Programme,
    Proposal,
    School,
    User,
    Visit,
    VolunteerProfile,
)
from mentor.models.enums import (
    Gender,
    ProposalStatus,
    RequestStatus,
    Role,
    TrainingKind,
    VisitStatus,
)
from mentor.schoolyear import default_calendar
from mentor.services import impact
from mentor.services.demo import seed_demo
from mentor.services.notices import unread
from mentor.services.record import volunteer_record

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
    counts = seed_demo(
        session, seed=7, volunteers=200, schools=20, requests=60, past_visits=80, today=TODAY
    )
    session.commit()
    assert counts.volunteers == 200
    regions = set(session.scalars(sa.select(VolunteerProfile.region_code)))
    assert regions == {1081, 1082, 1083, 1084, 1085}
    assert session.scalar(sa.select(sa.func.count(School.id))) == 20
    assert session.scalar(sa.select(sa.func.count(BookingRequest.id))) == 60 + 80
    coordinator = session.scalar(sa.select(User).where(User.role == Role.COORDINATOR))
    assert {p.code for p in coordinator.coordinated_programmes} == {"KRAM", "BOOK"}
    kram = session.scalar(sa.select(Programme).where(Programme.code == "KRAM"))
    # KRAM is women-only: every enrolled volunteer is a woman.
    enrolled = session.scalars(
        sa.select(VolunteerProfile).where(VolunteerProfile.programmes.any(Programme.id == kram.id))
    ).all()
    assert enrolled and all(v.gender == Gender.WOMAN for v in enrolled)
    # Last school year's goals and this one's, each 1 August - 31 July.
    periods = sorted({(g.period_start, g.period_end) for g in kram.goals})
    this_year = TODAY.year if TODAY.month >= 8 else TODAY.year - 1
    assert periods == [
        (date(this_year - 1, 8, 1), date(this_year, 7, 31)),
        (date(this_year, 8, 1), date(this_year + 1, 7, 31)),
    ]
    assert len(kram.goals) == 4
    # Outlying schools follow Danmarks Statistik's municipality groups.
    for school in session.scalars(sa.select(School)):
        assert school.outlying == is_outlying(school.municipality_code)
    open_requests = session.scalars(
        sa.select(BookingRequest).where(
            BookingRequest.status.not_in([RequestStatus.COMPLETED, RequestStatus.CANCELLED])
        )
    ).all()
    assert len(open_requests) == 60
    windows = [w.day for r in open_requests for w in r.windows]
    assert all(d > TODAY and d.weekday() < 5 for d in windows)
    # Seeded on 22 November: without the school calendar some windows fall in juleferie.
    for request in session.scalars(sa.select(BookingRequest)):
        calendar = default_calendar(request.school.municipality_code)
        assert all(calendar.is_open(w.day) for w in request.windows), request.windows


def test_demo_seed_shows_a_year_of_work(session) -> None:
    seed_demo(session, seed=7, volunteers=120, schools=15, requests=40, past_visits=60, today=TODAY)
    session.commit()
    # Sign-ups and bookings are spread over the past months, not all made "today".
    signups = {u.created_at.date() for u in session.scalars(sa.select(User))}
    assert len(signups) > 50 and min(signups) < TODAY - timedelta(days=300)
    booked = [r.created_at.date() for r in session.scalars(sa.select(BookingRequest))]
    assert min(booked) < TODAY - timedelta(days=200) and max(booked) <= TODAY
    # Class names fit their level.
    patterns = {
        "indskoling": r"[0-3]\.[abc]",
        "mellemtrin": r"[4-6]\.[abc]",
        "udskoling": r"[7-9]\.[abc]",
        "stx": r"[1-3]\.\w",
        "hf": r"[12]\.\w",
        "eud": r"Grundforløb [12]",
    }
    for request in session.scalars(sa.select(BookingRequest)):
        pattern = patterns.get(request.level.code)
        if pattern:
            assert re.fullmatch(pattern, request.class_name), (
                request.level.code,
                request.class_name,
            )
    # A year of completed visits, confirmed with pupils and mostly with feedback.
    done = session.scalars(sa.select(Visit).where(Visit.status == VisitStatus.COMPLETED)).all()
    assert len(done) > 45
    assert all(v.starts_at.date() < TODAY and v.pupils_reached for v in done)
    assert min(v.starts_at.date() for v in done) < TODAY - timedelta(days=270)
    assert session.scalar(sa.select(sa.func.count(Feedback.id))) > len(done)
    dashboard = impact.compute_dashboard(
        session,
        session.scalars(sa.select(Programme.id)).all(),
        impact.Period(TODAY - timedelta(days=365), TODAY),
        datetime_at(TODAY),
    )
    assert dashboard.totals.visits_completed == len(done) and dashboard.totals.pupils_reached > 0
    # Proposals wait for answers (with their notices), one booking is confirmed ahead, and
    # one was left unmatched with a reason the teacher can read.
    pending = session.scalars(
        sa.select(Proposal).where(Proposal.status == ProposalStatus.PENDING)
    ).all()
    assert len(pending) >= 3 and all(p.request.status == RequestStatus.PROPOSED for p in pending)
    assert session.scalar(sa.select(sa.func.count(Notice.id))) == len(pending)
    planned = session.scalars(sa.select(Visit).where(Visit.status == VisitStatus.PLANNED)).all()
    assert planned and all(v.starts_at.date() > TODAY for v in planned)
    unmatched = session.scalars(
        sa.select(BookingRequest).where(BookingRequest.status == RequestStatus.UNMATCHED)
    ).all()
    assert len(unmatched) == 1 and unmatched[0].unmatched_reason["data"]["rule"] == "reach"
    # The role model the README logs in as has a record, a proposal and a course to ask for.
    showcase = session.scalar(
        sa.select(User).where(User.email == "frivillig001@demo.rollemodel.dk")
    )
    profile = showcase.volunteer_profile
    record = volunteer_record(session, profile, datetime_at(TODAY))
    assert record.visits >= 2 and record.pupils > 0
    assert unread(session, showcase)
    assert profile.virtual_ok and not profile.has_training(TrainingKind.VIRTUAL)


def datetime_at(day: date):
    from datetime import UTC, datetime, time

    return datetime.combine(day, time(12), tzinfo=UTC)


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

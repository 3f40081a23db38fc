"""Every reminder kind goes out once, at the right local time, to the right people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from mentor.mail.sender import deliver_outbox
from mentor.models import Feedback, Programme, User, VolunteerProfile
from mentor.models.enums import FeedbackAuthor, RequestStatus, Role, VolunteerStatus
from mentor.services.reminders import (
    ReminderSettings,
    queue_due_reminders,
    read_still_on_token,
)
from tests.mail.world import (
    LONG_AGO,
    World,
    add_proposal,
    add_request,
    add_visit,
    local,
    make_world,
)
from tests.smtp_sink import SmtpSink

FB = "feedback_request"


@pytest.fixture
def world(session) -> World:
    world = make_world(session)
    session.commit()
    return world


def tick(app, session, now: datetime, kind: str | None = None) -> list:
    """One scheduler round at `now`: queue what is due, deliver it, return what arrived.

    With `kind`, only mails of that kind are returned (the others are still sent).
    """
    sink: SmtpSink = app.extensions["test_sink"]
    before = len(sink.messages)
    queue_due_reminders(session, now, ReminderSettings())
    session.commit()
    deliver_outbox(app, now)
    arrived = sink.messages[before:]
    return [m for m in arrived if kind is None or m["X-Rollemodel-Kind"] == kind]


def visit_tick(app, session, now: datetime) -> list:
    return tick(app, session, now, "visit_reminder")


@pytest.fixture(autouse=True)
def _sink_on_app(app, smtp_server) -> None:
    app.extensions["test_sink"] = smtp_server


def recipients(messages) -> list[str]:
    return sorted(str(m["To"]) for m in messages)


def test_visit_reminders_a_week_and_a_day_before_across_the_dst_change(app, session, world):
    # Monday 27 October 2025, 09:00 in Copenhagen: the day after summer time ended.
    visit = add_visit(session, world, local(2025, 10, 27, 9))
    session.commit()
    week_before = local(2025, 10, 20, 8)
    day_before = local(2025, 10, 26, 8)
    # 08:00 local is 06:00 UTC in summer time and 07:00 UTC after the change.
    assert week_before == datetime(2025, 10, 20, 6, 0, tzinfo=UTC)
    assert day_before == datetime(2025, 10, 26, 7, 0, tzinfo=UTC)

    assert visit_tick(app, session, week_before - timedelta(minutes=1)) == []
    week = visit_tick(app, session, week_before)
    assert recipients(week) == ["frivillig@example.dk", "laerer@example.dk"]
    assert visit_tick(app, session, week_before + timedelta(hours=3)) == []

    assert visit_tick(app, session, day_before - timedelta(minutes=1)) == []
    day = visit_tick(app, session, day_before)
    assert recipients(day) == ["frivillig@example.dk", "laerer@example.dk"]
    assert all("i morgen" in m["Subject"] for m in day)
    assert not any("i morgen" in m["Subject"] for m in week)
    assert visit_tick(app, session, local(2025, 10, 27, 8, 59)) == []
    assert visit_tick(app, session, local(2025, 10, 27, 12)) == []

    volunteer_mail = next(m for m in day if m["To"] == "frivillig@example.dk")
    text = SmtpSink.text_of(volunteer_mail)
    assert "mandag 27. oktober 2025 kl. 09.00" in text
    assert "8.b på Aarhus Skole" in text
    teacher_text = SmtpSink.text_of(next(m for m in day if m["To"] == "laerer@example.dk"))
    assert "Frida Frivillig kommer på besøg i 8.b" in teacher_text

    [ics] = list(volunteer_mail.iter_attachments())
    calendar = ics.get_content()
    assert f"UID:visit-{visit.id}@rollemodel.local" in calendar
    assert "DTSTART:20251027T080000Z" in calendar
    assert "DTEND:20251027T100000Z" in calendar

    # The "still on?" link carries a signed token naming the visit and the reader.
    link = next(line for line in text.splitlines() if "stadig-aktuelt" in line or "still" in line)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert read_still_on_token(token) == (visit.id, world.volunteer.user_id)


def test_spring_forward_keeps_the_local_hour(app, session, world):
    # Summer time starts Sunday 30 March 2025; a visit on Tuesday 1 April at 10:00.
    add_visit(session, world, local(2025, 4, 1, 10))
    session.commit()
    week_before = local(2025, 3, 25, 8)
    assert week_before == datetime(2025, 3, 25, 7, 0, tzinfo=UTC)  # still winter time
    assert visit_tick(app, session, week_before - timedelta(seconds=1)) == []
    assert len(visit_tick(app, session, week_before)) == 2
    day_before = local(2025, 3, 31, 8)
    assert day_before == datetime(2025, 3, 31, 6, 0, tzinfo=UTC)  # summer time
    assert visit_tick(app, session, day_before - timedelta(seconds=1)) == []
    assert len(visit_tick(app, session, day_before)) == 2


def test_opt_out_silences_the_week_reminder_but_not_the_day_before(app, session, world):
    world.volunteer.user.reminders_opt_out = True
    add_visit(session, world, local(2025, 10, 27, 9))
    session.commit()
    assert recipients(visit_tick(app, session, local(2025, 10, 20, 8))) == ["laerer@example.dk"]
    assert recipients(visit_tick(app, session, local(2025, 10, 26, 8))) == [
        "frivillig@example.dk",
        "laerer@example.dk",
    ]


def test_a_visit_booked_late_skips_the_week_reminder(app, session, world):
    add_visit(session, world, local(2025, 10, 27, 9), confirmed_at=local(2025, 10, 23, 14))
    session.commit()
    assert visit_tick(app, session, local(2025, 10, 23, 15)) == []
    assert len(visit_tick(app, session, local(2025, 10, 26, 8))) == 2


def test_a_moved_visit_is_reminded_again_for_its_new_day(app, session, world):
    visit = add_visit(session, world, local(2025, 10, 27, 9))
    session.commit()
    assert len(visit_tick(app, session, local(2025, 10, 26, 8))) == 2
    visit.starts_at = local(2025, 10, 30, 9)
    visit.ends_at = local(2025, 10, 30, 11)
    session.commit()
    # The new day's week-before moment has passed: that stage goes out now, once,
    # with the new date, and the day-before one follows on time.
    moved = visit_tick(app, session, local(2025, 10, 26, 9))
    assert len(moved) == 2
    assert "torsdag 30. oktober 2025 kl. 09.00" in SmtpSink.text_of(moved[0])
    assert visit_tick(app, session, local(2025, 10, 28, 9)) == []
    assert len(visit_tick(app, session, local(2025, 10, 29, 8))) == 2


def test_english_readers_get_english_dates(app, session):
    world = make_world(session, volunteer_locale="en")
    add_visit(session, world, local(2025, 10, 27, 9))
    session.commit()
    day = visit_tick(app, session, local(2025, 10, 26, 8))
    text = SmtpSink.text_of(next(m for m in day if m["To"] == "frivillig@example.dk"))
    assert "Monday 27 October 2025 at 09:00" in text


def test_unanswered_proposal_is_nudged_after_two_and_five_days(app, session, world):
    # Made Thursday 27 March 2025 10:00; summer time starts in between.
    proposal = add_proposal(session, world, local(2025, 3, 27, 10))
    session.commit()
    assert tick(app, session, local(2025, 3, 29, 9, 59)) == []
    first = tick(app, session, local(2025, 3, 29, 10))
    assert recipients(first) == ["frivillig@example.dk"]
    assert "venter på dit svar" in first[0]["Subject"]
    assert tick(app, session, local(2025, 3, 31, 10)) == []
    assert tick(app, session, local(2025, 4, 1, 9, 59)) == []
    second = tick(app, session, local(2025, 4, 1, 10))
    assert second[0]["Subject"].startswith("Sidste påmindelse")
    assert tick(app, session, local(2025, 4, 3, 10)) == []
    # Past its deadline nothing more is sent (the expiry itself is the proposals service's).
    assert tick(app, session, proposal.expires_at + timedelta(minutes=1)) == []


def test_an_answered_proposal_is_not_nudged(app, session, world):
    proposal = add_proposal(session, world, local(2025, 3, 27, 10))
    proposal.status = "accepted"
    session.commit()
    assert tick(app, session, local(2025, 3, 29, 10)) == []


def test_feedback_is_asked_the_day_after_and_nudged_only_where_missing(app, session, world):
    visit = add_visit(session, world, local(2025, 10, 27, 9))
    session.commit()
    tick(app, session, local(2025, 10, 26, 8))  # the day-before reminders, not under test
    assert tick(app, session, local(2025, 10, 28, 7, 59), FB) == []
    asked = tick(app, session, local(2025, 10, 28, 8), FB)
    assert recipients(asked) == ["frivillig@example.dk", "laerer@example.dk"]
    assert "hvor mange elever" in SmtpSink.text_of(asked[0])
    session.add(
        Feedback(
            visit=visit,
            author_role=FeedbackAuthor.TEACHER,
            author_id=world.teacher.id,
            happened=True,
            pupils=22,
        )
    )
    session.commit()
    assert tick(app, session, local(2025, 10, 31, 8), FB) == []
    nudged = tick(app, session, local(2025, 11, 1, 8), FB)
    assert recipients(nudged) == ["frivillig@example.dk"]
    assert nudged[0]["Subject"].startswith("Påmindelse")
    assert tick(app, session, local(2025, 11, 5, 8), FB) == []


def test_teacher_hears_what_happens_next_once_per_run(app, session, world):
    now = local(2025, 9, 1, 12)
    request = add_request(
        session,
        world,
        status=RequestStatus.UNMATCHED,
        unmatched_reason={"run_id": 5, "reason": "no_candidate"},
        updated_at=now - timedelta(hours=1),
    )
    session.commit()
    [notice] = tick(app, session, now, "request_unmatched")
    assert notice["To"] == "laerer@example.dk"
    assert "Det sker der nu" in SmtpSink.text_of(notice)
    assert tick(app, session, now + timedelta(hours=1), "request_unmatched") == []
    request.unmatched_reason = {"run_id": 6}
    request.updated_at = now + timedelta(days=3)
    session.commit()
    assert len(tick(app, session, now + timedelta(days=3, minutes=1), "request_unmatched")) == 1


def test_coordinator_digest_every_monday_morning(app, session, world):
    add_request(session, world, status=RequestStatus.UNMATCHED, updated_at=LONG_AGO)
    pending = VolunteerProfile(
        user=User(email="ny@example.dk", role=Role.VOLUNTEER, full_name="Nina Ny"),
        postcode="8000",
        municipality_code=world.volunteer.municipality_code,
        region_code=world.volunteer.region_code,
        latitude=0.0,
        longitude=0.0,
        status=VolunteerStatus.PENDING,
    )
    pending.programmes = [world.programme]
    session.add(pending)
    add_visit(session, world, local(2025, 10, 1, 9))  # ended, nobody reported
    # A KRAM coordinator has nothing waiting, so gets no digest; an opted-out one neither.
    kram = session.scalar(sa.select(Programme).where(Programme.code == "KRAM"))
    quiet = User(email="kram@example.dk", role=Role.COORDINATOR, full_name="K", created_at=LONG_AGO)
    quiet.coordinated_programmes = [kram]
    opted_out = User(
        email="fri@example.dk",
        role=Role.COORDINATOR,
        full_name="F",
        created_at=LONG_AGO,
        reminders_opt_out=True,
    )
    session.add_all([quiet, opted_out])
    session.commit()

    monday = local(2025, 10, 27, 8)  # the first Monday after the DST change: 07:00 UTC
    assert monday == datetime(2025, 10, 27, 7, tzinfo=UTC)
    # A digest covers its whole week, so the first round ever sends last week's.
    [last_week] = tick(app, session, monday - timedelta(hours=20), "coordinator_digest")
    assert last_week["To"] == "koord@example.dk"
    assert tick(app, session, monday - timedelta(minutes=1), "coordinator_digest") == []

    [digest] = tick(app, session, monday, "coordinator_digest")
    assert digest["To"] == "koord@example.dk"
    assert "1 uden match, 1 frivillige venter, 1 besøg uden feedback" in digest["Subject"]
    text = SmtpSink.text_of(digest)
    assert "Nina Ny" in text and "Aarhus Skole" in text
    assert tick(app, session, monday + timedelta(days=3), "coordinator_digest") == []
    [next_week] = tick(app, session, monday + timedelta(days=7), "coordinator_digest")
    assert next_week["To"] == "koord@example.dk"


def test_deleted_accounts_get_nothing(app, session, world):
    world.teacher.email = None
    world.teacher.deleted_at = LONG_AGO
    add_visit(session, world, local(2025, 10, 27, 9))
    session.commit()
    assert recipients(visit_tick(app, session, local(2025, 10, 26, 8))) == ["frivillig@example.dk"]

"""The school year in the running app: closed days, notice, deadlines, attention, one place."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from mentor.models import CalendarOverride, OutboxMail, Proposal, Visit
from mentor.models.enums import ProposalStatus, RequestStatus, VisitFormat, VisitStatus
from mentor.schoolyear import calendar_for
from mentor.services import proposals, runs
from mentor.services.errors import DomainError
from mentor.services.matching import Scope, local_to_utc
from mentor.services.reminders import ReminderSettings, queue_due_reminders
from mentor.services.requests import RequestData, WindowData, create_request
from tests.journeys.conftest import NOW, login

pytestmark = pytest.mark.usefixtures("app")


def school_day(world, school, n: int) -> date:
    """The n-th school day after NOW at that school."""
    return calendar_for(world.session, school).school_days_after(NOW.date(), n)


def pending(session, request_id: int) -> list[Proposal]:
    return list(
        session.scalars(
            sa.select(Proposal).where(
                Proposal.request_id == request_id, Proposal.status == ProposalStatus.PENDING
            )
        )
    )


def propose(session, request, volunteer) -> Proposal:
    proposal = Proposal(
        request=request,
        volunteer=volunteer,
        window=request.windows[0],
        format=VisitFormat.PHYSICAL,
        status=ProposalStatus.PENDING,
        expires_at=NOW + timedelta(days=1),
        created_at=NOW,
    )
    request.status = RequestStatus.PROPOSED
    session.add(proposal)
    session.flush()
    return proposal


def test_a_request_four_school_days_away_goes_to_the_attention_list_instead_of_proposing(
    client, world, session
):
    teacher = world.teacher()
    school = teacher.teacher_profile.school
    request = world.request(teacher, day=school_day(world, school, 4))
    first, second = world.volunteer(), world.volunteer()
    proposal = propose(session, request, first)
    session.commit()

    assert proposals.decline(session, proposal.id, NOW) is None
    session.commit()
    assert pending(session, request.id) == []
    assert request.status == RequestStatus.UNMATCHED
    assert request.attention_since == NOW
    assert second.id  # free and fitting, yet not asked: no time for an answer

    login(client, world.coordinator("BOOK"))
    page = client.get("/koordinator/").get_data(as_text=True)
    assert "Kræver handling nu" in page
    assert f"/koordinator/bookinger/{request.id}" in page.split("Kræver handling nu")[1]


def test_a_run_leaves_a_request_within_the_notice_unmatched_with_that_reason(world, session):
    teacher = world.teacher()
    school = teacher.teacher_profile.school
    soon = world.request(teacher, day=school_day(world, school, 4))
    later = world.request(teacher, day=school_day(world, school, 15))
    world.volunteer()
    session.commit()
    run = runs.preview_run(session, None, Scope(world.programmes["BOOK"].id), now=NOW)
    unmatched = {u["request_id"]: u for u in run.result["unmatched"]}
    assert unmatched[soon.id]["data"]["rule"] == "notice"
    assert [a["request_id"] for a in run.result["assignments"]] == [later.id]
    runs.commit_run(session, None, run.id, now=NOW)
    session.commit()
    assert soon.status == RequestStatus.UNMATCHED and soon.attention_since == NOW
    assert later.status == RequestStatus.PROPOSED and later.attention_since is None


def test_the_answer_deadline_falls_before_the_visit(world, session):
    teacher = world.teacher()
    school = teacher.teacher_profile.school
    request = world.request(teacher, day=school_day(world, school, 12))
    world.programmes["BOOK"].proposal_deadline_days = 14
    world.volunteer()
    session.commit()
    run = runs.preview_run(session, None, Scope(world.programmes["BOOK"].id), now=NOW)
    runs.commit_run(session, None, run.id, now=NOW)
    (proposal,) = pending(session, request.id)
    visit_start = local_to_utc(request.windows[0].day, request.windows[0].start_time)
    # Five school days before the visit, not the programme's fourteen days after now.
    lead_day = calendar_for(session, school).school_days_before(request.windows[0].day, 5)
    assert NOW < proposal.expires_at < visit_start
    assert proposal.expires_at == local_to_utc(lead_day, time(23, 59))


def test_a_coordinator_override_changes_the_matching_result(client, world, session):
    teacher = world.teacher()
    school = teacher.teacher_profile.school
    day = school_day(world, school, 12)
    request = world.request(teacher, day=day)
    world.volunteer()
    coordinator = world.coordinator("BOOK")
    session.commit()
    scope = Scope(world.programmes["BOOK"].id)
    assert runs.preview_run(session, None, scope, now=NOW).matched_count == 1

    login(client, coordinator)
    response = client.post(
        f"/koordinator/skoler/{school.id}/kalender",
        data={
            "scope": "municipality",
            "first_day": day.isoformat(),
            "last_day": day.isoformat(),
            "closed": "closed",
            "label": "Kommunens planlægningsdag",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/koordinator/skoler/{school.id}").get_data(as_text=True)
    assert "Kommunens planlægningsdag" in page

    run = runs.preview_run(session, None, scope, now=NOW)
    assert run.matched_count == 0
    assert run.result["unmatched"][0]["data"]["rule"] == "closed"
    assert request.id == run.result["unmatched"][0]["request_id"]

    # A school's own plan can open a day the default closes (an Aarhus school, week-7
    # vinterferie by default, that keeps its winter holiday in week 8).
    session.delete(session.scalar(sa.select(CalendarOverride)))
    winter = date.fromisocalendar(2027, 7, 2)
    request.windows[0].day = winter
    session.commit()
    run = runs.preview_run(session, None, scope, now=NOW)
    assert run.result["unmatched"][0]["data"]["rule"] == "closed"
    session.add(
        CalendarOverride(school_id=school.id, first_day=winter, last_day=winter, closed=False)
    )
    session.commit()
    assert runs.preview_run(session, None, scope, now=NOW).matched_count == 1


@pytest.mark.parametrize("days", [(24, 31), (28, 29)])
def test_a_booking_on_christmas_days_is_refused_naming_the_holiday(world, session, days):
    teacher = world.teacher()
    session.commit()
    data = RequestData(
        programme_id=world.programmes["BOOK"].id,
        school_id=teacher.teacher_profile.school_id,
        level_id=world.levels["udskoling"].id,
        pupils=24,
        primary_subject_id=world.subjects["fysik"].id,
        windows=[WindowData(date(2026, 12, d), time(9), time(11)) for d in days],
    )
    with pytest.raises(DomainError, match="juleferie"):
        create_request(session, teacher, data, now=datetime(2026, 10, 1, 9, tzinfo=NOW.tzinfo))


def test_a_partly_closed_booking_is_accepted_and_the_closed_day_is_said(client, world, session):
    teacher = world.teacher()
    login(client, teacher)
    from tests.journeys.test_teacher_journey import booking_form

    today = datetime.now(NOW.tzinfo).date()
    calendar = calendar_for(session, teacher.teacher_profile.school)
    closed = next(
        today + timedelta(days=d)
        for d in range(30, 400)
        if (c := calendar.closed_day(today + timedelta(days=d))) and c.kind != "weekend"
    )
    response = client.post(
        "/laerer/bookinger/ny",
        data=booking_form(world, teacher.teacher_profile.school, window1_day=closed.isoformat()),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Skolen holder lukket" in page and "bruges ikke" in page


def test_manual_assignment_never_doubles_a_volunteer_up(world, session):
    first_teacher, other_teacher = world.teacher(), world.teacher(world.school("8000"))
    day = school_day(world, first_teacher.teacher_profile.school, 12)
    taken = world.request(first_teacher, day=day, status=RequestStatus.CONFIRMED)
    volunteer = world.volunteer()
    world.visit(taken, volunteer, starts_at=local_to_utc(day, time(9)))
    wanted = world.request(other_teacher, day=day)  # same hour, another school
    coordinator = world.coordinator("BOOK")
    session.commit()
    with pytest.raises(DomainError, match="allerede et besøg"):
        proposals.manual_assign(
            session, coordinator, wanted.id, volunteer.id, override_reason="Hun sagde ja", now=NOW
        )
    session.rollback()
    # Later that day at another school is still two places: refused as well.
    wanted.windows[0].start_time, wanted.windows[0].end_time = time(13), time(15)
    session.commit()
    with pytest.raises(DomainError, match="allerede et besøg"):
        proposals.manual_assign(
            session, coordinator, wanted.id, volunteer.id, override_reason="Hun sagde ja", now=NOW
        )
    session.rollback()
    assert pending(session, wanted.id) == []


def test_runs_and_cascades_never_double_a_volunteer_up(world, session):
    teacher_a, teacher_b = world.teacher(), world.teacher(world.school("8000"))
    day = school_day(world, teacher_a.teacher_profile.school, 12)
    a = world.request(teacher_a, day=day)
    b = world.request(teacher_b, day=day)
    volunteer = world.volunteer()
    volunteer.visits_per_term = 4
    session.commit()
    run = runs.preview_run(session, None, Scope(world.programmes["BOOK"].id), now=NOW)
    assert run.matched_count == 1
    (left,) = run.result["unmatched"]
    assert left["data"]["rule"] == "busy"
    runs.commit_run(session, None, run.id, now=NOW)
    session.commit()
    live = list(session.scalars(sa.select(Proposal).where(Proposal.volunteer_id == volunteer.id)))
    assert len(live) == 1
    # The other class's cascade (after someone else declines) skips her too.
    other = a if live[0].request_id == b.id else b
    someone = world.volunteer()
    proposal = propose(session, other, someone)
    session.commit()
    assert proposals.decline(session, proposal.id, NOW) is None
    assert (
        len(list(session.scalars(sa.select(Proposal).where(Proposal.volunteer_id == volunteer.id))))
        == 1
    )


def test_teacher_and_coordinator_are_warned_ten_and_five_school_days_before(app, world, session):
    teacher = world.teacher()
    school = teacher.teacher_profile.school
    calendar = calendar_for(session, school)
    day = school_day(world, school, 14)
    request = world.request(teacher, day=day)
    coordinator = world.coordinator("BOOK")
    session.commit()
    settings = ReminderSettings()

    def tick(on: date) -> list[OutboxMail]:
        moment = datetime.combine(on, time(9), tzinfo=settings.zone)
        queue_due_reminders(session, moment, settings)
        session.commit()
        return list(
            session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == "visit_unconfirmed"))
        )

    ten = calendar.school_days_before(day, 10)
    assert tick(ten - timedelta(days=1)) == []
    mails = tick(ten)
    assert sorted(m.to_address for m in mails) == sorted([teacher.email, coordinator.email])
    assert "10 skoledage" in next(m for m in mails if m.to_address == teacher.email).body_text
    assert request.attention_since is None
    five = calendar.school_days_before(day, 5)
    assert len(tick(five)) == 4
    session.refresh(request)
    assert request.attention_since is not None
    # Confirmed in between: nobody is warned.
    request.status = RequestStatus.CONFIRMED
    session.add(
        Visit(
            request=request,
            programme_id=request.programme_id,
            format=VisitFormat.PHYSICAL,
            starts_at=local_to_utc(day, time(9)),
            ends_at=local_to_utc(day, time(11)),
            status=VisitStatus.PLANNED,
        )
    )
    session.commit()
    assert len(tick(five + timedelta(days=1))) == 4


def test_a_commit_puts_a_match_without_time_to_answer_on_the_attention_list(world, session):
    # A programme with a short notice but the usual answer lead: the engine may match a
    # class four school days away, but no volunteer would have time to answer.
    world.programmes["BOOK"].notice_school_days = 2
    teacher = world.teacher()
    request = world.request(teacher, day=school_day(world, teacher.teacher_profile.school, 4))
    world.volunteer()
    session.commit()
    run = runs.preview_run(session, None, Scope(world.programmes["BOOK"].id), now=NOW)
    assert run.matched_count == 1
    runs.commit_run(session, None, run.id, now=NOW)
    session.commit()
    assert pending(session, request.id) == []
    assert request.status == RequestStatus.UNMATCHED
    assert request.attention_since == NOW

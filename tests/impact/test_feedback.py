"""Feedback rules: the teacher's report confirms, the volunteer's alone waits, corrections log."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from mentor.models import AuditEntry, Feedback
from mentor.models.enums import FeedbackAuthor, RequestStatus, Role, VisitStatus
from mentor.services import feedback, impact
from mentor.services.errors import DomainError, NotAllowed, NotFound
from mentor.services.feedback import FeedbackState, Outcome, Party, Report
from tests.impact.conftest import NOW, at

YEAR = impact.Period.year(2026)


@pytest.fixture
def visit_setup(session, builder):
    """One planned KRAM visit on 1 July 2026 at S1, its teacher, its volunteer, strangers."""
    school = builder.school("Aarhus Skole", "8000")
    other_school = builder.school("Skagen Skole", "9990")
    volunteer = builder.volunteer()
    visit = builder.visit(school, volunteer, at(2026, 7, 1))
    ns = type("Setup", (), {})()
    ns.visit = visit
    ns.teacher = builder.teacher(school)
    ns.stranger_teacher = builder.teacher(other_school)
    ns.volunteer = volunteer.user
    ns.stranger_volunteer = builder.volunteer().user
    ns.coordinator = builder.coordinator("KRAM")
    ns.book_coordinator = builder.coordinator("BOOK")
    ns.kram = builder.programmes["KRAM"].id
    session.commit()
    return ns


def completed(session, programme_id: int) -> tuple[int, int]:
    t = impact.compute_dashboard(session, [programme_id], YEAR, NOW).totals
    return t.visits_completed, t.pupils_reached


def test_teacher_report_confirms_and_counts(session, visit_setup) -> None:
    s = visit_setup
    assert completed(session, s.kram) == (0, 0)
    feedback.submit_feedback(
        session,
        s.visit.id,
        s.teacher,
        Report(Outcome.COMPLETED, pupils=23, girls=12, rating=5, comment=" Godt! "),
        NOW,
    )
    session.commit()
    visit = s.visit
    assert (visit.status, visit.pupils_reached, visit.girls_reached) == (
        VisitStatus.COMPLETED,
        23,
        12,
    )
    assert visit.confirmed_at == NOW
    assert visit.request.status == RequestStatus.COMPLETED
    stored = feedback.report_by(visit, FeedbackAuthor.TEACHER)
    assert (stored.happened, stored.rating, stored.comment, stored.author_id) == (
        True,
        5,
        "Godt!",
        s.teacher.id,
    )
    assert feedback.feedback_state(visit, NOW) == FeedbackState.CONFIRMED
    assert completed(session, s.kram) == (1, 23)


def test_volunteer_report_alone_awaits_the_teacher(session, visit_setup) -> None:
    s = visit_setup
    assert feedback.feedback_state(s.visit, NOW) == FeedbackState.AWAITING_REPORTS
    feedback.submit_feedback(
        session, s.visit.id, s.volunteer, Report(Outcome.COMPLETED, pupils=30, rating=4), NOW
    )
    session.commit()
    assert s.visit.status == VisitStatus.PLANNED
    assert s.visit.pupils_reached is None
    assert feedback.feedback_state(s.visit, NOW) == FeedbackState.AWAITING_TEACHER
    assert completed(session, s.kram) == (0, 0)

    # The teacher counted 23 (of the 25 booked), and that is the figure that counts.
    feedback.submit_feedback(
        session, s.visit.id, s.teacher, Report(Outcome.COMPLETED, pupils=23), NOW
    )
    session.commit()
    assert completed(session, s.kram) == (1, 23)
    assert feedback.report_by(s.visit, FeedbackAuthor.VOLUNTEER).pupils == 30


def test_no_feedback_before_the_visit_starts(session, visit_setup) -> None:
    s = visit_setup
    before = s.visit.starts_at - timedelta(minutes=1)
    assert feedback.feedback_state(s.visit, before) == FeedbackState.UPCOMING
    with pytest.raises(DomainError, match="begyndt"):
        feedback.submit_feedback(
            session, s.visit.id, s.teacher, Report(Outcome.COMPLETED, pupils=20), before
        )
    assert session.scalar(sa.select(sa.func.count(Feedback.id))) == 0


@pytest.mark.parametrize(
    ("report", "field"),
    [
        (Report(Outcome.COMPLETED), "pupils"),
        (Report(Outcome.COMPLETED, pupils=0), "pupils"),
        (Report(Outcome.COMPLETED, pupils=501), "pupils"),
        (Report(Outcome.COMPLETED, pupils=20, girls=21), "girls"),
        (Report(Outcome.COMPLETED, pupils=20, girls=-1), "girls"),
        (Report(Outcome.COMPLETED, pupils=20, rating=6), "rating"),
        (Report(Outcome.COMPLETED, pupils=20, rating=0), "rating"),
        (Report(Outcome.NO_SHOW), "party"),
        (Report(Outcome.COMPLETED, pupils=20, comment="x" * 2001), "comment"),
    ],
)
def test_bad_reports_are_refused_naming_the_field(report, field) -> None:
    with pytest.raises(DomainError) as caught:
        report.validated()
    assert caught.value.field == field


def test_good_reports_are_cleaned() -> None:
    assert Report(Outcome.COMPLETED, pupils=20, girls=20, rating=5, comment=" ok ").validated() == (
        Report(Outcome.COMPLETED, None, 20, 20, 5, "ok")
    )
    # A visit that did not happen reached no one and has nothing to rate.
    assert Report(Outcome.NO_SHOW, Party.TEACHER, pupils=20, rating=2).validated() == Report(
        Outcome.NO_SHOW, Party.TEACHER
    )


def test_the_service_validates_before_it_changes_anything(session, visit_setup) -> None:
    with pytest.raises(DomainError) as caught:
        feedback.submit_feedback(
            session,
            visit_setup.visit.id,
            visit_setup.teacher,
            Report(Outcome.COMPLETED, pupils=20, girls=21),
            NOW,
        )
    assert caught.value.field == "girls"
    assert visit_setup.visit.status == VisitStatus.PLANNED
    assert session.scalar(sa.select(sa.func.count(Feedback.id))) == 0


def test_strangers_cannot_see_or_report(session, visit_setup) -> None:
    s = visit_setup
    for stranger in (s.stranger_teacher, s.stranger_volunteer, s.coordinator):
        with pytest.raises(NotFound):
            feedback.visit_for(session, s.visit.id, stranger)
        with pytest.raises(NotFound):
            feedback.submit_feedback(
                session, s.visit.id, stranger, Report(Outcome.COMPLETED, pupils=20), NOW
            )
    with pytest.raises(NotFound):
        feedback.visit_for(session, 999_999, s.teacher)
    assert feedback.visit_for(session, s.visit.id, s.teacher) is s.visit
    assert feedback.visit_for(session, s.visit.id, s.volunteer) is s.visit


def test_no_show_and_cancellation(session, visit_setup) -> None:
    s = visit_setup
    feedback.submit_feedback(
        session,
        s.visit.id,
        s.teacher,
        Report(Outcome.NO_SHOW, Party.VOLUNTEER, pupils=20, rating=1, comment="Kom ikke"),
        NOW,
    )
    session.commit()
    assert (s.visit.status, s.visit.cancelled_by, s.visit.pupils_reached) == (
        VisitStatus.NO_SHOW,
        "volunteer",
        None,
    )
    assert s.visit.request.status == RequestStatus.CANCELLED
    stored = feedback.report_by(s.visit, FeedbackAuthor.TEACHER)
    assert (stored.happened, stored.pupils, stored.rating, stored.comment) == (
        False,
        None,
        None,
        "Kom ikke",
    )
    totals = impact.compute_dashboard(session, [s.kram], YEAR, NOW).totals
    assert (totals.visits_no_show, totals.visits_completed) == (1, 0)

    # The teacher may revise their own report: it was the school that cancelled.
    feedback.submit_feedback(
        session, s.visit.id, s.teacher, Report(Outcome.CANCELLED, Party.TEACHER), NOW
    )
    assert (s.visit.status, s.visit.cancelled_by) == (VisitStatus.CANCELLED, "teacher")
    assert session.scalar(sa.select(sa.func.count(Feedback.id))) == 1


def test_teacher_cannot_reopen_a_visit_closed_elsewhere(session, visit_setup) -> None:
    s = visit_setup
    s.visit.status = VisitStatus.CANCELLED
    s.visit.cancelled_by = "volunteer"
    session.commit()
    with pytest.raises(DomainError, match="afsluttet"):
        feedback.submit_feedback(
            session, s.visit.id, s.teacher, Report(Outcome.COMPLETED, pupils=20), NOW
        )


def test_coordinator_correction_is_audited_and_final(session, visit_setup) -> None:
    s = visit_setup
    feedback.submit_feedback(
        session, s.visit.id, s.teacher, Report(Outcome.COMPLETED, pupils=23), NOW
    )
    session.commit()
    later = NOW + timedelta(days=3)
    feedback.correct_visit(
        session,
        s.visit.id,
        s.coordinator,
        Report(Outcome.COMPLETED, pupils=46, girls=20),
        "To klasser deltog sammen",
        later,
    )
    session.commit()
    assert (s.visit.status, s.visit.pupils_reached, s.visit.girls_reached) == (
        VisitStatus.COMPLETED,
        46,
        20,
    )
    entry = session.scalars(sa.select(AuditEntry)).one()
    assert (entry.action, entry.object_type, entry.object_id, entry.actor_id) == (
        "visit.corrected",
        "visit",
        s.visit.id,
        s.coordinator.id,
    )
    assert entry.details["before"]["pupils_reached"] == 23
    assert entry.details["after"]["pupils_reached"] == 46
    assert entry.details["reason"] == "To klasser deltog sammen"
    assert feedback.corrected(s.visit)
    assert completed(session, s.kram) == (1, 46)

    with pytest.raises(DomainError, match="rettet"):
        feedback.submit_feedback(
            session, s.visit.id, s.teacher, Report(Outcome.COMPLETED, pupils=23), later
        )
    # The volunteer may still tell how it went; it changes nothing.
    feedback.submit_feedback(
        session, s.visit.id, s.volunteer, Report(Outcome.COMPLETED, pupils=50, rating=5), later
    )
    assert s.visit.pupils_reached == 46


def test_correction_rules(session, visit_setup) -> None:
    s = visit_setup
    report = Report(Outcome.COMPLETED, pupils=20)
    with pytest.raises(NotAllowed):
        feedback.correct_visit(session, s.visit.id, s.book_coordinator, report, "x", NOW)
    with pytest.raises(NotAllowed):
        feedback.correct_visit(session, s.visit.id, s.teacher, report, "x", NOW)
    with pytest.raises(DomainError) as caught:
        feedback.correct_visit(session, s.visit.id, s.coordinator, report, "  ", NOW)
    assert caught.value.field == "reason"
    before = s.visit.starts_at - timedelta(days=1)
    with pytest.raises(DomainError) as caught:
        feedback.correct_visit(session, s.visit.id, s.coordinator, report, "x", before)
    assert caught.value.field == "outcome"
    # Cancelling ahead of the day is fine.
    feedback.correct_visit(
        session,
        s.visit.id,
        s.coordinator,
        Report(Outcome.CANCELLED, Party.COORDINATOR),
        "Skolen lukket",
        before,
    )
    assert (s.visit.status, s.visit.cancelled_by) == (VisitStatus.CANCELLED, "coordinator")
    assert session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 1


def test_admin_may_correct_any_programme(session, visit_setup, builder) -> None:
    admin = builder.user(Role.ADMIN)
    feedback.correct_visit(
        session,
        visit_setup.visit.id,
        admin,
        Report(Outcome.COMPLETED, pupils=20),
        "Telefonisk bekræftet",
        NOW,
    )
    assert visit_setup.visit.status == VisitStatus.COMPLETED


def test_lists_of_visits_awaiting_feedback(session, visit_setup, builder) -> None:
    s = visit_setup
    future = builder.visit(s.visit.request.school, s.volunteer.volunteer_profile, at(2026, 9, 1))
    session.commit()
    assert feedback.visits_awaiting_feedback(session, s.teacher, NOW) == [s.visit]
    assert feedback.visits_awaiting_feedback(session, s.volunteer, NOW) == [s.visit]
    assert feedback.visits_awaiting_feedback(session, s.stranger_teacher, NOW) == []
    assert feedback.visits_awaiting_confirmation(session, {s.kram}, NOW) == [s.visit]
    assert future not in feedback.visits_awaiting_feedback(session, s.teacher, NOW)

    feedback.submit_feedback(
        session, s.visit.id, s.volunteer, Report(Outcome.COMPLETED, pupils=20), NOW
    )
    session.commit()
    assert feedback.visits_awaiting_feedback(session, s.volunteer, NOW) == []
    assert feedback.visits_awaiting_feedback(session, s.teacher, NOW) == [s.visit]
    feedback.submit_feedback(
        session, s.visit.id, s.teacher, Report(Outcome.COMPLETED, pupils=20), NOW
    )
    session.commit()
    assert feedback.visits_awaiting_feedback(session, s.teacher, NOW) == []
    assert feedback.visits_awaiting_confirmation(session, {s.kram}, NOW) == []

"""Goals kept by coordinators: per programme, period, level and measure; copied; graded."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from mentor.models import AuditEntry, ProgrammeGoal
from mentor.models.enums import GoalMeasure, Role
from mentor.services import goals, impact
from mentor.services.errors import DomainError, NotAllowed
from tests import factories as f

START, END = date(2027, 8, 1), date(2028, 7, 31)


@pytest.fixture
def coordinator(app, session):
    person = f.user(session, "koord@x.dk", Role.COORDINATOR, "Karen Koordinator")
    person.coordinated_programmes = [f.programme(session, "KRAM")]
    session.commit()
    return person


def _data(session, **changes):
    values = dict(
        programme_id=f.programme(session, "KRAM").id,
        label="Grundskole",
        period_start=START,
        period_end=END,
        level_ids=[f.level(session, "udskoling").id, f.level(session, "mellemtrin").id],
        measure=GoalMeasure.PUPILS,
        classes_goal=16,
        pupils_goal=320,
    )
    values.update(changes)
    return goals.GoalData(**values)


def test_school_year_and_its_label(app) -> None:
    assert goals.school_year(date(2027, 9, 1)) == (START, END)
    assert goals.school_year(date(2028, 7, 31)) == (START, END)
    assert goals.school_year(date(2027, 7, 31)) == (date(2026, 8, 1), date(2027, 7, 31))
    assert goals.period_label(START, END) == "2027/28"
    with app.test_request_context():
        assert goals.period_label(date(2027, 1, 1), date(2027, 6, 30)) == "1.1.2027–30.6.2027"
    assert goals.next_period(START, END) == (date(2028, 8, 1), date(2029, 7, 31))
    assert goals.next_period(date(2027, 1, 1), date(2027, 6, 30)) == (
        date(2027, 7, 1),
        date(2027, 12, 31),
    )
    assert goals.next_period(date(2027, 3, 10), date(2027, 3, 19)) == (
        date(2027, 3, 20),
        date(2027, 3, 29),
    )


def test_coordinator_sets_a_goal_for_2027_28_and_the_dashboard_grades_it(
    client, session, coordinator
) -> None:
    f.login(client, "koord@x.dk")
    form = client.get("/koordinator/maal/ny")
    assert form.status_code == 200
    udskoling = f.level(session, "udskoling").id
    kram = f.programme(session, "KRAM").id
    bad = client.post(
        "/koordinator/maal/ny",
        data={
            "programme_id": kram,
            "label": "Grundskole",
            "period_start": "2028-07-31",
            "period_end": "2027-08-01",
            "level_ids": [udskoling],
            "measure": "pupils",
            "pupils_goal": "320",
            "classes_goal": "16",
        },
    )
    assert bad.status_code == 400 and "slutte efter" in bad.get_data(as_text=True)
    done = client.post(
        "/koordinator/maal/ny",
        data={
            "programme_id": kram,
            "label": "Grundskole",
            "period_start": "2027-08-01",
            "period_end": "2028-07-31",
            "level_ids": [udskoling],
            "measure": "pupils",
            "pupils_goal": "100",
            "classes_goal": "4",
        },
    )
    assert done.status_code == 302
    goal = session.scalar(sa.select(ProgrammeGoal))
    assert (goal.period_start, goal.period_end, goal.measure) == (START, END, GoalMeasure.PUPILS)
    assert (
        session.scalar(sa.select(AuditEntry.object_id).where(AuditEntry.action == "goal_created"))
        == goal.id
    )

    # Visits in the school year count toward it; halfway through, 60 of 50 expected.
    school = f.school(session)
    teacher = f.teacher(session, "t@x.dk", school)
    volunteer = f.volunteer(session, "v@x.dk").volunteer_profile
    for when in (datetime(2027, 9, 15, 9, tzinfo=UTC), datetime(2027, 11, 3, 9, tzinfo=UTC)):
        request = f.booking(session, teacher, programme_code="KRAM")
        f.completed_visit(session, request, volunteer, pupils=30, when=when)
    session.commit()
    now = datetime(2028, 1, 31, 12, tzinfo=UTC)  # half of the school year has passed
    [progress] = impact.goal_progress(session, [kram], impact.Period(START, END), now)
    assert (progress.pupils_reached, progress.classes_reached) == (60, 2)
    assert progress.expected_pupils == pytest.approx(50, rel=0.01)
    assert progress.grade == impact.Grade.GOOD and progress.measure == "pupils"
    # The dashboard page lists it for a 2027/28 filter.
    page = client.get("/koordinator/effekt?fra=2027-08-01&til=2028-07-31")
    assert page.status_code == 200 and "Grundskole" in page.get_data(as_text=True)


def test_the_measure_decides_the_grade(app, session, coordinator) -> None:
    kram = f.programme(session, "KRAM").id
    by_classes = goals.save_goal(
        session,
        coordinator,
        None,
        _data(session, label="Klasser", measure=GoalMeasure.CLASSES, classes_goal=40),
        {kram},
    )
    school = f.school(session)
    teacher = f.teacher(session, "t@x.dk", school)
    volunteer = f.volunteer(session, "v@x.dk").volunteer_profile
    request = f.booking(session, teacher, programme_code="KRAM")
    f.completed_visit(
        session, request, volunteer, pupils=300, when=datetime(2027, 9, 1, tzinfo=UTC)
    )
    session.commit()
    now = datetime(2028, 1, 31, 12, tzinfo=UTC)
    [progress] = impact.goal_progress(session, [kram], impact.Period(START, END), now)
    # 300 pupils would be plenty for the pupils figure; the goal counts classes: 1 of ~20.
    assert progress.goal_id == by_classes.id and progress.grade == impact.Grade.SLOW


def test_copying_last_periods_goals_is_idempotent(app, client, session, coordinator) -> None:
    kram = f.programme(session, "KRAM").id
    previous = (date(2026, 8, 1), date(2027, 7, 31))
    for label in ("Grundskole", "STX"):
        goals.save_goal(
            session,
            coordinator,
            None,
            _data(session, label=label, period_start=previous[0], period_end=previous[1]),
            {kram},
        )
    session.commit()
    f.login(client, "koord@x.dk")
    page = client.get("/koordinator/maal").get_data(as_text=True)
    assert "2026/27" in page and 'value="2027-08-01"' in page  # the next school year offered
    form = {
        "source": "2026-08-01/2027-07-31",
        "period_start": "2027-08-01",
        "period_end": "2028-07-31",
    }
    assert client.post("/koordinator/maal/kopier", data=form).status_code == 302
    assert client.post("/koordinator/maal/kopier", data=form).status_code == 302
    copies = session.scalars(
        sa.select(ProgrammeGoal).where(ProgrammeGoal.period_start == START)
    ).all()
    assert sorted(g.label for g in copies) == ["Grundskole", "STX"]
    assert all(g.pupils_goal == 320 and len(g.levels) == 2 for g in copies)


def test_states_active_upcoming_ended(app, session, coordinator) -> None:
    kram = f.programme(session, "KRAM").id
    goal = goals.save_goal(session, coordinator, None, _data(session), {kram})
    assert goals.state(goal, date(2027, 7, 31)) == goals.GoalState.UPCOMING
    assert goals.state(goal, date(2027, 8, 1)) == goals.GoalState.ACTIVE
    assert goals.state(goal, date(2028, 8, 1)) == goals.GoalState.ENDED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"label": " "}, "label"),
        ({"level_ids": []}, "level_ids"),
        ({"pupils_goal": 0}, "pupils_goal"),
        ({"measure": GoalMeasure.CLASSES, "classes_goal": 0}, "classes_goal"),
        ({"pupils_goal": 2_000_000}, "pupils_goal"),
    ],
)
def test_bad_goals_are_refused_with_the_field(app, session, coordinator, changes, field) -> None:
    kram = f.programme(session, "KRAM").id
    with pytest.raises(DomainError) as caught:
        goals.save_goal(session, coordinator, None, _data(session, **changes), {kram})
    assert caught.value.field == field


def test_a_coordinator_cannot_set_goals_for_another_programme(
    app, client, session, coordinator
) -> None:
    book = f.programme(session, "BOOK").id
    with pytest.raises(NotAllowed):
        goals.save_goal(
            session,
            coordinator,
            None,
            _data(session, programme_id=book),
            {f.programme(session, "KRAM").id},
        )
    f.login(client, "koord@x.dk")
    # The form only offers the coordinator's programmes: another is "not a valid choice".
    response = client.post(
        "/koordinator/maal/ny",
        data={
            "programme_id": book,
            "label": "Gymnasium",
            "period_start": "2027-08-01",
            "period_end": "2028-07-31",
            "level_ids": [f.level(session, "stx").id],
            "measure": "pupils",
            "pupils_goal": "10",
            "classes_goal": "1",
        },
    )
    assert response.status_code == 400
    assert session.scalar(sa.select(sa.func.count(ProgrammeGoal.id))) == 0

"""The retention job: warn, then delete accounts nobody uses; the figures stay the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from mentor.models import AuditEntry, OutboxMail, Programme, User, Visit
from mentor.models.enums import Role
from mentor.services import impact, retention
from tests import factories as f

#: Real time: the "keep" link records the click at the real clock.
NOW = datetime.now(UTC).replace(microsecond=0)
POLICY = retention.RetentionPolicy(inactive_days=3 * 365, warning_days=30)


def _figures(session) -> tuple:
    dashboard = impact.compute_dashboard(
        session,
        session.scalars(sa.select(Programme.id)).all(),
        impact.Period(NOW.date() - timedelta(days=3000), NOW.date()),
        NOW,
    )
    t = dashboard.totals
    return (t.visits_completed, t.pupils_reached, t.girls_reached, t.requests)


def _world(session):
    teacher = f.teacher(session, "laerer@example.dk")
    old = NOW - timedelta(days=3 * 365 + 10)
    gone = f.volunteer(session, "gammel@example.dk", name="Gerda Gammel")
    gone.created_at = gone.last_login_at = gone.last_active_at = old
    visit = f.completed_visit(
        session, f.booking(session, teacher), gone.volunteer_profile, when=old + timedelta(days=3)
    )
    visit.girls_reached = 11
    active = f.volunteer(session, "aktiv@example.dk", name="Anna Aktiv")
    active.last_login_at = active.last_active_at = NOW - timedelta(days=40)
    # Inactive as long, but answering proposals from mail links keeps her alive.
    by_mail = f.volunteer(session, "mail@example.dk", name="Mia Mail")
    by_mail.created_at = by_mail.last_login_at = old
    by_mail.last_active_at = NOW - timedelta(days=5)
    staff = f.user(session, "koord@example.dk", Role.COORDINATOR)
    staff.created_at = staff.last_login_at = old
    teacher.last_login_at = teacher.last_active_at = NOW - timedelta(days=1)
    session.commit()
    return gone, active, by_mail, staff


def test_warns_first_then_deletes_exactly_the_inactive_and_keeps_the_figures(session) -> None:
    gone, active, by_mail, staff = _world(session)
    before = _figures(session)

    first = retention.run_retention(session, NOW, POLICY)
    session.commit()
    assert first.warned == [gone.id] and first.deleted == []
    warning = session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "retention_warning"))
    assert warning.to_address == "gammel@example.dk" and "/konto/behold/" in warning.body_text
    # Running again before the warning period is over changes nothing, sends nothing.
    again = retention.run_retention(session, NOW + timedelta(days=29), POLICY)
    assert again.warned == [] and again.deleted == []

    later = retention.run_retention(session, NOW + timedelta(days=31), POLICY)
    session.commit()
    assert later.deleted == [gone.id]
    session.refresh(gone)
    assert gone.deleted_at is not None and gone.email is None and gone.volunteer_profile is None
    for kept in (active, by_mail, staff):
        session.refresh(kept)
        assert kept.deleted_at is None and kept.email
    assert session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 1
    # The completed visit stays, anonymised; every reported figure is unchanged.
    assert session.scalar(sa.select(Visit.volunteer_id)) is None
    assert _figures(session) == before
    log = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "account_deleted"))
    assert log.actor_id is None and log.details["reason"] == "retention"


def test_keeping_the_account_from_the_mail_cancels_the_deletion(app, client, session) -> None:
    gone, *_ = _world(session)
    retention.run_retention(session, NOW, POLICY)
    session.commit()
    warning = session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "retention_warning"))
    link = warning.body_text.split("http://rollemodel.test", 1)[1].split()[0]
    assert link.startswith("/konto/behold/")
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 200
    session.expire_all()
    assert session.get(User, gone.id).retention_warned_at is None
    # The clock started again at the click (real time), so much later nothing happens.
    report = retention.run_retention(session, NOW + timedelta(days=60), POLICY)
    assert report.deleted == [] and report.warned == []


def test_an_inactive_person_with_a_visit_ahead_is_left_alone(session) -> None:
    teacher = f.teacher(session, "t@example.dk")
    teacher.created_at = teacher.last_login_at = NOW - timedelta(days=4 * 365)
    f.booking(session, teacher, days=((NOW + timedelta(days=20)).date(),))
    session.commit()
    report = retention.run_retention(session, NOW, POLICY)
    assert report.busy == [teacher.id] and report.warned == []


def test_cli_dry_run_changes_nothing(app, runner, session) -> None:
    gone, *_ = _world(session)
    result = runner.invoke(args=["retention", "run", "--now", NOW.isoformat(), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would have: warned 1, deleted 0" in result.output
    session.expire_all()
    assert session.get(User, gone.id).retention_warned_at is None
    result = runner.invoke(args=["retention", "run", "--now", NOW.isoformat()])
    assert "warned 1" in result.output and result.exit_code == 0

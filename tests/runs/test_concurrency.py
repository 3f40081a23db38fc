"""Racing commits, manual assignments and acceptances never exceed a volunteer's capacity.

Row locks are what make this hold, and SQLite has none (it serialises whole writes), so
these tests run against PostgreSQL, as CI does on its second pass.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa

from mentor.extensions import db
from mentor.models import MatchingRun, Proposal, Visit
from mentor.models.base import utcnow
from mentor.models.enums import ProposalStatus, RunStatus
from mentor.services import proposals, runs
from mentor.services.errors import DomainError
from mentor.services.matching import Scope, term_bounds, used_capacity
from tests import factories as f
from tests.runs.conftest import VISIT_DAY

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _needs_postgres(is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("row-lock races need PostgreSQL (CI runs this file with DATABASE_URL)")


def race(app, actions: list[Callable[[], object]]) -> list[object]:
    """Run each action in its own thread and app context, released together."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def worker(i: int, action: Callable[[], object]) -> None:
        with app.test_request_context():
            barrier.wait()
            try:
                results[i] = action()
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                results[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.parametrize("attempt", range(4))
def test_commit_manual_and_accept_race_never_exceed_capacity(app, attempt) -> None:
    with app.test_request_context():
        s = db.session
        coordinator = f.user(s, "k@example.dk", f.Role.COORDINATOR)
        teacher = f.teacher(s, "t@skole.dk")
        volunteer = f.volunteer(s, "v@firma.dk", capacity=2).volunteer_profile
        # Three days: one volunteer can take all three classes (one place at a time).
        first, for_run, for_manual = (
            f.booking(s, teacher, days=(VISIT_DAY + timedelta(days=k),)) for k in range(3)
        )
        programme_id = first.programme_id
        s.commit()
        # One pending proposal already: one visit of two is taken.
        held = proposals.manual_assign(s, coordinator, first.id, volunteer.id)
        s.commit()
        run = runs.preview_run(s, coordinator, Scope(programme_id), now=utcnow())
        s.commit()
        planned = {a["request_id"] for a in run.result["assignments"]}
        # The preview plans the one free visit for one of the two open requests.
        assert len(planned) == 1
        manual_target = for_manual.id if for_run.id in planned else for_run.id
        ids = (held.id, run.id, manual_target, volunteer.id, coordinator.id)

    held_id, run_id, manual_id, volunteer_id, coordinator_id = ids

    def accept():
        return proposals.accept(db.session, held_id)

    def commit():
        return runs.commit_run(db.session, db.session.get(f.User, coordinator_id), run_id)

    def manual():
        return proposals.manual_assign(
            db.session, db.session.get(f.User, coordinator_id), manual_id, volunteer_id
        )

    actions = [accept, commit, manual] if attempt % 2 else [manual, commit, accept]
    results = race(app, actions)
    outcome = dict(zip([a.__name__ for a in actions], results, strict=True))

    assert isinstance(outcome["accept"], Visit)
    winners = [name for name in ("commit", "manual") if not isinstance(outcome[name], Exception)]
    assert len(winners) == 1, outcome
    with app.app_context():
        used = used_capacity(db.session, [volunteer_id], term_bounds(VISIT_DAY))[volunteer_id]
        assert used == 2
        live = db.session.scalar(
            sa.select(sa.func.count(Proposal.id)).where(
                Proposal.status.in_((ProposalStatus.PENDING, ProposalStatus.ACCEPTED))
            )
        )
        assert live == 2
        status = db.session.get(MatchingRun, run_id).status
        assert (status == RunStatus.COMMITTED) == (winners == ["commit"])


def test_two_commits_over_overlapping_scopes_cannot_both_succeed(app) -> None:
    with app.test_request_context():
        s = db.session
        teacher = f.teacher(s, "t@skole.dk")
        f.volunteer(s, "v@firma.dk", capacity=3)
        booking = f.booking(s, teacher, days=(VISIT_DAY,))
        s.commit()
        national = runs.preview_run(s, None, Scope(booking.programme_id))
        regional = runs.preview_run(s, None, Scope(booking.programme_id, region_code=1082))
        s.commit()
        run_ids = (national.id, regional.id)

    results = race(
        app,
        [
            lambda: runs.commit_run(db.session, None, run_ids[0]),
            lambda: runs.commit_run(db.session, None, run_ids[1]),
        ],
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1, results
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 1


def test_the_same_run_committed_twice_at_once_applies_once(app) -> None:
    with app.test_request_context():
        s = db.session
        teacher = f.teacher(s, "t@skole.dk")
        f.volunteer(s, "v@firma.dk", capacity=3)
        for k in range(3):
            f.booking(s, teacher, days=(VISIT_DAY + timedelta(days=k), VISIT_DAY + timedelta(7)))
        s.commit()
        run_id = runs.preview_run(s, None, Scope(f.programme(s, "BOOK").id)).id
        s.commit()
    results = race(app, [lambda: runs.commit_run(db.session, None, run_id)] * 3)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 3


def test_racing_manual_assignments_never_put_a_volunteer_in_two_places(app) -> None:
    """Two coordinators assign one volunteer to two classes at the same hour, at once."""
    for round_ in range(10):
        with app.test_request_context():
            s = db.session
            coordinator = f.user(s, f"k{round_}@x.dk", f.Role.COORDINATOR)
            volunteer = f.volunteer(s, f"v{round_}@firma.dk", capacity=4)
            first_school = f.school(s, f"Første Skole {round_}", "8000")
            first = f.booking(
                s, f.teacher(s, f"a{round_}@skole.dk", first_school), days=(VISIT_DAY,)
            )
            other_school = f.school(s, f"Anden Skole {round_}", "8000")
            second = f.booking(
                s, f.teacher(s, f"b{round_}@skole.dk", other_school), days=(VISIT_DAY,)
            )
            s.commit()
            ids = (coordinator.id, volunteer.volunteer_profile.id, first.id, second.id)

        def assign(request_id: int, ids=ids):
            actor = db.session.get(f.User, ids[0])
            return proposals.manual_assign(
                db.session, actor, request_id, ids[1], override_reason="Aftalt i telefonen"
            )

        results = race(app, [lambda ids=ids: assign(ids[2]), lambda ids=ids: assign(ids[3])])
        assert sum(not isinstance(r, Exception) for r in results) == 1, results
        with app.app_context():
            live = db.session.scalar(
                sa.select(sa.func.count(Proposal.id)).where(
                    Proposal.volunteer_id == ids[1], Proposal.status == ProposalStatus.PENDING
                )
            )
            assert live == 1

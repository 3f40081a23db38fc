"""A volunteer's visits per term count in the term of each visit (issue 12, finding 8).

"Now" is 22 November 2026, in the autumn term (August-December); 2 and 9 February 2027
are in the spring term (January-July). Each role model here takes one visit per term.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from mentor.extensions import db
from mentor.models import Proposal, Visit
from mentor.models.enums import ProposalStatus, RequestStatus, VisitFormat, VisitStatus
from mentor.services import proposals, runs
from mentor.services.matching import COPENHAGEN, Scope
from mentor.services.proposals import Offer
from tests import factories as f

NOW = f.NOW
DECEMBER = date(2026, 12, 8)
FEBRUARY = date(2027, 2, 2)
LATER_FEBRUARY = date(2027, 2, 9)


def _planned_visit(session, request, volunteer, day: date) -> Visit:
    starts = datetime.combine(day, time(9), tzinfo=COPENHAGEN)
    request.status = RequestStatus.CONFIRMED
    visit = Visit(
        request=request,
        volunteer=volunteer,
        programme_id=request.programme_id,
        format=VisitFormat.PHYSICAL,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        status=VisitStatus.PLANNED,
    )
    session.add(visit)
    session.flush()
    return visit


def _offer(request, volunteer_id: int) -> Offer:
    return Offer(
        request.id, volunteer_id, request.windows[0].id, VisitFormat.PHYSICAL, 1.0, 1.0, {}
    )


@pytest.fixture
def world(app):
    with app.test_request_context():
        s = db.session
        coordinator = f.user(s, "koord@example.dk", f.Role.COORDINATOR)
        coordinator.coordinated_programmes = [f.programme(s, "BOOK")]
        teacher = f.teacher(s, "tove@skole.dk")
        vera = f.volunteer(s, "vera@firma.dk", capacity=1).volunteer_profile
        s.commit()
        yield {"s": s, "coordinator": coordinator, "teacher": teacher, "vera": vera}


def test_a_pending_proposal_in_spring_leaves_her_autumn_visit_free(world) -> None:
    s, teacher, vera = world["s"], world["teacher"], world["vera"]
    spring = f.booking(s, teacher, days=(FEBRUARY,))
    proposals.create_proposal(s, _offer(spring, vera.id), now=NOW)
    autumn = f.booking(s, teacher, days=(DECEMBER,))
    s.commit()
    run = runs.preview_run(s, world["coordinator"], Scope(autumn.programme_id), now=NOW)
    assert [(a["request_id"], a["volunteer_id"]) for a in run.result["assignments"]] == [
        (autumn.id, vera.id)
    ]
    runs.commit_run(s, world["coordinator"], run.id, now=NOW)
    s.commit()
    assert (
        s.scalar(sa.select(Proposal).where(Proposal.request_id == autumn.id)).volunteer_id
        == vera.id
    )


def test_a_planned_spring_visit_fills_her_spring_term_even_when_the_run_starts_in_autumn(
    world,
) -> None:
    s, teacher, vera = world["s"], world["teacher"], world["vera"]
    _planned_visit(s, f.booking(s, teacher, days=(LATER_FEBRUARY,)), vera, LATER_FEBRUARY)
    spring = f.booking(s, teacher, days=(FEBRUARY,))
    s.commit()
    run = runs.preview_run(s, world["coordinator"], Scope(spring.programme_id), now=NOW)
    assert run.result["assignments"] == []


def test_the_cascade_counts_the_term_of_the_visit(world) -> None:
    s, teacher, vera = world["s"], world["teacher"], world["vera"]
    anna = f.volunteer(s, "anna@firma.dk", capacity=1).volunteer_profile
    _planned_visit(s, f.booking(s, teacher, days=(LATER_FEBRUARY,)), vera, LATER_FEBRUARY)
    spring = f.booking(s, teacher, days=(FEBRUARY,))
    to_anna = proposals.create_proposal(s, _offer(spring, anna.id), now=NOW)
    s.commit()
    assert proposals.decline(s, to_anna.id, NOW) is None
    s.commit()
    assert s.get(f.BookingRequest, spring.id).status == RequestStatus.UNMATCHED


def test_a_manual_assignment_counts_the_term_of_the_visit(world) -> None:
    s, teacher, vera = world["s"], world["teacher"], world["vera"]
    autumn = f.booking(s, teacher, days=(DECEMBER,))
    proposals.create_proposal(s, _offer(autumn, vera.id), now=NOW)
    spring = f.booking(s, teacher, days=(FEBRUARY,))
    s.commit()
    warnings, match = proposals.manual_check(s, spring, vera, NOW)
    assert warnings == [] and match is not None
    # In the autumn term she is full: that one needs a written reason.
    other_autumn = f.booking(s, teacher, days=(DECEMBER + timedelta(days=1),))
    s.commit()
    warnings, _match = proposals.manual_check(s, other_autumn, vera, NOW)
    assert any("ikke flere ledige besøg" in w for w in warnings)
    assert (
        s.scalar(
            sa.select(sa.func.count(Proposal.id)).where(Proposal.status == ProposalStatus.PENDING)
        )
        == 1
    )

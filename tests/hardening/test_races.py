"""Races that corrupted state (issue 12, findings 2, 3 and 12): each runs 20 rounds.

Every path that changes a booking's status locks the booking row and decides from the
locked state; every path that adds load to a volunteer locks her row and counts again.
Row locks are PostgreSQL's, so these run there (CI's second pass); SQLite serialises
whole writes and has nothing to race.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from mentor.extensions import db
from mentor.models import BookingRequest, OutboxMail, Proposal, Visit
from mentor.models.base import utcnow
from mentor.models.enums import ProposalStatus, RequestStatus, VisitFormat, VolunteerStatus
from mentor.services import proposals
from mentor.services import requests as booking
from mentor.services.proposals import Offer
from tests import factories as f
from tests.hardening.conftest import ROUNDS, race

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]

#: A Tuesday far ahead of any day the tests run on.
VISIT_DAY = date(2030, 3, 5)


def _offer(request: BookingRequest, volunteer_id: int) -> Offer:
    return Offer(
        request_id=request.id,
        volunteer_id=volunteer_id,
        window_id=request.windows[0].id,
        format=VisitFormat.PHYSICAL,
        distance_km=1.0,
        cost=1.0,
        explanation={},
    )


def _retire_volunteers() -> None:
    """Take this round's volunteers out of the pool, so the next round starts clean."""
    db.session.execute(sa.update(f.VolunteerProfile).values(status=VolunteerStatus.REJECTED.value))
    db.session.commit()


def test_teacher_edit_racing_the_volunteers_accept_never_leaves_the_booking_stuck(app) -> None:
    """Finding 2: an edit and an acceptance at once: one wins, the state stays whole."""
    stuck = []
    for round_ in range(ROUNDS):
        with app.test_request_context():
            s = db.session
            teacher = f.teacher(s, f"t{round_}@skole.dk", f.school(s, f"Skole {round_}"))
            volunteer = f.volunteer(s, f"v{round_}@firma.dk", capacity=5).volunteer_profile
            request = f.booking(s, teacher, days=(VISIT_DAY,))
            proposal = proposals.create_proposal(s, _offer(request, volunteer.id), now=utcnow())
            s.commit()
            ids = (teacher.id, request.id, proposal.id)
        teacher_id, request_id, proposal_id = ids

        def edit(request_id: int = request_id, teacher_id: int = teacher_id) -> object:
            request = db.session.get(BookingRequest, request_id)
            data = replace(booking.prefill_from(request, with_windows=True), pupils=25)
            return booking.update_request(
                db.session, db.session.get(f.User, teacher_id), request, data
            )

        def accept(proposal_id: int = proposal_id) -> object:
            return proposals.accept(db.session, proposal_id)

        actions = [edit, accept] if round_ % 2 else [accept, edit]
        results = dict(zip([a.__name__ for a in actions], race(app, actions), strict=True))
        with app.app_context():
            request = db.session.get(BookingRequest, request_id)
            proposal = db.session.get(Proposal, proposal_id)
            visits = db.session.scalar(
                sa.select(sa.func.count(Visit.id)).where(Visit.request_id == request_id)
            )
            state = (request.status, proposal.status, visits)
            confirmed = (RequestStatus.CONFIRMED, ProposalStatus.ACCEPTED, 1)
            reopened = (RequestStatus.SUBMITTED, ProposalStatus.WITHDRAWN, 0)
            if state == confirmed:
                whole = isinstance(results["edit"], Exception)
            elif state == reopened:
                whole = isinstance(results["accept"], Exception) and request.pupils == 25
            else:
                whole = False
            if not whole:
                stuck.append((round_, state, results))
            _retire_volunteers()
    assert stuck == []


def test_two_declines_cascading_to_one_volunteer_never_exceed_her_capacity(app) -> None:
    """Finding 3: both cascades want the same volunteer with one free visit."""
    over = []
    for round_ in range(ROUNDS):
        with app.test_request_context():
            s = db.session
            aarhus = f.teacher(s, f"a{round_}@skole.dk", f.school(s, f"Aarhus {round_}", "8000"))
            randers = f.teacher(s, f"r{round_}@skole.dk", f.school(s, f"Randers {round_}", "8900"))
            # Anna and Bo each reach only their own school; Cecilie (Silkeborg) reaches both.
            anna = f.volunteer(s, f"anna{round_}@x.dk", postcode="8000", radius=5, capacity=1)
            bo = f.volunteer(s, f"bo{round_}@x.dk", postcode="8900", radius=5, capacity=1)
            cecilie = f.volunteer(s, f"cec{round_}@x.dk", postcode="8600", radius=100, capacity=1)
            first = f.booking(s, aarhus, days=(VISIT_DAY,))
            second = f.booking(s, randers, days=(VISIT_DAY,))
            now = utcnow()
            to_anna = proposals.create_proposal(
                s, _offer(first, anna.volunteer_profile.id), now=now
            )
            to_bo = proposals.create_proposal(s, _offer(second, bo.volunteer_profile.id), now=now)
            s.commit()
            ids = (to_anna.id, to_bo.id, cecilie.volunteer_profile.id)
        anna_proposal, bo_proposal, cecilie_id = ids

        results = race(
            app,
            [
                lambda pid=anna_proposal: proposals.decline(db.session, pid),
                lambda pid=bo_proposal: proposals.decline(db.session, pid),
            ],
        )
        with app.app_context():
            live = db.session.scalar(
                sa.select(sa.func.count(Proposal.id)).where(
                    Proposal.volunteer_id == cecilie_id,
                    Proposal.status.in_((ProposalStatus.PENDING, ProposalStatus.ACCEPTED)),
                )
            )
            if live != 1 or any(isinstance(r, Exception) for r in results):
                over.append((round_, live, results))
            _retire_volunteers()
    assert over == []


def test_teacher_cancel_racing_the_accept_never_confirms_a_cancelled_visit(app) -> None:
    """Finding 12: the cancel and the acceptance at once; never "confirmed" then silence."""
    broken = []
    for round_ in range(ROUNDS):
        with app.test_request_context():
            s = db.session
            teacher = f.teacher(s, f"t{round_}@skole.dk", f.school(s, f"Skole {round_}"))
            volunteer = f.volunteer(s, f"v{round_}@firma.dk", capacity=5).volunteer_profile
            request = f.booking(s, teacher, days=(VISIT_DAY,))
            proposal = proposals.create_proposal(s, _offer(request, volunteer.id), now=utcnow())
            s.commit()
            ids = (teacher.id, request.id, proposal.id)
        teacher_id, request_id, proposal_id = ids

        def cancel(teacher_id: int = teacher_id, request_id: int = request_id) -> object:
            return booking.cancel_request(
                db.session,
                db.session.get(f.User, teacher_id),
                db.session.get(BookingRequest, request_id),
            )

        def accept(proposal_id: int = proposal_id) -> object:
            return proposals.accept(db.session, proposal_id)

        actions = [cancel, accept] if round_ % 2 else [accept, cancel]
        results = dict(zip([a.__name__ for a in actions], race(app, actions), strict=True))
        with app.app_context():
            request = db.session.get(BookingRequest, request_id)
            kinds = set(
                db.session.scalars(
                    sa.select(OutboxMail.kind).where(
                        OutboxMail.dedupe_key.like("visit_%"),
                        OutboxMail.kind.in_(("visit_confirmed", "visit_cancelled")),
                        OutboxMail.to_user_id == teacher_id,
                    )
                )
            )
            winners = [name for name, r in results.items() if not isinstance(r, Exception)]
            if request.status == RequestStatus.CANCELLED:
                whole = winners == ["cancel"] and "visit_confirmed" not in kinds
            elif request.status == RequestStatus.CONFIRMED:
                whole = winners == ["accept"] and kinds == {"visit_confirmed"}
            else:
                whole = False
            if not whole:
                broken.append((round_, request.status, sorted(kinds), results))
            _retire_volunteers()
    assert broken == []

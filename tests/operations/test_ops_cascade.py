"""A decline cascades even when someone who said no before is no longer matchable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from mentor.models import Proposal
from mentor.models.enums import ProposalStatus, RequestStatus, VolunteerStatus
from mentor.services import proposals
from tests import factories as f

NOW = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)


def test_decline_cascades_past_an_earlier_refusal_who_left(app, session) -> None:
    teacher = f.teacher(session, "t@skole.dk")
    request = f.booking(session, teacher, status=RequestStatus.PROPOSED)
    first, second, third = (
        f.volunteer(session, f"v{n}@x.dk", name=f"Rollemodel {n}").volunteer_profile
        for n in range(3)
    )
    # The first said no long ago and has since been rejected: the engine no longer reads her.
    session.add(
        Proposal(
            request=request,
            volunteer=first,
            format="physical",
            status=ProposalStatus.DECLINED,
            created_at=NOW - timedelta(days=20),
            expires_at=NOW - timedelta(days=13),
        )
    )
    first.status = VolunteerStatus.REJECTED
    pending = Proposal(
        request=request,
        volunteer=second,
        format="physical",
        status=ProposalStatus.PENDING,
        created_at=NOW - timedelta(days=1),
        expires_at=NOW + timedelta(days=6),
    )
    session.add(pending)
    session.flush()
    following = proposals.decline(session, pending.id, NOW)
    assert following is not None and following.volunteer_id == third.id
    assert (
        session.scalar(
            sa.select(sa.func.count(Proposal.id)).where(Proposal.status == ProposalStatus.PENDING)
        )
        == 1
    )

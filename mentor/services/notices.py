"""In-app notices: the short messages shown on a person's home page."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mentor.models import Notice, Proposal, User
from mentor.models.enums import ProposalStatus


def proposal_topic(proposal_id: int) -> str:
    return f"proposal:{proposal_id}"


def _answered() -> sa.Exists:
    """The notice is about a proposal that is no longer waiting for an answer."""
    return sa.exists().where(
        Proposal.status != ProposalStatus.PENDING,
        Notice.topic == sa.literal("proposal:") + sa.cast(Proposal.id, sa.String),
    )


def unread(session: Session, user: User, limit: int = 10) -> list[Notice]:
    """Unread notices, newest first; a notice about an answered proposal is gone."""
    return list(
        session.scalars(
            sa.select(Notice)
            .where(Notice.user_id == user.id, Notice.read_at.is_(None), ~_answered())
            .order_by(Notice.created_at.desc(), Notice.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(session: Session, user: User, now: datetime) -> int:
    result = session.execute(
        sa.update(Notice)
        .where(Notice.user_id == user.id, Notice.read_at.is_(None))
        .values(read_at=now)
    )
    return int(result.rowcount or 0)

"""The few public figures the landing page shows: what the programmes have achieved."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mentor.models import BookingRequest, Visit, VolunteerProfile
from mentor.models.enums import VisitStatus, VolunteerStatus


@dataclass(frozen=True)
class PublicFigures:
    role_models: int
    visits: int
    pupils: int
    schools: int

    @property
    def worth_showing(self) -> bool:
        return self.visits > 0


def public_figures(session: Session) -> PublicFigures:
    """Approved role models, completed visits, pupils reached and schools visited."""
    completed = sa.select(Visit).where(Visit.status == VisitStatus.COMPLETED).subquery()
    visits, pupils = session.execute(
        sa.select(
            sa.func.count(completed.c.id),
            sa.func.coalesce(sa.func.sum(completed.c.pupils_reached), 0),
        )
    ).one()
    schools = session.scalar(
        sa.select(sa.func.count(sa.distinct(BookingRequest.school_id))).where(
            BookingRequest.id.in_(sa.select(completed.c.request_id))
        )
    )
    role_models = session.scalar(
        sa.select(sa.func.count(VolunteerProfile.id)).where(
            VolunteerProfile.status == VolunteerStatus.APPROVED
        )
    )
    return PublicFigures(
        role_models=int(role_models or 0),
        visits=int(visits or 0),
        pupils=int(pupils or 0),
        schools=int(schools or 0),
    )

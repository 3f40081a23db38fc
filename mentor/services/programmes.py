"""Programmes and coordinator scopes, managed by admins."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mentor.models import Programme, User
from mentor.models.base import utcnow
from mentor.models.enums import Role
from mentor.services import accounts, audit
from mentor.services.errors import DomainError
from mentor.services.text import clean_name


def programmes_by_id(session: Session, ids: Iterable[int]) -> list[Programme]:
    wanted = set(ids)
    found = list(session.scalars(sa.select(Programme).where(Programme.id.in_(wanted))))
    if len(found) != len(wanted):
        raise DomainError(_("Ukendt program valgt."), field="programmes")
    return found


def create_coordinator(
    session: Session,
    actor: User,
    *,
    email: str,
    full_name: str,
    programme_ids: Iterable[int],
    now: datetime | None = None,
) -> User:
    """Create a coordinator for some programmes and mail them a link to set a password."""
    now = now or utcnow()
    user = accounts.create_user(
        session, email=email, role=Role.COORDINATOR, full_name=clean_name(full_name), now=now
    )
    user.coordinated_programmes = programmes_by_id(session, programme_ids)
    user.email_verified_at = None
    audit.record(
        session,
        actor,
        "coordinator_created",
        "user",
        user.id,
        now=now,
        programmes=sorted(p.code for p in user.coordinated_programmes),
    )
    accounts.request_password_reset(session, user.email or "", now=now)
    return user


def set_coordinator_scope(
    session: Session,
    actor: User,
    coordinator: User,
    programme_ids: Iterable[int],
    now: datetime | None = None,
) -> None:
    if coordinator.role != Role.COORDINATOR:
        raise DomainError(_("Brugeren er ikke koordinator."))
    coordinator.coordinated_programmes = programmes_by_id(session, programme_ids)
    audit.record(
        session,
        actor,
        "coordinator_scope_changed",
        "user",
        coordinator.id,
        now=now,
        programmes=sorted(p.code for p in coordinator.coordinated_programmes),
    )


def save_programme(
    session: Session,
    actor: User,
    programme: Programme | None,
    values: dict[str, Any],
    now: datetime | None = None,
) -> Programme:
    """Create or update a programme; the code is unique."""
    code = str(values["code"]).strip().upper()
    clash = session.scalar(sa.select(Programme.id).where(Programme.code == code))
    if clash is not None and (programme is None or clash != programme.id):
        raise DomainError(_("Der findes allerede et program med den kode."), field="code")
    if programme is None:
        programme = Programme(code=code, name="")
        session.add(programme)
    before = {k: getattr(programme, k, None) for k in values}
    for key, value in values.items():
        setattr(programme, key, code if key == "code" else value)
    session.flush()
    changes = {
        k: [str(before[k]), str(getattr(programme, k))]
        for k in values
        if before[k] != getattr(programme, k)
    }
    audit.record(
        session, actor, "programme_saved", "programme", programme.id, now=now, changes=changes
    )
    return programme

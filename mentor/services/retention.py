"""Delete accounts nobody uses any more: warn first, then delete (GDPR storage limitation).

A role model's or teacher's account whose last sign of life (a login, or an action from a
signed mail link) is older than `inactive_days` (3 years by default) is deleted like a
self-service deletion: personal data goes, anonymised visits stay, so every reported
figure is unchanged. `warning_days` before that, the person gets a mail with a link that
keeps the account. Deletion needs both: the warning sent at least `warning_days` ago, and
no sign of life since. Accounts with something ahead (a planned visit, a proposal or a
booking waiting) are left alone. Coordinators and admins are managed by an admin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mentor.models import BookingRequest, Proposal, User, Visit, VolunteerProfile
from mentor.models.enums import ProposalStatus, RequestStatus, Role, VisitStatus
from mentor.services import audit

RETAINED_ROLES = (Role.VOLUNTEER, Role.TEACHER)


@dataclass(frozen=True)
class RetentionPolicy:
    inactive_days: int = 3 * 365
    warning_days: int = 30

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RetentionPolicy:
        return cls(
            inactive_days=int(config.get("RETENTION_INACTIVE_DAYS", cls.inactive_days)),
            warning_days=int(config.get("RETENTION_WARNING_DAYS", cls.warning_days)),
        )


@dataclass
class RetentionReport:
    warned: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    #: Inactive, but with a visit, proposal or booking ahead: left alone.
    busy: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return f"warned {len(self.warned)}, deleted {len(self.deleted)}, busy {len(self.busy)}"


def last_sign_of_life(user: User) -> datetime:
    moments = [m for m in (user.last_active_at, user.last_login_at, user.created_at) if m]
    return max(moments)


def _has_something_ahead(session: Session, user: User, now: datetime) -> bool:
    profile_id = sa.select(VolunteerProfile.id).where(VolunteerProfile.user_id == user.id)
    checks = [
        sa.select(Visit.id).where(
            Visit.volunteer_id.in_(profile_id),
            Visit.status == VisitStatus.PLANNED,
            Visit.starts_at > now,
        ),
        sa.select(Proposal.id).where(
            Proposal.volunteer_id.in_(profile_id), Proposal.status == ProposalStatus.PENDING
        ),
        sa.select(BookingRequest.id).where(
            BookingRequest.teacher_id == user.id,
            BookingRequest.status.in_(
                [
                    RequestStatus.SUBMITTED,
                    RequestStatus.PROPOSED,
                    RequestStatus.UNMATCHED,
                    RequestStatus.CONFIRMED,
                ]
            ),
        ),
    ]
    return any(session.scalar(check.limit(1)) is not None for check in checks)


def run_retention(
    session: Session, now: datetime, policy: RetentionPolicy, *, dry_run: bool = False
) -> RetentionReport:
    """Warn the accounts about to expire and delete the expired ones. The caller commits."""
    from mentor.mail.outbox import queue_templated
    from mentor.services.accounts import delete_account
    from mentor.services.action_links import keep_account_link

    report = RetentionReport()
    warn_from = now - timedelta(days=policy.inactive_days - policy.warning_days)
    life = sa.func.coalesce(User.last_active_at, User.last_login_at, User.created_at)
    candidates = session.scalars(
        sa.select(User)
        .where(
            User.role.in_(RETAINED_ROLES),
            User.deleted_at.is_(None),
            User.email.is_not(None),
            life <= warn_from,
        )
        .order_by(User.id)
    ).all()
    for user in candidates:
        alive = last_sign_of_life(user)
        if alive > warn_from:
            continue  # a sign of life the SQL could not see (several columns set)
        if _has_something_ahead(session, user, now):
            report.busy.append(user.id)
            continue
        warned = user.retention_warned_at
        if warned is None or warned < alive:
            report.warned.append(user.id)
            if dry_run:
                continue
            delete_on = max(
                alive + timedelta(days=policy.inactive_days),
                now + timedelta(days=policy.warning_days),
            )
            queue_templated(
                session,
                kind="retention_warning",
                dedupe_key=f"retention_warning:{user.id}:{alive:%Y%m%dT%H%M%S}",
                to=user,
                template="retention_warning",
                link=keep_account_link(user),
                delete_on=delete_on,
            )
            user.retention_warned_at = now
            audit.record(session, None, "retention_warned", "user", user.id, now=now)
            continue
        expired = alive <= now - timedelta(days=policy.inactive_days)
        if expired and now >= warned + timedelta(days=policy.warning_days):
            report.deleted.append(user.id)
            if not dry_run:
                delete_account(session, user, None, now, reason="retention")
    if not dry_run:
        session.flush()
    return report


def keep(session: Session, user: User, now: datetime) -> None:
    """The person answered the warning: the clock starts again."""
    user.last_active_at = now
    user.retention_warned_at = None
    audit.record(session, user, "account_kept", "user", user.id, now=now)

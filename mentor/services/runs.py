"""Matching runs: preview a plan, then commit it into proposals exactly once."""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

import matching
from mentor.models import BookingRequest, MatchingRun, Programme, User
from mentor.models.base import utcnow
from mentor.models.enums import RequestStatus, RunStatus
from mentor.services import audit
from mentor.services.deadlines import TOO_LATE, needs_attention
from mentor.services.errors import DomainError, NotFound
from mentor.services.matching import Scope, load_problem, solution_data
from mentor.services.matching_text import reason_data
from mentor.services.proposals import create_proposals, lock_volunteers, offer_for
from mentor.services.requests import change_request_status, lock_requests

WEIGHT_NAMES = tuple(f for f in asdict(matching.Weights()))


def weights_from(values: dict[str, Any] | None) -> matching.Weights:
    """Weights from stored or submitted values; unknown names and bad numbers are refused."""
    values = dict(values or {})
    unknown = set(values) - set(WEIGHT_NAMES)
    if unknown:
        raise DomainError(_("Ukendt vægt: %(names)s", names=", ".join(sorted(unknown))))
    try:
        return matching.Weights(**{k: float(v) for k, v in values.items()})
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Vægtene skal være tal, der ikke er negative.")) from exc


def _pairs(raw: Any) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in raw or []}


def preview_run(
    session: Session,
    actor: User | None,
    scope: Scope,
    *,
    weights: dict[str, Any] | None = None,
    locks: set[tuple[int, int]] | None = None,
    exclusions: set[tuple[int, int]] | None = None,
    now: datetime | None = None,
) -> MatchingRun:
    """Solve the scope and store the plan as a preview; nothing changes for anyone yet."""
    now = now or utcnow()
    started = time.perf_counter()
    programme = session.get(Programme, scope.programme_id)
    if programme is None:
        raise NotFound(_("Programmet findes ikke."))
    if scope.period_from and scope.period_to and scope.period_from > scope.period_to:
        raise DomainError(_("Perioden slutter før den begynder."), field="period_to")
    chosen = weights_from(weights)
    loaded = load_problem(
        session,
        scope,
        today=now.date(),
        weights=chosen,
        locks=locks or set(),
        exclusions=exclusions or set(),
    )
    try:
        solution = matching.solve(loaded.problem)
    except matching.MatchingError as exc:
        raise DomainError(
            _("Matchingen kunne ikke gennemføres: %(error)s", error=str(exc))
        ) from exc
    result = solution_data(loaded, solution)
    for item in result["unmatched"]:
        item["stored"] = reason_data(
            next(u for u in solution.unmatched if u.request_id == item["request_id"]), loaded
        )
    run = MatchingRun(
        programme_id=programme.id,
        region_code=scope.region_code,
        period_from=scope.period_from,
        period_to=scope.period_to,
        status=RunStatus.PREVIEW,
        weights=asdict(chosen),
        constraints={"locks": sorted(locks or ()), "exclusions": sorted(exclusions or ())},
        input_digest=loaded.digest,
        objective=solution.objective,
        optimal=solution.certificate.optimal,
        requests_count=len(loaded.problem.requests),
        volunteers_count=len(loaded.problem.volunteers),
        matched_count=len(solution.assignments),
        duration_ms=int((time.perf_counter() - started) * 1000),
        result=result,
        started_by_id=actor.id if actor else None,
        created_at=now,
    )
    session.add(run)
    session.flush()
    audit.record(
        session,
        actor,
        "run_previewed",
        "matching_run",
        run.id,
        now=now,
        matched=run.matched_count,
        requests=run.requests_count,
    )
    return run


def rerun(
    session: Session,
    actor: User | None,
    run: MatchingRun,
    *,
    weights: dict[str, Any] | None = None,
    lock: tuple[int, int] | None = None,
    exclude: tuple[int, int] | None = None,
    now: datetime | None = None,
) -> MatchingRun:
    """A new preview of the same scope with a lock, an exclusion or other weights added."""
    if run.status != RunStatus.PREVIEW:
        raise DomainError(_("Kun en forhåndsvisning kan ændres."))
    locks = _pairs(run.constraints.get("locks"))
    exclusions = _pairs(run.constraints.get("exclusions"))
    if lock:
        locks = {p for p in locks if p[0] != lock[0]} | {lock}
        exclusions.discard(lock)
    if exclude:
        exclusions.add(exclude)
        locks.discard(exclude)
    scope = Scope(run.programme_id, run.region_code, run.period_from, run.period_to)
    new = preview_run(
        session,
        actor,
        scope,
        weights=weights or run.weights,
        locks=locks,
        exclusions=exclusions,
        now=now,
    )
    run.status = RunStatus.DISCARDED
    return new


def commit_run(
    session: Session, actor: User | None, run_id: int, now: datetime | None = None
) -> MatchingRun:
    """Turn a preview into proposals, once; refuse it if its inputs have changed since."""
    now = now or utcnow()
    # Serialise commits per programme: overlapping scopes queue here, and the second one
    # sees the first one's proposals when it re-reads its inputs below.
    run = session.get(MatchingRun, run_id)
    if run is None:
        raise NotFound(_("Kørslen findes ikke."))
    # FOR NO KEY UPDATE: commits queue behind each other, while inserts that merely
    # reference the programme (a visit being accepted) are not blocked, and cannot deadlock.
    session.execute(
        sa.select(Programme.id)
        .where(Programme.id == run.programme_id)
        .with_for_update(key_share=True)
    ).all()
    claimed = session.execute(
        sa.update(MatchingRun)
        .where(MatchingRun.id == run_id, MatchingRun.status == RunStatus.PREVIEW)
        .values(status=RunStatus.COMMITTED, committed_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise DomainError(_("Kørslen er allerede gemt eller kasseret."))
    session.refresh(run)
    if run.created_at.date() != now.date():
        raise DomainError(_("Forhåndsvisningen er fra en tidligere dag. Lav en ny."))

    assignments = run.result.get("assignments", [])
    # Lock the requests, then the volunteers (the order every path keeps), then re-read
    # the inputs: an edit, a manual assignment or an acceptance that won the race changes
    # the digest, and this commit is refused.
    lock_requests(
        session,
        [a["request_id"] for a in assignments]
        + [u["request_id"] for u in run.result.get("unmatched", [])],
    )
    lock_volunteers(session, [a["volunteer_id"] for a in assignments])
    scope = Scope(run.programme_id, run.region_code, run.period_from, run.period_to)
    check = load_problem(
        session,
        scope,
        today=run.created_at.date(),
        weights=weights_from(run.weights),
        locks=_pairs(run.constraints.get("locks")),
        exclusions=_pairs(run.constraints.get("exclusions")),
    )
    if check.digest != run.input_digest:
        raise DomainError(
            _(
                "Bookinger eller rollemodeller har ændret sig siden "
                "forhåndsvisningen. Lav en ny forhåndsvisning."
            )
        )
    windows = check.request_windows
    offers = []
    for a in assignments:
        match = matching.Match(
            request_id=a["request_id"],
            volunteer_id=a["volunteer_id"],
            window=next(
                matching.DateWindow(w.day, w.start_time, w.end_time)
                for w in windows[a["request_id"]]
                if w.id == a["window_id"]
            ),
            format=a["format"],
            distance_km=a["distance_km"],
            cost=a["cost"],
            parts=a["parts"],
        )
        offers.append(offer_for(windows[a["request_id"]], match))
    too_late: list[BookingRequest] = []
    if offers:
        create_proposals(session, offers, now=now, run_id=run.id, actor=actor, too_late=too_late)
    for request in too_late:
        # Matched, but the volunteer would have no time to answer before the visit.
        change_request_status(session, request, RequestStatus.UNMATCHED, actor=actor, now=now)
        needs_attention(request, TOO_LATE, now)
    for item in run.result.get("unmatched", []):
        request = session.get(BookingRequest, item["request_id"])
        if request is None:
            continue
        if item["stored"].get("data", {}).get("rule") == "notice":
            if request.attention_since is not None:
                continue  # already on the attention list; the teacher was told then
            needs_attention(request, TOO_LATE, now)
        # "at" tells this run's verdict from an earlier one with the same reason, so the
        # teacher hears about each.
        request.unmatched_reason = {**item["stored"], "at": now.isoformat()}
        if request.status != RequestStatus.UNMATCHED:
            change_request_status(session, request, RequestStatus.UNMATCHED, actor=actor, now=now)
    audit.record(
        session,
        actor,
        "run_committed",
        "matching_run",
        run.id,
        now=now,
        proposals=len(assignments),
        unmatched=len(run.result.get("unmatched", [])),
    )
    return run


def discard_run(
    session: Session, actor: User | None, run_id: int, now: datetime | None = None
) -> None:
    claimed = session.execute(
        sa.update(MatchingRun)
        .where(MatchingRun.id == run_id, MatchingRun.status == RunStatus.PREVIEW)
        .values(status=RunStatus.DISCARDED)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise DomainError(_("Kun en forhåndsvisning kan kasseres."))
    audit.record(session, actor, "run_discarded", "matching_run", run_id, now=now)

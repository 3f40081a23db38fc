"""Ranked candidates for one booking: who the engine would propose, best first, and why.

`rank_candidates(session, request_id, now=...)` prices every volunteer who could take
the booking with the engine's own rules and costs (`matching.price_request`), with each
volunteer's free capacity as of today and without those who already said no to it —
the same problem the cascade solves for one request. So the first candidate is the one
a one-request run would propose (unless the run would rather leave the booking open:
then `CandidateList.engine_would_wait` is true and the list shows what is possible).

A name search (`query`) adds anyone else, each with either their price or the plain
reason the engine cannot choose them.

Speed: a query lists the volunteers who could take the booking (approved, in the
programme, at the level, within a box around the school as wide as their own travel
radius), each with a lower bound on their cost; the engine prices them in that order,
in growing batches, and stops as soon as nobody left in line can enter the top. Those
beyond reach who could visit virtually cost at least the virtual part, so they are
read only if the ranking gets that far. The box and the bound only ever widen the
engine's rules.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

import matching
from matching.encode import EARTH_RADIUS_KM
from mentor.formatting import short_date
from mentor.models import (
    BookingRequest,
    Programme,
    Proposal,
    SchoolLevel,
    TrainingRecord,
    User,
    VolunteerProfile,
)
from mentor.models.catalogue import subject_relations
from mentor.models.enums import (
    Gender,
    GenderFocus,
    RequestFormat,
    TrainingKind,
    VolunteerStatus,
)
from mentor.models.volunteers import volunteer_levels, volunteer_programmes, volunteer_subjects
from mentor.services.errors import NotFound
from mentor.services.matching import (
    OPEN_STATUSES,
    LoadedProblem,
    Scope,
    load_problem,
    term_bounds,
    used_capacity,
)
from mentor.services.matching_text import match_words, names_of, reason_text

DEFAULT_LIMIT = 10
#: Volunteers priced in the first batch; each further batch is twice as large.
FIRST_BATCH = 64
#: Account states no reason can override: such a person is never proposed from the list.
UNCHOOSABLE = frozenset({"inactive", "unverified", "not_approved", "programme", "closed"})
MAX_LIMIT = 200
SEARCH_LIMIT = 20
#: km per degree of latitude on the engine's sphere.
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
#: The box uses cos(latitude) at this latitude, which holds for every point south of it
#: (all of Denmark lies below 57.8°N); points further north are not boxed at all.
BOX_LATITUDE = 60.0
#: Slack for the chord vs. arc difference and float rounding: the box may only be wider.
BOX_SLACK = 1.001


@dataclass(frozen=True)
class Candidate:
    """One volunteer for the booking, priced by the engine or refused with a reason."""

    volunteer_id: int
    name: str
    feasible: bool
    #: The engine's cost for this pair (lower is better); None when not feasible.
    cost: float | None
    #: The cost's named parts (subject, distance, virtual, gender, repeat, load).
    parts: dict[str, float]
    #: The cost in words ("fysik ✓, 12 km, ledig tirsdag 3. feb"), or why not.
    reason: str
    distance_km: float | None
    format: str | None
    #: Visits this term (pending proposals, planned and done visits) and the maximum.
    load: int
    capacity: int
    #: The date the visit would be on: the first of the booking's dates both are free.
    day: date | None = None
    start: time | None = None
    end: time | None = None
    #: 1 for the engine's first choice; None for someone found only by name.
    rank: int | None = None
    #: The rule that rules the volunteer out (engine rule or account state), if any.
    why_not: str | None = None

    @property
    def free(self) -> int:
        return max(self.capacity - self.load, 0)

    def as_json(self) -> dict[str, Any]:
        return {
            "volunteer_id": self.volunteer_id,
            "name": self.name,
            "rank": self.rank,
            "feasible": self.feasible,
            "cost": None if self.cost is None else round(self.cost, 6),
            "parts": {k: round(v, 6) for k, v in self.parts.items()},
            "reason": self.reason,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 1),
            "format": self.format,
            "load": self.load,
            "capacity": self.capacity,
            "free": self.free,
            "day": self.day.isoformat() if self.day else None,
            "start": self.start.strftime("%H:%M") if self.start else None,
            "end": self.end.strftime("%H:%M") if self.end else None,
            "why_not": self.why_not,
        }


@dataclass(frozen=True)
class CandidateList:
    request_id: int
    #: Feasible volunteers, best first, at most `limit`.
    ranked: list[Candidate]
    #: How many feasible volunteers were priced; all of them when `complete`.
    feasible_count: int
    #: False when the top was certain before every feasible volunteer was priced.
    complete: bool
    #: The engine's price of leaving the booking unmatched (None: not open for matching).
    unmatched_price: float | None
    #: True when even the best candidate costs more than leaving the booking open, so a
    #: run would wait for a better match; a coordinator may still choose one.
    engine_would_wait: bool
    #: People found by name, ranked ones included, each with a price or a reason.
    searched: list[Candidate] = field(default_factory=list)
    query: str | None = None
    #: Why there is no ranking at all (booking not open, no dates ahead), or None.
    note: str | None = None


def rank_candidates(
    session: Session,
    request_id: int,
    *,
    now: datetime,
    limit: int = DEFAULT_LIMIT,
    query: str | None = None,
    visible_programme_ids: Collection[int] | None = None,
) -> CandidateList:
    """The best feasible volunteers for one booking, by the engine's own cost.

    `query` also searches volunteers by name (those who joined one of
    `visible_programme_ids`, when given) and says why each one can or cannot be chosen.
    """
    request = session.get(BookingRequest, request_id)
    if request is None:
        raise NotFound(_("Bookingen findes ikke."))
    limit = max(1, min(int(limit), MAX_LIMIT))
    query = " ".join((query or "").split())[:100] or None
    today = now.date()
    tried = _tried(session, request.id)
    note = None
    ranking: _Ranking | None = None
    if request.status not in OPEN_STATUSES:
        note = _("Bookingen er ikke åben for nye forslag.")
    else:
        ranking = _rank(session, request, today, tried, limit)
        if ranking is None:
            note = _("Alle bookingens datoer er passeret.")
        elif ranking.request_rule is not None:
            note = reason_text("no_candidate", {"rule": ranking.request_rule})
    ranked: list[Candidate] = []
    if ranking is not None:
        loads = _loads(session, [p.volunteer_id for p in ranking.ranked], today)
        for rank, priced in enumerate(ranking.ranked, start=1):
            ranked.append(_candidate(ranking.loaded, request, priced, loads, rank))
    searched = (
        _search(
            session,
            request,
            query,
            now,
            ranking.loaded if ranking else None,
            ranked,
            tried,
            visible_programme_ids,
        )
        if query
        else []
    )
    return CandidateList(
        request_id=request.id,
        ranked=ranked,
        feasible_count=ranking.feasible_count if ranking else 0,
        complete=ranking.complete if ranking else True,
        unmatched_price=ranking.unmatched_price if ranking else None,
        engine_would_wait=bool(
            ranking and ranking.ranked and ranking.ranked[0].cost >= ranking.unmatched_price
        ),
        searched=searched,
        query=query,
        note=note,
    )


@dataclass
class _Ranking:
    ranked: list[matching.PricedVolunteer]
    feasible_count: int
    complete: bool
    unmatched_price: float
    #: The first problem read: request, names of subjects, levels and volunteers.
    loaded: LoadedProblem
    #: "notice" or "closed" when nobody can come on any of the booking's dates.
    request_rule: str | None = None


def _rank(
    session: Session, request: BookingRequest, today: date, tried: set[int], limit: int
) -> _Ranking | None:
    """Price the volunteers in order of the least they can cost, until the top is certain.

    A queue lists the volunteers who could take the booking with a lower bound on their
    cost (`least_cost`), lowest first. They are priced by the engine in growing
    batches; once `limit` volunteers cost less than the bound of the next one in line,
    nobody further on can enter the top, so the ranking is the one pricing everybody
    would give, read from a fraction of the corps. Volunteers beyond reach who could
    visit virtually all cost at least the virtual part: they join the queue only if
    the ranking gets that far.
    """
    weights = matching.Weights()
    queue = _Queue(session, request, tried, weights)
    result: _Ranking | None = None
    batch = max(FIRST_BATCH, 2 * limit)
    while True:
        ids = queue.take(batch)
        loaded = load_problem(
            session,
            Scope(programme_id=request.programme_id),
            today=today,
            request_ids=[request.id],
            notice_school_days=_notice(request),
            weights=weights,
            volunteer_where=[VolunteerProfile.id.in_(ids)] if ids else [sa.false()],
        )
        if not loaded.problem.requests:
            return None
        pricing = _price(loaded, request.id, limit=limit)
        if result is None:
            result = _Ranking([], 0, True, pricing.unmatched_price, loaded, pricing.request_rule)
        else:
            result.loaded.volunteer_names.update(loaded.volunteer_names)
            result.loaded.volunteer_women.update(loaded.volunteer_women)
        result.ranked = sorted(
            [*result.ranked, *pricing.ranked], key=lambda p: (p.cost, p.volunteer_id)
        )[:limit]
        result.feasible_count += pricing.feasible_count
        if result.request_rule is not None:
            return result  # closed or too soon on every date: nobody at all can come
        following = queue.next_bound()
        if math.isinf(following):
            return result  # everybody priced
        if len(result.ranked) >= limit and result.ranked[-1].cost < following:
            result.complete = False
            return result
        batch *= 2


class _Queue:
    """Volunteers who could take the booking, by their least possible cost.

    Those within reach are read at once; the rest, who can only visit virtually, are
    read the first time the queue reaches the virtual part's cost.
    """

    def __init__(
        self,
        session: Session,
        request: BookingRequest,
        tried: set[int],
        weights: matching.Weights,
    ) -> None:
        self.session, self.request, self.weights = session, request, weights
        self.fits = _subject_fit(session, request)
        self.base = _could_take(session, request)
        if tried:
            self.base.append(VolunteerProfile.id.not_in(tried))
        near, online = _near(request), _online(request)
        self.rest = [online, *([~near] if near is not None else [])] if online is not None else None
        #: Nobody in `rest` costs less than this.
        self.floor = weights.virtual / BOX_SLACK if self.rest is not None else math.inf
        self.items = self._read([near], near=True) if near is not None else []
        self.position = 0

    def _read(self, where: list[sa.ColumnElement[bool]], *, near: bool) -> list[tuple[float, int]]:
        primary, related = self.fits
        rows = self.session.execute(
            sa.select(
                VolunteerProfile.id,
                VolunteerProfile.latitude,
                VolunteerProfile.longitude,
                VolunteerProfile.travel_radius_km,
                primary,
                related,
            ).where(*where, *self.base)
        )
        school = self.request.school
        virtual_allowed = self.request.format != RequestFormat.PHYSICAL
        return sorted(
            (
                least_cost(
                    self.weights,
                    school.latitude,
                    school.longitude,
                    lat,
                    lon,
                    radius,
                    has_primary=bool(has_primary),
                    has_related=bool(has_related),
                    near=near,
                    virtual_allowed=virtual_allowed,
                ),
                int(vid),
            )
            for vid, lat, lon, radius, has_primary, has_related in rows
        )

    def _widen_if_needed(self, wanted: int) -> None:
        ahead = self.items[self.position : self.position + wanted]
        if self.rest is None or (len(ahead) == wanted and ahead[-1][0] < self.floor):
            return
        rest = self._read(self.rest, near=False)
        self.rest, self.floor = None, math.inf
        self.items, self.position = sorted(self.items[self.position :] + rest), 0

    def take(self, count: int) -> list[int]:
        self._widen_if_needed(count)
        chunk = self.items[self.position : self.position + count]
        self.position += len(chunk)
        return [vid for _bound, vid in chunk]

    def next_bound(self) -> float:
        """No volunteer not yet taken costs less than this (inf: nobody is left)."""
        ahead = self.items[self.position][0] if self.position < len(self.items) else math.inf
        return min(ahead, self.floor)


def _subject_fit(
    session: Session, request: BookingRequest
) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[bool]]:
    """Whether a volunteer has the booking's primary subject, and a related or other wished one."""
    primary = sa.exists().where(
        volunteer_subjects.c.volunteer_id == VolunteerProfile.id,
        volunteer_subjects.c.subject_id == request.primary_subject_id,
    )
    related_ids = {s.id for s in request.other_subjects} | set(
        session.scalars(
            sa.select(subject_relations.c.related_id).where(
                subject_relations.c.subject_id == request.primary_subject_id
            )
        )
    )
    related_ids.discard(request.primary_subject_id)
    related = (
        sa.exists().where(
            volunteer_subjects.c.volunteer_id == VolunteerProfile.id,
            volunteer_subjects.c.subject_id.in_(related_ids),
        )
        if related_ids
        else sa.false()
    )
    return primary, related


def least_cost(
    weights: matching.Weights,
    school_lat: float,
    school_lon: float,
    lat: float,
    lon: float,
    radius_km: float,
    *,
    has_primary: bool,
    has_related: bool,
    near: bool,
    virtual_allowed: bool,
) -> float:
    """A lower bound on what a volunteer can cost for the booking, from a few columns.

    The engine's cost is a sum of parts that are never negative; the bound keeps the
    subject part exactly and the least of the distance part (a straight line is at least
    the north-south distance, and at least the east-west distance at BOX_LATITUDE) and the
    virtual part, both shrunk by BOX_SLACK. It must never exceed the engine's cost:
    `_rank` relies on it (tests/operations/test_ops_candidates.py checks it).
    """
    if has_primary:
        subject = 0.0
    elif has_related:
        subject = weights.subject_related
    else:
        subject = weights.subject_other
    virtual = weights.virtual / BOX_SLACK if virtual_allowed else math.inf
    if not near:
        return subject + virtual
    north_south = abs(lat - school_lat) * KM_PER_DEGREE
    east_west = 0.0
    if abs(lat) < BOX_LATITUDE and abs(school_lat) < BOX_LATITUDE:
        east_west = abs(lon - school_lon) * KM_PER_DEGREE * math.cos(math.radians(BOX_LATITUDE))
    distance = (
        weights.distance * max(north_south, east_west) / (radius_km * BOX_SLACK)
        if radius_km > 0
        else 0.0
    )
    return subject + min(distance, virtual)


def _notice(request: BookingRequest) -> int:
    """School days a proposal needs before the visit: the cascade's and manual path's rule."""
    return int(request.programme.answer_lead_school_days) + 1


def _price(
    loaded: LoadedProblem, request_id: int, *, limit: int | None, refusals: bool = False
) -> matching.RequestPricing:
    return matching.price_request(
        loaded.problem, request_id, limit=limit, explain_refusals=refusals
    )


def _tried(session: Session, request_id: int) -> set[int]:
    """Volunteers already proposed for the booking (they declined, let it expire, or left)."""
    return set(
        session.scalars(
            sa.select(Proposal.volunteer_id).where(
                Proposal.request_id == request_id, Proposal.volunteer_id.is_not(None)
            )
        )
    )


def _could_take(session: Session, request: BookingRequest) -> list[sa.ColumnElement[bool]]:
    """SQL conditions every volunteer the engine could match to this booking meets.

    Each mirrors one rule of `load_problem` or `matching.rules` and is never stricter:
    approval, programme, level, women-only programmes and "woman required". Reach is
    `_near` or `_online`.
    """
    conditions: list[sa.ColumnElement[bool]] = [
        # Matchable at all (load_problem checks the rest: account, pause, capacity).
        # Wrapped so SQLite scans the table instead of walking the status index for the
        # many approved rows (PostgreSQL plans by its statistics either way).
        sa.func.coalesce(VolunteerProfile.status, "") == VolunteerStatus.APPROVED.value,
        VolunteerProfile.visits_per_term > 0,
        sa.exists().where(
            volunteer_programmes.c.volunteer_id == VolunteerProfile.id,
            volunteer_programmes.c.programme_id == request.programme_id,
        ),
        sa.exists().where(
            volunteer_levels.c.volunteer_id == VolunteerProfile.id,
            volunteer_levels.c.level_id == request.level_id,
        ),
    ]
    programme = session.get(Programme, request.programme_id)
    if (programme is not None and programme.women_only) or (
        request.gender_focus == GenderFocus.WOMAN_REQUIRED
    ):
        conditions.append(VolunteerProfile.gender == Gender.WOMAN)
    return conditions


def _near(request: BookingRequest) -> sa.ColumnElement[bool] | None:
    """Within a box around the school as wide as the volunteer's own radius (physical only).

    The box only widens the engine's rule (straight-line km within the radius): a
    latitude difference alone is at most that distance, and so is the longitude
    difference scaled by cos(BOX_LATITUDE), for points south of BOX_LATITUDE.
    """
    if request.format == RequestFormat.VIRTUAL:
        return None
    school = request.school
    radius = VolunteerProfile.travel_radius_km * BOX_SLACK
    near_lat = sa.func.abs(VolunteerProfile.latitude - school.latitude) * KM_PER_DEGREE <= radius
    if abs(school.latitude) >= BOX_LATITUDE:
        return near_lat
    cos_box = math.cos(math.radians(BOX_LATITUDE))
    near_lon = (
        sa.func.abs(VolunteerProfile.longitude - school.longitude) * (KM_PER_DEGREE * cos_box)
        <= radius
    )
    outside_box = sa.func.abs(VolunteerProfile.latitude) >= BOX_LATITUDE
    return sa.and_(near_lat, sa.or_(near_lon, outside_box))


def _online(request: BookingRequest) -> sa.ColumnElement[bool] | None:
    """Willing and trained to visit virtually, when the booking allows a virtual visit."""
    if request.format == RequestFormat.PHYSICAL:
        return None
    return sa.and_(
        VolunteerProfile.virtual_ok.is_(True),
        sa.exists().where(
            TrainingRecord.volunteer_id == VolunteerProfile.id,
            TrainingRecord.kind == TrainingKind.VIRTUAL,
        ),
    )


def _loads(session: Session, volunteer_ids: list[int], today: date) -> dict[int, tuple[int, int]]:
    """(visits this term, visits per term) per volunteer."""
    if not volunteer_ids:
        return {}
    used = used_capacity(session, volunteer_ids, term_bounds(today))
    capacity = dict(
        session.execute(
            sa.select(VolunteerProfile.id, VolunteerProfile.visits_per_term).where(
                VolunteerProfile.id.in_(volunteer_ids)
            )
        ).all()
    )
    return {v: (used.get(v, 0), int(capacity.get(v, 0))) for v in volunteer_ids}


def _candidate(
    loaded: LoadedProblem,
    request: BookingRequest,
    priced: matching.PricedVolunteer,
    loads: dict[int, tuple[int, int]],
    rank: int | None,
) -> Candidate:
    load, capacity = loads.get(priced.volunteer_id, (0, 0))
    window = priced.window
    words = match_words(
        {
            "parts": dict(priced.parts),
            "subject": loaded.problem.requests[0].primary_subject,
            "format": priced.format,
            "distance_km": priced.distance_km,
            "gender_focus": request.gender_focus.value,
            "is_woman": priced.volunteer_id in loaded.volunteer_women,
            "day": window.day.isoformat() if window else None,
        },
        names_of(loaded),
    )
    return Candidate(
        volunteer_id=priced.volunteer_id,
        name=loaded.volunteer_names.get(priced.volunteer_id, ""),
        feasible=True,
        cost=priced.cost,
        parts=dict(priced.parts),
        reason=", ".join(words),
        distance_km=priced.distance_km if priced.format == "physical" else None,
        format=priced.format,
        load=load,
        capacity=capacity,
        day=window.day if window else None,
        start=window.start if window else None,
        end=window.end if window else None,
        rank=rank,
    )


def _search(
    session: Session,
    request: BookingRequest,
    query: str,
    now: datetime,
    loaded: LoadedProblem | None,
    ranked: list[Candidate],
    tried: set[int],
    visible_programme_ids: Collection[int] | None,
) -> list[Candidate]:
    """Volunteers whose name contains the query, each priced or refused in words."""
    today = now.date()
    stmt = (
        sa.select(VolunteerProfile, User)
        .join(User, User.id == VolunteerProfile.user_id)
        .where(sa.func.lower(User.full_name).contains(query.lower(), autoescape=True))
        .order_by(User.full_name, VolunteerProfile.id)
        .limit(SEARCH_LIMIT)
    )
    if visible_programme_ids is not None:
        stmt = stmt.where(
            sa.exists().where(
                volunteer_programmes.c.volunteer_id == VolunteerProfile.id,
                volunteer_programmes.c.programme_id.in_(set(visible_programme_ids)),
            )
        )
    rows = session.execute(stmt).all()
    if not rows:
        return []
    ids = [profile.id for profile, _user in rows]
    loads = _loads(session, ids, today)
    by_rank = {c.volunteer_id: c for c in ranked}
    programme = session.get(Programme, request.programme_id)
    account_reasons: dict[int, tuple[str, str]] = {}
    for profile, user in rows:
        reason = _account_reason(profile, user, request, programme, loads, tried, today)
        if reason is not None:
            account_reasons[profile.id] = reason
    engine_ids = [i for i in ids if i not in account_reasons and i not in by_rank]
    priced: dict[int, matching.PricedVolunteer] = {}
    names: LoadedProblem | None = loaded
    if engine_ids and loaded is not None:
        # The same problem, read for these volunteers only: their price or broken rule.
        # (Those who already said no were answered above, as "excluded".)
        few = load_problem(
            session,
            Scope(programme_id=request.programme_id),
            today=today,
            request_ids=[request.id],
            notice_school_days=_notice(request),
            volunteer_where=[VolunteerProfile.id.in_(engine_ids)],
        )
        names = few
        result = _price(few, request.id, limit=None, refusals=True)
        priced = {p.volunteer_id: p for p in (*result.ranked, *result.refused)}
    found = []
    for profile, user in rows:
        load, capacity = loads.get(profile.id, (0, profile.visits_per_term))
        if profile.id in by_rank:
            found.append(by_rank[profile.id])
            continue
        if profile.id in account_reasons:
            rule, words = account_reasons[profile.id]
        elif profile.id in priced and priced[profile.id].feasible and names is not None:
            found.append(_candidate(names, request, priced[profile.id], loads, None))
            continue
        elif profile.id in priced:
            rule = priced[profile.id].broken_rule or "unknown"
            words = _rule_words(rule, priced[profile.id], request)
        else:
            rule, words = "closed", _("Bookingen kan ikke matches lige nu.")
        found.append(
            Candidate(
                volunteer_id=profile.id,
                name=user.full_name,
                feasible=False,
                cost=None,
                parts={},
                reason=words,
                distance_km=None,
                format=None,
                load=load,
                capacity=capacity,
                why_not=rule,
            )
        )
    # Those who can be chosen first, each group by name.
    found.sort(key=lambda c: not c.feasible)
    return found


def _account_reason(
    profile: VolunteerProfile,
    user: User,
    request: BookingRequest,
    programme: Programme | None,
    loads: dict[int, tuple[int, int]],
    tried: set[int],
    today: date,
) -> tuple[str, str] | None:
    """Why the volunteer is not matchable at all today, before any engine rule."""
    if user.deleted_at is not None or user.deactivated_at is not None:
        return "inactive", _("Kontoen er ikke aktiv.")
    if user.email_verified_at is None:
        return "unverified", _("Har ikke bekræftet sin e-mailadresse endnu.")
    if profile.status != VolunteerStatus.APPROVED:
        return "not_approved", _("Er ikke godkendt som rollemodel.")
    if programme is not None and programme not in profile.programmes:
        return "programme", _("Er ikke med i %(programme)s.", programme=programme.name)
    if profile.paused_until is not None and profile.paused_until > today:
        return "paused", _("Holder pause til %(day)s.", day=short_date(profile.paused_until))
    load, capacity = loads.get(profile.id, (0, profile.visits_per_term))
    if load >= capacity:
        return "capacity", _(
            "Har ingen ledige besøg i terminen (%(used)d af %(capacity)d brugt).",
            used=load,
            capacity=capacity,
        )
    if profile.id in tried:
        return "excluded", _("Har allerede fået denne booking foreslået og sagt nej.")
    return None


def _rule_words(rule: str, priced: matching.PricedVolunteer, request: BookingRequest) -> str:
    """Why the engine cannot choose this volunteer for this booking, in one sentence."""
    level: SchoolLevel = request.level
    if rule == "reach":
        if request.format == RequestFormat.VIRTUAL:
            return _("Kan ikke tage virtuelle besøg (mangler lyst eller kursus).")
        text = _(
            "Bor %(km).0f km fra skolen, men vil højst rejse %(radius).0f km.",
            km=priced.distance_km,
            radius=priced.radius_km,
        )
        if request.format == RequestFormat.EITHER:
            text += " " + _("Kan heller ikke tage virtuelle besøg.")
        return text
    texts = {
        "capacity": _("Har ingen ledige besøg i terminen."),
        "programme": _("Er ikke med i programmet."),
        "women_only": _("Programmet er kun for kvindelige rollemodeller."),
        "level": _("Besøger ikke %(level)s.", level=level.name(str(get_locale() or "da"))),
        "subject": _("Har ingen af bookingens fag."),
        "gender": _("Bookingen kræver en kvindelig rollemodel."),
        "language": _("Taler ikke det sprog, besøget skal foregå på."),
        "dates": _("Er ikke ledig på nogen af bookingens datoer."),
        "excluded": _("Har allerede fået denne booking foreslået og sagt nej."),
    }
    return texts.get(rule, _("Passer ikke til bookingen."))

"""Turn a `Problem` into sorted numpy tables: bitmasks for codes, day masks, 3-d km coordinates."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from matching.errors import InvalidInput
from matching.model import Problem, Request, Volunteer

EARTH_RADIUS_KM = 6371.0088
MaskArray = npt.NDArray[np.uint64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class WindowTable:
    """Every request's windows in one flat array: request i owns [ptr[i], ptr[i + 1])."""

    ptr: IntArray
    day: IntArray  # days after the horizon start
    start: IntArray  # minutes after midnight; 0 when not given
    end: IntArray  # minutes after midnight; 1440 when not given
    open: BoolArray  # the school is open and the notice is kept
    school_id: IntArray  # per request, the school's own id


@dataclass(frozen=True)
class BusyTable:
    """Every volunteer's busy times in one flat array: volunteer j owns [ptr[j], ptr[j + 1])."""

    ptr: IntArray
    day: IntArray
    start: IntArray
    end: IntArray
    school_id: IntArray  # -1 for a virtual visit


@dataclass(frozen=True)
class Tables:
    """Column arrays for requests (index = rank by id) and volunteers (same)."""

    requests: tuple[Request, ...]
    volunteers: tuple[Volunteer, ...]
    request_ids: IntArray
    volunteer_ids: IntArray
    # Requests
    req_xyz: FloatArray
    req_programme: MaskArray
    req_level: MaskArray
    req_primary: MaskArray
    req_related: MaskArray
    req_languages: MaskArray
    req_physical: BoolArray
    req_virtual: BoolArray
    req_woman_required: BoolArray
    req_woman_preferred: BoolArray
    req_days: MaskArray  # (n_requests, words): open windows only
    #: Some window is at least the programme's notice away / and on an open day.
    req_notice_ok: BoolArray
    req_open_ok: BoolArray
    req_school: IntArray
    req_price: FloatArray
    # Volunteers
    vol_xyz: FloatArray
    vol_programmes: MaskArray  # only programmes the volunteer is eligible to serve
    vol_enrolled: MaskArray  # as enrolled, before the women-only rule
    vol_levels: MaskArray
    vol_subjects: MaskArray
    vol_languages: MaskArray
    vol_virtual: BoolArray  # willing and trained
    vol_woman: BoolArray
    vol_radius: FloatArray
    vol_days: MaskArray
    vol_busy: BoolArray  # has visits a new one must not overlap
    #: Windows and busy times as flat arrays (see `oneplace.busy_feasible`).
    windows: WindowTable
    busy: BusyTable
    vol_free: IntArray  # capacity left after locks
    vol_first_slot: IntArray  # visits already used by locks
    #: Sorted keys volunteer * n_schools + school for visited schools.
    visited_keys: IntArray
    n_schools: int
    #: Sorted keys request * n_volunteers + volunteer for exclusions.
    excluded_keys: IntArray
    horizon_start: date


def to_xyz(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Place points on a sphere in km so straight-line distance is the chord (≈ great circle)."""
    phi = np.radians(lat)
    lam = np.radians(lon)
    cos_phi = np.cos(phi)
    return EARTH_RADIUS_KM * np.column_stack(
        [cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)]
    )


class Vocabulary:
    """Codes that occur in requests, each given one bit of a uint64 mask."""

    def __init__(self, kind: str, codes: Iterable[str]) -> None:
        ordered = sorted(set(codes))
        if len(ordered) > 64:
            raise InvalidInput(f"more than 64 distinct {kind} codes in the requests")
        self.bit = {code: np.uint64(1) << np.uint64(k) for k, code in enumerate(ordered)}

    def mask(self, codes: Iterable[str]) -> np.uint64:
        value = np.uint64(0)
        for code in codes:
            value |= self.bit.get(code, np.uint64(0))
        return value

    def masks(self, rows: Iterable[Iterable[str]]) -> MaskArray:
        # Many people share the same few code lists; compute each list's mask once.
        cache: dict[tuple[str, ...], np.uint64] = {}

        def cached(codes: Iterable[str]) -> np.uint64:
            key = tuple(codes)
            if key not in cache:
                cache[key] = self.mask(key)
            return cache[key]

        return np.fromiter((cached(codes) for codes in rows), dtype=np.uint64)


def build_tables(problem: Problem) -> Tables:
    """Validate ids and encode the problem; requests and volunteers are sorted by id."""
    requests = tuple(sorted(problem.requests, key=lambda r: r.id))
    volunteers = tuple(sorted(problem.volunteers, key=lambda v: v.id))
    request_ids = _unique_ids("request", [r.id for r in requests])
    volunteer_ids = _unique_ids("volunteer", [v.id for v in volunteers])
    _check_values(requests, volunteers)
    related = problem.related_subjects
    wished = [
        set(r.other_subjects) | set(related.get(r.primary_subject, ())) - {r.primary_subject}
        for r in requests
    ]
    programmes = Vocabulary("programme", (r.programme for r in requests))
    levels = Vocabulary("level", (r.level for r in requests))
    subjects = Vocabulary(
        "subject", [r.primary_subject for r in requests] + [s for w in wished for s in w]
    )
    languages = Vocabulary("language", (code for r in requests for code in r.languages))

    vol_woman = np.array([v.is_woman for v in volunteers], dtype=bool)
    vol_enrolled = programmes.masks(v.programmes for v in volunteers)
    women_only = programmes.mask(problem.women_only_programmes)
    vol_programmes = np.where(vol_woman, vol_enrolled, vol_enrolled & ~women_only)

    horizon_start, req_days, vol_days = _day_masks(requests, volunteers)
    notice_ok, open_ok = _window_checks(requests)
    schools = sorted({r.school_id for r in requests})
    school_index = {s: k for k, s in enumerate(schools)}
    visited = sorted(
        j * len(schools) + school_index[s]
        for j, v in enumerate(volunteers)
        for s in set(v.visited_school_ids)
        if s in school_index
    )
    vol_free, vol_first_slot = _lock_slots(problem, request_ids, volunteer_ids, volunteers)
    excluded = _pair_keys("exclusion", problem.exclusions, request_ids, volunteer_ids)
    return Tables(
        requests=requests,
        volunteers=volunteers,
        request_ids=request_ids,
        volunteer_ids=volunteer_ids,
        req_xyz=to_xyz(
            np.array([r.lat for r in requests], dtype=float),
            np.array([r.lon for r in requests], dtype=float),
        ),
        req_programme=programmes.masks([r.programme] for r in requests),
        req_level=levels.masks([r.level] for r in requests),
        req_primary=subjects.masks([r.primary_subject] for r in requests),
        req_related=subjects.masks(wished),
        req_languages=languages.masks(r.languages for r in requests),
        req_physical=np.array([r.format != "virtual" for r in requests], dtype=bool),
        req_virtual=np.array([r.format != "physical" for r in requests], dtype=bool),
        req_woman_required=np.array(
            [r.gender_focus == "woman_required" for r in requests], dtype=bool
        ),
        req_woman_preferred=np.array(
            [r.gender_focus == "woman_preferred" for r in requests], dtype=bool
        ),
        req_days=req_days,
        req_notice_ok=notice_ok,
        req_open_ok=open_ok,
        req_school=np.array([school_index[r.school_id] for r in requests], dtype=np.int64),
        req_price=problem.weights.unmatched * np.array([r.priority for r in requests], dtype=float),
        vol_xyz=to_xyz(
            np.array([v.lat for v in volunteers], dtype=float),
            np.array([v.lon for v in volunteers], dtype=float),
        ),
        vol_programmes=vol_programmes,
        vol_enrolled=vol_enrolled,
        vol_levels=levels.masks(v.levels for v in volunteers),
        vol_subjects=subjects.masks(v.subjects for v in volunteers),
        vol_languages=languages.masks(v.languages for v in volunteers),
        vol_virtual=np.array([v.virtual_ok and v.virtual_trained for v in volunteers], dtype=bool),
        vol_woman=vol_woman,
        vol_radius=np.array([v.radius_km for v in volunteers], dtype=float),
        vol_days=vol_days,
        vol_busy=np.array([bool(v.busy) for v in volunteers], dtype=bool),
        windows=_window_table(requests, horizon_start),
        busy=_busy_table(volunteers, horizon_start),
        vol_free=vol_free,
        vol_first_slot=vol_first_slot,
        visited_keys=np.array(visited, dtype=np.int64),
        n_schools=len(schools),
        excluded_keys=excluded,
        horizon_start=horizon_start,
    )


def _unique_ids(kind: str, ids: Sequence[int]) -> IntArray:
    array = np.array(ids, dtype=np.int64)
    if array.size > 1:
        same = array[1:] == array[:-1]
        if same.any():
            raise InvalidInput(f"duplicate {kind} id {int(array[1:][same][0])}")
    return array


def _check_values(requests: Sequence[Request], volunteers: Sequence[Volunteer]) -> None:
    for r in requests:
        if not (math.isfinite(r.lat) and math.isfinite(r.lon)):
            raise InvalidInput(f"request {r.id} has no valid coordinates")
        if not (math.isfinite(r.priority) and r.priority >= 0):
            raise InvalidInput(f"request {r.id} has an invalid priority {r.priority}")
        if r.format not in ("physical", "virtual", "either"):
            raise InvalidInput(f"request {r.id} has an unknown format {r.format!r}")
        if r.gender_focus not in ("none", "woman_preferred", "woman_required"):
            raise InvalidInput(f"request {r.id} has an unknown gender focus {r.gender_focus!r}")
    for v in volunteers:
        if not (math.isfinite(v.lat) and math.isfinite(v.lon)):
            raise InvalidInput(f"volunteer {v.id} has no valid coordinates")
        if not (math.isfinite(v.radius_km) and v.radius_km >= 0):
            raise InvalidInput(f"volunteer {v.id} has an invalid radius {v.radius_km}")
        if isinstance(v.capacity, bool) or not isinstance(v.capacity, int) or v.capacity < 0:
            raise InvalidInput(f"volunteer {v.id} has an invalid capacity {v.capacity!r}")
        if any(not 0 <= d <= 6 for d in v.availability.weekdays):
            raise InvalidInput(f"volunteer {v.id} has a weekday outside 0..6")


def window_is_open(request: Request, day: date) -> bool:
    """Whether the school is open that day and it lies beyond the programme's notice."""
    if request.not_before is not None and day < request.not_before:
        return False
    return not request.closed_days or day not in request.closed_days


def _minutes(at: object, default: int) -> int:
    return default if at is None else at.hour * 60 + at.minute  # type: ignore[attr-defined]


def _window_table(requests: Sequence[Request], start: date) -> WindowTable:
    counts = np.fromiter((len(r.windows) for r in requests), dtype=np.int64, count=len(requests))
    ptr = np.zeros(len(requests) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    flat = [(r, w) for r in requests for w in r.windows]
    return WindowTable(
        ptr=ptr,
        day=np.array([(w.day - start).days for _, w in flat], dtype=np.int64),
        start=np.array([_minutes(w.start, 0) for _, w in flat], dtype=np.int64),
        end=np.array([_minutes(w.end, 1440) for _, w in flat], dtype=np.int64),
        open=np.array([window_is_open(r, w.day) for r, w in flat], dtype=bool),
        school_id=np.array([r.school_id for r in requests], dtype=np.int64),
    )


def _busy_table(volunteers: Sequence[Volunteer], start: date) -> BusyTable:
    counts = np.fromiter((len(v.busy) for v in volunteers), dtype=np.int64, count=len(volunteers))
    ptr = np.zeros(len(volunteers) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    flat = [b for v in volunteers for b in v.busy]
    return BusyTable(
        ptr=ptr,
        day=np.array([(b.day - start).days for b in flat], dtype=np.int64),
        start=np.array([_minutes(b.start, 0) for b in flat], dtype=np.int64),
        end=np.array([_minutes(b.end, 1440) for b in flat], dtype=np.int64),
        school_id=np.array([-1 if b.school_id is None else b.school_id for b in flat], np.int64),
    )


def _window_checks(requests: Sequence[Request]) -> tuple[BoolArray, BoolArray]:
    notice_ok = np.fromiter(
        (r.not_before is None or any(w.day >= r.not_before for w in r.windows) for r in requests),
        dtype=bool,
        count=len(requests),
    )
    open_ok = np.fromiter(
        (any(window_is_open(r, w.day) for w in r.windows) for r in requests),
        dtype=bool,
        count=len(requests),
    )
    return notice_ok, open_ok


def _open_days(request: Request) -> list[date]:
    if request.not_before is None and not request.closed_days:
        return [w.day for w in request.windows]
    closed = set(request.closed_days)
    first = request.not_before or date.min
    return [w.day for w in request.windows if w.day >= first and w.day not in closed]


def _day_masks(
    requests: Sequence[Request], volunteers: Sequence[Volunteer]
) -> tuple[date, MaskArray, MaskArray]:
    """Bitmasks over the days from the first to the last requested date.

    A request's bit is set only for the days of its open windows (not closed, not within
    the notice): the date rule then keeps every visit on a day the school is open.
    """
    days = [w.day for r in requests for w in r.windows]
    start = min(days) if days else date(2000, 1, 3)
    n_days = (max(days) - start).days + 1 if days else 1
    words = (n_days + 63) // 64
    req_bits = np.zeros((len(requests), words * 64), dtype=bool)
    ordinal = start.toordinal()
    open_days = [_open_days(r) for r in requests]
    req_rows = [i for i, found in enumerate(open_days) for _ in found]
    req_cols = [day.toordinal() - ordinal for found in open_days for day in found]
    req_bits[np.array(req_rows, dtype=np.int64), np.array(req_cols, dtype=np.int64)] = True

    day_of_week = (start.weekday() + np.arange(words * 64)) % 7
    # Most volunteers share one of a few weekday sets; look each set up once.
    patterns: dict[tuple[int, ...], int] = {}
    pattern_of = np.fromiter(
        (patterns.setdefault(tuple(v.availability.weekdays), len(patterns)) for v in volunteers),
        dtype=np.int64,
        count=len(volunteers),
    )
    pattern_bits = np.zeros((max(len(patterns), 1), 7), dtype=bool)
    for weekdays, k in patterns.items():
        pattern_bits[k, list(weekdays)] = True
    weekday_bits = pattern_bits[pattern_of]
    period_vol: list[int] = []
    period_from: list[int] = []
    period_to: list[int] = []
    off_vol: list[int] = []
    off_day: list[int] = []
    has_periods = np.zeros(len(volunteers), dtype=bool)
    for j, v in enumerate(volunteers):
        if not (v.availability.periods or v.availability.blackout_dates):
            continue
        for first, last in v.availability.periods:
            has_periods[j] = True
            lo, hi = (first - start).days, (last - start).days
            if hi < 0 or lo >= n_days or hi < lo:
                continue
            period_vol.append(j)
            period_from.append(max(lo, 0))
            period_to.append(min(hi, n_days - 1) + 1)
        for d in v.availability.blackout_dates:
            k = (d - start).days
            if 0 <= k < n_days:
                off_vol.append(j)
                off_day.append(k)
    vol_bits = weekday_bits[:, day_of_week]
    # Periods: mark starts and ends, then a running sum says "inside some period".
    edges = np.zeros((len(volunteers), words * 64 + 1), dtype=np.int32)
    np.add.at(
        edges, (np.array(period_vol, dtype=np.int64), np.array(period_from, dtype=np.int64)), 1
    )
    np.add.at(
        edges, (np.array(period_vol, dtype=np.int64), np.array(period_to, dtype=np.int64)), -1
    )
    inside = np.cumsum(edges, axis=1)[:, :-1] > 0
    vol_bits &= inside | ~has_periods[:, None]
    vol_bits[np.array(off_vol, dtype=np.int64), np.array(off_day, dtype=np.int64)] = False
    vol_bits[:, n_days:] = False
    return start, _pack(req_bits), _pack(vol_bits)


def _pack(bits: BoolArray) -> MaskArray:
    packed = np.packbits(bits, axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view("<u8").astype(np.uint64)


def _pair_keys(
    kind: str,
    pairs: Iterable[tuple[int, int]],
    request_ids: IntArray,
    volunteer_ids: IntArray,
) -> IntArray:
    keys = [
        _request_index(kind, request_ids, r) * len(volunteer_ids)
        + _volunteer_index(kind, volunteer_ids, v)
        for r, v in pairs
    ]
    return np.unique(np.array(keys, dtype=np.int64))


def _request_index(kind: str, request_ids: IntArray, request_id: int) -> int:
    k = int(np.searchsorted(request_ids, request_id))
    if k == request_ids.size or request_ids[k] != request_id:
        raise InvalidInput(f"{kind} names unknown request id {request_id}")
    return k


def _volunteer_index(kind: str, volunteer_ids: IntArray, volunteer_id: int) -> int:
    k = int(np.searchsorted(volunteer_ids, volunteer_id))
    if k == volunteer_ids.size or volunteer_ids[k] != volunteer_id:
        raise InvalidInput(f"{kind} names unknown volunteer id {volunteer_id}")
    return k


def _lock_slots(
    problem: Problem,
    request_ids: IntArray,
    volunteer_ids: IntArray,
    volunteers: Sequence[Volunteer],
) -> tuple[IntArray, IntArray]:
    capacity = np.array([v.capacity for v in volunteers], dtype=np.int64)
    used = np.zeros(len(volunteers), dtype=np.int64)
    seen: set[int] = set()
    for r, v in problem.locks:
        i = _request_index("lock", request_ids, r)
        j = _volunteer_index("lock", volunteer_ids, v)
        if i in seen:
            raise InvalidInput(f"request {r} is locked to more than one volunteer")
        seen.add(i)
        used[j] += 1
    over = np.flatnonzero(used > capacity)
    if over.size:
        j = int(over[0])
        raise InvalidInput(
            f"volunteer {int(volunteer_ids[j])} has {int(used[j])} locks but capacity "
            f"{int(capacity[j])}"
        )
    return capacity - used, used

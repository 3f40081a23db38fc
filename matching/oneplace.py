"""One place at a time: a volunteer never gets two visits that overlap in time, nor two
physical visits on one day at different schools.

This is not an assignment constraint (it depends on which window each visit takes), so
`solve` handles it in three steps:

1. Existing commitments (`Volunteer.busy`) make a pair infeasible when every open window
   of the request clashes with one of them (`busy_feasible`, used by the hard rules).
2. After the assignment is solved, each volunteer's new visits get windows that do not
   clash with each other (`place_windows`; the cost does not depend on the window, so
   this keeps the plan optimal).
3. Where no choice of windows works, the visits worth least are given up and placed again
   around the rest of the plan (`solve` does this; the certificate then says the proof
   covers only the problem without this rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

import numpy as np

from matching.encode import BoolArray, IntArray, Tables, window_is_open
from matching.model import Busy, DateWindow

#: Window choices tried per volunteer before its visits are given up instead.
SEARCH_LIMIT = 2_000


@dataclass(frozen=True)
class Placed:
    """A visit at a time and place, for clash checks."""

    day: date
    start: time | None
    end: time | None
    #: The school visited in person; None for a virtual visit.
    school_id: int | None


def clash(a: Placed, b: Placed) -> bool:
    """Whether one person cannot do both: same day, and overlapping times or two schools."""
    if a.day != b.day:
        return False
    if a.school_id is not None and b.school_id is not None and a.school_id != b.school_id:
        return True
    if a.start is None or a.end is None or b.start is None or b.end is None:
        return True  # a visit without times may take the whole day
    return a.start < b.end and b.start < a.end


def placed(window: DateWindow, school_id: int, physical: bool) -> Placed:
    return Placed(window.day, window.start, window.end, school_id if physical else None)


def from_busy(busy: Busy) -> Placed:
    return Placed(busy.day, busy.start, busy.end, busy.school_id)


def open_windows(tables: Tables, row: int, vol: int) -> list[DateWindow]:
    """The request's windows that both the school and the volunteer have open, by date."""
    request = tables.requests[row]
    found = []
    for window in sorted(request.windows, key=lambda w: (w.day, w.start is not None, w.start)):
        day = (window.day - tables.horizon_start).days
        word, bit = divmod(day, 64)
        if (int(tables.vol_days[vol, word]) >> bit) & 1 and window_is_open(request, window.day):
            found.append(window)
    return found


def usable_windows(tables: Tables, row: int, vol: int, physical: bool) -> list[DateWindow]:
    """Open windows that clash with none of the volunteer's existing commitments."""
    windows = open_windows(tables, row, vol)
    busy = tables.volunteers[vol].busy
    if not busy:
        return windows
    school = tables.requests[row].school_id
    taken = [from_busy(b) for b in busy]
    return [w for w in windows if not any(clash(placed(w, school, physical), b) for b in taken)]


def _expand(ptr: IntArray, owners: IntArray) -> tuple[IntArray, IntArray]:
    """For each owner, its items [ptr[o], ptr[o + 1]): (index of the owner, item index)."""
    counts = ptr[owners + 1] - ptr[owners]
    owner = np.repeat(np.arange(owners.size), counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    item = np.arange(int(counts.sum())) - first + ptr[owners][owner]
    return owner, item


def busy_feasible(tables: Tables, rows: IntArray, vols: IntArray, physical: BoolArray) -> BoolArray:
    """Per pair: False where the volunteer is taken at every open window of the request.

    Vectorised over (pair, window) and (pair, window, busy time): volunteers with visits
    planned are common in the app, and the proof prices hundreds of thousands of pairs.
    """
    ok = np.ones(rows.size, dtype=bool)
    picked = np.flatnonzero(tables.vol_busy[vols])
    if picked.size == 0:
        return ok
    w, b = tables.windows, tables.busy
    r, v, ph = rows[picked], vols[picked], physical[picked]
    pair, window = _expand(w.ptr, r)
    day = w.day[window]
    bits = tables.vol_days[v[pair], day // 64] >> (day % 64).astype(np.uint64)
    usable = w.open[window] & ((bits & np.uint64(1)) != 0)
    entry, taken = _expand(b.ptr, v[pair])
    at = window[entry]
    clashes = (b.day[taken] == w.day[at]) & (
        (
            ph[pair[entry]]
            & (b.school_id[taken] >= 0)
            & (b.school_id[taken] != w.school_id[r[pair[entry]]])
        )
        | ((w.start[at] < b.end[taken]) & (b.start[taken] < w.end[at]))
    )
    hit = np.bincount(entry[clashes], minlength=pair.size) > 0
    usable &= ~hit
    ok[picked] = np.bincount(pair[usable], minlength=picked.size) > 0
    return ok


def place_windows(options: Sequence[Sequence[Placed]]) -> list[int] | None:
    """Pick one option per visit so that no two clash (first options preferred), or None."""
    order = sorted(range(len(options)), key=lambda k: len(options[k]))
    chosen: dict[int, int] = {}
    tried = 0

    def search(depth: int) -> bool:
        nonlocal tried
        if depth == len(order):
            return True
        k = order[depth]
        for index, option in enumerate(options[k]):
            tried += 1
            if tried > SEARCH_LIMIT:
                return False
            if any(clash(option, options[other][chosen[other]]) for other in chosen):
                continue
            chosen[k] = index
            if search(depth + 1):
                return True
            del chosen[k]
        return False

    if not search(0):
        return None
    return [chosen[k] for k in range(len(options))]

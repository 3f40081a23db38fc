"""Resolve a merge conflict in the English catalog without losing anyone's translations.

Two branches that both add messages conflict in messages.po (and its binary .mo). Run this
after every other conflicted file is resolved (extraction reads the merged source):

    .venv/bin/python scripts/po_merge.py            # during a conflicted git merge
    .venv/bin/python scripts/po_merge.py OTHER.po   # also take translations from a file

It collects the translations of both sides of the merge (git's index stages 2 and 3) and of
any files given, re-extracts the catalog from the source, fills every empty or fuzzy entry
from what it collected, compiles the .mo and stages both. Messages still untranslated are
listed; tests/i18n fails until they are translated by hand.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PO = "mentor/translations/en/LC_MESSAGES/messages.po"
MO = "mentor/translations/en/LC_MESSAGES/messages.mo"


def _stage(n: int) -> bytes | None:
    out = subprocess.run(["git", "show", f":{n}:{PO}"], cwd=ROOT, capture_output=True, check=False)
    return out.stdout if out.returncode == 0 else None


def _translations(data: bytes) -> dict[object, object]:
    found: dict[object, object] = {}
    for message in read_po(io.BytesIO(data)):
        if not message.id or message.fuzzy:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings):
            found[(message.context, message.id)] = message.string
    return found


def main(extra: list[str]) -> int:
    known: dict[object, object] = {}
    sources = [s for s in (_stage(2), _stage(3)) if s is not None]
    sources += [Path(p).read_bytes() for p in extra]
    for data in sources:
        known.update(_translations(data))
    if not sources:
        print("no conflicted catalog in the index and no files given", file=sys.stderr)
        return 2
    # A clean base for `update`: whichever side we have, conflict markers removed.
    (ROOT / PO).write_bytes(sources[0])
    script = ROOT / "scripts" / "translations.sh"
    subprocess.run([str(script), "extract"], cwd=ROOT, check=True)
    subprocess.run([str(script), "update"], cwd=ROOT, check=True)
    with (ROOT / PO).open("rb") as f:
        catalog = read_po(f)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = (message.context, message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if key in known and (message.fuzzy or not all(strings)):
            message.string = known[key]
            message.flags.discard("fuzzy")
        elif message.fuzzy or not all(strings):
            missing.append(message.id)
    buf = io.BytesIO()
    write_po(buf, catalog, width=0, include_previous=False)
    (ROOT / PO).write_bytes(buf.getvalue())
    subprocess.run([str(script), "compile"], cwd=ROOT, check=True)
    subprocess.run(["git", "add", PO, MO], cwd=ROOT, check=False)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

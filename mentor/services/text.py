"""Cleaning names people type: invisible and direction-changing characters go.

A name made of zero-width spaces, or one with a right-to-left override that makes
"Anna" show as something else in a list, is refused or cleaned here, in one place, for
every form that takes a person's or a school's name.
"""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _

from mentor.services.errors import DomainError

#: Format characters that are never part of a name (Unicode category Cf includes the
#: zero-width joiner, which some scripts need inside words; it is kept only between letters).
_JOINERS = {"\u200c", "\u200d"}


def _visible(text: str) -> str:
    kept = []
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Co", "Cs", "Cn"):
            between_letters = (
                char in _JOINERS
                and 0 < index < len(text) - 1
                and text[index - 1].isalpha()
                and text[index + 1].isalpha()
            )
            if not between_letters:
                continue
        kept.append(" " if category.startswith("Z") else char)
    return "".join(kept)


def clean_text(text: str | None, limit: int) -> str:
    """One line of text: NFC, no control or invisible characters, single spaces."""
    normal = unicodedata.normalize("NFC", text or "")
    return " ".join(_visible(normal).split())[:limit]


def clean_name(text: str | None, limit: int = 120, *, field: str = "full_name") -> str:
    """A name someone can read: at least two letters once the invisible ones are gone."""
    name = clean_text(text, limit)
    if sum(1 for char in name if char.isalpha()) < 2:
        raise DomainError(_("Skriv et navn med mindst to bogstaver."), field=field)
    return name

"""Matches and unmatched reasons in words, in the reader's language.

The engine explains in data (cost parts, the rule that removed the last candidate);
these functions turn that data into the sentences coordinators and teachers read.
They run at render time, so the same stored data reads in Danish or English.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

import matching
from mentor.formatting import long_date
from mentor.services.matching import jsonable


def _english() -> bool:
    return str(get_locale() or "da") == "en"


def _name(names: Mapping[str, Any], code: str) -> str:
    pair = names.get(code)
    if not pair:
        return code
    return str(pair[1] if _english() else pair[0]).lower()


def names_of(loaded: Any) -> dict[str, Any]:
    return {"subject_names": loaded.subject_names, "level_names": loaded.level_names}


def reason_data(unmatched: matching.UnmatchedRequest, loaded: Any) -> dict[str, Any]:
    """What the request stores about why it was not matched (data, plus the names used)."""
    data = dict(unmatched.data)
    data["subject_name"] = loaded.subject_names.get(data.get("subject", ""), ("", ""))
    data["level_name"] = loaded.level_names.get(data.get("level", ""), ("", ""))
    return {"reason": unmatched.reason, "data": jsonable(data)}


def reason_text(reason: str, data: Mapping[str, Any], loaded: Any | None = None) -> str:
    """One plain sentence: why this request was not matched."""
    subject = data.get("subject_name")
    subject = (subject[1] if _english() else subject[0]).lower() if subject else None
    if loaded is not None and not subject:
        subject = _name(loaded.subject_names, str(data.get("subject", "")))
    level = data.get("level_name")
    level = (level[1] if _english() else level[0]) if level else data.get("level", "")
    subject = subject or str(data.get("subject", ""))
    if reason == "outcompeted":
        return ngettext(
            "%(num)d mulig rollemodel, men den var optaget af en klasse, hvor den passede bedre.",
            "%(num)d mulige rollemodeller, men de var optaget af klasser, hvor de passede bedre.",
            int(data.get("candidates", 0)),
        )
    if reason == "too_costly":
        return _(
            "Kun et dårligt match var muligt (langt væk eller et andet fag), så vi venter "
            "på et bedre."
        )
    rule = data.get("rule")
    if rule == "reach":
        if data.get("nearest_km") is not None:
            return _(
                "Ingen godkendt rollemodel med %(subject)s inden for rækkevidde: den "
                "nærmeste bor %(km).0f km væk og kører højst %(radius).0f km.",
                subject=subject,
                km=float(data["nearest_km"]),
                radius=float(data.get("nearest_radius_km", 0)),
            )
        return _("Ingen godkendt rollemodel med %(subject)s inden for rækkevidde.", subject=subject)
    texts = {
        "capacity": _("Ingen godkendt rollemodel har ledige besøg i denne periode."),
        "programme": _("Ingen godkendt rollemodel er med i programmet endnu."),
        "women_only": _("Ingen kvindelig rollemodel i programmet kunne tage besøget."),
        "level": _("Ingen godkendt rollemodel besøger %(level)s.", level=level),
        "subject": _("Ingen godkendt rollemodel med %(subject)s.", subject=subject),
        "gender": _(
            "Ingen kvindelig rollemodel med %(subject)s kunne tage besøget.", subject=subject
        ),
        "language": _("Ingen godkendt rollemodel taler det ønskede sprog."),
        "dates": _(
            "Ingen godkendt rollemodel med %(subject)s er ledig på de ønskede datoer.",
            subject=subject,
        ),
        "excluded": _("Koordinatoren har udelukket de mulige rollemodeller."),
        "notice": _(
            "Der er for kort tid til besøget: en rollemodel skal have tid til at svare og "
            "planlægge. Koordinatoren ser på bookingen."
        ),
        "closed": _("Skolen holder lukket på alle de ønskede datoer (ferie eller helligdag)."),
        "busy": _("De rollemodeller, der passer, har allerede et besøg på de ønskede tidspunkter."),
    }
    if rule in texts:
        return texts[rule]
    return _("Ingen godkendt rollemodel passede til bookingen.")


def next_step_text(reason: str, rule: str | None = None) -> str:
    """What happens next, for the teacher."""
    if rule == "notice":
        return _("Koordinatoren kontakter dig om bookingen.")
    if rule == "closed":
        return _("Vælg datoer, hvor skolen har åbent.")
    if reason == "outcompeted":
        return _(
            "Bookingen er med igen i næste matching, og vi foreslår en rollemodel, så "
            "snart en bliver ledig."
        )
    return _(
        "Bookingen bliver stående. Overvej flere datoer eller et virtuelt besøg; "
        "koordinatoren kontakter dig, hvis en ny rollemodel melder sig."
    )


def match_words(assignment: Mapping[str, Any], names: Mapping[str, Any]) -> list[str]:
    """The cost of a match in words: 'fysik ✓, 23 km, kvinde ønsket ✓, ledig tirsdag'."""
    parts = assignment.get("parts", {})
    subject = _name(names.get("subject_names", {}), str(assignment.get("subject", "")))
    words = []
    if parts.get("subject", 0) == 0:
        words.append(f"{subject} ✓")
    elif parts.get("subject", 0) < 0.5:
        words.append(_("beslægtet fag (ikke %(subject)s)", subject=subject))
    else:
        words.append(_("andet fag end %(subject)s", subject=subject))
    if assignment.get("format") == "virtual":
        words.append(_("virtuelt"))
    else:
        words.append(_("%(km).0f km", km=float(assignment.get("distance_km") or 0)))
    focus = assignment.get("gender_focus", "none")
    if focus != "none":
        mark = "✓" if assignment.get("is_woman") else "✗"
        label = _("kvinde ønsket") if focus == "woman_preferred" else _("kvinde krævet")
        words.append(f"{label} {mark}")
    if parts.get("repeat", 0) > 0:
        words.append(_("har besøgt skolen før"))
    if parts.get("load", 0) > 0:
        words.append(_("ekstra besøg til samme rollemodel"))
    day = assignment.get("day")
    if day:
        when = date.fromisoformat(day)
        words.append(_("ledig %(day)s", day=long_date(when)))
    return words

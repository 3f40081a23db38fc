"""Words for the stored vocabulary values, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

FORMATS = {
    "physical": _l("Fysisk"),
    "virtual": _l("Virtuelt"),
    "either": _l("Fysisk eller virtuelt"),  # a booking's wish; visits are one or the other
}

GENDERS = {
    "woman": _l("Kvinde"),
    "man": _l("Mand"),
    "nonbinary": _l("Nonbinær"),
    "undisclosed": _l("Ikke oplyst"),
}

KINDS = {
    "professional": _l("Fagperson"),
    "student": _l("Studerende"),
    "apprentice": _l("Lærling"),
    "young_ambassador": _l("Ung ambassadør"),
}

SCHOOL_TYPES = {
    "folkeskole": _l("Folkeskole"),
    "friskole": _l("Friskole/privatskole"),
    "efterskole": _l("Efterskole"),
    "gymnasium": _l("Gymnasium (stx, htx, hhx, hf)"),
    "erhvervsskole": _l("Erhvervsskole (EUD, EUX)"),
    "other": _l("Andet"),
}

GENDER_FOCUS = {
    "none": _l("Intet ønske"),
    "woman_preferred": _l("Gerne en kvinde"),
    "woman_required": _l("Skal være en kvinde"),
}

GRADES = {
    "god": _l("God fremdrift"),
    "acceptabel": _l("Acceptabel fremdrift"),
    "langsom": _l("Langsom fremdrift"),
    None: _l("Ikke begyndt"),
}

VISIT_STATUSES = {
    "planned": _l("Planlagt"),
    "completed": _l("Gennemført"),
    "no_show": _l("Udeblivelse"),
    "cancelled": _l("Aflyst"),
}

PARTIES = {
    "teacher": _l("Skolen"),
    "volunteer": _l("Rollemodellen"),
    "coordinator": _l("Koordinatoren"),
}

FEEDBACK_STATES = {
    "upcoming": _l("Kommende"),
    "awaiting_reports": _l("Afventer tilbagemelding"),
    "awaiting_teacher": _l("Afventer lærerens bekræftelse"),
    "confirmed": _l("Bekræftet"),
}


def label(vocabulary: dict[object, LazyString], value: object) -> str:
    """The word for a value, or the value itself if the vocabulary lacks it."""
    word = vocabulary.get(getattr(value, "value", value))
    return str(word) if word is not None else str(value)

"""The volunteer's profile form.

Fields and validators with Danish-first messages come from `mentor.forms.common`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from mentor.forms.common import (
    LANGUAGE_NAMES,
    REQUIRED,
    DayField,
    MultiCheckboxField,
    RadioField,
    WholeNumberField,
    length,
)
from mentor.models.enums import Gender, RoleModelKind
from mentor.services.volunteers import LANGUAGES, MAX_PERIODS

WEEKDAYS = [
    (0, _l("Mandag")),
    (1, _l("Tirsdag")),
    (2, _l("Onsdag")),
    (3, _l("Torsdag")),
    (4, _l("Fredag")),
]
GENDERS = [
    (Gender.WOMAN.value, _l("Kvinde")),
    (Gender.MAN.value, _l("Mand")),
    (Gender.NONBINARY.value, _l("Nonbinær")),
    (Gender.UNDISCLOSED.value, _l("Vil ikke oplyse")),
]
KINDS = [
    (RoleModelKind.PROFESSIONAL.value, _l("Fagperson i job")),
    (RoleModelKind.STUDENT.value, _l("STEM-studerende")),
    (RoleModelKind.APPRENTICE.value, _l("Elev/lærling")),
    (RoleModelKind.YOUNG_AMBASSADOR.value, _l("Ung-til-ung-ambassadør")),
]


def parse_dates(text: str) -> list[date]:
    """Dates written one per line or comma-separated, as 2026-09-14 or 14-09-2026."""
    days = []
    for token in re.split(r"[\s,;]+", text or ""):
        if not token:
            continue
        parts = re.fullmatch(
            r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[-./](\d{1,2})[-./](\d{4})", token
        )
        try:
            if parts is None:
                raise ValueError(token)
            if parts.group(1):
                days.append(date(int(parts[1]), int(parts[2]), int(parts[3])))
            else:
                days.append(date(int(parts[6]), int(parts[5]), int(parts[4])))
        except ValueError as exc:
            raise ValidationError(_l("%(value)s er ikke en dato.", value=token)) from exc
    return days


class ProfileForm(FlaskForm):
    full_name = StringField(_l("Fulde navn"), validators=[DataRequired(REQUIRED), length(2, 120)])
    phone = StringField(_l("Telefon"), validators=[Optional(), length(max=32)])
    gender = RadioField(
        _l("Køn"),
        choices=GENDERS,
        default=Gender.UNDISCLOSED.value,
        validators=[InputRequired(REQUIRED)],
        description=_l(
            "Bruges kun til programmer med kønsfokus som KRAM. Kun koordinatorer ser det."
        ),
    )
    pronoun = StringField(_l("Pronomen (fx hun, han, de)"), validators=[Optional(), length(max=30)])
    kind = RadioField(
        _l("Hvilken slags rollemodel er du?"),
        choices=KINDS,
        default=RoleModelKind.PROFESSIONAL.value,
        validators=[InputRequired(REQUIRED)],
    )
    education = StringField(_l("Uddannelse"), validators=[Optional(), length(max=160)])
    job_title = StringField(_l("Stilling"), validators=[Optional(), length(max=120)])
    employer = StringField(
        _l("Arbejdsplads eller studiested"), validators=[Optional(), length(max=120)]
    )
    subjects = MultiCheckboxField(_l("STEM-fag"), coerce=int)
    levels = MultiCheckboxField(_l("Klassetrin, du gerne vil besøge"), coerce=int)
    languages = MultiCheckboxField(
        _l("Sprog, du kan holde oplæg på"),
        choices=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        default=["da"],
    )
    story = TextAreaField(
        _l("Min vej til STEM"),
        validators=[Optional(), Length(max=2000, message=_l("Højst 2000 tegn."))],
        description=_l("En kort fortælling om din vej. Læreren ser den, når et besøg er aftalt."),
    )
    postcode = StringField(
        _l("Postnummer (hjem eller arbejde)"),
        validators=[DataRequired(REQUIRED), Length(4, 4, message=_l("Skriv fire cifre."))],
    )
    travel_radius_km = WholeNumberField(
        _l("Hvor langt vil du rejse (km)?"),
        default=30,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 500, _l("Vælg en afstand mellem 0 og 500 km.")),
        ],
    )
    virtual_ok = BooleanField(
        _l("Jeg vil også gerne holde virtuelle oplæg"),
        description=_l(
            "Virtuelle oplæg kræver kurset i virtuel formidling. Du kan bede om det under "
            "Mine besøg, når profilen er gemt."
        ),
    )
    weekdays = MultiCheckboxField(
        _l("Hverdage, du kan"), coerce=int, choices=WEEKDAYS, default=[0, 1, 2, 3, 4]
    )
    visits_per_term = WholeNumberField(
        _l("Hvor mange besøg pr. halvår?"),
        default=2,
        validators=[InputRequired(REQUIRED), NumberRange(0, 50, _l("Vælg mellem 0 og 50 besøg."))],
    )
    period1_from = DayField(_l("Periode 1: fra"), validators=[Optional()])
    period1_to = DayField(_l("Periode 1: til"), validators=[Optional()])
    period2_from = DayField(_l("Periode 2: fra"), validators=[Optional()])
    period2_to = DayField(_l("Periode 2: til"), validators=[Optional()])
    period3_from = DayField(_l("Periode 3: fra"), validators=[Optional()])
    period3_to = DayField(_l("Periode 3: til"), validators=[Optional()])
    blackout_dates = TextAreaField(
        _l("Datoer, hvor du ikke kan"),
        validators=[Optional()],
        description=_l("Én dato pr. linje, fx 2026-10-14."),
    )
    paused_until = DayField(
        _l("Sæt mig på pause til og med"),
        validators=[Optional()],
        description=_l("Du bliver ikke foreslået før denne dato."),
    )
    programmes = MultiCheckboxField(
        _l("Programmer, du vil være med i"),
        coerce=int,
        description=_l(
            "KRAM er for kvindelige rollemodeller og har fokus på piger. Book en ekspert er "
            "for alle: lærere booker en ekspert til klassen."
        ),
    )

    #: Service error fields that live under another name in this form.
    ALIASES: Mapping[str, str] = {"periods": "period1_from"}

    def validate_blackout_dates(self, field: TextAreaField) -> None:
        parse_dates(field.data or "")

    def periods(self) -> list[tuple[date, date]]:
        return [
            (start, end)
            for i in range(1, MAX_PERIODS + 1)
            if (start := getattr(self, f"period{i}_from").data)
            and (end := getattr(self, f"period{i}_to").data)
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for i in range(1, MAX_PERIODS + 1):
            start, end = getattr(self, f"period{i}_from"), getattr(self, f"period{i}_to")
            if start.errors or end.errors:
                continue
            if bool(start.data) != bool(end.data):
                (end if start.data else start).errors.append(
                    _l("Udfyld både fra og til for perioden.")
                )
                valid = False
            elif start.data and end.data and start.data > end.data:
                end.errors.append(_l("Perioden slutter, før den begynder."))
                valid = False
        return valid

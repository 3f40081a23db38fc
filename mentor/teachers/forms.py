"""The teacher's booking form and the message form."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from mentor.forms.common import (
    LANGUAGE_NAMES,
    REQUIRED,
    ChoiceField,
    ClockField,
    DayField,
    MultiCheckboxField,
    RadioField,
    WholeNumberField,
    length,
)
from mentor.models import Programme, SchoolLevel, Subject
from mentor.models.enums import GenderFocus, RequestFormat
from mentor.services.requests import MAX_WINDOWS, RequestData, WindowData
from mentor.services.volunteers import LANGUAGES

FORMATS = [
    (RequestFormat.PHYSICAL.value, _l("Fysisk besøg i klassen")),
    (RequestFormat.VIRTUAL.value, _l("Virtuelt oplæg")),
    (RequestFormat.EITHER.value, _l("Begge dele passer")),
]
GENDER_FOCUSES = [
    (GenderFocus.NONE.value, _l("Ingen")),
    (GenderFocus.WOMAN_PREFERRED.value, _l("Gerne en kvinde")),
    (
        GenderFocus.WOMAN_REQUIRED.value,
        _l("Skal være en kvinde (kun hvor programmet tillader det)"),
    ),
]


class RequestForm(FlaskForm):
    #: Made when the form is shown; the same form posted twice is one booking.
    form_key = HiddenField(validators=[Optional(), Regexp(r"^[0-9a-f]{32}$")])
    programme_id = ChoiceField(_l("Program"), coerce=int, validators=[InputRequired(REQUIRED)])
    school_id = ChoiceField(_l("Skole"), coerce=int, validators=[InputRequired(REQUIRED)])
    level_id = ChoiceField(_l("Klassetrin"), coerce=int, validators=[InputRequired(REQUIRED)])
    class_name = StringField(_l("Klasse (fx 8.b)"), validators=[Optional(), length(max=40)])
    pupils = WholeNumberField(
        _l("Antal elever"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(1, 200, _l("Antal elever skal være mellem 1 og 200.")),
        ],
    )
    girls = WholeNumberField(
        _l("Heraf piger (valgfrit)"),
        validators=[Optional(), NumberRange(0, 200, _l("Skriv et tal mellem 0 og 200."))],
    )
    primary_subject_id = ChoiceField(
        _l("Hovedfag"), coerce=int, validators=[InputRequired(REQUIRED)]
    )
    other_subject_ids = MultiCheckboxField(_l("Andre fag (valgfrit)"), coerce=int)
    topic = TextAreaField(
        _l("Ønske til emne"),
        validators=[Optional(), Length(max=300, message=_l("Højst 300 tegn."))],
    )
    format = RadioField(
        _l("Form"),
        choices=FORMATS,
        default=RequestFormat.EITHER.value,
        validators=[InputRequired(REQUIRED)],
    )
    gender_focus = RadioField(
        _l("Kønsfokus"),
        choices=GENDER_FOCUSES,
        default=GenderFocus.NONE.value,
        validators=[InputRequired(REQUIRED)],
    )
    language = ChoiceField(
        _l("Sprog"), choices=[(c, LANGUAGE_NAMES[c]) for c in LANGUAGES], default="da"
    )
    grey_zone = BooleanField(_l("Gråzone-fokus: klassen har mange elever, der er i tvivl om STEM"))
    whole_class = BooleanField(_l("Hele klassen deltager"), default=True)

    window1_day = DayField(_l("Dato 1"), validators=[Optional()])
    window1_start = ClockField(_l("Dato 1: fra kl."), validators=[Optional()])
    window1_end = ClockField(_l("Dato 1: til kl."), validators=[Optional()])
    window2_day = DayField(_l("Dato 2"), validators=[Optional()])
    window2_start = ClockField(_l("Dato 2: fra kl."), validators=[Optional()])
    window2_end = ClockField(_l("Dato 2: til kl."), validators=[Optional()])
    window3_day = DayField(_l("Dato 3"), validators=[Optional()])
    window3_start = ClockField(_l("Dato 3: fra kl."), validators=[Optional()])
    window3_end = ClockField(_l("Dato 3: til kl."), validators=[Optional()])
    window4_day = DayField(_l("Dato 4"), validators=[Optional()])
    window4_start = ClockField(_l("Dato 4: fra kl."), validators=[Optional()])
    window4_end = ClockField(_l("Dato 4: til kl."), validators=[Optional()])
    window5_day = DayField(_l("Dato 5"), validators=[Optional()])
    window5_start = ClockField(_l("Dato 5: fra kl."), validators=[Optional()])
    window5_end = ClockField(_l("Dato 5: til kl."), validators=[Optional()])

    ALIASES = {"windows": "window1_day"}

    def window_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (
                getattr(self, f"window{i}_day"),
                getattr(self, f"window{i}_start"),
                getattr(self, f"window{i}_end"),
            )
            for i in range(1, MAX_WINDOWS + 1)
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        filled = 0
        for day, start, end in self.window_rows():
            if day.errors or start.errors or end.errors:
                continue
            given = [f for f in (day, start, end) if f.data is not None]
            if not given:
                continue
            filled += 1
            for missing in (f for f in (day, start, end) if f.data is None):
                missing.errors.append(_l("Udfyld dato, fra og til."))
                valid = False
            if start.data is not None and end.data is not None and start.data >= end.data:
                end.errors.append(_l("Tidsrummet skal slutte, efter det begynder."))
                valid = False
        if valid and filled == 0:
            self.window1_day.errors.append(_l("Angiv mindst én dato med tidsrum."))
            valid = False
        return valid

    def to_data(self) -> RequestData:
        return RequestData(
            programme_id=self.programme_id.data or 0,
            school_id=self.school_id.data or 0,
            level_id=self.level_id.data or 0,
            class_name=self.class_name.data or "",
            pupils=self.pupils.data or 0,
            girls=self.girls.data,
            primary_subject_id=self.primary_subject_id.data or 0,
            other_subject_ids=tuple(self.other_subject_ids.data or ()),
            topic=self.topic.data or "",
            format=RequestFormat(self.format.data),
            gender_focus=GenderFocus(self.gender_focus.data),
            language=self.language.data or "da",
            grey_zone=bool(self.grey_zone.data),
            whole_class=bool(self.whole_class.data),
            windows=tuple(
                WindowData(day.data, start.data, end.data)
                for day, start, end in self.window_rows()
                if day.data is not None
            ),
        )

    def fill(self, data: RequestData) -> None:
        """Put a request's values into an unsubmitted form (edit, or "book again")."""
        self.programme_id.data = data.programme_id
        self.school_id.data = data.school_id
        self.level_id.data = data.level_id
        self.class_name.data = data.class_name
        self.pupils.data = data.pupils
        self.girls.data = data.girls
        self.primary_subject_id.data = data.primary_subject_id
        self.other_subject_ids.data = list(data.other_subject_ids)
        self.topic.data = data.topic
        self.format.data = data.format.value
        self.gender_focus.data = data.gender_focus.value
        self.language.data = data.language
        self.grey_zone.data = data.grey_zone
        self.whole_class.data = data.whole_class
        for (day, start, end), window in zip(self.window_rows(), data.windows, strict=False):
            day.data, start.data, end.data = window.day, window.start, window.end


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Besked"),
        validators=[
            DataRequired(_l("Skriv en besked.")),
            Length(max=2000, message=_l("Højst 2000 tegn.")),
        ],
        description=_l("Beskeden sendes via Rollemodel Match. Ingen ser din e-mailadresse."),
    )


class CancelForm(FlaskForm):
    pass


class MembershipForm(FlaskForm):
    """Approve or reject a colleague who asked to join the school."""

    reason = TextAreaField(
        _l("Begrundelse (valgfri, kun ved afvisning)"),
        validators=[Optional(), Length(max=300, message=_l("Højst 300 tegn."))],
    )


def set_request_choices(
    form: RequestForm, session: Any, schools: list[Any], existing: Any = None
) -> None:
    """Offer active programmes and subjects, plus whatever the request already uses."""
    locale = str(get_locale() or "da")
    keep_programme = existing.programme_id if existing is not None else -1
    programmes = session.scalars(
        sa.select(Programme)
        .where(sa.or_(Programme.active.is_(True), Programme.id == keep_programme))
        .order_by(Programme.name)
    )
    form.programme_id.choices = [(p.id, p.name) for p in programmes]
    form.school_id.choices = [(s.id, f"{s.name} ({s.postcode})") for s in schools]
    levels = session.scalars(sa.select(SchoolLevel).order_by(SchoolLevel.sort_order))
    form.level_id.choices = [(lv.id, lv.name(locale)) for lv in levels]
    used: set[int] = set()
    if existing is not None:
        used = {existing.primary_subject_id} | {s.id for s in existing.other_subjects}
    subjects = list(
        session.scalars(
            sa.select(Subject)
            .where(sa.or_(Subject.active.is_(True), Subject.id.in_(used)))
            .order_by(Subject.name_da)
        )
    )
    form.primary_subject_id.choices = [(s.id, s.name(locale)) for s in subjects]
    form.other_subject_ids.choices = [(s.id, s.name(locale)) for s in subjects]

"""Forms of the coordinator's operations pages: schools, goals, people, bulk messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from mentor.forms.common import (
    NOT_A_CHOICE,
    REQUIRED,
    ChoiceField,
    DayField,
    MultiCheckboxField,
    RadioField,
    WholeNumberField,
    length,
)
from mentor.models.enums import GoalMeasure, SchoolType
from mentor.reports.labels import SCHOOL_TYPES

MEASURES = [
    (GoalMeasure.PUPILS.value, _l("Elever nået")),
    (GoalMeasure.CLASSES.value, _l("Klasser besøgt")),
]


class SchoolForm(FlaskForm):
    name = StringField(_l("Navn"), validators=[DataRequired(REQUIRED), length(3, 160)])
    school_type = ChoiceField(
        _l("Institutionstype"),
        choices=[(t.value, SCHOOL_TYPES[t.value]) for t in SchoolType],
        validators=[InputRequired(REQUIRED)],
    )
    address = StringField(_l("Vejnavn og nummer"), validators=[Optional(), length(max=160)])
    postcode = StringField(
        _l("Postnummer"),
        validators=[DataRequired(REQUIRED), Length(4, 4, message=_l("Skriv fire cifre."))],
    )
    city = StringField(
        _l("By"),
        validators=[Optional(), length(max=80)],
        description=_l("Tom: postnummerets bynavn."),
    )
    phone = StringField(_l("Telefon"), validators=[Optional(), length(max=32)])


class OutlyingForm(FlaskForm):
    choice = RadioField(
        _l("Udkantsområde"),
        choices=[
            ("data", _l("Følg Danmarks Statistik")),
            ("yes", _l("Udkantsområde")),
            ("no", _l("Ikke udkantsområde")),
        ],
        validators=[InputRequired(NOT_A_CHOICE)],
    )
    reason = TextAreaField(
        _l("Begrundelse (kræves, når du afviger fra Danmarks Statistik)"),
        validators=[Optional(), length(max=300)],
    )


class MergeForm(FlaskForm):
    other_id = ChoiceField(
        _l("Dubletten, der skal lægges ind i denne skole"),
        coerce=int,
        validators=[DataRequired(_l("Vælg en skole."))],
    )


class GoalForm(FlaskForm):
    programme_id = ChoiceField(_l("Program"), coerce=int, validators=[DataRequired(REQUIRED)])
    label = StringField(
        _l("Navn"),
        validators=[DataRequired(REQUIRED), length(2, 80)],
        description=_l("Fx Grundskole"),
    )
    period_start = DayField(_l("Periode fra"), validators=[InputRequired(REQUIRED)])
    period_end = DayField(
        _l("Periode til"),
        validators=[InputRequired(REQUIRED)],
        description=_l("Et skoleår går fra 1. august til 31. juli."),
    )
    level_ids = MultiCheckboxField(_l("Klassetrin"), coerce=int)
    measure = RadioField(
        _l("Målet måles på"), choices=MEASURES, validators=[InputRequired(NOT_A_CHOICE)]
    )
    pupils_goal = WholeNumberField(
        _l("Elever"),
        default=0,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 1_000_000, _l("Skriv et tal mellem 0 og 1.000.000.")),
        ],
    )
    classes_goal = WholeNumberField(
        _l("Klasser"),
        default=0,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 1_000_000, _l("Skriv et tal mellem 0 og 1.000.000.")),
        ],
    )


class CopyGoalsForm(FlaskForm):
    source = ChoiceField(_l("Kopiér målene fra"), validators=[DataRequired(REQUIRED)])
    period_start = DayField(_l("Ny periode fra"), validators=[InputRequired(REQUIRED)])
    period_end = DayField(_l("Ny periode til"), validators=[InputRequired(REQUIRED)])


class BulkMessageForm(FlaskForm):
    audience = RadioField(
        _l("Modtagere"),
        choices=[
            ("volunteers", _l("Rollemodeller")),
            ("teachers", _l("Lærere")),
        ],
        validators=[InputRequired(NOT_A_CHOICE)],
    )
    programme_id = ChoiceField(_l("Program"), coerce=int, validators=[Optional()])
    region_code = ChoiceField(_l("Region"), coerce=int, validators=[Optional()])
    volunteer_status = ChoiceField(
        _l("Rollemodellernes status"),
        choices=[
            ("approved", _l("Godkendte")),
            ("pending", _l("Afventer godkendelse")),
            ("all", _l("Alle")),
        ],
        validators=[Optional()],
    )
    teacher_bookings = ChoiceField(
        _l("Lærernes bookinger"),
        choices=[
            ("open", _l("Med åbne bookinger")),
            ("any", _l("Med bookinger i programmet")),
        ],
        validators=[Optional()],
    )
    subject = StringField(_l("Emne"), validators=[DataRequired(REQUIRED), length(3, 150)])
    body = TextAreaField(
        _l("Besked"),
        validators=[DataRequired(REQUIRED), length(10, 5000)],
        description=_l("Hilsenen med modtagerens fornavn sættes ind foran."),
    )
    #: Set by the preview page: the count the coordinator saw, checked again on sending.
    confirmed_count = HiddenField()

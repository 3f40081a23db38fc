"""Forms of the admin blueprint."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, NumberRange

from mentor.forms.common import REQUIRED, MultiCheckboxField, WholeNumberField, length


class CoordinatorForm(FlaskForm):
    full_name = StringField(_l("Fulde navn"), validators=[DataRequired(REQUIRED), length(2, 120)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(REQUIRED),
            Email(_l("Skriv en gyldig e-mailadresse.")),
            length(max=254),
        ],
    )
    programmes = MultiCheckboxField(_l("Programmer"), coerce=int)


class CoordinatorScopeForm(FlaskForm):
    programmes = MultiCheckboxField(_l("Programmer"), coerce=int)


class ProgrammeForm(FlaskForm):
    code = StringField(_l("Kode"), validators=[DataRequired(REQUIRED), length(2, 20)])
    name = StringField(_l("Navn"), validators=[DataRequired(REQUIRED), length(2, 120)])
    description = TextAreaField(_l("Beskrivelse"), validators=[length(max=2000)])
    women_only = BooleanField(_l("Kun kvindelige rollemodeller"))
    allows_woman_required = BooleanField(_l("Lærere må kræve en kvindelig rollemodel"))
    proposal_deadline_days = WholeNumberField(
        _l("Svarfrist for forslag (dage)"),
        validators=[DataRequired(REQUIRED), NumberRange(1, 60, _l("Vælg mellem 1 og 60 dage."))],
    )
    cascade = BooleanField(_l("Foreslå straks den næstbedste, når en rollemodel siger nej"))
    notice_school_days = WholeNumberField(
        _l("Varsel for nye bookinger (skoledage)"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 60, _l("Vælg mellem 0 og 60 skoledage.")),
        ],
    )
    answer_lead_school_days = WholeNumberField(
        _l("Svar senest dette antal skoledage før besøget"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 30, _l("Vælg mellem 0 og 30 skoledage.")),
        ],
    )
    weekends_open = BooleanField(_l("Besøg må ligge i weekender"))
    active = BooleanField(_l("Aktivt"))


class ConfirmForm(FlaskForm):
    confirm = BooleanField(
        _l("Ja, jeg er sikker"), validators=[DataRequired(_l("Bekræft handlingen."))]
    )


class DeactivateForm(FlaskForm):
    reason = TextAreaField(
        _l("Begrundelse"),
        validators=[DataRequired(REQUIRED), length(max=300)],
        description=_l("Gemmes i loggen og indgår i personens dataudtræk."),
    )
    confirm = BooleanField(
        _l("Ja, luk kontoen"), validators=[DataRequired(_l("Bekræft, at kontoen skal lukkes."))]
    )


class ReactivateForm(FlaskForm):
    pass

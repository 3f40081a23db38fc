"""Forms of the matching pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from mentor.forms.common import (
    NOT_A_DECIMAL,
    REQUIRED,
    ChoiceField,
    DayField,
    NumberField,
    WholeNumberField,
    length,
)
from mentor.geo.regions import REGIONS


def _weight(label: str, default: float, description: str = "") -> NumberField:
    return NumberField(
        label,
        default=default,
        places=2,
        description=description,
        validators=[
            InputRequired(NOT_A_DECIMAL),
            NumberRange(0, 100, _l("Vælg et tal mellem 0 og 100.")),
        ],
    )


class RunForm(FlaskForm):
    programme_id = ChoiceField(_l("Program"), coerce=int, validators=[DataRequired(REQUIRED)])
    region_code = ChoiceField(
        _l("Region"),
        coerce=int,
        choices=[(0, _l("Hele landet"))] + [(code, name) for code, name in REGIONS.items()],
    )
    period_from = DayField(_l("Datoer fra"), validators=[Optional()])
    period_to = DayField(_l("Datoer til"), validators=[Optional()])


class WeightsForm(FlaskForm):
    subject_related = _weight(
        _l("Fag tæt på det ønskede"),
        0.4,
        _l("Fx matematik, når klassen har bedt om fysik."),
    )
    subject_other = _weight(_l("Andet fag"), 1.0)
    distance = _weight(_l("Afstand (ved grænsen af rækkevidden)"), 1.0)
    virtual = _weight(_l("Virtuelt besøg"), 1.2)
    gender_preferred = _weight(_l("Kvinde ønsket, men ikke fundet"), 0.5)
    load = _weight(_l("Ekstra besøg til samme rollemodel"), 0.3)
    repeat_school = _weight(_l("Samme skole igen"), 0.3)
    unmatched = _weight(_l("Pris for en klasse uden besøg"), 3.0)


class PairForm(FlaskForm):
    request_id = HiddenField(validators=[DataRequired(REQUIRED)])
    volunteer_id = HiddenField(validators=[DataRequired(REQUIRED)])


class ManualAssignForm(FlaskForm):
    volunteer_id = WholeNumberField(
        _l("Rollemodel (id)"),
        validators=[
            DataRequired(_l("Vælg en rollemodel.")),
            NumberRange(1, 2**31 - 1, _l("Vælg en rollemodel.")),
        ],
    )
    override_reason = TextAreaField(
        _l("Begrundelse, hvis du tilsidesætter en advarsel"),
        validators=[Optional(), length(max=300)],
    )


class EmptyForm(FlaskForm):
    pass

"""Forms of the coordinator's lists and volunteer administration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from mentor.forms.common import REQUIRED, ChoiceField, DayField, MultiCheckboxField, length
from mentor.models.enums import TrainingKind

TRAININGS = [
    (TrainingKind.AUDIENCE.value, _l("Målgruppeforståelse")),
    (TrainingKind.STORY.value, _l("Den gode historie")),
    (TrainingKind.PRESENTATION.value, _l("Præsentationsteknik")),
    (TrainingKind.VIRTUAL.value, _l("Virtuel formidling")),
]


class ConfirmActionForm(FlaskForm):
    """A button that changes state: CSRF only."""


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Begrundelse (sendes til rollemodellen)"),
        validators=[DataRequired(REQUIRED), length(5, 300)],
    )


class TrainingForm(FlaskForm):
    kind = ChoiceField(_l("Kursus"), choices=TRAININGS, validators=[InputRequired(REQUIRED)])
    completed_on = DayField(_l("Gennemført den"), validators=[InputRequired(REQUIRED)])
    note = StringField(_l("Note"), validators=[Optional(), length(max=200)])


class RemoveTrainingForm(FlaskForm):
    kind = ChoiceField(_l("Kursus"), choices=TRAININGS, validators=[InputRequired(REQUIRED)])


class SubjectForm(FlaskForm):
    name_da = StringField(_l("Navn på dansk"), validators=[DataRequired(REQUIRED), length(2, 80)])
    name_en = StringField(_l("Navn på engelsk"), validators=[DataRequired(REQUIRED), length(2, 80)])
    related = MultiCheckboxField(_l("Beslægtede fag (bruges til matching)"), coerce=int)


class StatusForm(FlaskForm):
    status = ChoiceField(_l("Ny status"), validators=[InputRequired(REQUIRED)])
    reason = TextAreaField(_l("Begrundelse"), validators=[Optional(), length(max=300)])

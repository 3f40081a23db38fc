"""Forms for visit feedback, the coordinator's correction and the impact filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from mentor.forms.common import (
    NOT_A_CHOICE,
    ChoiceField,
    DayField,
    RadioField,
    WholeNumberField,
    length,
    number_range,
)
from mentor.forms.common import attach_error as _attach_error
from mentor.models import Feedback, Visit
from mentor.services.errors import DomainError
from mentor.services.feedback import MAX_COMMENT, MAX_PUPILS, Outcome, Party, Report

#: One choice per (outcome, party): people answer one question, not two.
OUTCOME_CHOICES = [
    ("completed", _l("Ja, besøget blev gennemført")),
    ("no_show:volunteer", _l("Nej, rollemodellen mødte ikke op")),
    ("no_show:teacher", _l("Nej, klassen var ikke til stede")),
    ("cancelled:teacher", _l("Nej, skolen aflyste")),
    ("cancelled:volunteer", _l("Nej, rollemodellen aflyste")),
]
CORRECTION_CHOICES = [*OUTCOME_CHOICES, ("cancelled:coordinator", _l("Nej, koordinatoren aflyste"))]

RATING_CHOICES = [
    ("1", _l("1 – dårligt")),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", _l("5 – rigtig godt")),
]

#: Service error fields that the form shows under another name.
FIELD_ALIASES = {"party": "outcome"}


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's error under the field it names, else at the top of the form."""
    _attach_error(form, error, FIELD_ALIASES)


def fill_from(form: FeedbackForm, report: Feedback, visit: Visit) -> None:
    """Show a person's earlier report in the form, so they can revise it."""
    if report.happened:
        form.outcome.data = "completed"
    elif visit.cancelled_by and visit.status.value in ("no_show", "cancelled"):
        choice = f"{visit.status.value}:{visit.cancelled_by}"
        form.outcome.data = choice if choice in dict(OUTCOME_CHOICES) else None
    form.pupils.data = report.pupils
    form.girls.data = report.girls
    form.rating.data = str(report.rating) if report.rating else None
    form.comment.data = report.comment


def _outcome(value: str) -> tuple[Outcome, Party | None]:
    outcome, _sep, party = value.partition(":")
    return Outcome(outcome), Party(party) if party else None


class FeedbackForm(FlaskForm):
    outcome = RadioField(
        _l("Blev besøget gennemført?"),
        choices=OUTCOME_CHOICES,
        validators=[InputRequired(NOT_A_CHOICE)],
    )
    pupils = WholeNumberField(
        _l("Antal elever"),
        validators=[Optional(), number_range(1, MAX_PUPILS)],
        description=_l("Hvor mange elever var med? Kun hvis besøget blev gennemført."),
    )
    girls = WholeNumberField(
        _l("Heraf piger (valgfrit)"),
        validators=[Optional(), number_range(0, MAX_PUPILS)],
    )
    rating = RadioField(
        _l("Hvordan gik besøget? (valgfrit)"), choices=RATING_CHOICES, validators=[Optional()]
    )
    comment = TextAreaField(
        _l("Kommentar (valgfrit)"), validators=[Optional(), length(max=MAX_COMMENT)]
    )

    def report(self) -> Report:
        outcome, party = _outcome(self.outcome.data or "")
        return Report(
            outcome=outcome,
            party=party,
            pupils=self.pupils.data,
            girls=self.girls.data,
            # Blanks are no rating: Optional() lets "  " past the choice check.
            rating=int(rating) if (rating := (self.rating.data or "").strip()) else None,
            comment=self.comment.data or "",
        )


class CorrectionForm(FlaskForm):
    outcome = RadioField(
        _l("Hvad skete der?"),
        choices=CORRECTION_CHOICES,
        validators=[InputRequired(NOT_A_CHOICE)],
    )
    pupils = WholeNumberField(
        _l("Antal elever"), validators=[Optional(), number_range(1, MAX_PUPILS)]
    )
    girls = WholeNumberField(
        _l("Heraf piger (valgfrit)"), validators=[Optional(), number_range(0, MAX_PUPILS)]
    )
    reason = TextAreaField(
        _l("Begrundelse"),
        validators=[DataRequired(_l("Skriv hvorfor besøget rettes.")), length(max=MAX_COMMENT)],
        description=_l("Gemmes i loggen sammen med tallene før og efter rettelsen."),
    )

    def report(self) -> Report:
        outcome, party = _outcome(self.outcome.data or "")
        return Report(outcome=outcome, party=party, pupils=self.pupils.data, girls=self.girls.data)


class ImpactFilterForm(FlaskForm):
    """The dashboard's period and programme; read from the query string, so no CSRF."""

    class Meta:
        csrf = False

    fra = DayField(_l("Fra"), validators=[Optional()])
    til = DayField(_l("Til"), validators=[Optional()])
    program = ChoiceField(_l("Program"), choices=[], validators=[Optional()])

"""The role model's own record (past visits and totals), and asking for a course."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import InputRequired, Optional

from mentor.auth.access import role_required
from mentor.extensions import db, limiter
from mentor.forms.common import NOT_A_CHOICE, ChoiceField, attach_error, length
from mentor.models.base import utcnow
from mentor.models.enums import Role, TrainingKind
from mentor.services import record
from mentor.services.errors import DomainError
from mentor.volunteers import bp

TRAINING_LABELS = {
    TrainingKind.AUDIENCE: _l("Målgruppeforståelse"),
    TrainingKind.STORY: _l("Den gode historie"),
    TrainingKind.PRESENTATION: _l("Præsentationsteknik"),
    TrainingKind.VIRTUAL: _l("Virtuel formidling"),
}


class TrainingRequestForm(FlaskForm):
    kind = ChoiceField(
        _l("Kursus"),
        choices=[(k.value, label) for k, label in TRAINING_LABELS.items()],
        validators=[InputRequired(NOT_A_CHOICE)],
    )
    note = StringField(
        _l("Besked til koordinatoren (valgfri)"),
        validators=[Optional(), length(max=300)],
        description=_l("Fx hvornår du kan, eller om du hellere vil tage kurset online."),
    )


def training_form(profile) -> TrainingRequestForm:  # type: ignore[no-untyped-def]
    """The form, offering only the courses the role model has not taken."""
    form = TrainingRequestForm()
    if profile is not None:
        form.kind.choices = [
            (k.value, label) for k, label in TRAINING_LABELS.items() if not profile.has_training(k)
        ]
    return form


@bp.get("/mine-besoeg")
@role_required(Role.VOLUNTEER)
def record_page() -> str:
    return _render_record(training_form(current_user.volunteer_profile))


def _render_record(form: TrainingRequestForm) -> str:
    profile = current_user.volunteer_profile
    return render_template(
        "volunteers/record.html",
        profile=profile,
        record=record.volunteer_record(db.session, profile, utcnow()) if profile else None,
        training_requests=record.open_training_requests(db.session, profile) if profile else [],
        training_labels=TRAINING_LABELS,
        form=form,
    )


@bp.post("/kursus")
@role_required(Role.VOLUNTEER)
@limiter.limit("20 per hour")
def request_training() -> str | Response | tuple[str, int]:
    form = training_form(current_user.volunteer_profile)
    if form.validate_on_submit():
        try:
            record.request_training(
                db.session,
                current_user,
                TrainingKind(form.kind.data),
                form.note.data or "",
                utcnow(),
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Tak! Koordinatoren har fået besked og kontakter dig om kurset."), "success")
            return redirect(url_for("volunteers.record_page", _anchor="training"))
    return _render_record(form), 400

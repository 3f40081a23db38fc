"""A school's page: its calendar (default, municipality and school changes) and edits."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired

from mentor import geo
from mentor.auth.access import role_required
from mentor.coordinator import bp
from mentor.extensions import db
from mentor.forms.common import REQUIRED, DayField, RadioField, attach_error, length
from mentor.models import CalendarOverride, School
from mentor.models.base import utcnow
from mentor.models.enums import Role
from mentor.schoolyear import winter_week
from mentor.services import school_calendar
from mentor.services.errors import DomainError


class OverrideForm(FlaskForm):
    scope = RadioField(
        _l("Gælder for"),
        choices=[("school", _l("kun denne skole")), ("municipality", _l("hele kommunen"))],
        default="school",
    )
    first_day = DayField(_l("Første dag"), validators=[InputRequired(REQUIRED)])
    last_day = DayField(_l("Sidste dag"), validators=[InputRequired(REQUIRED)])
    closed = RadioField(
        _l("Skolen holder"),
        choices=[("closed", _l("lukket")), ("open", _l("åbent (skoledag)"))],
        default="closed",
    )
    label = StringField(_l("Hvorfor (fx vinterferie)"), validators=[length(max=80)])


class DeleteForm(FlaskForm):
    confirm = BooleanField(default=True)


def _school(school_id: int) -> School:
    school = db.session.get(School, school_id)
    if school is None:
        abort(404)
    return school


def _page(school: School, form: OverrideForm) -> str:
    years, overrides = school_calendar.school_calendar_view(db.session, school, utcnow().date())
    return render_template(
        "coordinator/school.html",
        school=school,
        municipality=geo.municipality_name(school.municipality_code),
        winter_week=winter_week(school.municipality_code),
        years=years,
        overrides=overrides,
        form=form,
        delete_form=DeleteForm(),
    )


@bp.get("/skoler/<int:school_id>")
@role_required(Role.COORDINATOR, Role.ADMIN)
def school(school_id: int) -> str:
    return _page(_school(school_id), OverrideForm())


@bp.post("/skoler/<int:school_id>/kalender")
@role_required(Role.COORDINATOR, Role.ADMIN)
def add_calendar_override(school_id: int) -> str | Response:
    found = _school(school_id)
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            school_calendar.add_override(
                db.session,
                current_user,
                found,
                whole_municipality=form.scope.data == "municipality",
                first_day=form.first_day.data,
                last_day=form.last_day.data,
                closed=form.closed.data == "closed",
                label=form.label.data or "",
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Kalenderen er ændret."), "success")
            return redirect(url_for("coordinator.school", school_id=found.id))
    return _page(found, form)


@bp.post("/skoler/<int:school_id>/kalender/<int:override_id>/slet")
@role_required(Role.COORDINATOR, Role.ADMIN)
def delete_calendar_override(school_id: int, override_id: int) -> Response:
    found = _school(school_id)
    override = db.session.get(CalendarOverride, override_id)
    # Only a change that applies to this school can be removed from its page.
    if override is None or (
        override.school_id != found.id and override.municipality_code != found.municipality_code
    ):
        abort(404)
    if DeleteForm().validate_on_submit():
        school_calendar.delete_override(db.session, current_user, override.id)
        db.session.commit()
        flash(_("Ændringen er fjernet."), "success")
    return redirect(url_for("coordinator.school", school_id=found.id))

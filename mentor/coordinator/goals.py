"""Goals pages: the goals of the coordinator's programmes, new, edit, delete, copy."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from mentor.auth.access import programme_ids_for, role_required
from mentor.coordinator import bp
from mentor.coordinator.forms import ConfirmActionForm
from mentor.coordinator.ops_forms import CopyGoalsForm, GoalForm
from mentor.extensions import db
from mentor.forms.common import attach_error
from mentor.models import ProgrammeGoal, SchoolLevel
from mentor.models.base import utcnow
from mentor.models.enums import GoalMeasure, Role
from mentor.services import goals as goal_service
from mentor.services import lists
from mentor.services.errors import DomainError, NotFound

STAFF = (Role.COORDINATOR, Role.ADMIN)


def _scope() -> set[int]:
    return programme_ids_for(current_user)


def _goal(goal_id: int) -> ProgrammeGoal:
    try:
        return goal_service.scoped_goal(db.session, goal_id, _scope())
    except NotFound:
        abort(404)


def _period_choices() -> list[tuple[str, str]]:
    return [
        (f"{start.isoformat()}/{end.isoformat()}", goal_service.period_label(start, end))
        for start, end in goal_service.periods(db.session, _scope())
    ]


def _copy_form() -> CopyGoalsForm:
    form = CopyGoalsForm()
    form.source.choices = _period_choices()
    if not form.is_submitted() and form.source.choices:
        start, end = (date.fromisoformat(x) for x in form.source.choices[0][0].split("/"))
        form.period_start.data, form.period_end.data = goal_service.next_period(start, end)
    return form


@bp.get("/maal")
@role_required(*STAFF)
def goals() -> str:
    scope = _scope()
    programme_id = request.args.get("program", type=int)
    today = utcnow().date()
    rows = goal_service.goals_in_scope(db.session, scope, programme_id)
    return render_template(
        "coordinator/goals.html",
        goals=rows,
        states={g.id: goal_service.state(g, today) for g in rows},
        period_label=goal_service.period_label,
        programmes=lists.scoped_programmes(db.session, scope),
        programme_id=programme_id,
        copy_form=_copy_form(),
        delete_form=ConfirmActionForm(),
    )


def _goal_form(goal: ProgrammeGoal | None) -> GoalForm:
    locale = str(get_locale() or "da")
    form = GoalForm(obj=goal)
    form.programme_id.choices = [
        (p.id, p.name) for p in lists.scoped_programmes(db.session, _scope())
    ]
    levels = db.session.scalars(sa.select(SchoolLevel).order_by(SchoolLevel.sort_order))
    form.level_ids.choices = [(lv.id, lv.name(locale)) for lv in levels]
    if not form.is_submitted():
        if goal is not None:
            form.level_ids.data = [lv.id for lv in goal.levels]
            form.measure.data = goal.measure.value
        else:
            start, end = goal_service.school_year(utcnow().date())
            form.period_start.data, form.period_end.data = start, end
            form.measure.data = GoalMeasure.PUPILS.value
            wanted = request.args.get("program", type=int)
            if wanted in {c[0] for c in form.programme_id.choices}:
                form.programme_id.data = wanted
    return form


def _save(goal: ProgrammeGoal | None) -> tuple[str, int] | Response:
    form = _goal_form(goal)
    if form.validate_on_submit():
        data = goal_service.GoalData(
            programme_id=form.programme_id.data,
            label=form.label.data or "",
            period_start=form.period_start.data,
            period_end=form.period_end.data,
            level_ids=form.level_ids.data or [],
            measure=GoalMeasure(form.measure.data),
            classes_goal=form.classes_goal.data or 0,
            pupils_goal=form.pupils_goal.data or 0,
        )
        try:
            goal_service.save_goal(db.session, current_user, goal, data, _scope())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Målet er gemt."), "success")
            return redirect(url_for("coordinator.goals"))
    code = 400 if form.is_submitted() else 200
    return render_template("coordinator/goal_form.html", form=form, goal=goal), code


@bp.route("/maal/ny", methods=["GET", "POST"])
@role_required(*STAFF)
def goal_new() -> tuple[str, int] | Response:
    return _save(None)


@bp.route("/maal/<int:goal_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def goal_edit(goal_id: int) -> tuple[str, int] | Response:
    return _save(_goal(goal_id))


@bp.post("/maal/<int:goal_id>/slet")
@role_required(*STAFF)
def goal_delete(goal_id: int) -> Response:
    goal = _goal(goal_id)
    if not ConfirmActionForm().validate_on_submit():
        abort(400)
    goal_service.delete_goal(db.session, current_user, goal, _scope())
    db.session.commit()
    flash(_("Målet er slettet."), "success")
    return redirect(url_for("coordinator.goals"))


@bp.post("/maal/kopier")
@role_required(*STAFF)
def goals_copy() -> Response | tuple[str, int]:
    form = _copy_form()
    if form.validate_on_submit():
        start, end = (date.fromisoformat(x) for x in form.source.data.split("/"))
        try:
            created = goal_service.copy_goals(
                db.session,
                current_user,
                _scope(),
                (start, end),
                (form.period_start.data, form.period_end.data),
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(
                _("%(count)d mål er kopieret.", count=len(created))
                if created
                else _("Perioden havde allerede de mål; intet er kopieret."),
                "success",
            )
        return redirect(url_for("coordinator.goals"))
    for field_errors in form.errors.values():
        for message in field_errors:
            flash(str(message), "error")
    return redirect(url_for("coordinator.goals"))

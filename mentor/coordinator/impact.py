"""The coordinator's impact pages: dashboard, exports, JSON figures and visit corrections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request
from flask import url_for as flask_url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from mentor import geo
from mentor.auth.access import programme_ids_for, require_programme, role_required
from mentor.coordinator import bp
from mentor.extensions import db
from mentor.forms.feedback import (
    CORRECTION_CHOICES,
    CorrectionForm,
    ImpactFilterForm,
    attach_error,
)
from mentor.models import Programme, School, Visit
from mentor.models.base import utcnow
from mentor.models.enums import FeedbackAuthor, Role
from mentor.reports import charts, exports, labels
from mentor.services import feedback as feedback_service
from mentor.services import impact
from mentor.services.errors import DomainError, NotAllowed, NotFound

F = TypeVar("F", bound=Callable[..., Any])
STAFF = (Role.COORDINATOR, Role.ADMIN)
MAX_PERIOD_DAYS = 366 * 5


def _tz() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("TIMEZONE", "Europe/Copenhagen"))


def _locale() -> str:
    return str(get_locale() or "da")


def _scope() -> list[Programme]:
    ids = programme_ids_for(current_user)
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Programme).where(Programme.id.in_(ids)).order_by(Programme.code)
        )
    )


@dataclass
class _Filters:
    form: ImpactFilterForm
    period: impact.Period
    programme_ids: list[int]
    valid: bool
    #: A programme id outside the coordinator's scope was asked for.
    unknown_programme: bool = False

    def first_error(self) -> tuple[str, str]:
        field, messages = next(iter(self.form.errors.items()))
        return str(field), str(messages[0])


def _filters(programmes: list[Programme], args: Any) -> _Filters:
    """Read period and programme from the query string; default to this year, all programmes.

    Invalid input leaves the errors on the form and falls back to the defaults.
    """
    form = ImpactFilterForm(formdata=args)
    form.program.choices = [("", _("Alle mine programmer"))] + [
        (str(p.id), p.name) for p in programmes
    ]
    in_scope = not form.program.data or form.program.data in {c[0] for c in form.program.choices}
    # The choices check would call an unknown id "not a valid choice"; say 404 instead.
    if not in_scope:
        form.program.data = ""
    valid = form.validate()
    today = utcnow().astimezone(_tz()).date()
    start = form.fra.data or date(today.year, 1, 1)
    end = form.til.data or (date(start.year, 12, 31) if form.fra.data else date(today.year, 12, 31))
    ids = [p.id for p in programmes]
    if end < start:
        form.til.errors = [*form.til.errors, _("Slutdatoen skal ligge efter startdatoen.")]
        valid = False
    elif (end - start).days > MAX_PERIOD_DAYS:
        form.til.errors = [*form.til.errors, _("Vælg en periode på højst fem år.")]
        valid = False
    if form.program.data:
        ids = [int(form.program.data)]
    if not valid:
        start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    return _Filters(form, impact.Period(start, end), ids, valid, not in_scope)


def _dashboard(period: impact.Period, ids: list[int]) -> impact.Dashboard:
    return impact.compute_dashboard(
        db.session,
        ids,
        period,
        utcnow(),
        thresholds=impact.Thresholds.from_config(current_app.config),
        tz=_tz(),
    )


@bp.get("/effekt")
@role_required(*STAFF)
def impact_dashboard() -> str:
    filters = _filters(_scope(), request.args)
    if filters.unknown_programme:
        abort(404)  # like require_programme: a programme outside the scope is not revealed
    dashboard = _dashboard(filters.period, filters.programme_ids)
    tables = {t.key: t for t in exports.figure_tables(dashboard, _locale())}
    query = (
        {k: v for k, v in request.args.items() if k in ("fra", "til", "program") and v}
        if filters.valid
        else {}
    )
    return render_template(
        "coordinator/impact.html",
        form=filters.form,
        dashboard=dashboard,
        tables=tables,
        charts=_charts(dashboard),
        query=query,
        has_programmes=bool(filters.programme_ids),
        percent=_percent,
        cell=_cell,
    )


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def _cell(value: Any) -> str:
    """A table cell in the reader's number format."""
    if isinstance(value, exports.Percent):
        return _percent(value.value)
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, int | float):
        return str(format_decimal(value))
    return str(value)


def _charts(d: impact.Dashboard) -> dict[str, Any]:
    """One SVG per section, built from the same figures as the tables under them."""
    locale = _locale()
    reached, expected, goal = _("Nået"), _("Forventet nu"), _("Mål")
    return {
        "goals": charts.bar_chart(
            _("Elever nået mod aktivitetsmål"),
            [f"{g.programme_name.split(' – ')[0]}: {g.label}" for g in d.goals],
            [
                charts.Series(reached, [g.pupils_reached for g in d.goals]),
                charts.Series(expected, [round(g.expected_pupils) for g in d.goals], "#999999"),
                charts.Series(goal, [g.pupils_goal for g in d.goals], "#d5dbe3"),
            ],
            chart_id="chart-goals",
        ),
        "levels": charts.bar_chart(
            _("Elever nået pr. klassetrin"),
            [lv.name(locale) for lv in d.levels],
            [charts.Series(_("Elever"), [lv.pupils for lv in d.levels])],
            chart_id="chart-levels",
        ),
        "regions": charts.bar_chart(
            _("Gennemførte besøg pr. region"),
            [r.name for r in d.regions],
            [charts.Series(_("Besøg"), [r.visits for r in d.regions])],
            chart_id="chart-regions",
        ),
        "municipalities": charts.bar_chart(
            _("De ti kommuner med flest besøg"),
            [m.name for m in d.municipalities[:10]],
            [charts.Series(_("Besøg"), [m.visits for m in d.municipalities[:10]])],
            chart_id="chart-municipalities",
        ),
        "outlying": charts.bar_chart(
            _("Forespørgsler fra udkantsområder og øvrige områder"),
            [_("Udkantsområder"), _("Øvrige områder")],
            [
                charts.Series(_("Forespørgsler"), [d.outlying.requested, d.not_outlying.requested]),
                charts.Series(_("Imødekommet"), [d.outlying.met, d.not_outlying.met]),
            ],
            chart_id="chart-outlying",
        ),
        "formats": charts.bar_chart(
            _("Fysiske og virtuelle besøg"),
            [labels.label(labels.FORMATS, f.key) for f in d.formats],
            [charts.Series(_("Besøg"), [f.visits for f in d.formats])],
            chart_id="chart-formats",
        ),
        "genders": charts.bar_chart(
            _("Rollemodeller efter køn"),
            [labels.label(labels.GENDERS, g.key) for g in d.genders],
            [
                charts.Series(_("Rollemodeller"), [g.role_models for g in d.genders]),
                charts.Series(_("Besøg"), [g.visits for g in d.genders]),
            ],
            chart_id="chart-genders",
        ),
        "kinds": charts.bar_chart(
            _("Rollemodeller efter type"),
            [labels.label(labels.KINDS, k.key) for k in d.kinds],
            [
                charts.Series(_("Rollemodeller"), [k.role_models for k in d.kinds]),
                charts.Series(_("Besøg"), [k.visits for k in d.kinds]),
            ],
            chart_id="chart-kinds",
        ),
        "gender_focus": charts.bar_chart(
            _("Ønske om kvindelig rollemodel: ønsket og leveret"),
            [labels.label(labels.GENDER_FOCUS, f.focus) for f in d.gender_focus],
            [
                charts.Series(_("Forespørgsler"), [f.requested for f in d.gender_focus]),
                charts.Series(
                    _("Heraf med en kvinde"), [f.delivered_by_woman for f in d.gender_focus]
                ),
            ],
            chart_id="chart-focus",
        ),
        "waiting_subject": charts.bar_chart(
            _("Venteliste pr. fag"),
            [w.name(locale) for w in d.waiting_by_subject],
            [charts.Series(_("Forespørgsler"), [w.requests for w in d.waiting_by_subject])],
            chart_id="chart-waiting-subject",
        ),
        "waiting_region": charts.bar_chart(
            _("Venteliste pr. region"),
            [w.name(locale) for w in d.waiting_by_region],
            [charts.Series(_("Forespørgsler"), [w.requests for w in d.waiting_by_region])],
            chart_id="chart-waiting-region",
        ),
        "activity": charts.bar_chart(
            _("Rollemodeller efter antal gennemførte besøg"),
            [_("0 besøg"), _("1 besøg"), _("2 eller flere besøg")],
            [
                charts.Series(
                    _("Rollemodeller"),
                    [d.activity.none, d.activity.one, d.activity.two_or_more],
                )
            ],
            chart_id="chart-activity",
        ),
    }


@bp.get("/effekt/eksport/<any(tal, besoeg):what>.<any(csv, xlsx):fmt>")
@role_required(*STAFF)
def impact_export(what: str, fmt: str) -> Response:
    filters = _filters(_scope(), request.args)
    if filters.unknown_programme:
        abort(404)
    if not filters.valid:
        flash(_("Perioden er ugyldig; vælg den igen, før du eksporterer."), "error")
        return cast(Response, redirect(flask_url_for("coordinator.impact_dashboard")))
    period, ids = filters.period, filters.programme_ids
    locale, tz = _locale(), _tz()
    if what == "tal":
        dashboard = _dashboard(period, ids)
        body: str | bytes = (
            exports.figures_csv(dashboard, locale)
            if fmt == "csv"
            else exports.figures_xlsx(dashboard, locale)
        )
        stem = "statusrapport"
    else:
        rows = impact.visit_rows(db.session, ids, period, tz=tz)
        body = (
            exports.visits_csv(rows, locale, tz)
            if fmt == "csv"
            else exports.visits_xlsx(rows, locale, tz)
        )
        stem = "besoeg"
    filename = f"{stem}-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
    mimetype = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _api(view: F) -> F:
    """JSON 401/403 for API clients instead of the login redirect and the HTML error page."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return jsonify(error="unauthorized", message=_("Log ind først.")), 401
        if current_user.role not in STAFF:
            return jsonify(error="forbidden", message=_("Kun for koordinatorer.")), 403
        return view(*args, **kwargs)

    return cast(F, wrapped)


@bp.get("/api/impact")
@_api
def impact_api() -> tuple[Response, int]:
    """The dashboard figures as JSON; ?fra=YYYY-MM-DD&til=YYYY-MM-DD&program=<id>."""
    programmes = _scope()
    filters = _filters(programmes, request.args)
    if filters.unknown_programme:
        return jsonify(error="not_found", field="program", message=_("Ukendt program.")), 404
    if not filters.valid:
        field, message = filters.first_error()
        return jsonify(error="bad_request", field=field, message=message), 400
    period, ids = filters.period, filters.programme_ids
    data = _dashboard(period, ids).as_dict()
    data["programmes_in_scope"] = [{"id": p.id, "code": p.code, "name": p.name} for p in programmes]
    return jsonify(data), 200


@bp.get("/effekt/bekraeftelser")
@role_required(*STAFF)
def impact_awaiting() -> str:
    """Visits that have taken place but no teacher or coordinator has confirmed yet."""
    now = utcnow()
    visits = feedback_service.visits_awaiting_confirmation(
        db.session, programme_ids_for(current_user), now
    )
    schools = _schools(visits)
    return render_template(
        "coordinator/impact_awaiting.html",
        visits=visits,
        schools=schools,
        states={v.id: feedback_service.feedback_state(v, now) for v in visits},
        volunteer_reports={
            v.id: feedback_service.report_by(v, FeedbackAuthor.VOLUNTEER) for v in visits
        },
        state_label=lambda s: labels.label(labels.FEEDBACK_STATES, s),
    )


def _schools(visits: list[Visit]) -> dict[int, School]:
    ids = {v.request.school_id for v in visits}
    if not ids:
        return {}
    return {s.id: s for s in db.session.scalars(sa.select(School).where(School.id.in_(ids)))}


@bp.route("/besoeg/<int:visit_id>/ret", methods=["GET", "POST"])
@role_required(*STAFF)
def impact_correct_visit(visit_id: int) -> str | Response:
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        abort(404)
    require_programme(current_user, visit.programme_id)
    form = CorrectionForm()
    reports = {f.author_role.value: f for f in visit.feedback}
    if request.method == "GET":
        _prefill(form, visit, reports)
    if form.validate_on_submit():
        try:
            feedback_service.correct_visit(
                db.session, visit.id, current_user, form.report(), form.reason.data or "", utcnow()
            )
        except (NotFound, NotAllowed):
            db.session.rollback()
            abort(404)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Besøget er rettet, og rettelsen er logget."), "success")
            return cast(Response, redirect(flask_url_for("coordinator.impact_awaiting")))
    school = db.session.get(School, visit.request.school_id)
    return render_template(
        "coordinator/impact_correct.html",
        form=form,
        visit=visit,
        school=school,
        reports=reports,
        municipality=geo.municipality_name(school.municipality_code) if school else "",
        status_label=lambda s: labels.label(labels.VISIT_STATUSES, s),
        party_label=lambda p: labels.label(labels.PARTIES, p),
    )


def _prefill(form: CorrectionForm, visit: Visit, reports: dict[str, Any]) -> None:
    """Start from the current figures, or the volunteer's report while the teacher is silent."""
    source = reports.get("coordinator") or reports.get("teacher") or reports.get("volunteer")
    if visit.status.value != "planned":
        choice = (
            "completed"
            if visit.status.value == "completed"
            else f"{visit.status.value}:{visit.cancelled_by}"
        )
        form.outcome.data = choice if choice in dict(CORRECTION_CHOICES) else None
        form.pupils.data = visit.pupils_reached
        form.girls.data = visit.girls_reached
    elif source is not None and source.happened:
        form.outcome.data = "completed"
        form.pupils.data = source.pupils
        form.girls.data = source.girls

"""Matching runs for coordinators: start, preview, adjust, commit; manual assignment."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from mentor.auth.access import programme_ids_for, require_programme, role_required
from mentor.coordinator import bp
from mentor.coordinator.run_forms import (
    EmptyForm,
    ManualAssignForm,
    PairForm,
    RunForm,
    WeightsForm,
)
from mentor.extensions import db
from mentor.models import BookingRequest, MatchingRun, Programme, User, VolunteerProfile
from mentor.models.base import utcnow
from mentor.models.enums import Role, RunStatus
from mentor.services import candidates, proposals, runs
from mentor.services.errors import DomainError
from mentor.services.matching import Scope
from mentor.services.matching_text import match_words, reason_text

COORDINATORS = (Role.COORDINATOR, Role.ADMIN)


def _run_or_404(run_id: int) -> MatchingRun:
    run = db.session.get(MatchingRun, run_id)
    if run is None:
        abort(404)
    require_programme(current_user, run.programme_id)
    return run


def _programme_choices() -> list[tuple[int, str]]:
    allowed = programme_ids_for(current_user)
    rows = db.session.scalars(
        sa.select(Programme).where(Programme.id.in_(allowed)).order_by(Programme.name)
    )
    return [(p.id, p.name) for p in rows]


@bp.route("/matching", methods=["GET", "POST"], endpoint="runs")
@role_required(*COORDINATORS)
def runs_page() -> str | Response:
    form = RunForm()
    form.programme_id.choices = _programme_choices()
    if form.validate_on_submit():
        require_programme(current_user, form.programme_id.data)
        scope = Scope(
            programme_id=form.programme_id.data,
            region_code=form.region_code.data or None,
            period_from=form.period_from.data,
            period_to=form.period_to.data,
        )
        try:
            run = runs.preview_run(db.session, current_user, scope)
        except DomainError as error:
            db.session.rollback()
            target = getattr(form, error.field or "", None)
            (target.errors if target is not None else form.form_errors).append(error.message)
        else:
            db.session.commit()
            return redirect(url_for("coordinator.run", run_id=run.id))
    recent = db.session.scalars(
        sa.select(MatchingRun)
        .where(MatchingRun.programme_id.in_(programme_ids_for(current_user)))
        .order_by(MatchingRun.id.desc())
        .limit(20)
    ).all()
    return render_template("coordinator/runs.html", form=form, runs=recent)


@bp.get("/matching/<int:run_id>")
@role_required(*COORDINATORS)
def run(run_id: int) -> str:
    found = _run_or_404(run_id)
    weights = WeightsForm(data={k: Decimal(str(v)) for k, v in found.weights.items()})
    names = {
        "subject_names": found.result.get("subject_names", {}),
        "level_names": found.result.get("level_names", {}),
    }
    # Runs store volunteer ids, not names (a deleted account's name must not linger in
    # them): the names are looked up as they are now.
    volunteer_ids = {a["volunteer_id"] for a in found.result.get("assignments", [])}
    volunteer_names = dict(
        db.session.execute(
            sa.select(VolunteerProfile.id, User.full_name)
            .join(User, User.id == VolunteerProfile.user_id)
            .where(VolunteerProfile.id.in_(volunteer_ids))
        ).all()
    )
    return render_template(
        "coordinator/run.html",
        run=found,
        volunteer_names=volunteer_names,
        weights_form=weights,
        pair_form=PairForm(),
        action_form=EmptyForm(),
        names=names,
        match_words=match_words,
        reason_text=reason_text,
        RunStatus=RunStatus,
    )


@bp.post("/matching/<int:run_id>/juster")
@role_required(*COORDINATORS)
def adjust_run(run_id: int) -> Response:
    found = _run_or_404(run_id)
    action = request.form.get("action", "")
    kwargs: dict[str, object] = {}
    if action == "weights":
        form = WeightsForm()
        if not form.validate_on_submit():
            flash(_("Vægtene skal være tal mellem 0 og 100."), "error")
            return redirect(url_for("coordinator.run", run_id=run_id))
        kwargs["weights"] = {name: float(getattr(form, name).data) for name in runs.WEIGHT_NAMES}
    elif action in ("lock", "exclude"):
        form = PairForm()
        if not form.validate_on_submit() or not all(
            str(v).isdigit() for v in (form.request_id.data, form.volunteer_id.data)
        ):
            abort(400)
        pair = (int(form.request_id.data), int(form.volunteer_id.data))
        kwargs["lock" if action == "lock" else "exclude"] = pair
    else:
        abort(400)
    try:
        new = runs.rerun(db.session, current_user, found, **kwargs)  # type: ignore[arg-type]
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("coordinator.run", run_id=run_id))
    db.session.commit()
    flash(_("Ny forhåndsvisning med dine ændringer."), "success")
    return redirect(url_for("coordinator.run", run_id=new.id))


def _act_on_run(run_id: int, action: Callable[..., object], done: str) -> None:
    """Run a commit or discard for a run in the coordinator's scope, and say how it went."""
    found = _run_or_404(run_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        action(db.session, current_user, found.id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done, "success")


@bp.post("/matching/<int:run_id>/gem")
@role_required(*COORDINATORS)
def commit_run(run_id: int) -> Response:
    _act_on_run(run_id, runs.commit_run, _("Forslagene er sendt til rollemodellerne."))
    return redirect(url_for("coordinator.run", run_id=run_id))


@bp.post("/matching/<int:run_id>/kasser")
@role_required(*COORDINATORS)
def discard_run(run_id: int) -> Response:
    _act_on_run(run_id, runs.discard_run, _("Forhåndsvisningen er kasseret."))
    return redirect(url_for("coordinator.runs"))


@bp.route("/bookinger/<int:request_id>/tildel", methods=["GET", "POST"])
@role_required(*COORDINATORS)
def assign(request_id: int) -> str | Response:
    """Find rollemodel: the engine's ranking for this booking, a name search, one-click proposal."""
    booking = db.session.get(BookingRequest, request_id)
    if booking is None:
        abort(404)
    require_programme(current_user, booking.programme_id)
    visible = programme_ids_for(current_user)
    form = ManualAssignForm()
    if form.validate_on_submit():
        volunteer = db.session.get(VolunteerProfile, form.volunteer_id.data)
        if volunteer is None or not any(p.id in visible for p in volunteer.programmes):
            form.volunteer_id.errors.append(_("Rollemodellen findes ikke i dine programmer."))
        else:
            try:
                proposals.manual_assign(
                    db.session,
                    current_user,
                    booking.id,
                    volunteer.id,
                    override_reason=form.override_reason.data or "",
                )
            except DomainError as error:
                db.session.rollback()
                target = getattr(form, error.field or "", None)
                (target.errors if target is not None else form.form_errors).append(error.message)
            else:
                db.session.commit()
                flash(
                    _("Forslaget er sendt til %(name)s.", name=volunteer.user.full_name),
                    "success",
                )
                return redirect(url_for("coordinator.request_detail", request_id=booking.id))
    query = request.args.get("q", "") if request.method == "GET" else request.form.get("q", "")
    found = candidates.rank_candidates(
        db.session,
        booking.id,
        now=utcnow(),
        limit=request.args.get("antal", candidates.DEFAULT_LIMIT, type=int) or 1,
        query=query,
        visible_programme_ids=visible,
    )
    return render_template(
        "coordinator/assign.html",
        booking=booking,
        form=form,
        found=found,
        chosen=form.volunteer_id.data if form.is_submitted() else None,
        unmatchable=candidates.UNCHOOSABLE,
    )

"""Volunteer administration: the volunteer's page, approval, training, edits, taxonomy."""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from mentor import geo
from mentor.auth.access import programme_ids_for, role_required
from mentor.coordinator import bp
from mentor.coordinator.forms import (
    ConfirmActionForm,
    RejectForm,
    RemoveTrainingForm,
    SubjectForm,
    TrainingForm,
)
from mentor.extensions import db
from mentor.forms.common import attach_error
from mentor.models import AuditEntry, Subject, VolunteerProfile
from mentor.models.base import utcnow
from mentor.models.enums import Role, TrainingKind
from mentor.services import volunteers
from mentor.services.errors import DomainError
from mentor.services.record import open_training_requests
from mentor.volunteers.forms import ProfileForm
from mentor.volunteers.profile import fill_profile_form, profile_data, set_profile_choices

STAFF = (Role.COORDINATOR, Role.ADMIN)


def _scoped_volunteer(volunteer_id: int) -> VolunteerProfile:
    """The volunteer if they joined one of the coordinator's programmes; 404 otherwise."""
    profile = db.session.get(VolunteerProfile, volunteer_id)
    scope = programme_ids_for(current_user)
    if profile is None or not {p.id for p in profile.programmes} & scope:
        abort(404)
    return profile


def _render_volunteer(
    profile: VolunteerProfile,
    *,
    training_form: TrainingForm | None = None,
    reject_form: RejectForm | None = None,
    code: int = 200,
) -> tuple[str, int]:
    if training_form is None:
        training_form = TrainingForm()
        training_form.completed_on.data = utcnow().date()
    history = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "volunteer", AuditEntry.object_id == profile.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(30)
    ).all()
    return render_template(
        "coordinator/volunteer.html",
        profile=profile,
        place=geo.lookup(profile.postcode),
        formats=volunteers.matchable_formats(profile),
        training_requests=open_training_requests(db.session, profile),
        history=history,
        approve_form=ConfirmActionForm(),
        reject_form=reject_form or RejectForm(),
        training_form=training_form,
        remove_form=RemoveTrainingForm(),
    ), code


@bp.get("/rollemodeller/<int:volunteer_id>")
@role_required(*STAFF)
def volunteer(volunteer_id: int) -> tuple[str, int]:
    return _render_volunteer(_scoped_volunteer(volunteer_id))


@bp.post("/rollemodeller/<int:volunteer_id>/godkend")
@role_required(*STAFF)
def approve(volunteer_id: int) -> Response:
    profile = _scoped_volunteer(volunteer_id)
    if not ConfirmActionForm().validate_on_submit():
        abort(400)
    try:
        volunteers.approve(db.session, current_user, profile)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("%(name)s er godkendt.", name=profile.user.full_name), "success")
    return redirect(url_for("coordinator.volunteer", volunteer_id=profile.id))


@bp.post("/rollemodeller/<int:volunteer_id>/afvis")
@role_required(*STAFF)
def reject(volunteer_id: int) -> Response | tuple[str, int]:
    profile = _scoped_volunteer(volunteer_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _render_volunteer(profile, reject_form=form, code=400)
    try:
        volunteers.reject(db.session, current_user, profile, form.reason.data or "")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("%(name)s er ikke længere godkendt.", name=profile.user.full_name), "success")
        planned = len(volunteers.planned_visits(db.session, profile))
        if planned:
            flash(
                _(
                    "Rollemodellen har stadig %(count)d planlagte besøg. Aflys dem fra "
                    "bookingerne, hvis de ikke skal gennemføres.",
                    count=planned,
                ),
                "warn",
            )
    return redirect(url_for("coordinator.volunteer", volunteer_id=profile.id))


@bp.post("/rollemodeller/<int:volunteer_id>/uddannelse")
@role_required(*STAFF)
def training(volunteer_id: int) -> Response | tuple[str, int]:
    profile = _scoped_volunteer(volunteer_id)
    form = TrainingForm()
    if form.validate_on_submit():
        try:
            volunteers.record_training(
                db.session,
                current_user,
                profile,
                TrainingKind(form.kind.data),
                form.completed_on.data,
                form.note.data or "",
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Uddannelsen er registreret."), "success")
            return redirect(url_for("coordinator.volunteer", volunteer_id=profile.id))
    return _render_volunteer(profile, training_form=form, code=400)


@bp.post("/rollemodeller/<int:volunteer_id>/uddannelse/slet")
@role_required(*STAFF)
def remove_training(volunteer_id: int) -> Response:
    profile = _scoped_volunteer(volunteer_id)
    form = RemoveTrainingForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        volunteers.remove_training(db.session, current_user, profile, TrainingKind(form.kind.data))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Uddannelsen er fjernet."), "success")
    return redirect(url_for("coordinator.volunteer", volunteer_id=profile.id))


@bp.route("/rollemodeller/<int:volunteer_id>/ret", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_volunteer(volunteer_id: int) -> str | Response:
    profile = _scoped_volunteer(volunteer_id)
    scope = programme_ids_for(current_user)
    form = ProfileForm()
    set_profile_choices(form, db.session, profile)
    # A coordinator changes memberships only in their own programmes.
    form.programmes.choices = [c for c in form.programmes.choices if c[0] in scope]
    if not form.is_submitted():
        fill_profile_form(form, profile.user, profile)
    if form.validate_on_submit():
        data = profile_data(form)
        outside = [p.id for p in profile.programmes if p.id not in scope]
        chosen = [i for i in data.programme_ids if i in scope]
        data = replace(data, programme_ids=(*chosen, *outside))
        try:
            volunteers.save_profile(db.session, profile.user, data, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error, form.ALIASES)
        else:
            db.session.commit()
            flash(_("Profilen er gemt."), "success")
            return redirect(url_for("coordinator.volunteer", volunteer_id=profile.id))
    return render_template("coordinator/volunteer_form.html", form=form, profile=profile)


@bp.route("/fag", methods=["GET", "POST"])
@role_required(*STAFF)
def subjects() -> str | Response:
    locale = str(get_locale() or "da")
    rows = db.session.scalars(sa.select(Subject).order_by(Subject.name_da)).all()
    form = SubjectForm()
    form.related.choices = [(s.id, s.name(locale)) for s in rows if s.active]
    if form.validate_on_submit():
        try:
            volunteers.add_subject(
                db.session,
                current_user,
                name_da=form.name_da.data or "",
                name_en=form.name_en.data or "",
                related_ids=form.related.data or [],
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Faget er tilføjet."), "success")
            return redirect(url_for("coordinator.subjects"))
    return render_template(
        "coordinator/subjects.html", subjects=rows, form=form, toggle_form=ConfirmActionForm()
    )


@bp.post("/fag/<int:subject_id>/<any(aktiv, inaktiv):state>")
@role_required(*STAFF)
def subject_toggle(subject_id: int, state: str) -> Response:
    subject = db.session.get(Subject, subject_id)
    if subject is None:
        abort(404)
    if not ConfirmActionForm().validate_on_submit():
        abort(400)
    try:
        volunteers.set_subject_active(db.session, current_user, subject, state == "aktiv")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Faget er opdateret."), "success")
    return redirect(url_for("coordinator.subjects"))

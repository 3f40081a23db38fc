"""A school's page for coordinators: details, contact teachers, outlying class, merging."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from mentor import geo
from mentor.auth.access import programme_ids_for, role_required
from mentor.coordinator import bp
from mentor.coordinator.ops_forms import MergeForm, OutlyingForm, SchoolForm
from mentor.extensions import db
from mentor.forms.common import attach_error
from mentor.models import AuditEntry, BookingRequest, School
from mentor.models.enums import Role, SchoolType
from mentor.services import people
from mentor.services import schools as school_service
from mentor.services.errors import DomainError

STAFF = (Role.COORDINATOR, Role.ADMIN)


def _school(school_id: int) -> School:
    """Any school: schools are public institutions every coordinator may correct."""
    found = db.session.get(School, school_id)
    if found is None:
        abort(404)
    return found


def render_school(
    school: School,
    *,
    form: SchoolForm | None = None,
    outlying_form: OutlyingForm | None = None,
    calendar_form: Any = None,
    code: int = 200,
) -> tuple[str, int]:
    """The school's page: details, contact teachers, outlying class, calendar, history."""
    from mentor.coordinator.school_calendar import calendar_context

    scope = programme_ids_for(current_user)
    if form is None:
        form = SchoolForm(obj=school)
        form.school_type.data = school.school_type.value
    if outlying_form is None:
        outlying_form = OutlyingForm()
        outlying_form.choice.data = (
            "data" if school.outlying_reason is None else ("yes" if school.outlying else "no")
        )
        outlying_form.reason.data = school.outlying_reason or ""
    bookings = db.session.scalar(
        sa.select(sa.func.count(BookingRequest.id)).where(
            BookingRequest.school_id == school.id, BookingRequest.programme_id.in_(scope)
        )
    )
    history = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "school", AuditEntry.object_id == school.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(20)
    ).all()
    return render_template(
        "coordinator/school.html",
        school=school,
        form=form,
        outlying_form=outlying_form,
        classification=school_service.classification(school),
        address=school_service.full_address(school),
        teachers=people.school_teachers(db.session, school.id, scope),
        bookings=bookings or 0,
        history=history,
        municipality=geo.municipality_name(school.municipality_code),
        region=geo.region_name(school.region_code),
        **calendar_context(school, calendar_form),
    ), code


@bp.route("/skoler/<int:school_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def school(school_id: int) -> tuple[str, int] | Response:
    found = _school(school_id)
    form = SchoolForm()
    if form.validate_on_submit():
        data = school_service.SchoolData(
            name=form.name.data or "",
            school_type=SchoolType(form.school_type.data),
            address=form.address.data or "",
            postcode=form.postcode.data or "",
            city=form.city.data or "",
            phone=form.phone.data or "",
        )
        try:
            school_service.update_school(db.session, current_user, found, data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Skolen er gemt."), "success")
            return redirect(url_for("coordinator.school", school_id=found.id))
        return render_school(found, form=form, code=400)
    if form.is_submitted():
        return render_school(found, form=form, code=400)
    return render_school(found)


@bp.post("/skoler/<int:school_id>/udkant")
@role_required(*STAFF)
def school_outlying(school_id: int) -> tuple[str, int] | Response:
    found = _school(school_id)
    form = OutlyingForm()
    if form.validate_on_submit():
        choice = {"data": None, "yes": True, "no": False}[form.choice.data]
        try:
            school_service.set_outlying(
                db.session, current_user, found, choice, form.reason.data or ""
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Klassificeringen er gemt."), "success")
            return redirect(url_for("coordinator.school", school_id=found.id))
    return render_school(found, outlying_form=form, code=400)


@bp.route("/skoler/<int:school_id>/sammenlaeg", methods=["GET", "POST"])
@role_required(*STAFF)
def school_merge(school_id: int) -> tuple[str, int] | Response:
    keep = _school(school_id)
    query = (request.args.get("q") or request.form.get("q") or "").strip()[:100]
    candidates = school_service.search_schools(
        db.session, query or keep.name.split(" ")[0], exclude=keep.id
    )
    form = MergeForm()
    form.other_id.choices = [(0, _("– vælg skole –"))] + [
        (s.id, f"{s.name}, {s.postcode} {s.city}") for s in candidates
    ]
    if form.validate_on_submit():
        duplicate = db.session.get(School, form.other_id.data)
        if duplicate is None:
            abort(404)
        name = duplicate.name
        try:
            school_service.merge_schools(db.session, current_user, keep, duplicate)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s er lagt sammen med denne skole.", name=name), "success")
            return redirect(url_for("coordinator.school", school_id=keep.id))
    code = 400 if form.is_submitted() else 200
    return render_template(
        "coordinator/school_merge.html", school=keep, form=form, query=query, candidates=candidates
    ), code

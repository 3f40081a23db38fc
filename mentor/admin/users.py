"""The admin's user search and the actions on one account."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from mentor.admin import bp
from mentor.admin.forms import DeactivateForm, RoleForm
from mentor.auth.access import role_required
from mentor.extensions import db
from mentor.models import AuditEntry, User
from mentor.models.enums import Role
from mentor.services import accounts, audit, lists, people
from mentor.services.errors import DomainError


def _person(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    return person


@bp.get("/brugere")
@role_required(Role.ADMIN)
def users() -> str:
    query = lists.ListQuery.from_args(request.args)
    return render_template(
        "admin/users.html",
        page=people.user_page(db.session, query),
        query=query,
        status_of=people.account_status,
    )


def _render_user(
    person: User, role_form: RoleForm | None = None, code: int = 200
) -> tuple[str, int]:
    if role_form is None:
        role_form = RoleForm()
        role_form.role.data = person.role.value
    history = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "user", AuditEntry.object_id == person.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(20)
    ).all()
    return render_template(
        "admin/user.html",
        person=person,
        status=people.account_status(person),
        role_form=role_form,
        deactivate_form=DeactivateForm(),
        history=history,
        staff=person.role in people.STAFF_ROLES,
    ), code


@bp.get("/brugere/<int:user_id>")
@role_required(Role.ADMIN)
def user(user_id: int) -> tuple[str, int]:
    return _render_user(_person(user_id))


@bp.post("/brugere/<int:user_id>/rolle")
@role_required(Role.ADMIN)
def user_role(user_id: int) -> tuple[str, int] | WerkzeugResponse:
    person = _person(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            people.change_role(db.session, current_user, person, Role(form.role.data))
        except DomainError as error:
            db.session.rollback()
            form.role.errors = [*form.role.errors, error.message]
        else:
            db.session.commit()
            flash(_("Rollen er gemt."), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return _render_user(person, role_form=form, code=400)


@bp.post("/brugere/<int:user_id>/deaktiver")
@role_required(Role.ADMIN)
def user_deactivate(user_id: int) -> WerkzeugResponse:
    person = _person(user_id)
    form = DeactivateForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        accounts.deactivate(db.session, current_user, person, form.reason.data or "")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Kontoen er deaktiveret og kan ikke logge ind."), "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.post("/brugere/<int:user_id>/genaktiver")
@role_required(Role.ADMIN)
def user_reactivate(user_id: int) -> WerkzeugResponse:
    person = _person(user_id)
    if not DeactivateForm().validate_on_submit():
        abort(400)
    try:
        accounts.reactivate(db.session, current_user, person)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Kontoen er aktiv igen."), "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.get("/brugere/<int:user_id>/data.json")
@role_required(Role.ADMIN)
def user_export(user_id: int) -> Response:
    """Everything held about the person, for a request under GDPR art. 15."""
    person = _person(user_id)
    if person.deleted_at is not None:
        abort(404)
    data = accounts.export_user_data(db.session, person)
    audit.record(db.session, current_user, "data_exported", "user", person.id, by_admin=True)
    db.session.commit()
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="bruger-{person.id}.json"'},
    )

"""Admin pages: programmes, coordinators and their scopes, deletion on request."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from mentor.admin import bp
from mentor.admin.forms import (
    ConfirmForm,
    CoordinatorForm,
    CoordinatorScopeForm,
    ProgrammeForm,
)
from mentor.auth.access import role_required
from mentor.extensions import db
from mentor.models import Programme, User
from mentor.models.enums import Role
from mentor.services import accounts, programmes
from mentor.services.errors import DomainError

PROGRAMME_FIELDS = (
    "code",
    "name",
    "description",
    "women_only",
    "allows_woman_required",
    "proposal_deadline_days",
    "cascade",
    "notice_school_days",
    "answer_lead_school_days",
    "weekends_open",
    "active",
)


def _programme_choices() -> list[tuple[int, str]]:
    return [
        (p.id, p.name) for p in db.session.scalars(sa.select(Programme).order_by(Programme.name))
    ]


@bp.get("/")
@role_required(Role.ADMIN)
def home() -> str:
    counts = dict(
        db.session.execute(
            sa.select(User.role, sa.func.count(User.id))
            .where(User.deleted_at.is_(None))
            .group_by(User.role)
        ).all()
    )
    return render_template("admin/home.html", counts=counts)


@bp.route("/koordinatorer", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def coordinators() -> str | Response:
    form = CoordinatorForm()
    form.programmes.choices = _programme_choices()
    if form.validate_on_submit():
        try:
            programmes.create_coordinator(
                db.session,
                current_user,
                email=form.email.data or "",
                full_name=form.full_name.data or "",
                programme_ids=form.programmes.data or [],
            )
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "email").errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Koordinatoren er oprettet og har fået en mail med et link."), "success")
            return redirect(url_for("admin.coordinators"))
    people = db.session.scalars(
        sa.select(User)
        .where(User.role == Role.COORDINATOR, User.deleted_at.is_(None))
        .order_by(User.full_name)
    ).all()
    return render_template("admin/coordinators.html", form=form, coordinators=people)


@bp.route("/koordinatorer/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def coordinator(user_id: int) -> str | Response:
    person = db.session.get(User, user_id)
    if person is None or person.role != Role.COORDINATOR or person.deleted_at is not None:
        abort(404)
    form = CoordinatorScopeForm(programmes=[p.id for p in person.coordinated_programmes])
    form.programmes.choices = _programme_choices()
    if form.validate_on_submit():
        try:
            programmes.set_coordinator_scope(
                db.session, current_user, person, form.programmes.data or []
            )
        except DomainError as error:
            db.session.rollback()
            form.programmes.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Koordinatorens programmer er gemt."), "success")
            return redirect(url_for("admin.coordinators"))
    return render_template("admin/coordinator.html", form=form, person=person)


@bp.get("/programmer", endpoint="programmes")
@role_required(Role.ADMIN)
def programme_list() -> str:
    rows = db.session.scalars(sa.select(Programme).order_by(Programme.name)).all()
    return render_template("admin/programmes.html", programmes=rows)


@bp.route("/programmer/ny", methods=["GET", "POST"], defaults={"programme_id": None})
@bp.route("/programmer/<int:programme_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def programme(programme_id: int | None) -> str | Response:
    existing = db.session.get(Programme, programme_id) if programme_id is not None else None
    if programme_id is not None and existing is None:
        abort(404)
    form = ProgrammeForm(obj=existing)
    if existing is None and not form.is_submitted():
        form.proposal_deadline_days.data = 7
        form.active.data = True
        form.cascade.data = True
        form.notice_school_days.data = 10
        form.answer_lead_school_days.data = 5
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in PROGRAMME_FIELDS}
        try:
            programmes.save_programme(db.session, current_user, existing, values)
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "code").errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Programmet er gemt."), "success")
            return redirect(url_for("admin.programmes"))
    return render_template("admin/programme.html", form=form, programme=existing)


@bp.route("/brugere/<int:user_id>/slet", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def delete_user(user_id: int) -> str | Response:
    person = db.session.get(User, user_id)
    if person is None or person.deleted_at is not None:
        abort(404)
    if person.id == current_user.id:
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        accounts.delete_account(db.session, person, current_user)
        db.session.commit()
        flash(_("Brugerens personoplysninger er slettet."), "success")
        return redirect(url_for("admin.home"))
    return render_template("admin/delete_user.html", form=form, person=person)


def _person(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None or person.deleted_at is not None:
        abort(404)
    if person.id == current_user.id:
        abort(403)
    return person

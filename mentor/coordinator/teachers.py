"""Teachers waiting to be vouched for at their school: a coordinator approves or rejects."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from mentor.auth.access import role_required
from mentor.coordinator import bp
from mentor.extensions import db
from mentor.models.enums import Role
from mentor.services import membership
from mentor.services.errors import DomainError, NotFound
from mentor.teachers.forms import MembershipForm

STAFF = (Role.COORDINATOR, Role.ADMIN)


@bp.get("/laerere/ventende")
@role_required(*STAFF)
def pending_teachers() -> str:
    return render_template(
        "coordinator/pending_teachers.html",
        pending=membership.pending_for(db.session, current_user),
        form=MembershipForm(),
    )


@bp.post("/laerere/<int:teacher_id>/<any(godkend, afvis):decision>")
@role_required(*STAFF)
def decide_teacher(teacher_id: int, decision: str) -> Response:
    form = MembershipForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if decision == "godkend":
            profile = membership.approve(db.session, current_user, teacher_id)
            message = _(
                "%(name)s er godkendt som lærer på %(school)s.",
                name=profile.user.full_name,
                school=profile.school.name,
            )
        else:
            profile = membership.reject(
                db.session, current_user, teacher_id, form.reason.data or ""
            )
            message = _("%(name)s er afvist.", name=profile.user.full_name)
    except NotFound:
        db.session.rollback()
        abort(404)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("coordinator.pending_teachers"))

"""The school's teachers: who acts for the school, and newcomers waiting to be vouched for."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from mentor.auth.access import role_required
from mentor.extensions import db
from mentor.models.enums import Role
from mentor.services import membership
from mentor.services.errors import DomainError, NotFound
from mentor.teachers import bp
from mentor.teachers.forms import MembershipForm


@bp.get("/kolleger")
@role_required(Role.TEACHER)
def colleagues() -> str:
    profile = current_user.teacher_profile
    if profile is None:
        abort(404)
    approved = profile.is_approved
    return render_template(
        "teachers/colleagues.html",
        profile=profile,
        colleagues=membership.approved_colleagues(db.session, profile.school_id),
        # Only an approved member sees who else asks to join.
        pending=membership.pending_members(db.session, profile.school_id) if approved else [],
        form=MembershipForm(),
    )


@bp.post("/kolleger/<int:teacher_id>/<any(godkend, afvis):decision>")
@role_required(Role.TEACHER, verified=True)
def decide_colleague(teacher_id: int, decision: str) -> Response:
    form = MembershipForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if decision == "godkend":
            profile = membership.approve(db.session, current_user, teacher_id)
            message = _("%(name)s er godkendt som lærer på skolen.", name=profile.user.full_name)
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
    return redirect(url_for("teachers.colleagues"))

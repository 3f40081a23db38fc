"""The coordinator's overview: what needs attention today in their programmes."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from mentor.auth.access import programme_ids_for, role_required
from mentor.coordinator import bp
from mentor.extensions import db
from mentor.models.enums import Role
from mentor.services import lists, membership
from mentor.services.record import waiting_training_requests


@bp.get("/")
@role_required(Role.COORDINATOR, Role.ADMIN)
def home() -> str:
    scope = programme_ids_for(current_user)
    return render_template(
        "coordinator/home.html",
        attention=lists.attention(db.session, scope),
        programmes=lists.scoped_programmes(db.session, scope),
        training_requests=waiting_training_requests(db.session, scope),
        pending_teachers=len(membership.pending_for(db.session, current_user)),
    )

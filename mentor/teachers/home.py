"""The teacher's overview: the school's requests and their state."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from mentor.auth.access import role_required
from mentor.extensions import db
from mentor.models.enums import Role
from mentor.services import requests as booking
from mentor.teachers import bp


@bp.get("/")
@role_required(Role.TEACHER)
def home() -> str:
    profile = current_user.teacher_profile
    rows = booking.requests_visible_to(db.session, current_user) if profile else []
    return render_template(
        "teachers/home.html",
        school=profile.school if profile else None,
        membership=profile.membership.value if profile else None,
        requests=rows,
        can_change=lambda r: booking.can_change(current_user, r),
    )

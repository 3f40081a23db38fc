"""The booking edit form teachers and coordinators share; each blueprint has its route."""

from __future__ import annotations

from collections.abc import Collection

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from mentor.extensions import db
from mentor.forms.common import attach_error
from mentor.models import BookingRequest
from mentor.services import requests as booking
from mentor.services.errors import DomainError
from mentor.teachers.forms import RequestForm, set_request_choices


def edit_request_page(
    found: BookingRequest,
    *,
    detail_endpoint: str,
    template: str,
    programme_ids: Collection[int] | None = None,
) -> str | Response:
    """Edit a booking; `programme_ids` limits the programmes it may be moved to."""
    form = RequestForm()
    set_request_choices(form, db.session, [found.school], existing=found)
    if programme_ids is not None:
        form.programme_id.choices = [c for c in form.programme_id.choices if c[0] in programme_ids]
    back_url = url_for(detail_endpoint, request_id=found.id)
    if not form.is_submitted():
        form.fill(booking.prefill_from(found, with_windows=True))
    if form.validate_on_submit():
        try:
            booking.update_request(db.session, current_user, found, form.to_data())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error, form.ALIASES)
        else:
            db.session.commit()
            flash(_("Bookingen er opdateret."), "success")
            from mentor.teachers.requests import flash_closed_windows

            flash_closed_windows(found)
            return redirect(back_url)
    return render_template(template, form=form, editing=found, back_url=back_url)

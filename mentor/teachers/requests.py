"""Booking a role model: new, edit, cancel, see the match and message the role model."""

from __future__ import annotations

import re
import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from mentor.auth.access import role_required
from mentor.extensions import db, limiter
from mentor.formatting import short_date
from mentor.forms.common import attach_error
from mentor.models import BookingRequest
from mentor.models.enums import RequestStatus, Role, SchoolMembership
from mentor.services import membership, messages
from mentor.services import requests as booking
from mentor.services.errors import DomainError
from mentor.teachers import bp
from mentor.teachers.edit_page import edit_request_page
from mentor.teachers.forms import CancelForm, MessageForm, RequestForm, set_request_choices

FORM_KEY = re.compile(r"[0-9a-f]{32}")


def _own_request(request_id: int) -> BookingRequest:
    """The request if this teacher may act for it (see services.membership); 404 otherwise."""
    found = db.session.get(BookingRequest, request_id)
    if found is None or not membership.may_act_for(current_user, found):
        abort(404)
    return found


@bp.route("/bookinger/ny", methods=["GET", "POST"])
@role_required(Role.TEACHER, verified=True)
def new_request() -> str | Response:
    profile = current_user.teacher_profile
    if profile is None:
        abort(404)
    if profile.membership == SchoolMembership.REJECTED:
        abort(403)
    form = RequestForm()
    set_request_choices(form, db.session, [profile.school])
    if not form.is_submitted():
        form.school_id.data = profile.school_id
        form.form_key.data = uuid.uuid4().hex
        copy_of = request.args.get("kopi", type=int)
        if copy_of is not None:
            form.fill(booking.prefill_from(_own_request(copy_of)))
    elif form.form_key.data and not FORM_KEY.fullmatch(form.form_key.data):
        abort(400)  # not a key this app made: a hand-made request
    if form.validate_on_submit():
        try:
            created = booking.create_request(
                db.session, current_user, form.to_data(), form_key=form.form_key.data or None
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error, form.ALIASES)
        else:
            db.session.commit()
            flash(
                _("Tak! Vi har modtaget din booking og giver besked, når vi har et match."),
                "success",
            )
            flash_closed_windows(created)
            return redirect(url_for("teachers.request_detail", request_id=created.id))
    return render_template(
        "teachers/request_form.html", form=form, editing=None, back_url=url_for("teachers.home")
    )


def flash_closed_windows(found: BookingRequest) -> None:
    """Say which of the dates the school is closed on: those are not used for the visit."""
    closed = booking.closed_windows(db.session, found)
    if closed:
        flash(
            _(
                "Skolen holder lukket %(days)s, så den dato bruges ikke.",
                days=", ".join(f"{short_date(day)} ({name})" for day, name in closed),
            )
            if len(closed) == 1
            else _(
                "Skolen holder lukket %(days)s, så de datoer bruges ikke.",
                days=", ".join(f"{short_date(day)} ({name})" for day, name in closed),
            ),
            "warn",
        )


@bp.get("/bookinger/<int:request_id>")
@role_required(Role.TEACHER)
def request_detail(request_id: int) -> str:
    found = _own_request(request_id)
    visit = booking.visits_by_request(db.session, [found.id]).get(found.id)
    matched = found.status in (RequestStatus.CONFIRMED, RequestStatus.COMPLETED)
    return render_template(
        "teachers/request_detail.html",
        booking_request=found,
        visit=visit if matched else None,
        can_change=booking.can_change(current_user, found),
        closed_days=dict(booking.closed_windows(db.session, found)),
        cancel_form=CancelForm(),
        message_form=MessageForm(),
    )


@bp.route("/bookinger/<int:request_id>/ret", methods=["GET", "POST"])
@role_required(Role.TEACHER, verified=True)
def edit_request(request_id: int) -> str | Response:
    found = _own_request(request_id)
    if not booking.can_change(current_user, found):
        flash(_("Bookingen kan ikke længere ændres: en rollemodel har bekræftet."), "error")
        return redirect(url_for("teachers.request_detail", request_id=found.id))
    return edit_request_page(
        found, detail_endpoint="teachers.request_detail", template="teachers/request_form.html"
    )


@bp.post("/bookinger/<int:request_id>/aflys")
@role_required(Role.TEACHER)
def cancel_request(request_id: int) -> Response:
    found = _own_request(request_id)
    if not CancelForm().validate_on_submit():
        abort(400)
    try:
        booking.cancel_request(db.session, current_user, found)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Bookingen er aflyst."), "success")
    return redirect(url_for("teachers.request_detail", request_id=found.id))


@bp.post("/bookinger/<int:request_id>/besked")
@role_required(Role.TEACHER)
@limiter.limit("20 per hour")
def message(request_id: int) -> str | Response:
    found = _own_request(request_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            messages.relay_message(db.session, current_user, found, form.body.data or "")
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Din besked er sendt til rollemodellen."), "success")
            return redirect(url_for("teachers.request_detail", request_id=found.id))
    visit = booking.visits_by_request(db.session, [found.id]).get(found.id)
    matched = found.status in (RequestStatus.CONFIRMED, RequestStatus.COMPLETED)
    return render_template(
        "teachers/request_detail.html",
        booking_request=found,
        visit=visit if matched else None,
        can_change=booking.can_change(current_user, found),
        closed_days=dict(booking.closed_windows(db.session, found)),
        cancel_form=CancelForm(),
        message_form=form,
    ), 400

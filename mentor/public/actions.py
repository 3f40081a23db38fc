"""The pages behind signed mail links: one action each, no login needed.

GET shows what the link is for and a button; POST does it (a link preview or a virus
scanner that follows links must not answer for the person). The token is the permission,
for that one object and that one action (see mentor/services/action_links.py).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from mentor.coordinator.run_forms import EmptyForm
from mentor.extensions import db, limiter
from mentor.models.base import utcnow
from mentor.models.enums import FeedbackAuthor
from mentor.public.routes import bp
from mentor.services import action_links, retention
from mentor.services import requests as booking
from mentor.services.errors import DomainError

Page = str | Response | tuple[str, int]


def _link_problem(error: DomainError) -> tuple[str, int]:
    db.session.rollback()
    return render_template("auth/link_problem.html", message=error.message), 400


@bp.route("/tilbagemelding/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def feedback_by_link(token: str) -> Page:
    """The feedback link of a reminder: the report on one visit, by one of its parties."""
    from mentor.feedback_pages import feedback_page

    try:
        visit, user, role = action_links.read_feedback_link(db.session, token)
    except DomainError as error:
        return _link_problem(error)
    if request.method == "POST":
        action_links.mark_active(user, utcnow())
    volunteer = role == FeedbackAuthor.VOLUNTEER
    return feedback_page(
        visit.id,
        author=role,
        template="volunteers/feedback.html" if volunteer else "teachers/feedback.html",
        done_endpoint="public.index",
        thanks=lambda _visit: _("Tak for din tilbagemelding!"),
        closed_once_corrected=not volunteer,
        user=user,
        done_url=url_for("public.feedback_by_link", token=token),
    )


@bp.route("/booking/aflys/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def cancel_by_link(token: str) -> Page:
    """Cancel one booking from the receipt or the "not matched" mail."""
    try:
        found, teacher = action_links.read_cancel_link(db.session, token)
    except DomainError as error:
        return _link_problem(error)
    form = EmptyForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            booking.cancel_request(db.session, teacher, found, reason="", now=now)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            action_links.mark_active(teacher, now)
            db.session.commit()
            flash(_("Bookingen er aflyst. Tak for besked."), "success")
            return redirect(url_for("public.cancel_by_link", token=token))
    return render_template("public/cancel_booking.html", booking=found, form=form)


@bp.route("/konto/behold/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def keep_account(token: str) -> Page:
    """The link in the retention warning: keep the account, reset the clock."""
    try:
        user = action_links.read_keep_account_link(db.session, token)
    except DomainError as error:
        return _link_problem(error)
    form = EmptyForm()
    kept = False
    if form.validate_on_submit():
        retention.keep(db.session, user, utcnow())
        db.session.commit()
        kept = True
    return render_template("public/keep_account.html", form=form, kept=kept, person=user)


@bp.route("/besked/svar/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reply_by_link(token: str) -> Page:
    """Answer a relayed message in one conversation, without logging in."""
    from mentor.services import messages
    from mentor.teachers.forms import MessageForm

    try:
        found, user = action_links.read_reply_link(db.session, token)
        talk = messages.conversation(db.session, found)
    except DomainError as error:
        return _link_problem(error)
    form = MessageForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            messages.relay_message(db.session, user, found, form.body.data or "", now)
        except DomainError as error:
            db.session.rollback()
            form.body.errors = [*form.body.errors, error.message]
        else:
            action_links.mark_active(user, now)
            db.session.commit()
            flash(_("Dit svar er sendt."), "success")
            return redirect(url_for("public.reply_by_link", token=token))
    other = (
        talk.teacher
        if user.id == (talk.volunteer.id if talk.volunteer else None)
        else (talk.volunteer)
    )
    status = 400 if form.errors else 200
    return render_template(
        "public/reply.html", form=form, booking=found, visit=talk.visit, other=other
    ), status

"""The feedback pages teachers and volunteers share; each blueprint adds its own route."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from mentor.extensions import db
from mentor.forms.feedback import FeedbackForm, attach_error, fill_from
from mentor.models import User, Visit
from mentor.models.base import utcnow
from mentor.models.enums import FeedbackAuthor
from mentor.services import feedback as feedback_service
from mentor.services.errors import DomainError, NotFound


def overview_page(template: str) -> str:
    visits = feedback_service.visits_awaiting_feedback(db.session, current_user, utcnow())
    return render_template(template, visits=visits)


def feedback_page(
    visit_id: int,
    *,
    author: FeedbackAuthor,
    template: str,
    done_endpoint: str,
    thanks: Callable[[Visit], str],
    closed_once_corrected: bool,
    user: User | None = None,
    done_url: str | None = None,
) -> str | Response:
    """Show and take one person's report on one visit they took part in.

    `user` is the logged-in person, or the one a signed mail link was made for.
    """
    now = utcnow()
    user = user if user is not None else current_user
    try:
        visit = feedback_service.visit_for(db.session, visit_id, user)
    except NotFound:
        abort(404)
    own = feedback_service.report_by(visit, author)
    form = FeedbackForm()
    if not form.is_submitted() and own is not None:
        fill_from(form, own, visit)
    if form.validate_on_submit():
        try:
            feedback_service.submit_feedback(db.session, visit.id, user, form.report(), now)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(thanks(visit), "success")
            return cast(Response, redirect(done_url or url_for(done_endpoint)))
    is_open = visit.starts_at <= now and not (
        closed_once_corrected and feedback_service.corrected(visit)
    )
    return render_template(
        template,
        form=form,
        visit=visit,
        state=feedback_service.feedback_state(visit, now),
        open=is_open,
        own=own,
    )

"""A volunteer's proposals: see one, accept or decline it (logged in, or by the mailed link)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from mentor.auth.access import role_required
from mentor.coordinator.run_forms import EmptyForm
from mentor.extensions import db, limiter
from mentor.models import Proposal, Visit
from mentor.models.enums import Role
from mentor.services import proposals
from mentor.services.errors import DomainError
from mentor.volunteers import bp


def _own_proposal(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    profile = current_user.volunteer_profile
    if proposal is None or profile is None or proposal.volunteer_id != profile.id:
        abort(404)
    return proposal


def _answer(proposal: Proposal, answer: str) -> Response | None:
    try:
        if answer == "accept":
            proposals.accept(db.session, proposal.id)
            message = _("Tak! Besøget er aftalt, og læreren har fået besked.")
        elif answer == "decline":
            proposals.decline(db.session, proposal.id, reason=request.form.get("reason", ""))
            message = _("Tak for svaret. Vi finder en anden rollemodel til klassen.")
        else:
            abort(400)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return None
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("volunteers.home")) if current_user.is_authenticated else None


@bp.route("/forslag/<int:proposal_id>", methods=["GET", "POST"])
@role_required(Role.VOLUNTEER)
def proposal(proposal_id: int) -> str | Response:
    found = _own_proposal(proposal_id)
    form = EmptyForm()
    if form.validate_on_submit():
        done = _answer(found, request.form.get("answer", ""))
        if done is not None:
            return done
    return render_template(
        "volunteers/proposal.html", proposal=found, form=form, token=None, visit=_visit_of(found)
    )


@bp.route("/svar/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def answer(token: str) -> str | Response | tuple[str, int]:
    """The mailed link: the signed token is the permission, so no login is needed."""
    try:
        found = proposals.proposal_from_token(db.session, token)
    except DomainError as error:
        return render_template("auth/link_problem.html", message=error.message), 400
    form = EmptyForm()
    answered = False
    if form.validate_on_submit():
        done = _answer(found, request.form.get("answer", ""))
        if done is not None:
            return done
        answered = True
    db.session.refresh(found)
    return render_template(
        "volunteers/proposal.html",
        proposal=found,
        form=form,
        token=token,
        answered=answered,
        visit=_visit_of(found),
    )


def _visit_of(proposal: Proposal) -> Visit | None:
    return db.session.scalar(sa.select(Visit).where(Visit.proposal_id == proposal.id))

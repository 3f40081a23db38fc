"""Public pages: landing, about, language choice, health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from mentor.auth.redirects import safe_target
from mentor.extensions import csrf, db

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> str:
    from mentor.services.landing import public_figures

    return render_template("public/index.html", figures=public_figures(db.session))


@bp.get("/about")
def about() -> str:
    return render_template("public/about.html")


@bp.get("/privatliv")
def privacy() -> str:
    """The privacy notice (GDPR art. 13-14), with the cookie statement."""
    from flask import current_app

    from mentor.privacy import CONSENT_VERSION, Controller

    config = current_app.config
    return render_template(
        "public/privacy.html",
        details=Controller.from_config(config),
        version=CONSENT_VERSION,
        retention_years=round(int(config["RETENTION_INACTIVE_DAYS"]) / 365, 1),
        warning_days=int(config["RETENTION_WARNING_DAYS"]),
    )


@bp.get("/vilkaar")
def terms() -> str:
    """What a role model agrees to: conduct at schools, with a teacher always present."""
    from mentor.privacy import CONSENT_VERSION

    return render_template("public/terms.html", version=CONSENT_VERSION)


@bp.post("/language")
def set_language() -> Response:
    lang = request.form.get("lang", "")
    if lang in ("da", "en"):
        session["lang"] = lang
    # Only same-site paths: an open redirect would let links to us bounce elsewhere.
    return redirect(safe_target(request.form.get("next"), url_for("public.index")))


@bp.get("/healthz")
@csrf.exempt
def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        return jsonify(status="error", database=type(exc).__name__), 503
    return jsonify(status="ok", database="ok"), 200


@bp.route("/besoeg/stadig-aktuelt/<token>", methods=["GET", "POST"])
def still_on(token: str) -> str | tuple[str, int] | Response:
    """The "still on?" link in a visit reminder: GET asks, POST records the answer."""
    from mentor.models.base import utcnow
    from mentor.services.errors import DomainError
    from mentor.services.reminders import confirm_still_on, read_still_on_token

    try:
        read_still_on_token(token)
    except DomainError as error:
        return render_template("auth/link_problem.html", message=error.message), 400
    if request.method == "POST":
        try:
            confirm_still_on(db.session, token, utcnow())
        except DomainError as error:
            db.session.rollback()
            return render_template("auth/link_problem.html", message=error.message), 400
        db.session.commit()
        return render_template("public/still_on.html", confirmed=True)
    return render_template("public/still_on.html", confirmed=False)


from mentor.public import actions  # noqa: E402,F401  (routes on this blueprint)

"""Sign-up, e-mail verification, login, logout and password reset."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from mentor.auth import bp, devices
from mentor.auth.forms import (
    ForgotPasswordForm,
    LoginForm,
    ResendVerificationForm,
    ResetPasswordForm,
    SignupForm,
    TeacherSignupForm,
)
from mentor.auth.redirects import safe_target
from mentor.auth.timing import at_least
from mentor.extensions import db, limiter
from mentor.models import School
from mentor.models.enums import Role, SchoolType
from mentor.services import accounts
from mentor.services.errors import DomainError
from mentor.services.schools import find_or_create_school

HOME_ENDPOINTS = {
    Role.VOLUNTEER: "volunteers.home",
    Role.TEACHER: "teachers.home",
    Role.COORDINATOR: "coordinator.home",
    Role.ADMIN: "admin.home",
}


def _account_key() -> str:
    """Rate-limit key per account: the address being tried, whatever IP it comes from."""
    return "account:" + request.form.get("email", "").strip().lower()


def _failed(response: Response) -> bool:
    """Only failed attempts count: a successful login (a redirect) costs nothing."""
    return response.status_code != 302


def _known_device() -> bool:
    return devices.trusted_for(request.form.get("email", ""))


def _attach_error(form, error: DomainError) -> None:  # type: ignore[no-untyped-def]
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


@bp.get("/hjem")
@login_required
def home() -> Response:
    return redirect(url_for(HOME_ENDPOINTS[current_user.role]))


@bp.route("/login", methods=["GET", "POST"])
# Failed attempts only. Per address: whoever guesses is throttled, on every account.
@limiter.limit("10 per minute;100 per day", methods=["POST"], deduct_when=_failed)
# Per account: guessing at one account from many addresses is slowed down, but a browser
# the owner has logged in from before is exempt, so nobody can lock her out.
@limiter.limit(
    "10 per 15 minutes;40 per day",
    methods=["POST"],
    key_func=_account_key,
    deduct_when=_failed,
    exempt_when=_known_device,
)
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                db.session, form.email.data or "", form.password.data or ""
            )
        except DomainError as error:
            db.session.commit()  # keep the audit entry of the failed attempt
            _attach_error(form, error)
        else:
            db.session.commit()
            login_user(user)
            response = redirect(safe_target(request.args.get("next"), url_for("auth.home")))
            devices.remember(response, form.email.data or "")
            return response
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    # A new session stamp: a copy of this session's cookie no longer signs anyone in.
    accounts.end_sessions(db.session, current_user, reason="logout")
    db.session.commit()
    logout_user()
    flash(_("Du er logget ud."), "success")
    return redirect(url_for("public.index"))


def _signup(role: Role, form: SignupForm, template: str) -> str | Response:
    if form.validate_on_submit():
        try:
            school = _chosen_school(form) if isinstance(form, TeacherSignupForm) else None
            with at_least("SIGNUP_SECONDS", 0.3):
                _register(role, form, school)
                db.session.commit()
        except DomainError as error:
            db.session.rollback()
            _attach_error(form, error)
        else:
            # The same answer whether the address was new or already had an account (its
            # owner got a mail instead): nobody learns here who has an account.
            flash(
                _(
                    "Tak! Vi har sendt en mail til %(email)s. Klik på linket i mailen for at "
                    "bekræfte din adresse, og log så ind.",
                    email=accounts.normalise_email(form.email.data or ""),
                ),
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_template(template, form=form)


def _register(role: Role, form: SignupForm, school: School | None) -> None:
    accounts.register(
        db.session,
        role=role,
        email=form.email.data or "",
        full_name=form.full_name.data or "",
        password=form.password.data or "",
        consent=bool(form.consent.data),
        locale=_current_locale(),
        school=school,
    )


def _current_locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "da")


def _chosen_school(form: TeacherSignupForm) -> School:
    if form.school_name.data:
        # A new school needs its street address: the role model must find the way there.
        if len((form.school_address.data or "").strip()) < 3:
            raise DomainError(_("Skriv skolens adresse (vej og nummer)."), field="school_address")
        return find_or_create_school(
            db.session,
            name=form.school_name.data,
            school_type=SchoolType(form.school_type.data or SchoolType.FOLKESKOLE.value),
            postcode=form.school_postcode.data or "",
            address=form.school_address.data or "",
            phone=form.school_phone.data or "",
        )
    school = db.session.get(School, form.school_id.data) if form.school_id.data else None
    if school is None:
        raise DomainError(_("Vælg din skole, eller tilføj den."), field="school_id")
    return school


@bp.route("/tilmeld/frivillig", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def signup_volunteer() -> str | Response:
    return _signup(Role.VOLUNTEER, SignupForm(), "auth/signup_volunteer.html")


@bp.route("/tilmeld/laerer", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def signup_teacher() -> str | Response:
    form = TeacherSignupForm()
    schools = db.session.execute(
        sa.select(School.id, School.name, School.postcode).order_by(School.name)
    ).all()
    form.school_id.choices = [(0, _("– vælg skole –"))] + [
        (s.id, f"{s.name} ({s.postcode})") for s in schools
    ]
    return _signup(Role.TEACHER, form, "auth/signup_teacher.html")


@bp.get("/bekraeft/<token>")
def verify_email(token: str) -> str | Response:
    try:
        user = accounts.verify_email(db.session, token)
    except DomainError as error:
        db.session.rollback()
        return render_template("auth/link_problem.html", message=error.message), 400
    db.session.commit()
    flash(_("Tak! Din e-mailadresse er bekræftet."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("auth.home"))
    return redirect(url_for("auth.login"))


@bp.post("/bekraeft/igen")
@login_required
@limiter.limit("5 per hour")
def resend_verification() -> Response:
    form = ResendVerificationForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_verified:
        flash(_("Din e-mailadresse er allerede bekræftet."), "info")
    elif accounts.queue_verification(db.session, current_user, accounts.utcnow()):
        db.session.commit()
        flash(_("Vi har sendt en ny mail med et link."), "success")
    else:
        flash(_("Vi har lige sendt en mail. Vent et minut, før du beder om en ny."), "info")
    return redirect(url_for("auth.home"))


@bp.route("/adgangskode/glemt", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_account_key)
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with at_least("RESET_REQUEST_SECONDS", 0.25):
            accounts.request_password_reset(db.session, form.email.data or "")
            db.session.commit()
        flash(
            _(
                "Hvis adressen har en konto, har vi sendt et link til at vælge en ny adgangskode. "
                "Linket virker i en time."
            ),
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/adgangskode/ny/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reset_password(token: str) -> str | Response | tuple[str, int]:
    try:
        accounts.user_for_reset_token(db.session, token)
    except DomainError as error:
        return render_template("auth/link_problem.html", message=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(db.session, token, form.password.data or "")
        except DomainError as error:
            db.session.rollback()
            _attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Din adgangskode er skiftet. Log ind med den nye."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)

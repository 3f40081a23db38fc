"""The person's own account: settings, data export and deletion (GDPR self-service)."""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from mentor.auth import bp
from mentor.auth.forms import (
    AccountSettingsForm,
    ChangeEmailForm,
    ChangePasswordForm,
    DeleteAccountForm,
    EndSessionsForm,
)
from mentor.auth.passwords import verify_password
from mentor.extensions import db
from mentor.forms.common import attach_error
from mentor.models.base import utcnow
from mentor.services import account_changes, accounts, audit
from mentor.services.errors import DomainError
from mentor.services.text import clean_name


def _account_page(status: int = 200, **forms: object) -> tuple[str, int]:
    """The account page with every form; the one that failed keeps its errors and input."""
    defaults = {
        "form": lambda: AccountSettingsForm(obj=current_user),
        "password_form": ChangePasswordForm,
        "email_form": ChangeEmailForm,
        "delete_form": DeleteAccountForm,
        "sessions_form": EndSessionsForm,
    }
    values = {name: forms.get(name) or make() for name, make in defaults.items()}
    return render_template("account/account.html", **values), status


@bp.route("/konto", methods=["GET", "POST"])
@login_required
def account() -> Response | tuple[str, int]:
    form = AccountSettingsForm(obj=current_user)
    if form.validate_on_submit():
        try:
            full_name = clean_name(form.full_name.data)
        except DomainError as error:
            attach_error(form, error)
            return _account_page(400, form=form)
        current_user.full_name = full_name
        current_user.phone = (form.phone.data or "").strip() or None
        current_user.locale = form.locale.data or "da"
        current_user.reminders_opt_out = bool(form.reminders_opt_out.data)
        session["lang"] = current_user.locale
        audit.record(db.session, current_user, "account_updated", "user", current_user.id)
        db.session.commit()
        flash(_("Dine oplysninger er gemt."), "success")
        return redirect(url_for("auth.account"))
    return _account_page(400 if form.errors else 200, form=form)


@bp.post("/konto/adgangskode")
@login_required
def change_password() -> Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            account_changes.change_password(
                db.session,
                current_user,
                form.current_password.data or "",
                form.new_password.data or "",
                utcnow(),
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # this device carries the new stamp
            flash(_("Din adgangskode er skiftet."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(400, password_form=form)


@bp.post("/konto/email")
@login_required
def change_email() -> Response | tuple[str, int]:
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            new_email = account_changes.request_email_change(
                db.session,
                current_user,
                form.password.data or "",
                form.new_email.data or "",
                utcnow(),
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "Vi har sendt et link til %(email)s. Din adresse skifter, når du har "
                    "åbnet det. Indtil da bruger vi den gamle.",
                    email=new_email,
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    return _account_page(400, email_form=form)


@bp.get("/konto/ny-email/<token>")
def confirm_email_change(token: str) -> Response | tuple[str, int]:
    """The link sent to the new address: it proves the address, so no login is needed."""
    try:
        user = account_changes.confirm_email_change(db.session, token, utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_template("auth/link_problem.html", message=error.message), 400
    db.session.commit()
    if current_user.is_authenticated and current_user.id == user.id:
        login_user(user)  # the other devices are signed out; this one stays
    flash(_("Tak! Din nye e-mailadresse er bekræftet og bruges fra nu af."), "success")
    return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))


@bp.post("/konto/log-ud-andre")
@login_required
def end_other_sessions() -> Response:
    """Log out every other device (a lost phone, a shared computer); keep this one."""
    if not EndSessionsForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    accounts.end_sessions(db.session, user, reason="other_sessions")
    db.session.commit()
    login_user(user)  # this device carries the new stamp
    flash(_("Du er logget ud på alle andre enheder."), "success")
    return redirect(url_for("auth.account"))


@bp.get("/konto/mine-data.json")
@login_required
def export_data() -> Response:
    data = accounts.export_user_data(db.session, current_user)
    audit.record(db.session, current_user, "data_exported", "user", current_user.id)
    db.session.commit()
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="mine-data.json"'},
    )


@bp.post("/konto/slet")
@login_required
def delete_account() -> str | Response | tuple[str, int]:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.password.data or ""):
            form.password.errors = [_("Adgangskoden er forkert.")]
        else:
            try:
                accounts.delete_account(db.session, current_user, current_user)
            except DomainError as error:
                db.session.rollback()
                form.form_errors.append(error.message)
            else:
                db.session.commit()
                logout_user()
                flash(_("Din konto og dine oplysninger er slettet."), "success")
                return redirect(url_for("public.index"))
    return _account_page(400, delete_form=form)

"""The person's own account: settings, data export and deletion (GDPR self-service)."""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from mentor.auth import bp
from mentor.auth.forms import AccountSettingsForm, DeleteAccountForm, EndSessionsForm
from mentor.auth.passwords import verify_password
from mentor.extensions import db
from mentor.forms.common import attach_error
from mentor.services import accounts, audit
from mentor.services.errors import DomainError
from mentor.services.text import clean_name


def _render_account(
    form: AccountSettingsForm | None = None,
    delete_form: DeleteAccountForm | None = None,
    code: int = 200,
) -> tuple[str, int]:
    return render_template(
        "account/account.html",
        form=form or AccountSettingsForm(obj=current_user),
        delete_form=delete_form or DeleteAccountForm(),
        sessions_form=EndSessionsForm(),
    ), code


@bp.route("/konto", methods=["GET", "POST"])
@login_required
def account() -> str | Response:
    form = AccountSettingsForm(obj=current_user)
    if form.validate_on_submit():
        try:
            full_name = clean_name(form.full_name.data)
        except DomainError as error:
            attach_error(form, error)
            return _render_account(form, code=400)
        current_user.full_name = full_name
        current_user.phone = (form.phone.data or "").strip() or None
        current_user.locale = form.locale.data or "da"
        current_user.reminders_opt_out = bool(form.reminders_opt_out.data)
        session["lang"] = current_user.locale
        audit.record(db.session, current_user, "account_updated", "user", current_user.id)
        db.session.commit()
        flash(_("Dine oplysninger er gemt."), "success")
        return redirect(url_for("auth.account"))
    return _render_account(form, code=400 if form.errors else 200)


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
    return _render_account(delete_form=form, code=400)

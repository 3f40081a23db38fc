"""Forms of the auth blueprint: sign-up, login, password reset, account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from mentor.forms.common import REQUIRED, ChoiceField, length
from mentor.models.enums import SchoolType


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), length(max=254)])
    password = PasswordField(_l("Adgangskode"), validators=[DataRequired(REQUIRED)])


class SignupForm(FlaskForm):
    full_name = StringField(_l("Fulde navn"), validators=[DataRequired(REQUIRED), length(2, 120)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(REQUIRED),
            Email(_l("Skriv en gyldig e-mailadresse.")),
            length(max=254),
        ],
    )
    password = PasswordField(
        _l("Adgangskode"),
        validators=[DataRequired(REQUIRED), length(max=200)],
        description=_l("Mindst 10 tegn. Brug gerne en sætning, du kan huske."),
    )
    consent = BooleanField(
        _l(
            "Jeg accepterer, at Rollemodel Match behandler mine oplysninger for at kunne "
            "matche besøg (se Om tjenesten). Jeg kan til enhver tid hente eller slette dem."
        ),
    )


class TeacherSignupForm(SignupForm):
    school_id = ChoiceField(
        _l("Skole"),
        coerce=int,
        validators=[Optional()],
        description=_l("Findes din skole ikke på listen, så tilføj den nedenfor."),
    )
    school_name = StringField(_l("Ny skole: navn"), validators=[Optional(), length(3, 160)])
    school_type = ChoiceField(
        _l("Ny skole: type"),
        choices=[
            (SchoolType.FOLKESKOLE.value, _l("Folkeskole")),
            (SchoolType.FRISKOLE.value, _l("Friskole/privatskole")),
            (SchoolType.GYMNASIUM.value, _l("Gymnasium")),
            (SchoolType.ERHVERVSSKOLE.value, _l("Erhvervsskole")),
            (SchoolType.OTHER.value, _l("Andet")),
        ],
        validators=[Optional()],
    )
    school_postcode = StringField(
        _l("Ny skole: postnummer"),
        validators=[Optional(), Length(4, 4, message=_l("Skriv fire cifre."))],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Ny adgangskode"), validators=[DataRequired(REQUIRED), length(max=200)]
    )
    confirm = PasswordField(
        _l("Gentag adgangskoden"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("Adgangskoderne er ikke ens."))],
    )


class ResendVerificationForm(FlaskForm):
    pass


class AccountSettingsForm(FlaskForm):
    full_name = StringField(_l("Fulde navn"), validators=[DataRequired(REQUIRED), length(2, 120)])
    phone = StringField(_l("Telefon"), validators=[Optional(), length(max=32)])
    locale = ChoiceField(_l("Sprog"), choices=[("da", "Dansk"), ("en", "English")])
    reminders_opt_out = BooleanField(
        _l("Send mig kun de nødvendige påmindelser (fx et besøg i morgen)")
    )


class EndSessionsForm(FlaskForm):
    pass


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Din adgangskode"), validators=[DataRequired(REQUIRED)])
    confirm = BooleanField(
        _l("Ja, slet min konto og mine oplysninger"),
        validators=[DataRequired(_l("Bekræft, at du vil slette kontoen."))],
    )

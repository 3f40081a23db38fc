"""Forms of the auth blueprint: sign-up, login, password reset, account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from mentor.forms.common import REQUIRED, ChoiceField, length
from mentor.models.enums import SchoolType
from mentor.reports.labels import SCHOOL_TYPES


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
    #: The short name shown in the error summary; the consent text itself is beside the
    #: box (templates/_macros/forms.html, consent_field), with links to what it accepts.
    consent = BooleanField(_l("Samtykke"))


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
        choices=[(t.value, SCHOOL_TYPES[t.value]) for t in SchoolType],
        validators=[Optional()],
    )
    school_address = StringField(
        _l("Ny skole: vejnavn og nummer"), validators=[Optional(), length(3, 160)]
    )
    school_postcode = StringField(
        _l("Ny skole: postnummer"),
        validators=[Optional(), Length(4, 4, message=_l("Skriv fire cifre."))],
    )
    school_phone = StringField(
        _l("Ny skole: telefon (valgfri)"), validators=[Optional(), length(max=32)]
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


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Nuværende adgangskode"), validators=[DataRequired(REQUIRED), length(max=200)]
    )
    new_password = PasswordField(
        _l("Ny adgangskode"),
        validators=[DataRequired(REQUIRED), length(max=200)],
        description=_l("Mindst 10 tegn. Brug gerne en sætning, du kan huske."),
    )
    confirm = PasswordField(
        _l("Gentag den nye adgangskode"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("new_password", _l("Adgangskoderne er ikke ens.")),
        ],
    )


class ChangeEmailForm(FlaskForm):
    new_email = EmailField(
        _l("Ny e-mailadresse"),
        validators=[
            DataRequired(REQUIRED),
            Email(_l("Skriv en gyldig e-mailadresse.")),
            length(max=254),
        ],
        description=_l("Vi sender et link til den nye adresse. Den gælder, når du har åbnet det."),
    )
    password = PasswordField(_l("Din adgangskode"), validators=[DataRequired(REQUIRED)])

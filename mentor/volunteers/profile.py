"""The volunteer's own profile: who they are, where and when they can visit."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from mentor.auth.access import role_required
from mentor.extensions import db
from mentor.forms.common import attach_error
from mentor.models import Programme, SchoolLevel, Subject, User, VolunteerProfile
from mentor.models.enums import Gender, Role, RoleModelKind
from mentor.services import volunteers
from mentor.services.errors import DomainError
from mentor.volunteers import bp
from mentor.volunteers.forms import ProfileForm, parse_dates


def set_profile_choices(
    form: ProfileForm, session: Session, profile: VolunteerProfile | None
) -> None:
    """Offer the active taxonomy and programmes, plus what the profile already has."""
    locale = str(get_locale() or "da")
    kept_subjects = [s.id for s in profile.subjects] if profile else []
    kept_programmes = [p.id for p in profile.programmes] if profile else []
    subjects = session.scalars(
        sa.select(Subject)
        .where(sa.or_(Subject.active.is_(True), Subject.id.in_(kept_subjects)))
        .order_by(Subject.name_da)
    )
    form.subjects.choices = [(s.id, s.name(locale)) for s in subjects]
    levels = session.scalars(sa.select(SchoolLevel).order_by(SchoolLevel.sort_order))
    form.levels.choices = [(lv.id, lv.name(locale)) for lv in levels]
    programmes = session.scalars(
        sa.select(Programme)
        .where(sa.or_(Programme.active.is_(True), Programme.id.in_(kept_programmes)))
        .order_by(Programme.name)
    )
    form.programmes.choices = [
        (p.id, p.name + (" " + _("(kun kvinder)") if p.women_only else "")) for p in programmes
    ]


def fill_profile_form(form: ProfileForm, user: User, profile: VolunteerProfile | None) -> None:
    form.full_name.data = user.full_name
    form.phone.data = user.phone
    if profile is None:
        return
    for name in (
        "pronoun",
        "education",
        "job_title",
        "employer",
        "story",
        "postcode",
        "travel_radius_km",
        "virtual_ok",
        "visits_per_term",
        "paused_until",
    ):
        getattr(form, name).data = getattr(profile, name)
    form.gender.data = profile.gender.value
    form.kind.data = profile.kind.value
    form.languages.data = list(profile.languages)
    form.weekdays.data = list(profile.weekdays)
    form.subjects.data = [s.id for s in profile.subjects]
    form.levels.data = [lv.id for lv in profile.levels]
    form.programmes.data = [p.id for p in profile.programmes]
    for i, period in enumerate(profile.periods[:3], start=1):
        getattr(form, f"period{i}_from").data = period.date_from
        getattr(form, f"period{i}_to").data = period.date_to
    form.blackout_dates.data = "\n".join(b.day.isoformat() for b in profile.blackout_dates)


def profile_data(form: ProfileForm) -> volunteers.ProfileData:
    values: dict[str, Any] = dict(
        full_name=form.full_name.data or "",
        phone=form.phone.data or "",
        gender=Gender(form.gender.data),
        pronoun=form.pronoun.data or "",
        kind=RoleModelKind(form.kind.data),
        education=form.education.data or "",
        job_title=form.job_title.data or "",
        employer=form.employer.data or "",
        story=form.story.data or "",
        languages=tuple(form.languages.data or ()),
        postcode=(form.postcode.data or "").strip(),
        travel_radius_km=form.travel_radius_km.data or 0,
        virtual_ok=bool(form.virtual_ok.data),
        weekdays=tuple(form.weekdays.data or ()),
        visits_per_term=form.visits_per_term.data or 0,
        subject_ids=tuple(form.subjects.data or ()),
        level_ids=tuple(form.levels.data or ()),
        programme_ids=tuple(form.programmes.data or ()),
        periods=tuple(form.periods()),
        blackout_dates=tuple(parse_dates(form.blackout_dates.data or "")),
        paused_until=form.paused_until.data,
    )
    return volunteers.ProfileData(**values)


@bp.route("/profil", methods=["GET", "POST"])
@role_required(Role.VOLUNTEER)
def profile() -> str | Response:
    existing = current_user.volunteer_profile
    form = ProfileForm()
    set_profile_choices(form, db.session, existing)
    if not form.is_submitted():
        fill_profile_form(form, current_user, existing)
    if form.validate_on_submit():
        try:
            volunteers.save_profile(db.session, current_user, profile_data(form))
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error, form.ALIASES)
        else:
            db.session.commit()
            if existing is None:
                flash(
                    _("Tak! Din profil er gemt. En koordinator kigger på den og godkender dig."),
                    "success",
                )
            else:
                flash(_("Din profil er gemt."), "success")
            return redirect(url_for("volunteers.home"))
    return render_template(
        "volunteers/profile.html",
        form=form,
        profile=existing,
        school_holidays=coming_school_holidays(existing.municipality_code if existing else None),
    )


def coming_school_holidays(municipality_code: int | None) -> list[Any]:
    """The holidays of the next months, so a volunteer sees which days are never used."""
    from datetime import timedelta

    from mentor.models.base import utcnow
    from mentor.schoolyear import default_calendar
    from mentor.services.school_calendar import closed_periods

    today = utcnow().date()
    calendar = default_calendar(municipality_code or 101)
    return closed_periods(calendar, today, today + timedelta(days=180))

"""The coordinator's lists (volunteers, requests, schools, visits), CSV export, and the
request pages reached from them: detail, edit, status change."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response as WerkzeugResponse

from mentor import geo
from mentor.auth.access import programme_ids_for, require_programme, role_required
from mentor.coordinator import bp
from mentor.coordinator.forms import StatusForm
from mentor.extensions import db
from mentor.forms.common import LANGUAGE_NAMES, attach_error
from mentor.geo.regions import MUNICIPALITIES, REGIONS
from mentor.models import BookingRequest, Proposal, SchoolLevel, Subject, VolunteerProfile
from mentor.models.base import utcnow
from mentor.models.enums import (
    REQUEST_TRANSITIONS,
    RequestStatus,
    Role,
    SchoolType,
    VisitStatus,
    VolunteerStatus,
)
from mentor.reports import labels
from mentor.services import audit, booking_history, lists
from mentor.services import requests as booking
from mentor.services import schools as school_service
from mentor.services.errors import DomainError
from mentor.services.matching import priority_parts
from mentor.teachers.edit_page import edit_request_page

STAFF = (Role.COORDINATOR, Role.ADMIN)


def _filter_options(statuses: list[tuple[str, str]]) -> dict[str, Any]:
    """The choices of the filter bar, limited to the coordinator's programmes."""
    locale = str(get_locale() or "da")
    scope = programme_ids_for(current_user)
    levels = db.session.scalars(sa.select(SchoolLevel).order_by(SchoolLevel.sort_order))
    subjects = db.session.scalars(sa.select(Subject).order_by(Subject.name_da))
    return {
        "programmes": [(p.id, p.name) for p in lists.scoped_programmes(db.session, scope)],
        "regions": sorted(REGIONS.items()),
        "municipalities": sorted(
            ((code, name) for code, (name, _r) in MUNICIPALITIES.items()), key=lambda item: item[1]
        ),
        "levels": [(lv.id, lv.name(locale)) for lv in levels],
        "subjects": [(s.id, s.name(locale)) for s in subjects],
        "statuses": statuses,
    }


def _list_page(kind: str, template: str, statuses: list[tuple[str, str]], **extra: Any) -> str:
    scope = programme_ids_for(current_user)
    query = lists.ListQuery.from_args(request.args)
    page_of = {
        "volunteers": lists.volunteer_page,
        "requests": lists.request_page,
        "schools": lists.school_page,
        "visits": lists.visit_page,
    }[kind]
    return render_template(
        template,
        page=page_of(db.session, scope, query),
        query=query,
        options=_filter_options(statuses),
        region_name=geo.region_name,
        municipality_name=geo.municipality_name,
        **extra,
    )


@bp.get("/rollemodeller")
@role_required(*STAFF)
def volunteers() -> str:
    statuses = [
        (VolunteerStatus.PENDING.value, _("Afventer godkendelse")),
        (VolunteerStatus.APPROVED.value, _("Godkendt")),
        (VolunteerStatus.REJECTED.value, _("Afvist")),
    ]
    return _list_page("volunteers", "coordinator/volunteers.html", statuses)


@bp.get("/bookinger")
@role_required(*STAFF)
def requests() -> str:
    statuses = [
        (RequestStatus.SUBMITTED.value, _("Modtaget (uden forslag)")),
        (RequestStatus.PROPOSED.value, _("Foreslået")),
        (RequestStatus.CONFIRMED.value, _("Bekræftet")),
        (RequestStatus.COMPLETED.value, _("Gennemført")),
        (RequestStatus.CANCELLED.value, _("Aflyst")),
        (RequestStatus.UNMATCHED.value, _("Ikke matchet")),
    ]
    return _list_page("requests", "coordinator/requests.html", statuses)


@bp.get("/skoler")
@role_required(*STAFF)
def schools() -> str:
    types = [(t.value, str(labels.SCHOOL_TYPES[t.value])) for t in SchoolType]
    return _list_page("schools", "coordinator/schools.html", types)


@bp.get("/besoeg")
@role_required(*STAFF)
def visits() -> str:
    statuses = [
        (VisitStatus.PLANNED.value, _("Planlagt")),
        (lists.AWAITING_FEEDBACK, _("Mangler lærerens feedback")),
        (VisitStatus.COMPLETED.value, _("Gennemført")),
        (VisitStatus.NO_SHOW.value, _("Udeblev")),
        (VisitStatus.CANCELLED.value, _("Aflyst")),
    ]
    return _list_page("visits", "coordinator/visits.html", statuses)


@bp.get("/eksport/<any(volunteers, requests, schools, visits):kind>.csv")
@role_required(*STAFF)
def export(kind: str) -> Response:
    scope = programme_ids_for(current_user)
    query = lists.ListQuery.from_args(request.args)
    audit.record(
        db.session,
        current_user,
        "list_exported",
        kind,
        None,
        filters={k: v for k, v in request.args.items() if k != "page"},
    )
    db.session.commit()
    rows = lists.export_csv(db.session, kind, scope, query, locale=str(get_locale() or "da"))
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'},
    )


# The request pages a coordinator reaches from the list.


def _scoped_request(request_id: int) -> BookingRequest:
    found = db.session.get(BookingRequest, request_id)
    if found is None:
        abort(404)
    require_programme(current_user, found.programme_id)
    return found


def _status_form(found: BookingRequest) -> StatusForm:
    form = StatusForm()
    # Confirming and proposing go through proposals and matching, not this form.
    manual = {
        RequestStatus.SUBMITTED,
        RequestStatus.UNMATCHED,
        RequestStatus.CANCELLED,
        RequestStatus.COMPLETED,
    }
    form.status.choices = [
        (s.value, booking.status_label(s))
        for s in RequestStatus
        if s in REQUEST_TRANSITIONS[found.status] and s in manual
    ]
    return form


def _render_request(
    found: BookingRequest, status_form: StatusForm, code: int = 200
) -> tuple[str, int]:
    visit = booking.visits_by_request(db.session, [found.id]).get(found.id)
    proposals = db.session.scalars(
        sa.select(Proposal)
        .where(Proposal.request_id == found.id)
        .options(joinedload(Proposal.volunteer).joinedload(VolunteerProfile.user))
        .order_by(Proposal.created_at)
    ).all()
    today = utcnow().date()
    return render_template(
        "coordinator/request.html",
        booking_request=found,
        visit=visit,
        proposals=proposals,
        current=booking_history.current_match(db.session, found),
        history=booking_history.history(db.session, found),
        priority=priority_parts(found, found.school, today),
        classification=school_service.classification(found.school),
        address=school_service.full_address(found.school),
        status_form=status_form,
        format_label=labels.label(labels.FORMATS, found.format),
        gender_focus_label=labels.label(labels.GENDER_FOCUS, found.gender_focus),
        language_label=str(LANGUAGE_NAMES.get(found.language, found.language)),
    ), code


@bp.get("/bookinger/<int:request_id>")
@role_required(*STAFF)
def request_detail(request_id: int) -> tuple[str, int]:
    found = _scoped_request(request_id)
    return _render_request(found, _status_form(found))


@bp.post("/bookinger/<int:request_id>/status")
@role_required(*STAFF)
def request_status(request_id: int) -> WerkzeugResponse | tuple[str, int]:
    found = _scoped_request(request_id)
    form = _status_form(found)
    if form.validate_on_submit():
        new_status = RequestStatus(form.status.data)
        reason = form.reason.data or ""
        try:
            booking.set_status(db.session, current_user, found, new_status, reason)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Status er ændret."), "success")
            return redirect(url_for("coordinator.request_detail", request_id=found.id))
    return _render_request(found, form, 400)


@bp.route("/bookinger/<int:request_id>/ret", methods=["GET", "POST"])
@role_required(*STAFF)
def request_edit(request_id: int) -> str | WerkzeugResponse:
    found = _scoped_request(request_id)
    if not booking.can_change(current_user, found):
        flash(
            _("En bekræftet booking kan ikke rettes. Aflys den, hvis den ikke skal gennemføres."),
            "error",
        )
        return redirect(url_for("coordinator.request_detail", request_id=found.id))
    return edit_request_page(
        found,
        detail_endpoint="coordinator.request_detail",
        template="coordinator/request_form.html",
        programme_ids=programme_ids_for(current_user),
    )

"""The coordinator's teacher list and bulk messages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from mentor.auth.access import programme_ids_for, role_required
from mentor.coordinator import bp
from mentor.coordinator.ops_forms import BulkMessageForm
from mentor.extensions import db
from mentor.forms.common import attach_error
from mentor.geo.regions import REGIONS
from mentor.models.enums import BulkAudience, Role
from mentor.services import bulk, lists, people
from mentor.services.errors import DomainError

STAFF = (Role.COORDINATOR, Role.ADMIN)


@bp.get("/laerere")
@role_required(*STAFF)
def teachers() -> str:
    scope = programme_ids_for(current_user)
    query = lists.ListQuery.from_args(request.args)
    programmes = lists.scoped_programmes(db.session, scope)
    return render_template(
        "coordinator/teachers.html",
        page=people.teacher_page(db.session, scope, query),
        query=query,
        options={
            "programmes": [(p.id, p.name) for p in programmes],
            "regions": sorted(REGIONS.items()),
            "statuses": [("open", _("Med åbne bookinger"))],
        },
    )


def _bulk_form() -> BulkMessageForm:
    form = BulkMessageForm()
    programmes = lists.scoped_programmes(db.session, programme_ids_for(current_user))
    form.programme_id.choices = [(0, _("Alle mine programmer"))] + [
        (p.id, p.name) for p in programmes
    ]
    form.region_code.choices = [(0, _("Hele landet")), *sorted(REGIONS.items())]
    if not form.is_submitted():
        form.audience.data = BulkAudience.VOLUNTEERS.value
        form.volunteer_status.data = "approved"
        form.teacher_bookings.data = "open"
    return form


def _filter(form: BulkMessageForm) -> bulk.BulkFilter:
    return bulk.BulkFilter(
        audience=BulkAudience(form.audience.data),
        programme_id=form.programme_id.data or None,
        region_code=form.region_code.data or None,
        volunteer_status=form.volunteer_status.data or "approved",
        teacher_bookings=form.teacher_bookings.data or "open",
    )


@bp.route("/beskeder", methods=["GET", "POST"])
@role_required(*STAFF)
def bulk_messages() -> str | tuple[str, int] | Response:
    """Write, preview (count and a sample) and send one message to a filtered set."""
    scope = programme_ids_for(current_user)
    form = _bulk_form()
    preview = count = None
    action = request.form.get("action", "preview")
    if form.validate_on_submit():
        if (form.programme_id.data or None) not in (None, *scope):
            abort(404)
        chosen = _filter(form)
        try:
            if action == "send":
                expected = form.confirmed_count.data
                message = bulk.send(
                    db.session,
                    current_user,
                    scope,
                    chosen,
                    form.subject.data or "",
                    form.body.data or "",
                    expected=int(expected) if (expected or "").isdigit() else None,
                )
            else:
                count = bulk.count_audience(db.session, scope, chosen)
                preview = bulk.render(
                    db.session,
                    current_user,
                    scope,
                    chosen,
                    form.subject.data or "",
                    form.body.data or "",
                    str(current_user.locale or "da"),
                    first_name=_("Fornavn"),
                )
                form.confirmed_count.data = str(count.recipients)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            if action == "send":
                db.session.commit()
                flash(
                    _(
                        "Beskeden er lagt i kø til %(count)d personer. %(opted)d har fravalgt "
                        "beskeder og får den ikke.",
                        count=message.recipients,
                        opted=message.opted_out,
                    ),
                    "success",
                )
                return redirect(url_for("coordinator.bulk_messages"))
    code = 400 if form.is_submitted() and form.errors else 200
    return render_template(
        "coordinator/bulk.html",
        form=form,
        preview=preview,
        count=count,
        recent=bulk.recent(db.session, scope),
    ), code

"""Messages between a teacher and the confirmed role model, relayed through the outbox.

Neither side ever sees the other's e-mail address: the message is mailed by the service,
and the reply link leads back to the service, where the answer is relayed the same way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mentor.links import external_url
from mentor.mail.outbox import queue_mail
from mentor.models import BookingRequest, OutboxMail, User, Visit
from mentor.models.base import utcnow
from mentor.models.enums import RequestStatus, Role
from mentor.services import audit, membership
from mentor.services.errors import DomainError, NotAllowed

MESSAGE_MAX = 2000
#: Messages can be written while the visit is ahead and just after it.
MESSAGE_STATUSES = frozenset({RequestStatus.CONFIRMED, RequestStatus.COMPLETED})


@dataclass(frozen=True)
class Conversation:
    """The two people a request's messages go between."""

    request: BookingRequest
    visit: Visit
    teacher: User | None
    volunteer: User | None


def conversation(session: Session, request: BookingRequest) -> Conversation:
    """The teacher and role model of a confirmed request; refuse before confirmation."""
    visit = session.scalar(sa.select(Visit).where(Visit.request_id == request.id))
    if request.status not in MESSAGE_STATUSES or visit is None:
        raise DomainError(_("Du kan skrive til rollemodellen, når besøget er bekræftet."))
    volunteer = visit.volunteer.user if visit.volunteer is not None else None
    return Conversation(request=request, visit=visit, teacher=request.teacher, volunteer=volunteer)


def relay_message(
    session: Session,
    sender: User,
    request: BookingRequest,
    body: str,
    now: datetime | None = None,
) -> OutboxMail:
    """Queue the sender's message to the other side of the visit, without addresses."""
    now = now or utcnow()
    text = (body or "").strip()
    if not text:
        raise DomainError(_("Skriv en besked."), field="body")
    if len(text) > MESSAGE_MAX:
        raise DomainError(_("Beskeden må højst være 2000 tegn."), field="body")
    talk = conversation(session, request)

    if (
        sender.role == Role.VOLUNTEER
        and talk.volunteer is not None
        and (sender.id == talk.volunteer.id)
    ):
        recipient = talk.teacher
        reply_link = external_url("teachers.request_detail", request_id=request.id)
    elif sender.role == Role.TEACHER and membership.may_act_for(sender, request):
        recipient = talk.volunteer
        reply_link = external_url("volunteers.visit_detail", visit_id=talk.visit.id)
    else:
        raise NotAllowed(_("Du er ikke en del af dette besøg."))
    if recipient is None or not recipient.is_active or not recipient.email:
        raise DomainError(_("Modtageren har slettet sin konto. Kontakt koordinatoren."))

    with force_locale(recipient.locale or "da"):
        subject = _(
            "Besked fra %(name)s om besøget hos %(school)s",
            name=sender.first_name,
            school=request.school.name,
        )
        intro = _("%(name)s har skrevet til dig via Rollemodel Match:", name=sender.first_name)
        outro = _(
            "Svar via Rollemodel Match (din e-mailadresse bliver ikke vist): %(link)s",
            link=reply_link,
        )
    quoted = "\n".join(f"> {line}" for line in text.splitlines())
    mail = queue_mail(
        session,
        kind="relayed_message",
        dedupe_key=f"message:{request.id}:{sender.id}:{uuid.uuid4().hex}",
        to=recipient,
        subject=subject,
        text=f"{intro}\n\n{quoted}\n\n{outro}\n",
    )
    if mail is None:  # only when the recipient has no address, checked above
        raise DomainError(_("Beskeden kunne ikke sendes. Prøv igen."))
    audit.record(
        session,
        sender,
        "message_relayed",
        "request",
        request.id,
        now=now,
        to_user_id=recipient.id,
        length=len(text),
    )
    return mail

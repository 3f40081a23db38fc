"""Messages between a teacher and the confirmed role model, relayed through the outbox.

Neither side ever sees the other's e-mail address: the message is mailed by the service.
The mail carries a signed reply link (no login needed), and, when MAIL_REPLY_DOMAIN is
set, a Reply-To of the relay's own address ``svar+<key>@<domain>``: the mail server pipes
what arrives there into ``flask mail receive``, which relays the answer the same way.
The key names the conversation and the person replying, and is signed, so it cannot be
guessed or turned to another conversation.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mentor.mail.outbox import queue_templated
from mentor.models import BookingRequest, OutboxMail, User, Visit
from mentor.models.base import utcnow
from mentor.models.enums import RequestStatus, Role
from mentor.services import audit, membership
from mentor.services.action_links import reply_link
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
    elif sender.role == Role.TEACHER and membership.may_act_for(sender, request):
        recipient = talk.volunteer
    else:
        raise NotAllowed(_("Du er ikke en del af dette besøg."))
    if recipient is None or not recipient.is_active or not recipient.email:
        raise DomainError(_("Modtageren har slettet sin konto. Kontakt koordinatoren."))

    reply_address = reply_address_for(request, recipient)
    mail = queue_templated(
        session,
        kind="relayed_message",
        dedupe_key=f"message:{request.id}:{sender.id}:{uuid.uuid4().hex}",
        to=recipient,
        template="relayed_message",
        sender=sender,
        booking=request,
        body=text,
        link=reply_link(request, recipient),
        can_reply_by_mail=reply_address is not None,
        reply_to=reply_address,
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


_REPLY_KEY = re.compile(r"^svar\+(\d+)-(\d+)-([0-9a-f]{16})@", re.IGNORECASE)


def _reply_signature(request_id: int, user_id: int) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"reply:{request_id}:{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def reply_address_for(request: BookingRequest, user: User) -> str | None:
    """The relay's address for `user`'s replies in this conversation (None: not set up)."""
    domain = current_app.config.get("MAIL_REPLY_DOMAIN")
    if not domain:
        return None
    # The local part stays under the 64 characters SMTP allows.
    return f"svar+{request.id}-{user.id}-{_reply_signature(request.id, user.id)}@{domain}"


def read_reply_address(session: Session, address: str) -> tuple[BookingRequest, User]:
    """The conversation and the replier a relay address stands for; refuse a forged one."""
    found = _REPLY_KEY.match(address.strip().lower())
    if found is None:
        raise DomainError(_("Adressen er ikke en svaradresse."))
    request_id, user_id, signature = int(found[1]), int(found[2]), found[3]
    if not hmac.compare_digest(signature, _reply_signature(request_id, user_id)):
        raise DomainError(_("Svaradressen er ikke gyldig."))
    request = session.get(BookingRequest, request_id)
    user = session.get(User, user_id)
    if request is None or user is None or not user.is_active:
        raise DomainError(_("Samtalen findes ikke længere."))
    return request, user


#: Where the quoted original begins in a reply: "> …", "On … wrote:", "Den … skrev:".
_QUOTE_START = re.compile(
    r"^(>|-{2,}\s*(Original|Oprindelig)|(On|Den|Am|Le) .+(wrote|skrev|schrieb|écrit)\s*:\s*$)",
    re.IGNORECASE,
)


def reply_text(body: str) -> str:
    """The new text of a mailed reply, without the quoted message under it."""
    lines = []
    for line in body.replace("\r\n", "\n").split("\n"):
        if _QUOTE_START.match(line.strip()):
            break
        lines.append(line)
    return "\n".join(lines).strip()

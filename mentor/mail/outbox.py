"""Queue mail in the outbox, inside the transaction of the change that caused it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, get_translations
from sqlalchemy.orm import Session

from mentor.mail.layout import inline_css
from mentor.models import OutboxMail, User
from mentor.models.base import utcnow
from mentor.models.enums import MailStatus

MESSAGE_ID_DOMAIN = "rollemodel.local"


def render_mail(
    template: str, locale: str, *, inline: bool = True, **context: Any
) -> tuple[str, str, str]:
    """Render templates/email/<template>.{subject.txt,txt,html} in the given locale.

    The HTML has its CSS inlined (mentor/mail/layout.py); `inline=False` is for measuring.
    """
    # Straight from the Jinja environment: mail needs none of the request context
    # processors (current_user, csrf_token, menus), and skipping them halves the cost of
    # the thousands of mails a run's commit writes.
    env = current_app.jinja_env
    with force_locale(locale):
        translations = get_translations()

        # Resolved once per mail instead of once per string, as Flask-Babel's would be.
        def gettext(string: str, **variables: Any) -> str:
            text = translations.ugettext(string)
            return text % variables if variables else text

        values = {
            "current_locale": locale,
            "_": gettext,
            "gettext": gettext,
            "base_url": current_app.config["BASE_URL"],
            "controller_name": current_app.config.get("CONTROLLER_NAME", ""),
            **context,
        }
        subject = env.get_template(f"email/{template}.subject.txt").render(values)
        text = env.get_template(f"email/{template}.txt").render(values)
        html = env.get_template(f"email/{template}.html").render(values)
    return " ".join(subject.split()), text, inline_css(html) if inline else html


def queue_mail(
    session: Session,
    *,
    kind: str,
    dedupe_key: str,
    to: User | str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Iterable[Mapping[str, str]] = (),
    send_after: datetime | None = None,
    reply_to: str | None = None,
) -> OutboxMail | None:
    """Queue one mail; return None when a mail with this dedupe key was queued before.

    The key (kind:object:due) makes queuing idempotent, so a job that runs twice, or two
    processes that race, still produce one mail.
    """
    if session.scalar(sa.select(OutboxMail.id).where(OutboxMail.dedupe_key == dedupe_key)):
        return None
    values = outbox_values(
        kind=kind,
        dedupe_key=dedupe_key,
        to=to,
        subject=subject,
        text=text,
        html=html,
        attachments=attachments,
        send_after=send_after,
        reply_to=reply_to,
    )
    if values is None:
        return None
    mail = OutboxMail(**values)
    try:
        with session.begin_nested():
            session.add(mail)
    except sa.exc.IntegrityError:
        return None
    return mail


def outbox_values(
    *,
    kind: str,
    dedupe_key: str,
    to: User | str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Iterable[Mapping[str, str]] = (),
    send_after: datetime | None = None,
    reply_to: str | None = None,
) -> dict[str, Any] | None:
    """The column values of one outbox row; None when the recipient has no address left.

    Bulk writers (a run's commit queues thousands of proposals) insert these in one
    statement, relying on the unique dedupe key instead of a check and savepoint per mail.
    """
    user = to if isinstance(to, User) else None
    address = to.email if isinstance(to, User) else to
    if not address:
        return None  # a deleted account has no address left to write to
    now = utcnow()
    return {
        "dedupe_key": dedupe_key,
        "kind": kind,
        "to_user_id": user.id if user is not None else None,
        "to_address": address,
        "reply_to": reply_to,
        "subject": subject,
        "body_text": text,
        "body_html": html,
        "attachments": [dict(a) for a in attachments],
        "status": MailStatus.QUEUED,
        "attempts": 0,
        "next_attempt_at": send_after or now,
        "message_id": f"<{uuid.uuid4().hex}@{MESSAGE_ID_DOMAIN}>",
        "created_at": now,
    }


def queue_templated(
    session: Session,
    *,
    kind: str,
    dedupe_key: str,
    to: User,
    template: str,
    attachments: Iterable[Mapping[str, str]] = (),
    send_after: datetime | None = None,
    reply_to: str | None = None,
    **context: Any,
) -> OutboxMail | None:
    """Render a mail template in the recipient's language and queue it."""
    subject, text, html = render_mail(template, to.locale or "da", user=to, **context)
    return queue_mail(
        session,
        kind=kind,
        dedupe_key=dedupe_key,
        to=to,
        subject=subject,
        text=text,
        html=html,
        attachments=attachments,
        send_after=send_after,
        reply_to=reply_to,
    )

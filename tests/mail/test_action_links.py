"""Every mail that asks for an action carries a signed link: it works, for that one
action only, without logging in, and it expires."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from mentor.auth import tokens
from mentor.models import BookingRequest, OutboxMail, Proposal, User, Visit
from mentor.models.enums import ProposalStatus, RequestStatus
from tests.mail.zoo import make_every_mail

#: Link path -> the purpose its token is signed for.
ACTION_ROUTES = {
    "/frivillig/svar/": "proposal-answer",
    "/tilbagemelding/": "visit-feedback",
    "/besoeg/stadig-aktuelt/": "still_on",
    "/booking/aflys/": "request-cancel",
    "/konto/behold/": "keep-account",
    "/besked/svar/": "message-reply",
    "/bekraeft/": "verify",
    "/adgangskode/ny/": "reset",
    "/konto/ny-email/": "email-change",
}
#: Mail kind -> the signed action link it must carry.
ACTION_MAILS = {
    "verify_email": "/bekraeft/",
    "reset_password": "/adgangskode/ny/",
    "proposal": "/frivillig/svar/",
    "proposal_nudge": "/frivillig/svar/",
    "visit_reminder": "/besoeg/stadig-aktuelt/",
    "feedback_request": "/tilbagemelding/",
    "request_unmatched": "/booking/aflys/",
    "booking_receipt": "/booking/aflys/",
    "retention_warning": "/konto/behold/",
    "relayed_message": "/besked/svar/",
    "email_change": "/konto/ny-email/",
    "visit_unconfirmed": "/booking/aflys/",
}
#: Coordinators act in the app: their copies of a warning carry no one-action link.
STAFF = {"koord@example.dk"}
BASE = "http://rollemodel.test"


@pytest.fixture
def every_mail(app, session):
    return make_every_mail(session)


def _links(mail: OutboxMail, path: str) -> list[str]:
    return re.findall(re.escape(BASE + path) + r"[\w.\-]+", mail.body_text)


def _token(link: str, path: str) -> str:
    return link.removeprefix(BASE + path)


def test_every_action_mail_carries_its_signed_link(every_mail) -> None:
    for kind, path in ACTION_MAILS.items():
        mails = [m for m in every_mail if m.kind == kind and m.to_address not in STAFF]
        assert mails, f"no {kind} mail"
        for mail in mails:
            assert _links(mail, path), f"{kind}: no {path} link in {mail.body_text!r}"


def test_signed_links_work_without_login_and_only_for_their_action(app, client, every_mail) -> None:
    for kind, path in ACTION_MAILS.items():
        mail = next(m for m in every_mail if m.kind == kind and m.to_address not in STAFF)
        token = _token(_links(mail, path)[0], path)
        # Used on any other action's page, the token is refused with a readable page.
        for other in ACTION_ROUTES:
            if other == path:
                continue
            response = client.get(other + token)
            assert response.status_code == 400, (kind, other, response.status_code)
            assert "Linket" in response.get_data(as_text=True)
        # On its own page it works, with nobody logged in.
        response = client.get(path + token)
        assert response.status_code in (200, 302), (kind, response.status_code)
        if response.status_code == 302:
            # Verification links act on GET and then send the person on.
            assert (
                "/login" in response.headers["Location"] or "/konto" in response.headers["Location"]
            )


def test_signed_links_expire(app, client, every_mail) -> None:
    with app.app_context():
        for kind, path in ACTION_MAILS.items():
            mail = next(m for m in every_mail if m.kind == kind and m.to_address not in STAFF)
            purpose = ACTION_ROUTES[path]
            serializer = URLSafeTimedSerializer(
                app.config["SECRET_KEY"], salt=f"rollemodel.{purpose}"
            )
            payload = serializer.loads(_token(_links(mail, path)[0], path))
            # The same link, signed just longer ago than it may live.
            too_old = datetime.now(UTC) - timedelta(seconds=tokens.MAX_AGES[purpose] + 120)
            expired = tokens.make_token(purpose, payload, signed_at=too_old)
            response = client.get(path + expired)
            assert response.status_code == 400, kind
            assert "udløbet" in response.get_data(as_text=True), kind


def test_the_proposal_nudge_answers_the_proposal_without_login(app, client, every_mail) -> None:
    nudge = next(m for m in every_mail if m.kind == "proposal_nudge")
    path = "/frivillig/svar/"
    token = _token(_links(nudge, path)[0], path)
    response = client.post(path + token, data={"answer": "decline"})
    assert response.status_code == 200
    with app.app_context():
        from mentor.extensions import db

        answered = db.session.scalars(
            sa.select(Proposal).where(Proposal.status == ProposalStatus.DECLINED)
        ).all()
        assert len(answered) == 1


def test_the_feedback_link_records_the_report_of_that_person(app, client, every_mail) -> None:
    from mentor.extensions import db

    mails = [m for m in every_mail if m.kind == "feedback_request"]
    by_teacher = next(m for m in mails if m.to_address == "laerer@example.dk")
    path = "/tilbagemelding/"
    token = _token(_links(by_teacher, path)[0], path)
    page = client.get(path + token)
    assert page.status_code == 200 and "Bekræft besøget" in page.get_data(as_text=True)
    response = client.post(
        path + token, data={"outcome": "completed", "pupils": "21", "girls": "9", "rating": "5"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        visit = db.session.scalars(sa.select(Visit).where(Visit.pupils_reached == 21)).one()
        assert visit.status.value == "completed"
        teacher = db.session.scalar(sa.select(User).where(User.email == "laerer@example.dk"))
        assert teacher.last_active_at is not None


def test_the_cancel_link_cancels_that_booking_only(app, client, every_mail) -> None:
    from mentor.extensions import db

    receipt = next(m for m in every_mail if m.kind == "booking_receipt")
    path = "/booking/aflys/"
    token = _token(_links(receipt, path)[0], path)

    def cancelled() -> set[int]:
        with app.app_context():
            return set(
                db.session.scalars(
                    sa.select(BookingRequest.id).where(
                        BookingRequest.status == RequestStatus.CANCELLED
                    )
                )
            )

    before = cancelled()
    assert client.get(path + token).status_code == 200
    response = client.post(path + token)
    assert response.status_code == 302
    with app.app_context():
        newly = cancelled() - before
        assert len(newly) == 1
        assert db.session.get(BookingRequest, newly.pop()).class_name == "7.a"


def test_the_reply_link_relays_an_answer_without_addresses(app, client, every_mail) -> None:
    from mentor.extensions import db

    relayed = next(m for m in every_mail if m.kind == "relayed_message")
    path = "/besked/svar/"
    token = _token(_links(relayed, path)[0], path)
    response = client.post(path + token, data={"body": "Det gør jeg. Vi ses!"})
    assert response.status_code == 302
    with app.app_context():
        answers = db.session.scalars(
            sa.select(OutboxMail)
            .where(OutboxMail.kind == "relayed_message")
            .order_by(OutboxMail.id)
        ).all()
        assert answers[-1].to_address == "laerer@example.dk"
        assert "Det gør jeg. Vi ses!" in answers[-1].body_text
        assert "frivillig@example.dk" not in answers[-1].body_text


def test_a_mailed_reply_is_relayed_back(app, session, runner, tmp_path) -> None:
    app.config["MAIL_REPLY_DOMAIN"] = "svar.rollemodel.test"
    make_every_mail(session)
    relayed = session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "relayed_message"))
    reply = tmp_path / "reply.eml"
    reply.write_text(
        "From: Frida Frivillig <frivillig@example.dk>\n"
        f"To: {relayed.reply_to}\n"
        "Subject: Re: Besked\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Tak, jeg tager stikket med.\n\n"
        "Den 2. dec. 2026 skrev Rollemodel Match:\n"
        "> Vi glæder os!\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["mail", "receive", str(reply)])
    assert result.exit_code == 0, result.output
    back = session.scalars(
        sa.select(OutboxMail).where(OutboxMail.kind == "relayed_message").order_by(OutboxMail.id)
    ).all()[-1]
    assert back.to_address == "laerer@example.dk"
    assert "Tak, jeg tager stikket med." in back.body_text
    assert "Vi glæder os" not in back.body_text  # the quoted original is cut off
    # A forged key, or someone else answering with the key, is refused.
    forged = reply.read_text(encoding="utf-8").replace(
        relayed.reply_to, "svar+1-2-0123456789abcdef@x"
    )
    reply.write_text(forged, encoding="utf-8")
    refused = runner.invoke(args=["mail", "receive", str(reply)])
    assert refused.exit_code == 2 and "not relayed" in refused.output

"""Every mail the service sends uses the one layout, inlined, with its plain-text twin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mentor.mail.sender import deliver_outbox
from tests.mail.zoo import TEMPLATE_OF_KIND, make_every_mail

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"


@pytest.fixture
def every_mail(app, session):
    return make_every_mail(session)


def test_every_mail_template_is_sent_by_some_service(every_mail) -> None:
    written = {p.stem for p in TEMPLATES.glob("*.html") if not p.name.startswith("_")}
    # A new template must be added to the zoo (and so to these checks).
    assert set(TEMPLATE_OF_KIND.values()) == written
    sent = {mail.kind for mail in every_mail}
    assert sent == set(TEMPLATE_OF_KIND), f"not produced: {set(TEMPLATE_OF_KIND) - sent}"


def test_every_mail_has_the_layout_inlined_and_a_plain_text_twin(every_mail) -> None:
    for mail in every_mail:
        html, text = mail.body_html or "", mail.body_text
        where = f"{mail.kind} to {mail.to_address}"
        assert mail.subject.strip(), where
        # The layout: logo and name in the header, the footer with the privacy notice.
        assert "/static/logo-mail.png" in html and "Rollemodel Match</a>" in html, where
        assert "/privatliv" in html and "/privatliv" in text, where
        # css-inline moved the layout's rules onto the elements; no <style> is left.
        assert "<style" not in html and 'class="header" style="' in html, where
        assert "Times New Roman" not in html and "font-family" in html, where
        # The plain-text twin says the same in words, with every link the HTML has.
        assert len(text.strip()) > 80 and "<" not in text.replace("<>", ""), where
        for link in re.findall(r'href="(http[^"]+)"', html):
            if "/static/" not in link and link.rstrip("/") != "http://rollemodel.test":
                assert link.replace("&amp;", "&") in text, f"{where}: {link} missing in text"


def test_action_mails_carry_a_big_button(every_mail) -> None:
    informational = {"coordinator_digest", "bulk_message", "membership_rejected"}
    for mail in every_mail:
        if mail.kind in informational:
            continue
        button = re.search(
            r'<a class="button" href="([^"]+)" style="([^"]+)"', mail.body_html or ""
        )
        assert button, f"{mail.kind}: no button"
        assert "padding" in button[2] and "font-size: 17px" in button[2]


def test_mail_goes_out_as_text_and_html_over_smtp(app, every_mail, smtp_server) -> None:
    sent = deliver_outbox(app)
    assert sent == len(every_mail)
    kinds = set()
    for message in smtp_server.messages:
        kinds.add(str(message["X-Rollemodel-Kind"]))
        plain = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        assert plain is not None and html is not None
        assert plain.get_content().strip() and "<table" in html.get_content()
    assert kinds == set(TEMPLATE_OF_KIND)
    confirmations = [m for m in smtp_server.messages if m["X-Rollemodel-Kind"] == "visit_confirmed"]
    # Both sides of the visit get the confirmation, each with the calendar file.
    assert {str(m["To"]) for m in confirmations} == {"laerer@example.dk", "frivillig@example.dk"}
    for message in confirmations:
        names = [part.get_filename() for part in message.iter_attachments()]
        assert names == ["besoeg.ics"]


def test_relayed_message_hides_addresses_and_sets_reply_to(app, session, smtp_server) -> None:
    app.config["MAIL_REPLY_DOMAIN"] = "svar.rollemodel.test"
    make_every_mail(session)
    deliver_outbox(app)
    relayed = next(m for m in smtp_server.messages if m["X-Rollemodel-Kind"] == "relayed_message")
    assert str(relayed["To"]) == "frivillig@example.dk"
    reply_to = str(relayed["Reply-To"])
    assert re.fullmatch(r"svar\+\d+-\d+-[0-9a-f]{16}@svar\.rollemodel\.test", reply_to)
    assert len(reply_to.split("@")[0]) <= 64
    # The teacher's address appears nowhere in what the role model receives.
    assert "laerer@example.dk" not in relayed.as_string()

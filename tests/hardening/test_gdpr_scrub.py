"""Deletion removes every copy, and the export shows everything (issue 12, finding 10).

The person's address, name, phone, story and messages may have been copied into mail
(bodies, calendar attachments), matching run results, the audit log and other people's
notes; after deletion none of them is left anywhere in the database.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from mentor.extensions import db
from mentor.models import OutboxMail, User
from mentor.models.enums import Role, TrainingKind
from mentor.services import accounts, messages, proposals, runs, volunteers
from mentor.services.matching import Scope
from tests import factories as f
from tests.accounts.test_gdpr import _personal_data_left

VISIT_DAY = date(2030, 3, 5)
MESSAGE = "Jeg glæder mig til besøget og medbringer en drone."
TRACES = ["vera@firma.dk", "Veninde", "12 34 56 78", "Min vej til STEM gik", "medbringer en drone"]


@pytest.fixture
def vera_everywhere(app) -> dict[str, int]:
    """Vera has been matched, mailed, noted on, and has written to the teacher."""
    with app.test_request_context():
        s = db.session
        coordinator = f.user(s, "koord@example.dk", Role.COORDINATOR, "Karen Koordinator")
        coordinator.coordinated_programmes = [f.programme(s, "BOOK")]
        teacher = f.teacher(s, "tove@skole.dk", name="Tove Tidsler")
        vera = f.volunteer(s, "vera@firma.dk", name="Vera Veninde")
        profile = vera.volunteer_profile
        request = f.booking(s, teacher, days=(VISIT_DAY,))
        s.commit()
        volunteers.reject(s, coordinator, profile, "Vera Veninde skal vise børneattest først.")
        volunteers.approve(s, coordinator, profile)
        volunteers.record_training(
            s, coordinator, profile, TrainingKind.VIRTUAL, date(2026, 9, 1), "Vera Veninde var god"
        )
        run = runs.preview_run(s, coordinator, Scope(request.programme_id))
        runs.commit_run(s, coordinator, run.id)
        s.commit()
        proposal = s.scalar(sa.select(proposals.Proposal))
        proposals.accept(s, proposal.id)
        s.commit()
        messages.relay_message(s, vera, request, MESSAGE + " Ring på 12 34 56 78.")
        s.commit()
        return {"vera": vera.id, "coordinator": coordinator.id}


def test_the_export_holds_her_messages_notices_training_notes_and_reasons(
    app, vera_everywhere
) -> None:
    client = app.test_client()
    f.login(client, "vera@firma.dk")
    data = client.get("/konto/mine-data.json").get_json(force=True)
    assert any(MESSAGE in m["text"] for m in data["messages"])
    assert any("Nyt forslag" in n["text"] for n in data["notices"])
    assert [
        t["note"] for t in data["volunteer_profile"]["trainings"] if t["kind"] == "virtual"
    ] == ["Vera Veninde var god"]
    assert any("børneattest" in (e.get("reason") or "") for e in data["about_you"])
    assert any(m["kind"] == "proposal" for m in data["mails"])


def test_deleting_her_account_leaves_no_copy_anywhere(app, vera_everywhere) -> None:
    with app.test_request_context():
        vera = db.session.get(User, vera_everywhere["vera"])
        assert db.session.scalar(
            sa.select(sa.func.count(OutboxMail.id)).where(OutboxMail.to_user_id == vera.id)
        )
        accounts.delete_account(db.session, vera, vera)
        db.session.commit()
    with app.app_context():
        assert _personal_data_left(TRACES) == []


def test_sent_mail_keeps_its_body_only_for_the_retention_time(app) -> None:
    from datetime import timedelta

    from mentor.mail.outbox import queue_mail
    from mentor.models.base import utcnow
    from mentor.models.enums import MailStatus
    from mentor.services.erasure import purge_old_mail

    now = utcnow()
    with app.app_context():
        s = db.session
        for key, status, age in [
            ("old-sent", MailStatus.SENT, 40),
            ("new-sent", MailStatus.SENT, 5),
            ("old-queued", MailStatus.QUEUED, 40),
        ]:
            mail = queue_mail(
                s,
                kind="test",
                dedupe_key=key,
                to="nogen@example.dk",
                subject="Hej",
                text="Vera Veninde kommer",
                html="<p>Vera Veninde kommer</p>",
                attachments=[
                    {"filename": "a.ics", "content_type": "text/calendar", "content": "x"}
                ],
            )
            mail.status, mail.created_at = status, now - timedelta(days=age)
        s.commit()
        assert purge_old_mail(s, now, days=30) == 1
        s.commit()
        bodies = dict(s.execute(sa.select(OutboxMail.dedupe_key, OutboxMail.body_text)).all())
        assert bodies == {
            "old-sent": "",
            "new-sent": "Vera Veninde kommer",
            "old-queued": "Vera Veninde kommer",
        }

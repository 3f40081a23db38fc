"""Bulk messages: counted, previewed, queued once per person; opt-outs and other
programmes' people left out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from mentor import geo
from mentor.models import BulkMessage, OutboxMail, User, VolunteerProfile
from mentor.models.enums import BulkAudience, RequestStatus, Role
from mentor.models.volunteers import volunteer_programmes
from mentor.services import bulk
from mentor.services.errors import DomainError, NotAllowed
from tests import factories as f

NOW = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
BODY = "Kære alle\n\nVi holder inspirationsmøde i Aalborg den 3. marts. Vel mødt!"


def _many_volunteers(session, count: int, *, programme: str, postcode: str, opted_out_every: int):
    """Insert volunteers in bulk (the ORM builders are too slow for a thousand).

    Returns their user ids in order; the database numbers the rows (no explicit ids, so
    PostgreSQL's sequences stay right for the rows the test adds later).
    """
    place = geo.lookup(postcode)
    programme_id = f.programme(session, programme).id
    tag = f"{programme.lower()}{postcode}"
    users = [
        {
            "email": f"{tag}-{n}@rollemodel.example",
            "role": "volunteer",
            "full_name": f"Rollemodel {programme} {n}",
            "locale": "en" if n % 10 == 0 else "da",
            "email_verified_at": NOW,
            "reminders_opt_out": n % opted_out_every == 0,
            "created_at": NOW,
        }
        for n in range(count)
    ]
    session.execute(sa.insert(User), users)
    by_email = dict(
        session.execute(
            sa.select(User.email, User.id).where(User.email.like(f"{tag}-%@rollemodel.example"))
        ).all()
    )
    user_ids = [by_email[u["email"]] for u in users]
    session.execute(
        sa.insert(VolunteerProfile),
        [
            {
                "user_id": uid,
                "gender": "woman",
                "postcode": place.postcode,
                "municipality_code": place.municipality_code,
                "region_code": place.region_code,
                "latitude": place.latitude,
                "longitude": place.longitude,
                "status": "approved",
                "languages": ["da"],
                "weekdays": [0, 1, 2, 3, 4],
                "created_at": NOW,
                "updated_at": NOW,
            }
            for uid in user_ids
        ],
    )
    profiles = session.scalars(
        sa.select(VolunteerProfile.id).where(VolunteerProfile.user_id.in_(user_ids))
    ).all()
    session.execute(
        sa.insert(volunteer_programmes),
        [{"volunteer_id": pid, "programme_id": programme_id} for pid in profiles],
    )
    session.flush()
    return user_ids


@pytest.fixture
def coordinator(app, session):
    person = f.user(session, "koord@x.dk", Role.COORDINATOR, "Karen Koordinator")
    person.coordinated_programmes = [f.programme(session, "KRAM")]
    session.commit()
    return person


def test_a_thousand_volunteers_get_exactly_one_mail_each(app, session, coordinator) -> None:
    kram = f.programme(session, "KRAM").id
    ids = _many_volunteers(session, 1100, programme="KRAM", postcode="9000", opted_out_every=11)
    # Not in the filter: another region, and another programme.
    _many_volunteers(session, 30, programme="KRAM", postcode="8000", opted_out_every=1000)
    _many_volunteers(session, 40, programme="BOOK", postcode="9000", opted_out_every=1000)
    session.commit()
    chosen = bulk.BulkFilter(audience=BulkAudience.VOLUNTEERS, programme_id=kram, region_code=1081)
    counted = bulk.count_audience(session, {kram}, chosen)
    assert (counted.recipients, counted.opted_out, counted.unverified) == (1000, 100, 0)
    message = bulk.send(
        session, coordinator, {kram}, chosen, "Inspirationsmøde", BODY, expected=1000, now=NOW
    )
    session.commit()
    rows = session.execute(
        sa.select(OutboxMail.to_user_id, OutboxMail.body_text, OutboxMail.subject).where(
            OutboxMail.kind == "bulk_message"
        )
    ).all()
    assert len(rows) == 1000 and message.recipients == 1000 and message.opted_out == 100
    recipients = [r.to_user_id for r in rows]
    assert len(set(recipients)) == 1000
    opted_out = {ids[n] for n in range(0, 1100, 11)}
    assert set(recipients) == set(ids) - opted_out
    first = next(r for r in rows if r.to_user_id == ids[1])
    assert (
        first.body_text.startswith("Hej Rollemodel\n") and "Aalborg den 3. marts" in first.body_text
    )
    assert "Karen Koordinator" in first.body_text
    english = next(r for r in rows if r.to_user_id == ids[10])
    assert english.body_text.startswith("Hello Rollemodel")
    assert "Kind regards, Karen Koordinator" in english.body_text
    # Sending twice queues a second message, never a duplicate of the first.
    assert session.scalar(sa.select(sa.func.count(BulkMessage.id))) == 1


def test_teachers_with_open_bookings(app, session, coordinator) -> None:
    kram = f.programme(session, "KRAM").id
    open_teacher = f.teacher(session, "open@skole.dk", f.school(session, "A Skole"))
    done_teacher = f.teacher(session, "done@skole.dk", f.school(session, "B Skole"))
    book_teacher = f.teacher(session, "book@skole.dk", f.school(session, "C Skole"))
    f.booking(session, open_teacher, programme_code="KRAM")
    f.booking(session, done_teacher, programme_code="KRAM", status=RequestStatus.COMPLETED)
    f.booking(session, book_teacher, programme_code="BOOK")
    session.commit()
    open_only = bulk.BulkFilter(audience=BulkAudience.TEACHERS)
    any_booking = bulk.BulkFilter(audience=BulkAudience.TEACHERS, teacher_bookings="any")
    assert bulk.count_audience(session, {kram}, open_only).recipients == 1
    assert bulk.count_audience(session, {kram}, any_booking).recipients == 2
    bulk.send(session, coordinator, {kram}, open_only, "Husk datoerne", BODY, now=NOW)
    session.commit()
    assert session.scalars(sa.select(OutboxMail.to_address)).all() == ["open@skole.dk"]


def test_a_scoped_coordinator_cannot_reach_another_programme(
    app, client, session, coordinator
) -> None:
    book = f.programme(session, "BOOK").id
    with pytest.raises(NotAllowed):
        bulk.count_audience(
            session,
            {f.programme(session, "KRAM").id},
            bulk.BulkFilter(audience=BulkAudience.VOLUNTEERS, programme_id=book),
        )
    _many_volunteers(session, 5, programme="BOOK", postcode="9000", opted_out_every=1000)
    session.commit()
    f.login(client, "koord@x.dk")
    form = {
        "audience": "volunteers",
        "programme_id": str(book),
        "region_code": "0",
        "volunteer_status": "approved",
        "teacher_bookings": "open",
        "subject": "Hej",
        "body": BODY,
        "action": "send",
    }
    # Not among the coordinator's choices: refused before anything is counted or sent.
    assert client.post("/koordinator/beskeder", data=form).status_code == 400
    # "All my programmes" means KRAM only: the BOOK volunteers are not counted.
    preview = client.post(
        "/koordinator/beskeder", data=form | {"programme_id": "0", "action": "preview"}
    )
    assert "Ingen modtagere" in preview.get_data(as_text=True) or "0 modtagere" in preview.get_data(
        as_text=True
    )
    assert session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0


def test_preview_then_send_through_the_page(app, client, session, coordinator) -> None:
    kram = f.programme(session, "KRAM").id
    _many_volunteers(session, 12, programme="KRAM", postcode="9000", opted_out_every=4)
    session.commit()
    f.login(client, "koord@x.dk")
    form = {
        "audience": "volunteers",
        "programme_id": str(kram),
        "region_code": "1081",
        "volunteer_status": "approved",
        "teacher_bookings": "open",
        "subject": "Inspirationsmøde",
        "body": BODY,
    }
    preview = client.post("/koordinator/beskeder", data=form | {"action": "preview"})
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "9 modtagere" in text and "3 har fravalgt beskeder" in text
    assert "Hej Fornavn" in text and "Send til 9 personer" in text
    assert session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0
    # Someone opts out between preview and send: the count moved, so nothing is sent.
    person = session.scalar(
        sa.select(User).where(User.reminders_opt_out.is_(False), User.role == Role.VOLUNTEER)
    )
    person.reminders_opt_out = True
    session.commit()
    moved = client.post(
        "/koordinator/beskeder", data=form | {"action": "send", "confirmed_count": "9"}
    )
    assert moved.status_code == 400 and "ændret fra 9 til 8" in moved.get_data(as_text=True)
    sent = client.post(
        "/koordinator/beskeder", data=form | {"action": "send", "confirmed_count": "8"}
    )
    assert sent.status_code == 302
    assert session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 8
    listing = client.get("/koordinator/beskeder").get_data(as_text=True)
    assert "Inspirationsmøde" in listing and "8 modtagere" in listing


def test_empty_or_oversized_texts_are_field_errors(app, session, coordinator) -> None:
    kram = f.programme(session, "KRAM").id
    chosen = bulk.BulkFilter(audience=BulkAudience.VOLUNTEERS)
    with pytest.raises(DomainError) as caught:
        bulk.send(session, coordinator, {kram}, chosen, "Hej", "kort", now=NOW)
    assert caught.value.field == "body"
    with pytest.raises(DomainError) as caught:
        bulk.send(session, coordinator, {kram}, chosen, "x" * 151, BODY, now=NOW)
    assert caught.value.field == "subject"

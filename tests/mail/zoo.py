"""Every kind of mail the service sends, each made by the real service that sends it.

`make_every_mail(session)` builds a small programme, runs each service once (sign-up,
password reset, a proposal, reminders, acceptance, a booking, a relayed message, account
changes, the retention job) and returns the outbox rows. Tests of the mail layout and of
the signed links read these rows; nothing is rendered by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mentor.auth.passwords import hash_password
from mentor.models import (
    BookingRequest,
    DateWindow,
    OutboxMail,
    TeacherProfile,
    User,
    VolunteerProfile,
)
from mentor.models.enums import (
    BulkAudience,
    RequestStatus,
    Role,
    VisitFormat,
    VisitStatus,
    VolunteerStatus,
)
from mentor.services import (
    account_changes,
    accounts,
    bulk,
    membership,
    messages,
    proposals,
    reminders,
    requests,
    retention,
    volunteers,
)
from mentor.services.reminders import ReminderSettings, local_moment
from tests.mail.world import CPH, LONG_AGO, add_proposal, add_request, add_visit, make_world

#: The template each kind of mail is written with.
TEMPLATE_OF_KIND = {
    "verify_email": "verify_email",
    "reset_password": "reset_password",
    "proposal": "proposal",
    "proposal_nudge": "reminder_proposal",
    "visit_reminder": "reminder_visit",
    "feedback_request": "reminder_feedback",
    "request_unmatched": "request_unmatched",
    "coordinator_digest": "coordinator_digest",
    "visit_confirmed": "visit_confirmed",
    "booking_receipt": "booking_receipt",
    "relayed_message": "relayed_message",
    "email_change": "email_change",
    "account_changed": "account_changed",
    "retention_warning": "retention_warning",
    "visit_unconfirmed": "request_unconfirmed",
    "volunteer_approved": "volunteer_approved",
    "volunteer_rejected": "volunteer_rejected",
    "bulk_message": "bulk_message",
    "signup_attempt": "signup_attempt",
    "membership_request": "membership_request",
    "membership_approved": "membership_approved",
    "membership_rejected": "membership_rejected",
    "visit_cancelled": "visit_cancelled",
}
PASSWORD = "en lang og god adgangskode"


def make_every_mail(session: Session) -> list[OutboxMail]:
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.astimezone(CPH).date()
    # Reminders are scanned at noon today, local time: every stage below is due then.
    noon = local_moment(today, 12, CPH)
    world = make_world(session)
    world.teacher.email_verified_at = LONG_AGO
    world.volunteer.user.email_verified_at = LONG_AGO
    world.volunteer.user.password_hash = hash_password(PASSWORD)
    world.teacher.password_hash = hash_password(PASSWORD)

    # Sign-up and password reset.
    accounts.register(
        session,
        role=Role.VOLUNTEER,
        email="ny.rollemodel@example.dk",
        full_name="Nora Ny",
        password=PASSWORD,
        consent=True,
        now=now,
    )
    accounts.request_password_reset(session, world.teacher.email or "", now=now)

    # A proposal (the first mail), and a nudge two days after another one.
    fresh = add_request(session, world, status=RequestStatus.SUBMITTED, day=today + timedelta(28))
    offer = proposals.Offer(
        request_id=fresh.id,
        volunteer_id=world.volunteer.id,
        window_id=fresh.windows[0].id,
        format=VisitFormat.PHYSICAL,
        distance_km=4.2,
        cost=0.1,
        explanation={},
    )
    accepted = proposals.create_proposal(session, offer, now=now)
    add_proposal(session, world, noon - timedelta(days=2, hours=1))

    # Visits a week ahead and yesterday: the visit reminder and the feedback request.
    add_visit(session, world, local_moment(today + timedelta(days=7), 9, CPH))
    add_visit(session, world, local_moment(today - timedelta(days=1), 9, CPH))
    # A booking the last run left unmatched: the teacher hears, and so does the digest.
    add_request(
        session,
        world,
        status=RequestStatus.UNMATCHED,
        day=today + timedelta(days=30),
        updated_at=noon - timedelta(hours=1),
        unmatched_reason={
            "reason": "no_candidate",
            "data": {"rule": "subject", "subject": "fysik"},
            "at": noon.isoformat(),
        },
    )
    # A booking whose dates are near with nobody confirmed: the warning. Dates every day
    # of the next two weeks, so the first school day is near whatever the holidays.
    soon = add_request(
        session, world, status=RequestStatus.SUBMITTED, day=today + timedelta(days=1)
    )
    soon.windows.extend(
        DateWindow(day=today + timedelta(days=n), start_time=time(9), end_time=time(11))
        for n in range(2, 15)
    )
    session.flush()
    reminders.queue_due_reminders(session, noon, ReminderSettings())

    # The volunteer says yes: both sides get the confirmation with the .ics.
    visit = proposals.accept(session, accepted.id, now=now)

    # A teacher books: the receipt.
    assert isinstance(world.teacher.teacher_profile, TeacherProfile)
    requests.create_request(
        session,
        world.teacher,
        requests.RequestData(
            programme_id=world.programme.id,
            school_id=world.school.id,
            level_id=world.level.id,
            pupils=22,
            primary_subject_id=world.subject.id,
            windows=(requests.WindowData(today + timedelta(days=40), time(9), time(11)),),
            class_name="7.a",
        ),
        now=now,
    )

    # The teacher writes to the role model of the confirmed visit.
    booking = session.get(BookingRequest, visit.request_id)
    assert booking is not None
    messages.relay_message(session, world.teacher, booking, "Vi glæder os! Husk en HDMI-stik.")

    # The role model changes password and e-mail address.
    user = world.volunteer.user
    account_changes.change_password(session, user, PASSWORD, "en endnu bedre adgangskode", now)
    account_changes.request_email_change(
        session, user, "en endnu bedre adgangskode", "frida@nyt.example.dk", now
    )

    # Someone who signed up years ago and never came back: the retention warning.
    sleeper = User(
        email="sovende@example.dk",
        role=Role.TEACHER,
        full_name="Svend Sovende",
        created_at=now - timedelta(days=4 * 365),
    )
    sleeper.teacher_profile = TeacherProfile(school=world.school)
    session.add(sleeper)
    session.flush()
    retention.run_retention(session, now, retention.RetentionPolicy())

    # Someone signs up with the teacher's address: the owner is told, nothing is created.
    accounts.register(
        session,
        role=Role.TEACHER,
        email=world.teacher.email or "",
        full_name="Nogen Andre",
        password=PASSWORD,
        consent=True,
        school=world.school,
        now=now,
    )
    # Two new teachers join the school: a colleague is asked, vouches for one, not the other.
    newcomers = []
    for email, name in (
        ("ny.laerer@example.dk", "Nina Ny"),
        ("fremmed@example.dk", "Frank Fremmed"),
    ):
        newcomer = User(email=email, role=Role.TEACHER, full_name=name, email_verified_at=now)
        session.add(newcomer)
        session.flush()
        newcomers.append(membership.join_school(session, newcomer, world.school, now))
    membership.approve(session, world.teacher, newcomers[0].user_id, now)
    membership.reject(session, world.teacher, newcomers[1].user_id, "Ukendt på skolen.", now)

    # The coordinator cancels another confirmed visit: both sides are told.
    doomed = add_visit(
        session,
        world,
        local_moment(today + timedelta(days=20), 10, CPH),
        status=VisitStatus.PLANNED,
    )
    doomed.request.status = RequestStatus.CONFIRMED
    requests.cancel_request(session, world.coordinator, doomed.request, "Skolen har lukket.", now)

    # A coordinator approves one new role model, turns another down, and writes to all.
    for email, name in (("ny1@example.dk", "Nanna Ny"), ("ny2@example.dk", "Naja Ny")):
        newcomer = VolunteerProfile(
            user=User(email=email, role=Role.VOLUNTEER, full_name=name, email_verified_at=now),
            postcode=world.volunteer.postcode,
            municipality_code=world.volunteer.municipality_code,
            region_code=world.volunteer.region_code,
            latitude=world.volunteer.latitude,
            longitude=world.volunteer.longitude,
            status=VolunteerStatus.PENDING,
        )
        newcomer.programmes = [world.programme]
        session.add(newcomer)
        session.flush()
        if email == "ny1@example.dk":
            volunteers.approve(session, world.coordinator, newcomer, now)
        else:
            volunteers.reject(session, world.coordinator, newcomer, "Vi mangler en reference.", now)
    bulk.send(
        session,
        world.coordinator,
        [world.programme.id],
        bulk.BulkFilter(audience=BulkAudience.VOLUNTEERS, programme_id=world.programme.id),
        "Nyt fra programmet",
        "Kære rollemodeller\n\nTak for jeres indsats i år.",
        now=now,
    )
    session.commit()
    return list(session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id)))


def confirm_email_change_mail(session: Session, token: str) -> list[OutboxMail]:
    """Open the new-address link, which sends the notice to the old address."""
    account_changes.confirm_email_change(session, token, datetime.now(UTC))
    session.commit()
    return list(session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == "account_changed")))

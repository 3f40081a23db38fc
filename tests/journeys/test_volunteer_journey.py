"""The volunteer's journey: fill in the profile, see proposals and visits, write to a teacher."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from mentor.models import AuditEntry, OutboxMail, Proposal, VolunteerProfile
from mentor.models.enums import Gender, ProposalStatus, RequestStatus, Role, VisitFormat
from mentor.services import volunteers
from mentor.services.errors import DomainError
from tests.journeys.conftest import NOW, login, set_language


def profile_form(world, **overrides):
    data = {
        "full_name": "Sofie Jensen",
        "phone": "+45 20 30 40 50",
        "gender": "woman",
        "pronoun": "hun",
        "kind": "professional",
        "education": "Civilingeniør",
        "job_title": "Ingeniør",
        "employer": "Vestas",
        "subjects": [str(world.subjects["fysik"].id), str(world.subjects["energi_klima"].id)],
        "levels": [str(world.levels["udskoling"].id)],
        "languages": ["da", "en"],
        "story": "Jeg byggede vindmøller af mælkekartoner.",
        "postcode": "8000",
        "travel_radius_km": "40",
        "virtual_ok": "y",
        "weekdays": ["0", "2", "4"],
        "visits_per_term": "3",
        "period1_from": "2026-08-10",
        "period1_to": "2026-12-18",
        "blackout_dates": "2026-10-12\n2026-10-13",
        "programmes": [str(world.programmes["BOOK"].id), str(world.programmes["KRAM"].id)],
    }
    data.update(overrides)
    return data


def profile_count(session) -> int:
    return session.scalar(sa.select(sa.func.count(VolunteerProfile.id)))


def test_new_volunteer_is_led_to_the_profile_and_saves_it(client, world, session):
    user = world.user(Role.VOLUNTEER, "Sofie Jensen")
    login(client, user)
    home = client.get("/frivillig/")
    assert home.status_code == 200
    assert "/frivillig/profil" in home.get_data(as_text=True)
    form = client.get("/frivillig/profil").get_data(as_text=True)
    assert "<legend>Køn</legend>" in form and "<legend>STEM-fag</legend>" in form

    response = client.post("/frivillig/profil", data=profile_form(world))
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    profile = session.scalar(sa.select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))
    assert profile is not None
    assert (profile.municipality_code, profile.region_code) == (751, 1082)  # Aarhus
    assert profile.status.value == "pending"
    assert sorted(p.code for p in profile.programmes) == ["BOOK", "KRAM"]
    assert profile.weekdays == [0, 2, 4]
    assert [(p.date_from.isoformat(), p.date_to.isoformat()) for p in profile.periods] == [
        ("2026-08-10", "2026-12-18")
    ]
    assert [b.day.isoformat() for b in profile.blackout_dates] == ["2026-10-12", "2026-10-13"]
    assert profile.user.phone == "+45 20 30 40 50"

    page = client.get("/frivillig/").get_data(as_text=True)
    assert "Afventer godkendelse" in page


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"postcode": "0000"}, "postcode", "er ikke et dansk postnummer"),
        ({"subjects": []}, "subjects", "Vælg mindst ét fag."),
        ({"levels": []}, "levels", "Vælg mindst ét klassetrin."),
        ({"programmes": []}, "programmes", "Vælg mindst ét program."),
        ({"travel_radius_km": "900"}, "travel_radius_km", "mellem 0 og 500 km"),
        ({"travel_radius_km": "langt"}, "travel_radius_km", "Skriv et helt tal."),
        ({"period1_to": ""}, "period1_to", "Udfyld både fra og til"),
        ({"period1_to": "2026-01-01"}, "period1_to", "slutter, før den begynder"),
        ({"blackout_dates": "i morgen"}, "blackout_dates", "er ikke en dato"),
        ({"gender": "man"}, "programmes", "KRAM er kun for kvindelige rollemodeller."),
        ({"weekdays": ["6"]}, "weekdays", "Vælg en af mulighederne."),
    ],
)
def test_profile_errors_are_shown_by_the_field_and_nothing_is_saved(
    client, world, session, overrides, field_id, message
):
    user = world.user(Role.VOLUNTEER)
    login(client, user)
    response = client.post("/frivillig/profil", data=profile_form(world, **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="error-summary"' in page
    assert message in page
    assert f'id="{field_id}-error"' in page or f'href="#{field_id}"' in page
    session.expire_all()
    assert profile_count(session) == 0


def test_profile_errors_in_english_ui_still_name_the_field(client, world, session):
    user = world.user(Role.VOLUNTEER)
    login(client, user)
    set_language(client, "en")
    page = client.post("/frivillig/profil", data=profile_form(world, postcode="12")).get_data(
        as_text=True
    )
    assert '<html lang="en">' in page
    assert 'id="postcode-error"' in page
    assert profile_count(session) == 0


def test_kram_is_only_for_women_whoever_saves(world, session):
    man = world.volunteer(gender=Gender.MAN, programmes=("BOOK",))
    data = volunteers.ProfileData(
        full_name="Mads Hansen",
        postcode="8000",
        gender=Gender.MAN,
        subject_ids=[world.subjects["fysik"].id],
        level_ids=[world.levels["udskoling"].id],
        programme_ids=[world.programmes["KRAM"].id],
    )
    coordinator = world.coordinator("KRAM", "BOOK")
    with pytest.raises(DomainError) as refused:
        volunteers.save_profile(session, man.user, data, actor=coordinator, now=NOW)
    assert refused.value.field == "programmes"
    woman = volunteers.save_profile(
        session,
        man.user,
        volunteers.ProfileData(**{**data.__dict__, "gender": Gender.WOMAN}),
        actor=coordinator,
        now=NOW,
    )
    assert [p.code for p in woman.programmes] == ["KRAM"]


def test_only_approved_volunteers_are_matchable_and_virtual_needs_training(world, session):
    coordinator = world.coordinator("BOOK")
    profile = world.volunteer(status=volunteers.VolunteerStatus.PENDING)
    profile.virtual_ok = True
    assert volunteers.matchable_formats(profile) == set()
    volunteers.approve(session, coordinator, profile, now=NOW)
    assert volunteers.matchable_formats(profile) == {VisitFormat.PHYSICAL}
    volunteers.record_training(
        session, coordinator, profile, volunteers.TrainingKind.VIRTUAL, NOW.date(), now=NOW
    )
    assert volunteers.matchable_formats(profile) == {VisitFormat.PHYSICAL, VisitFormat.VIRTUAL}
    profile.paused_until = NOW.date() + timedelta(days=10)
    assert volunteers.matchable_formats(profile, on=NOW.date()) == set()


def test_home_links_each_pending_proposal_and_planned_visit(client, world, session):
    profile = world.volunteer()
    teacher = world.teacher(world.school(name="Viby Skole"))
    asked = world.request(teacher, status=RequestStatus.PROPOSED)
    proposal = Proposal(
        request=asked,
        volunteer=profile,
        window=asked.windows[0],
        format=VisitFormat.PHYSICAL,
        status=ProposalStatus.PENDING,
        expires_at=NOW + timedelta(days=7),
        created_at=NOW,
    )
    session.add(proposal)
    session.flush()
    confirmed = world.request(
        world.teacher(world.school(name="Hasle Skole")), status=RequestStatus.CONFIRMED
    )
    visit = world.visit(confirmed, profile)
    login(client, profile.user)
    page = client.get("/frivillig/").get_data(as_text=True)
    assert "Viby Skole" in page and "Hasle Skole" in page
    assert f'href="/frivillig/forslag/{proposal.id}"' in page and "Se og svar" in page
    assert f"/frivillig/besoeg/{visit.id}" in page


def test_volunteer_sees_only_their_own_visits_and_no_staff_pages(client, world, session):
    mine, other = world.volunteer(), world.volunteer()
    request = world.request(world.teacher(), status=RequestStatus.CONFIRMED)
    visit = world.visit(request, other)
    login(client, mine.user)
    assert client.get(f"/frivillig/besoeg/{visit.id}").status_code == 404
    assert client.post(f"/frivillig/besoeg/{visit.id}", data={"body": "Hej"}).status_code == 404
    assert client.get("/koordinator/rollemodeller").status_code == 403
    assert client.get("/laerer/bookinger/ny").status_code == 403


def test_volunteer_writes_to_the_teacher_through_the_outbox(client, world, session):
    profile = world.volunteer()
    teacher = world.teacher()
    request = world.request(teacher, status=RequestStatus.CONFIRMED)
    visit = world.visit(request, profile)
    login(client, profile.user)
    response = client.post(
        f"/frivillig/besoeg/{visit.id}", data={"body": "Jeg tager en drone med."}
    )
    assert response.status_code == 302
    mail = session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "relayed_message"))
    assert mail is not None and mail.to_user_id == teacher.id
    assert "Jeg tager en drone med." in mail.body_text
    assert profile.user.email not in mail.body_text
    # The signed reply link: the teacher answers without logging in.
    assert "/besked/svar/" in mail.body_text
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "message_relayed"))
    assert entry is not None and entry.actor_id == profile.user_id

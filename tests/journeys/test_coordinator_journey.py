"""The coordinator's lists, scoped to their programmes, and volunteer administration."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from mentor.models import AuditEntry, BookingRequest, Subject, VolunteerProfile
from mentor.models.base import utcnow
from mentor.models.enums import Gender, RequestStatus, Role, VisitStatus, VolunteerStatus
from tests.journeys.conftest import count_statements, login


def rows_of(page: str) -> int:
    """The number of data rows in the page's one table body."""
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return body.count("<tr>") - body.count('colspan="')


def test_lists_show_only_the_coordinators_programmes(client, world, session):
    kram = world.coordinator("KRAM")
    inside = world.volunteer(programmes=("KRAM",), name="Inge Inde")
    outside = world.volunteer(programmes=("BOOK",), name="Ulla Ude")
    teacher = world.teacher(world.school(name="Kram Skole"))
    kram_request = world.request(teacher, programme="KRAM")
    book_request = world.request(world.teacher(world.school(name="Book Skole")))
    login(client, kram)

    volunteers = client.get("/koordinator/rollemodeller").get_data(as_text=True)
    assert "Inge Inde" in volunteers and "Ulla Ude" not in volunteers
    requests = client.get("/koordinator/bookinger").get_data(as_text=True)
    assert "Kram Skole" in requests and "Book Skole" not in requests
    # Asking for a programme outside the scope gives nothing, not everything.
    book_id = world.programmes["BOOK"].id
    page = client.get(f"/koordinator/rollemodeller?programme={book_id}").get_data(as_text=True)
    assert rows_of(page) == 0

    assert client.get(f"/koordinator/rollemodeller/{inside.id}").status_code == 200
    assert client.get(f"/koordinator/rollemodeller/{outside.id}").status_code == 404
    assert client.post(f"/koordinator/rollemodeller/{outside.id}/godkend").status_code == 404
    assert client.get(f"/koordinator/bookinger/{kram_request.id}").status_code == 200
    assert client.get(f"/koordinator/bookinger/{book_request.id}").status_code == 404
    assert (
        client.post(
            f"/koordinator/bookinger/{book_request.id}/status", data={"status": "cancelled"}
        ).status_code
        == 404
    )


def test_other_roles_cannot_open_coordinator_pages(client, world):
    for user in (world.teacher(), world.volunteer().user):
        login(client, user)
        for url in (
            "/koordinator/",
            "/koordinator/rollemodeller",
            "/koordinator/bookinger",
            "/koordinator/skoler",
            "/koordinator/besoeg",
            "/koordinator/eksport/volunteers.csv",
        ):
            assert client.get(url).status_code == 403, url


def test_volunteer_filters_search_sort_and_pages(client, world, session):
    coordinator = world.coordinator("BOOK", "KRAM")
    world.volunteer(
        name="Alma Aarhus", postcode="8000", subjects=("kemi",), programmes=("BOOK", "KRAM")
    )  # counted once
    world.volunteer(
        name="Bodil Odense", postcode="5000", subjects=("fysik",), status=VolunteerStatus.PENDING
    )
    world.volunteer(name="Clara Aalborg", postcode="9000", subjects=("fysik",), levels=("stx",))
    for i in range(4):
        world.volunteer(name=f"Dorte {i}", postcode="2100")
    login(client, coordinator)

    def names(query: str) -> list[str]:
        page = client.get(f"/koordinator/rollemodeller?{query}").get_data(as_text=True)
        body = page.split("<tbody>")[1]
        return [
            part.split("</a>")[0].split(">")[-1]
            for part in body.split("/koordinator/rollemodeller/")[1:]
        ]

    assert names("region=1082") == ["Alma Aarhus 2"]
    assert names("municipality=461") == ["Bodil Odense 3"]  # Odense
    assert names(f"subject={world.subjects['kemi'].id}") == ["Alma Aarhus 2"]
    assert names(f"level={world.levels['stx'].id}") == ["Clara Aalborg 4"]
    assert names("status=pending") == ["Bodil Odense 3"]
    assert names("q=aalborg") == ["Clara Aalborg 4"]
    assert names("q=%25") == []  # the search is literal, not a LIKE pattern
    assert names("region=1084&sort=-name") == ["Dorte 3 8", "Dorte 2 7", "Dorte 1 6", "Dorte 0 5"]
    first = names("sort=name&per_page=3")
    second = names("sort=name&per_page=3&page=2")
    assert len(first) == 3 and len(second) == 3 and not set(first) & set(second)
    page = client.get("/koordinator/rollemodeller?per_page=3").get_data(as_text=True)
    assert "7 i alt · side 1 af 3" in page
    kram = world.programmes["KRAM"].id
    assert "1 i alt" in client.get(f"/koordinator/rollemodeller?programme={kram}").get_data(
        as_text=True
    )
    # Nonsense in the query string is ignored rather than an error page.
    assert client.get("/koordinator/rollemodeller?page=x&region=abc&sort=drop").status_code == 200


@pytest.mark.parametrize("path", ["rollemodeller", "bookinger", "skoler", "besoeg"])
def test_statements_per_list_page_do_not_grow_with_rows(client, world, session, path):
    coordinator = world.coordinator("BOOK", "KRAM")
    login(client, coordinator)

    def add_rows(n: int) -> None:
        for i in range(n):
            volunteer = world.volunteer(
                programmes=("BOOK", "KRAM"), subjects=("fysik", "kemi"), levels=("udskoling", "stx")
            )
            request = world.request(
                world.teacher(),
                programme="KRAM" if i % 2 else "BOOK",
                status=RequestStatus.CONFIRMED,
            )
            request.other_subjects = [world.subjects["matematik"]]
            world.visit(request, volunteer)
        session.commit()

    def statements() -> int:
        session.expire_all()
        with count_statements() as seen:
            response = client.get(f"/koordinator/{path}?per_page=50")
        assert response.status_code == 200
        return len(seen)

    add_rows(3)
    few = statements()
    add_rows(30)
    many = statements()
    assert many == few
    assert many <= 14


def test_approve_reject_and_training_go_into_the_audit_log(client, world, session):
    coordinator = world.coordinator("BOOK")
    profile = world.volunteer(status=VolunteerStatus.PENDING)
    login(client, coordinator)
    assert client.post(f"/koordinator/rollemodeller/{profile.id}/godkend").status_code == 302
    today = utcnow().date()
    response = client.post(
        f"/koordinator/rollemodeller/{profile.id}/uddannelse",
        data={"kind": "virtual", "completed_on": today.isoformat()},
    )
    assert response.status_code == 302
    future = client.post(
        f"/koordinator/rollemodeller/{profile.id}/uddannelse",
        data={"kind": "story", "completed_on": (today + timedelta(days=3)).isoformat()},
    )
    assert future.status_code == 400
    assert "kan ikke ligge i fremtiden" in future.get_data(as_text=True)

    session.expire_all()
    profile = session.get(VolunteerProfile, profile.id)
    assert profile.status == VolunteerStatus.APPROVED and profile.approved_by_id == coordinator.id
    assert [t.kind.value for t in profile.trainings] == ["virtual"]
    assert (
        client.post(
            f"/koordinator/rollemodeller/{profile.id}/afvis", data={"reason": "Flyttet"}
        ).status_code
        == 302
    )
    session.expire_all()
    assert session.get(VolunteerProfile, profile.id).status == VolunteerStatus.REJECTED
    actions = session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.actor_id == coordinator.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["volunteer_approved", "training_recorded", "volunteer_rejected"]


def test_coordinator_edit_is_audited_and_keeps_programmes_outside_scope(client, world, session):
    coordinator = world.coordinator("BOOK")
    profile = world.volunteer(programmes=("BOOK", "KRAM"))
    login(client, coordinator)
    form = client.get(f"/koordinator/rollemodeller/{profile.id}/ret")
    assert form.status_code == 200
    data = {
        "full_name": profile.user.full_name,
        "gender": "woman",
        "kind": "student",
        "subjects": [str(world.subjects["kemi"].id)],
        "levels": [str(world.levels["stx"].id)],
        "languages": ["da"],
        "postcode": "5000",
        "travel_radius_km": "25",
        "weekdays": ["1"],
        "visits_per_term": "1",
        "programmes": [str(world.programmes["BOOK"].id)],
    }
    response = client.post(f"/koordinator/rollemodeller/{profile.id}/ret", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    profile = session.get(VolunteerProfile, profile.id)
    assert sorted(p.code for p in profile.programmes) == ["BOOK", "KRAM"]
    assert profile.region_code == 1083 and profile.kind.value == "student"
    entry = session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "volunteer_profile_updated")
    )
    assert entry.actor_id == coordinator.id
    assert entry.details["changes"]["postcode"] == ["8000", "5000"]
    assert entry.details["by_coordinator"] is True

    # A man cannot be kept in KRAM, even by a coordinator.
    refused = client.post(
        f"/koordinator/rollemodeller/{profile.id}/ret", data={**data, "gender": "man"}
    )
    assert "KRAM er kun for kvindelige rollemodeller." in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(VolunteerProfile, profile.id).gender == Gender.WOMAN


def test_request_status_change_by_coordinator_refuses_illegal_moves(client, world, session):
    coordinator = world.coordinator("BOOK")
    unmatched = world.request(world.teacher(), status=RequestStatus.UNMATCHED)
    completed = world.request(world.teacher(), status=RequestStatus.COMPLETED)
    login(client, coordinator)
    ok = client.post(
        f"/koordinator/bookinger/{unmatched.id}/status",
        data={"status": "submitted", "reason": "Ny runde"},
    )
    assert ok.status_code == 302
    refused = client.post(
        f"/koordinator/bookinger/{completed.id}/status", data={"status": "submitted"}
    )
    assert refused.status_code == 400
    session.expire_all()
    assert session.get(BookingRequest, unmatched.id).status == RequestStatus.SUBMITTED
    assert session.get(BookingRequest, completed.id).status == RequestStatus.COMPLETED
    entry = session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "request_status_changed")
    )
    assert entry.object_id == unmatched.id and entry.details["reason"] == "Ny runde"


def test_coordinator_cancels_a_confirmed_request_and_its_visit(client, world, session):
    coordinator = world.coordinator("BOOK")
    request = world.request(world.teacher(), status=RequestStatus.CONFIRMED)
    visit = world.visit(request, world.volunteer())
    login(client, coordinator)
    assert (
        client.post(
            f"/koordinator/bookinger/{request.id}/status", data={"status": "cancelled"}
        ).status_code
        == 302
    )
    session.expire_all()
    assert session.get(BookingRequest, request.id).status == RequestStatus.CANCELLED
    assert visit.status == VisitStatus.CANCELLED and visit.cancelled_by == "coordinator"


def test_csv_export_follows_the_filters_and_defuses_formulas(client, world, session):
    coordinator = world.coordinator("BOOK")
    world.volunteer(name="=HYPERLINK(x)", postcode="8000")
    world.volunteer(name="Odense Olga", postcode="5000")
    world.volunteer(name="Udenfor", programmes=("KRAM",))
    login(client, coordinator)
    response = client.get("/koordinator/eksport/volunteers.csv?region=1082&page=3")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][:3] == ["id", "Navn", "E-mail"]
    assert len(rows) == 2
    assert rows[1][1].startswith("'=HYPERLINK")
    everything = client.get("/koordinator/eksport/volunteers.csv").get_data(as_text=True)
    assert "Odense Olga" in everything and "Udenfor" not in everything
    for kind in ("requests", "schools", "visits"):
        assert client.get(f"/koordinator/eksport/{kind}.csv").status_code == 200
    assert (
        session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "list_exported")
        )
        == 5
    )


def test_taxonomy_can_be_extended_and_retired(client, world, session):
    coordinator = world.coordinator("BOOK")
    login(client, coordinator)
    response = client.post(
        "/koordinator/fag", data={"name_da": "Grøn omstilling", "name_en": "Green transition"}
    )
    assert response.status_code == 302
    subject = session.scalar(sa.select(Subject).where(Subject.code == "groen_omstilling"))
    assert subject is not None
    duplicate = client.post(
        "/koordinator/fag", data={"name_da": "grøn omstilling", "name_en": "Again"}
    )
    assert "Faget findes allerede." in duplicate.get_data(as_text=True)
    assert client.post(f"/koordinator/fag/{subject.id}/inaktiv").status_code == 302
    volunteer = world.user(Role.VOLUNTEER)
    login(client, volunteer)
    assert "Grøn omstilling" not in client.get("/frivillig/profil").get_data(as_text=True)


def test_home_shows_what_needs_attention_in_scope(client, world, session):
    coordinator = world.coordinator("KRAM")
    world.volunteer(programmes=("KRAM",), status=VolunteerStatus.PENDING, name="Venter Vibeke")
    world.volunteer(programmes=("BOOK",), status=VolunteerStatus.PENDING, name="Anden Anne")
    world.request(world.teacher(), programme="KRAM", status=RequestStatus.UNMATCHED)
    world.request(world.teacher(), programme="KRAM")
    world.request(world.teacher(), programme="BOOK", status=RequestStatus.UNMATCHED)
    done = world.request(world.teacher(), programme="KRAM", status=RequestStatus.CONFIRMED)
    world.visit(done, world.volunteer(programmes=("KRAM",)), starts_at=utcnow() - timedelta(days=2))
    login(client, coordinator)
    page = client.get("/koordinator/").get_data(as_text=True)
    assert "<strong>1</strong> rollemodeller venter" in page
    assert "<strong>1</strong> bookinger uden match" in page
    assert "<strong>1</strong> bookinger uden forslag" in page
    assert "<strong>1</strong> besøg mangler feedback" in page
    assert "Venter Vibeke" in page and "Anden Anne" not in page


def test_coordinator_edits_a_request_with_an_audit_entry(client, world, session):
    coordinator = world.coordinator("BOOK", "KRAM")
    request = world.request(world.teacher())
    login(client, coordinator)
    page = client.get(f"/koordinator/bookinger/{request.id}/ret")
    assert page.status_code == 200 and "<legend>Form</legend>" in page.get_data(as_text=True)
    window = request.windows[0]
    data = {
        "programme_id": str(world.programmes["KRAM"].id),
        "school_id": str(request.school_id),
        "level_id": str(request.level_id),
        "pupils": "19",
        "primary_subject_id": str(request.primary_subject_id),
        "format": "virtual",
        "gender_focus": "woman_preferred",
        "language": "da",
        "window1_day": window.day.isoformat(),
        "window1_start": "09:00",
        "window1_end": "11:00",
    }
    response = client.post(f"/koordinator/bookinger/{request.id}/ret", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    request = session.get(BookingRequest, request.id)
    assert (request.pupils, request.programme.code, request.format.value) == (19, "KRAM", "virtual")
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "request_updated"))
    assert entry.actor_id == coordinator.id
    assert entry.details["changes"]["pupils"] == [24, 19]
    history = client.get(f"/koordinator/bookinger/{request.id}").get_data(as_text=True)
    # The history reads in words, never in the log's codes.
    assert "request_updated" not in history
    assert f"{coordinator.full_name} rettede bookingen: program, elever" in history


def test_training_can_be_removed_and_visits_list_filters_missing_feedback(client, world, session):
    coordinator = world.coordinator("BOOK")
    profile = world.volunteer()
    login(client, coordinator)
    today = utcnow().date().isoformat()
    client.post(
        f"/koordinator/rollemodeller/{profile.id}/uddannelse",
        data={"kind": "story", "completed_on": today},
    )
    page = client.get(f"/koordinator/rollemodeller/{profile.id}").get_data(as_text=True)
    assert "Den gode historie" in page
    assert (
        client.post(
            f"/koordinator/rollemodeller/{profile.id}/uddannelse/slet", data={"kind": "story"}
        ).status_code
        == 302
    )
    session.expire_all()
    assert session.get(VolunteerProfile, profile.id).trainings == []

    past = world.request(
        world.teacher(world.school(name="Fortid Skole")), status=RequestStatus.CONFIRMED
    )
    world.visit(past, profile, starts_at=utcnow() - timedelta(days=3))
    future = world.request(
        world.teacher(world.school(name="Fremtid Skole")), status=RequestStatus.CONFIRMED
    )
    world.visit(future, profile, starts_at=utcnow() + timedelta(days=3))
    login(client, coordinator)
    page = client.get("/koordinator/besoeg?status=awaiting_feedback").get_data(as_text=True)
    assert "Fortid Skole" in page and "Fremtid Skole" not in page
    assert "Fremtid Skole" in client.get("/koordinator/besoeg").get_data(as_text=True)

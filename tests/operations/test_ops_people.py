"""People: the teacher list, the admin's user search and actions, approval mails."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from mentor.models import Proposal, User
from mentor.models.enums import ProposalStatus, RequestStatus, Role, VolunteerStatus
from mentor.services import accounts, people
from mentor.services.errors import DomainError
from tests import factories as f


@pytest.fixture
def staff(app, session):
    admin = f.user(session, "admin@x.dk", Role.ADMIN, "Ada Admin")
    book = f.user(session, "book@x.dk", Role.COORDINATOR, "Bo Book")
    book.coordinated_programmes = [f.programme(session, "BOOK")]
    session.commit()
    return {"admin": admin, "book": book}


def test_teacher_list_shows_only_the_coordinators_programmes(app, client, session, staff) -> None:
    kram_teacher = f.teacher(
        session, "kram@skole.dk", f.school(session, "Kram Skole"), "Kirsten Kram"
    )
    book_teacher = f.teacher(
        session, "book@skole.dk", f.school(session, "Book Skole"), "Birte Book"
    )
    new_teacher = f.teacher(session, "ny@skole.dk", f.school(session, "Ny Skole"), "Nanna Ny")
    f.booking(session, kram_teacher, programme_code="KRAM")
    f.booking(session, book_teacher)
    f.booking(session, book_teacher, status=RequestStatus.CANCELLED)
    session.commit()
    f.login(client, "book@x.dk")
    page = client.get("/koordinator/laerere").get_data(as_text=True)
    assert "Birte Book" in page and "Nanna Ny" in page
    assert "Kirsten Kram" not in page and "kram@skole.dk" not in page
    open_only = client.get("/koordinator/laerere?status=open").get_data(as_text=True)
    assert "Birte Book" in open_only and "Nanna Ny" not in open_only
    search = client.get("/koordinator/laerere?q=book+skole").get_data(as_text=True)
    assert "Birte Book" in search and "Nanna Ny" not in search
    # The school page shows its contact teachers within the same scope.
    school_page = client.get(f"/koordinator/skoler/{kram_teacher.teacher_profile.school_id}")
    assert "Kirsten Kram" not in school_page.get_data(as_text=True)
    assert new_teacher.email in client.get(
        f"/koordinator/skoler/{new_teacher.teacher_profile.school_id}"
    ).get_data(as_text=True)


def test_admin_finds_a_user_by_name_or_email_and_role(app, client, session, staff) -> None:
    f.volunteer(session, "vera@firma.dk", name="Vera Veninde")
    f.teacher(session, "tove@skole.dk", name="Tove Tidsler")
    session.commit()
    f.login(client, "admin@x.dk")
    by_name = client.get("/admin/brugere?q=veninde").get_data(as_text=True)
    assert "vera@firma.dk" in by_name and "tove@skole.dk" not in by_name
    by_mail = client.get("/admin/brugere?q=skole.dk").get_data(as_text=True)
    assert "Tove Tidsler" in by_mail and "Vera Veninde" not in by_mail
    teachers = client.get("/admin/brugere?status=role:teacher").get_data(as_text=True)
    assert "Tove Tidsler" in teachers and "Vera Veninde" not in teachers
    # Coordinators never reach the admin's search.
    coordinator = app.test_client()
    f.login(coordinator, "book@x.dk")
    assert coordinator.get("/admin/brugere").status_code == 403


def test_admin_changes_a_role_but_never_the_last_admin(app, session, staff) -> None:
    admin, book = staff["admin"], staff["book"]
    people.change_role(session, admin, book, Role.ADMIN)
    assert book.role == Role.ADMIN and book.coordinated_programmes == []
    volunteer = f.volunteer(session, "v@x.dk")
    with pytest.raises(DomainError, match="Kun koordinatorer og administratorer"):
        people.change_role(session, admin, volunteer, Role.COORDINATOR)
    with pytest.raises(DomainError, match="din egen rolle"):
        people.change_role(session, admin, admin, Role.COORDINATOR)
    with pytest.raises(DomainError, match="din egen konto"):
        accounts.deactivate(session, admin, admin)
    people.change_role(session, book, admin, Role.COORDINATOR)
    assert admin.role == Role.COORDINATOR
    with pytest.raises(DomainError, match="Kun administratorer"):
        people.change_role(session, admin, book, Role.COORDINATOR)


def test_deactivation_stops_login_and_hands_pending_proposals_on(
    app, client, session, staff
) -> None:
    vera = f.volunteer(session, "vera@firma.dk", name="Vera Veninde")
    backup = f.volunteer(session, "bent@firma.dk", name="Bent Backup")
    teacher = f.teacher(session, "t@skole.dk")
    request = f.booking(session, teacher, status=RequestStatus.PROPOSED)
    session.add(
        Proposal(
            request=request,
            volunteer=vera.volunteer_profile,
            format="physical",
            status=ProposalStatus.PENDING,
            expires_at=f.NOW + timedelta(days=7),
        )
    )
    session.commit()
    f.login(client, "admin@x.dk")
    response = client.post(f"/admin/brugere/{vera.id}/deaktiver", data={"reason": "Efter aftale"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(User, vera.id).deactivated_at is not None
    proposals = session.scalars(sa.select(Proposal).order_by(Proposal.id)).all()
    assert proposals[0].status == ProposalStatus.WITHDRAWN
    # The cascade proposed the next volunteer at once.
    assert [p.volunteer_id for p in proposals[1:]] == [backup.volunteer_profile.id]
    refused = app.test_client().post(
        "/login", data={"email": "vera@firma.dk", "password": f.PASSWORD}
    )
    assert refused.status_code == 200
    page = client.get(f"/admin/brugere/{vera.id}").get_data(as_text=True)
    assert (
        "Deaktiveret" in page and "Konto deaktiveret" in page and "account_deactivated" not in page
    )
    assert client.post(f"/admin/brugere/{vera.id}/genaktiver").status_code == 302
    f.login(app.test_client(), "vera@firma.dk")


def test_admin_exports_a_persons_data_on_request(app, client, session, staff) -> None:
    vera = f.volunteer(session, "vera@firma.dk", name="Vera Veninde")
    session.commit()
    f.login(client, "admin@x.dk")
    response = client.get(f"/admin/brugere/{vera.id}/data.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = response.get_json(force=True)
    assert data["account"]["email"] == "vera@firma.dk"
    assert data["volunteer_profile"]["job_title"] == "ingeniør"


def test_approval_and_rejection_are_mailed_with_the_reason(
    app, client, session, staff, delivered
) -> None:
    vera = f.volunteer(session, "vera@firma.dk", name="Vera Veninde", approved=False)
    profile_id = vera.volunteer_profile.id
    session.commit()
    f.login(client, "book@x.dk")
    assert client.post(f"/koordinator/rollemodeller/{profile_id}/godkend").status_code == 302
    [approved] = delivered("vera@firma.dk")
    assert "godkendt som rollemodel" in approved and "Hej Vera" in approved
    empty = client.post(f"/koordinator/rollemodeller/{profile_id}/afvis", data={"reason": ""})
    assert empty.status_code == 400
    done = client.post(
        f"/koordinator/rollemodeller/{profile_id}/afvis",
        data={"reason": "Vi mangler en børneattest"},
    )
    assert done.status_code == 302
    mails = delivered("vera@firma.dk")
    assert len(mails) == 2 and "Vi mangler en børneattest" in mails[-1]
    session.expire_all()
    assert session.get(f.VolunteerProfile, profile_id).status == VolunteerStatus.REJECTED

"""A volunteer whose approval is withdrawn can no longer accept (issue 12, finding 4).

Rejecting or deactivating her withdraws her pending proposals and passes each request on
to the next volunteer; accepting checks her status under the lock, whatever path led there.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from mentor.extensions import db
from mentor.models import Proposal, User, VolunteerProfile
from mentor.models.enums import ProposalStatus, Role, VolunteerStatus
from mentor.services import proposals
from mentor.services.errors import DomainError
from tests import factories as f

VISIT_DAY = date(2030, 3, 5)


@pytest.fixture
def offered(app) -> dict[str, int]:
    """Vera has a pending proposal for a class; Ulla could take it too."""
    with app.test_request_context():
        s = db.session
        coordinator = f.user(s, "koord@example.dk", Role.COORDINATOR, "Karen Koordinator")
        coordinator.coordinated_programmes = [f.programme(s, "BOOK")]
        admin = f.user(s, "admin@example.dk", Role.ADMIN, "Ada Admin")
        teacher = f.teacher(s, "tove@skole.dk")
        vera = f.volunteer(s, "vera@firma.dk", name="Vera Veninde", capacity=2)
        ulla = f.volunteer(s, "ulla@firma.dk", name="Ulla Uhrskov", postcode="8200", capacity=2)
        request = f.booking(s, teacher, days=(VISIT_DAY,))
        s.commit()
        proposal = proposals.manual_assign(s, coordinator, request.id, vera.volunteer_profile.id)
        s.commit()
        return {
            "vera": vera.volunteer_profile.id,
            "vera_user": vera.id,
            "ulla": ulla.volunteer_profile.id,
            "request": request.id,
            "proposal": proposal.id,
            "admin": admin.id,
        }


def _live(request_id: int) -> list[tuple[int, ProposalStatus]]:
    return [
        (p.volunteer_id, p.status)
        for p in db.session.scalars(
            sa.select(Proposal).where(Proposal.request_id == request_id).order_by(Proposal.id)
        )
    ]


def test_rejecting_a_volunteer_withdraws_her_proposals_and_passes_them_on(app, offered) -> None:
    client = app.test_client()
    f.login(client, "koord@example.dk")
    response = client.post(
        f"/koordinator/rollemodeller/{offered['vera']}/afvis",
        data={"reason": "Børneattesten mangler."},
    )
    assert response.status_code == 302
    with app.test_request_context():
        assert _live(offered["request"]) == [
            (offered["vera"], ProposalStatus.WITHDRAWN),
            (offered["ulla"], ProposalStatus.PENDING),
        ]
        token = proposals.answer_token(db.session.get(Proposal, offered["proposal"]))
    answer = app.test_client().post(f"/frivillig/svar/{token}", data={"answer": "accept"})
    assert "Besøget er aftalt" not in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Proposal, offered["proposal"]).status == ProposalStatus.WITHDRAWN


def test_accepting_checks_the_volunteers_approval_whatever_the_path(app, offered) -> None:
    with app.app_context():
        # As if a path forgot to withdraw: the acceptance itself must still refuse.
        db.session.get(VolunteerProfile, offered["vera"]).status = VolunteerStatus.REJECTED
        db.session.commit()
    with app.test_request_context():
        with pytest.raises(DomainError, match="ikke godkendt"):
            proposals.accept(db.session, offered["proposal"])
        db.session.rollback()
        assert _live(offered["request"])[0][1] == ProposalStatus.PENDING


def test_an_admin_deactivating_a_volunteer_ends_her_access_and_her_proposals(app, offered) -> None:
    vera = app.test_client()
    f.login(vera, "vera@firma.dk")
    admin = app.test_client()
    f.login(admin, "admin@example.dk")
    url = f"/admin/brugere/{offered['vera_user']}"
    assert "Vera Veninde" in admin.get(url).get_data(as_text=True)
    response = admin.post(f"{url}/deaktiver", data={"reason": "Bad om en pause."})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, offered["vera_user"])
        assert user.deactivated_at is not None and not user.is_active
        assert _live(offered["request"]) == [
            (offered["vera"], ProposalStatus.WITHDRAWN),
            (offered["ulla"], ProposalStatus.PENDING),
        ]
    # Her open session ends, and she cannot log in again; reactivation lets her back.
    assert vera.get("/frivillig/").status_code == 302
    again = app.test_client().post(
        "/login", data={"email": "vera@firma.dk", "password": f.PASSWORD}
    )
    assert again.status_code == 200 and "lukket" in again.get_data(as_text=True)
    assert admin.post(f"{url}/genaktiver", data={}).status_code == 302
    f.login(app.test_client(), "vera@firma.dk")

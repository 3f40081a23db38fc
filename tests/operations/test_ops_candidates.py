"""Find rollemodel: the ranked candidates are the engine's own choice, read from the database.

The ranking reads only volunteers who could take the booking, tier by tier; these tests
compare it with pricing every volunteer of the full problem and with a one-request run.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

import matching
from mentor.models import AuditEntry, Proposal, TrainingRecord
from mentor.models.enums import (
    Gender,
    GenderFocus,
    ProposalStatus,
    RequestFormat,
    RequestStatus,
    Role,
    TrainingKind,
)
from mentor.services.candidates import rank_candidates
from mentor.services.matching import Scope, load_problem
from tests import factories as f

NOW = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
DAY = date(2027, 2, 2)  # a Tuesday
POSTCODES = ["8000", "8200", "8600", "7100", "5000", "9000", "2200", "8900", "8700", "8543"]
SUBJECTS = ["fysik", "kemi", "matematik", "biologi", "geografi", "teknologi"]


@pytest.fixture
def corps(app, session):
    """Sixty role models around Denmark and four bookings at an Aarhus school."""
    rng = random.Random(14)
    school = f.school(session, "Aarhus Skole", "8000")
    teacher = f.teacher(session, "tove@skole.dk", school)
    other_teacher = f.teacher(session, "t2@skole.dk", f.school(session, "Odense Skole", "5000"))
    volunteers = []
    for n in range(60):
        person = f.volunteer(
            session,
            f"v{n}@x.dk",
            name=f"Rollemodel {n:02d}",
            postcode=rng.choice(POSTCODES),
            gender=Gender.WOMAN if rng.random() < 0.6 else Gender.MAN,
            programmes=("BOOK",),
            subjects=tuple(rng.sample(SUBJECTS, rng.randint(1, 2))),
            levels=("udskoling",) if rng.random() < 0.85 else ("stx",),
            radius=rng.choice([15, 30, 60, 120]),
            capacity=rng.choice([1, 2, 3]),
            virtual=rng.random() < 0.3,
            approved=rng.random() < 0.9,
        )
        volunteers.append(person.volunteer_profile)
    requests = {
        "physical": f.booking(session, teacher, days=(DAY,), format=RequestFormat.PHYSICAL),
        "either": f.booking(
            session,
            teacher,
            subject_code="kemi",
            days=(DAY, DAY + timedelta(days=7)),
            format=RequestFormat.EITHER,
            gender_focus=GenderFocus.WOMAN_PREFERRED,
        ),
        "virtual": f.booking(
            session, teacher, subject_code="biologi", days=(DAY,), format=RequestFormat.VIRTUAL
        ),
        "busy": f.booking(session, other_teacher, days=(DAY,)),
    }
    # Some load: a pending proposal elsewhere, and one volunteer who already said no.
    for profile in volunteers[:8]:
        session.add(
            Proposal(
                request=requests["busy"],
                volunteer=profile,
                format="physical",
                status=ProposalStatus.DECLINED,
                expires_at=NOW + timedelta(days=7),
            )
        )
    session.add(
        Proposal(
            request=requests["physical"],
            volunteer=volunteers[10],
            format="physical",
            status=ProposalStatus.DECLINED,
            expires_at=NOW + timedelta(days=7),
        )
    )
    session.flush()
    return {"requests": requests, "volunteers": volunteers}


def _full_pricing(session, request):
    tried = set(
        session.scalars(sa.select(Proposal.volunteer_id).where(Proposal.request_id == request.id))
    )
    loaded = load_problem(
        session,
        Scope(programme_id=request.programme_id),
        today=NOW.date(),
        request_ids=[request.id],
        exclusions={(request.id, v) for v in tried},
        # The cascade's notice: time for the role model to answer before the visit.
        notice_school_days=request.programme.answer_lead_school_days + 1,
    )
    return loaded.problem, matching.price_request(loaded.problem, request.id)


@pytest.mark.parametrize("kind", ["physical", "either", "virtual"])
def test_the_ranking_is_the_engines_pricing_of_everybody(session, corps, kind) -> None:
    request = corps["requests"][kind]
    problem, full = _full_pricing(session, request)
    found = rank_candidates(session, request.id, now=NOW, limit=200)
    assert found.complete and found.feasible_count == full.feasible_count > 3
    assert [(c.volunteer_id, c.cost) for c in found.ranked] == [
        (p.volunteer_id, p.cost) for p in full.ranked
    ]
    # The top candidate is the one a one-request run proposes.
    solution = matching.solve(problem)
    assert solution.assignments[0].volunteer_id == found.ranked[0].volunteer_id
    assert solution.assignments[0].cost == pytest.approx(found.ranked[0].cost, abs=1e-12)
    assert found.ranked[0].day == solution.assignments[0].window.day
    # The one who already said no is not offered again.
    assert corps["volunteers"][10].id not in {c.volunteer_id for c in found.ranked}


@pytest.mark.parametrize("limit", [1, 3, 5])
def test_a_short_list_is_the_head_of_the_full_ranking(session, corps, limit) -> None:
    request = corps["requests"]["either"]
    _problem, full = _full_pricing(session, request)
    found = rank_candidates(session, request.id, now=NOW, limit=limit)
    assert [c.volunteer_id for c in found.ranked] == [p.volunteer_id for p in full.ranked][:limit]
    assert found.feasible_count <= full.feasible_count


def test_candidates_carry_load_date_and_words(session, corps) -> None:
    request = corps["requests"]["physical"]
    found = rank_candidates(session, request.id, now=NOW, limit=5)
    top = found.ranked[0]
    assert top.rank == 1 and top.feasible and top.day == DAY
    assert top.reason.startswith("fysik ✓") and "ledig tirsdag" in top.reason
    assert 0 <= top.load < top.capacity and top.free == top.capacity - top.load
    assert top.format == "physical" and top.distance_km is not None
    loaded = {v.id: v for v in corps["volunteers"]}
    # Eight role models carry a declined proposal: it counts only while pending.
    assert all(c.load == 0 for c in found.ranked if c.volunteer_id in loaded)


def test_search_by_name_says_why_someone_cannot_be_chosen(session, corps) -> None:
    request = corps["requests"]["physical"]
    people = corps["volunteers"]
    people[20].status = "pending"
    people[21].paused_until = NOW.date() + timedelta(days=60)
    people[22].visits_per_term = 0
    session.flush()
    found = rank_candidates(session, request.id, now=NOW, query="Rollemodel 2")
    assert len(found.searched) == 10  # Rollemodel 20-29
    by_name = {c.volunteer_id: c for c in found.searched}
    assert by_name[people[20].id].why_not == "not_approved"
    assert "ikke godkendt" in by_name[people[20].id].reason
    assert by_name[people[21].id].why_not == "paused"
    assert by_name[people[22].id].why_not == "capacity"
    # Those who can be chosen come first, with their price.
    feasible = [c.feasible for c in found.searched]
    assert feasible == sorted(feasible, reverse=True)
    assert all(c.cost is not None for c in found.searched if c.feasible)
    said_no = rank_candidates(session, request.id, now=NOW, query="Rollemodel 10").searched
    assert [c.why_not for c in said_no] == ["excluded"]
    rules = {
        c.why_not
        for q in ("Rollemodel 0", "Rollemodel 1", "Rollemodel 3", "Rollemodel 4")
        for c in rank_candidates(session, request.id, now=NOW, query=q).searched
    }
    # The engine's own rules reach the words too (distance, level).
    assert {"reach", "level"} <= rules


def test_a_scoped_search_finds_nobody_from_other_programmes(session, corps) -> None:
    request = corps["requests"]["physical"]
    kram = f.programme(session, "KRAM")
    found = rank_candidates(
        session, request.id, now=NOW, query="Rollemodel", visible_programme_ids={kram.id}
    )
    assert found.searched == []


def test_closed_booking_has_a_note_and_no_ranking(session, corps) -> None:
    request = corps["requests"]["physical"]
    request.status = RequestStatus.CANCELLED
    session.flush()
    found = rank_candidates(session, request.id, now=NOW)
    assert found.ranked == [] and "ikke åben" in found.note


def test_cli_prints_the_ranking_as_json_and_refuses_an_unknown_id(
    app, runner, session, corps
) -> None:
    request = corps["requests"]["either"]
    session.commit()
    result = runner.invoke(
        args=["match", "candidates", "--request", str(request.id), "--limit", "4", "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert 1 <= len(rows) <= 4
    assert all({"volunteer_id", "cost", "reason"} <= set(row) for row in rows)
    assert [row["cost"] for row in rows] == sorted(row["cost"] for row in rows)
    assert all(row["feasible"] for row in rows)
    unknown = runner.invoke(args=["match", "candidates", "--request", "999999", "--json"])
    assert unknown.exit_code == 2
    assert unknown.output.strip().count("\n") == 0 and "999999" in unknown.output


def test_one_click_proposes_and_the_booking_page_says_so(app, client, session, corps) -> None:
    request = corps["requests"]["physical"]
    coordinator = f.user(session, "koord@x.dk", Role.COORDINATOR, "Karen Koordinator")
    coordinator.coordinated_programmes = [request.programme]
    session.commit()
    f.login(client, "koord@x.dk")
    page = client.get(f"/koordinator/bookinger/{request.id}/tildel")
    assert page.status_code == 200
    top = rank_candidates(session, request.id, now=datetime.now(UTC), limit=1).ranked[0]
    text = page.get_data(as_text=True)
    assert f'value="{top.volunteer_id}"' in text and top.name in text
    response = client.post(
        f"/koordinator/bookinger/{request.id}/tildel", data={"volunteer_id": top.volunteer_id}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/koordinator/bookinger/{request.id}")
    session.expire_all()
    proposal = session.scalar(
        sa.select(Proposal).where(
            Proposal.request_id == request.id, Proposal.status == ProposalStatus.PENDING
        )
    )
    assert proposal.volunteer_id == top.volunteer_id and proposal.override_reason is None
    assert proposal.created_by_id == coordinator.id
    booking_page = client.get(f"/koordinator/bookinger/{request.id}").get_data(as_text=True)
    assert f"Foreslået til {top.name} siden" in booking_page
    assert "Karen Koordinator foreslog " + top.name in booking_page
    for code in ("request_status_changed", "manual_assignment", "proposal_"):
        assert code not in booking_page
    assert session.scalar(sa.select(AuditEntry.id).where(AuditEntry.action == "manual_assignment"))


def test_an_infeasible_choice_needs_a_reason(app, client, session, corps) -> None:
    request = corps["requests"]["virtual"]
    coordinator = f.user(session, "koord@x.dk", Role.COORDINATOR)
    coordinator.coordinated_programmes = [request.programme]
    not_virtual = next(
        v for v in corps["volunteers"] if v.status == "approved" and not v.virtual_ok
    )
    session.commit()
    f.login(client, "koord@x.dk")
    url = f"/koordinator/bookinger/{request.id}/tildel"
    refused = client.post(url, data={"volunteer_id": not_virtual.id})
    assert refused.status_code == 200 and "bryder reglerne" in refused.get_data(as_text=True)
    assert (
        session.scalar(
            sa.select(sa.func.count(Proposal.id)).where(Proposal.request_id == request.id)
        )
        == 0
    )
    done = client.post(
        url, data={"volunteer_id": not_virtual.id, "override_reason": "Aftalt med læreren"}
    )
    assert done.status_code == 302


def test_virtual_training_is_what_makes_a_volunteer_virtual(session, corps) -> None:
    request = corps["requests"]["virtual"]
    found = rank_candidates(session, request.id, now=NOW, limit=200)
    trained = set(
        session.scalars(
            sa.select(TrainingRecord.volunteer_id).where(
                TrainingRecord.kind == TrainingKind.VIRTUAL
            )
        )
    )
    assert found.ranked and {c.volunteer_id for c in found.ranked} <= trained
    assert all(c.format == "virtual" and c.distance_km is None for c in found.ranked)


@pytest.mark.parametrize("kind", ["physical", "either", "virtual"])
def test_the_bound_never_exceeds_the_engines_cost(session, corps, kind) -> None:
    from mentor.services import candidates

    request = corps["requests"][kind]
    _problem, full = _full_pricing(session, request)
    queue = candidates._Queue(session, request, set(), matching.Weights())
    queue.take(10**6)  # reads everybody, virtual-only volunteers included
    bounds = {vid: bound for bound, vid in queue.items}
    assert full.ranked
    for priced in full.ranked:
        # Every feasible volunteer is in the queue, with a bound at most their cost.
        assert bounds[priced.volunteer_id] <= priced.cost + 1e-12, priced


@pytest.mark.parametrize("kind", ["physical", "either", "virtual"])
def test_small_batches_stop_early_and_still_give_the_exact_top(
    session, corps, kind, monkeypatch
) -> None:
    from mentor.services import candidates

    request = corps["requests"][kind]
    _problem, full = _full_pricing(session, request)
    monkeypatch.setattr(candidates, "FIRST_BATCH", 2)
    stopped_early = 0
    for limit in range(1, 8):
        found = rank_candidates(session, request.id, now=NOW, limit=limit)
        assert [(c.volunteer_id, c.cost) for c in found.ranked] == [
            (p.volunteer_id, p.cost) for p in full.ranked[:limit]
        ]
        stopped_early += not found.complete
    assert stopped_early > 0


def test_a_booking_on_closed_days_says_so_and_ranks_nobody(session, corps) -> None:
    from mentor.models import CalendarOverride

    request = corps["requests"]["physical"]
    session.add(
        CalendarOverride(
            school_id=request.school_id, first_day=DAY, last_day=DAY, closed=True, label="Fridag"
        )
    )
    session.flush()
    found = rank_candidates(session, request.id, now=NOW)
    assert found.ranked == [] and found.complete
    assert "Skolen holder lukket" in found.note

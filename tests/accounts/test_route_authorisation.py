"""Every route is either public on purpose, or refuses the wrong person without the data.

The test walks the app's URL map, so a new route fails here until it is classified, and
each non-public route is called as an anonymous visitor, as every role that may not use
it, and (where it names an object) as a user of the right role who does not own it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from mentor.extensions import db
from mentor.models import CalendarOverride, MatchingRun, ProgrammeGoal, Proposal, Subject, User
from mentor.models.enums import ProposalStatus, Role
from tests import factories as f

#: Reachable without logging in, on purpose; each either shows public pages or acts on
#: a signed token (verification, reset, proposal answer, "still on?").
PUBLIC = {
    "static",
    "public.index",
    "public.about",
    "public.privacy",
    "public.terms",
    "public.healthz",
    "public.set_language",
    "public.still_on",
    "auth.login",
    "auth.signup_volunteer",
    "auth.signup_teacher",
    "auth.verify_email",
    "auth.forgot_password",
    "auth.reset_password",
    "volunteers.answer",
    "auth.confirm_email_change",
    "public.feedback_by_link",
    "public.cancel_by_link",
    "public.keep_account",
    "public.reply_by_link",
}
#: Any logged-in person, acting on their own account only.
OWN_ACCOUNT = {
    "auth.home",
    "auth.account",
    "auth.export_data",
    "auth.delete_account",
    "auth.logout",
    "auth.resend_verification",
    "auth.change_password",
    "auth.change_email",
    "auth.end_other_sessions",
}
#: Blueprint -> the roles allowed in it.
ROLES_BY_BLUEPRINT = {
    "volunteers": {Role.VOLUNTEER},
    "teachers": {Role.TEACHER},
    "coordinator": {Role.COORDINATOR, Role.ADMIN},
    "admin": {Role.ADMIN},
}
#: Strings that belong to the owners' objects; a refusal must not show them.
SECRETS = ("Hemmelig Skole", "Vera Hemmelig", "hemmelig-emne")


@pytest.fixture
def world(app: Flask) -> dict[str, object]:
    with app.app_context():
        s = db.session
        ids: dict[str, object] = {}
        people = {
            Role.ADMIN: f.user(s, "admin@x.dk", Role.ADMIN),
            Role.COORDINATOR: f.user(s, "coord@x.dk", Role.COORDINATOR),
        }
        people[Role.COORDINATOR].coordinated_programmes = [f.programme(s, "BOOK")]
        other_coordinator = f.user(s, "coord2@x.dk", Role.COORDINATOR)
        other_coordinator.coordinated_programmes = [f.programme(s, "KRAM")]
        own_school = f.school(s, "Hemmelig Skole", "8000")
        teacher = f.teacher(s, "t1@x.dk", own_school)
        other_teacher = f.teacher(s, "t2@x.dk", f.school(s, "Anden Skole", "5000"))
        volunteer = f.volunteer(s, "v1@x.dk", name="Vera Hemmelig", programmes=("BOOK",))
        other_volunteer = f.volunteer(s, "v2@x.dk", programmes=("BOOK",))
        people[Role.TEACHER], people[Role.VOLUNTEER] = teacher, volunteer
        request = f.booking(s, teacher, topic="hemmelig-emne")
        done = f.booking(s, teacher)
        visit = f.completed_visit(s, done, volunteer.volunteer_profile)
        proposal = Proposal(
            request=request,
            volunteer=volunteer.volunteer_profile,
            format="physical",
            status=ProposalStatus.PENDING,
            expires_at=f.NOW + timedelta(days=7),
        )
        run = MatchingRun(programme_id=request.programme_id, result={})
        goal = ProgrammeGoal(
            programme=f.programme(s, "BOOK"),
            label="Hemmelig Skole mål",
            period_start=date(2026, 8, 1),
            period_end=date(2027, 7, 31),
            classes_goal=10,
            pupils_goal=200,
            levels=[f.level(s, "udskoling")],
        )
        # A school's own holiday, shown and removed on its calendar page.
        override = CalendarOverride(
            school_id=own_school.id,
            first_day=f.NOW.date(),
            last_day=f.NOW.date(),
            label="skolens fridag",
        )
        s.add_all([proposal, run, goal, override])
        s.commit()
        ids.update(
            user_id=volunteer.id,
            programme_id=request.programme_id,
            run_id=run.id,
            volunteer_id=volunteer.volunteer_profile.id,
            request_id=request.id,
            visit_id=visit.id,
            proposal_id=proposal.id,
            school_id=own_school.id,
            override_id=override.id,
            subject_id=s.scalars(sa.select(Subject.id)).first(),
            goal_id=goal.id,
        )
        ids["people"] = {role: p.id for role, p in people.items()}
        ids["others"] = {
            Role.COORDINATOR: other_coordinator.id,
            Role.TEACHER: other_teacher.id,
            Role.VOLUNTEER: other_volunteer.id,
        }
        own_school_id = own_school.id
    # Someone from elsewhere who joined the school through the sign-up form, unvouched for.
    ids["pending_teacher"] = _join_school(app, own_school_id)
    ids["teacher_id"] = ids["pending_teacher"]
    return ids


def _join_school(app: Flask, school_id: int) -> int:
    response = app.test_client().post(
        "/tilmeld/laerer",
        data={
            "full_name": "Sara Fremmed",
            "email": "sara@fremmed.dk",
            "password": f.PASSWORD,
            "consent": "y",
            "school_id": str(school_id),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with app.app_context():
        joined = db.session.scalar(sa.select(User).where(User.email == "sara@fremmed.dk"))
        joined.email_verified_at = f.NOW
        db.session.commit()
        return joined.id


def _urls(app: Flask, world: dict[str, object]) -> list[tuple[str, str, str, set[str]]]:
    """(endpoint, method, url, arguments) for every route, with its arguments filled in."""
    calls = []
    for rule in app.url_map.iter_rules():
        values: dict[str, object] = {}
        for name in rule.arguments:
            converter = rule._converters.get(name)
            if rule.defaults and name in rule.defaults:
                continue
            if hasattr(converter, "items"):
                values[name] = sorted(converter.items)[0]
            elif name in world:
                values[name] = world[name]
            elif name == "token":
                values[name] = "not-a-real-token"
            elif name == "filename":
                values[name] = "app.css"
            else:
                raise AssertionError(f"{rule.endpoint}: no test value for <{name}>")
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            calls.append((rule.endpoint, method, url, set(values)))
    return calls


def _client_as(app: Flask, user_id: int | None):
    client = app.test_client()
    if user_id is not None:
        with app.app_context():
            login_id = db.session.get(User, user_id).get_id()
        with client.session_transaction() as session:
            session["_user_id"] = login_id
            session["_fresh"] = True
    return client


def _allowed_roles(endpoint: str) -> set[Role] | None:
    if endpoint in PUBLIC:
        return None
    if endpoint in OWN_ACCOUNT:
        return set(Role)
    blueprint = endpoint.split(".")[0]
    assert blueprint in ROLES_BY_BLUEPRINT, f"{endpoint} is not classified: add it above"
    return ROLES_BY_BLUEPRINT[blueprint]


def _refused(response, *, anonymous: bool) -> bool:
    if anonymous and response.status_code == 302:
        return "/login" in response.headers["Location"]
    return response.status_code in (401, 403, 404)


def test_every_route_is_public_on_purpose_or_refuses_the_wrong_person(app, world) -> None:
    calls = _urls(app, world)
    assert len({c[0] for c in calls}) >= 60
    problems = []
    for endpoint, method, url, _args in calls:
        allowed = _allowed_roles(endpoint)
        if allowed is None:
            continue
        checks = [("anonymous", None)] + [
            (role.value, world["people"][role]) for role in Role if role not in allowed
        ]
        for who, user_id in checks:
            response = _client_as(app, user_id).open(url, method=method)
            body = response.get_data(as_text=True)
            if not _refused(response, anonymous=user_id is None):
                problems.append(f"{method} {url} as {who}: {response.status_code}")
            elif any(secret in body for secret in SECRETS):
                problems.append(f"{method} {url} as {who}: refusal shows the data")
    assert problems == []


def test_object_routes_refuse_a_user_of_the_right_role_who_does_not_own_the_object(
    app, world
) -> None:
    # Schools are left out on purpose: any coordinator may correct any school.
    object_params = {
        "run_id",
        "volunteer_id",
        "request_id",
        "visit_id",
        "proposal_id",
        "teacher_id",
        "goal_id",
    }
    problems, checked = [], 0
    for endpoint, method, url, args in _urls(app, world):
        allowed = _allowed_roles(endpoint)
        if allowed is None or not (args & object_params):
            continue
        for role in allowed & set(world["others"]):
            checked += 1
            response = _client_as(app, world["others"][role]).open(url, method=method)
            body = response.get_data(as_text=True)
            if response.status_code not in (403, 404):
                problems.append(f"{method} {url} as another {role.value}: {response.status_code}")
            elif any(secret in body for secret in SECRETS):
                problems.append(f"{method} {url} as another {role.value}: shows the data")
    assert checked >= 25
    assert problems == []


def test_booking_and_visit_routes_refuse_a_teacher_who_joined_the_school_without_approval(
    app, world
) -> None:
    """She is a teacher of the very school that owns the objects, but nobody vouched for her."""
    problems, checked = [], 0
    for endpoint, method, url, args in _urls(app, world):
        if not endpoint.startswith("teachers.") or not (args & {"request_id", "visit_id"}):
            continue
        checked += 1
        response = _client_as(app, world["pending_teacher"]).open(url, method=method)
        body = response.get_data(as_text=True)
        if response.status_code not in (403, 404):
            problems.append(f"{method} {url} as a pending member: {response.status_code}")
        elif any(secret in body for secret in SECRETS):
            problems.append(f"{method} {url} as a pending member: shows the data")
    # Her lists may name the school she chose; nothing of its bookings.
    for url in ("/laerer/", "/laerer/feedback", "/laerer/kolleger"):
        body = _client_as(app, world["pending_teacher"]).get(url).get_data(as_text=True)
        if any(secret in body for secret in SECRETS[1:]):
            problems.append(f"GET {url} as a pending member: shows the school's bookings")
    assert checked >= 7
    assert problems == []


def test_public_routes_answer_without_login(app, world) -> None:
    """The public set is not a dumping ground: each really works for a visitor."""
    client = _client_as(app, None)
    for endpoint, method, url, _args in _urls(app, world):
        if endpoint not in PUBLIC or method != "GET":
            continue
        status = client.get(url).status_code
        # Token routes answer a forged token with a clear 400 page.
        assert status in (200, 400), (url, status)

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentor import create_app
from mentor.extensions import db
from mentor.models import User
from mentor.models.enums import Role
from tests import factories as f
from tests.conftest import make_test_config


@pytest.fixture
def strict_app(database_url, _schema, tmp_path):
    """The app as in production: CSRF on, rate limits on (memory storage)."""
    app = create_app(
        make_test_config(database_url, tmp_path, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True)
    )
    yield app
    from tests.conftest import wipe

    with app.app_context():
        db.session.remove()
        wipe(app)
        db.engine.dispose()


def test_post_without_csrf_token_is_refused_with_400(strict_app) -> None:
    client = strict_app.test_client()
    response = client.post("/login", data={"email": "a@example.dk", "password": "x" * 12})
    assert response.status_code == 400
    assert "Formularen var udløbet" in response.get_data(as_text=True)


def test_post_with_csrf_token_is_accepted(strict_app) -> None:
    import re

    client = strict_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"csrf_token": token, "email": "a@example.dk", "password": "x" * 12}
    )
    assert response.status_code == 200  # the form, with "wrong password"
    assert "Forkert e-mail eller adgangskode" in response.get_data(as_text=True)


def test_login_is_rate_limited_per_account_with_a_readable_page(strict_app) -> None:
    strict_app.config["WTF_CSRF_ENABLED"] = False
    statuses = []
    for i in range(12):
        # A different client (cookie jar) each time: the per-account limit still holds.
        client = strict_app.test_client()
        statuses.append(
            client.post(
                "/login", data={"email": "victim@example.dk", "password": f"guess-{i:06d}"}
            ).status_code
        )
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]
    page = strict_app.test_client().post(
        "/login", data={"email": "victim@example.dk", "password": "again-12345"}
    )
    assert page.status_code == 429
    assert "For mange forsøg" in page.get_data(as_text=True)
    # Another account, from another address, is not locked out by the victim's limit.
    other = strict_app.test_client().post(
        "/login",
        data={"email": "other@example.dk", "password": "guess-000000"},
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    )
    assert other.status_code == 200


def test_session_cookie_is_httponly_and_lax(client) -> None:
    with client.application.app_context():
        f.user(db.session, "c@example.dk", Role.ADMIN)
        db.session.commit()
    response = client.post("/login", data={"email": "c@example.dk", "password": f.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_when_served_over_https(tmp_path) -> None:
    from mentor.config import load_config

    config = load_config(tmp_path, {"BASE_URL": "https://rollemodel.dk"})
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]


text = st.text(max_size=300)
FORMS = {
    "/tilmeld/frivillig": ["full_name", "email", "password", "consent"],
    "/tilmeld/laerer": [
        "full_name",
        "email",
        "password",
        "consent",
        "school_id",
        "school_name",
        "school_type",
        "school_postcode",
    ],
    "/login": ["email", "password"],
    "/adgangskode/glemt": ["email"],
    "/language": ["lang", "next"],
}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(sorted(FORMS)),
    values=st.lists(text, min_size=8, max_size=8),
    drop=st.sets(st.integers(0, 7)),
)
def test_random_form_input_never_causes_a_500(client, path, values, drop) -> None:
    data = {name: values[i] for i, name in enumerate(FORMS[path]) if i not in drop}
    response = client.post(path, data=data)
    assert response.status_code < 500, (path, data)


def test_create_admin_reads_the_password_from_stdin(runner, app) -> None:
    result = runner.invoke(
        args=["users", "create-admin", "Boss@Example.dk", "--password-stdin"],
        input="et-langt-hemmeligt-ord\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == "boss@example.dk"))
        assert admin.role == Role.ADMIN and admin.is_verified
        assert "et-langt-hemmeligt-ord" not in admin.password_hash
    weak = runner.invoke(
        args=["users", "create-admin", "b2@example.dk", "--password-stdin"], input="short\n"
    )
    assert weak.exit_code == 2 and "mindst 10 tegn" in weak.output
    dup = runner.invoke(
        args=["users", "create-admin", "boss@example.dk", "--password-stdin"],
        input="et-andet-langt-ord-her\n",
    )
    assert dup.exit_code == 2 and "allerede i brug" in dup.output

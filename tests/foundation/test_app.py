import subprocess
import sys
from pathlib import Path

import pytest

from mentor import create_app
from mentor.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_checks_the_database(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database(tmp_path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_landing_page_is_danish_by_default_and_switches_to_english(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "Rollemodeller fra STEM" in page.get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": "/"})
    assert client.get("/").status_code == 200


def test_security_headers(client) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_unknown_page_is_a_404_page_and_json_for_api(client) -> None:
    assert client.get("/no-such-page").status_code == 404
    api = client.get("/api/no-such-thing")
    assert api.status_code == 404 and api.is_json


def test_language_switch_refuses_open_redirect(client) -> None:
    response = client.post("/language", data={"lang": "en", "next": "//evil.example"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_production_refuses_to_start_without_secret_key(tmp_path) -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(tmp_path, {"MENTOR_ENV": "production"})


def test_dev_secret_key_is_generated_once_and_kept(tmp_path) -> None:
    first = load_config(tmp_path, {})["SECRET_KEY"]
    second = load_config(tmp_path, {})["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_database_url_defaults_to_sqlite_under_instance_and_accepts_postgres(tmp_path) -> None:
    assert load_config(tmp_path, {})["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{tmp_path / 'mentor.sqlite3'}"
    )
    url = load_config(tmp_path, {"DATABASE_URL": "postgres://u@h/db"})["SQLALCHEMY_DATABASE_URI"]
    assert url == "postgresql+psycopg://u@h/db"


def test_flask_routes_command_lists_routes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "routes"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "/healthz" in result.stdout


def test_importing_matching_does_not_import_flask_or_sqlalchemy() -> None:
    code = "import sys, matching; print('flask' in sys.modules, 'sqlalchemy' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False False"


def test_production_warns_when_the_privacy_notice_lacks_a_controller(tmp_path, caplog) -> None:
    from mentor import create_app

    base = {"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    with caplog.at_level("WARNING"):
        create_app({**base, "ENV_NAME": "production", "CONTROLLER_NAME": "Region Test"})
    warning = " ".join(r.getMessage() for r in caplog.records)
    assert "CONTROLLER_ADDRESS, CONTROLLER_EMAIL, CONTROLLER_PHONE" in warning
    assert "CONTROLLER_NAME" not in warning.split("set ")[1]
    caplog.clear()
    with caplog.at_level("WARNING"):
        complete = {
            "CONTROLLER_NAME": "Region Test",
            "CONTROLLER_ADDRESS": "Skolevej 1, 8000 Aarhus C",
            "CONTROLLER_EMAIL": "dpo@region.test",
            "CONTROLLER_PHONE": "+45 70 00 00 00",
        }
        app = create_app({**base, "ENV_NAME": "production", **complete})
        create_app({**base, "ENV_NAME": "development"})
    assert not [r for r in caplog.records if "privacy notice" in r.getMessage()]
    page = app.test_client().get("/privatliv").get_data(as_text=True)
    assert "Region Test" in page and "Skolevej 1, 8000 Aarhus C" in page
    assert "dpo@region.test" in page and "ikke angivet endnu" not in page


def test_make_run_points_mail_links_at_the_port_it_serves() -> None:
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=5099"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    assert 'BASE_URL="${BASE_URL:-http://127.0.0.1:5099}"' in plan
    assert "--port 5099" in plan

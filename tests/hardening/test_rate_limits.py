"""Login limits that hold across workers and lock nobody out (issue 12, finding 9).

Failed log-ins only are counted: per address (the attacker's is throttled) and per
account, where a device the owner has logged in from before is exempt, so guessing her
password slows the guesser without locking her out. Production refuses to start without
storage the workers share, and a configured number of trusted proxies decides which
address a request comes from.
"""

from __future__ import annotations

import socket
import uuid

import pytest

from mentor import create_app
from mentor.config import ConfigError, load_config
from mentor.extensions import db
from mentor.models.enums import Role
from tests import factories as f
from tests.conftest import make_test_config, wipe

OWNER = "ejer@example.dk"


def _app(database_url, tmp_path, **extra):
    return create_app(
        make_test_config(
            database_url, tmp_path, RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=False, **extra
        )
    )


@pytest.fixture
def limited(database_url, _schema, tmp_path):
    app = _app(database_url, tmp_path)
    with app.app_context():
        f.user(db.session, OWNER, Role.TEACHER, "Ejer Ejersen")
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        wipe(app)
        db.engine.dispose()


def _login(client, email: str, password: str, address: str = "198.51.100.7", **headers):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    ).status_code


def test_production_refuses_to_start_without_limit_storage_the_workers_share(tmp_path) -> None:
    production = {"MENTOR_ENV": "production", "SECRET_KEY": "s" * 40}
    with pytest.raises(ConfigError, match="REDIS_URL"):
        load_config(tmp_path, production)
    shared = load_config(tmp_path, production | {"REDIS_URL": "redis://cache:6379/0"})
    assert shared["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"
    # Choosing per-process memory on purpose (one worker) is allowed, and said out loud.
    alone = load_config(tmp_path, production | {"RATELIMIT_STORAGE_URI": "memory://"})
    assert alone["RATELIMIT_STORAGE_URI"] == "memory://"


def test_successful_logins_never_hit_the_limit_but_failed_ones_do(limited) -> None:
    # A shared training account: a whole class logs in, one after the other.
    assert [_login(limited.test_client(), OWNER, f.PASSWORD) for _ in range(12)] == [302] * 12
    # Guessing, from ever new addresses: the account's own limit stops it.
    guesses = [
        _login(limited.test_client(), OWNER, f"gæt-{i:04d}", address=f"203.0.113.{i}")
        for i in range(12)
    ]
    assert guesses[:10] == [200] * 10 and guesses[10:] == [429, 429]


def test_guessing_throttles_the_guessers_address_and_not_the_owners_device(limited) -> None:
    laptop = limited.test_client()
    assert _login(laptop, OWNER, f.PASSWORD) == 302
    laptop.post("/logout")
    attacker = [_login(limited.test_client(), OWNER, f"gæt-{i}", "203.0.113.9") for i in range(12)]
    assert 429 in attacker
    # Other accounts from the guesser's address are throttled too: the address is the limit.
    assert _login(limited.test_client(), "nogen@example.dk", "gæt-igen", "203.0.113.9") == 429
    # The owner, on the laptop she used before, is not locked out.
    assert _login(laptop, OWNER, f.PASSWORD, "198.51.100.7") == 302


def test_the_trusted_proxy_setting_decides_whose_address_is_throttled(
    database_url, _schema, tmp_path
) -> None:
    behind_proxy = _app(database_url, tmp_path, TRUSTED_PROXIES=1)
    statuses = [
        _login(
            behind_proxy.test_client(),
            f"ukendt{i}@example.dk",
            "forkert-kode",
            "10.0.0.2",
            **{"X-Forwarded-For": "203.0.113.50"},
        )
        for i in range(12)
    ]
    assert statuses[-1] == 429
    # Another client behind the same proxy has a limit of its own.
    other = _login(
        behind_proxy.test_client(),
        "ukendt99@example.dk",
        "forkert-kode",
        "10.0.0.2",
        **{"X-Forwarded-For": "203.0.113.51"},
    )
    assert other == 200
    # Without a trusted proxy a forged header changes nothing: the socket's address counts.
    direct = _app(database_url, tmp_path)
    forged = [
        _login(
            direct.test_client(),
            f"ukendt{i}@example.dk",
            "forkert-kode",
            "203.0.113.60",
            **{"X-Forwarded-For": f"192.0.2.{i}"},
        )
        for i in range(12)
    ]
    assert forged[-1] == 429


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379")
def test_two_workers_share_one_limit_through_redis(database_url, _schema, tmp_path) -> None:
    storage = {
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/1",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    workers = [_app(database_url, tmp_path, **storage) for _ in range(2)]
    statuses = [
        _login(workers[i % 2].test_client(), f"ukendt{i}@example.dk", "forkert", "203.0.113.70")
        for i in range(12)
    ]
    assert statuses[:10] == [200] * 10 and statuses[10:] == [429, 429]

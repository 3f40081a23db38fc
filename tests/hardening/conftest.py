"""Fixtures for the hardening tests: races on PostgreSQL, and a strict app."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from mentor import create_app
from mentor.extensions import db
from mentor.services.errors import DomainError
from tests.conftest import make_test_config, wipe

#: Rounds of each race: the attack found the stuck states in 4 of 10 and 10 of 12 rounds.
ROUNDS = 20


@pytest.fixture
def postgres_only(is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("row-lock races need PostgreSQL (CI runs them with DATABASE_URL)")


def race(app: Flask, actions: list[Callable[[], object]]) -> list[object]:
    """Run each action in its own thread, app context and database session, released together.

    A DomainError is the refusal a person would see: it is returned, not raised.
    """
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def worker(i: int, action: Callable[[], object]) -> None:
        with app.test_request_context():
            barrier.wait()
            try:
                results[i] = action()
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                results[i] = error
            except Exception as error:  # reported by the assertions, never swallowed
                db.session.rollback()
                results[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def strict_app(database_url: str, _schema: None, tmp_path) -> Iterator[Flask]:
    """The app as in production: CSRF on, rate limits on (memory storage)."""
    app = create_app(
        make_test_config(database_url, tmp_path, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True)
    )
    yield app
    with app.app_context():
        db.session.remove()
        wipe(app)
        db.engine.dispose()

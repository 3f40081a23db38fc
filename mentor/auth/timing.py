"""Answers that take the same time whether or not an account exists."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app


@contextmanager
def at_least(config_key: str, default: float) -> Iterator[None]:
    """Make the block take at least this long (seconds from the config, or `default`).

    The services already do the same work either way; the floor hides what differences
    remain (one database row more or less), on any backend and under any load.
    """
    started = time.monotonic()
    yield
    floor = float(current_app.config.get(config_key, default))
    left = floor - (time.monotonic() - started)
    if left > 0:
        time.sleep(left)

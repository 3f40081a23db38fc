"""Fixtures of the coordinator-operations tests: a real SMTP server behind the outbox."""

from __future__ import annotations

import pytest

from mentor.mail.sender import deliver_outbox


@pytest.fixture
def app_config(smtp_server) -> dict[str, object]:
    return {"SMTP_HOST": smtp_server.host, "SMTP_PORT": smtp_server.port}


@pytest.fixture
def delivered(app, smtp_server):
    """Send the outbox to the loopback SMTP server; return the texts of the mails to one address."""

    def read(address: str) -> list[str]:
        deliver_outbox(app)
        return [smtp_server.text_of(m) for m in smtp_server.to(address)]

    return read

"""Who is responsible for the personal data, as the privacy notice and the footer say it.

The controller's details come from the configuration (CONTROLLER_*): each organisation
that runs the service is its own data controller. In production a missing detail is
logged as a warning at start-up, because the privacy notice would be incomplete.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask

#: Bump when the privacy notice or the terms change; each user's accepted version is kept.
CONSENT_VERSION = "2026-2"
#: What GDPR art. 13(1)(a) needs to name the controller; the DPO is optional (art. 37).
REQUIRED_KEYS = ("CONTROLLER_NAME", "CONTROLLER_ADDRESS", "CONTROLLER_EMAIL", "CONTROLLER_PHONE")


@dataclass(frozen=True)
class Controller:
    name: str
    address: str
    email: str
    phone: str
    dpo_name: str
    dpo_email: str

    @property
    def complete(self) -> bool:
        return all((self.name, self.address, self.email, self.phone))

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Controller:
        def value(key: str) -> str:
            return str(config.get(key) or "").strip()

        return cls(
            name=value("CONTROLLER_NAME"),
            address=value("CONTROLLER_ADDRESS"),
            email=value("CONTROLLER_EMAIL"),
            phone=value("CONTROLLER_PHONE"),
            dpo_name=value("DPO_NAME"),
            dpo_email=value("DPO_EMAIL"),
        )


def missing_controller_keys(config: Mapping[str, Any]) -> list[str]:
    return [key for key in REQUIRED_KEYS if not str(config.get(key) or "").strip()]


def warn_if_incomplete(app: Flask) -> None:
    """Log a warning in production when the privacy notice lacks the controller's details."""
    missing = missing_controller_keys(app.config)
    if missing and app.config.get("ENV_NAME") == "production":
        app.logger.warning(
            "The privacy notice names no complete data controller: set %s. "
            "GDPR art. 13 requires the controller's identity and contact details.",
            ", ".join(missing),
        )

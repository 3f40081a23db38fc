"""Migration 0005 gives existing schools their city and the official outlying class."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from mentor import create_app
from mentor.extensions import db
from tests.conftest import make_test_config
from tests.foundation.test_migrations import empty_database_url as empty_database_url


def test_existing_schools_are_classified_from_the_shipped_data(
    empty_database_url, tmp_path
) -> None:
    app = create_app(make_test_config(empty_database_url, tmp_path))
    with app.app_context():
        upgrade(revision="0004")
        now = datetime(2026, 11, 1, tzinfo=UTC)
        with db.engine.begin() as conn:
            # Before: Hjørring was not flagged, Copenhagen was (as the issue found them).
            for name, postcode, municipality, region, outlying in (
                ("Hjørring Skole", "9800", 860, 1081, False),
                ("Læsø Skole", "9940", 825, 1081, False),
                ("Nørrebro Skole", "2200", 101, 1084, True),
            ):
                conn.execute(
                    sa.text(
                        "INSERT INTO schools (name, school_type, address, postcode,"
                        " municipality_code, region_code, latitude, longitude, outlying,"
                        " created_at) VALUES (:n, 'folkeskole', '', :p, :m, :r, 56.0, 10.0,"
                        " :o, :c)"
                    ),
                    {
                        "n": name,
                        "p": postcode,
                        "m": municipality,
                        "r": region,
                        "o": outlying,
                        "c": now,
                    },
                )
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT name, city, outlying, outlying_reason FROM schools ORDER BY name")
            ).all()
        assert [(r[0], r[1], bool(r[2]), r[3]) for r in rows] == [
            ("Hjørring Skole", "Hjørring", True, None),
            ("Læsø Skole", "Læsø", True, None),
            ("Nørrebro Skole", "København N", False, None),
        ]
        downgrade(revision="0004")
        db.engine.dispose()

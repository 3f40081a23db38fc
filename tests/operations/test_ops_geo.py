"""Outlying areas from Danmarks Statistik's municipality groups, shipped as data."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from mentor.geo.groups import RURAL_GROUP, SOURCE_URL, is_outlying, municipality_groups
from mentor.geo.regions import MUNICIPALITIES, REGIONS

REPO = Path(__file__).resolve().parents[2]


def test_every_municipality_has_a_group_from_the_shipped_table() -> None:
    groups = municipality_groups()
    assert set(groups) == set(MUNICIPALITIES) and len(groups) == 98
    assert {g.group_code for g in groups.values()} == {1, 2, 3, 4, 5}
    assert all(g.region_code in REGIONS for g in groups.values())
    # The five groups as DST counts them (v1:2018).
    sizes = {code: sum(g.group_code == code for g in groups.values()) for code in range(1, 6)}
    assert sizes == {1: 24, 2: 3, 3: 16, 4: 24, 5: 31}
    assert sum(g.outlying for g in groups.values()) == sizes[RURAL_GROUP]


@pytest.mark.parametrize(
    ("code", "name", "group", "outlying"),
    [
        (860, "Hjørring", "Landkommuner", True),
        (825, "Læsø", "Landkommuner", True),
        (101, "København", "Hovedstadskommuner", False),
        (751, "Aarhus", "Storbykommuner", False),
        (840, "Rebild", "Oplandskommuner", False),
    ],
)
def test_classification_as_the_shipped_data_says(code, name, group, outlying) -> None:
    found = municipality_groups()[code]
    assert (found.name, found.group_name, found.outlying) == (name, group, outlying)
    assert is_outlying(code) is outlying


def test_the_data_file_and_the_readme_name_the_source() -> None:
    text = resources.files("mentor.geo").joinpath("kommunegrupper.csv").read_text("utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("Danmarks Statistik" in line for line in header)
    assert any(SOURCE_URL in line for line in header)
    readme = (REPO / "README.md").read_text("utf-8")
    assert "Kommunegrupper" in readme and SOURCE_URL in readme


def test_cli_prints_the_98_municipalities_as_json(runner) -> None:
    result = runner.invoke(args=["geo", "municipalities", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 98
    by_code = {row["code"]: row for row in rows}
    assert (by_code[860]["name"], by_code[860]["region"], by_code[860]["outlying"]) == (
        "Hjørring",
        "Region Nordjylland",
        True,
    )
    assert (by_code[825]["outlying"], by_code[101]["outlying"]) == (True, False)
    assert all(isinstance(row["outlying"], bool) for row in rows)
    assert {"code", "name", "region", "outlying"} <= set(rows[0])

"""Hostile input to the command line: always one short line on stderr and exit code 2.

Issue 12, finding 13: deep nesting ended in a RecursionError traceback, numbers beyond
64 bits in an OverflowError traceback, and a huge string was echoed back whole.
"""

from __future__ import annotations

import copy
import json

import pytest

from tests.matching.test_matching_cli import PROBLEM, run

HUGE = 2**70


def _refused(result, max_length: int = 300) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-500:])
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert len(result.stderr) <= max_length, len(result.stderr)
    assert result.stdout == ""


def _write(tmp_path, document) -> str:
    path = tmp_path / "problem.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def test_deeply_nested_json_is_refused_in_one_line(tmp_path) -> None:
    _refused(run("solve", _write(tmp_path, "[" * 100_000)))
    _refused(run("solve", "-", stdin='{"a":' * 50_000))


@pytest.mark.parametrize(
    "where, key",
    [
        ("volunteers", "id"),
        ("volunteers", "capacity"),
        ("requests", "id"),
        ("requests", "school_id"),
    ],
)
def test_numbers_beyond_64_bits_are_refused_in_one_line(tmp_path, where, key) -> None:
    problem = copy.deepcopy(PROBLEM)
    problem[where][0][key] = HUGE
    _refused(run("solve", _write(tmp_path, problem)))


@pytest.mark.parametrize("value", [10**400, -(10**400)])
def test_integers_too_large_for_a_float_are_refused_in_one_line(tmp_path, value) -> None:
    problem = copy.deepcopy(PROBLEM)
    problem["requests"][0]["lat"] = value
    _refused(run("solve", _write(tmp_path, problem)))


def test_a_huge_string_is_refused_without_echoing_it(tmp_path) -> None:
    problem = copy.deepcopy(PROBLEM)
    problem["requests"][0]["lat"] = "x" * 5_000_000
    _refused(run("solve", _write(tmp_path, problem)))
    problem = copy.deepcopy(PROBLEM)
    problem["requests"][0]["programme"] = ["y" * 5_000_000]
    _refused(run("solve", _write(tmp_path, problem)))


def test_an_orlib_cost_beyond_64_bits_is_refused_in_one_line(tmp_path) -> None:
    path = tmp_path / "assign.txt"
    path.write_text(f"2\n1 {HUGE}\n3 4\n")
    _refused(run("assign", "--orlib", str(path)))

"""No export turns a name into a live formula (issue 12, finding 7).

Every CSV and XLSX the app writes passes its text through one neutraliser: text that a
spreadsheet would run (starting with =, +, -, @, tab or CR) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from mentor.extensions import db
from mentor.models.enums import RequestStatus, Role
from mentor.reports.cells import neutralise
from tests import factories as f

FORMULAS = {
    "school": '=HYPERLINK("http://evil.example","klik")',
    "programme": "-2+3+cmd|' /C calc'!A0",
    "subject": "+SUM(1;2)",
    "class": "@SUM(A1)",
}
RISKY = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+([.,]\d+)?( %)?$")
PERIOD = "fra=2026-01-01&til=2026-12-31"


@pytest.fixture
def coordinator(app):
    with app.app_context():
        s = db.session
        programme = f.programme(s, "BOOK")
        programme.name = FORMULAS["programme"]
        coordinator = f.user(s, "koord@example.dk", Role.COORDINATOR, "Karen Koordinator")
        coordinator.coordinated_programmes = [programme]
        school = f.school(s, FORMULAS["school"], "8000")
        teacher = f.teacher(s, "tove@skole.dk", school)
        vera = f.volunteer(s, "vera@firma.dk", name="\tVera Tab")
        done = f.booking(s, teacher, class_name=FORMULAS["class"])
        f.completed_visit(s, done, vera.volunteer_profile)
        subject = f.subject(s, "kemi")
        subject.name_da = FORMULAS["subject"]
        waiting = f.booking(s, teacher, subject_code="kemi")
        waiting.status = RequestStatus.UNMATCHED
        s.commit()
    client = app.test_client()
    f.login(client, "koord@example.dk")
    return client


def _risky_text(cells: list[str]) -> list[str]:
    return [c for c in cells if c and c.startswith(RISKY) and not NUMBER.match(c)]


def _csv_cells(body: str) -> list[str]:
    return [
        cell
        for row in csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";")
        for cell in row
    ]


@pytest.mark.parametrize(
    "url",
    [
        f"/koordinator/effekt/eksport/besoeg.csv?{PERIOD}",
        f"/koordinator/effekt/eksport/tal.csv?{PERIOD}",
        "/koordinator/eksport/schools.csv",
        "/koordinator/eksport/requests.csv",
        "/koordinator/eksport/visits.csv",
        "/koordinator/eksport/volunteers.csv",
    ],
)
def test_every_csv_export_neutralises_formulas(coordinator, url) -> None:
    response = coordinator.get(url)
    assert response.status_code == 200
    cells = _csv_cells(response.get_data(as_text=True))
    assert _risky_text(cells) == []
    assert any(c.startswith("'") for c in cells)  # the names are there, defused


@pytest.mark.parametrize("what", ["besoeg", "tal"])
def test_every_xlsx_export_neutralises_formulas(coordinator, what) -> None:
    response = coordinator.get(f"/koordinator/effekt/eksport/{what}.xlsx?{PERIOD}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.get_data()))
    formulas, texts = [], []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(f"{sheet.title}!{cell.coordinate}: {cell.value}")
                elif isinstance(cell.value, str):
                    texts.append(cell.value)
    assert formulas == []
    assert _risky_text(texts) == []
    assert any(t.startswith("'=HYPERLINK") or t.startswith("'-2+3") for t in texts)


def test_the_neutraliser_leaves_plain_text_and_numbers_alone() -> None:
    assert neutralise("Aarhus Skole") == "Aarhus Skole"
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\r=1") == "'\r=1"
    assert neutralise(-3) == -3 and neutralise(2.5) == 2.5 and neutralise(None) is None

"""The impact pages over HTTP: authorisation, dashboard, JSON, exports and feedback forms."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from mentor.models import AuditEntry, Visit
from mentor.models.base import utcnow
from mentor.models.enums import RequestStatus, VisitStatus
from mentor.services import impact
from tests.impact.conftest import log_in

YEAR = {"fra": "2026-01-01", "til": "2026-12-31"}


def test_dashboard_renders_charts_and_tables(client, session, dataset) -> None:
    log_in(client, dataset.kram_coordinator)
    response = client.get("/koordinator/effekt", query_string=YEAR)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('<svg class="chart" role="img"') == 12
    assert '<title id="chart-goals-t">Elever nået mod aktivitetsmål</title>' in html
    # The CSP allows neither inline scripts nor style attributes (script files are fine).
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None and "style=" not in html
    # Tables under the charts: KRAM only, so BOOK's visit #9 (25 pupils) is not here.
    assert '<th scope="row">KRAM</th><td>KRAM – Kvindelige' in html
    assert "<td>104</td>" in html
    assert "Region Midtjylland</th><td>3</td><td>56</td>" in html  # #1, #4, #11
    assert "Udskoling H1" not in html


def test_dashboard_scope_and_roles(client, session, dataset, builder) -> None:
    book_id = dataset.builder.programmes["BOOK"].id
    log_in(client, dataset.kram_coordinator)
    assert client.get("/koordinator/effekt", query_string={"program": book_id}).status_code == 404
    assert client.get(f"/koordinator/api/impact?program={book_id}").status_code == 404
    teacher = builder.teacher(dataset.schools["S1"])
    session.commit()
    log_in(client, teacher)
    assert client.get("/koordinator/effekt").status_code == 403
    api = client.get("/koordinator/api/impact")
    assert (api.status_code, api.json["error"]) == (403, "forbidden")


def test_admin_filters_by_programme(client, session, dataset) -> None:
    log_in(client, dataset.admin)
    book_id = dataset.builder.programmes["BOOK"].id
    data = client.get("/koordinator/api/impact", query_string={**YEAR, "program": book_id}).json
    assert data["programme_ids"] == [book_id]
    assert data["totals"]["pupils_reached"] == 25
    everything = client.get("/koordinator/api/impact", query_string=YEAR).json
    assert everything["totals"]["pupils_reached"] == 129
    assert {p["code"] for p in everything["programmes_in_scope"]} == {"KRAM", "BOOK"}


def test_bad_period_gets_a_clear_message(client, session, dataset) -> None:
    log_in(client, dataset.kram_coordinator)
    page = client.get(
        "/koordinator/effekt", query_string={"fra": "2026-05-01", "til": "2026-04-01"}
    )
    assert page.status_code == 200
    assert "Slutdatoen skal ligge efter startdatoen." in page.get_data(as_text=True)
    api = client.get("/koordinator/api/impact", query_string={"fra": "1. maj"})
    assert api.status_code == 400
    assert (api.json["error"], api.json["field"]) == ("bad_request", "fra")
    export = client.get("/koordinator/effekt/eksport/tal.xlsx", query_string={"til": "x"})
    assert export.status_code == 302


def test_api_requires_login_with_json(client, session, dataset) -> None:
    response = client.get("/koordinator/api/impact")
    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"


def test_api_figures_match_the_service(client, session, dataset) -> None:
    log_in(client, dataset.kram_coordinator)
    data = client.get("/koordinator/api/impact", query_string=YEAR).json
    expected = impact.compute_dashboard(
        session, [dataset.builder.programmes["KRAM"].id], impact.Period.year(2026), utcnow()
    ).as_dict()
    for key in ("totals", "goals", "levels", "regions", "gender_focus", "activity"):
        assert data[key] == expected[key], key
    assert data["totals"]["visits_completed"] == 5


@pytest.mark.parametrize(
    ("app_config", "grades"),
    [
        ({}, ["langsom", "langsom"]),
        ({"IMPACT_GRADE_GOOD": 0.01, "IMPACT_GRADE_ACCEPTABLE": 0.005}, ["god", "god"]),
    ],
)
def test_grade_thresholds_come_from_config(client, session, dataset, grades) -> None:
    log_in(client, dataset.kram_coordinator)
    data = client.get("/koordinator/api/impact", query_string=YEAR).json
    assert [g["grade"] for g in data["goals"]] == grades
    assert data["thresholds"]["good"] == (0.01 if grades[0] == "god" else 0.9)


def test_status_report_xlsx_holds_the_dashboard_numbers(client, session, dataset) -> None:
    log_in(client, dataset.kram_coordinator)
    response = client.get("/koordinator/effekt/eksport/tal.xlsx", query_string=YEAR)
    assert response.status_code == 200
    assert "statusrapport-2026-01-01-2026-12-31.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[0] == "Statusrapport"
    rows = [list(r) for r in book["Statusrapport"].iter_rows(values_only=True)]
    data = client.get("/koordinator/api/impact", query_string=YEAR).json

    goal_header = rows.index(next(r for r in rows if r[0] == "Program" and r[1] == "Mål"))
    goal_rows = rows[goal_header + 1 : goal_header + 3]
    for row, goal in zip(goal_rows, data["goals"], strict=True):
        assert row[:2] == ["KRAM", goal["label"]]
        assert row[3:8] == [
            goal["classes_goal"],
            goal["classes_reached"],
            goal["pupils_goal"],
            goal["pupils_reached"],
            goal["girls_reached"],
        ]
        assert row[9] == pytest.approx(goal["ratio"])
        assert row[10] == "Langsom fremdrift"
    assert [r[:2] for r in goal_rows] == [["KRAM", "Grundskole"], ["KRAM", "STX"]]
    assert [goal_rows[0][4], goal_rows[0][6], goal_rows[1][6]] == [4, 76, 28]

    figures = {r[0]: r[1] for r in rows if r and len(r) > 1}
    assert figures["Elever nået"] == data["totals"]["pupils_reached"] == 104
    assert figures["Heraf piger"] == 38
    assert figures["Besøg gennemført (bekræftet)"] == 5

    regions = [list(r) for r in book["Besøg pr. region"].iter_rows(values_only=True)]
    assert regions[0] == ["Region", "Besøg", "Elever"]
    assert regions[1:] == [[r["name"], r["visits"], r["pupils"]] for r in data["regions"]]
    activity = [list(r) for r in book["Rollemodellernes aktivitet"].iter_rows(values_only=True)]
    assert [r[1] for r in activity[1:]] == [1, 1, 2]


def test_status_report_csv(client, session, dataset) -> None:
    log_in(client, dataset.kram_coordinator)
    response = client.get("/koordinator/effekt/eksport/tal.csv", query_string=YEAR)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    grundskole = next(r for r in rows if r[:2] == ["KRAM", "Grundskole"])
    assert grundskole[3:8] == ["16", "4", "320", "76", "23"]
    assert grundskole[10] == "Langsom fremdrift"
    assert ["Elever nået", "104"] in rows


def test_visits_export_lists_each_visit_once(client, session, dataset) -> None:
    log_in(client, dataset.admin)
    response = client.get("/koordinator/effekt/eksport/besoeg.csv", query_string=YEAR)
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][:3] == ["Besøg-id", "Dato", "Kl."]
    ids = [int(r[0]) for r in rows[1:]]
    expected = {dataset.visits[n].id for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11)}
    assert sorted(ids) == sorted(expected)
    first = rows[1]  # #11: 1 January 2026, 00:30 in Copenhagen
    assert first[1:3] == ["2026-01-01", "00:30"]
    assert first[11] == "Gennemført" and first[13] == "10"
    no_show = next(r for r in rows[1:] if int(r[0]) == dataset.visits[6].id)
    assert (no_show[11], no_show[12]) == ("Udeblivelse", "Rollemodellen")

    xlsx = client.get("/koordinator/effekt/eksport/besoeg.xlsx", query_string=YEAR)
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 11
    assert sum(v[13] or 0 for v in values[1:]) == 129


def _past_visit(builder, session, hours_ago: int = 2):
    school = builder.school("Aarhus Skole", "8000")
    volunteer = builder.volunteer()
    starts = utcnow().replace(microsecond=0) - timedelta(hours=hours_ago)
    visit = builder.visit(school, volunteer, starts)
    teacher = builder.teacher(school)
    session.commit()
    return visit, teacher, volunteer.user


def test_teacher_feedback_form_confirms_the_visit(client, session, builder) -> None:
    visit, teacher, _volunteer = _past_visit(builder, session)
    log_in(client, teacher)
    listing = client.get("/laerer/feedback")
    assert f"/laerer/besoeg/{visit.id}/feedback" in listing.get_data(as_text=True)
    form = client.get(f"/laerer/besoeg/{visit.id}/feedback")
    assert form.status_code == 200
    assert 'name="outcome"' in form.get_data(as_text=True)

    missing = client.post(f"/laerer/besoeg/{visit.id}/feedback", data={"outcome": "completed"})
    assert missing.status_code == 200
    assert "Angiv hvor mange elever der var med." in missing.get_data(as_text=True)

    done = client.post(
        f"/laerer/besoeg/{visit.id}/feedback",
        data={
            "outcome": "completed",
            "pupils": "22",
            "girls": "9",
            "rating": "4",
            "comment": "Fint",
        },
    )
    assert done.status_code == 302
    session.expire_all()
    stored = session.get(Visit, visit.id)
    assert (stored.status, stored.pupils_reached, stored.girls_reached) == (
        VisitStatus.COMPLETED,
        22,
        9,
    )
    assert stored.request.status == RequestStatus.COMPLETED


def test_volunteer_feedback_form_waits_for_the_teacher(client, session, builder) -> None:
    visit, _teacher, volunteer = _past_visit(builder, session)
    log_in(client, volunteer)
    response = client.post(
        f"/frivillig/besoeg/{visit.id}/feedback",
        data={"outcome": "no_show:teacher", "comment": "Klassen var på tur"},
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Visit, visit.id).status == VisitStatus.PLANNED
    page = client.get(f"/frivillig/besoeg/{visit.id}/feedback").get_data(as_text=True)
    assert "Du har allerede sendt en tilbagemelding" in page
    assert "Klassen var på tur" in page


def test_feedback_forms_are_per_object(client, session, builder) -> None:
    visit, _teacher, _volunteer = _past_visit(builder, session)
    other_teacher = builder.teacher(builder.school("Skagen Skole", "9990"))
    other_volunteer = builder.volunteer().user
    session.commit()
    log_in(client, other_teacher)
    assert client.get(f"/laerer/besoeg/{visit.id}/feedback").status_code == 404
    assert (
        client.post(
            f"/laerer/besoeg/{visit.id}/feedback", data={"outcome": "completed", "pupils": "5"}
        ).status_code
        == 404
    )
    log_in(client, other_volunteer)
    assert client.get(f"/frivillig/besoeg/{visit.id}/feedback").status_code == 404
    assert client.get(f"/laerer/besoeg/{visit.id}/feedback").status_code == 403
    session.expire_all()
    assert session.get(Visit, visit.id).status == VisitStatus.PLANNED


def test_upcoming_visit_shows_no_form(client, session, builder) -> None:
    visit, teacher, _volunteer = _past_visit(builder, session, hours_ago=-48)
    log_in(client, teacher)
    page = client.get(f"/laerer/besoeg/{visit.id}/feedback").get_data(as_text=True)
    assert "ikke begyndt endnu" in page and 'name="outcome"' not in page


def test_coordinator_corrects_a_visit_with_audit(client, session, builder) -> None:
    visit, _teacher, _volunteer = _past_visit(builder, session)
    coordinator = builder.coordinator("KRAM")
    outsider = builder.coordinator("BOOK")
    session.commit()
    log_in(client, outsider)
    assert client.get(f"/koordinator/besoeg/{visit.id}/ret").status_code == 404

    log_in(client, coordinator)
    waiting = client.get("/koordinator/effekt/bekraeftelser").get_data(as_text=True)
    assert f"/koordinator/besoeg/{visit.id}/ret" in waiting
    no_reason = client.post(
        f"/koordinator/besoeg/{visit.id}/ret", data={"outcome": "completed", "pupils": "19"}
    )
    assert no_reason.status_code == 200
    assert "Skriv hvorfor besøget rettes." in no_reason.get_data(as_text=True)
    response = client.post(
        f"/koordinator/besoeg/{visit.id}/ret",
        data={"outcome": "completed", "pupils": "19", "reason": "Læreren ringede"},
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Visit, visit.id).pupils_reached == 19
    entry = session.scalars(sa.select(AuditEntry)).one()
    assert (entry.action, entry.actor_id) == ("visit.corrected", coordinator.id)

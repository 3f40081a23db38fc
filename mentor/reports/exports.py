"""CSV and XLSX exports: the visits, and the figures laid out for the annual status report.

The figures come as a list of `Table`s built once from the dashboard; the dashboard
page, the CSV and the workbook all show those same tables, so the numbers cannot
drift apart. CSV files use `;` and a UTF-8 byte-order mark, which is what Excel with
Danish settings opens without an import dialog.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from mentor import geo
from mentor.reports import labels
from mentor.reports.cells import neutralise
from mentor.services.impact import DEFAULT_TIMEZONE, Dashboard, VisitRow

Cell = str | int | float | bool | date | datetime | None


@dataclass(frozen=True)
class Percent:
    """A share (0.85 = 85 %), kept apart so each format can show it its own way."""

    value: float | None


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]


def figure_tables(d: Dashboard, locale: str = "da") -> list[Table]:
    """The dashboard figures as the tables of the annual status report, in order."""
    t = d.totals
    goals = Table(
        "goals",
        _("Aktivitetsmål og fremdrift"),
        [
            _("Program"),
            _("Mål"),
            _("Målperiode"),
            _("Klasser, mål"),
            _("Klasser, nået"),
            _("Elever, mål"),
            _("Elever, nået"),
            _("Heraf piger"),
            _("Elever, forventet nu"),
            _("Nået af forventet"),
            _("Fremdrift"),
        ],
        [
            [
                g.programme_code,
                g.label,
                f"{g.period_start.isoformat()} – {g.period_end.isoformat()}",
                g.classes_goal,
                g.classes_reached,
                g.pupils_goal,
                g.pupils_reached,
                g.girls_reached,
                round(g.expected_pupils),
                Percent(g.ratio),
                labels.label(labels.GRADES, g.grade),
            ]
            for g in d.goals
        ],
    )
    programmes = Table(
        "programmes",
        _("Gennemførte besøg pr. program"),
        [_("Program"), _("Navn"), _("Besøg"), _("Elever"), _("Piger")],
        [[p.code, p.name, p.visits, p.pupils, p.girls] for p in d.programmes],
    )
    key_figures = Table(
        "totals",
        _("Nøgletal"),
        [_("Nøgletal"), _("Antal")],
        [
            [_("Forespørgsler modtaget"), t.requests],
            [_("Besøg gennemført (bekræftet)"), t.visits_completed],
            [_("Elever nået"), t.pupils_reached],
            [_("Heraf piger"), t.girls_reached],
            [_("Besøg afventer bekræftelse"), t.visits_awaiting_confirmation],
            [_("Besøg planlagt i alt"), t.visits_planned],
            [_("Udeblivelser"), t.visits_no_show],
            [_("Aflyste besøg"), t.visits_cancelled],
            [_("Besøg af slettede rollemodeller"), t.visits_by_deleted_volunteers],
            [_("Lærernes vurdering (1–5)"), _rounded(t.teacher_rating)],
            [_("Rollemodellernes vurdering (1–5)"), _rounded(t.volunteer_rating)],
        ],
    )
    levels = Table(
        "levels",
        _("Nået pr. klassetrin"),
        [_("Klassetrin"), _("Klasser"), _("Elever")],
        [[lv.name(locale), lv.classes, lv.pupils] for lv in d.levels],
    )
    regions = Table(
        "regions",
        _("Besøg pr. region"),
        [_("Region"), _("Besøg"), _("Elever")],
        [[r.name, r.visits, r.pupils] for r in d.regions],
    )
    municipalities = Table(
        "municipalities",
        _("Besøg pr. kommune"),
        [_("Kommune"), _("Region"), _("Besøg"), _("Elever")],
        [[m.name, geo.region_name(m.region_code), m.visits, m.pupils] for m in d.municipalities],
    )
    outlying = Table(
        "outlying",
        _("Forespørgsler fra udkantsområder"),
        [_("Område"), _("Forespørgsler"), _("Imødekommet"), _("Andel imødekommet")],
        [
            [
                _("Udkantsområder"),
                d.outlying.requested,
                d.outlying.met,
                Percent(_share(d.outlying.met, d.outlying.requested)),
            ],
            [
                _("Øvrige områder"),
                d.not_outlying.requested,
                d.not_outlying.met,
                Percent(_share(d.not_outlying.met, d.not_outlying.requested)),
            ],
        ],
    )
    formats = Table(
        "formats",
        _("Fysiske og virtuelle besøg"),
        [_("Format"), _("Besøg"), _("Elever")],
        [[labels.label(labels.FORMATS, f.key), f.visits, f.pupils] for f in d.formats],
    )
    genders = Table(
        "genders",
        _("Rollemodeller efter køn"),
        [_("Køn"), _("Rollemodeller"), _("Besøg"), _("Elever")],
        [
            [labels.label(labels.GENDERS, g.key), g.role_models, g.visits, g.pupils]
            for g in d.genders
        ],
    )
    kinds = Table(
        "kinds",
        _("Rollemodeller efter type"),
        [_("Type"), _("Rollemodeller"), _("Besøg"), _("Elever")],
        [[labels.label(labels.KINDS, k.key), k.role_models, k.visits, k.pupils] for k in d.kinds],
    )
    focus = Table(
        "gender_focus",
        _("Ønske om kvindelig rollemodel: ønsket og leveret"),
        [_("Ønske"), _("Forespørgsler"), _("Besøg gennemført"), _("Heraf med en kvinde")],
        [
            [
                labels.label(labels.GENDER_FOCUS, f.focus),
                f.requested,
                f.delivered,
                f.delivered_by_woman,
            ]
            for f in d.gender_focus
        ],
    )
    waiting_subject = Table(
        "waiting_subject",
        _("Venteliste (uden match) pr. fag"),
        [_("Fag"), _("Forespørgsler")],
        [[w.name(locale), w.requests] for w in d.waiting_by_subject],
    )
    waiting_region = Table(
        "waiting_region",
        _("Venteliste (uden match) pr. region"),
        [_("Region"), _("Forespørgsler")],
        [[w.name(locale), w.requests] for w in d.waiting_by_region],
    )
    activity = Table(
        "activity",
        _("Rollemodellernes aktivitet"),
        [_("Gennemførte besøg i perioden"), _("Rollemodeller")],
        [
            [_("0 besøg"), d.activity.none],
            [_("1 besøg"), d.activity.one],
            [_("2 eller flere besøg"), d.activity.two_or_more],
        ],
    )
    return [
        goals,
        programmes,
        key_figures,
        levels,
        regions,
        municipalities,
        outlying,
        formats,
        genders,
        kinds,
        focus,
        waiting_subject,
        waiting_region,
        activity,
    ]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _rounded(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def _heading(d: Dashboard) -> list[list[Cell]]:
    return [
        [_("Statusrapport: aktivitet og effekt")],
        [_("Periode"), d.period.start.isoformat(), d.period.end.isoformat()],
        [_("Opgjort"), d.computed_at.astimezone(DEFAULT_TIMEZONE).strftime("%Y-%m-%d %H:%M")],
    ]


def _csv_cell(value: Any) -> Cell:
    """Danish spreadsheet conventions: decimal comma, shares in whole percent."""
    kind = value.__class__
    if kind is str:  # the common cases first: exports run to 100,000 rows
        return neutralise(value)
    if kind is int:
        return value
    if isinstance(value, Percent):
        return "" if value.value is None else f"{round(value.value * 100)} %"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if value is None:
        return ""
    return value if isinstance(value, int) else neutralise(str(value))


def _csv_text(rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


def figures_csv(d: Dashboard, locale: str = "da") -> str:
    """All figure tables stacked in one CSV: a title row, a header row, the rows, a blank."""
    rows: list[Sequence[Any]] = [*_heading(d), []]
    for table in figure_tables(d, locale):
        rows.extend([[table.title], table.headers, *table.rows, []])
    return _csv_text(rows)


def figures_xlsx(d: Dashboard, locale: str = "da") -> bytes:
    """A workbook: the status report (goals, programmes, key figures) first, then a sheet
    per remaining table."""
    tables = figure_tables(d, locale)
    workbook = Workbook()
    report = workbook.active
    assert report is not None
    report.title = _("Statusrapport")
    bold = Font(bold=True)
    for row in _heading(d):
        report.append([_xlsx_value(v) for v in row])
    report["A1"].font = Font(bold=True, size=14)
    report.append([])
    first, rest = tables[:3], tables[3:]
    for table in first:
        _append_table(report, table, bold, with_title=True)
        report.append([])
    _fit_columns(report)
    for table in rest:
        sheet = workbook.create_sheet(_sheet_title(table.title))
        _append_table(sheet, table, bold, with_title=False)
        _fit_columns(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _append_table(sheet: Any, table: Table, bold: Font, *, with_title: bool) -> None:
    if with_title:
        sheet.append([_xlsx_value(table.title)])
        sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([_xlsx_value(h) for h in table.headers])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in table.rows:
        sheet.append([_xlsx_value(v) for v in row])
        for column, value in enumerate(row, start=1):
            if isinstance(value, Percent):
                sheet.cell(row=sheet.max_row, column=column).number_format = "0%"


def _xlsx_value(value: Any) -> Cell:
    if isinstance(value, Percent):
        return value.value
    if value is None or isinstance(value, int | float | date):
        return value
    # A text cell starting with "=" would be stored as a formula by openpyxl.
    return neutralise(str(value))


def _sheet_title(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    cleaned = "".join(c for c in title if c not in "[]:*?/\\")
    return cleaned[:31]


def _fit_columns(sheet: Any) -> None:
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), len(str(cell.value)))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)


def visit_headers() -> list[str]:
    return [
        _("Besøg-id"),
        _("Dato"),
        _("Kl."),
        _("Program"),
        _("Skole"),
        _("Kommune"),
        _("Region"),
        _("Udkantsområde"),
        _("Klassetrin"),
        _("Fag"),
        _("Format"),
        _("Status"),
        _("Aflyst af / udeblev"),
        _("Elever"),
        _("Piger"),
        _("Rollemodellens køn"),
        _("Rollemodellens type"),
        _("Ønske om kvindelig rollemodel"),
        _("Bekræftet"),
        _("Lærerens vurdering"),
    ]


class _VisitWords:
    """Every word a visit row needs, translated once per export instead of once per cell."""

    def __init__(self, locale: str, tz: ZoneInfo) -> None:
        self.locale = locale
        self.tz = tz
        self.yes, self.no = _("ja"), _("nej")

        def resolved(vocabulary: dict[Any, Any]) -> dict[Any, str]:
            return {key: str(word) for key, word in vocabulary.items()}

        self.formats = resolved(labels.FORMATS)
        self.statuses = resolved(labels.VISIT_STATUSES)
        self.parties = resolved(labels.PARTIES)
        self.genders = resolved(labels.GENDERS)
        self.kinds = resolved(labels.KINDS)
        self.focus = resolved(labels.GENDER_FOCUS)

    def cells(self, row: VisitRow) -> list[Cell]:
        local = row.starts_at.astimezone(self.tz)
        confirmed = row.confirmed_at.astimezone(self.tz).date() if row.confirmed_at else None
        english = self.locale == "en"
        return [
            row.visit_id,
            local.date(),
            f"{local.hour:02d}:{local.minute:02d}",
            row.programme_code,
            row.school_name,
            geo.municipality_name(row.municipality_code),
            geo.region_name(row.region_code),
            self.yes if row.outlying else self.no,
            row.level_en if english else row.level_da,
            row.subject_en if english else row.subject_da,
            self.formats.get(row.format, row.format),
            self.statuses.get(row.status, row.status),
            self.parties.get(row.cancelled_by, row.cancelled_by) if row.cancelled_by else None,
            row.pupils_reached,
            row.girls_reached,
            self.genders.get(row.volunteer_gender, row.volunteer_gender),
            self.kinds.get(row.volunteer_kind, row.volunteer_kind),
            self.focus.get(row.gender_focus, row.gender_focus),
            confirmed,
            row.teacher_rating,
        ]


def visits_csv(
    rows: Iterable[VisitRow], locale: str = "da", tz: ZoneInfo = DEFAULT_TIMEZONE
) -> str:
    """One line per visit."""
    words = _VisitWords(locale, tz)
    return _csv_text([visit_headers(), *(words.cells(r) for r in rows)])


def visits_xlsx(
    rows: Iterable[VisitRow], locale: str = "da", tz: ZoneInfo = DEFAULT_TIMEZONE
) -> bytes:
    """One line per visit; write-only mode keeps memory flat for large years."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Besøg"))
    sheet.append([_xlsx_value(h) for h in visit_headers()])
    words = _VisitWords(locale, tz)
    for row in rows:
        sheet.append([_xlsx_value(v) for v in words.cells(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

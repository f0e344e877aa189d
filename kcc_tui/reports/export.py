"""The report as files: a folder of CSV files and an XLSX workbook with the same tables.

Every table is one CSV file and one sheet of the same name, with the same header and the same
(already rounded) numbers. The workbook adds a first sheet that says what the report covers and
how the figures are defined, number formats, and on the "hour" sheet a chart of arrivals against
citizens served per hour.

CSV: comma-separated UTF-8 with a byte-order mark (so Excel reads é and ë). `excel_be=True`
writes what Excel opens in one double-click with Belgian (Dutch or French) regional settings:
`;` between fields and a decimal comma (12,5). The workbook needs no settings at all.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..domain.clock import local
from .appointments import COLUMNS as APPOINTMENT_COLUMNS
from .appointments import SHARES as APPOINTMENT_SHARES
from .breakdown import COLUMNS, SHARES, TITLES
from .report import Report
from .staffing import ADVICE_COLUMNS
from .topics import TOPIC_COLUMNS

Columns = Sequence[tuple[str, str]]


def sheets(report: Report) -> dict[str, tuple[Columns, list[dict[str, Any]]]]:
    """name -> (columns, rows) of every table the files hold, in order."""
    out: dict[str, tuple[Columns, list[dict[str, Any]]]] = {
        name: (COLUMNS, report.table(name)) for name in report.tables
    }
    out["topics"] = (TOPIC_COLUMNS, [t.values() for t in report.topics])
    if report.advice is not None:
        out["advice"] = (ADVICE_COLUMNS, [s.values() for s in report.advice.slots])
    if report.appointments:
        out["appointments"] = (APPOINTMENT_COLUMNS, report.appointments)
    return out


Sheets = dict[str, tuple[Columns, list[dict[str, Any]]]]


def write_csv(report: Report, folder: str | Path, *, excel_be: bool = False,
              tables: Sheets | None = None) -> list[Path]:
    """One CSV per table in `folder` (created if needed); returns the files written.

    `excel_be`: `;`-separated with decimal commas, for Excel with Belgian regional settings.
    `tables`: other tables than the report's own (several offices: reports/offices.py)."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (cols, rows) in (tables or sheets(report)).items():
        path = target / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8-sig") as f:
            w = csv.writer(f, delimiter=";" if excel_be else ",")
            w.writerow([h for _, h in cols])
            for r in rows:
                w.writerow([_csv_value(r.get(k), excel_be) for k, _ in cols])
        written.append(path)
    return written


def _csv_value(value: Any, decimal_comma: bool) -> Any:
    if value is None:
        return ""
    if decimal_comma and isinstance(value, float):
        return repr(value).replace(".", ",")  # repr: every digit the comma file had
    return value


def write_xlsx(report: Report, path: str | Path, tz: str = "Europe/Brussels",
               tables: Sheets | None = None) -> Path:
    """The workbook: a sheet about the report, then one per table (`tables`: as in
    `write_csv`)."""
    wb = Workbook()
    about = wb.active
    about.title = "report"
    _about(about, report, tz)
    for name, (cols, rows) in (tables or sheets(report)).items():
        ws = wb.create_sheet(name)
        ws.append([h for _, h in cols])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            ws.append([r.get(k) for k, _ in cols])
        for i, (key, header) in enumerate(cols, start=1):
            letter = get_column_letter(i)
            if key in SHARES or key in APPOINTMENT_SHARES:
                for c in ws[letter][1:]:
                    c.number_format = "0.0%"
            width = max([len(header), *(len(str(r.get(key) or "")) for r in rows)])
            ws.column_dimensions[letter].width = min(40, width + 2)
        # the names stay in view; a leading office column (several offices) stays too
        by_office = cols[0][0] == "office"
        names_end = (3 if cols[by_office:] == COLUMNS else 2) + by_office
        ws.freeze_panes = f"{get_column_letter(names_end)}2"
        if name == "hour" and rows and not by_office:  # one office's hours: one chart
            _hour_chart(ws, len(rows), cols)
    target = Path(path)
    wb.save(target)
    return target


def _about(ws: Any, report: Report, tz: str) -> None:
    p = report.period
    lines = [
        (report.office, None),
        ("Report", p.label),
        ("From", str(p.first)),
        ("To (inclusive)", str(p.last)),
        ("Topics compared with", f"{report.previous.first} to {report.previous.last}"),
        ("Generated", f"{local(report.generated_at, tz):%Y-%m-%d %H:%M}"),
        (None, None),
        ("Sheets", ", ".join(TITLES.get(n, n) for n in report.tables)
         + ", recurring topics" + (", staffing advice" if report.advice else "")),
        ("wait", "first call − issue; a requeue or transfer starts a new wait"),
        ("service time", "finish − first call (walk to the counter included)"),
        ("SL", "share of citizens called in the period whose wait ≤ their service's target"),
        ("SL offered", "share of waits started in the period that were called within target "
                       "(never called counts as late)"),
        ("idle", "open time − serving time − paused time of the posts"),
        ("appointment wait", "first call − max(booked start, check-in); punctuality: check-in "
                             "− booked start; no-show: not checked in by the window's end"),
        ("period", "a fact counts in the hour, day or period of its own time stamp"),
    ]
    for a, b in lines:
        ws.append([a, b])
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 90


def _hour_chart(ws: Any, n: int, cols: Columns) -> None:
    keys = [k for k, _ in cols]
    chart = BarChart()
    chart.type = "col"
    chart.title = "Arrivals and citizens served per hour"
    chart.y_axis.title = "tickets"
    chart.x_axis.title = "hour"
    for key in ("issued", "served"):
        col = keys.index(key) + 1
        chart.add_data(Reference(ws, min_col=col, min_row=1, max_row=n + 1), titles_from_data=True)
    label = keys.index("key") + 1
    chart.set_categories(Reference(ws, min_col=label, min_row=2, max_row=n + 1))
    chart.width, chart.height = 24, 12
    ws.add_chart(chart, f"{get_column_letter(len(cols) + 2)}2")

"""The report as files: the XLSX opens with openpyxl and holds the same numbers as the CSV files,
one sheet per table, with a chart of arrivals against citizens served per hour."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from factories import make_office
from openpyxl.chart import BarChart
from test_report_kpis import DAY, local, today, yesterday

from kcc_tui.domain.clock import FixedClock
from kcc_tui.reports import summary
from kcc_tui.reports.export import write_csv, write_xlsx
from kcc_tui.store import Store

TABLES = ["service", "hour", "weekday", "day", "post", "staff", "topics"]


@pytest.fixture
async def report(tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = FixedClock(local(9, 0))
    async with Store(tmp_path / "kcc.db", make_office(), clock=clock, create=True) as store:
        await yesterday(store, clock)
        await today(store, clock)
        return await summary(store, f"{DAY.replace(day=23)}..{DAY}")


def cell(v: object) -> object:
    """A value from either file, compared as what it means: a number, a text or empty."""
    if v is None or v == "":
        return ""
    if isinstance(v, int | float):
        return float(v)
    try:
        return float(str(v))
    except ValueError:
        return v


async def test_the_workbook_holds_the_same_numbers_as_the_csv(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = write_csv(report, tmp_path / "csv")
    assert [f.name for f in files] == [f"{t}.csv" for t in TABLES]
    book = openpyxl.load_workbook(write_xlsx(report, tmp_path / "report.xlsx"))
    assert book.sheetnames == ["report", *TABLES]
    compared = 0
    for name in TABLES:
        with (tmp_path / "csv" / f"{name}.csv").open(encoding="utf-8-sig", newline="") as f:
            from_csv = [[cell(c) for c in row] for row in csv.reader(f)]
        from_xlsx = [[cell(c) for c in row] for row in book[name].iter_rows(values_only=True)]
        assert from_xlsx == from_csv, name
        compared += sum(1 for row in from_csv[1:] for c in row if isinstance(c, float))
    assert compared > 200
    # numbers are numbers in the workbook (not text), shares formatted as percentages
    ws = book["service"]
    header = [c.value for c in ws[1]]
    total = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "total")
    sl = total[header.index("SL")]
    # first waits (issue → first call) within target: 3 of 4 today, 1 of 1 on Monday
    assert sl.value == round(4 / 5, 4) and sl.number_format == "0.0%"
    assert total[header.index("issued")].value == 6
    assert isinstance(total[header.index("mean wait (min)")].value, float)


async def test_the_hour_sheet_charts_arrivals_against_served(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = openpyxl.load_workbook(write_xlsx(report, tmp_path / "report.xlsx"))
    ws = book["hour"]
    (chart,) = ws._charts  # openpyxl keeps the charts it read here
    assert isinstance(chart, BarChart)
    header = [c.value for c in ws[1]]
    refs = [s.val.numRef.f for s in chart.series]
    col = {name: openpyxl.utils.get_column_letter(header.index(name) + 1)
           for name in ("issued", "served")}
    n = ws.max_row
    assert refs == [f"'hour'!${col['issued']}$2:${col['issued']}${n}",
                    f"'hour'!${col['served']}$2:${col['served']}${n}"]
    cats = chart.series[0].cat.numRef or chart.series[0].cat.strRef
    assert cats.f == f"'hour'!$A$2:$A${n}"
    # the rows it draws: 09:00 (yesterday's ticket and today's three) and 10:00
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == ["09:00", "10:00"]


async def test_the_first_sheet_says_what_the_report_covers(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))["report"]
    cells = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}
    assert cells["From"] == "2026-11-23" and cells["To (inclusive)"] == "2026-11-24"
    assert "their service's target" in cells["SL"]



async def test_csv_for_belgian_excel_parses_back(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`;` between fields and a decimal comma; read back with those settings, every value is
    the one the ordinary comma file holds."""
    plain = write_csv(report, tmp_path / "plain")
    be = write_csv(report, tmp_path / "be", excel_be=True)
    assert [f.name for f in be] == [f.name for f in plain]
    decimals = 0
    for a, b in zip(plain, be, strict=True):
        with a.open(encoding="utf-8-sig", newline="") as f:
            expected = list(csv.reader(f))
        text = b.read_text(encoding="utf-8-sig")
        assert "," not in text.splitlines()[0]  # the header is split by ';' only
        rows = list(csv.reader(text.splitlines(), delimiter=";"))
        assert [len(r) for r in rows] == [len(r) for r in expected]
        for got_row, want_row in zip(rows, expected, strict=True):
            for got, want in zip(got_row, want_row, strict=True):
                if "." in want and cell(want) != want:  # a decimal number
                    assert "." not in got and float(got.replace(",", ".")) == float(want)
                    decimals += 1
                else:
                    assert got == want
    assert decimals > 50

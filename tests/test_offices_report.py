"""`kcc report --offices`: a section per office, each from its own store, and a combined one
whose KPIs are those of the union of the offices' tickets (not an average of percentages);
JSON, CSV and XLSX carry an office column. The stores are a file per office, and (when a server
can be started) a database per office on one PostgreSQL server (`office_urls`)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

from offices_kit import installation, kcc
from openpyxl import load_workbook

from kcc_tui.config.installation import load_installation
from kcc_tui.domain import commands as C
from kcc_tui.domain.clock import FixedClock, day_bounds
from kcc_tui.domain.kpi import CombinedKpi, service_kpis
from kcc_tui.store import create_store, open_history, open_store

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # Tuesday 09:00 in Brussels
DAY = "2026-11-24"


async def two_offices(tmp_path: Path, urls: dict[str, str] | None = None) -> Path:
    """Office stadhuis: three eid tickets called after 6, 10 and 30 minutes (target 15: SL
    2/3); office noord: one called after 40 minutes (SL 0). Together: SL 2/4, not 1/3."""
    path = installation(tmp_path, urls=urls)
    inst = load_installation(path)
    for oid, waits in (("stadhuis", (6, 10, 30)), ("noord", (40,))):
        s = inst.offices[oid]
        clock = FixedClock(T0)
        await create_store(inst.store_of(oid), s.office)
        async with open_store(inst.store_of(oid), s.office, clock=clock) as store:
            for _ in waits:
                await store.execute(C.IssueTicket("eid"), "onthaal")
            await store.execute(C.OpenPost("loket1", "an", True), "an")
            for n, wait in enumerate(waits, start=1):
                clock.at = T0.replace(minute=wait)
                await store.execute(C.CallTicket("loket1", f"A{n:03d}"), "an")
                await store.execute(C.Start("loket1"), "an")
                await store.execute(C.Finish("loket1"), "an")
    return path


async def test_the_combined_report_is_the_union_of_the_offices_tickets(
        tmp_path: Path, office_urls: dict[str, str] | None) -> None:
    path = await two_offices(tmp_path, office_urls)
    out = kcc("report", DAY, "--offices", str(path), "--json", "--csv", str(tmp_path / "csv"),
              "--xlsx", str(tmp_path / "r.xlsx"))
    assert out.returncode == 0, out.stderr
    rep = json.loads(out.stdout)
    [a, b], both = rep["offices"], rep["combined"]
    assert (a["office_id"], b["office_id"], both["office_id"]) == ("stadhuis", "noord", "all")

    def total(r: dict) -> dict:
        return r["tables"]["service"][-1]

    assert (total(a)["issued"], total(a)["sl"]) == (3, 0.6667)
    assert (total(b)["issued"], total(b)["sl"]) == (1, 0.0)
    assert (total(both)["issued"], total(both)["sl"]) == (4, 0.5)  # not (2/3 + 0) / 2
    assert total(both)["mean_wait_min"] == (6 + 10 + 30 + 40) / 4
    # ... exactly what domain.kpi says of the union of the two stores' tickets
    inst = load_installation(path)
    tickets = []
    if office_urls:  # each office's store is its database on the server, not a file
        assert [inst.store_of(oid) for oid in inst.offices] == list(office_urls.values())
        assert not any((tmp_path / oid / "kcc.db").exists() for oid in inst.offices)
    for oid in inst.offices:
        async with open_history(inst.store_of(oid)) as h:
            tickets += [t async for _, t in h.tickets(T0.date(), T0.date())]
    office = inst.offices["stadhuis"].office
    union = CombinedKpi.of(service_kpis(tickets, office, *day_bounds(T0.date(),
                                                                     office.timezone)).values())
    assert (union.issued, round(union.sl or 0, 4)) == (total(both)["issued"], total(both)["sl"])
    # every row says its office; posts stay apart per office in the combined tables
    assert {r["office"] for r in a["tables"]["hour"]} == {"stadhuis"}
    assert [r["key"] for r in both["tables"]["post"]] == ["stadhuis/loket1", "noord/loket1"]
    assert [r["called"] for r in both["tables"]["post"]] == [3, 1]

    with (tmp_path / "csv" / "service.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [(r["office"], r["key"], r["SL"]) for r in rows if r["key"] == "total"] == [
        ("stadhuis", "total", "0.6667"), ("noord", "total", "0.0"), ("all", "total", "0.5")]
    sheet = load_workbook(tmp_path / "r.xlsx")["service"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("office", "key")
    assert ("all", "total") in {row[:2] for row in values}


async def test_the_text_report_has_a_section_per_office_and_one_for_all(tmp_path: Path) -> None:
    path = await two_offices(tmp_path)
    out = kcc("report", DAY, "--offices", str(path), "--by", "service")
    assert out.returncode == 0, out.stderr
    sections = [line for line in out.stdout.splitlines() if line.startswith("===")]
    assert sections == ["=== office stadhuis ===", "=== office noord ===",
                        "=== all offices together ==="]
    assert "Kantoor Noord [b]" in out.stdout and "All offices" in out.stdout
    assert "--advice" in kcc("report", "--offices", str(path), "--advice", "monday").stderr

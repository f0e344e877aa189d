"""The report of several offices (`kcc report --offices offices.toml`): one report per office,
each from its own store, and a combined one.

The combined figures are those of the union of every office's tickets: each row adds up the
offices' counts and observations (`CombinedKpi.union`), so a combined SL is the share of all
citizens called within their own office's target, never an average of percentages. Services,
hours, weekdays and days are merged by key; posts and staff are per office, so the combined
tables list them under "office/post". Every table row carries its office (`"all"` for the
combined report) in the JSON, CSV and XLSX.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..config.installation import Installation
from ..domain.clock import Clock, iso, system_clock
from ..domain.kpi import CombinedKpi
from ..store import open_store
from .breakdown import TOTAL, Row
from .period import WEEKDAYS, Period
from .report import Report, build_report
from .topics import TopicRow

ALL = "all"  # the office column of the combined report
ALL_NAME = "All offices"
PER_OFFICE = ("post", "staff")  # tables whose rows belong to one office


@dataclass
class OfficesReport:
    period: Period
    generated_at: datetime
    offices: dict[str, Report]  # office id -> its report, in installation order
    combined: Report

    def reports(self) -> list[tuple[str, Report]]:
        """(office column, report): every office, then the combined one."""
        return [*self.offices.items(), (ALL, self.combined)]

    def to_json(self) -> dict[str, Any]:
        def tagged(oid: str, rep: Report) -> dict[str, Any]:
            out = rep.to_json()
            out["office_id"] = oid
            out["tables"] = {name: [{"office": oid, **row} for row in rows]
                             for name, rows in out["tables"].items()}
            out["topics"] = [{"office": oid, **t} for t in out["topics"]]
            return out

        p = self.period
        return {
            "period": {"kind": p.kind, "first": str(p.first), "last": str(p.last),
                       "label": p.label},
            "generated_at": iso(self.generated_at),
            "offices": [tagged(oid, rep) for oid, rep in self.offices.items()],
            "combined": tagged(ALL, self.combined),
        }


async def build_offices_report(
        installation: Installation, period: Period, *, clock: Clock = system_clock,
        progress: Callable[[str], Callable[[int, int | None], None] | None] | None = None,
) -> OfficesReport:
    """Every office's report of `period` and the combined one. Each store is opened read-only
    through `open_store`, which refuses a store of another office than its config."""
    reports: dict[str, Report] = {}
    for oid, settings in installation.offices.items():
        read = progress(oid) if progress else None
        async with open_store(installation.store_of(oid), settings.office, clock=clock,
                              readonly=True,
                              busy_timeout_ms=settings.store.busy_timeout_ms) as store:
            reports[oid] = await build_report(store, settings.office, period, clock=clock,
                                              progress=read)
    first = next(iter(reports.values()))
    return OfficesReport(period, first.generated_at, reports, combine(reports))


def combine(reports: dict[str, Report]) -> Report:
    """The report of the union of the offices' tickets (see the module's docstring)."""
    first = next(iter(reports.values()))
    tables: dict[str, list[Row]] = {}
    for name in first.tables:
        if name in PER_OFFICE:
            tables[name] = [_renamed(r, oid) for oid, rep in reports.items()
                            for r in rep.tables.get(name, [])]
            continue
        groups: dict[str, list[Row]] = {}
        for rep in reports.values():
            for r in rep.tables.get(name, []):
                groups.setdefault(r.key, []).append(r)
        keys = [k for k in groups if k != TOTAL]
        if name == "weekday":
            keys.sort(key=lambda k: WEEKDAYS.index(k) if k in WEEKDAYS else len(WEEKDAYS))
        elif name != "service":  # services: in the order the offices configure them
            keys.sort()
        if TOTAL in groups:
            keys.append(TOTAL)
        tables[name] = [_union(groups[k], all_offices=k == TOTAL) for k in keys]
    rows = _topics(rep.topics for rep in reports.values())
    return Report(ALL_NAME, first.period, first.generated_at, tables, rows, first.previous)


def _union(rows: list[Row], *, all_offices: bool) -> Row:
    head = rows[0]
    targets = {r.target_min for r in rows}
    return Row(head.key, head.label, CombinedKpi.union(r.kpi for r in rows),
               target_min=targets.pop() if len(targets) == 1 else None,
               sessions=[s for r in rows for s in r.sessions],
               phone_calls=sum(r.phone_calls for r in rows), has_sessions=head.has_sessions,
               issues=head.issues)


def _renamed(row: Row, office: str) -> Row:
    return Row(f"{office}/{row.key}", f"{row.label} ({office})", row.kpi,
               target_min=row.target_min, sessions=row.sessions, phone_calls=row.phone_calls,
               has_sessions=row.has_sessions, issues=row.issues)


def _topics(parts: Iterable[list[TopicRow]]) -> list[TopicRow]:
    """Topics by code over every office, most frequent first (as `topics.topic_rows`)."""
    out: dict[str, TopicRow] = {}
    for rows in parts:
        for t in rows:
            had = out.get(t.code)
            out[t.code] = t if had is None else TopicRow(
                t.code, had.label, had.kind, had.counter + t.counter, had.phone + t.phone,
                had.previous + t.previous)
    return sorted(out.values(), key=lambda t: (-t.total, -t.previous, t.code))


def office_tables(report: OfficesReport) -> dict[str, tuple[Any, list[dict[str, Any]]]]:
    """Every table of every office and of the combined report, with an office column first:
    what the CSV files and the XLSX sheets hold."""
    from .export import sheets  # openpyxl: only when files are written

    out: dict[str, tuple[Any, list[dict[str, Any]]]] = {}
    for oid, rep in report.reports():
        for name, (cols, rows) in sheets(rep).items():
            if name not in out:
                out[name] = ((("office", "office"), *cols), [])
            out[name][1].extend({"office": oid, **row} for row in rows)
    return out


def offices_text(report: OfficesReport, breakdowns: list[str], topics: int) -> str:
    """Each office's report, then the combined one, as terminal text."""
    from .text import report_text

    parts = []
    for oid, rep in report.reports():
        title = "all offices together" if oid == ALL else f"office {oid}"
        parts.append(f"=== {title} ===\n{report_text(rep, breakdowns, topics)}")
    return "\n".join(parts)


__all__ = ["ALL", "OfficesReport", "build_offices_report", "combine", "office_tables",
           "offices_text"]

"""The report as readable terminal text: one table per breakdown, the recurring topics and the
staffing advice. Plain fixed-width text, so it reads the same in a terminal, a pipe or an e-mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import appointments as A
from .breakdown import SHARES, TITLES
from .report import Report
from .staffing import Advice
from .topics import KINDS, top

# the terminal shows the figures a coordinator reads first; CSV and XLSX have every column
SCREEN: tuple[tuple[str, str], ...] = (
    ("label", ""), ("issued", "issued"), ("called", "called"), ("served", "served"),
    ("no_shows", "no-show"), ("transfers", "transf"), ("mean_wait_min", "wait"),
    ("p90_wait_min", "p90"), ("sl", "SL"), ("sl_offered", "SL off"),
    ("mean_service_min", "service"), ("idle_h", "idle h"), ("phone_calls", "phone"),
)
NAME_WIDTH = 28


def cell(key: str, v: Any) -> str:
    if v is None:
        return "–"
    if key in SHARES or key in A.SHARES:
        return f"{v:.0%}"
    if isinstance(v, float):
        return f"{v:.1f}"
    return str(v)


def table(columns: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]],
          first_width: int = NAME_WIDTH) -> list[str]:
    """Left-aligned first column, right-aligned figures; widths fit the content."""
    cells = [[cell(k, r.get(k)) for k, _ in columns] for r in rows]
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, (_, h) in enumerate(columns)]
    widths[0] = min(max(widths[0], 8), first_width)

    def line(values: Sequence[str]) -> str:
        first = values[0][: widths[0]].ljust(widths[0])
        return "  ".join([first, *(v.rjust(w) for v, w in zip(values[1:], widths[1:],
                                                                strict=True))]).rstrip()

    out = [line([h for _, h in columns])]
    out += [line(c) for c in cells]
    return out


def report_text(report: Report, breakdowns: Sequence[str] | None = None,
                topics: int = 10) -> str:
    names = [b for b in (breakdowns or list(report.tables)) if b in report.tables]
    out = [f"{report.office}", f"Report: {report.period.label}", ""]
    total = report.total
    if total["issued"] == 0 and total["called"] == 0 and total["phone_calls"] == 0:
        out += ["No tickets and no phone contacts in this period.", ""]
    for name in names:
        rows = report.table(name)
        if not rows:
            continue
        out.append(TITLES[name])
        out += table(SCREEN, rows)
        out.append("")
    out += ["wait, p90, service: minutes · idle h: open − serving − paused (hours)",
            "SL: citizens called within their service's target · SL off: of those who came, "
            "called within target (never called counts as late)", ""]
    if report.appointments:
        out.append(A.TITLE)
        out += table(A.SCREEN, report.appointments)
        out += ["appointment wait: first call − max(booked start, check-in); ≤target: within "
                "the appointment target; punct: check-in − booked start (min); early: called "
                "before the booked time", ""]
    out += topics_text(report, topics)
    if report.advice is not None:
        out += advice_text(report.advice)
    return "\n".join(out).rstrip() + "\n"


def topics_text(report: Report, n: int = 10) -> list[str]:
    prev = report.previous
    out = [f"Recurring topics (trend against {prev.first}"
           + (f" to {prev.last})" if prev.last != prev.first else ")")]
    if not any(r.total for r in report.topics):
        return [*out, "  no topics recorded in this period", ""]
    cols = (("label", "topic"), ("counter", "counter"), ("phone", "phone"),
            ("total", "total"), ("previous", "before"), ("trend", "trend"))
    for kind in KINDS:
        rows = top(report.topics, kind, n)
        if rows:
            out.append(f"  top {kind}s")
            out += ["  " + s for s in table(cols, [r.values() | {"trend": r.trend}
                                                   for r in rows], 34)]
    return [*out, ""]


def advice_text(a: Advice) -> list[str]:
    how = ("checked with the simulator" if a.checked else "Erlang C only, not simulated")
    out = [f"Staffing advice for {a.day:%A %Y-%m-%d}: posts for {a.target:.0%} of citizens "
           f"within their service's target ({how}; learned from {len(a.history_days)} "
           f"{a.day:%A}s)"]
    cols = (("slot", "hour"), ("arrivals_per_hour", "arrivals/h"),
            ("busy_min", "min/call"), ("erlang_posts", "Erlang C"),
            ("posts", "advised"), ("simulated_sl", "simulated SL"))
    rows = [s.values() for s in a.slots]
    if rows:
        out += ["  " + s for s in table(cols, rows, 12)]
    out += [f"  note: {n}" for n in a.notes]
    return [*out, ""]

"""Reports, recurring topics and staffing advice (docs/reports.md).

For the apps (the coordinator pane):

    report = await summary(app.store, "today")          # or "yesterday", a Period, ...
    report.table("service")                             # rows as dicts, keyed by "key"
    advice = await advice_for(app.store, "monday", office_source=settings.source)

For the CLI: `kcc report` and `kcc staffing` (kcc_tui/cli/report_cmds.py).
No Textual here: the package is used by the CLI as well as by the apps.

The names below are imported on first use, so that `kcc` commands which never report do not
pay for importing the simulator and openpyxl.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "BREAKDOWNS": "breakdown", "COLUMNS": "breakdown", "TITLES": "breakdown", "Row": "breakdown",
    "Period": "period", "PeriodError": "period", "next_weekday": "period",
    "parse_period": "period",
    "Report": "report", "advice_for": "report", "build_report": "report", "summary": "report",
    "Advice": "staffing", "Calculation": "staffing", "SlotAdvice": "staffing",
    "StaffingError": "staffing", "calculate": "staffing", "share": "staffing",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value

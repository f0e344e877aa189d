"""The figures of the overview of all offices, one row per office: no Textual here.

Each office's row comes from that office's own state (its own store) with the board's own
definitions (`board.today_kpis`, `domain.alerts.evaluate`), so the overview and the office's
board never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ...config.settings import Settings
from ...domain.alerts import Watched, evaluate
from ...domain.kpi import CombinedKpi
from ...domain.state import DayState
from .board import today_kpis


@dataclass(frozen=True, slots=True)
class OfficeRow:
    id: str
    name: str
    waiting: int
    longest_s: float | None  # the waiting citizen furthest past (or nearest to) their target
    target_min: float | None  # ... and that citizen's service's target
    open_posts: int
    posts: int  # configured posts
    alerts: int  # alerts that ask for a decision (not the informative ones)
    sl: float | None  # share of today's calls within target, every service together

    @property
    def over(self) -> bool:
        """The longest wait is past its target."""
        return (self.longest_s is not None and self.target_min is not None
                and self.longest_s > self.target_min * 60)


def watched_of(settings: Settings) -> Watched:
    """The devices an office expects heartbeats from: its kiosks and displays."""
    kiosks = settings.kiosks
    return Watched(kiosks=tuple(kiosks), displays=tuple(settings.displays),
                   kiosk_printers={k: v.printer for k, v in kiosks.items() if v.printer})


def office_row(settings: Settings, state: DayState, now: datetime) -> OfficeRow:
    """One office's line of the overview, from its folded state at `now`."""
    office = settings.office
    longest: tuple[float, float, float] | None = None  # (wait / target, wait, target)
    waiting = 0
    for code, svc in office.services.items():
        for t in state.waiting(code):
            waiting += 1
            wait = (now - t.issued_at).total_seconds()  # counted from issue, as on the board
            ratio = wait / (svc.target_wait_min * 60)
            if longest is None or ratio > longest[0]:
                longest = (ratio, wait, svc.target_wait_min)
    open_posts = sum(1 for p in office.posts if (s := state.posts.get(p)) is not None and s.open)
    alerts = evaluate(state, office, settings.alerts, now, watched_of(settings))
    sl = CombinedKpi.of(today_kpis(state, office).values()).sl
    return OfficeRow(
        id=office.id, name=office.name, waiting=waiting,
        longest_s=longest[1] if longest else None, target_min=longest[2] if longest else None,
        open_posts=open_posts, posts=len(office.posts),
        alerts=sum(1 for a in alerts if a.severity != "info"), sl=sl)

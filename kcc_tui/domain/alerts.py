"""Alerts for the coordinator pane: rules over today's state, evaluated afresh each time.

An alert is not stored: `evaluate` derives the list from the state and the clock, so an alert
clears itself as soon as its cause is gone (the queue shrinks, a post opens, the printer answers).
Each alert has a stable `key` (one per cause: a service, a post, a device), so the pane can tell a
new alert (ring the bell) from one it already shows.

An alert is a code with plain parameters (names as configured, counts, seconds, status codes);
its words are made at the edge, in Dutch, by the coordinator pane (`apps/coordinator/alerts_nl`).

Device health comes from `heartbeat` events: the kiosk app sends `kind="kiosk"` for itself and
`kind="printer"` (status = a `printers.health.PrinterStatus` value) for its printer, the wall
display sends `kind="display"`, a counter app `kind="counter"` (source = its post) and the
coordinator pane `kind="coordinator"`. `print_failed` events mark tickets whose paper never came
out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from .estimate import estimate_wait_s, wait_text
from .office import Office
from .routing import eligible
from .state import DayState, Device

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[Severity, int] = {"error": 0, "warning": 1, "info": 2}

# Printer status (printers.health.PrinterStatus values) -> severity; any other is an error
PRINTER_SEVERITY: dict[str, Severity] = {"near_end": "warning"}
PRINTER_OK = frozenset({"ok", "unknown"})  # "unknown": a transport that cannot tell (File, Dummy)
WATCHED_KINDS = frozenset({"kiosk", "display"})


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert: `key` names its cause (one per service, post or device), `code` what holds,
    `params` the plain values the words need (see `apps/coordinator/alerts_nl.py`)."""

    key: str
    severity: Severity
    code: str
    params: dict[str, Any] = field(default_factory=dict)


class Limits(Protocol):
    """The `[alerts]` thresholds (config's `AlertSettings` has exactly these fields)."""

    @property
    def wait_over_target_factor(self) -> float: ...

    @property
    def heartbeat_missing_s(self) -> float: ...

    @property
    def no_shows_in_row(self) -> int: ...

    @property
    def idle_with_queue_min(self) -> float: ...


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Default thresholds, equal to config.toml's `[alerts]` defaults."""

    wait_over_target_factor: float = 1.0
    heartbeat_missing_s: float = 60
    no_shows_in_row: int = 3
    idle_with_queue_min: float = 5


@dataclass(frozen=True)
class Watched:
    """The devices the office expects to hear from (from config: kiosks, displays)."""

    kiosks: tuple[str, ...] = ()
    displays: tuple[str, ...] = ()
    kiosk_printers: Mapping[str, str] = field(default_factory=dict)  # kiosk id -> printer id


def evaluate(state: DayState, office: Office, limits: Limits, now: datetime,
             watched: Watched | None = None) -> list[Alert]:
    """Every alert that holds now, what needs a decision first; each key at most once."""
    watched = watched or Watched()
    alerts: list[Alert] = _unreachable_posts(state, office, limits, now)
    if not state.ended:
        alerts += _waits(state, office, limits, now)
        alerts += _unserved(state, office)
        alerts += _idle_posts(state, office, limits, now)
        alerts += _no_shows(state, office, limits)
    alerts += _printers(state)
    alerts += _print_failures(state, watched)
    alerts += _silent_devices(state, office, limits, now, watched)
    return sorted(alerts, key=decision_order)  # stable: rule order kept within a rank


# What needs the coordinator's decision first: an app that no longer answers, a post idle while
# citizens wait, a wait over target, a service nobody serves; then the printers; information
# (estimates, a device not yet heard from today) last. By the key's kind (before the ":").
DECISION_RANK: dict[str, int] = {
    "app": 0, "unreachable": 0, "device": 0,
    "idle": 1,
    "wait": 2,
    "unserved": 3, "unserved-post": 3,
    "printer": 4, "printfail": 4,
    "noshow": 5,
    "estimate": 6,
}


def decision_order(a: Alert) -> tuple[bool, int, int]:
    """Sort key of an alert: information last; before it, by what needs a decision first
    (DECISION_RANK; a kind not listed goes after the listed ones), then severity."""
    rank = DECISION_RANK.get(a.key.split(":", 1)[0], len(DECISION_RANK))
    return a.severity == "info", rank, SEVERITY_ORDER[a.severity]


minutes = wait_text  # "12 min"; above 60 minutes "1u05", as every surface writes a wait


def _waits(state: DayState, office: Office, limits: Limits, now: datetime) -> list[Alert]:
    out = []
    for code, svc in office.services.items():
        limit_s = svc.target_wait_min * 60 * limits.wait_over_target_factor
        waiting = state.waiting(code)
        # the citizen's wait: from issue, also after a requeue or transfer (DESIGN.md §4)
        longest = max(((now - t.issued_at).total_seconds() for t in waiting), default=0.0)
        if longest > limit_s:
            out.append(Alert(f"wait:{code}", "error", "wait_over_target", dict(
                service=svc.name(), wait_s=longest, target_min=svc.target_wait_min)))
        estimate = estimate_wait_s(state, office, code, now)
        if estimate is not None and estimate > limit_s:
            out.append(Alert(f"estimate:{code}", "warning", "estimate_over_target", dict(
                service=svc.name(), wait_s=estimate, target_min=svc.target_wait_min)))
    return out


def _unserved(state: DayState, office: Office) -> list[Alert]:
    out = []
    for code, svc in office.services.items():
        # tickets sent to one post are that post's business (next rule), not the service's
        waiting = [t for t in state.waiting(code) if t.target_post is None]
        if not waiting:
            continue
        posts = [p for p in state.posts.values() if p.open and code in p.services]
        if not posts:
            out.append(Alert(f"unserved:{code}", "error", "no_open_post", dict(
                service=svc.name(), waiting=len(waiting))))
        elif all(p.pause_reason is not None for p in posts):
            out.append(Alert(f"unserved:{code}", "warning", "all_paused", dict(
                service=svc.name(), waiting=len(waiting),
                posts=[office.post_name(p.id) for p in posts])))
    targeted: dict[str, int] = {}
    for t in state.waiting():
        if t.target_post is not None and not state.post(t.target_post).open:
            targeted[t.target_post] = targeted.get(t.target_post, 0) + 1
    for post, n in targeted.items():
        out.append(Alert(f"unserved-post:{post}", "error", "sent_to_closed_post",
                         dict(post=office.post_name(post), waiting=n)))
    return out


def _idle_posts(state: DayState, office: Office, limits: Limits, now: datetime) -> list[Alert]:
    out = []
    waiting = state.waiting()
    for pid, p in state.posts.items():
        if not p.open or p.pause_reason is not None or p.current is not None:
            continue
        mine = [t for t in waiting if eligible(t, pid, p.services) and t.queued_at]
        if not mine:
            continue
        # idle *while* tickets wait: from the later of "became idle" and "oldest ticket queued"
        oldest = min(t.queued_at for t in mine if t.queued_at)
        since = max(oldest, p.last_change or oldest)
        idle = (now - since).total_seconds()
        if idle >= limits.idle_with_queue_min * 60:
            out.append(Alert(f"idle:{pid}", "warning", "idle_with_queue", dict(
                post=office.post_name(pid), staff=office.staff_name(p.staff), idle_s=idle,
                waiting=len(mine))))
    return out


def _no_shows(state: DayState, office: Office, limits: Limits) -> list[Alert]:
    return [
        Alert(f"noshow:{pid}", "warning", "no_shows_in_row",
              dict(post=office.post_name(pid), n=p.no_show_streak))
        for pid, p in state.posts.items()
        if p.open and p.no_show_streak >= limits.no_shows_in_row
    ]


def _printers(state: DayState) -> list[Alert]:
    out = []
    for d in state.devices.values():
        if d.kind != "printer" or d.status in PRINTER_OK:
            continue
        # the status code; the printer's own reason is English technical detail for the log
        # and the CLI (`kcc events`), not for the coordinator's screen
        out.append(Alert(f"printer:{d.source}", PRINTER_SEVERITY.get(d.status, "error"),
                         "printer", dict(printer=d.source, status=d.status)))
    return out


def _print_failures(state: DayState, watched: Watched) -> list[Alert]:
    """Tickets not printed, until the printer reports OK after the last failure."""
    failed: dict[str, list[tuple[datetime, str, str]]] = {}
    for t in state.tickets.values():
        if t.print_failed is not None:
            # a ticket is printed as it is issued, so its issue time is the failure's time;
            # the printer's status code says why (the English reason is for logs)
            failed.setdefault(t.kiosk or "?", []).append(
                (t.issued_at, t.number, t.print_status or "error"))
    out = []
    for kiosk, failures in failed.items():
        last_at, number, reason = max(failures)
        printer = watched.kiosk_printers.get(kiosk)
        beat = state.devices.get(f"printer:{printer}") if printer else None
        if beat is not None and beat.status in PRINTER_OK and beat.at > last_at:
            continue
        n = len([f for f in failures if beat is None or f[0] > beat.at])
        out.append(Alert(f"printfail:{kiosk}", "warning", "not_printed",
                         dict(kiosk=kiosk, n=n, number=number, status=reason)))
    return out


def _silent_devices(state: DayState, office: Office, limits: Limits, now: datetime,
                    watched: Watched) -> list[Alert]:
    out = []
    expected = [("kiosk", k) for k in watched.kiosks] + [("display", d) for d in watched.displays]
    heard: dict[tuple[str, str], Device] = {
        (d.kind, d.source): d for d in state.devices.values() if d.kind in WATCHED_KINDS
    }
    for kind, source in dict.fromkeys(expected + list(heard)):
        d = heard.get((kind, source))
        key, device = f"device:{kind}:{source}", dict(kind=kind, source=source)
        if d is None:
            out.append(Alert(key, "info", "device_unheard", device))
            continue
        silent = (now - d.at).total_seconds()
        if silent > limits.heartbeat_missing_s:
            out.append(Alert(key, "error", "device_silent",
                             device | dict(silent_s=silent, status=d.status)))
        elif d.status != "ok":
            # a stopped kiosk names who stopped it (its detail is a staff id)
            who = office.staff[d.detail].name if d.detail in office.staff else ""
            out.append(Alert(key, "warning", "device_status",
                             device | dict(status=d.status, by=who)))
    return out


def unreachable(state: DayState, limits: Limits, now: datetime) -> dict[str, float]:
    """Open posts whose counter app has gone silent (post id -> seconds since its last
    heartbeat). Only posts a counter app has worked for today: a post run from the CLI or a
    script has no app to miss."""
    out = {}
    for pid, p in state.posts.items():
        beat = state.devices.get(f"counter:{pid}")
        if not p.open or beat is None:
            continue
        silent = (now - beat.at).total_seconds()
        if silent > limits.heartbeat_missing_s:
            out[pid] = silent
    return out


def _unreachable_posts(state: DayState, office: Office, limits: Limits,
                       now: datetime) -> list[Alert]:
    out = []
    for pid, silent in unreachable(state, limits, now).items():
        out.append(Alert(f"unreachable:{pid}", "error", "counter_unreachable", dict(
            post=office.post_name(pid), staff=office.staff_name(state.post(pid).staff),
            silent_s=silent)))
    return out


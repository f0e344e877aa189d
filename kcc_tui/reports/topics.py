"""Recurring topics: the questions and complaints staff recorded at the counters (when finishing a
ticket) and on the phone line, counted for a period and compared with the period before.

A topic counts in the period of its time stamp: the finish of the ticket, or the phone contact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.office import Office
from .load import Call

KINDS = ("question", "complaint", "other")
TOPIC_COLUMNS: tuple[tuple[str, str], ...] = (
    ("key", "topic"), ("label", "name"), ("kind", "kind"), ("counter", "at the counter"),
    ("phone", "by phone"), ("total", "total"), ("previous", "previous period"),
    ("change", "change"), ("change_pct", "change (%)"),
)


@dataclass(frozen=True)
class TopicRow:
    code: str
    label: str
    kind: str
    counter: int
    phone: int
    previous: int

    @property
    def total(self) -> int:
        return self.counter + self.phone

    @property
    def change(self) -> int:
        return self.total - self.previous

    @property
    def change_pct(self) -> float | None:
        """Relative change against the previous period; None when it had none (a new topic)."""
        return round(100 * self.change / self.previous, 1) if self.previous else None

    @property
    def trend(self) -> str:
        if self.previous == 0:
            return "new" if self.total else "="
        if self.change == 0:
            return "="
        arrow = "▲" if self.change > 0 else "▼"
        return f"{arrow} {self.change:+d} ({self.change_pct:+.0f} %)"

    def values(self) -> dict[str, Any]:
        return {"key": self.code, "label": self.label, "kind": self.kind,
                "counter": self.counter, "phone": self.phone, "total": self.total,
                "previous": self.previous, "change": self.change,
                "change_pct": self.change_pct}


def count(tickets: Iterable[tuple[datetime, tuple[str, ...]]],
          calls: Iterable[Call]) -> tuple[Counter[str], Counter[str]]:
    """(at the counter, by phone) counts per topic."""
    counter: Counter[str] = Counter()
    for _at, topics in tickets:
        counter.update(topics)
    return counter, Counter(c.topic for c in calls)


def topic_rows(office: Office, now: tuple[Counter[str], Counter[str]],
               before: tuple[Counter[str], Counter[str]]) -> list[TopicRow]:
    """Every topic seen in either period, most frequent first (then by code)."""
    counter, phone = now
    prev = before[0] + before[1]
    codes = set(counter) | set(phone) | set(prev)
    rows = []
    for code in codes:
        t = office.topics.get(code)
        rows.append(TopicRow(code, t.label if t else code, t.kind if t else "other",
                             counter[code], phone[code], prev[code]))
    return sorted(rows, key=lambda r: (-r.total, -r.previous, r.code))


def top(rows: list[TopicRow], kind: str, n: int) -> list[TopicRow]:
    """The n most frequent topics of one kind this period (those seen only before are left out)."""
    return [r for r in rows if r.kind == kind and r.total][:n]

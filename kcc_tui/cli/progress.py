"""Progress of a long command, on stderr, so stdout keeps exactly the result (text or JSON).

Nothing shows for the first two seconds: a quick run prints nothing at all. After that, on a
terminal a bar (rich) that disappears when the work is done; otherwise (a pipe, a log file, cron)
one plain line every ten seconds and a last line with the time taken:

    kcc simulate: simulating 5/20 days (25%), 4 s
    kcc simulate: done in 14 s

A command reports through `update(what, done, total)`; code below the CLI (the simulator, the
store, a report) takes a plain callback `(done, total) -> None` made by `counter(what)`, so it
never imports this module. `KCC_PROGRESS=0` switches it off.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import Any, TextIO

DELAY_S = 2.0  # say nothing for this long
EVERY_S = 10.0  # without a terminal: one line this often

Counter = Callable[[int, "int | None"], None]


class Progress:
    def __init__(self, command: str, *, stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.command, self.clock = command, clock
        self.stream = stream if stream is not None else sys.stderr
        self.off = os.environ.get("KCC_PROGRESS", "").strip() == "0"
        self.tty = self.stream.isatty()
        self.started = clock()
        self.last_line: float | None = None
        self._bar: Any = None  # rich.progress.Progress, made once the delay has passed
        self._task: Any = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close(ok=kind is None)

    def counter(self, what: str, unit: str = "") -> Counter:
        """A `(done, total)` callback for code below the CLI."""
        return lambda done, total=None: self.update(what, done, total, unit)

    @contextlib.asynccontextmanager
    async def ticking(self, what: str) -> AsyncIterator[None]:
        """For work that cannot count its steps: says `what` with the time taken, once a
        second, while the body runs (the work must leave the event loop free)."""

        async def tick() -> None:
            while True:
                self.update(what)
                await asyncio.sleep(1.0)

        task = asyncio.create_task(tick())
        try:
            yield
        finally:
            task.cancel()

    def update(self, what: str, done: int | None = None, total: int | None = None,
               unit: str = "") -> None:
        """Where the work is: `what` is doing `done` of `total` `unit` (either may be None)."""
        now = self.clock()
        if self.off or now - self.started < DELAY_S:
            return
        if self.tty:
            self._draw(what, done, total, unit, now - self.started)
        elif self.last_line is None or now - self.last_line >= EVERY_S:
            self.last_line = now
            self._line(f"{what}{_count(done, total, unit)}, {now - self.started:.0f} s")

    def close(self, *, ok: bool = True) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        elif self.last_line is not None and ok:
            self._line(f"done in {self.clock() - self.started:.0f} s")

    def _line(self, text: str) -> None:
        print(f"kcc {self.command}: {text}", file=self.stream, flush=True)

    def _draw(self, what: str, done: int | None, total: int | None, unit: str,
              elapsed: float) -> None:
        if self._bar is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                SpinnerColumn,
                TextColumn,
            )
            from rich.progress import Progress as Bar

            self._bar = Bar(SpinnerColumn(),
                            TextColumn(f"kcc {self.command}: {{task.description}}", markup=False),
                            BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[elapsed]:.0f} s"),
                            console=Console(file=self.stream), transient=True,
                            # stdout is the command's result: never routed through the bar
                            redirect_stdout=False, redirect_stderr=False)
            self._task = self._bar.add_task(what, total=total, elapsed=elapsed)
            self._bar.start()
        desc = what + (f" ({unit})" if unit else "")
        self._bar.update(self._task, description=desc, completed=done or 0, total=total,
                         elapsed=elapsed)


def _count(done: int | None, total: int | None, unit: str) -> str:
    if done is None:
        return ""
    if total:
        return f" {done}/{total} {unit}".rstrip() + f" ({100 * done // total}%)"
    return f" {done} {unit}".rstrip()

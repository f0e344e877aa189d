"""Waiting in Pilot tests: one helper for every app's tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

# Generous: a loaded CI machine is slow, and a passing test returns as soon as `cond` holds.
TIMEOUT_S = 20.0


async def until(pilot: Any, cond: Callable[[], Any], what: str,
                timeout: float = TIMEOUT_S) -> float:
    """Let the app run until `cond()` holds (store calls, polls and workers run in the app's
    own tasks); return the seconds it took."""
    start = time.monotonic()
    while not cond():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)
    return time.monotonic() - start

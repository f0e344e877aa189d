"""Erlang C: the M/M/s queue in steady state, exactly.

Used to validate the simulator against theory and to size staffing (`kcc staffing`). Any time unit
works as long as it is the same for the arrival rate, the mean service time and the target:

    >>> q = erlang_c(servers=3, arrival_rate=0.25, mean_service=10)   # per minute, minutes
    >>> round(q.p_wait, 6), round(q.mean_wait, 3), round(q.service_level(15), 5)
    (0.702247, 14.045, 0.66828)

Numerics: P(wait) is computed from the Erlang B recursion B(k) = a·B(k−1) / (k + a·B(k−1)), which
stays within [0, 1] for any load and thousands of servers (the textbook formula with a^s / s!
overflows near s = 170). A queue with λ ≥ sμ has no steady state: it is reported as `stable =
False` with P(wait) = 1, an infinite mean wait and a service level of 0, never as a probability
above 1 or a negative wait.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def _check(servers: int, arrival_rate: float, mean_service: float) -> None:
    if isinstance(servers, bool) or not isinstance(servers, int) or servers < 0:
        raise ValueError(f"servers must be a whole number of at least 0, found {servers!r}")
    for name, value in (("arrival_rate", arrival_rate), ("mean_service", mean_service)):
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(
                value):
            raise ValueError(f"{name} must be a finite number, found {value!r}")
    if arrival_rate < 0:
        raise ValueError(f"arrival_rate must be at least 0, found {arrival_rate!r}")
    if mean_service <= 0:
        raise ValueError(f"mean_service must be greater than 0, found {mean_service!r}")


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of M/M/s/s with offered load `load` = λ/μ (in erlangs)."""
    if load < 0 or not math.isfinite(load):
        raise ValueError(f"load must be a finite number of at least 0, found {load!r}")
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def _c_from_b(servers: int, load: float, b: float) -> float:
    """Erlang C from Erlang B for the same s and a (requires a < s)."""
    return min(1.0, servers * b / (servers - load * (1.0 - b)))


@dataclass(frozen=True, slots=True)
class ErlangC:
    """Steady state of an M/M/s queue (first come, first served)."""

    servers: int
    arrival_rate: float  # λ, per time unit
    mean_service: float  # 1/μ, in the same time unit
    p_wait: float  # P(a customer waits at all) = Erlang C; 1.0 when unstable

    @property
    def load(self) -> float:
        """Offered load a = λ/μ in erlangs (the average number of busy servers)."""
        return self.arrival_rate * self.mean_service

    @property
    def occupancy(self) -> float:
        """ρ = a/s: the share of time a server is busy (≥ 1 means unstable)."""
        return self.load / self.servers if self.servers else math.inf

    @property
    def stable(self) -> bool:
        return self.load < self.servers or self.arrival_rate == 0

    @property
    def _decay(self) -> float:
        """sμ − λ: the rate at which the wait tail decays."""
        return self.servers / self.mean_service - self.arrival_rate

    @property
    def mean_wait(self) -> float:
        """E[W] = C / (sμ − λ); infinite when unstable."""
        if not self.stable:
            return math.inf
        if self.p_wait == 0.0:
            return 0.0
        return self.p_wait / self._decay

    @property
    def mean_queue(self) -> float:
        """Average number waiting, L_q = λ·E[W] (Little's law)."""
        return self.arrival_rate * self.mean_wait if self.stable else math.inf

    def wait_exceeds(self, t: float) -> float:
        """P(W > t) = C · e^{−(sμ−λ)t}, for t ≥ 0."""
        if t < 0:
            return 1.0
        if not self.stable:
            return 1.0
        if self.p_wait == 0.0:
            return 0.0
        return min(1.0, self.p_wait * math.exp(-self._decay * t))

    def service_level(self, t: float) -> float:
        """SL(t) = P(W ≤ t) = 1 − C · e^{−(sμ−λ)t}: the share answered within t."""
        return 0.0 if t < 0 else max(0.0, 1.0 - self.wait_exceeds(t))

    def wait_quantile(self, p: float) -> float:
        """The p-quantile of the wait (0 when at least a share p does not wait)."""
        if not 0 <= p < 1:
            raise ValueError(f"p must be in [0, 1), found {p!r}")
        if not self.stable:
            return math.inf
        if 1.0 - self.p_wait >= p:
            return 0.0
        return math.log(self.p_wait / (1.0 - p)) / self._decay


def erlang_c(servers: int, arrival_rate: float, mean_service: float) -> ErlangC:
    """The M/M/s queue with `servers` servers, Poisson arrivals and exponential service."""
    _check(servers, arrival_rate, mean_service)
    load = arrival_rate * mean_service
    if arrival_rate == 0:
        p = 0.0
    elif load >= servers:
        p = 1.0  # unstable: everyone waits, and the queue grows without bound
    else:
        p = _c_from_b(servers, load, erlang_b(servers, load))
    return ErlangC(servers, float(arrival_rate), float(mean_service), p)


def min_servers(arrival_rate: float, mean_service: float, target: float,
                service_level: float, *, max_servers: int = 10_000) -> int:
    """The fewest servers with SL(target) ≥ `service_level` (e.g. 80 % within 15 min).

    Raises ValueError when even `max_servers` are not enough (a service level of 1 with a target
    of 0 can never be met).
    """
    _check(0, arrival_rate, mean_service)
    if not 0 <= service_level <= 1:
        raise ValueError(f"service_level must be between 0 and 1, found {service_level!r}")
    if target < 0 or not math.isfinite(target):
        raise ValueError(f"target must be a finite time of at least 0, found {target!r}")
    if arrival_rate == 0:
        return 0
    load = arrival_rate * mean_service
    # Erlang B is carried along the recursion, so trying s, s+1, ... costs O(1) per step.
    b = 1.0
    for s in range(1, max_servers + 1):
        b = load * b / (s + load * b)
        if load >= s:
            continue
        q = ErlangC(s, float(arrival_rate), float(mean_service), _c_from_b(s, load, b))
        if q.service_level(target) >= service_level:
            return s
    raise ValueError(f"{max_servers} servers are not enough for a service level of "
                     f"{service_level:g} within {target:g}")

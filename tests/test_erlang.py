"""Erlang C (kcc_tui.domain.erlang): exact values, stability, and the edges."""

from __future__ import annotations

import math

import pytest

from kcc_tui.domain.erlang import erlang_b, erlang_c, min_servers


def test_issue_case_three_servers() -> None:
    q = erlang_c(servers=3, arrival_rate=0.25, mean_service=10)
    assert q.p_wait == pytest.approx(0.702247, abs=1e-6)
    assert q.mean_wait == pytest.approx(14.045, abs=1e-3)
    assert q.service_level(15) == pytest.approx(0.66828, abs=1e-5)
    assert q.stable and q.occupancy == pytest.approx(0.25 * 10 / 3)


def test_issue_case_ten_servers() -> None:
    q = erlang_c(servers=10, arrival_rate=0.8, mean_service=10)
    assert q.p_wait == pytest.approx(0.409180, abs=1e-6)
    assert q.mean_wait == pytest.approx(2.0459, abs=1e-4)
    assert q.service_level(15) == pytest.approx(0.97963, abs=1e-5)


def test_single_server_reduces_to_mm1() -> None:
    q = erlang_c(1, arrival_rate=0.5, mean_service=1.0)  # rho = 0.5
    assert q.p_wait == pytest.approx(0.5)
    assert q.mean_wait == pytest.approx(0.5 / (1 - 0.5))  # rho / (mu - lambda)
    assert q.mean_queue == pytest.approx(0.5 * q.mean_wait)


def test_unit_free_seconds_or_minutes() -> None:
    per_min = erlang_c(3, 0.25, 10)
    per_s = erlang_c(3, 0.25 / 60, 600)
    assert per_s.p_wait == pytest.approx(per_min.p_wait)
    assert per_s.mean_wait == pytest.approx(per_min.mean_wait * 60)
    assert per_s.service_level(900) == pytest.approx(per_min.service_level(15))


def test_unstable_is_reported_never_above_one() -> None:
    for lam in (0.3, 0.30000001, 5.0):
        q = erlang_c(3, lam, 10)
        assert not q.stable
        assert q.p_wait == 1.0
        assert q.mean_wait == math.inf
        assert q.service_level(15) == 0.0
    assert erlang_c(0, 0.1, 10).stable is False


def test_no_arrivals_means_no_wait() -> None:
    q = erlang_c(2, 0.0, 10)
    assert q.stable and q.p_wait == 0.0 and q.mean_wait == 0.0 and q.service_level(0) == 1.0


def test_large_pools_are_numerically_stable() -> None:
    # a^s / s! overflows a float near s = 170; the Erlang B recursion does not.
    for s in (200, 1000, 5000):
        q = erlang_c(s, arrival_rate=0.98 * s, mean_service=1.0)
        assert 0.0 < q.p_wait < 1.0
        assert q.mean_wait > 0 and math.isfinite(q.mean_wait)
    assert 0.0 <= erlang_b(5000, 4000.0) <= 1.0


def test_service_level_is_monotone_and_bounded() -> None:
    q = erlang_c(4, 0.35, 10)
    levels = [q.service_level(t) for t in (0, 1, 5, 15, 60, 600)]
    assert levels == sorted(levels)
    assert levels[0] == pytest.approx(1 - q.p_wait)
    assert all(0.0 <= x <= 1.0 for x in levels)
    assert q.service_level(-1) == 0.0
    assert q.wait_quantile(0.1) == 0.0  # more than 10 % do not wait at all
    assert q.service_level(q.wait_quantile(0.9)) == pytest.approx(0.9)


def test_min_servers_meets_the_target_with_one_fewer_failing() -> None:
    s = min_servers(0.8, 10, target=15, service_level=0.95)
    assert erlang_c(s, 0.8, 10).service_level(15) >= 0.95
    assert erlang_c(s - 1, 0.8, 10).service_level(15) < 0.95
    assert min_servers(0.25, 10, target=15, service_level=0.8) == 4
    assert min_servers(0.0, 10, target=15, service_level=0.8) == 0
    with pytest.raises(ValueError, match="not enough"):  # 100 erlangs of work, 50 servers
        min_servers(10.0, 10, target=15, service_level=0.8, max_servers=50)


@pytest.mark.parametrize("args, fragment", [
    ((-1, 0.1, 10), "servers"),
    ((2.5, 0.1, 10), "servers"),
    ((3, -0.1, 10), "arrival_rate"),
    ((3, 0.1, 0), "mean_service"),
    ((3, float("nan"), 10), "arrival_rate"),
])
def test_bad_input_is_a_clear_error(args: tuple[float, float, float], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        erlang_c(*args)  # type: ignore[arg-type]

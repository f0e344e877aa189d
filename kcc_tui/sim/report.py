"""What `kcc simulate` prints: one JSON object (`--json`) or tables for a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from ..domain.appointment_kpi import side_by_side
from ..domain.kpi import percentile
from .metrics import ESTIMATORS, accuracy, hourly_kpis, judged, kpi_json, post_summary
from .model import DayResult
from .scenario import Loaded
from .validate import Validation


def _m(seconds: float | None, nd: int = 2) -> float | None:
    return None if seconds is None else round(seconds / 60, nd)


def hour_labels(loaded: Loaded, hours: int) -> list[str]:
    start = datetime.combine(date(2000, 1, 1), loaded.scenario.open)
    return [(start + timedelta(hours=h)).strftime("%H:%M") for h in range(hours)]


def result_json(loaded: Loaded, days: Sequence[DayResult], *, seed: int, elapsed_s: float,
                source: str) -> dict[str, Any]:
    office = loaded.office
    hours, per_hour, total = hourly_kpis(days, office)
    recs = judged(days)
    acc = accuracy(recs, hours)
    issued = sum(len(d.records) for d in days)
    called = sum(1 for d in days for r in d.records if r.wait is not None)
    forecasts = sorted(x for d in days for x in d.forecast_s)
    out: dict[str, Any] = {
        "scenario": {"name": loaded.scenario.name, "file": source, "days": len(days),
                     "seed": seed, "dates": [str(d.day) for d in days][:1] + (
                         [str(days[-1].day)] if len(days) > 1 else [])},
        "tickets": {"issued": issued, "called": called, "judged": len(recs),
                    "unserved": issued - called,
                    "refused": _sum_dicts([d.refused for d in days])},
        "hours": hour_labels(loaded, hours),
        "accuracy": {},
        "kpis": {code: {"day": kpi_json(total[code]),
                        "hours": [kpi_json(k) for k in per_hour.get(code, [])]}
                 for code in loaded.scenario.services},
        "posts": {pid: {k: round(v, 2) for k, v in row.items()}
                  for pid, row in post_summary(days, office).items()},
        "elapsed_s": round(elapsed_s, 2),
        "tickets_per_s": round(issued / elapsed_s) if elapsed_s > 0 else None,
        "problems": sorted({p for d in days for p in d.problems}),
    }
    for name, a in acc.items():
        out["accuracy"][name] = {
            "label": ESTIMATORS[name], "tickets": a.n, "waited": a.waited,
            "mae_min": _m(a.mae_s), "bias_min": _m(a.bias_s),
            "rse": None if a.rse is None else round(a.rse, 3),
            "bias_per_hour_min": [_m(b) for _n, b, _e in a.hours],
            "mae_per_hour_min": [_m(e) for _n, _b, e in a.hours],
            "tickets_per_hour": [n for n, _b, _e in a.hours],
        }
        if name == "printed":
            out["accuracy"][name]["range_coverage"] = (
                None if a.coverage is None else round(a.coverage, 3))
            out["accuracy"][name]["range_shown"] = a.shown
    if any(r.appointment for r in recs):  # issue 18: the accuracy split by kind
        out["accuracy_by_kind"] = {
            kind: {name: {"tickets": a.n, "mae_min": _m(a.mae_s), "bias_min": _m(a.bias_s)}
                   for name, a in accuracy([r for r in recs if r.appointment == appt],
                                           hours).items()}
            for kind, appt in (("walk_in", False), ("appointment", True))}
    appointments = appointment_summary(loaded, days)
    if appointments is not None:
        out["appointments"] = appointments
    p, o, les = (acc[k].mae_s for k in ("printed", "oracle", "les"))
    out["ratios"] = {"printed_vs_oracle": round(p / o, 3) if o else None,
                     "printed_vs_les": round(p / les, 3) if les else None}
    if forecasts:
        out["forecast_ms"] = {"mean": round(1000 * sum(forecasts) / len(forecasts), 2),
                              "p95": round(1000 * (percentile(forecasts, 95) or 0), 2),
                              "max": round(1000 * forecasts[-1], 2)}
    return out


def appointment_summary(loaded: Loaded, days: Sequence[DayResult]) -> dict[str, Any] | None:
    """Appointments and walk-ins side by side over all days (domain.appointment_kpi), or None
    when the scenario books none."""
    apps = [a for d in days for a in d.state.appointments.values()]
    if not apps:
        return None
    office = loaded.office
    end = days[-1].open_utc + timedelta(days=1)
    figs, walk = side_by_side(apps, [t for d in days for t in d.state.tickets.values()],
                              office, end)
    f, w = figs[("total",)], walk.get(("total",))
    target_s = office.appointments.target_wait_min * 60
    walk_waits = sorted(w.waits) if w else []
    return {
        "booked": f.booked, "checked_in": f.checked_in, "no_shows": f.no_shows,
        "no_show_rate": _r3(f.no_show_rate), "mean_wait_min": _m(f.mean_wait_s),
        "p90_wait_min": _m(f.p90_wait_s), "within_target": _r3(f.within(target_s)),
        "target_min": office.appointments.target_wait_min,
        "punctuality_min": _m(f.mean_punctuality_s), "before_share": _r3(f.before_share),
        "walk_ins": w.issued if w else 0, "walk_in_mean_wait_min": _m(w.mean_wait_s if w else None),
        "walk_in_p90_wait_min": _m(percentile(walk_waits, 90)),
        "walk_in_sl": _r3(w.sl if w else None)}


def _r3(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _sum_dicts(ds: Sequence[dict[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for d in ds:
        for k, v in d.items():
            out[k] = out.get(k, 0) + v
    return out


def result_text(j: dict[str, Any], *, hours: bool = True) -> str:
    s, t = j["scenario"], j["tickets"]
    lines = [f"{s['name']} ({s['file']}): {s['days']} day(s) from {s['dates'][0]}, "
             f"seed {s['seed']}",
             f"tickets: {t['issued']} issued, {t['called']} called, {t['unserved']} never "
             f"called" + (f", refused at the kiosk: {_pairs(t['refused'])}" if t["refused"]
                          else ""),
             ""]
    acc = j["accuracy"]
    if acc["printed"]["tickets"]:
        lines += [f"Wait estimate accuracy ({acc['printed']['tickets']} tickets, "
                  f"{acc['printed']['waited']} had to wait)",
                  f"  {'estimator':<26}{'MAE min':>9}{'bias min':>10}{'RSE':>7}"
                  f"{'in p10-p90':>12}"]
        for a in acc.values():
            cov = a.get("range_coverage")
            lines.append(f"  {a['label']:<26}{_f(a['mae_min']):>9}{_f(a['bias_min'], '+'):>10}"
                         f"{_f(a['rse'], '', 3):>7}"
                         f"{'' if cov is None else f'{cov:.0%}':>12}")
        r = j["ratios"]
        lines.append(f"  printed MAE / oracle {_f(r['printed_vs_oracle'], '', 3)}, "
                     f"/ LES {_f(r['printed_vs_les'], '', 3)}")
        if "forecast_ms" in j:
            f = j["forecast_ms"]
            lines.append(f"  forecast time: mean {f['mean']} ms, p95 {f['p95']} ms, "
                         f"max {f['max']} ms")
        if hours:
            lines += ["", "Bias per hour of issue (min, + = too pessimistic)",
                      "  " + f"{'':<26}" + "".join(f"{h:>7}" for h in j["hours"])]
            for a in acc.values():
                lines.append("  " + f"{a['label']:<26}" + "".join(
                    f"{_f(b, '+', 1):>7}" for b in a["bias_per_hour_min"]))
        lines.append("")
    if "appointments" in j:
        a = j["appointments"]
        lines += [f"Appointments: {a['booked']} booked, {a['checked_in']} checked in, "
                  f"no-shows {_pct(a['no_show_rate'])}; wait (first call − max(booked start, "
                  f"check-in)) mean {_f(a['mean_wait_min'])} min, p90 {_f(a['p90_wait_min'])}, "
                  f"≤ {a['target_min']:g} min {_pct(a['within_target'])}; punctuality "
                  f"{_f(a['punctuality_min'], '+')} min; called before the booked time "
                  f"{_pct(a['before_share'])}",
                  f"Walk-ins: {a['walk_ins']}, wait mean {_f(a['walk_in_mean_wait_min'])} min, "
                  f"p90 {_f(a['walk_in_p90_wait_min'])}, SL {_pct(a['walk_in_sl'])}"]
        for kind, accs in j.get("accuracy_by_kind", {}).items():
            pr = accs["printed"]
            lines.append(f"  printed estimate, {kind.replace('_', '-')}s: {pr['tickets']} "
                         f"tickets, MAE {_f(pr['mae_min'])} min, bias "
                         f"{_f(pr['bias_min'], '+')} min")
        lines.append("")
    lines += ["KPIs per service (DESIGN.md §4; wait and service time in minutes)",
              f"  {'service':<12}{'hour':>6}{'issued':>8}{'called':>8}{'served':>8}"
              f"{'no-show':>9}{'mean wait':>11}{'p90 wait':>10}{'SL':>6}{'SL off.':>9}"
              f"{'service':>9}"]
    for code, k in j["kpis"].items():
        rows = [("day", k["day"])]
        if hours:
            rows += [(h, row) for h, row in zip(j["hours"], k["hours"], strict=False)
                     if row["issued"] or row["called"]]
        for label, row in rows:
            lines.append(f"  {code if label == 'day' else '':<12}{label:>6}{row['issued']:>8}"
                         f"{row['called']:>8}{row['served']:>8}"
                         f"{_pct(row['no_show_rate']):>9}{_f(row['mean_wait_min']):>11}"
                         f"{_f(row['p90_wait_min']):>10}{_pct(row['sl']):>6}"
                         f"{_pct(row['sl_offered']):>9}{_f(row['mean_service_min']):>9}")
    if j["posts"]:
        lines += ["", "Posts (hours over all days)",
                  f"  {'post':<12}{'open':>7}{'serving':>9}{'paused':>8}{'idle':>7}{'served':>8}"]
        for pid, p in j["posts"].items():
            lines.append(f"  {pid:<12}{p['open_h']:>7.1f}{p['serving_h']:>9.1f}"
                         f"{p['paused_h']:>8.1f}{p['idle_h']:>7.1f}{int(p['served']):>8}")
    if j.get("store"):
        st = j["store"]
        lines += ["", f"stored {st['events']} events of {st['days']} day(s) in {st['path']}"]
    if j["problems"]:
        lines += ["", "Notes: " + "; ".join(j["problems"])]
    lines += ["", f"{t['issued']} tickets in {j['elapsed_s']} s ({j['tickets_per_s']}/s)"]
    return "\n".join(lines)


def _f(x: float | None, sign: str = "", nd: int = 2) -> str:
    if x is None:
        return "-"
    return f"{x:{sign}.{nd}f}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def _pairs(d: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in d.items())


def validation_json(vs: Sequence[Validation], loaded_open: Sequence[str]) -> dict[str, Any]:
    return {"ok": all(v.ok for v in vs), "cases": [{
        "name": v.name, "servers": v.servers, "arrival_rate_per_min": v.rate_per_min,
        "mean_service_min": v.mean_min, "target_min": v.target_min, "days": v.days,
        "tickets": v.tickets, "ok": v.ok,
        "checks": [{"name": c.name, "value": round(c.simulated, 6), "exact": round(c.exact, 6),
                    "tolerance": c.tolerance, "ok": c.ok,
                    "ci99_9_half_width": None if c.half_width is None
                    else round(c.half_width, 6),
                    "days_needed": c.days_needed} for c in v.checks],
        "days_needed": max((c.days_needed for c in v.checks if c.days_needed), default=None),
        "little_per_hour": [{"hour": label, "l_queue": round(q, 4), "l_waits": round(w, 4),
                             "lambda_w": round(a, 4)}
                            for (_h, q, w, a), label in zip(v.little, labels, strict=False)],
    } for v, labels in zip(vs, [_labels(o, v) for o, v in zip(loaded_open, vs, strict=True)],
                           strict=True)]}


def _labels(open_: str, v: Validation) -> list[str]:
    start = datetime.strptime(open_, "%H:%M")
    return [(start + timedelta(hours=h)).strftime("%H:%M") for h, *_ in v.little]


def validation_text(j: dict[str, Any]) -> str:
    lines = ["Validation against Erlang C (M/M/s) and Little's law"]
    for c in j["cases"]:
        lines += ["", f"{c['name']}: {c['servers']} posts, {c['days']} chained days, "
                      f"{c['tickets']} tickets measured  -> {'ok' if c['ok'] else 'FAILED'}",
                  f"  {'check':<52}{'value':>11}{'± 99.9 %':>10}{'exact':>11}  "
                  f"{'tolerance':<10}"]
        for k in c["checks"]:
            hw = k["ci99_9_half_width"]
            lines.append(f"  {k['name']:<52}{k['value']:>11.5f}"
                         f"{'' if hw is None else f'{hw:.5f}':>10}{k['exact']:>11.5f}  "
                         f"{k['tolerance']:<10}{'ok' if k['ok'] else 'FAILED'}")
        if c["days_needed"] and c["days_needed"] > c["days"]:
            lines.append(f"  the intervals are wider than the tolerances: about "
                         f"{c['days_needed']} chained days would make them as narrow "
                         f"(--days {c['days_needed']})")
        elif c["days_needed"]:
            lines.append(f"  {c['days']} days are enough: the intervals are within the "
                         "tolerances")
        lines.append("  Little per hour: L from the queue / from the waits / λW of arrivals")
        row = "  " + "  ".join(f"{h['hour']} {h['l_queue']:.3f}/{h['l_waits']:.3f}/"
                               f"{h['lambda_w']:.3f}" for h in c["little_per_hour"][:4])
        lines.append(row + (" ..." if len(c["little_per_hour"]) > 4 else ""))
    lines += ["", "all checks passed" if j["ok"] else "some checks FAILED"]
    return "\n".join(lines)

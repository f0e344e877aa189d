"""`kcc appointment`: bookings from the booking system and the reception desk (issue 18,
docs/appointments.md)."""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import click

from .. import bookings as B
from ..domain.booking import CancelAppointment, CheckIn, ImportBookings
from ..domain.clock import business_day, system_clock
from ..store import EventStore, StoreError
from .common import Env, emit, fail, pass_env, run
from .tables import render
from .views import ticket_json

SOURCE_HELP = f"the booking system the references belong to (default {B.DEFAULT_SOURCE})"
WATCH_EVERY_S = 1.0
WATCHED = (".ics", ".csv")


@click.group()
def appointment() -> None:
    """Appointments (afspraken): import, add, cancel, list, check in, capacity."""


# -- import ------------------------------------------------------------------------------------
@appointment.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--source", default=B.DEFAULT_SOURCE, show_default=True, help=SOURCE_HELP)
@click.option("--watch", is_flag=True,
              help="keep running: re-read the file (or every .ics/.csv in the folder) when it "
                   "changes")
@pass_env
def import_(env: Env, path: Path, source: str, watch: bool) -> None:
    """Import the bookings in PATH (.ics or .csv; see docs/appointments.md). Re-importing is
    idempotent: updates and cancellations apply, nothing is duplicated. Exit 1 when a booking
    was refused (the others are imported)."""
    office = env.settings.office
    if not watch:
        parsed = _read(env, path, source)
        report = _import(env, parsed)
        emit(env, report, B.report_text(str(path), report))
        sys.exit(1 if report["refused"] else 0)
    if not path.exists():
        fail(f"{path}: not found", code=2, as_json=env.json)
    seen: dict[Path, tuple[float, int]] = {}
    try:
        while True:
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in WATCHED) \
                if path.is_dir() else [path]
            for f in files:
                try:
                    st = f.stat()
                except OSError:
                    continue
                if seen.get(f) == (st.st_mtime, st.st_size):
                    continue
                seen[f] = (st.st_mtime, st.st_size)
                try:
                    parsed = B.read_bookings(f, office, source)
                except B.BookingFileError as e:
                    emit(env, {"file": str(f), "error": str(e)}, f"kcc: {e}")
                    continue
                report = _import(env, parsed)
                emit(env, {"file": str(f), **report}, B.report_text(str(f), report))
            time.sleep(WATCH_EVERY_S)
    except KeyboardInterrupt:
        sys.exit(0)


def _read(env: Env, path: Path, source: str) -> B.Parsed:
    try:
        return B.read_bookings(path, env.settings.office, source)
    except B.BookingFileError as e:
        fail(str(e), code=2, as_json=env.json)


def _import(env: Env, parsed: B.Parsed) -> dict[str, object]:
    cmd = ImportBookings(tuple(parsed.bookings))

    async def body(store: EventStore) -> None:
        if parsed.bookings:
            await store.execute(cmd, "import")

    run(env, body)
    return B.import_report(parsed, cmd.outcomes)


# -- the desk ----------------------------------------------------------------------------------
@appointment.command("add")
@click.option("--service", required=True, help="a service code from config")
@click.option("--start", required=True, metavar="YYYY-MM-DDTHH:MM", help="local booked start")
@click.option("--duration", "duration_min", type=int, default=15, show_default=True,
              help="minutes")
@click.option("--persons", type=int, default=1, show_default=True)
@click.option("--reference", default=None, help="default: a new desk reference (D…)")
@click.option("--code", default=None,
              help="the citizen's check-in code (default: a new 6-digit code, printed once)")
@pass_env
def add(env: Env, service: str, start: str, duration_min: int, persons: int,
        reference: str | None, code: str | None) -> None:
    """Book an appointment at the reception desk (source "desk"). No names or contact details:
    give the citizen the reference and the code."""
    env.known("service", service)
    try:
        at = B.local_time(start, env.settings.office.timezone)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--start") from None
    desk = B.desk_booking(service, at, duration_min, persons, reference, code)
    ref, code = desk.reference, desk.code

    async def body(store: EventStore) -> None:
        await store.execute(desk.command, "desk")

    run(env, body)
    (o,) = desk.command.outcomes
    if o.action == "refused":
        fail(B.outcome_words(o), as_json=env.json)
    emit(env, {"reference": ref, "code": code, "source": B.DESK_SOURCE, "service": service,
               "start": start, "duration_min": duration_min, "persons": persons},
         f"booked {ref} for {start} ({service}, {duration_min} min); check-in code {code}")


@appointment.command("cancel")
@click.argument("reference")
@click.option("--source", default=None, help=f"{SOURCE_HELP}; the desk's: desk")
@pass_env
def cancel(env: Env, reference: str, source: str | None) -> None:
    """Cancel a booked appointment by REFERENCE."""

    async def body(store: EventStore) -> None:
        src = source or await _source_of(store, reference)
        await store.execute(CancelAppointment(src, reference), "desk")
        emit(env, {"reference": reference, "source": src, "status": "cancelled"},
             f"cancelled {reference}")

    run(env, body)


async def _source_of(store: EventStore, reference: str) -> str:
    """The source of the one booking with this reference (from today on), else the default."""
    today = store.today()
    async with store.history() as h:
        found = {a.source for a in await h.appointments(today, today.replace(year=today.year + 1))
                 if a.reference == reference}
    if len(found) > 1:
        fail(f"reference {reference} exists in {', '.join(sorted(found))}: give --source")
    return found.pop() if found else B.DEFAULT_SOURCE


@appointment.command("list")
@click.option("--day", default="today", show_default=True,
              help="a day (2026-11-24, today, tomorrow, monday, …)")
@pass_env
def list_(env: Env, day: str) -> None:
    """The appointments booked on a day, by start, with their status."""
    from ..reports.period import PeriodError, parse_day  # a small module; not at start-up

    try:
        when = parse_day(day, business_day(system_clock(), env.settings.office.timezone))
    except PeriodError as e:
        raise click.BadParameter(str(e), param_hint="--day") from None

    async def body(store: EventStore) -> None:
        async with store.history() as h:
            found = await h.appointments(when, when)
        now, office = store.clock(), store.office
        rows = [B.appointment_json(a, office, now) for a in found]

        def text() -> str:
            if not rows:
                return f"no appointments on {when}"
            return render([("time", "left"), ("reference", "left"), ("service", "left"),
                           ("min", "right"), ("persons", "right"), ("status", "left"),
                           ("ticket", "left")],
                          [[r["time"], r["reference"], r["service"], r["duration_min"],
                            r["persons"], r["phase"], r["ticket"] or ""] for r in rows])

        emit(env, {"day": str(when), "appointments": rows}, text)

    run(env, body)


@appointment.command("check-in")
@click.argument("code", required=False)
@click.option("--reference", default=None, help="check in by booking reference (the desk)")
@click.option("--source", default=None, help=SOURCE_HELP)
@click.option("--lang", default="nl", show_default=True, help="nl, fr, en or de")
@pass_env
def check_in(env: Env, code: str | None, reference: str | None, source: str | None,
             lang: str) -> None:
    """Check a citizen in with the CODE of the booking (or --reference): a ticket marked as
    the appointment joins the queue. JSON: {"ticket": {..., "appointment": {booked_time, ...}}}."""
    if (code is None) == (reference is None):
        raise click.UsageError("give the CODE or --reference (one of them)")

    async def body(store: EventStore) -> None:
        cmd = CheckIn(code_hash=B.code_hash(code) if code else None, reference=reference,
                      source=source, lang=lang)
        issued = (await store.execute(cmd, "desk"))[0]
        t = store.state.tickets[issued.data["number"]]
        j = ticket_json(t, store.state, store.office, store.clock())
        svc = store.office.services[t.service].name()
        emit(env, {"ticket": j},
             f"{t.number}  {svc}  appointment {j['appointment']['booked_time']} "
             f"({t.duration_min} min)  ahead: {j.get('people_ahead')}")

    run(env, body)


# -- capacity ----------------------------------------------------------------------------------
@appointment.command("capacity")
@click.option("--for", "day", required=True, metavar="DAY",
              help="the day to plan: a weekday (monday), tomorrow or a date")
@click.option("--scenario", "scenario_path", default=None, metavar="FILE",
              help="the staff plan and walk-in load to plan with (default: fitted from the "
                   "store's history of that weekday, as `kcc simulate --fit`)")
@click.option("--weeks", type=click.IntRange(1, 104), default=8, show_default=True,
              help="weeks of history to fit")
@click.option("--service", "services", multiple=True,
              help="a service that takes appointments (repeat; default: the scenario's booked "
                   "services, else those of [appointments] ical_services)")
@click.option("--share", type=click.FloatRange(0.5, 1.0), default=0.9, show_default=True,
              help="appointments to be called within [appointments] target_wait_min")
@click.option("--walk-in-sl", type=click.FloatRange(0.0, 1.0), default=0.8, show_default=True,
              help="walk-ins to be called within their service's target")
@click.option("--days", type=click.IntRange(1, 200), default=10, show_default=True,
              help="days simulated per check")
@click.option("--seed", type=int, default=1, show_default=True)
@pass_env
def capacity(env: Env, day: str, scenario_path: str | None, weeks: int, services: tuple[str, ...],
             share: float, walk_in_sl: float, days: int, seed: int) -> None:
    """How many appointments per hour and service the office can offer on DAY, checked with the
    simulator so that the appointment target and the walk-in target both hold."""
    import tomllib

    from ..config import ConfigError
    from ..config.loader import example_path
    from ..reports.fit import FitError, fit
    from ..reports.period import PeriodError, parse_day
    from ..sim.capacity import advise
    from ..sim.scenario import load_scenario, scenario_from_document

    office = env.settings.office
    for code in services:
        env.known("service", code)
    try:
        when = parse_day(day, business_day(system_clock(), office.timezone))
    except PeriodError as e:
        raise click.BadParameter(str(e), param_hint="--for") from None
    try:
        if scenario_path is not None:
            loaded = load_scenario(scenario_path)
            source = scenario_path
        else:
            ref = ("example" if env.settings.source == example_path()
                   else str(Path(env.settings.source).resolve()))
            text = asyncio.run(fit(env.db_target, office, ref, when, weeks))
            loaded = scenario_from_document(tomllib.loads(text), f"history of {when:%A}s")
            source = f"fitted from {weeks} weeks of history"
    except (ConfigError, FitError) as e:
        fail(f"{e} (give --scenario FILE to plan without history)", code=2, as_json=env.json)
    except StoreError as e:
        fail(str(e), as_json=env.json)
    wanted = list(services) or [c for c, p in loaded.scenario.services.items()
                                if p.appointments_per_hour] or [
        c for c in dict.fromkeys(office.appointments.ical_services.values())
        if c in loaded.scenario.services]
    if not wanted:
        fail("no service takes appointments: give --service", code=2, as_json=env.json)
    advice = advise(loaded, wanted, share=share, walk_in_sl=walk_in_sl, days=days, seed=seed)
    out = {"day": str(when), "scenario": source, "hours": [
        f"{(datetime.combine(when, loaded.scenario.open) + timedelta(hours=h)):%H:%M}"
        for h in range(loaded.scenario.hours)], **advice.to_json()}

    def text() -> str:
        b = advice.best
        names = {c: office.services[c].name() for c in wanted}
        lines = [f"Appointments to offer on {when:%A %Y-%m-%d} ({source}), per opening hour "
                 f"{out['hours'][0]}–{loaded.scenario.close:%H:%M}:"]
        lines += [f"  {names[c]:<30} {b.plan[c]:>3} an hour" for c in wanted]
        lines.append(f"checked over {days} simulated days: appointments within "
                     f"{office.appointments.target_wait_min:g} min "
                     f"{_pct(b.within)} (target {share:.0%}), walk-in SL {_pct(b.walk_in_sl)} "
                     f"(target {walk_in_sl:.0%})")
        if not any(b.plan.values()):
            lines.append("no room for appointments: the walk-ins alone use what the staff plan "
                         "gives" if not b.holds(share, walk_in_sl) else
                         "one more appointment an hour for any service misses a target")
        return "\n".join(lines)

    emit(env, out, text)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"

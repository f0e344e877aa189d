"""`kcc appointment import` (issue 18) as the booking system's files arrive: iCalendar and CSV,
re-imported (idempotent), updated, cancelled; personal columns and properties dropped and
reported, and nowhere in the store afterwards; a check-in at the desk by code (JSON: the ticket,
or the refusal's reason code). Real processes, on both engines."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from engines import sql
from test_cli import Kcc, kcc  # noqa: F401  (the fixture)

TZ = ZoneInfo("Europe/Brussels")
PERSONAL = ("Jan Peeters", "jan.peeters@example.be", "0470 12 34 56", "85.07.30-033.61",
            "Kerkstraat 1", "Peeters", "ABC123", "QR-555")


def day(offset: int = 1) -> str:
    return (datetime.now(TZ) + timedelta(days=offset)).strftime("%Y%m%d")


def vevent(uid: str, start: str, summary: str, seq: int = 0, status: str = "CONFIRMED",
           code: str = "", minutes: int = 15) -> str:
    return "\r\n".join([
        "BEGIN:VEVENT", f"UID:{uid}", f"SEQUENCE:{seq}", "DTSTAMP:20261101T080000Z",
        f"DTSTART;TZID=Europe/Brussels:{start}", f"DURATION:PT{minutes}M", f"SUMMARY:{summary}",
        f"STATUS:{status}", *( [f"X-KCC-CODE:{code}"] if code else []),
        "ATTENDEE;CN=Jan Peeters:mailto:jan.peeters@example.be",
        "ORGANIZER:mailto:loket@stad.be",
        "DESCRIPTION:Jan Peeters\\, tel 0470 12 34 56\\, RRN 85.07.30-033.61",
        "X-PHONE:0470 12 34 56", "END:VEVENT"])


def calendar(*events: str) -> str:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//NL", *events,
                        "END:VCALENDAR"]) + "\r\n"


def test_icalendar_import_updates_cancellations_and_personal_properties(
        kcc: Kcc, tmp_path: Path) -> None:  # noqa: F811
    d = day()
    ics = tmp_path / "agenda.ics"
    ics.write_text(calendar(
        vevent("u1@boek", f"{d}T091000", "Identiteitskaart", code="ABC123"),
        vevent("u2@boek", f"{d}T093000", "Rijbewijs", code="QR-555", minutes=20),
        vevent("u3@boek", f"{d}T100000", "Zwemles")))
    first = kcc("appointment", "import", str(ics))
    assert first[0] == 1  # one refused: the exit code says so, the others are in
    rep = first[1]
    assert isinstance(rep, dict)
    assert (rep["added"], rep["updated"], rep["cancelled"], rep["unchanged"]) == (2, 0, 0, 0)
    assert [r["reference"] for r in rep["refused"]] == ["u3@boek"]
    assert "ical_services" in rep["refused"][0]["reason"]
    assert sorted(rep["dropped_personal"]) == ["ATTENDEE", "DESCRIPTION", "ORGANIZER",
                                               "X-PHONE"]
    again = kcc("appointment", "import", str(ics))[1]
    assert isinstance(again, dict) and (again["added"], again["unchanged"]) == (0, 2)
    # the booking system moves u1 (SEQUENCE 1) and cancels u2 (SEQUENCE 2); u1 at SEQUENCE 0
    # once more (an older export) changes nothing
    ics.write_text(calendar(
        vevent("u1@boek", f"{d}T094500", "Identiteitskaart", seq=1, code="ABC123"),
        vevent("u2@boek", f"{d}T093000", "Rijbewijs", seq=2, status="CANCELLED")))
    upd = kcc.ok("appointment", "import", str(ics))
    assert (upd["added"], upd["updated"], upd["cancelled"]) == (0, 1, 1)
    ics.write_text(calendar(vevent("u1@boek", f"{d}T091000", "Identiteitskaart",
                                   code="ABC123")))
    assert kcc.ok("appointment", "import", str(ics))["unchanged"] == 1
    listed = kcc.ok("appointment", "list", "--day", f"{d[:4]}-{d[4:6]}-{d[6:]}")
    got = {a["reference"]: (a["time"], a["service"], a["status"]) for a in
           listed["appointments"]}
    assert got == {"u1@boek": ("09:45", "eid", "booked"),
                   "u2@boek": ("09:30", "rijbewijs", "cancelled")}
    _nothing_personal(kcc.db, "u1@boek")


def test_csv_import_with_personal_columns_updates_and_cancellations(
        kcc: Kcc, tmp_path: Path) -> None:  # noqa: F811
    d = datetime.now(TZ) + timedelta(days=2)
    at = f"{d:%Y-%m-%d}"
    f = tmp_path / "export.csv"
    f.write_text("reference,service,start,duration_min,persons,code,Naam,E-mail,Telefoon,"
                 "Rijksregisternummer,Adres,loket\n"
                 f"B-1,eid,{at}T10:20,15,1,ABC123,Jan Peeters,jan.peeters@example.be,"
                 "0470 12 34 56,85.07.30-033.61,Kerkstraat 1,3\n"
                 f"B-2,rijbewijs,{at}T10:40,20,2,QR-555,,,,,,\n"
                 f"B-3,eid,{at}T25:00,15,1,X,,,,,,\n")
    code, rep, _ = kcc("appointment", "import", str(f))
    assert code == 1 and isinstance(rep, dict)
    assert (rep["added"], [r["reference"] for r in rep["refused"]]) == (2, ["B-3"])
    assert rep["dropped_personal"] == ["Naam", "E-mail", "Telefoon", "Rijksregisternummer",
                                       "Adres"]
    assert rep["dropped_other"] == ["loket"]
    text = kcc("appointment", "import", str(f), json_out=False)[1]
    assert "personal data dropped (never stored): Naam, E-mail" in str(text)
    f.write_text("reference,service,start,duration_min,persons,code,status\n"
                 f"B-1,eid,{at}T11:00,30,1,ABC123,\n"
                 f"B-2,rijbewijs,{at}T10:40,20,2,QR-555,cancelled\n")
    upd = kcc.ok("appointment", "import", str(f))
    assert (upd["added"], upd["updated"], upd["cancelled"], upd["unchanged"]) == (0, 1, 1, 0)
    assert kcc.ok("appointment", "import", str(f))["unchanged"] == 2
    _nothing_personal(kcc.db, "B-1")


def test_a_file_that_is_not_bookings_is_one_line_and_exit_2(kcc: Kcc,  # noqa: F811
                                                            tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("naam,datum\nJan,morgen\n")
    code, out, _ = kcc("appointment", "import", str(bad))
    assert code == 2 and isinstance(out, dict)
    assert out["error"].endswith("expected reference,service,start,duration_min,persons,code)")
    code, out, _ = kcc("appointment", "import", str(tmp_path / "missing.ics"))
    assert code == 2 and "file not found" in out["error"]  # type: ignore[index]


def _nothing_personal(db: Path | str, reference: str) -> None:
    """Not in any table, not in the log, not in the WAL: the bytes of the store's files (on a
    server: every row of every table, as text)."""
    if isinstance(db, str):
        tables = [t for (t,) in sql(db, "SELECT tablename FROM pg_tables "
                                        "WHERE schemaname = current_schema()")]
        blob = "\n".join(str(row) for t in tables for row in sql(db, f"SELECT {t}::text FROM {t}"))
        assert reference in blob  # the rows were read
        for text in PERSONAL:
            assert text not in blob, text
        return
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    blob = b"".join(p.read_bytes() for p in db.parent.glob("kcc.db*") if p.is_file())
    for text in PERSONAL:
        assert text.encode() not in blob, text


SCENARIO = Path(__file__).parent.parent / "scenarios" / "appointments_half.toml"


def test_capacity_advice_is_checked_with_the_simulator(kcc: Kcc) -> None:  # noqa: F811
    out = kcc.ok("appointment", "capacity", "--for", "monday", "--scenario", str(SCENARIO),
                 "--days", "3")
    advice = out["advice"]
    assert set(advice["per_hour"]) == {"eid", "rijbewijs", "reispas", "attesten", "verhuis"}
    assert sum(advice["per_hour"].values()) > 0
    assert advice["appointments_within_target"] >= 0.9 and advice["walk_in_sl"] >= 0.8
    assert out["hours"] == ["08:30", "09:30", "10:30", "11:30"]
    # an office without history, and no scenario: one line, exit 2
    code, err, _ = kcc("appointment", "capacity", "--for", "monday")
    assert code == 2 and "give --scenario FILE" in err["error"]  # type: ignore[index]


def test_watch_reimports_a_folder_when_a_file_changes(kcc: Kcc, tmp_path: Path) -> None:  # noqa: F811
    import json as _json
    import os
    import subprocess
    import sys
    import time

    folder = tmp_path / "exports"
    folder.mkdir()
    at = f"{datetime.now(TZ) + timedelta(days=3):%Y-%m-%d}"
    header = "reference,service,start,duration_min,persons,code\n"
    (folder / "a.csv").write_text(header + f"W-1,eid,{at}T10:00,15,1,111\n")
    env = {**os.environ, "KCC_CONFIG": "", "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    p = subprocess.Popen([sys.executable, "-m", "kcc_tui", "--db", str(kcc.db), "--json",
                          "appointment", "import", str(folder), "--watch"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    def line() -> dict[str, object]:
        import select

        assert p.stdout is not None
        ready, _, _ = select.select([p.stdout], [], [], 30)
        assert ready, "no report within 30 s"
        out: dict[str, object] = _json.loads(p.stdout.readline())
        return out

    try:
        first = line()
        assert (str(first["file"]).endswith("a.csv"), first["added"]) == (True, 1)
        time.sleep(1.1)  # a new modification time
        (folder / "a.csv").write_text(header + f"W-1,eid,{at}T10:00,15,1,111\n"
                                      f"W-2,eid,{at}T10:20,15,1,222\n")
        second = line()
        assert (second["added"], second["unchanged"]) == (1, 1)
    finally:
        p.terminate()
        p.wait(10)


def test_check_in_by_code_at_the_desk_gives_the_ticket_and_refusals_a_code(
        kcc: Kcc) -> None:  # noqa: F811
    now = datetime.now(TZ).replace(second=0, microsecond=0)  # booked now: inside the window
    booked = kcc.ok("appointment", "add", "--service", "eid", "--start", f"{now:%Y-%m-%dT%H:%M}",
                    "--duration", "20")
    t = kcc.ok("appointment", "check-in", booked["code"])["ticket"]
    assert t["service"] == "eid" and t["status"] == "waiting"
    assert t["appointment"]["booked_time"] == f"{now:%H:%M}"
    assert (t["appointment"]["reference"], t["appointment"]["duration_min"]) == (
        booked["reference"], 20)
    for code, reason in ((booked["code"], "appointment_used"), ("000000", "appointment_unknown")):
        rc, out, _ = kcc("appointment", "check-in", code)
        assert rc == 1 and isinstance(out, dict) and out["reason"] == reason, out
    assert [a["status"] for a in kcc.ok("appointment", "list")["appointments"]] == [
        "checked_in"]

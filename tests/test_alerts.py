"""Alert rules (kcc_tui.domain.alerts): each fires when its cause appears, clears when it goes."""

from __future__ import annotations

from datetime import datetime

from factories import T0, make_office

from kcc_tui.apps.coordinator.alerts_nl import alert_nl
from kcc_tui.domain import commands as C
from kcc_tui.domain.alerts import Alert, Thresholds, Watched, evaluate, minutes
from kcc_tui.domain.clock import FixedClock
from kcc_tui.domain.estimate import estimate_wait_s
from kcc_tui.domain.ledger import Ledger

WATCHED = Watched(kiosks=("k1",), displays=("tv",), kiosk_printers={"k1": "p1"})


class Day:
    """A ledger on a fixed clock, with the alert rules one call away."""

    def __init__(self, watched: Watched | None = None, **limits: float) -> None:
        self.clock = FixedClock(T0)
        self.office = make_office()
        self.ledger = Ledger(self.office, self.clock)
        self.limits = Thresholds(**limits)  # type: ignore[arg-type]
        self.watched = watched or Watched()

    def do(self, *commands: C.Command, actor: str = "system") -> None:
        for c in commands:
            self.ledger.execute(c, actor)

    def alerts(self) -> list[Alert]:
        return evaluate(self.ledger.state, self.office, self.limits, self.clock(), self.watched)

    def keys(self) -> set[str]:
        return {a.key for a in self.alerts()}

    def alert(self, key: str) -> Alert:
        return next(a for a in self.alerts() if a.key == key)

    def later(self, **kw: float) -> datetime:
        return self.clock.advance(**kw)


def test_longest_wait_over_target_fires_after_the_target_and_clears_on_the_call() -> None:
    d = Day()
    d.do(C.OpenPost("l1", "an", True), C.Pause("l1", "koffie"), C.IssueTicket("eid"))
    d.later(minutes=15)
    assert "wait:eid" not in d.keys()  # exactly the target is not over it
    d.later(seconds=1)
    a = d.alert("wait:eid")
    assert a.severity == "error"
    assert alert_nl(a) == "Eid: langste wachttijd 15 min (doel 15 min)"
    d.do(C.Resume("l1"), C.CallNext("l1"))
    assert "wait:eid" not in d.keys()


def test_the_factor_from_the_config_scales_the_target() -> None:
    d = Day(wait_over_target_factor=2.0)
    d.do(C.IssueTicket("eid"))
    d.later(minutes=29)
    assert "wait:eid" not in d.keys()
    d.later(minutes=2)
    assert "wait:eid" in d.keys()


def test_estimate_over_target_clears_when_a_second_post_opens() -> None:
    d = Day()
    d.do(C.OpenPost("l1", "an", True), C.IssueTicket("eid"), C.IssueTicket("eid"))
    # 2 ahead of a new ticket at one post, 10 min each: about 20 min > 15 min target
    est = estimate_wait_s(d.ledger.state, d.office, "eid", d.clock())
    assert est is not None and 15 * 60 < est < 25 * 60
    a = d.alert("estimate:eid")
    assert (a.severity, alert_nl(a)) == (
        "warning", f"Eid: nieuw ticket wacht ~{round(est / 60)} min (doel 15 min)")
    d.do(C.OpenPost("l2", "bo", True))  # two posts: each takes one, a new one waits ~10 min
    assert "estimate:eid" not in d.keys()


def test_tickets_for_a_service_no_open_post_serves() -> None:
    d = Day()
    d.do(C.IssueTicket("afhalen"))
    a = d.alert("unserved:afhalen")
    assert (a.severity, alert_nl(a)) == (
        "error", "Afhalen: 1 wachtende, maar geen open loket")
    d.do(C.OpenPost("snel", "cas", True))
    assert "unserved:afhalen" not in d.keys()
    d.do(C.Pause("snel", "middagpauze"))
    a = d.alert("unserved:afhalen")
    assert (a.severity, alert_nl(a)) == (
        "warning", "Afhalen: 1 wachtende, maar Snelbalie is in pauze")
    d.do(C.Resume("snel"))
    assert "unserved:afhalen" not in d.keys()
    d.do(C.ChangeProfile("snel", {"eid": 1}), actor="coord")  # the profile counts, not the kind
    assert "unserved:afhalen" in d.keys()
    d.do(C.IssueTicket("afhalen"))
    assert alert_nl(d.alert("unserved:afhalen")) == (
        "Afhalen: 2 wachtenden, maar geen open loket")


def test_every_post_for_a_service_paused_names_them_all() -> None:
    d = Day()
    d.do(*[C.OpenPost(p, s, True) for p, s in (("l1", "an"), ("l2", "bo"), ("l3", "cas"))],
         *[C.Pause(p, "overleg") for p in ("l1", "l2", "l3")], C.IssueTicket("rijbewijs"))
    assert alert_nl(d.alert("unserved:rijbewijs")) == (
        "Rijbewijs: 1 wachtende, maar Loket 1, Loket 2 en Loket 3 zijn in pauze")


def test_a_ticket_sent_to_a_closed_post() -> None:
    d = Day()
    d.do(C.OpenPost("l1", "an", True), C.IssueTicket("eid"), C.CallNext("l1"),
         C.Transfer("l1", to_post="l2"))
    a = d.alert("unserved-post:l2")
    assert alert_nl(a) == "1 ticket doorgestuurd naar Loket 2 wacht, maar Loket 2 is gesloten"
    assert "unserved:eid" not in d.keys()  # l1 serves eid, but only l2 may call this one
    d.do(C.OpenPost("l2", "bo", True))
    assert "unserved-post:l2" not in d.keys()


def test_idle_post_while_its_tickets_wait() -> None:
    d = Day(idle_with_queue_min=5)
    d.do(C.OpenPost("l1", "an", True))
    d.later(minutes=30)  # idle for long, but nobody waited: no alert yet
    d.do(C.IssueTicket("eid"))
    d.later(minutes=4, seconds=59)
    assert "idle:l1" not in d.keys()
    d.later(seconds=1)
    a = d.alert("idle:l1")
    assert alert_nl(a) == "Loket 1 (An): al 5 min vrij, 1 ticket wacht erop"
    assert "idle:l3" not in d.keys()  # l3 is closed; and it does not serve eid anyway
    d.do(C.IssueTicket("eid"))  # idle is counted from the oldest ticket
    assert alert_nl(d.alert("idle:l1")) == (
        "Loket 1 (An): al 5 min vrij, 2 tickets wachten erop")
    d.do(C.CallNext("l1"))
    assert "idle:l1" not in d.keys()


def test_no_shows_in_a_row_clear_when_a_citizen_comes() -> None:
    d = Day(no_shows_in_row=3)
    d.do(C.OpenPost("l1", "an", True), *[C.IssueTicket("eid") for _ in range(4)])
    for n in range(3):
        assert "noshow:l1" not in d.keys(), n
        d.do(C.CallNext("l1"), C.NoShow("l1"))
    assert alert_nl(d.alert("noshow:l1")).startswith("Loket 1: 3 keer na elkaar afwezig")
    d.do(C.CallNext("l1"), C.Start("l1"))
    assert "noshow:l1" not in d.keys()


def test_printer_status_from_heartbeats() -> None:
    d = Day()
    d.do(C.Heartbeat("p1", "printer", "near_end"))
    a = d.alert("printer:p1")
    assert a == Alert("printer:p1", "warning", "printer", {"printer": "p1", "status": "near_end"})
    assert alert_nl(a) == "Printer p1: papier bijna op"
    d.do(C.Heartbeat("p1", "printer", "paper_out", "replace the roll"))
    a = d.alert("printer:p1")
    assert (a.severity, alert_nl(a)) == ("error", "Printer p1: papier op")  # no English detail
    d.do(C.Heartbeat("p1", "printer", "offline"))
    assert alert_nl(d.alert("printer:p1")) == "Printer p1: offline"
    d.do(C.Heartbeat("p1", "printer", "ok"))
    assert "printer:p1" not in d.keys()


def test_a_kiosk_and_its_printer_with_the_same_id_are_told_apart() -> None:
    d = Day(Watched(kiosks=("onthaal",), kiosk_printers={"onthaal": "onthaal"}))
    d.do(C.Heartbeat("onthaal", "printer", "paper_out"), C.Heartbeat("onthaal", "kiosk", "ok"))
    assert {"printer:onthaal"} == {k for k in d.keys() if "onthaal" in k}


def test_print_failure_until_the_printer_reports_ok_again() -> None:
    d = Day(WATCHED)
    d.do(C.IssueTicket("eid", kiosk="k1"),
         C.RecordPrintFailure("A001", "k1", "paper out", "paper_out"))
    d.later(seconds=5)
    d.do(C.IssueTicket("eid", kiosk="k1"),
         C.RecordPrintFailure("A002", "k1", "paper out", "paper_out"))
    a = d.alert("printfail:k1")
    assert alert_nl(a) == ("Kiosk k1: 2 tickets niet afgedrukt, laatste A002 (papier op); "
                      "het nummer stond op het scherm")
    d.do(C.Heartbeat("p1", "printer", "paper_out"))  # still out: the alert stays
    assert "printfail:k1" in d.keys()
    d.later(seconds=5)
    d.do(C.Heartbeat("p1", "printer", "ok"))
    assert "printfail:k1" not in d.keys()


def test_silent_kiosk_and_display() -> None:
    d = Day(WATCHED, heartbeat_missing_s=60)
    a = d.alert("device:kiosk:k1")
    assert (a.severity, alert_nl(a)) == ("info", "Kiosk k1: vandaag nog geen teken van leven")
    d.do(C.Heartbeat("k1", "kiosk"), C.Heartbeat("tv", "display"))
    assert not {k for k in d.keys() if k.startswith("device:")}
    d.later(seconds=61)
    d.do(C.Heartbeat("tv", "display"))  # the display is alive, the kiosk went quiet
    a = d.alert("device:kiosk:k1")
    assert (a.severity, alert_nl(a)) == (
        "error", "Kiosk k1: al 1 min geen teken van leven (laatst: ok)")
    assert "device:display:tv" not in d.keys()
    d.do(C.Heartbeat("k1", "kiosk"))
    assert "device:kiosk:k1" not in d.keys()
    d.do(C.Heartbeat("tv", "display", "error", "no HDMI signal"))
    assert alert_nl(d.alert("device:display:tv")) == "Scherm tv: fout"  # its detail is English
    d.do(C.Heartbeat("k1", "kiosk", "stopped", "coord"))
    assert alert_nl(d.alert("device:kiosk:k1")) == "Kiosk k1: gestopt door Coord"


def test_errors_come_first_and_a_closed_day_has_no_queue_alerts() -> None:
    d = Day(WATCHED)
    d.do(C.IssueTicket("afhalen"), C.Heartbeat("p1", "printer", "near_end"))
    severities = [a.severity for a in d.alerts()]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert "unserved:afhalen" in d.keys()
    d.do(C.EndDay(), actor="coord")
    assert "unserved:afhalen" not in d.keys()
    assert "printer:p1" in d.keys()  # devices still matter after closing


def test_long_waits_read_as_hours_and_minutes_like_the_board() -> None:
    assert minutes(59 * 60) == "59 min"
    assert minutes(60 * 60) == "60 min"
    assert minutes(61 * 60) == "1u01"  # above an hour: hours and minutes, on every surface
    assert minutes(99 * 60) == "1u39"
    assert minutes(361 * 60) == "6u01"  # the board's "Nieuw ticket" column writes it so too
    assert minutes(-30) == "0 min"


def test_alerts_that_need_a_decision_come_first() -> None:
    """Loket 1 idle with six tickets waiting sorts above the estimate warnings, a silent kiosk
    above everything, a device not yet heard from today below everything."""
    d = Day(watched=Watched(kiosks=("k1",), displays=("tv",)))
    d.do(C.Heartbeat("k1", "kiosk"))
    for _ in range(6):
        d.do(C.IssueTicket("eid"), C.IssueTicket("rijbewijs"), C.IssueTicket("afhalen"))
    d.do(C.OpenPost("l1", "an", True), actor="an")
    d.do(C.OpenPost("snel", "cas", True), C.Pause("snel", "koffie"), actor="cas")
    d.later(minutes=16)
    d.do(C.Heartbeat("k1", "kiosk"))
    d.later(minutes=2)  # the kiosk is silent for 2 min (limit 60 s)
    kinds = [a.key.split(":")[0] for a in d.alerts()]
    assert kinds[0] == "device" and d.alerts()[0].severity == "error"  # the silent kiosk
    assert kinds.index("idle") < kinds.index("wait") < kinds.index("unserved")
    assert "estimate" in kinds and kinds.index("estimate") > kinds.index("idle")
    assert d.alerts()[-1].severity == "info"  # the display: not heard from today


def test_every_alert_code_has_dutch_words_and_no_sentence_is_made_in_the_domain() -> None:
    import ast
    from pathlib import Path

    from kcc_tui.apps.coordinator.alerts_nl import ALERTS_NL
    from kcc_tui.domain import alerts

    codes = set()
    for node in ast.walk(ast.parse(Path(alerts.__file__).read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Alert":
            code = node.args[2]
            assert isinstance(code, ast.Constant), ast.unparse(node)  # a code, not a sentence
            codes.add(code.value)
    assert codes == set(ALERTS_NL)

"""The announcement queue with a stand-in speech command: a real program, run once per sentence,
that writes when it starts and ends. Proves order, no overlap, shortening, and survival of
failing or hanging sound programs."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import pytest

from kcc_tui.apps.display.announce import Announcer, CommandSpeaker, speech_argv
from kcc_tui.domain.office import Post

STANDIN = """
import json, sys, time
log, seconds, *args = sys.argv[1:]
def note(ev):
    with open(log, "a") as f:
        f.write(json.dumps({"ev": ev, "t": time.time(), "args": args}) + "\\n")
note("start")
time.sleep(float(seconds))
note("end")
"""

LOKET1 = Post(id="loket1", name="Loket 1")
LOKET3 = Post(id="loket3", name="Loket 3")


def standin(tmp_path: Path, seconds: float = 0.2) -> tuple[str, Path]:
    script = tmp_path / "say.py"
    script.write_text(STANDIN)
    log = tmp_path / "said.jsonl"
    return f"{sys.executable} {script} {log} {seconds}", log


def said(log: Path) -> list[dict]:
    return [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []


def spans(log: Path) -> list[tuple[float, float, list[str]]]:
    out, open_ = [], None
    for rec in said(log):
        if rec["ev"] == "start":
            assert open_ is None, f"{rec['args']} started while {open_[1]} was speaking"
            open_ = (rec["t"], rec["args"])
        else:
            assert open_ is not None and open_[1] == rec["args"]
            out.append((open_[0], rec["t"], rec["args"]))
            open_ = None
    return out


async def test_a_burst_is_spoken_in_order_without_overlap_and_late_ones_shortened(
        tmp_path: Path) -> None:
    command, log = standin(tmp_path, 0.25)
    announcer = Announcer(CommandSpeaker("none", command), stale_after_s=0.5)
    announcer.start()
    try:
        for number, post, lang in [("A001", LOKET1, "nl"), ("A002", LOKET3, "fr"),
                                   ("B001", LOKET1, "nl"), ("B002", LOKET3, "nl"),
                                   ("B003", LOKET1, "en")]:
            announcer.put(number, post, lang)
        await asyncio.wait_for(announcer.drain(), 20)
    finally:
        await announcer.stop()
    done = spans(log)  # raises if two ever overlapped
    texts = [args[-1] for _, _, args in done]
    # order kept: each ticket's sentences come after the previous ticket's
    order = [next(n for n in ("A 1", "A 2", "B 1", "B 2", "B 3") if n in t) for t in texts]
    assert order == sorted(order)
    assert set(order) == {"A 1", "A 2", "B 1", "B 2", "B 3"}  # none dropped
    for (_, end, _), (start, _, _) in zip(done, done[1:], strict=False):
        assert start >= end
    # the first is said in full, in Dutch with the voice flag espeak-ng expects
    assert done[0][2] == ["-v", "nl", "Nummer A 1, loket 1"]
    # the last ones waited over a second (four sentences of 0.25 s before them): shortened,
    # Dutch only, even for the English ticket
    assert texts[-2:] == ["B 2, loket 3", "B 3, loket 1"]
    assert [s.short for s in announcer.spoken][-2:] == [True, True]


async def test_the_ticket_language_follows_dutch_when_there_is_time(tmp_path: Path) -> None:
    command, log = standin(tmp_path, 0.01)
    announcer = Announcer(CommandSpeaker("none", command), stale_after_s=30)
    announcer.start()
    announcer.put("C007", LOKET3, "fr", recall=True)
    await asyncio.wait_for(announcer.drain(), 20)
    await announcer.stop()
    assert [a[-1] for _, _, a in spans(log)] == ["Nogmaals: nummer C 7, loket 3",
                                                  "Rappel : numéro C 7, guichet 3"]
    assert [a[1] for _, _, a in spans(log)] == ["nl", "fr"]


async def test_a_chime_command_runs_before_the_words(tmp_path: Path) -> None:
    command, log = standin(tmp_path, 0.05)
    chime = command + " ding"
    announcer = Announcer(CommandSpeaker(chime, command), stale_after_s=30)
    announcer.start()
    announcer.put("A001", LOKET1)
    await asyncio.wait_for(announcer.drain(), 20)
    await announcer.stop()
    assert [a for _, _, a in spans(log)] == [["ding"], ["-v", "nl", "Nummer A 1, loket 1"]]


async def test_a_bell_chime_rings_the_terminal_bell() -> None:
    rung = []
    speaker = CommandSpeaker("bell", None, bell=lambda: rung.append(1))
    await speaker.chime()
    await speaker.say("Nummer A 1, loket 1", "nl")  # no speech command: nothing to run
    assert rung == [1]


@pytest.mark.parametrize(("command", "problem"), [
    ("/nonexistent/espeak-ng", "cannot run '/nonexistent/espeak-ng'"),
    (f"{sys.executable} -c 'import sys; sys.exit(3)'", "exited with status 3"),
    (f"{sys.executable} -c 'import time; time.sleep(30)'", "did not finish within 0.3 s"),
])
async def test_a_broken_sound_program_is_reported_and_the_queue_goes_on(
        tmp_path: Path, command: str, problem: str) -> None:
    _, log = standin(tmp_path)
    errors: list[str] = []
    good = standin(tmp_path, 0.01)[0]
    announcer = Announcer(CommandSpeaker(command, good, timeout_s=0.3), stale_after_s=30,
                          on_error=errors.append)
    announcer.start()
    t0 = time.monotonic()
    announcer.put("A001", LOKET1)
    announcer.put("A002", LOKET1)
    await asyncio.wait_for(announcer.drain(), 20)
    await announcer.stop()
    assert time.monotonic() - t0 < 10  # a hanging chime is killed, not waited for
    assert len(errors) == 2 and all(problem in e for e in errors), errors
    assert [a[-1] for _, _, a in spans(log)] == ["Nummer A 1, loket 1", "Nummer A 2, loket 1"]


async def test_stop_kills_a_sentence_being_spoken(tmp_path: Path) -> None:
    command, log = standin(tmp_path, 30)
    announcer = Announcer(CommandSpeaker("none", command))
    announcer.start()
    announcer.put("A001", LOKET1)
    for _ in range(200):
        if said(log):
            break
        await asyncio.sleep(0.02)
    t0 = time.monotonic()
    await announcer.stop()
    assert time.monotonic() - t0 < 5
    assert [r["ev"] for r in said(log)] == ["start"]


def test_speech_command_placeholders() -> None:
    assert speech_argv("espeak-ng -s 140", "Nummer A 1", "fr") == [
        "espeak-ng", "-s", "140", "-v", "fr", "Nummer A 1"]
    assert speech_argv("say --voice={voice} '{text}'", "Nummer A 1", "de") == [
        "say", "--voice=de", "Nummer A 1"]

"""The announcement queue: a chime and spoken words per call, one at a time, none dropped.

Calls arrive in bursts (several counters press "next" within a second). Announcements go
through one queue and one task, so they never overlap and keep the order of the calls. One that
waited longer than `stale_after_s` before its turn is shortened ("A 12, loket 3", Dutch only)
instead of read out in full and late, so a backlog clears quickly.

The speaker is pluggable: `CommandSpeaker` runs the terminal bell or a sound command and a
speech command such as espeak-ng (offline); tests pass a stand-in script. Pure asyncio: no
Textual.
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ...domain.office import Post
from .phrases import speech

STALE_AFTER_S = 8.0  # an announcement that waited longer than this is shortened
COMMAND_TIMEOUT_S = 20.0  # a sound or speech command that hangs is killed after this
VOICES = {"nl": "nl", "fr": "fr", "en": "en", "de": "de"}  # espeak-ng voice per language


class Speaker(Protocol):
    async def chime(self) -> None: ...

    async def say(self, text: str, lang: str) -> None: ...


class SpeakerError(Exception):
    """A sound or speech command failed; `str()` is one line."""


@dataclass(frozen=True, slots=True)
class Announcement:
    number: str
    post: Post
    lang: str = "nl"  # the ticket's language: said after Dutch when it differs
    recall: bool = False
    queued_at: float = 0.0  # monotonic seconds


@dataclass(slots=True)
class Spoken:
    """What was announced, for the log and the tests."""

    number: str
    texts: list[str] = field(default_factory=list)
    short: bool = False


class Announcer:
    """One queue, one task: `put()` never blocks and never drops; `run()` speaks in order."""

    def __init__(self, speaker: Speaker, *, stale_after_s: float = STALE_AFTER_S,
                 languages: tuple[str, ...] = ("nl", "fr", "en", "de"),
                 clock: Callable[[], float] = time.monotonic,
                 on_error: Callable[[str], None] | None = None, keep: int = 50) -> None:
        self.speaker = speaker
        self.stale_after_s = stale_after_s
        self.languages = languages
        self.clock = clock
        self.on_error = on_error
        self._queue: deque[Announcement] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self.spoken: deque[Spoken] = deque(maxlen=keep)  # bounded: the display runs for days

    @property
    def pending(self) -> int:
        return len(self._queue)

    def put(self, number: str, post: Post, lang: str = "nl", *, recall: bool = False) -> None:
        self._queue.append(Announcement(number, post, lang, recall, self.clock()))
        self._idle.clear()
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name="announcer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def drain(self) -> None:
        """Wait until everything queued has been announced."""
        await self._idle.wait()

    async def run(self) -> None:
        while True:
            if not self._queue:
                self._idle.set()
                self._wake.clear()
                await self._wake.wait()
                continue
            item = self._queue.popleft()
            try:
                await self._announce(item)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # one failing announcement must not stop the next ones
                self._error(f"announcement of {item.number} failed: {e}")

    def texts(self, item: Announcement, *, short: bool) -> list[tuple[str, str]]:
        """(text, language) pairs to say: Dutch, then the ticket's language if different."""
        if short:
            return [(speech(item.number, item.post, "nl", short=True), "nl")]
        langs = ["nl"] + ([item.lang] if item.lang != "nl" and item.lang in self.languages
                          else [])
        return [(speech(item.number, item.post, lang, recall=item.recall), lang)
                for lang in langs]

    async def _announce(self, item: Announcement) -> None:
        short = self.clock() - item.queued_at > self.stale_after_s
        record = Spoken(item.number, short=short)
        self.spoken.append(record)
        try:
            await self.speaker.chime()
        except SpeakerError as e:
            self._error(str(e))
        for text, lang in self.texts(item, short=short):
            record.texts.append(text)
            try:
                await self.speaker.say(text, lang)
            except SpeakerError as e:
                self._error(str(e))

    def _error(self, message: str) -> None:
        if self.on_error is not None:
            self.on_error(message)


class CommandSpeaker:
    """Chime with the terminal bell or a command; speak with a command (espeak-ng).

    `speech_command` is split like a shell line. Without placeholders the voice and text are
    appended (`espeak-ng -v nl "Nummer A 12, loket 3"`); with `{voice}`, `{lang}` or `{text}`
    in it they are filled in instead, for other speech programs. None: no speech.
    """

    def __init__(self, chime: str = "bell", speech_command: str | None = None, *,
                 bell: Callable[[], None] | None = None,
                 timeout_s: float = COMMAND_TIMEOUT_S) -> None:
        self.chime_command = chime
        self.speech_command = speech_command
        self.bell = bell
        self.timeout_s = timeout_s

    async def chime(self) -> None:
        if self.chime_command == "none":
            return
        if self.chime_command == "bell":
            if self.bell is not None:
                self.bell()
            return
        await self._run(shlex.split(self.chime_command))

    async def say(self, text: str, lang: str) -> None:
        if not self.speech_command:
            return
        await self._run(speech_argv(self.speech_command, text, lang))

    async def _run(self, argv: list[str]) -> None:
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL)
        except OSError as e:
            raise SpeakerError(f"cannot run {argv[0]!r}: {e.strerror or e}") from None
        try:
            code = await asyncio.wait_for(proc.wait(), self.timeout_s)
        except (TimeoutError, asyncio.CancelledError) as e:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()  # reap it: no zombies over days of running
            if isinstance(e, asyncio.CancelledError):
                raise
            raise SpeakerError(f"{argv[0]} did not finish within {self.timeout_s:g} s") from None
        if code != 0:
            raise SpeakerError(f"{argv[0]} exited with status {code}")


def speech_argv(command: str, text: str, lang: str) -> list[str]:
    argv = shlex.split(command)
    voice = VOICES.get(lang, lang)
    if any(p in command for p in ("{text}", "{voice}", "{lang}")):
        return [a.replace("{text}", text).replace("{voice}", voice).replace("{lang}", lang)
                for a in argv]
    return [*argv, "-v", voice, text]


def speaker_for(chime: str, speech: bool, speech_command: str,
                bell: Callable[[], None] | None) -> CommandSpeaker | None:
    """The speaker a display's settings ask for; None when it should stay silent."""
    if chime == "none" and not speech:
        return None
    return CommandSpeaker(chime, speech_command if speech else None, bell=bell)

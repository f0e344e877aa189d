"""`kcc ticket|post|staff|service|broadcast|day|state|events`: the office from a shell."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import click

from ..domain import commands as C
from ..domain.clock import local, parse_iso
from ..domain.state import Ticket
from ..pepper import check_pin
from ..phone.token import LOOPBACK_URL, new_token, page_url
from ..store import EventStore
from ..wait_words import minutes_words
from .common import PIN_HELP, Env, echo, emit, fail, json_line, pass_env, read_pin, run
from .views import (
    event_json,
    event_line,
    state_json,
    state_text,
    ticket_json,
    tickets_text,
)

STATUSES = ("waiting", "called", "serving", "parked", "done", "no_show", "closed_unserved",
            "left")


def _ticket_out(env: Env, store: EventStore, t: Ticket | None, text: str, **extra: object) -> None:
    now = store.clock()
    obj: dict[str, object] = dict(extra)
    if t is not None:
        obj["ticket"] = ticket_json(t, store.state, store.office, now)
    emit(env, obj, text)


# -- tickets -------------------------------------------------------------------------------------
@click.group()
def ticket() -> None:
    """Issue and list tickets."""


@ticket.command("issue")
@click.argument("service")
@click.option("--lang", default="nl", show_default=True, help="nl, fr, en or de")
@click.option("--priority", is_flag=True, help="a priority ticket (where the service allows)")
@click.option("--kiosk", default=None, help="record the ticket as issued by this kiosk")
@click.option("--outside-hours", is_flag=True,
              help="issue even when [hours] says the office is closed (e.g. a late appointment)")
@pass_env
def ticket_issue(env: Env, service: str, lang: str, priority: bool, kiosk: str | None,
                 outside_hours: bool) -> None:
    """Take a ticket for SERVICE, as the kiosk does (and, like the kiosk, only while open)."""
    env.known("service", service)
    if kiosk is not None:
        env.known("kiosk", kiosk)
    languages = env.settings.office.languages
    if lang not in languages:
        raise click.BadParameter(f"unknown language {lang!r} (known: {', '.join(languages)})",
                                 param_hint="--lang")

    token, token_hash = new_token()  # the phone page's capability: only its hash is stored
    url = page_url(env.settings.phone.base_url or LOOPBACK_URL, token)

    async def body(store: EventStore) -> None:
        if not outside_hours:
            _refuse_when_closed(env, store)
        (e,) = await store.execute(C.IssueTicket(service, lang, priority, kiosk,
                                                 token_hash=token_hash), kiosk or "cli")
        t = store.state.tickets[e.data["number"]]
        j = ticket_json(t, store.state, store.office, store.clock())
        wait = minutes_words(j.get("estimated_wait_min"), j.get("estimate_reason"), "en")
        _ticket_out(env, store, t, f"{t.number}  {store.office.services[t.service].name()}  "
                    f"ahead: {j.get('people_ahead')}  estimated wait: {wait}\n{url}", url=url)

    run(env, body)


def _refuse_when_closed(env: Env, store: EventStore) -> None:
    """The kiosk's rule for opening hours, so a shell does not hand out a number nobody calls."""
    from ..apps.kiosk.availability import next_opening  # the one rule; pure, loaded only here

    is_open, opens = next_opening(store.office, store.clock(), today_done=store.state.ended)
    if not is_open:
        later = (f"it opens at {opens[1]:%H:%M} today" if opens and opens[0] == 0
                 else "no more opening today")
        fail(f"the office is closed ([hours] in {env.settings.source}; {later}): "
             "--outside-hours issues a ticket anyway", as_json=env.json)


@ticket.command("list")
@click.option("--status", type=click.Choice(STATUSES), default=None)
@pass_env
def ticket_list(env: Env, status: str | None) -> None:
    """Today's tickets, oldest first."""

    async def body(store: EventStore) -> None:
        ts = [t for t in store.state.tickets.values() if status in (None, t.status)]
        now, st, office = store.clock(), store.state, store.office
        emit(env, {"day": str(st.day), "tickets": [ticket_json(t, st, office, now) for t in ts]},
             lambda: tickets_text(ts, office, office.timezone) if ts else "no tickets")

    run(env, body)


# -- posts ---------------------------------------------------------------------------------------
@click.group()
def post() -> None:
    """Work a post (loket, snelbalie, phone) from the shell."""


def _post_action(env: Env, post_id: str, make: C.Command, verb: str) -> None:
    env.known("post", post_id)

    async def body(store: EventStore) -> None:
        # the staff member logging in, or the one at the post, acts; otherwise the admin
        actor = (make.staff if isinstance(make, C.OpenPost)
                 else store.state.post(post_id).staff or "system")
        events = await store.execute(make, actor)
        number = next((e.data["number"] for e in events if "number" in e.data), None)
        number = number or store.state.post(post_id).current
        t = store.state.tickets.get(number) if number else None
        p = store.state.post(post_id)
        text = f"{store.office.posts[post_id].name}: {verb}" + (f" {t.number}" if t else "")
        _ticket_out(env, store, t, text, post=post_id, state=p.status(store.state.tickets))

    run(env, body)


def _pin_ok(env: Env, staff: str, pin: str | None) -> bool:
    """Ask for `staff`'s PIN (prompt, stdin or $KCC_PIN; never the command line) and check it.
    The caller records the answer through a login command, so a wrong one counts."""
    env.known("staff", staff)
    typed = read_pin(pin, prompt=f"PIN of {staff}")
    return check_pin(typed, env.settings.office.staff[staff].pin_hash, env.db_path)


@post.command("open")
@click.argument("post_id", metavar="POST")
@click.option("--staff", required=True, help="staff id")
@click.option("--pin", default=None, metavar="-", help=PIN_HELP)
@pass_env
def post_open(env: Env, post_id: str, staff: str, pin: str | None) -> None:
    """Log STAFF in at POST and open it. A wrong PIN counts towards the lockout."""
    env.known("post", post_id)
    pin_ok = _pin_ok(env, staff, pin)
    _post_action(env, post_id, C.OpenPost(post_id, staff, pin_ok, "cli"), "opened")


@post.command("call-next")
@click.argument("post_id", metavar="POST")
@pass_env
def post_call_next(env: Env, post_id: str) -> None:
    """Call the next citizen by the configured rule."""
    _post_action(env, post_id, C.CallNext(post_id), "called")


@post.command("call")
@click.argument("post_id", metavar="POST")
@click.argument("number")
@pass_env
def post_call(env: Env, post_id: str, number: str) -> None:
    """Call one specific waiting ticket NUMBER (e.g. A012)."""
    _post_action(env, post_id, C.CallTicket(post_id, number), "called")


def _simple(name: str, cls: type, verb: str, doc: str) -> None:
    @post.command(name, help=doc)
    @click.argument("post_id", metavar="POST")
    @pass_env
    def cmd(env: Env, post_id: str) -> None:
        _post_action(env, post_id, cls(post_id), verb)


for _name, _cls, _verb, _doc in [
    ("recall", C.Recall, "recalled", "Call the current ticket again."),
    ("no-show", C.NoShow, "no-show", "The called citizen did not come."),
    ("requeue", C.Requeue, "requeued", "Put the called ticket back in the queue."),
    ("start", C.Start, "serving", "The citizen is at the counter."),
    ("park", C.Park, "parked", "Park the current ticket on your own list."),
    ("resume", C.Resume, "resumed", "Resume after a pause."),
    ("close", C.ClosePost, "closed", "Close the post (log out)."),
]:
    _simple(_name, _cls, _verb, _doc)


@post.command("finish")
@click.argument("post_id", metavar="POST")
@click.option("--outcome", default="done", show_default=True)
@click.option("--topic", "topics", multiple=True, help="topic code (repeatable)")
@click.option("--note", default=None)
@pass_env
def post_finish(env: Env, post_id: str, outcome: str, topics: tuple[str, ...],
                note: str | None) -> None:
    """Finish the current ticket with an outcome, topics and a note (at most 1000 characters)."""
    env.known("outcome", outcome)
    for t in topics:
        env.known("topic", t)
    _post_action(env, post_id, C.Finish(post_id, outcome, topics, note), "finished")


@post.command("transfer")
@click.argument("post_id", metavar="POST")
@click.option("--service", default=None, help="send to this service's queue")
@click.option("--to-post", default=None, help="send to this post")
@click.option("--reason", default="", help="a code from [reasons.transfer] in config.toml")
@pass_env
def post_transfer(env: Env, post_id: str, service: str | None, to_post: str | None,
                  reason: str) -> None:
    """Transfer the current ticket to another service or post; it keeps its number."""
    if service is not None:
        env.known("service", service)
    if to_post is not None:
        env.known("post", to_post)
    if reason:
        env.known("transfer reason", reason)
    _post_action(env, post_id, C.Transfer(post_id, service, to_post, reason), "transferred")


@post.command("pause")
@click.argument("post_id", metavar="POST")
@click.option("--reason", default="", help="a code from [reasons.pause] in config.toml "
              "(default: the first)")
@pass_env
def post_pause(env: Env, post_id: str, reason: str) -> None:
    """Pause the post with a reason code."""
    if reason:
        env.known("pause reason", reason)
    _post_action(env, post_id, C.Pause(post_id, reason), "paused")


@post.command("resume-parked")
@click.argument("post_id", metavar="POST")
@click.argument("number")
@pass_env
def post_resume_parked(env: Env, post_id: str, number: str) -> None:
    """Take a parked ticket back to the counter."""
    _post_action(env, post_id, C.ResumeParked(post_id, number), "resumed")


@post.command("phone-call")
@click.argument("post_id", metavar="POST")
@click.argument("topic")
@pass_env
def post_phone_call(env: Env, post_id: str, topic: str) -> None:
    """Register a phone contact with its topic."""
    env.known("topic", topic)
    _post_action(env, post_id, C.RegisterCall(post_id, topic), "phone call registered")


# -- coordinator ---------------------------------------------------------------------------------
@click.group()
def staff() -> None:
    """Staff: moves between posts."""


@staff.command("move")
@click.argument("staff_id", metavar="STAFF")
@click.argument("post_id", metavar="POST")
@pass_env
def staff_move(env: Env, staff_id: str, post_id: str) -> None:
    """Move STAFF to POST (closes their current post, opens the new one)."""
    env.known("staff", staff_id)
    _post_action(env, post_id, C.MoveStaff(staff_id, post_id), f"{staff_id} moved here")


@staff.command("unlock")
@click.argument("staff_id", metavar="STAFF")
@click.option("--coordinator", "coordinator", required=True, metavar="ID",
              help="the coordinator who unlocks (their PIN is asked for and counts towards "
                   "their own lockout)")
@click.option("--pin", default=None, metavar="-", help=PIN_HELP)
@pass_env
def staff_unlock(env: Env, staff_id: str, coordinator: str, pin: str | None) -> None:
    """Lift STAFF's lockout after too many wrong PINs (recorded, with who did it)."""
    env.known("staff", staff_id)
    pin_ok = _pin_ok(env, coordinator, pin)

    async def body(store: EventStore) -> None:
        await store.execute(C.Login(coordinator, pin_ok, "cli"), coordinator)
        await store.execute(C.UnlockStaff(staff_id), coordinator)
        emit(env, {"staff": staff_id, "unlocked_by": coordinator},
             f"{staff_id} unlocked by {coordinator}")

    run(env, body)


@click.group()
def service() -> None:
    """Services: issuing on and off."""


@service.command("issuing")
@click.argument("code")
@click.argument("onoff", type=click.Choice(["on", "off"]))
@pass_env
def service_issuing(env: Env, code: str, onoff: str) -> None:
    """Start or stop issuing tickets for a service."""
    env.known("service", code)

    async def body(store: EventStore) -> None:
        await store.execute(C.SetIssuing(code, onoff == "on"))
        emit(env, {"service": code, "issuing": onoff == "on"}, f"{code}: issuing {onoff}")

    run(env, body)


def _until(env: Env, hhmm: str | None, today: date) -> datetime | None:
    """--until HH:MM: that local time today, in UTC (None: the end of the business day)."""
    if hhmm is None:
        return None
    try:
        return C.local_time_today(today, hhmm, env.settings.office.timezone)
    except ValueError as e:
        raise click.BadParameter(f"--until: {e}") from None


@click.command()
@click.argument("text", required=False)
@click.option("--to", "targets", multiple=True, type=click.Choice(["counters", "display"]),
              help="default: both")
@click.option("--until", "until", metavar="HH:MM", default=None,
              help="take the message down at this time today (default: end of the day)")
@click.option("--clear", is_flag=True, help="withdraw the messages shown now")
@pass_env
def broadcast(env: Env, text: str | None, targets: tuple[str, ...], until: str | None,
              clear: bool) -> None:
    """Send a message (at most 280 characters) to the counters and/or the display ticker;
    with --clear, take down the messages shown now."""
    if clear == (text is not None):
        raise click.UsageError("give a message TEXT, or --clear (not both)")
    if clear and (until or targets):
        raise click.UsageError("--clear takes no --until or --to")

    async def body(store: EventStore) -> None:
        if clear:
            await store.execute(C.WithdrawBroadcast())
            emit(env, {"withdrawn": True}, "messages withdrawn")
            return
        assert text is not None
        to = targets or ("counters", "display")
        (e,) = await store.execute(C.Broadcast(text, to, _until(env, until, store.today())))
        end = local(parse_iso(e.data["until"]), store.office.timezone)
        emit(env, {"text": e.data["text"], "targets": list(to), "until": e.data["until"]},
             f"message sent (shown until {end:%H:%M})" if until
             else "message sent (shown until the end of the day)")

    run(env, body)


@click.group()
def day() -> None:
    """The business day."""


@day.command("end")
@pass_env
def day_end(env: Env) -> None:
    """Closing time: open tickets end closed_unserved, posts close. History is kept."""

    async def body(store: EventStore) -> None:
        events = await store.execute(C.EndDay())
        n = sum(1 for e in events if e.type == "ticket_closed_unserved")
        emit(env, {"day": str(store.state.day), "closed_unserved": n},
             f"day {store.state.day} closed; {n} tickets closed unserved")

    run(env, body)


@click.command()
@pass_env
def state(env: Env) -> None:
    """Today: waiting per service with the estimated wait; every post with staff and ticket."""

    async def body(store: EventStore) -> None:
        data = state_json(store.state, store.office, store.clock())
        emit(env, data, lambda: state_text(data))

    run(env, body)


@click.command()
@click.option("--since", type=click.IntRange(min=0), default=0, help="after this seq")
@click.option("--follow", is_flag=True, help="keep printing new events (Ctrl-C stops)")
@pass_env
def events(env: Env, since: int, follow: bool) -> None:
    """The event log. With --json: one object {"events": [...]}; with --json --follow, one
    JSON object per event, a line each."""

    async def body(store: EventStore) -> None:
        if env.json and not follow:
            found = []
            while batch := await store.events(since if not found else found[-1].seq, 1000):
                found += batch
            emit(env, {"events": [event_json(e) for e in found]})
            return
        last = since
        while True:
            batch = await store.events(last, 1000)
            for e in batch:
                echo(json_line(event_json(e)) if env.json else event_line(e))
                last = e.seq
            if len(batch) == 1000:
                continue
            if not follow:
                return
            await asyncio.sleep(0.05)

    run(env, body)

"""`kcc ticket|post|staff|service|broadcast|day|state|events`: the office from a shell."""

from __future__ import annotations

import asyncio
import json

import click

from ..domain import commands as C
from ..domain.pins import verify_pin
from ..domain.state import Ticket
from ..phone.token import LOOPBACK_URL, new_token, page_url
from ..store import Store
from .common import Env, emit, fail, pass_env, run
from .views import event_json, event_line, state_json, state_text, ticket_json, ticket_line

STATUSES = ("waiting", "called", "serving", "parked", "done", "no_show", "closed_unserved",
            "left")


def _ticket_out(env: Env, store: Store, t: Ticket | None, text: str, **extra: object) -> None:
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
@pass_env
def ticket_issue(env: Env, service: str, lang: str, priority: bool, kiosk: str | None) -> None:
    """Take a ticket for SERVICE, as the kiosk does."""
    env.known("service", service)

    token, token_hash = new_token()  # the phone page's capability: only its hash is stored
    url = page_url(env.settings.phone.base_url or LOOPBACK_URL, token)

    async def body(store: Store) -> None:
        (e,) = await store.execute(C.IssueTicket(service, lang, priority, kiosk, token_hash),
                                   kiosk or "cli")
        t = store.state.tickets[e.data["number"]]
        j = ticket_json(t, store.state, store.office, store.clock())
        wait = j.get("estimated_wait_min")
        _ticket_out(env, store, t, f"{t.number}  {store.office.services[t.service].name()}  "
                    f"ahead: {j.get('people_ahead')}  estimated wait: "
                    f"{'-' if wait is None else f'{wait} min'}\n{url}", url=url)

    run(env, body)


@ticket.command("list")
@click.option("--status", type=click.Choice(STATUSES), default=None)
@pass_env
def ticket_list(env: Env, status: str | None) -> None:
    """Today's tickets, oldest first."""

    async def body(store: Store) -> None:
        ts = [t for t in store.state.tickets.values() if status in (None, t.status)]
        now, st, office = store.clock(), store.state, store.office
        emit(env, {"day": str(st.day), "tickets": [ticket_json(t, st, office, now) for t in ts]},
             "\n".join(ticket_line(t, office, office.timezone) for t in ts) or "no tickets")

    run(env, body)


# -- posts ---------------------------------------------------------------------------------------
@click.group()
def post() -> None:
    """Work a post (loket, snelbalie, phone) from the shell."""


def _post_action(env: Env, post_id: str, make: C.Command, verb: str) -> None:
    env.known("post", post_id)

    async def body(store: Store) -> None:
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


@post.command("open")
@click.argument("post_id", metavar="POST")
@click.option("--staff", required=True, help="staff id")
@click.option("--pin", required=True, help="the staff member's PIN")
@pass_env
def post_open(env: Env, post_id: str, staff: str, pin: str) -> None:
    """Log STAFF in at POST and open it."""
    env.known("staff", staff)
    member = env.settings.office.staff.get(staff)
    pin_ok = member is not None and verify_pin(pin, member.pin_hash)
    _post_action(env, post_id, C.OpenPost(post_id, staff, pin_ok), "opened")


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
    """Finish the current ticket with an outcome and topics."""
    for t in topics:
        env.known("topic", t)
    _post_action(env, post_id, C.Finish(post_id, outcome, topics, note), "finished")


@post.command("transfer")
@click.argument("post_id", metavar="POST")
@click.option("--service", default=None, help="send to this service's queue")
@click.option("--to-post", default=None, help="send to this post")
@click.option("--reason", default="")
@pass_env
def post_transfer(env: Env, post_id: str, service: str | None, to_post: str | None,
                  reason: str) -> None:
    """Transfer the current ticket to another service or post; it keeps its number."""
    _post_action(env, post_id, C.Transfer(post_id, service, to_post, reason), "transferred")


@post.command("pause")
@click.argument("post_id", metavar="POST")
@click.option("--reason", default="pauze", show_default=True)
@pass_env
def post_pause(env: Env, post_id: str, reason: str) -> None:
    """Pause the post with a reason."""
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

    async def body(store: Store) -> None:
        await store.execute(C.SetIssuing(code, onoff == "on"))
        emit(env, {"service": code, "issuing": onoff == "on"}, f"{code}: issuing {onoff}")

    run(env, body)


@click.command()
@click.argument("text")
@click.option("--to", "targets", multiple=True, type=click.Choice(["counters", "display"]),
              help="default: both")
@pass_env
def broadcast(env: Env, text: str, targets: tuple[str, ...]) -> None:
    """Send a message to the counters and/or the display ticker."""

    async def body(store: Store) -> None:
        await store.execute(C.Broadcast(text, targets or ("counters", "display")))
        emit(env, {"text": text, "targets": list(targets or ("counters", "display"))},
             "message sent")

    run(env, body)


@click.group()
def day() -> None:
    """The business day."""


@day.command("end")
@pass_env
def day_end(env: Env) -> None:
    """Closing time: open tickets end closed_unserved, posts close. History is kept."""

    async def body(store: Store) -> None:
        events = await store.execute(C.EndDay())
        n = sum(1 for e in events if e.type == "ticket_closed_unserved")
        emit(env, {"day": str(store.state.day), "closed_unserved": n},
             f"day {store.state.day} closed; {n} tickets closed unserved")

    run(env, body)


@click.command()
@pass_env
def state(env: Env) -> None:
    """Today: waiting per service with the estimated wait; every post with staff and ticket."""

    async def body(store: Store) -> None:
        data = state_json(store.state, store.office, store.clock())
        emit(env, data, state_text(data))

    run(env, body)


@click.command()
@click.option("--since", type=click.IntRange(min=0), default=0, help="after this seq")
@click.option("--follow", is_flag=True, help="keep printing new events (Ctrl-C stops)")
@pass_env
def events(env: Env, since: int, follow: bool) -> None:
    """The event log. With --json and --follow: one JSON object per line."""
    if env.json and not follow:
        fail("--json needs --follow for events (one object per line)", code=2)

    async def body(store: Store) -> None:
        last = since
        while True:
            batch = await store.events(last, 1000)
            for e in batch:
                click.echo(json.dumps(event_json(e), ensure_ascii=False) if env.json
                           else event_line(e))
                last = e.seq
            if len(batch) == 1000:
                continue
            if not follow:
                return
            await asyncio.sleep(0.05)

    run(env, body)

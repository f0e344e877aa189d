"""Admin tasks: `kcc staff set-pin`, `kcc audit`, `kcc store restore`, daily backups."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
import tomlkit

from ..config import example_path
from ..domain import commands as C
from ..domain.clock import local
from ..domain.pins import hash_pin
from ..pepper import ensure_pepper, load_pepper
from ..store import EventStore, StoreError, redact
from ..store.backups import daily_backup, restore
from .common import PIN_HELP, Env, emit, fail, pass_env, read_pin, run
from .views import event_json


@click.command("set-pin")
@click.argument("staff_id", metavar="STAFF")
@click.option("--pin", default=None, metavar="-", help=PIN_HELP)
@pass_env
def set_pin(env: Env, staff_id: str, pin: str | None) -> None:
    """Change a staff member's PIN: its hash, peppered with the office's kcc.pepper (made
    beside the database when missing), is written into config.toml."""
    env.known("staff", staff_id)
    pin = read_pin(pin, prompt="New PIN", confirm=True)
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        raise click.BadParameter("a PIN is 4 to 12 digits", param_hint="--pin")
    source = Path(env.settings.source)
    if str(source) == str(example_path()):
        fail("the built-in example office cannot be changed: copy it to ./config.toml first",
             code=2, as_json=env.json)
    try:
        doc = tomlkit.parse(source.read_text(encoding="utf-8"))
        ensure_pepper(env.db_path)
        pepper = load_pepper(env.db_path)
        doc["staff"][staff_id]["pin_hash"] = hash_pin(pin, pepper=pepper)  # type: ignore[index]
        source.write_text(tomlkit.dumps(doc), encoding="utf-8")
        source.chmod(source.stat().st_mode & 0o7770 & ~0o007)  # never world-readable
    except OSError as e:
        fail(f"{source}: cannot write the new PIN ({e.strerror})", as_json=env.json)

    async def body(store: EventStore) -> None:
        await store.execute(C.RecordPinChange(staff_id))
        emit(env, {"staff": staff_id, "config": str(source)},
             f"PIN of {staff_id} changed in {source}; running apps use it at the next login")

    run(env, body)


@click.command()
@click.option("--staff", "staff_id", default=None, help="only what this staff member did")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), default=None, help="YYYY-MM-DD")
@click.option("--limit", type=click.IntRange(1, 1_000_000), default=10_000, show_default=True)
@pass_env
def audit(env: Env, staff_id: str | None, day: datetime | None, limit: int) -> None:
    """Who did what: every event with its actor, oldest first."""
    if staff_id is not None:
        env.known("staff", staff_id)

    async def body(store: EventStore) -> None:
        events = await store.events(0, limit, day.date() if day else None, staff_id)
        tz = store.office.timezone
        lines = [f"{local(e.at, tz):%Y-%m-%d %H:%M:%S}  {e.actor:<10} {e.type:<24} "
                 f"{_summary(e.data)}" for e in events]
        emit(env, {"events": [event_json(e) for e in events]}, "\n".join(lines) or "nothing")

    run(env, body)


def _summary(data: dict[str, object]) -> str:
    keys = ("number", "post", "staff", "service", "to_post", "reason", "outcome", "topic",
            "text")
    return " ".join(f"{k}={data[k]}" for k in keys if data.get(k) not in (None, ""))


def _this_offices(ctx: click.Context, _param: click.Parameter, backup: Path) -> Path:
    """A backup of another office is refused before anything is asked or changed."""
    from ..store.backups import check_backup_office

    env = ctx.find_object(Env)
    if env is not None:
        try:
            check_backup_office(backup, env.settings.office.id)
        except StoreError as e:
            fail(f"restore refused: {e}", as_json=env.json)
    return backup


@click.command("restore")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                callback=_this_offices)
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@pass_env
def store_restore(env: Env, backup: Path, yes: bool) -> None:
    """Replace the database's content with BACKUP (verified first; the current content is
    kept beside it as <db>.before-restore-<time>). The store gets a new generation: running
    apps notice within a second, read it afresh and say so; a command they decided on the old
    content is refused. Not confirmed (no, or no terminal without --yes): exit 1, no change."""
    where = redact(str(env.db_target)) if env.on_server else str(env.db_target)
    if not yes:
        try:
            sure = click.confirm(f"Replace the content of {where} with {backup}?")
        except click.Abort:  # no answer: end of input (no terminal), or Ctrl-C
            click.echo("", err=True)
            fail("restore not confirmed (no answer; add --yes to restore without asking): "
                 "nothing was changed", as_json=env.json)
        if not sure:
            fail("restore not confirmed: nothing was changed", as_json=env.json)
    try:
        kept = restore(backup, env.db_target, env.settings.office.id)
    except StoreError as e:
        fail(f"restore refused: {e}", as_json=env.json)
    emit(env, {"restored": str(backup), "previous": str(kept) if kept else None},
         f"restored {backup} into {where}" + (f" (previous content: {kept})" if kept else ""))


@click.command("daily-backup")
@pass_env
def store_daily_backup(env: Env) -> None:
    """Today's backup into [store] backup_dir, keeping [store] backup_keep days (for cron or a
    systemd timer; safe to run more than once a day)."""
    s = env.settings.store

    async def body(store: EventStore) -> None:
        path, removed = await daily_backup(store, Path(s.backup_dir), s.backup_keep, date.today())
        emit(env, {"backup": str(path), "removed": [str(p) for p in removed]},
             f"backup {path} (verified); removed {len(removed)} older than {s.backup_keep} days")

    run(env, body)


@click.command("purge-notes")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="keep this many days (default: [privacy] notes_retention_days)")
@pass_env
def store_purge_notes(env: Env, days: int | None) -> None:
    """Remove free-text notes older than the retention period; every KPI stays."""

    async def body(store: EventStore) -> None:
        (e,) = await store.execute(C.PurgeNotes(days))
        emit(env, {"before": e.data["before"]}, f"notes before {e.data['before']} removed")

    run(env, body)


def extend_staff(staff: click.Group) -> None:
    """`kcc staff set-pin`."""
    staff.add_command(set_pin)


def extend_store(store: click.Group) -> None:
    """`kcc store restore|daily-backup|purge-notes`."""
    for cmd in (store_restore, store_daily_backup, store_purge_notes):
        store.add_command(cmd)


"""`kcc`: one command for every role and every admin task. See docs/cli.md."""

from __future__ import annotations

import os
import sys

import click

from .. import logs
from . import (
    admin_cmds,
    app_cmds,
    bench_cmds,
    demo_cmds,
    office_cmds,
    serve_cmds,
    sim_cmds,
    store_cmds,
)
from .common import Env, emit, fail
from .print_test import print_test
from .report_cmds import report, staffing
from .web_cmds import web

EPILOG = ("Every kcc process logs to kcc.log in the database's folder (rotated), or to the "
          "journal when systemd runs it; `kcc log-path` prints where.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
# $KCC_CONFIG is read by the loader itself, so its messages can say where a path came from
@click.option("--config", default=None, metavar="PATH",
              help="config.toml (default: $KCC_CONFIG, ./config.toml, "
                   "~/.config/kcc/config.toml, /etc/kcc/config.toml, else the built-in "
                   "example office)")
@click.option("--db", envvar="KCC_DB", default=None, metavar="PATH",
              help="the SQLite store (default: [store] path of the config)")
@click.option("--json", "as_json", is_flag=True, help="print exactly one JSON object")
@click.option("--log-level", envvar=logs.LEVEL_ENV, default="INFO", show_default=True,
              type=click.Choice(logs.LEVELS, case_sensitive=False),
              help="what goes to the log (see below)")
@click.version_option(package_name="kcc")
@click.pass_context
def cli(ctx: click.Context, config: str | None, db: str | None, as_json: bool,
        log_level: str) -> None:
    """kcc — the queue system of the klantencontactcenter."""
    env = ctx.obj = Env(config, db, False)
    _set_json(ctx, None, as_json)
    env.log_to = logs.setup(env.log_folder(), log_level, ctx.invoked_subcommand or "kcc")


# Commands that draw a screen or print figures for people: `--json` there is a mistake to
# report, not something to ignore.
NO_JSON = ("kiosk", "counter", "display", "coordinator", "serve", "demo", "bench")


def _set_json(ctx: click.Context, _param: click.Parameter | None, value: bool) -> None:
    if not value:
        return
    name = ctx.invoked_subcommand if ctx.parent is None else ctx.find_root().invoked_subcommand
    if name in NO_JSON:
        raise click.UsageError(f"kcc {name} has no JSON output: leave out --json")
    ctx.find_object(Env).json = True  # type: ignore[union-attr]


def _json_everywhere(group: click.Group) -> None:
    """`--json` after the command name too (`kcc state --json` = `kcc --json state`), on every
    command and group that does not have its own."""
    for cmd in group.commands.values():
        if isinstance(cmd, click.Group):
            _json_everywhere(cmd)
        if not any("--json" in p.opts for p in cmd.params):
            cmd.params.append(click.Option(
                ["--json"], is_flag=True, expose_value=False, is_eager=True,
                callback=_set_json, help="print exactly one JSON object (= kcc --json ...)"))


@click.command("log-path")
@click.pass_obj
def log_path(env: Env) -> None:
    """Where this office's kcc processes log (a file, or the journal under systemd)."""
    emit(env, {"log": env.log_to}, env.log_to)


COMMANDS: list[click.Command] = [
    office_cmds.ticket, office_cmds.post, office_cmds.staff, office_cmds.service,
    office_cmds.broadcast, office_cmds.day, office_cmds.state, office_cmds.events,
    store_cmds.init, store_cmds.store,
    app_cmds.kiosk, app_cmds.counter, app_cmds.display, app_cmds.coordinator,
    bench_cmds.bench, admin_cmds.audit, serve_cmds.serve, demo_cmds.demo,
    # more commands: add one line each below (kept one per line to merge cleanly)
    print_test,
    sim_cmds.simulate,
    report, staffing,
    log_path,
    web,
]
for _cmd in COMMANDS:
    cli.add_command(_cmd)
admin_cmds.register(office_cmds.staff, store_cmds.store)
_json_everywhere(cli)


def main(argv: list[str] | None = None) -> None:
    """Entry point: bad usage exits 2 with one line (a JSON object with --json)."""
    args = sys.argv[1:] if argv is None else argv
    os.umask(os.umask(0o077) | 0o077)  # what kcc creates is owner-only (docs/operations.md)
    try:
        code = cli.main(args, prog_name="kcc", standalone_mode=False)
    except click.UsageError as e:
        fail(e.format_message().replace("\n", " "), code=2, as_json="--json" in args)
    except click.ClickException as e:
        fail(e.format_message(), code=e.exit_code, as_json="--json" in args)
    except (click.Abort, KeyboardInterrupt):
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)

"""`kcc`: one command for every role and every admin task. See docs/cli.md."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from .. import logs
from .common import Env, emit, fail

EPILOG = ("Every kcc process logs to kcc.log in the database's folder (rotated), or to the "
          "journal when systemd runs it; `kcc log-path` prints where.")


# Each command's module is imported when that command runs (or `--help` lists them all), so a
# store command does not pay for the simulator, the printers, the reports or Textual: start-up
# is a figure of `kcc bench startup` (docs/cli.md, "Start-up").
LAZY: dict[str, str] = {
    "ticket": "office_cmds:ticket", "post": "office_cmds:post", "staff": "office_cmds:staff",
    "service": "office_cmds:service", "broadcast": "office_cmds:broadcast",
    "day": "office_cmds:day", "state": "office_cmds:state", "events": "office_cmds:events",
    "init": "store_cmds:init", "store": "store_cmds:store",
    "kiosk": "app_cmds:kiosk", "counter": "app_cmds:counter", "display": "app_cmds:display",
    "coordinator": "app_cmds:coordinator",
    "bench": "bench_cmds:bench", "audit": "admin_cmds:audit", "serve": "serve_cmds:serve",
    "demo": "demo_cmds:demo",
    # more commands: add one line each below (kept one per line to merge cleanly)
    "print-test": "print_test:print_test",
    "simulate": "sim_cmds:simulate",
    "report": "report_cmds:report",
    "staffing": "report_cmds:staffing",
    "web": "web_cmds:web",
    "appointment": "appointment_cmds:appointment",
}
# subcommands that live in another module than their group
EXTEND: dict[str, str] = {"staff": "admin_cmds:extend_staff", "store": "admin_cmds:extend_store"}


class LazyGroup(click.Group):
    """A group whose commands (LAZY) are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY:
            cmd = _load(LAZY[cmd_name])
            if cmd_name in EXTEND:
                _load(EXTEND[cmd_name])(cmd)
            _json_everywhere(cmd)
            self.add_command(cmd, cmd_name)
        return self.commands.get(cmd_name)


def _load(ref: str) -> Any:
    module, name = ref.split(":")
    return getattr(importlib.import_module(f".{module}", __name__), name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=EPILOG)
# $KCC_CONFIG is read by the loader itself, so its messages can say where a path came from
@click.option("--config", default=None, metavar="PATH",
              help="config.toml (default: $KCC_CONFIG, ./config.toml, "
                   "~/.config/kcc/config.toml, /etc/kcc/config.toml, else the built-in "
                   "example office)")
@click.option("--db", envvar="KCC_DB", default=None, metavar="PATH|URL",
              help="the store: an SQLite file, or postgresql://user@host:port/database "
                   "(default: [store] url, else [store] path of the config)")
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


def _json_everywhere(cmd: click.Command) -> None:
    """`--json` after the command name too (`kcc state --json` = `kcc --json state`), on a
    command, a group and all of its commands, where they do not have their own."""
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            _json_everywhere(sub)
    if not any("--json" in p.opts for p in cmd.params):
        cmd.params.append(click.Option(
            ["--json"], is_flag=True, expose_value=False, is_eager=True,
            callback=_set_json, help="print exactly one JSON object (= kcc --json ...)"))


@click.command("log-path")
@click.pass_obj
def log_path(env: Env) -> None:
    """Where this office's kcc processes log (a file, or the journal under systemd)."""
    emit(env, {"log": env.log_to}, env.log_to)


cli.add_command(log_path)
_json_everywhere(log_path)


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

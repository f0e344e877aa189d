"""`kcc`: one command for every role and every admin task. See docs/cli.md."""

from __future__ import annotations

import sys

import click

from ..sim import cli as sim_cli
from . import admin_cmds, app_cmds, bench_cmds, demo_cmds, office_cmds, serve_cmds, store_cmds
from .common import Env, fail
from .print_test import print_test
from .report_cmds import report, staffing
from .web_cmds import web


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", envvar="KCC_CONFIG", default=None, metavar="PATH",
              help="config.toml (default: ./config.toml, else the embedded example office)")
@click.option("--db", envvar="KCC_DB", default=None, metavar="PATH",
              help="the SQLite store (default: [store] path of the config)")
@click.option("--json", "as_json", is_flag=True, help="print exactly one JSON object")
@click.version_option(package_name="kcc")
@click.pass_context
def cli(ctx: click.Context, config: str | None, db: str | None, as_json: bool) -> None:
    """kcc — the queue system of the klantencontactcenter."""
    ctx.obj = Env(config, db, as_json)


COMMANDS: list[click.Command] = [
    office_cmds.ticket, office_cmds.post, office_cmds.staff, office_cmds.service,
    office_cmds.broadcast, office_cmds.day, office_cmds.state, office_cmds.events,
    store_cmds.init, store_cmds.store,
    app_cmds.kiosk, app_cmds.counter, app_cmds.display, app_cmds.coordinator,
    bench_cmds.bench, admin_cmds.audit, serve_cmds.serve, demo_cmds.demo,
    # more commands: add one line each below (kept one per line to merge cleanly)
    print_test,
    sim_cli.simulate,
    report, staffing,
    web,
]
for _cmd in COMMANDS:
    cli.add_command(_cmd)
admin_cmds.register(office_cmds.staff, store_cmds.store)


def main(argv: list[str] | None = None) -> None:
    """Entry point: bad usage exits 2 with one line (a JSON object with --json)."""
    args = sys.argv[1:] if argv is None else argv
    try:
        code = cli.main(args, prog_name="kcc", standalone_mode=False)
    except click.UsageError as e:
        fail(e.format_message().replace("\n", " "), code=2, as_json="--json" in args)
    except click.ClickException as e:
        fail(e.format_message(), code=e.exit_code, as_json="--json" in args)
    except (click.Abort, KeyboardInterrupt):
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)

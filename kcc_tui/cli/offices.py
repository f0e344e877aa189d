"""`--offices FILE` (or $KCC_OFFICES): the installation file of several offices, for the commands
that look at all of them (`kcc coordinator`, `kcc report`). Every other command, and every app,
stays bound to one office: its config (docs/operations.md, "Several offices")."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..config import ConfigError
from ..config.installation import ENV_VAR, Installation, load_installation
from ..config.settings import Settings
from .common import Env, fail

OPTION_HELP = (f"the installation file listing the offices (offices.toml; default "
               f"${ENV_VAR})")


def offices_option(f):  # type: ignore[no-untyped-def]
    """`--offices FILE`, read from $KCC_OFFICES when left out."""
    return click.option("--offices", "offices_file", envvar=ENV_VAR, default=None,
                        metavar="FILE", help=OPTION_HELP)(f)


def installation(env: Env, path: str | None) -> Installation | None:
    """The installation at `path`, or None without one; a bad file is bad config (exit 2)."""
    if not path or not path.strip():
        return None
    if env.db:
        raise click.UsageError("--db names one office's store ($KCC_DB too); with --offices "
                               "every office uses the [store] url or path of its own config")
    try:
        return load_installation(path)
    except ConfigError as e:
        fail(str(e), code=2, as_json=env.json)


def home_office(env: Env, inst: Installation) -> tuple[Settings, str | Path]:
    """The office an app starts on and its store (a file or a URL): the config named by
    --config or $KCC_CONFIG (it must be one of the installation's offices), else the
    installation's first office."""
    named = env.config is not None or os.environ.get("KCC_CONFIG", "").strip()
    if not named:
        oid = next(iter(inst.offices))
        return inst.offices[oid], inst.store_of(oid)
    settings = env.settings
    if settings.office.id not in inst.offices:
        raise click.UsageError(f'office "{settings.office.id}" of {settings.source} is not in '
                               f"{inst.source} (offices: {', '.join(inst.offices)})")
    return settings, env.db_target  # not db_path: on a server that is config.toml

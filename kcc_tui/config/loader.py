"""Find, read and validate config.toml.

Every way a file can be wrong ends in a `ConfigError` with a one-line message; the CLI prints it as
`kcc: <message>` and exits with status 2, so no input may end in a traceback.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import cache
from .errors import ConfigError, from_validation_error
from .settings import Settings

ENV_VAR = "KCC_CONFIG"
DEFAULT_NAME = "config.toml"
SYSTEM_CONFIG = Path("/etc/kcc/config.toml")
# the example office, shipped inside the package (a plain path: importlib.resources costs ~5 ms
# of every command's start-up, and kcc is never imported from a zip)
EXAMPLE = Path(__file__).with_name("example.toml")
_TOML_AT = re.compile(r"(.*?)\s*\(at line (\d+), column (\d+)\)\s*$")


def load_settings(path: str | Path | None = None) -> Settings:
    """Load and check the configuration.

    Without `path`: the file named by $KCC_CONFIG, else the first of `search_path()` that exists,
    else the example office built into the package (so `kcc` runs out of the box). Settings
    validated before from the very same bytes come from the cache (cache.py).
    """
    source, raw = _read(path)
    settings = cache.load(raw, source)  # the same bytes validated before by the same code
    if settings is None:
        settings = settings_from_document(_parse(raw, source), source)
        cache.save(raw, source, settings)
    return settings


def read_document(path: str | Path | None) -> tuple[str, dict[str, Any]]:
    """Read and parse a TOML file (config.toml, a scenario): (its name for messages, the
    document). Without `path`, the config file is looked for as `load_settings` does. Raises
    ConfigError naming the file (and the line of a TOML error)."""
    source, raw = _read(path)
    return source, _parse(raw, source)


def settings_from_document(doc: dict[str, Any], source: str = DEFAULT_NAME) -> Settings:
    """Validate an already parsed TOML document; `source` names it in error messages."""
    from .shape import settings_data  # (this and tomllib: not needed by a cached load)

    try:
        data = settings_data(doc, source)
        data["source"] = source
        # Strict: TOML has real types, so `true` or "15" where a number belongs is a mistake to
        # report, not something to coerce.
        return Settings.model_validate(data, strict=True)
    except ValidationError as err:
        raise from_validation_error(err, source, Settings) from None
    except RecursionError:
        raise ConfigError(source, "values are nested too deeply") from None


def example_path() -> str:
    """Where the built-in example configuration lives (for messages and `kcc config --example`)."""
    return str(EXAMPLE)


def search_path() -> list[Path]:
    """Where config.toml is looked for when neither --config nor $KCC_CONFIG names one, in order:
    ./config.toml, $XDG_CONFIG_HOME/kcc/config.toml (default ~/.config), /etc/kcc/config.toml."""
    xdg = os.environ.get("XDG_CONFIG_HOME", "").strip()
    if not xdg or not Path(xdg).is_absolute():  # the XDG spec: a relative value is ignored
        try:
            xdg = str(Path.home() / ".config")
        except RuntimeError:  # no home directory (a bare service account)
            xdg = ""
    user = [Path(xdg) / "kcc" / DEFAULT_NAME] if xdg else []
    return [Path(DEFAULT_NAME), *user, SYSTEM_CONFIG]


def _read(path: str | Path | None) -> tuple[str, bytes]:
    hint = ""
    if path is None:
        env = os.environ.get(ENV_VAR, "").strip()
        if env:
            path, hint = env, f" (named by ${ENV_VAR})"
        else:
            path = next((p for p in search_path() if p.is_file()), None)
            if path is None:
                return str(EXAMPLE), EXAMPLE.read_bytes()
    source = str(path)
    try:
        return source, Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError(source, "file not found" + hint) from None
    except IsADirectoryError:
        raise ConfigError(source, "expected a file, found a directory" + hint) from None
    except PermissionError:
        raise ConfigError(source, "cannot read the file: permission denied") from None
    except (OSError, ValueError) as err:  # ValueError: e.g. a NUL byte in the path
        reason = getattr(err, "strerror", None) or str(err)
        raise ConfigError(source, f"cannot read the file: {reason}") from None


def _parse(raw: bytes, source: str) -> dict[str, Any]:
    import tomllib

    try:
        text = raw.decode("utf-8-sig")  # tolerate the BOM some Windows editors write
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ConfigError(source, "not UTF-8 text; save the file as UTF-8", line=line) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = _TOML_AT.match(str(err))
        if match is None:
            raise ConfigError(source, f"invalid TOML: {err}") from None
        reason, at_line, column = match.groups()
        raise ConfigError(
            source, f"invalid TOML: {reason} (column {column})", line=int(at_line)
        ) from None
    except RecursionError:
        raise ConfigError(source, "invalid TOML: values are nested too deeply") from None
    except (ValueError, OverflowError) as err:
        raise ConfigError(source, f"invalid TOML: {err}") from None

"""One-line configuration errors, and the translation of pydantic's errors into them.

A city IT admin reads these on a terminal, so every message names the file, the key as written in
config.toml, what was expected and what was found, on one line:

    config.toml: services.eid.target_wait_min: expected a number greater than 0, found "soon"
"""

from __future__ import annotations

import datetime
import json
import re
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

Loc = tuple[str | int, ...]

# The TOML sections that the loader gathers under `Settings.office`.
OFFICE_SECTIONS = ("services", "posts", "staff", "topics", "routing", "hours", "privacy",
                   "reasons", "appointments")
# Fields filled from the table name ([services.eid] -> code "eid"); never written in the file.
HIDDEN_FIELDS = ("code", "id", "source")

_PATTERNS = {r"^[A-Z]{1,2}$": 'one or two capital letters, such as "A"'}
_TYPES = {
    str: "text in quotes",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    Path: "a file path in quotes",
    datetime.time: "a time",
}


class ConfigError(Exception):
    """config.toml cannot be used. `str()` is one line: file, key path, expected and found."""

    def __init__(self, source: str, message: str, *, path: str = "", line: int | None = None):
        self.source, self.path, self.detail, self.line = source, path, message, line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.source} line {self.line}" if self.line else self.source
        text = f"{where}: {self.path}: {self.detail}" if self.path else f"{where}: {self.detail}"
        return one_line(text)


class CrossCheckError(ValueError):
    """A rule spanning several keys is broken; `loc` is the key at fault in `Settings` shape."""

    def __init__(self, loc: Loc, message: str) -> None:
        super().__init__(message)
        self.loc, self.message = loc, message


def one_line(text: str) -> str:
    """Escape line breaks and other control characters so a message stays on one line."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def show(value: object) -> str:
    """Render a found value the way it would be written in TOML, briefly."""
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 60 else text[:56] + '..."'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if len(repr(value)) <= 40 else "a very large number"
    if isinstance(value, datetime.date | datetime.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, list | tuple):
        if len(value) > 8 or any(isinstance(v, list | tuple | dict) for v in value):
            return "a list"
        text = "[" + ", ".join(show(v) for v in value) + "]"
        return text if len(text) <= 60 else "a list"
    if isinstance(value, dict):
        return "a table"
    if value is None:
        return "nothing"
    return type(value).__name__


def key_path(keys: typing.Sequence[str | int]) -> str:
    """`("services", "eid", "names", "nl")` -> `services.eid.names.nl`; list indices as `[i]`."""
    out = ""
    for key in keys:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            bare = re.fullmatch(r"[A-Za-z0-9_-]+", key)
            out += ("." if out else "") + (key if bare else show(key))
    return out


def toml_path(loc: Loc) -> str:
    """Map a location in `Settings` back to the key as written in config.toml."""
    if len(loc) > 1 and loc[0] == "office" and loc[1] in OFFICE_SECTIONS:
        loc = loc[1:]
        if len(loc) > 1 and loc[0] == "hours" and loc[1] == "days":
            loc = ("hours", *loc[2:])
    return key_path(loc)


def from_validation_error(err: ValidationError, source: str, root: type[BaseModel]) -> ConfigError:
    """Turn the first error pydantic found into a `ConfigError` naming the TOML key."""
    errors = err.errors(include_url=False)
    # A misspelt key also makes the real key "missing"; the misspelling is the one to report.
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc: Loc = tuple(first["loc"])
    kind, ctx, found = first["type"], first.get("ctx") or {}, first.get("input")
    cross = ctx.get("error")
    if isinstance(cross, CrossCheckError):
        return ConfigError(source, cross.message, path=toml_path(cross.loc))
    if loc and loc[-1] == "[key]":  # a dict key is wrong, e.g. names.xx instead of names.nl
        message = f"unknown key {show(loc[-2])}"
        expected = _constraint(kind, ctx)
        if expected:
            message += f"; expected {expected}"
        return ConfigError(source, message, path=toml_path(loc[:-2]))
    if kind == "extra_forbidden":
        model = _model_at(root, loc[:-1])
        known = [f for f in model.model_fields if f not in HIDDEN_FIELDS] if model else []
        return ConfigError(source, unknown_key(str(loc[-1]), known), path=toml_path(loc[:-1]))
    annotation, description = _field_at(root, loc)
    if kind == "missing":
        expected = description or _describe(annotation) or "a value"
        return ConfigError(
            source, f"required key missing (expected {expected})", path=toml_path(loc)
        )
    expected = _constraint(kind, ctx) or description or _describe(annotation)
    if not expected:
        expected = first["msg"].removeprefix("Input should be ").removeprefix("Value error, ")
    return ConfigError(source, f"expected {expected}, found {show(found)}", path=toml_path(loc))


def _constraint(kind: str, ctx: dict[str, Any]) -> str | None:
    def num(name: str) -> str:
        value = ctx.get(name)
        return f"{value:g}" if isinstance(value, float) else str(value)

    phrases: dict[str, Callable[[], str]] = {
        "greater_than": lambda: f"a number greater than {num('gt')}",
        "greater_than_equal": lambda: f"a number of at least {num('ge')}",
        "less_than": lambda: f"a number less than {num('lt')}",
        "less_than_equal": lambda: f"a number of at most {num('le')}",
        "string_too_short": lambda: "text that is not empty",
        "string_too_long": lambda: f"text of at most {num('max_length')} characters",
        "too_short": lambda: f"a list of at least {num('min_length')} items",
        "too_long": lambda: f"a list of at most {num('max_length')} items",
        "string_pattern_mismatch": lambda: _PATTERNS.get(
            str(ctx.get("pattern")), f"text matching {ctx.get('pattern')}"
        ),
        "literal_error": lambda: "one of " + str(ctx.get("expected", "")).replace("'", '"'),
        "finite_number": lambda: "a finite number",
    }
    phrase = phrases.get(kind)
    return phrase() if phrase else None


def _describe(annotation: Any) -> str | None:
    """Say in words what a type annotation accepts."""
    annotation = _unwrap(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation in _TYPES:
        return _TYPES[annotation]
    if origin is Literal:
        return "one of " + ", ".join(show(a) for a in args)
    if origin in (list, tuple):
        return "a list"
    if origin is dict or (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return "a table"
    return None


def _unwrap(annotation: Any) -> Any:
    """`X | None` -> `X`; type aliases made with `Literal` stay as they are."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


def _field_at(root: type[BaseModel], loc: Loc) -> tuple[Any, str | None]:
    """The annotation and description of the field at `loc`, as far as they can be found."""
    annotation: Any = root
    description = None
    for key in loc:
        annotation = _unwrap(annotation)
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        description = None
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(key))
            if field is None:
                return None, None
            annotation, description = field.annotation, field.description
        elif origin is dict and len(args) == 2:
            annotation = args[1]
        elif origin in (list, tuple) and args:
            annotation = args[0]
        else:
            return None, None
    return annotation, description


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    annotation = _unwrap(_field_at(root, loc)[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def unknown_key(key: str, known: typing.Sequence[str]) -> str:
    """`unknown key "targt_wait" (did you mean "target_wait_min"?); expected one of ...`"""
    message = f"unknown key {show(key)}"
    import difflib  # only for a message about a misspelled key

    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    if close:
        message += f' (did you mean "{close[0]}"?)'
    if known:
        message += "; expected one of " + ", ".join(known)
    return message

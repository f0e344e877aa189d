"""Tables in CLI output, laid out by rich: columns fit their content, whatever a name's length.

On a terminal a table fits its width (a long name wraps inside its cell); into a pipe or a file
it is plain text at its natural width, no colour and no control codes, so scripts and e-mails
get one row per line. Every cell is literal text (never rich markup), with control characters
made visible (domain/text.py).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Sequence
from typing import Literal

from ..domain.text import visible

Justify = Literal["left", "right"]
WIDE = 10_000  # "no limit": a table is never wider than its content


def render(columns: Sequence[tuple[str, Justify]], rows: Iterable[Sequence[object]], *,
           terminal: bool | None = None) -> str:
    """`columns` are (header, "left"|"right"); a None cell shows as "-"."""
    from rich import box  # human output only: `--json` never pays for rich
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    tty = sys.stdout.isatty() if terminal is None else terminal
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, highlight=False,
                  header_style="bold" if tty else "")
    for header, justify in columns:
        table.add_column(Text(header), justify=justify, overflow="fold")
    for row in rows:
        table.add_row(*(Text("-" if v is None else visible(str(v))) for v in row))
    out = io.StringIO()
    console = Console(file=out, width=None if tty else WIDE, force_terminal=tty,
                      color_system="auto" if tty else None, highlight=False, emoji=False,
                      markup=False)
    if tty:
        console.width = Console().width  # the real terminal's width (out is not a terminal)
    console.print(table)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines())

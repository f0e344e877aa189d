"""The HTML of the ticket page and the board: server-rendered, complete without JavaScript.

Every piece of text goes through `html.escape` (service names come from config.toml, and
whatever else reaches a page is content, never markup). The script and the style sheet are
files served by `kcc web` itself: no inline code, no third-party requests.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from .texts import LANG_NAMES, LANGS, tr

NOJS_REFRESH_S = 30  # without JavaScript the page reloads itself this often


def _head(lang: str, title: str, refresh_s: int) -> str:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(title)}</title>"
        '<link rel="stylesheet" href="/static/phone.css">'
        f'<noscript><meta http-equiv="refresh" content="{refresh_s}"></noscript>'
        "</head>"
    )


def _lang_switch(lang: str, path: str) -> str:
    links = []
    for code in LANGS:
        name = escape(LANG_NAMES[code])
        if code == lang:
            links.append(f'<strong lang="{code}" aria-current="true">{name}</strong>')
        else:
            links.append(f'<a lang="{code}" hreflang="{code}" href="{escape(path)}?lang={code}">'
                         f"{name}</a>")
    return (f'<nav class="langs" aria-label="{escape(tr(lang, "language"))}">'
            + " · ".join(links) + "</nav>")


def ticket_page(view: dict[str, Any], lang: str, token: str) -> str:
    """The page at /t/{token}. `token` is the one in the address being answered (the page's
    own capability; never another ticket's)."""
    base = f"/t/{token}"
    e = {k: escape(str(v)) for k, v in view.items()}

    def form(action: str, label: str, show: bool, extra: str = "") -> str:
        hidden = "" if show else " hidden"
        return (f'<form method="post" action="{escape(base)}/{action}?lang={lang}" '
                f'id="f-{action}"{hidden}{extra}><button type="submit">{escape(label)}'
                "</button></form>")

    called = " called" if view["phase"] == "called" else ""
    return (
        _head(lang, f"{view['number']} · {tr(lang, 'title')}", NOJS_REFRESH_S)
        + f'<body class="phase-{e["phase"]}{called}" data-events="{escape(base)}/events'
        f'?lang={lang}" data-state="{escape(base)}/state?lang={lang}" '
        f'data-confirm="{escape(tr(lang, "leave_confirm"))}">'
        + _lang_switch(lang, base)
        + '<main>'
        f'<p class="label">{escape(tr(lang, "your_number"))}</p>'
        f'<p class="number" id="number">{e["number"]}</p>'
        f'<p class="service" id="service">{e["service"]}</p>'
        f'<p class="headline" id="headline" role="status" aria-live="assertive">'
        f'{e["headline"]}</p>'
        f'<div aria-live="polite" aria-atomic="true">'
        f'<p class="ahead" id="ahead">{e["ahead"]}</p>'
        f'<p class="estimate" id="estimate">{e["estimate"]}</p></div>'
        '<div class="actions">'
        + form("away", tr(lang, "away_button"), view["can_away"])
        + form("back", tr(lang, "back_button"), view["can_back"])
        + form("leave", tr(lang, "leave_button"), view["can_leave"], ' class="leave"')
        + "</div>"
        f'<p class="updated" id="updated">{e["updated"]}</p>'
        "</main>"
        '<script src="/static/phone.js" defer></script>'
        "</body></html>\n"
    )


def board_page(view: dict[str, Any], lang: str) -> str:
    calls = "".join(
        f'<li><span class="num">{escape(c["number"])}</span> → {escape(c["post"])}'
        f' <small>{escape(c["at"])}</small></li>' for c in view["calls"])
    rows = "".join(
        f'<tr><th scope="row">{escape(q["service"])}</th><td>{q["waiting"]}</td>'
        f'<td>{escape(q["estimate"])}</td></tr>' for q in view["queues"])
    return (
        _head(lang, tr(lang, "board"), 15)
        + f'<body class="board" data-events="/board/events?lang={lang}" '
        f'data-state="/board/state?lang={lang}">'
        + _lang_switch(lang, "/board")
        + f'<main><h1>{escape(tr(lang, "board"))}</h1>'
        f'<h2>{escape(tr(lang, "board_calls"))}</h2>'
        f'<ol class="calls" id="calls" aria-live="polite">{calls}</ol>'
        f'<h2>{escape(tr(lang, "board_queues"))}</h2>'
        f'<table><thead><tr><th></th><th>{escape(tr(lang, "board_queues"))}</th>'
        f'<th>{escape(tr(lang, "board_wait"))}</th></tr></thead>'
        f'<tbody id="queues">{rows}</tbody></table>'
        f'<p class="updated" id="updated">{escape(view["updated"])}</p></main>'
        '<script src="/static/phone.js" defer></script>'
        "</body></html>\n"
    )


def gone_page(lang: str, key: str = "gone") -> str:
    """The one answer for an unknown, malformed or expired token (and for too many requests)."""
    return (_head(lang, tr(lang, "title"), 3600)
            + f'<body><main><p class="headline">{escape(tr(lang, key))}</p></main>'
            "</body></html>\n")


def sse(view: dict[str, Any], event: str = "snapshot") -> bytes:
    """One Server-Sent Event carrying a full snapshot."""
    return f"event: {event}\ndata: {json.dumps(view, ensure_ascii=False)}\n\n".encode()

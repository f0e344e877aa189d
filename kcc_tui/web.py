"""`kcc serve`: every role in a browser through textual-serve, one URL per role.

textual-serve serves one command per server; here one aiohttp app mounts a `RoleServer` per role
(`/kiosk/onthaal`, `/counter/loket1`, `/display/wachtzaal`, `/coordinator`) and a start page that
lists them. Each page load starts its own app process, which asks for a PIN where the role needs
one. It binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import html
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server, to_int

from .config.settings import Settings


@dataclass(frozen=True)
class Role:
    path: str  # URL path, e.g. "counter/loket1"
    title: str
    args: tuple[str, ...]  # kcc arguments that start the app


def roles(settings: Settings) -> list[Role]:
    office = settings.office
    out = [Role(f"kiosk/{k}", f"Kiosk — {v.name}", ("kiosk", "--kiosk", k))
           for k, v in settings.kiosks.items()]
    out += [Role(f"display/{d}", f"Display — {v.name}", ("display", "--display", d))
            for d, v in settings.displays.items()]
    out += [Role(f"counter/{p}", f"Counter — {v.name}", ("counter", p))
            for p, v in office.posts.items()]
    out.append(Role("coordinator", "Coordinator", ("coordinator",)))
    return out


# textual-serve's page leaves the body's default margin, so the terminal (100vh) is taller than
# the viewport and its first rows scroll out of view (the display's clock was clipped). The page
# is the same, with the terminal pinned to the viewport.
FIT_CSS = """
    <style>
      html, body { margin: 0; padding: 0; height: 100%; overflow: hidden; }
      #terminal { position: fixed; inset: 0; }
    </style>
  </head>"""
TEMPLATE = "kcc_index.html"
# Set for the apps started by `kcc serve`: a browser often has no emoji font, so symbols a
# terminal shows become text (apps/plain.py)
PLAIN_ENV = "KCC_PLAIN_GLYPHS"


def fitted_template(templates_path: str | Path) -> str:
    """textual-serve's app page with FIT_CSS before `</head>`."""
    page = (Path(templates_path) / "app_index.html").read_text(encoding="utf-8")
    return page.replace("</head>", FIT_CSS, 1)


class RoleServer(Server):
    """textual-serve's server for one role, its websocket under `/ws/<role>`."""

    def __init__(self, role: Role, command: str, public_url: str) -> None:
        super().__init__(command, title=role.title, public_url=public_url)
        self.role = role

    @aiohttp_jinja2.template(TEMPLATE)
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        ws_base = "ws" + self.public_url[len("http"):]
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{ws_base}/ws/{self.role.path}",
            "config": {"static": {"url": f"{self.public_url}/static/"}},
            "application": {"name": self.role.title},
        }


def make_app(settings: Settings, *, config: str | None, db: Path, host: str,
             port: int) -> web.Application:
    public_url = f"http://{host}:{port}"
    base = ["env", f"{PLAIN_ENV}=1", sys.executable, "-m", "kcc_tui", "--db",
            str(db.resolve())]
    if config:
        base += ["--config", str(Path(config).resolve())]
    servers = [RoleServer(r, shlex.join([*base, *r.args]), public_url) for r in roles(settings)]

    app = web.Application()
    first = servers[0]
    aiohttp_jinja2.setup(app, loader=jinja2.ChoiceLoader([
        jinja2.DictLoader({TEMPLATE: fitted_template(first.templates_path)}),
        jinja2.FileSystemLoader(first.templates_path)]))

    async def start_page(request: web.Request) -> web.Response:
        items = "\n".join(
            f'<li><a href="/{s.role.path}">{html.escape(s.role.title)}</a></li>' for s in servers)
        name = html.escape(settings.office.name)
        return web.Response(content_type="text/html", text=START_PAGE.format(name=name,
                                                                              items=items))

    routes = [web.get("/", start_page, name="index"),
              web.static("/static", first.statics_path, name="static")]
    for s in servers:
        routes += [web.get(f"/{s.role.path}", s.handle_index),
                   web.get(f"/ws/{s.role.path}", s.handle_websocket)]
    app.add_routes(routes)
    return app


START_PAGE = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>kcc — {name}</title>
<style>
body {{ font-family: sans-serif; background: #0c181f; color: #eee; margin: 3em; }}
a {{ color: #7fd1ff; font-size: 1.4em; }} li {{ margin: .6em 0; }}
</style></head>
<body><h1>{name}</h1><p>Kies een rol · choose a role:</p>
<ul>
{items}
</ul></body></html>
"""

"""`kcc serve`: every role in a browser through textual-serve, one URL per role.

textual-serve serves one command per server; here one aiohttp app mounts a `RoleServer` per role
(`/kiosk/onthaal`, `/counter/loket1`, `/display/wachtzaal`, `/coordinator`) and a start page that
lists them. Each page load starts its own app process, which asks for a PIN where the role needs
one. It binds to 127.0.0.1 unless told otherwise.

Guards, all checked before any app process starts (docs/operations.md):
- beyond loopback a secret is required ([serve] secret or $KCC_SERVE_SECRET): a browser signs in
  once at /login and gets a cookie; a script sends `Authorization: Bearer <secret>`;
- a websocket whose Origin is not the served address (or one of [serve] allowed_origins) is
  refused, so no other web page open in a browser here can drive an app;
- at most [serve] max_apps_per_role app processes per role; a connection beyond is refused.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import ipaddress
import logging
import os
import shlex
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server, to_int

from .config.settings import Settings

log = logging.getLogger(__name__)
COOKIE = "kcc_serve"
MIN_SECRET = 16
WRONG_SECRET_DELAY_S = 1.0  # a wrong secret costs the guesser a second


class ServeError(ValueError):
    """`kcc serve` cannot start as asked; `str()` is one line."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_secret(host: str, secret: str) -> None:
    """Refuse to serve beyond loopback without a usable secret."""
    if secret and len(secret) < MIN_SECRET:
        raise ServeError(f"the serve secret must be at least {MIN_SECRET} characters")
    if not is_loopback(host) and not secret:
        raise ServeError(f"serving on {host} needs a secret: set [serve] secret in config.toml "
                         "or $KCC_SERVE_SECRET (at least 16 characters); see docs/operations.md")


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
    """textual-serve's server for one role, its websocket under `/ws/<role>`, at most `cap`
    app processes at a time."""

    def __init__(self, role: Role, command: str, public_url: str | None, cap: int = 6) -> None:
        super().__init__(command, title=role.title, public_url=public_url or "http://localhost")
        self.role = role
        self.cap = cap
        self.active = 0
        self.fixed_url = public_url  # None: the address the browser used (behind a proxy too)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if self.active >= self.cap:
            log.warning("serve: %s refused: already %d app processes (max_apps_per_role)",
                        self.role.path, self.active)
            raise web.HTTPServiceUnavailable(
                text=f"{self.role.title}: already {self.cap} open; close one first")
        self.active += 1
        try:
            return await super().handle_websocket(request)
        finally:
            self.active -= 1

    @aiohttp_jinja2.template(TEMPLATE)
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        base = self.fixed_url or f"{_scheme(request)}://{request.host}"
        ws_base = "ws" + base[len("http"):]
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{ws_base}/ws/{self.role.path}",
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": self.role.title},
        }


def _scheme(request: web.Request) -> str:
    forwarded = request.headers.get("X-Forwarded-Proto", "")
    return "https" if forwarded == "https" or request.secure else "http"


def session_token(secret: str) -> str:
    """The cookie a signed-in browser carries: derived from the secret, never the secret."""
    return hmac.new(secret.encode(), b"kcc serve session", hashlib.sha256).hexdigest()


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def guards(secret: str, origins: set[str]) -> Callable[..., Awaitable[web.StreamResponse]]:
    """The middleware that runs before every handler (and so before any app process)."""
    token = session_token(secret) if secret else ""

    def signed_in(request: web.Request) -> bool:
        bearer = request.headers.get("Authorization", "")
        if bearer.startswith("Bearer ") and hmac.compare_digest(
                bearer[7:].strip().encode(), secret.encode()):
            return True
        return hmac.compare_digest(request.cookies.get(COOKIE, "").encode(), token.encode())

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if path.startswith("/ws/"):
            origin = request.headers.get("Origin")
            own = {f"{scheme}://{request.host}" for scheme in ("http", "https")}
            if origin is not None and origin not in own | origins:
                log.warning("serve: websocket %s refused: origin %r", path, origin)
                raise web.HTTPForbidden(text="origin not allowed")
        if not secret or path.startswith("/static/") or path == "/login":
            return await handler(request)
        if signed_in(request):
            return await handler(request)
        log.warning("serve: %s %s refused: not signed in (%s)", request.method, path,
                    request.remote)
        if request.method == "GET" and not path.startswith("/ws/"):
            raise web.HTTPSeeOther(f"/login?next={_quote(path)}")
        raise web.HTTPUnauthorized(text="sign in first")

    return middleware


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


def _safe_next(value: str) -> str:
    """Only a path on this server (no //host, no scheme): no open redirect."""
    return value if value.startswith("/") and not value.startswith("//") else "/"


def make_app(settings: Settings, *, config: str | None, db: str | Path, host: str,
             port: int, secret: str = "", public_url: str | None = None,
             command: list[str] | None = None) -> web.Application:
    """The aiohttp app. `command` replaces the kcc command line that starts each app (tests)."""
    check_secret(host, secret)
    public_url = public_url.rstrip("/") if public_url else None
    # A store on a server reaches the apps through $KCC_DB, inherited: never on their command
    # line, where the process list would show a password in the URL.
    where = [] if isinstance(db, str) else ["--db", str(db.resolve())]
    if isinstance(db, str) and command is None:
        os.environ["KCC_DB"] = db
    base = command or ["env", f"{PLAIN_ENV}=1", sys.executable, "-m", "kcc_tui", *where]
    if config and command is None:
        base += ["--config", str(Path(config).resolve())]
    cap = settings.serve.max_apps_per_role
    servers = [RoleServer(r, shlex.join([*base, *r.args]), public_url, cap)
               for r in roles(settings)]
    origins = {o.rstrip("/") for o in settings.serve.allowed_origins}
    if public_url:
        origins.add(public_url)

    app = web.Application(middlewares=[guards(secret, origins)])
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

    async def login_page(request: web.Request) -> web.Response:
        nxt = html.escape(_safe_next(request.query.get("next", "/")))
        return web.Response(content_type="text/html", text=LOGIN_PAGE.format(
            name=html.escape(settings.office.name), next=nxt, error=""))

    async def login(request: web.Request) -> web.Response:
        form = await request.post()
        given, nxt = str(form.get("secret", "")), _safe_next(str(form.get("next", "/")))
        if secret and hmac.compare_digest(given.encode(), secret.encode()):
            response = web.HTTPSeeOther(nxt)
            response.set_cookie(COOKIE, session_token(secret), httponly=True, samesite="Strict",
                                secure=_scheme(request) == "https", path="/")
            raise response
        log.warning("serve: wrong secret from %s", request.remote)
        await asyncio.sleep(WRONG_SECRET_DELAY_S)
        return web.Response(status=401, content_type="text/html", text=LOGIN_PAGE.format(
            name=html.escape(settings.office.name), next=html.escape(nxt),
            error="<p class=error>Verkeerd wachtwoord · wrong secret</p>"))

    routes = [web.get("/", start_page, name="index"),
              web.get("/login", login_page), web.post("/login", login),
              web.static("/static", first.statics_path, name="static")]
    for s in servers:
        routes += [web.get(f"/{s.role.path}", s.handle_index),
                   web.get(f"/ws/{s.role.path}", s.handle_websocket)]
    app.add_routes(routes)
    return app


LOGIN_PAGE = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>kcc — {name}</title>
<style>
body {{ font-family: sans-serif; background: #0c181f; color: #eee; margin: 3em; }}
input {{ font-size: 1.2em; }} .error {{ color: #ff8080; }}
</style></head>
<body><h1>{name}</h1>{error}
<form method="post" action="/login"><input type="hidden" name="next" value="{next}">
<label>Wachtwoord · secret <input type="password" name="secret" autofocus></label>
<button type="submit">Aanmelden</button></form></body></html>
"""

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

"""`kcc serve`: the apps in a browser (textual-serve). See docs/operations.md."""

from __future__ import annotations

import os

import click

from ..phone.token import DEFAULT_PORT
from .common import Env, pass_env

SECRET_ENV = "KCC_SERVE_SECRET"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to listen on; beyond loopback a secret is required "
                   f"([serve] secret or ${SECRET_ENV})")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--public-url", default=None, metavar="URL",
              help="the address browsers use, when it is not the one they asked for "
                   "(normally not needed behind a reverse proxy that passes Host)")
@click.option("--phone-host", default="127.0.0.1", show_default=True,
              help="address of the citizens' phone pages and public board (as `kcc web`)")
@click.option("--phone-port", type=click.IntRange(0, 65535), default=DEFAULT_PORT,
              show_default=True, help="their port, apart from the staff apps'; 0: none")
@pass_env
def serve(env: Env, host: str, port: int, public_url: str | None, phone_host: str,
          phone_port: int) -> None:
    """Serve the kiosk, each counter, the display and the coordinator at one URL each, and
    the citizens' phone pages (docs/phone.md) on a port of their own."""
    from collections.abc import AsyncIterator

    from aiohttp import web

    from ..phone.server import make_app as make_phone_app
    from ..web import ServeError, make_app, roles

    settings = env.settings
    # The secret never reaches the app processes (they get a copy of this environment).
    secret = os.environ.pop(SECRET_ENV, "") or settings.serve.secret
    try:
        app = make_app(settings, config=env.config, db=env.db_target, host=host, port=port,
                       secret=secret, public_url=public_url)
    except ServeError as e:
        raise click.UsageError(str(e)) from None
    if phone_port:
        if phone_port == port and phone_host == host:
            raise click.UsageError("--phone-port must differ from --port: the phone pages are "
                                   "public, the staff apps are not")
        phone = make_phone_app(settings, env.db_target)

        async def phone_pages(_app: web.Application) -> AsyncIterator[None]:
            runner = web.AppRunner(phone, access_log=None)
            await runner.setup()
            try:
                await web.TCPSite(runner, phone_host, phone_port).start()
                yield
            finally:
                await runner.cleanup()

        app.cleanup_ctx.append(phone_pages)
    guard = "secret required" if secret else "open (loopback only)"
    click.echo(f"kcc serving on http://{host}:{port}/ — {guard}; "
               f"at most {settings.serve.max_apps_per_role} apps per role — Ctrl+C stops")
    for r in roles(settings):
        click.echo(f"  http://{host}:{port}/{r.path:<24} {r.title}")
    if phone_port:
        click.echo(f"  http://{phone_host}:{phone_port}/board{' ' * 19} phone pages and "
                   "public board (no secret: only /t/TOKEN, /board)")
    try:
        web.run_app(app, host=host, port=port, print=None)
    except OSError as e:
        raise click.UsageError(f"cannot listen: {e.strerror or e}") from None

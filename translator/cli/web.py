"""The web face's command: serve the desk and the article pages."""

from __future__ import annotations

from typing import Any

import click

from ..app import App
from ..web.server import make_server
from .common import pass_app, setting_options

SERVE_SETTINGS = ("host", "port", "token")


@click.command()
@setting_options(*SERVE_SETTINGS)
@pass_app
def serve(app: App, **options: Any) -> None:
    """Serve the editors' desk and the article pages in both languages.

    Listens on 127.0.0.1:8000 by default; any other address needs an access
    token, which a browser gives once as ?token=... . Stop with Ctrl-C.

    Example:

        translate serve --port 8000
    """
    config = app.settings(**options)
    server = make_server(app, config.host, config.port, config.token)
    click.echo(f"Serving on http://{config.host}:{server.effective_port}/ (Ctrl-C to stop)", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()

"""The web face's commands: serve the desk and the article pages; publish the pages as a static site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..site import export
from ..app import App
from ..core.languages import SOURCE_LANG
from ..web.server import make_server
from ..core.wording import count
from .common import pass_app, setting_options

SERVE_SETTINGS = ("host", "port", "token", "allowed_hosts")


@click.command()
@setting_options(*SERVE_SETTINGS)
@pass_app
def serve(app: App, **options: Any) -> None:
    """Serve the editors' desk and the article pages in both languages.

    Listens on 127.0.0.1:8000 by default and answers only requests addressed to
    a loopback name (localhost, 127.0.0.1). Any other address needs an access
    token, which a browser gives once as ?token=..., and the host names editors
    use (--allowed-hosts; the address served on counts). Stop with Ctrl-C.

    Example:

        translate serve --port 8000

        translate serve --host 0.0.0.0 --token s3cret --allowed-hosts desk.newsroom.example
    """
    config = app.settings(**options)
    server = make_server(app, config.host, config.port, config.token, allowed_hosts=config.allowed_hosts)
    click.echo(f"Serving on http://{config.host}:{server.effective_port}/ (Ctrl-C to stop)", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@click.command()
@click.argument("out_dir", metavar="OUT_DIR", type=click.Path(file_okay=False, path_type=Path))
@pass_app
def publish(app: App, out_dir: Path) -> None:
    """Write the article pages in both languages into OUT_DIR as a static site.

    One page per article and language, an index per language, relative
    links: open OUT_DIR/index.html in a browser or serve the folder. A re-run
    rewrites only pages whose content changed and removes the pages of
    articles no longer published.

    Example:

        translate publish site/
    """
    with app.store() as store:
        report = export.export_site(store, out_dir)
    click.echo(
        f"{out_dir}: {count(len(report.written), 'file')} written, {len(report.removed)} removed, "
        f"{report.unchanged} unchanged; open {out_dir / export.index_path(SOURCE_LANG)}"
    )

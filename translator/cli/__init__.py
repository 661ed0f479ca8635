"""The `translate` command: parse, call the library, echo. Nothing else lives here.

The group builds the App (settings, store, engine factory) that every command
receives; the commands live by subject in articles.py, translate.py, models.py
and glossary.py.
"""

from __future__ import annotations

from typing import Any

import click

from ..app import App
from .articles import import_, list_, review_, show
from .common import GROUP_SETTINGS, TranslateGroup, setting_options
from .glossary import glossary
from .models import models
from .translate import run, text
from .web import publish, serve


@click.group(cls=TranslateGroup)
@click.version_option(package_name="newsdesk-translate", message="%(prog)s %(version)s")
@setting_options(*GROUP_SETTINGS)
@click.pass_context
def cli(ctx: click.Context, **flags: Any) -> None:
    """Translate English news articles into Japanese, offline.

    Example:

        translate import seeds/ && translate run && translate show 1 --lang ja
    """
    # An App given by the caller (tests: obj=App(engine_factory=...)) keeps its factory.
    ctx.obj = ctx.ensure_object(App).with_flags(flags)


for command in (import_, run, show, list_, review_, text, models, serve, publish, glossary):
    cli.add_command(command)

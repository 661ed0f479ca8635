"""Commands that translate: run (the batch) and text (lines in, lines out)."""

from __future__ import annotations

import contextlib
import sys
from typing import Any

import click

from .. import pipeline
from ..app import App
from ..cleaning import read_text
from .common import ENGINE_SETTINGS, EXIT_INTERRUPTED, count, pass_app, setting_options


@click.command()
@setting_options(*ENGINE_SETTINGS)
@pass_app
def run(app: App, **engine: Any) -> None:
    """Translate every article whose Japanese is missing or stale.

    Each article is saved in one transaction: stopping a run (Ctrl-C, kill)
    loses no finished article, and the next run continues with the rest.
    Articles whose Japanese is current get their links.

    Example:

        translate run --beam-size 4
    """
    bar: Any = None
    with contextlib.ExitStack() as stack:

        def start(total: int) -> None:
            nonlocal bar
            if sys.stderr.isatty():  # a bar is for people; logs get the summary line only
                bar = stack.enter_context(click.progressbar(length=total, label="Translating", file=sys.stderr))

        try:
            report = app.translate_pending(on_start=start, on_article=lambda _: bar and bar.update(1), **engine)
        except KeyboardInterrupt:
            stack.close()
            click.echo("Interrupted: finished articles are saved; run again to continue.", err=True)
            sys.exit(EXIT_INTERRUPTED)
    if not report.articles:
        click.echo("Nothing to translate: every article's Japanese is current.")
        return
    click.echo(
        f"Translated {count(report.articles, 'article')}, "
        f"{report.sentences} sentences ({report.translated} new to the model) "
        f"in {report.seconds:.1f} s: {report.sentences_per_second:.1f} sentences/s"
    )
    if report.truncated:
        ids = sorted(report.truncated)
        shown = ", ".join(map(str, ids[:10])) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
        click.echo(
            f"Warning: {count(sum(report.truncated.values()), 'translation')} reached the length limit "
            f"and may be cut short: `translate review` marks them (article{'s' * (len(ids) > 1)} {shown}).",
            err=True,
        )


@click.command()
@click.argument("source", type=click.File("rb"), default="-")
@setting_options(*ENGINE_SETTINGS)
@pass_app
def text(app: App, source: Any, **engine: Any) -> None:
    """Translate a file (default: standard input) to standard output, line by line, in one batch.

    The input is UTF-8 text of at most 4 MiB.

    Example:

        echo "The talks ended on Friday." | translate text
    """
    lines = read_text(source, getattr(source, "name", "<stdin>")).splitlines()
    for line in pipeline.translate_lines(app.engine(**engine), lines):
        click.echo(line)

"""Commands that translate: run (the batch) and text (lines in, lines out)."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any

import click

from ..translation import pipeline
from ..app import App
from ..text.cleaning import read_text
from ..core.wording import count, plural
from .common import ENGINE_SETTINGS, exit_interrupted, pass_app, setting_options


@click.command()
@setting_options(*ENGINE_SETTINGS)
@click.option(
    "--upgrade",
    is_flag=True,
    help="Also re-translate, with the package in use, the articles another package or version "
    "translated that no editor has touched (no edit, no sentence reviewed, never approved).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run's report as JSON (warnings still go to standard error).")
@pass_app
def run(app: App, upgrade: bool, as_json: bool, **engine: Any) -> None:
    """Translate every article whose Japanese is missing or stale.

    Each article is saved in one transaction as soon as it is done: stopping a
    run (Ctrl-C, kill) loses no finished article, and the next run continues
    with the rest. Several runs (and imports) may work on one database at once;
    each article is translated by one of them. Translations cut at the length
    limit or empty are kept, marked, and retried once by the next run with
    safer decoding. Articles whose Japanese is current get their links.

    A new model leaves the Japanese already made alone; `--upgrade` gives it
    the articles no editor has touched yet.

    Example:

        translate run --beam-size 4

        translate run --upgrade  # after installing a better model

        translate run --json     # for scripts: articles, sentences, seconds, truncated ...
    """
    bar: Any = None
    with contextlib.ExitStack() as stack:

        def start(total: int) -> None:
            nonlocal bar
            if sys.stderr.isatty():  # a bar is for people; logs get the summary line only
                bar = stack.enter_context(click.progressbar(length=total, label="Translating", file=sys.stderr))

        try:
            report = app.translate_pending(
                on_start=start, on_article=lambda _: bar and bar.update(1), upgrade=upgrade, **engine
            )
        except KeyboardInterrupt:
            stack.close()
            exit_interrupted("Interrupted: finished articles are saved; run again to continue.")
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2))
    elif report.articles:
        click.echo(
            f"Translated {count(report.articles, 'article')}, "
            f"{report.sentences} sentences ({report.translated} new to the model) "
            f"in {report.seconds:.1f} s: {report.sentences_per_second:.1f} sentences/s"
        )
    elif report.elsewhere:
        click.echo(f"Nothing left to translate here: another run is translating {count(report.elsewhere, 'article')}.")
    elif not report.refused:
        click.echo("Nothing to translate: every article's Japanese is current.")
    for line in run_warnings(report):
        click.echo(line, err=True)


def run_warnings(report: pipeline.RunReport) -> list[str]:
    """The warnings and notes after a run's summary, one line each."""
    lines = []
    incomplete = sorted(set(report.truncated) | set(report.empty))
    if incomplete:
        cut, empty = sum(report.truncated.values()), sum(report.empty.values())
        what = " and ".join(
            part
            for part in (
                cut and f"{count(cut, 'translation')} reached the length limit and may be cut short",
                empty and f"{count(empty, 'translation')} came back empty",
            )
            if part
        )
        lines.append(
            f"Warning: {what}: `translate review` marks them and the next `translate run` retries them "
            f"with safer decoding ({_articles(incomplete)})."
        )
    if report.refused:
        longest = max(report.refused.values())
        lines.append(
            f"Warning: {count(len(report.refused), 'article')} not translated: more than "
            f"{pipeline.MAX_ARTICLE_SENTENCES:,} sentences (up to {longest:,}), too long to hold at once; "
            f"split {'its page' if len(report.refused) == 1 else 'their pages'} into several articles "
            f"({_articles(sorted(report.refused))})."
        )
    if report.split:
        lines.append(
            f"Note: {count(report.split, 'sentence')} too long for the model whole "
            f"{'was' if report.split == 1 else 'were'} translated in clause pieces."
        )
    if report.lost:
        lines.append(f"Note: {count(report.lost, 'article')} finished by another run meanwhile.")
    if report.kept:
        lines.append(
            f"Note: {count(len(report.kept), 'article')} left as {'it was' if len(report.kept) == 1 else 'they were'}: "
            f"an editor began on {'it' if len(report.kept) == 1 else 'them'} during the run ({_articles(report.kept)})."
        )
    if report.held:
        lines.append(
            f"Note: {count(report.held, 'article')} another package translated "
            f"{'keeps its' if report.held == 1 else 'keep their'} Japanese: editors have begun on "
            f"{'it' if report.held == 1 else 'them'}."
        )
    if report.upgradable:
        one = report.upgradable == 1
        lines.append(
            f"Note: {count(report.upgradable, 'article')} {'has' if one else 'have'} Japanese from another model "
            f"than the one in use, and no editor has touched {'it' if one else 'them'}: "
            f"`translate run --upgrade` re-translates {'it' if one else 'them'}."
        )
    return lines


def _articles(ids: list[int]) -> str:
    shown = ", ".join(map(str, ids[:10])) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
    return f"{plural('article', len(ids))} {shown}"


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
    try:
        translated = pipeline.translate_lines(app.engine(**engine), lines)
    except KeyboardInterrupt:
        exit_interrupted("Interrupted: nothing was written.")
    for line in translated:
        click.echo(line)

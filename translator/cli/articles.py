"""Commands about articles: import, list, show, review."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from ..text import importer
from ..site import reading, review
from ..app import App
from ..core.languages import TARGET_LANG
from ..text.cleaning import json_safe_dumps
from ..core.wording import count
from .common import ARTICLE_ID, echo_safe, pass_app


@click.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_app
def import_(app: App, paths: tuple[Path, ...]) -> None:
    """Import pages in the journal's layout from files or folders (*.txt, any case).

    Sidebar entries become headline-only articles. Importing a page again
    changes nothing; a changed page (a corrected headline or body, same time)
    updates its article and makes its Japanese stale. Repaired text (HTML
    entities, mojibake, odd spaces) is noted; lines left out of a page are
    warned about. A file that is not a page, not a regular file or over 4 MiB
    is reported and skipped (exit status 1), as is a folder without pages and
    a path that does not exist. The database is created with the first page
    stored: when none of the paths exists, nothing is.

    Example:

        translate import seeds/ incoming/page.txt
    """
    report = importer.import_paths(lambda: app.store(create=True), paths)
    for folder in report.folders:
        echo_safe(f"Found {count(folder.found, 'page file')} in {folder.path}")
    for error in report.errors:
        echo_safe(f"Error: {error}", err=True)
    for warning in report.warnings:
        echo_safe(f"Warning: {warning}", err=True)
    for page in report.repaired:
        echo_safe(f"Note: {page.source}: text repaired: {page.describe()}", err=True)
    click.echo(
        f"Imported {count(report.pages, 'page')} "
        f"({report.new} new, {report.updated} updated, {report.unchanged} unchanged) "
        f"and {count(report.headlines, 'headline-only article')}"
        + (f"; {count(len(report.repaired), 'page')} with repaired text" if report.repaired else "")
        + (f"; {count(len(report.errors), 'error')} (above)" if report.errors else "")
    )
    if report.errors:
        sys.exit(1)


@click.command()
@click.argument("article_id", metavar="ID", type=ARTICLE_ID)
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True,
              help="The Japanese translation or the English original.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text.")
@pass_app
def show(app: App, article_id: int, lang: str, as_json: bool) -> None:
    """Print an article in Japanese or in its English original.

    With --json, the Japanese also lists its sentences, each with its QA flags.

    Example:

        translate show 1 --lang ja --json
    """
    with app.store() as store:
        article = store.aligned_article(article_id, TARGET_LANG)
    view = reading.article_view(article, lang)
    if as_json:
        click.echo(json_safe_dumps(view.as_json(), indent=2))
    else:
        click.echo(reading.render_text(view))


@click.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="A JSON array instead of text.")
@pass_app
def list_(app: App, as_json: bool) -> None:
    """List articles, newest first, with the status of their Japanese.

    Status is current, stale (the English changed since) or missing; then the
    QA errors and warnings of the Japanese ("2E 5W": `translate review` shows them).

    Example:

        translate list --json
    """
    with app.store() as store:
        articles = store.articles(TARGET_LANG)
    if as_json:
        click.echo(json_safe_dumps(reading.list_json(articles), indent=2))
    elif articles:
        click.echo(reading.render_list(articles))
    else:  # on standard error: the list itself is empty, for a script reading it
        click.echo("No articles yet: run `translate import PATH`", err=True)


@click.command(name="review")
@click.argument("article_id", metavar="ID", type=ARTICLE_ID)
@click.option("--width", type=click.IntRange(1, review.MAX_WIDTH), help="Columns (default: the terminal's).")
@pass_app
def review_(app: App, article_id: int, width: int | None) -> None:
    """Show English and Japanese side by side, sentence by sentence.

    Translations cut at the length limit are marked, and so is each QA flag
    (numbers, English left, glossary, style, ...), under its sentence.

    Example:

        translate review 1 --width 160 | less
    """
    with app.store() as store:
        article = store.aligned_article(article_id, TARGET_LANG)
    click.echo(review.render_review(article, width or shutil.get_terminal_size().columns))

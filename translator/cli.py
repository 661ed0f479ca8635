"""The `translate` command: parse, call the library, echo. Nothing else lives here."""

from __future__ import annotations

import contextlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any, Callable

import click

from . import config as settings
from . import importer, journal, packages, pipeline, publish, reading, review
from .engine import load_engine
from .errors import TranslateError
from .store import opened

EXIT_INTERRUPTED = 130


def _env(name: str) -> str:
    return f"[env: {settings.SETTING_BY_NAME[name].env}]"


class TranslateGroup(click.Group):
    """Turns the library's errors into one-line messages (exit 1) instead of tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TranslateError as error:
            raise click.ClickException(str(error)) from None


def engine_options(command: Callable) -> Callable:
    """Options shared by the commands that translate."""
    options = [
        click.option("--package", help=f"Installed package to use, by name. {_env('package')}"),
        click.option(
            "--device", type=click.Choice(["cpu", "cuda"]), help=f"Where the model runs. {_env('device')}"
        ),
        click.option("--threads", type=int, help=f"CPU threads (0: all cores). {_env('threads')}"),
        click.option("--beam-size", type=int, help=f"Beam size. {_env('beam_size')}"),
        click.option("--batch-tokens", type=int, help=f"Tokens per model batch. {_env('batch_tokens')}"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


pass_flags = click.make_pass_decorator(dict)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def _config(flags: dict, **more: Any) -> settings.Config:
    return settings.resolve(**flags, **more)


@click.group(cls=TranslateGroup)
@click.version_option(package_name="newsdesk-translate", message="%(prog)s %(version)s")
@click.option("--db", type=click.Path(dir_okay=False), help=f"SQLite database. {_env('db')}")
@click.option(
    "--models-dir", type=click.Path(file_okay=False), help=f"Bundled .argosmodel files. {_env('models_dir')}"
)
@click.option(
    "--packages-dir",
    type=click.Path(file_okay=False),
    help=f"Where packages are installed. {_env('packages_dir')}",
)
@click.option("--link-template", help=f"Link form, with {{id}} and {{lang}}. {_env('link_template')}")
@click.pass_context
def cli(ctx: click.Context, **flags: Any) -> None:
    """Translate English news articles into Japanese, offline.

    Example:

        translate import seeds/ && translate run && translate show 1 --lang ja
    """
    ctx.obj = flags


@cli.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_flags
def import_(flags: dict, paths: tuple[Path, ...]) -> None:
    """Import pages in the journal's layout from files or folders (*.txt).

    Sidebar entries become headline-only articles. Importing a page again
    changes nothing; a changed page updates its article and makes its
    Japanese stale. A bad file is reported and skipped (exit status 1).

    Example:

        translate import seeds/ incoming/page.txt
    """
    with opened(_config(flags).db) as store:
        report = importer.import_paths(store, paths)
    for error in report.errors:
        click.echo(f"Error: {error}", err=True)
    click.echo(
        f"Imported {_count(report.pages, 'page')} "
        f"({report.new} new, {report.updated} updated, {report.unchanged} unchanged) "
        f"and {_count(report.headlines, 'headline-only article')}"
        + (f"; {_count(len(report.errors), 'file')} failed" if report.errors else "")
    )
    if report.errors:
        sys.exit(1)


@cli.command()
@engine_options
@pass_flags
def run(flags: dict, **engine: Any) -> None:
    """Translate every article whose Japanese is missing or stale.

    Each article is saved in one transaction: stopping a run (Ctrl-C, kill)
    loses no finished article, and the next run continues with the rest.

    Example:

        translate run --beam-size 4
    """
    cfg = _config(flags, **engine)
    bar: Any = None
    with opened(cfg.db) as store, contextlib.ExitStack() as stack:

        def start(total: int) -> None:
            nonlocal bar
            if sys.stderr.isatty():  # a bar is for people; logs get the summary line only
                bar = stack.enter_context(click.progressbar(length=total, label="Translating", file=sys.stderr))

        try:
            report = pipeline.run(
                store,
                lambda: load_engine(cfg),
                on_start=start,
                on_article=lambda _: bar and bar.update(1),
            )
        except KeyboardInterrupt:
            stack.close()
            publish.publish_current(store, cfg.link_template)
            click.echo("Interrupted: finished articles are saved; run again to continue.", err=True)
            sys.exit(EXIT_INTERRUPTED)
        publish.publish_current(store, cfg.link_template)
    if not report.articles:
        click.echo("Nothing to translate: every article's Japanese is current.")
        return
    click.echo(
        f"Translated {_count(report.articles, 'article')}, "
        f"{report.sentences} sentences ({report.translated} new to the model) "
        f"in {report.seconds:.1f} s: {report.sentences_per_second:.1f} sentences/s"
    )
    if report.truncated:
        ids = sorted(report.truncated)
        shown = ", ".join(map(str, ids[:10])) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
        click.echo(
            f"Warning: {_count(sum(report.truncated.values()), 'translation')} reached the length limit "
            f"and may be cut short: `translate review` marks them (article{'s' * (len(ids) > 1)} {shown}).",
            err=True,
        )


@cli.command()
@click.argument("article_id", metavar="ID", type=int)
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text.")
@pass_flags
def show(flags: dict, article_id: int, lang: str, as_json: bool) -> None:
    """Print an article in Japanese or in its English original.

    Example:

        translate show 1 --lang ja --json
    """
    with opened(_config(flags).db) as store:
        article = store.aligned_article(article_id, "ja")
    view = reading.article_view(article, lang)
    if as_json:
        click.echo(json.dumps(view.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(journal.render_article(view))


@cli.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="A JSON array instead of text.")
@pass_flags
def list_(flags: dict, as_json: bool) -> None:
    """List articles, newest first, with the status of their Japanese.

    Status is current, stale (the English changed since) or missing.

    Example:

        translate list --json
    """
    with opened(_config(flags).db) as store:
        articles = store.articles("ja")
    if as_json:
        click.echo(json.dumps(reading.list_json(articles), ensure_ascii=False, indent=2))
    elif articles:
        click.echo(reading.render_list(articles))


@cli.command(name="review")
@click.argument("article_id", metavar="ID", type=int)
@click.option("--width", type=int, help="Columns (default: the terminal's).")
@pass_flags
def review_(flags: dict, article_id: int, width: int | None) -> None:
    """Show English and Japanese side by side, sentence by sentence.

    Example:

        translate review 1 --width 160 | less
    """
    with opened(_config(flags).db) as store:
        article = store.aligned_article(article_id, "ja")
    click.echo(review.render_review(article, width or shutil.get_terminal_size().columns))


@cli.command()
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@engine_options
@pass_flags
def text(flags: dict, source: Any, **engine: Any) -> None:
    """Translate a file (default: standard input) to standard output, line by line, in one batch.

    Example:

        echo "The talks ended on Friday." | translate text
    """
    lines = source.read().splitlines()
    translator = load_engine(_config(flags, **engine))
    for line in pipeline.translate_lines(translator, lines):
        click.echo(line)


@cli.group()
def models() -> None:
    """Install and list Argos translation packages."""


@models.command(name="list")
@pass_flags
def models_list(flags: dict) -> None:
    """List installed packages; * marks the one used for English→Japanese.

    Packages in the models folder are installed first.

    Example:

        translate models list
    """
    cfg = _config(flags)
    packages.install_bundled(cfg.models_dir, cfg.packages_dir)
    found = packages.listing(cfg.packages_dir, name=cfg.package)
    if not found.installed:
        click.echo(f"No packages installed in {cfg.packages_dir}/")
    for info in found.installed:
        mark = "*" if info == found.in_use else " "
        click.echo(f"{mark} {info.name}  {info.pair}  {info.package_version or '-'}")


@models.command(name="install")
@click.argument("file", type=click.Path(path_type=Path))
@pass_flags
def models_install(flags: dict, file: Path) -> None:
    """Install an .argosmodel file into the package folder.

    Example:

        translate models install ~/Downloads/translate-en_ja-1_1.argosmodel
    """
    cfg = _config(flags)
    info = packages.install(file, cfg.packages_dir)
    click.echo(f"Installed {info.name} ({info.pair} {info.package_version}) in {cfg.packages_dir}/")

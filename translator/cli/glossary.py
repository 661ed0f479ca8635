"""Commands about the glossary: glossary list, add, remove, import, export."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click
import wcwidth

from ..editorial import terminology
from ..app import App
from ..core.wording import count
from ..text.cleaning import terminal_safe
from .common import pass_app


@click.group()
def glossary() -> None:
    """Keep the desk's glossary: fixed Japanese for English names and terms.

    The batch writes glossary terms as the glossary does where it can find the
    model's rendering, and QA flags every translation that lacks one. Changing
    the glossary rechecks the translations it touches.

    Example:

        translate glossary import seeds/glossary.csv
    """


@glossary.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="A JSON array instead of text.")
@pass_app
def glossary_list(app: App, as_json: bool) -> None:
    """List the glossary: English, Japanese, note, in order of the English.

    Example:

        translate glossary list --json
    """
    with app.store() as store:
        entries = store.glossary()
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(e) for e in entries], ensure_ascii=False, indent=2))
        return
    english = max((wcwidth.width(e.english) for e in entries), default=0)
    japanese = max((wcwidth.width(e.japanese) for e in entries), default=0)
    for e in entries:
        line = f"{wcwidth.ljust(e.english, english)}  {wcwidth.ljust(e.japanese, japanese)}  {e.note}".rstrip()
        click.echo(terminal_safe(line))


@glossary.command(name="add")
@click.argument("english")
@click.argument("japanese")
@click.option("--note", default="", help="Who or what the term is, for editors.")
@pass_app
def glossary_add(app: App, english: str, japanese: str, note: str) -> None:
    """Add a term, or change the one with the same English (case ignored).

    Example:

        translate glossary add Sheinbaum シェインバウム --note "Claudia Sheinbaum, president of Mexico"
    """
    with app.store(create=True) as store:
        entry, change, done = terminology.add_term(store, english, japanese, note)
    click.echo(terminal_safe(f"{change.capitalize()}: {entry.english} → {entry.japanese}{done.summary()}"))


@glossary.command(name="remove")
@click.argument("english")
@pass_app
def glossary_remove(app: App, english: str) -> None:
    """Remove the term with this English (case ignored).

    Example:

        translate glossary remove Sheinbaum
    """
    with app.store() as store:
        entry, done = terminology.remove_term(store, english)
    click.echo(terminal_safe(f"Removed: {entry.english} → {entry.japanese}{done.summary()}"))


@glossary.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="Remove the terms the file does not have.")
@pass_app
def glossary_import(app: App, file: Path, replace: bool) -> None:
    """Add the terms of a CSV file (english,japanese,note) or a TBX file (*.tbx).

    A term already in the glossary takes the file's Japanese and note. A file
    with an error changes nothing.

    Example:

        translate glossary import seeds/glossary.csv
    """
    with app.store(create=True) as store:
        report = terminology.import_glossary(store, file, replace=replace)
    click.echo(terminal_safe(report.summary(str(file))))
    for warning in report.warnings(str(file)):
        click.echo(f"Warning: {terminal_safe(warning)}", err=True)


@glossary.command(name="export")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(terminology.FORMATS),
    help="File format (default: tbx for a *.tbx FILE, else csv).",
)
@pass_app
def glossary_export(app: App, file: Path | None, fmt: str | None) -> None:
    """Write the glossary to FILE (default: standard output) as CSV or TBX.

    Example:

        translate glossary export desk-glossary.tbx
    """
    fmt = fmt or ("tbx" if file and file.suffix.lower() == ".tbx" else "csv")
    with app.store() as store:
        text, terms = terminology.export_glossary(store, fmt)
    try:
        with click.open_file(str(file) if file else "-", "w", encoding="utf-8", atomic=file is not None) as out:
            out.write(text)
    except OSError as error:
        raise click.FileError(str(file), error.strerror) from None
    if file:
        click.echo(f"Exported {count(terms, 'term')} to {file}")

"""Commands about translation packages: models list, models install, models convert."""

from __future__ import annotations

from pathlib import Path

import click

from ..app import App
from ..quality.checks import CONFIDENCE_THRESHOLD
from ..translation.convert import QUANTIZATIONS
from ..translation.families import ARGOS, FAMILIES
from ..text.cleaning import terminal_safe
from .common import pass_app


@click.group()
def models() -> None:
    """Install, list and convert translation packages (.argosmodel files).

    Example:

        translate models list
    """


@models.command(name="list")
@pass_app
def models_list(app: App) -> None:
    """List installed packages; * marks the one used for English→Japanese, ! a broken one.

    Packages in the models folder are installed first, or again when their
    installed copy is damaged or the file has changed. Broken packages are
    skipped when translating.

    Example:

        translate models list
    """
    found = app.packages()
    if not found.installed:
        click.echo(f"No packages installed in {app.config.packages_dir}/")
    for info in found.installed:
        mark = "*" if info == found.in_use else " "
        family = FAMILIES.get(str(info.metadata.get("family") or ARGOS))
        about = ""
        if family is not None and family.name != ARGOS:  # a converted package: its family and licence
            about = f"  {family.title}, {info.metadata.get('license', family.license)}"
        # A package's metadata is text from elsewhere: shown, never acting on the terminal.
        click.echo(terminal_safe(f"{mark} {info.name}  {info.pair}  {info.package_version or '-'}{about}"))
    for broken in found.broken:
        click.echo(terminal_safe(f"! {broken.path}  broken: {broken.problem}"))


@models.command(name="install")
@click.argument("file", type=click.Path(path_type=Path))
@pass_app
def models_install(app: App, file: Path) -> None:
    """Install an .argosmodel file into the package folder.

    The package is accepted only once it loads and translates a sentence; a
    package that fails leaves nothing behind.

    Example:

        translate models install ~/Downloads/translate-en_ja-1_1.argosmodel
    """
    info = app.install_package(file)
    click.echo(f"Installed {info.name} ({info.pair} {info.package_version}) in {app.config.packages_dir}/")


@models.command(name="convert")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), metavar="FILE.argosmodel",
              help="The package file to write; its name, without .argosmodel, names the package.")
@click.option("--family", type=click.Choice([name for name in FAMILIES if name != ARGOS]),
              help="The model's family, where the folder cannot say it.  [default: from the folder]")
@click.option("--quantization", type=click.Choice(QUANTIZATIONS), default="int8", show_default=True,
              help="How the package stores the weights.")
@click.option("--version", "version", default="1.0", show_default=True,
              help="The package's version (the highest version of a language pair is the one used).")
@click.option("--confidence-threshold", "confidence_threshold", type=float, metavar="LOGPROB",
              help="QA warns on a sentence whose mean log-probability is under this (below 0; "
                   f"calibrate it with bench.qa_refs, docs/qa.md).  [default: QA's, {CONFIDENCE_THRESHOLD}]")
@pass_app
def models_convert(
    app: App, path: Path, out: Path, family: str | None, quantization: str, version: str,
    confidence_threshold: float | None,
) -> None:
    """Convert a model you have (folder or zip) into an .argosmodel package.

    OPUS-MT (Marian's zip, or a Hugging Face folder), M2M-100, NLLB-200 and
    MADLAD-400 (Hugging Face folders), with CTranslate2's converters; nothing is
    downloaded. Hugging Face folders need transformers and PyTorch
    (pip install 'newsdesk-translate[convert]'); running the package does not.
    The package must load and translate a sentence before it is written. Install
    it with `translate models install`.

    Example:

        translate models convert opus-2021-02-18.zip --out opus-en_ja.argosmodel
    """
    converted = app.convert_model(
        path, out, family=family, quantization=quantization, version=version, confidence_threshold=confidence_threshold
    )
    click.echo(
        f"Converted {path} ({converted.family.title}, {quantization}) into {converted.file} "
        f"({converted.file.stat().st_size / 2**20:.1f} MiB); licence: {converted.license}"
    )
    if not converted.metadata.get("commercial_use", True):
        click.echo(f"Warning: {converted.license}: not for commercial use", err=True)

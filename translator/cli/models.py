"""Commands about translation packages: models list, models install."""

from __future__ import annotations

from pathlib import Path

import click

from ..app import App
from .common import pass_app


@click.group()
def models() -> None:
    """Install and list Argos translation packages.

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
        click.echo(f"{mark} {info.name}  {info.pair}  {info.package_version or '-'}")
    for broken in found.broken:
        click.echo(f"! {broken.path}  broken: {broken.problem}")


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

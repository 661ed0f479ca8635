"""The README cannot drift from the code: its settings table and its command list come from it."""

import click
import pytest

from translator.cli import cli
from translator.core.settings import settings_table

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_settings_table_is_made_from_settings():
    # To refresh: python -c "from translator.core.settings import settings_table; print(settings_table())"
    assert settings_table() in README


def commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))
        else:
            yield " ".join((*prefix, name))


@pytest.mark.parametrize("command", sorted(commands(cli)))
def test_every_command_is_in_the_readme(command):
    assert f"    translate {command} " in README

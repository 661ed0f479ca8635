"""The documentation cannot drift from the code: its settings table and its command list come from it,
and the README's links lead to files that exist."""

import re

import click
import pytest

from translator.cli import cli
from translator.core.settings import settings_table

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = (REPO / "docs" / "commands.md").read_text(encoding="utf-8")


def test_the_settings_table_is_made_from_settings():
    # To refresh: python -c "from translator.core.settings import settings_table; print(settings_table())"
    assert settings_table() in COMMANDS


def test_the_readme_links_lead_to_files():
    links = re.findall(r"\]\(([^)#]+)\)", README)
    assert links and all((REPO / link).is_file() for link in links)


def commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))
        else:
            yield " ".join((*prefix, name))


@pytest.mark.parametrize("command", sorted(commands(cli)))
def test_every_command_is_in_the_commands_page(command):
    assert f"    translate {command} " in COMMANDS

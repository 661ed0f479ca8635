"""What every command shares: the App on the context, options made from SETTINGS, errors as one line."""

from __future__ import annotations

import logging
from typing import Any, Callable, TypeVar

import click

from ..app import App
from ..config import SETTING_BY_NAME
from ..errors import TranslateError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INTERRUPTED = 130

# Settings given before the command, and those of the commands that translate.
GROUP_SETTINGS = ("db", "models_dir", "packages_dir", "link_template", "publish_policy")
ENGINE_SETTINGS = ("package", "device", "threads", "beam_size", "batch_tokens")

pass_app = click.make_pass_decorator(App)


class EchoWarnings(logging.Handler):
    """Shows each warning the library logs as one line on standard error: `Warning: ...`."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"Warning: {record.getMessage()}", err=True)


class TranslateGroup(click.Group):
    """Turns the library's errors into one-line messages (exit 1) instead of tracebacks, and shows its warnings."""

    def invoke(self, ctx: click.Context) -> Any:
        library = logging.getLogger("translator")
        handler = EchoWarnings(logging.WARNING)
        library.addHandler(handler)
        try:
            return super().invoke(ctx)
        except TranslateError as error:
            raise click.ClickException(str(error)) from None
        finally:
            library.removeHandler(handler)


def setting_options(*names: str) -> Callable[[F], F]:
    """Options for these settings, with the help, environment variable and default from SETTINGS.

    Click applies flag > environment > default; the values pass on as text (None
    for a computed default), and `config.resolve` parses and checks them all.
    """

    def decorate(command: F) -> F:
        for name in reversed(names):
            setting = SETTING_BY_NAME[name]
            command = click.option(
                setting.flag,
                name,
                envvar=setting.env,
                show_envvar=True,
                default=setting.default,
                show_default=setting.shown_default or True,
                metavar=setting.metavar,
                help=setting.help,
            )(command)
        return command

    return decorate


def count(number: int, noun: str) -> str:
    """'1 page', '2 pages'."""
    return f"{number} {noun}{'s' * (number != 1)}"

"""What every command shares: the App on the context, options made from SETTINGS, errors as one line."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any, Callable, TypeVar

import click

from ..app import App
from ..text.cleaning import terminal_safe
from ..core.settings import SETTING_BY_NAME
from ..core.errors import TranslateError
from ..translation.pipeline import model_running

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INTERRUPTED = 130

# Settings given before the command, and those of the commands that translate.
GROUP_SETTINGS = ("db", "models_dir", "packages_dir", "link_template", "publish_policy")
ENGINE_SETTINGS = ("package", "device", "threads", "compute_type", "beam_size", "mbr", "batch_tokens")

pass_app = click.make_pass_decorator(App)


def exit_interrupted(message: str = "Interrupted.") -> None:
    """Say `message` on standard error and exit EXIT_INTERRUPTED (130), as Ctrl-C in a shell does.

    When the model is still decoding in its worker thread (pipeline.model_running),
    Python's own shutdown would free what CTranslate2 is using and die with a
    segfault (139) or an abort (134) instead of 130 (issue 25: 4 of 7 tries). So
    the process then ends at once, without that shutdown: everything the run
    finished is already committed (SQLite is crash-safe), and the streams are flushed first.
    """
    click.echo(message, err=True)
    if model_running():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)
    sys.exit(EXIT_INTERRUPTED)


class EchoWarnings(logging.Handler):
    """Shows each warning the library logs as one line on standard error: `Warning: ...`."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"Warning: {terminal_safe(record.getMessage())}", err=True)


class TranslateGroup(click.Group):
    """Turns the library's errors into one-line messages (exit 1) instead of tracebacks, and shows its warnings.

    Messages are made terminal-safe: they may name a file or quote a page's text.
    Ctrl-C in a command without its own message exits EXIT_INTERRUPTED too (click's
    own answer is "Aborted!" and 1).
    """

    def invoke(self, ctx: click.Context) -> Any:
        library = logging.getLogger("translator")
        handler = EchoWarnings(logging.WARNING)
        library.addHandler(handler)
        try:
            return super().invoke(ctx)
        except TranslateError as error:
            raise click.ClickException(terminal_safe(str(error))) from None
        except KeyboardInterrupt:
            exit_interrupted()
        finally:
            library.removeHandler(handler)


# SQLite's integers are 64-bit signed: a larger id cannot be an article's.
MAX_ARTICLE_ID = 2**63 - 1


class ArticleId(click.types.IntParamType):
    """An article id: a whole number from 1 to MAX_ARTICLE_ID, else a usage error (exit 2)."""

    name = "integer"  # as click's INT says it: "'abc' is not a valid integer."

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        number = super().convert(value, param, ctx)
        if not 1 <= number <= MAX_ARTICLE_ID:
            self.fail(f"{number} is not an article id (ids are whole numbers from 1 to {MAX_ARTICLE_ID})", param, ctx)
        return number


ARTICLE_ID = ArticleId()


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


def echo_safe(text: str, err: bool = False) -> None:
    """Echo one line of text that may hold a page's text or a file name, terminal-safe."""
    click.echo(terminal_safe(text), err=err)

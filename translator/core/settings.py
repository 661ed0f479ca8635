"""Settings, resolved when called: command-line flag, then environment, then default.

Every setting is declared once in SETTINGS (name, environment variable, default,
help); the command-line options and the README's table are made from it, and
`resolve` validates them all in one place.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from .errors import ConfigError
from .news import PublishPolicy


def _at_least(name: str, minimum: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = minimum - 1
        if number < minimum:
            raise ConfigError(f"{name} must be a whole number >= {minimum}, not {value!r}")
        return number

    return parse


def _device(value: str) -> str:
    if value not in ("cpu", "cuda"):
        raise ConfigError(f"device must be cpu or cuda, not {value!r}")
    return value


# CTranslate2's compute types (ctranslate2.get_supported_compute_types lists the ones a device has).
COMPUTE_TYPES = (
    "default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16",
    "int16", "float16", "bfloat16", "float32",
)  # fmt: skip


def _compute_type(value: str) -> str:
    if value not in COMPUTE_TYPES:
        raise ConfigError(f"compute type must be one of {', '.join(COMPUTE_TYPES)}, not {value!r}")
    return value


def _port(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if not 0 <= number <= 65535:
        raise ConfigError(f"port must be a number from 0 to 65535, not {value!r}")
    return number


def _publish_policy(value: str) -> str:
    if value not in set(PublishPolicy):
        raise ConfigError(f"publish policy must be {' or '.join(PublishPolicy)}, not {value!r}")
    return value


def _host_names(value: str) -> tuple[str, ...]:
    """'desk.example, 10.0.0.5' → ('desk.example', '10.0.0.5'): lower case, no ports, no empties."""
    names = tuple(dict.fromkeys(name.strip().lower() for name in value.split(",") if name.strip()))
    for name in names:
        if not re.fullmatch(r"[a-z0-9.\-]+|[0-9a-f:]+", name):
            raise ConfigError(f"allowed hosts must be host names or addresses without ports, not {name!r}")
    return names


def _link_template(value: str) -> str:
    if "{id}" not in value:
        raise ConfigError(f"link template must contain {{id}}: {value!r}")
    try:
        value.format(id=1, lang="ja")
    except (KeyError, IndexError, ValueError) as error:
        raise ConfigError(
            f"link template may only use {{id}} and {{lang}}: {value!r} ({error})"
        ) from None
    return value


@dataclass(frozen=True)
class Setting:
    """One setting, described once: it makes the command-line option, its --help and the README's row.

    `default` is the raw value parsed when neither flag nor environment gives
    one; `shown_default` describes a default that is computed (None: `default`).
    """

    name: str
    env: str
    default: str | None
    help: str
    parse: Callable[[str], object] = str
    metavar: str = "TEXT"
    shown_default: str | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "TRANSLATE_DB", "db/news.db", "The SQLite database file.", Path, "PATH"),
    Setting(
        "models_dir",
        "TRANSLATE_MODELS_DIR",
        "models",
        "Folder of bundled .argosmodel files, installed on first use.",
        Path,
        "DIR",
    ),
    Setting(
        "packages_dir",
        "TRANSLATE_PACKAGES_DIR",
        None,
        "Folder Argos packages are unpacked into.",
        Path,
        "DIR",
        shown_default="packages/ beside the database",
    ),
    Setting(
        "link_template",
        "TRANSLATE_LINK_TEMPLATE",
        "/articles/{id}/{lang}",
        "Where an article's page in a language is published; {id} and {lang} are filled in.",
        _link_template,
        "TEMPLATE",
    ),
    Setting(
        "publish_policy",
        "TRANSLATE_PUBLISH_POLICY",
        "approved",
        "When a translation goes live: approved (only when an editor publishes it in the desk) or current "
        "(as soon as `run` makes it, marked as not reviewed until approved).",
        _publish_policy,
        "POLICY",
    ),
    Setting(
        "package",
        "TRANSLATE_PACKAGE",
        None,
        "Installed package to translate with, by name.",
        metavar="NAME",
        shown_default="the en→ja package with the highest version",
    ),
    Setting("device", "TRANSLATE_DEVICE", "cpu", "Where CTranslate2 runs: cpu or cuda.", _device, "DEVICE"),
    Setting(
        "threads",
        "TRANSLATE_THREADS",
        "1",
        "CPU threads for one translation (0: all cores). One was the fastest measured on 2-core machines, "
        "idle and beside a busy process (bench/README.md, \"Threads\").",
        _at_least("threads", 0),
        "N",
    ),
    Setting(
        "compute_type",
        "TRANSLATE_COMPUTE_TYPE",
        "default",
        "CTranslate2 compute type: int8, int8_float32, int16 or float32 on a CPU; bfloat16, float16 and "
        "their int8_ forms on CUDA too (default: as the package stores it).",
        _compute_type,
        "TYPE",
    ),
    Setting("beam_size", "TRANSLATE_BEAM_SIZE", "4", "Beam size for decoding.", _at_least("beam size", 1), "N"),
    Setting(
        "mbr",
        "TRANSLATE_MBR",
        "4",
        "Minimum Bayes risk decoding: of the beam's N best (at most the beam size: a beam of 2 has "
        "2), keep the one the others agree with most (chrF); 1: the beam's best.",
        _at_least("mbr", 1),
        "N",
    ),
    Setting(
        "batch_tokens",
        "TRANSLATE_BATCH_TOKENS",
        "2048",
        "Largest batch sent to the model at once, in source tokens.",
        _at_least("batch tokens", 16),
        "N",
    ),
    Setting("host", "TRANSLATE_HOST", "127.0.0.1", "Address `serve` listens on.", metavar="HOST"),
    Setting("port", "TRANSLATE_PORT", "8000", "Port `serve` listens on (0: any free port).", _port, "PORT"),
    Setting(
        "token",
        "TRANSLATE_TOKEN",
        None,
        "Access token `serve` requires of every request; needed to listen beyond 127.0.0.1.",
        metavar="TOKEN",
        shown_default="none",
    ),
    Setting(
        "allowed_hosts",
        "TRANSLATE_ALLOWED_HOSTS",
        None,
        "Host names `serve` answers to besides loopback, comma-separated (with --token, beyond 127.0.0.1); "
        "a request for any other Host is refused.",
        _host_names,
        "NAMES",
        shown_default="loopback names only",
    ),
)


SETTING_BY_NAME = {setting.name: setting for setting in SETTINGS}


def default(name: str) -> object:
    """The parsed default of setting `name` (int for beam_size).

    :raises KeyError: for a setting that does not exist.
    """
    setting = SETTING_BY_NAME[name]
    return None if setting.default is None else setting.parse(setting.default)


def settings_table() -> str:
    """The README's settings table (Markdown), made from SETTINGS; tests/test_docs.py keeps them equal."""
    rows = ["| flag | environment | default | |", "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        default = s.shown_default or f"`{s.default}`"
        rows.append(f"| `{s.flag}` | `{s.env}` | {default} | {s.help} |")
    return "\n".join(rows)


@dataclass(frozen=True)
class Config:
    db: Path
    models_dir: Path
    packages_dir: Path
    package: str | None
    link_template: str
    publish_policy: str
    device: str
    threads: int
    compute_type: str
    beam_size: int
    mbr: int
    batch_tokens: int
    host: str
    port: int
    token: str | None
    allowed_hosts: tuple[str, ...] | None


def resolve(environ: Mapping[str, str] | None = None, **flags: object) -> Config:
    """Build the configuration: a flag that is not None wins, then the environment, then the default."""
    environ = os.environ if environ is None else environ
    unknown = set(flags) - set(SETTING_BY_NAME)
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    values: dict[str, object] = {}
    for setting in SETTINGS:
        raw = flags.get(setting.name)
        if raw is None:
            raw = environ.get(setting.env) or setting.default
        values[setting.name] = None if raw is None else setting.parse(str(raw))
    if values["packages_dir"] is None:
        values["packages_dir"] = Path(values["db"]).parent / "packages"  # type: ignore[arg-type]
    return Config(**values)  # type: ignore[arg-type]

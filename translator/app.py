"""The application object the faces share: settings, the store, the engine factory, the batch run.

The `translate` group builds one App per command line and hands it to every
command (click's make_pass_decorator, as in click's examples/repo); a web face
would build the same object. Settings are resolved when first asked for
(flag > environment > default), so `--help` works whatever the environment holds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator, Mapping

from .translation import convert, packages, pipeline
from .editorial import publish
from .core.settings import Config, resolve
from .translation.engine import CTranslate2Engine, Decoding, Engine, EngineOptions
from .core.errors import PackageError, TranslateError
from .core.languages import SOURCE_LANG, TARGET_LANG
from .core.news import PublishPolicy
from .store import Store, opened


EngineFactory = Callable[[Config], Engine]

log = logging.getLogger(__name__)


def load_engine(config: Config) -> CTranslate2Engine:
    """The engine for the configured package (of any family), after installing or repairing the bundled packages.

    The model loads on first use. Broken packages are skipped, each logged as a warning.

    :raises NoPackageError: when no usable package translates English into Japanese (naming broken ones).
    :raises PackageFolderError: when the package folder cannot be written.
    :raises PackageError: when the machine fails while installing (a full disk).
    """
    with _package_folder(config.packages_dir):
        found = packages.prepare(config.packages_dir, config.models_dir, SOURCE_LANG, TARGET_LANG, config.package)
    info = found.chosen()
    for broken in found.broken:
        log.warning("skipped %s", broken)
    return CTranslate2Engine(
        info,
        EngineOptions(
            device=config.device,
            threads=config.threads,
            compute_type=config.compute_type,
            batch_tokens=config.batch_tokens,
            decoding=Decoding(beam_size=config.beam_size, mbr_candidates=config.mbr),
        ),
    )



@contextlib.contextmanager
def _package_folder(packages_dir: Path) -> Iterator[None]:
    """Installing into the package folder: a fault of the machine there becomes PackageError (one line)."""
    try:
        yield
    except OSError as error:
        raise PackageError(
            f"{packages_dir}/: cannot install a package there ({error.strerror or error}): make the folder "
            "writable and give it room, or choose another with --packages-dir"
        ) from None


@dataclass
class App:
    """Settings from the command line's flags, and what is built from them.

    `flags` are the options given before the command (None: not given);
    `engine_factory` makes the engine from the settings (tests give a fake).
    """

    flags: Mapping[str, object] = field(default_factory=dict)
    engine_factory: EngineFactory = load_engine

    def with_flags(self, flags: Mapping[str, object]) -> "App":
        return dataclasses.replace(self, flags=dict(flags))

    def settings(self, **more: object) -> Config:
        """The settings with `more` flags (a command's own options) on top of the group's.

        :raises ConfigError: when a setting has an unusable value.
        """
        return resolve(**{**self.flags, **more})

    @cached_property
    def config(self) -> Config:
        return self.settings()

    @contextlib.contextmanager
    def store(self, *, create: bool = False) -> Iterator[Store]:
        """The database, closed on leaving the block. Only commands that write pass `create`.

        :raises StoreError: when the database is missing (without `create`) or unusable.
        """
        with opened(self.config.db, create=create) as store:
            yield store

    def engine(self, **options: object) -> Engine:
        """The engine, with a command's own engine options on top of the settings."""
        return self.engine_factory(self.settings(**options))

    def translate_pending(
        self,
        on_start: Callable[[int], None] | None = None,
        on_article: Callable[[int], None] | None = None,
        upgrade: bool = False,
        **options: object,
    ) -> pipeline.RunReport:
        """Translate every pending article (pipeline.run), then, under the publish policy
        `current`, publish those now current. `upgrade`: also re-translate, with the
        package in use, the articles another package made that no editor has touched.

        Publishing runs after an interrupted or failed run too, for the articles it
        finished (unless the database is what failed).

        :raises StoreError: when the database is missing (`translate import` makes it), or cannot be opened or written.
        :raises PackageError, NoPackageError: when there is no usable package.
        :raises EngineError: when the model fails while translating.
        """
        config = self.settings(**options)

        def publish_current() -> None:
            if config.publish_policy == PublishPolicy.CURRENT:
                publish.publish_current(store, config.link_template, SOURCE_LANG, TARGET_LANG)

        with opened(config.db, create=False) as store:  # a run from the wrong folder must not look fine
            try:
                report = pipeline.run(
                    store,
                    lambda: self.engine_factory(config),
                    target_lang=TARGET_LANG,
                    on_start=on_start,
                    on_article=on_article,
                    upgrade=upgrade,
                )
            except BaseException:
                with contextlib.suppress(TranslateError):  # the run's own error is the one to tell
                    publish_current()
                raise
            publish_current()
        return report

    def packages(self) -> packages.Listing:
        """The installed packages (the bundled ones installed or repaired first), the one in use, the broken ones.

        :raises PackageFolderError: when the package folder cannot be written.
        """
        config = self.config
        with _package_folder(config.packages_dir):
            return packages.prepare(config.packages_dir, config.models_dir, SOURCE_LANG, TARGET_LANG, config.package)

    def install_package(self, file: Path) -> packages.PackageInfo:
        """Install an .argosmodel file into the package folder, once it has loaded and translated a sentence.

        :raises PackageError: when the file is not a usable Argos package, or the folder cannot be written.
        """
        with _package_folder(self.config.packages_dir):
            return packages.install(file, self.config.packages_dir)

    def convert_model(self, source: Path, out: Path, **options: object) -> convert.Converted:
        """Convert a model folder or zip (OPUS-MT, M2M-100, NLLB-200, MADLAD-400) into an .argosmodel
        file at `out` (convert.convert); nothing is installed.

        :raises PackageError: when it cannot be converted (one line: what is wrong).
        """
        return convert.convert(source, out, **options)  # type: ignore[arg-type]

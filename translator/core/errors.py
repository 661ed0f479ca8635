"""Errors meant to be shown to the user as one line.

The library raises these; only the CLI turns them into messages and exit codes.
"""

from __future__ import annotations

from pathlib import Path

from .news import Status


class TranslateError(Exception):
    """Base class: the message is complete and fit to show as is."""


class ConfigError(TranslateError):
    """A setting (flag or environment variable) has an unusable value."""


class StoreError(TranslateError):
    """The database file cannot be opened or used."""


class EngineError(TranslateError):
    """The translation model failed while translating (CTranslate2 raised); finished work is kept."""


class PageFormatError(TranslateError):
    """A file is not a page in the journal layout."""

    def __init__(self, path: Path | str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ArticleNotFound(TranslateError):
    """No article has the requested id."""

    def __init__(self, article_id: int):
        self.article_id = article_id
        super().__init__(f"no article with id {article_id}")


class TranslationUnavailable(TranslateError):
    """The article has no current translation in the requested language."""

    def __init__(self, article_id: int, lang: str, status: Status):
        self.article_id = article_id
        self.lang = lang
        self.status = status
        what = "is out of date (the English changed)" if status == Status.STALE else "does not exist yet"
        super().__init__(
            f"the {lang} translation of article {article_id} {what}: run `translate run`"
        )


class PackageError(TranslateError):
    """A file is not a usable Argos package."""


class BrokenPackageError(PackageError):
    """A package file or installed package folder cannot be used: `path` names it, `problem` says why."""

    def __init__(self, path: Path | str, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class PackageFolderError(PackageError):
    """The package folder cannot be created or written."""


class NoPackageError(TranslateError):
    """No installed package translates the requested pair."""


class NotUTF8Error(TranslateError):
    """Bytes meant as text are not UTF-8; `source` names the file or "<stdin>"."""

    def __init__(self, source: Path | str, offset: int, byte: int):
        self.source = str(source)
        self.offset = offset
        self.byte = byte
        super().__init__(f"{self.source}: not UTF-8 text (byte 0x{byte:02x} at offset {offset})")


class SentenceNotFound(TranslateError):
    """The article has no sentence with the requested hash (its English changed, or the link is wrong)."""

    def __init__(self, article_id: int, source_hash: str):
        self.article_id = article_id
        self.source_hash = source_hash
        super().__init__(f"article {article_id} has no sentence {source_hash[:12]}: its English may have changed")


class EditorialError(TranslateError):
    """An editor's action that the article's state does not allow, or an unusable editor name."""


class PageNotFound(TranslateError):
    """An article has no page in the requested language: it is known only by its
    headline, or its translation is not published."""

    def __init__(self, article_id: int, lang: str, reason: str):
        self.article_id = article_id
        self.lang = lang
        super().__init__(f"article {article_id} has no page in {lang}: {reason}")


class SiteError(TranslateError):
    """The static site cannot be written where asked."""


class PathNotFound(TranslateError):
    """No file or folder named to an import exists: `paths` names them, relative ones found from `cwd`."""

    PROBLEM = "no such file or folder"

    def __init__(self, paths: list[Path], cwd: Path):
        self.paths = [str(path) for path in paths]
        where = f" (looked in {cwd})" if any(not path.is_absolute() for path in paths) else ""
        super().__init__(f"{', '.join(self.paths)}: {self.PROBLEM}{where}")


class InputTooLarge(TranslateError):
    """An input (a page file, standard input) is over its size limit; `source` names it."""

    def __init__(self, source: Path | str, limit: int, what: str):
        self.source = str(source)
        self.limit = limit
        super().__init__(f"{self.source}: larger than {limit / 2**20:g} MiB, the most {what} may hold")


class GlossaryError(TranslateError):
    """The glossary cannot take this entry, or has no such term."""


class GlossaryFormatError(GlossaryError):
    """A glossary file is not CSV (english, japanese, note) or TBX with English and Japanese terms."""


class TermNotFound(GlossaryError):
    """The glossary has no entry for the English term."""

    def __init__(self, english: str):
        self.english = english
        super().__init__(f"no glossary entry for {english!r}")

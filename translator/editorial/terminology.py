"""The desk's glossary: add, change, remove, import and export terms; every change rechecks what it touches.

The entries are the store's (Store.glossary); reading and writing glossary
files and finding terms in text is quality/glossary.py's. A glossary change
does not rewrite any Japanese: enforcement (quality/terms.py) applies when the
batch translates; a term added later is flagged where the Japanese lacks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from enum import StrEnum
from pathlib import Path

from ..core.errors import TermNotFound
from ..core.wording import count
from ..quality.glossary import GlossaryEntry, glossary_csv, glossary_tbx, make_entry, read_glossary, term_key
from ..store import Store
from .rechecks import recheck_terms

FORMATS = ("csv", "tbx")


class TermChange(StrEnum):
    """What adding an entry did to the glossary."""

    ADDED = "added"
    UPDATED = "updated"  # the term was there with another Japanese or note
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class GlossaryImport:
    """What importing a glossary file did: entries added, updated, unchanged, removed (with `replace`)."""

    added: int
    updated: int
    unchanged: int
    removed: int
    articles_rechecked: int
    replace: bool = False  # the import replaced the glossary (so `removed` is worth saying, even when 0)

    def summary(self, source: str) -> str:
        """One line for an editor: 'Imported FILE: 2 added, 0 updated, 1 unchanged[, 0 removed]; 1 article rechecked'."""
        articles = count(self.articles_rechecked, "article")
        return (
            f"Imported {source}: {self.added} added, {self.updated} updated, {self.unchanged} unchanged"
            + (f", {self.removed} removed" if self.replace else "")
            + f"; {articles} rechecked"
        )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def add_term(
    store: Store, english: str, japanese: str, note: str = "", *, lang: str = "ja"
) -> tuple[GlossaryEntry, TermChange]:
    """Add an entry, or replace the one with the same English (case and spacing ignored), then recheck.

    Returns the entry as stored (trimmed, see glossary.make_entry) and what changed.

    :raises GlossaryError: when the English or Japanese is empty or holds a control character.
    """
    entry = make_entry(english, japanese, note)
    with store.transaction():
        old = store.glossary_entry(entry.english)
        if old == entry:
            return entry, TermChange.UNCHANGED
        store.write_glossary([entry], _now())
        recheck_terms(store, [entry] + ([old] if old else []), lang)
    return entry, TermChange.ADDED if old is None else TermChange.UPDATED


def remove_term(store: Store, english: str, *, lang: str = "ja") -> GlossaryEntry:
    """Remove the entry for `english` (case and spacing ignored), then recheck; return it.

    :raises TermNotFound: when the glossary has no such entry.
    """
    with store.transaction():
        old = store.glossary_entry(english)
        if old is None:
            raise TermNotFound(" ".join(english.split()))
        store.remove_glossary_terms([english])
        recheck_terms(store, [old], lang)
    return old


def import_glossary(store: Store, path: Path | str, *, replace: bool = False, lang: str = "ja") -> GlossaryImport:
    """Add a file's entries (CSV or TBX, see glossary.read_glossary), replacing entries with the same English.

    With `replace`, entries not in the file are removed: the glossary becomes the
    file. All of it happens in one transaction, with the recheck.

    :raises GlossaryFormatError: when the file cannot be read as a glossary (nothing changes).
    """
    entries = read_glossary(path)
    with store.transaction():
        before = {term_key(e.english): e for e in store.glossary()}
        after = {term_key(e.english): e for e in entries}
        changed = [e for key, e in after.items() if before.get(key) != e]
        removed = [e for key, e in before.items() if key not in after] if replace else []
        store.write_glossary(changed, _now())
        store.remove_glossary_terms(entry.english for entry in removed)
        replaced = [before[term_key(e.english)] for e in changed if term_key(e.english) in before]
        rechecked = recheck_terms(store, changed + removed + replaced, lang)
    return GlossaryImport(
        added=sum(term_key(e.english) not in before for e in changed),
        updated=len(replaced),
        unchanged=len(entries) - len(changed),
        removed=len(removed),
        articles_rechecked=rechecked,
        replace=replace,
    )


def export_glossary(store: Store, fmt: str = "csv") -> tuple[str, int]:
    """The stored glossary as the text of a glossary file, "csv" or "tbx" (FORMATS), and its number of terms.

    `import_glossary` reads the file back.
    """
    entries = store.glossary()
    return (glossary_tbx(entries) if fmt == "tbx" else glossary_csv(entries)), len(entries)

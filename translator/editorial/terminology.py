"""The desk's glossary: add, change, remove, import and export terms; every change rechecks what it touches.

The entries are the store's (Store.glossary); reading and writing glossary
files and finding terms in text is quality/glossary.py's. A glossary change
post-edits the machine output it touches again (rechecks.recheck_terms), never an
editor's text nor an approved article's, whose flags say where it lacks a term.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from enum import StrEnum
from pathlib import Path

from ..core.errors import TermNotFound
from ..core.wording import count
from ..quality.glossary import GlossaryEntry, glossary_csv, glossary_tbx, load_glossary, make_entry, term_key
from ..store import Store
from .rechecks import TermRecheck, recheck_terms

FORMATS = ("csv", "tbx")


class TermChange(StrEnum):
    """What adding an entry did to the glossary."""

    ADDED = "added"
    UPDATED = "updated"  # the term was there with another Japanese or note
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class GlossaryImport:
    """What importing a glossary file did: entries added, updated, unchanged, removed (with `replace`).

    `repeated`: the file's rows merged into an earlier row as the same entry
    (glossary.GlossaryFile.repeated); `normalised`: entries the file wrote in
    another form than the glossary keeps (NFC, news style's Japanese).
    """

    added: int
    updated: int
    unchanged: int
    removed: int
    articles_rechecked: int
    replace: bool = False  # the import replaced the glossary (so `removed` is worth saying, even when 0)
    repeated: tuple[str, ...] = ()
    normalised: int = 0
    sentences_rewritten: int = 0  # machine sentences post-edited again to follow the glossary
    formulas: tuple[str, ...] = ()  # cells a spreadsheet would run as formulas (glossary.GlossaryFile.formulas)

    def summary(self, source: str) -> str:
        """One line for an editor: 'Imported FILE: 2 added, 0 updated, 1 unchanged[, 0 removed]; 1 article rechecked',
        then, if any, '; 1 term normalised (Unicode NFC, news style)' and
        '; 1 repeated row merged (line 3: 'Zürich' as at line 2 (the same term in another Unicode form))'."""
        articles = count(self.articles_rechecked, "article")
        shown = "; ".join(self.repeated[:3]) + ("; ..." if len(self.repeated) > 3 else "")
        return (
            f"Imported {source}: {self.added} added, {self.updated} updated, {self.unchanged} unchanged"
            + (f", {self.removed} removed" if self.replace else "")
            + f"; {articles} rechecked"
            + (f", {count(self.sentences_rewritten, 'machine sentence')} rewritten to follow the glossary" if self.sentences_rewritten else "")
            + (f"; {count(self.normalised, 'term')} normalised (Unicode NFC, news style)" if self.normalised else "")
            + (f"; {count(len(self.repeated), 'repeated row')} merged ({shown})" if self.repeated else "")
        )

    def warnings(self, source: str) -> list[str]:
        """One line per cell of the file that starts as a spreadsheet formula: 'FILE, line 2: the English starts with ...'.

        The terms are kept as text (and quoted on export); a colleague who opens the
        file itself in a spreadsheet should know it holds such cells.
        """
        return [f"{source}, {line} (kept as text; exports quote it)" for line in self.formulas]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def add_term(
    store: Store, english: str, japanese: str, note: str = "", *, lang: str = "ja"
) -> tuple[GlossaryEntry, TermChange, TermRecheck]:
    """Add an entry, or replace the one with the same English (case, spacing and Unicode form ignored), then recheck.

    Returns the entry as stored (normalised: trimmed, NFC, its Japanese in news
    style; see glossary.make_entry), what changed in the glossary, and what changed
    in the translations. The entry is written in one short transaction; the
    articles it touches are rechecked after it, each in its own, their machine
    output post-edited again to follow it (rechecks.recheck_terms).

    :raises GlossaryError: when the English or Japanese is empty or holds a control character.
    """
    entry = make_entry(english, japanese, note)
    with store.transaction():
        old = store.glossary_entry(entry.english)
        if old == entry:
            return entry, TermChange.UNCHANGED, TermRecheck(0, 0)
        store.write_glossary([entry], _now())
    done = recheck_terms(store, [entry] + ([old] if old else []), lang)  # after the commit, article by article
    return entry, TermChange.ADDED if old is None else TermChange.UPDATED, done


def remove_term(store: Store, english: str, *, lang: str = "ja") -> tuple[GlossaryEntry, TermRecheck]:
    """Remove the entry for `english` (case, spacing and Unicode form ignored), then recheck; return it
    and what changed in the translations (machine output no longer held to it is post-edited again).

    :raises TermNotFound: when the glossary has no such entry.
    """
    with store.transaction():
        old = store.glossary_entry(english)
        if old is None:
            raise TermNotFound(" ".join(english.split()))
        store.remove_glossary_terms([english])
    return old, recheck_terms(store, [old], lang)


def import_glossary(store: Store, path: Path | str, *, replace: bool = False, lang: str = "ja") -> GlossaryImport:
    """Add a file's entries (CSV or TBX, see glossary.read_glossary), replacing entries with the same English.

    With `replace`, entries not in the file are removed: the glossary becomes the
    file. The glossary changes in one transaction; the articles the change touches
    are rechecked after it, each in its own (rechecks.recheck_terms). Entries are
    normalised as they are read (glossary.make_entry), and rows that are one entry
    once normalised are merged; the report says how many of each.

    :raises GlossaryFormatError: when the file cannot be read as a glossary (nothing changes).
    """
    file = load_glossary(path)
    entries = file.entries
    with store.transaction():
        before = {term_key(e.english): e for e in store.glossary()}
        after = {term_key(e.english): e for e in entries}
        changed = [e for key, e in after.items() if before.get(key) != e]
        removed = [e for key, e in before.items() if key not in after] if replace else []
        store.write_glossary(changed, _now())
        store.remove_glossary_terms(entry.english for entry in removed)
        replaced = [before[term_key(e.english)] for e in changed if term_key(e.english) in before]
    done = recheck_terms(store, changed + removed + replaced, lang)
    return GlossaryImport(
        added=sum(term_key(e.english) not in before for e in changed),
        updated=len(replaced),
        unchanged=len(entries) - len(changed),
        removed=len(removed),
        articles_rechecked=done.articles,
        replace=replace,
        repeated=file.repeated,
        normalised=file.normalised,
        sentences_rewritten=done.rewritten,
        formulas=file.formulas,
    )


def export_glossary(store: Store, fmt: str = "csv") -> tuple[str, int]:
    """The stored glossary as the text of a glossary file, "csv" or "tbx" (FORMATS), and its number of terms.

    `import_glossary` reads the file back.
    """
    entries = store.glossary()
    return (glossary_tbx(entries) if fmt == "tbx" else glossary_csv(entries)), len(entries)

"""QA in the store: the desk's glossary, and the flags of every saved translation, kept in step.

Flags are what `checks.check_article` and `checks.style_flags` find in a translation,
stored per sentence (by the hash of its English) with the translation. They
are computed again, in the same transaction as the change:

- when the batch saves a translation (pipeline.py calls `recheck`);
- when an editor's edit is saved (the desk calls `recheck` with the edited
  sentence: only it, and the name check across the article, are redone; the
  other sentences keep their stored flags, so flags stored by an older version
  of the checks stay until the next full recheck);
- when the glossary changes (`add_term`, `remove_term`, `import_glossary`): for
  every article whose English holds a changed term, or whose Japanese holds a
  Latin word a changed entry's Japanese allows (qa's english_left check).

So a flag on screen is always that of the glossary as it is. A glossary change
does not rewrite any Japanese: enforcement (terms.py) applies when the batch
translates; a term added later is flagged where the Japanese lacks it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import StrEnum
from pathlib import Path

from ..quality import checks
from ..core.errors import TermNotFound
from ..quality.glossary import (
    GlossaryEntry,
    glossary_csv,
    glossary_tbx,
    latin_words,
    make_entry,
    read_glossary,
    term_key,
    terms_pattern,
)
from ..store import Store
from ..core.wording import count

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


# -- the glossary -----------------------------------------------------------------------------


def glossary(store: Store) -> list[GlossaryEntry]:
    """The stored glossary, in order of the English terms (case ignored)."""
    return [
        GlossaryEntry(row["english"], row["japanese"], row["note"])
        for row in store.db["glossary"].rows_where(order_by="key")
    ]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _write(store: Store, entries: list[GlossaryEntry]) -> None:
    now = _now()
    store.db["glossary"].upsert_all(
        ({"key": term_key(e.english), "english": e.english, "japanese": e.japanese, "note": e.note, "updated_at": now}
         for e in entries),
        pk="key",
    )  # fmt: skip


def add_term(
    store: Store, english: str, japanese: str, note: str = "", *, lang: str = "ja"
) -> tuple[GlossaryEntry, TermChange]:
    """Add an entry, or replace the one with the same English (case and spacing ignored), then recheck.

    Returns the entry as stored (trimmed, see glossary.make_entry) and what changed.

    :raises GlossaryError: when the English or Japanese is empty or holds a control character.
    """
    entry = make_entry(english, japanese, note)
    with store.transaction():
        old = _stored(store, entry.english)
        if old == entry:
            return entry, TermChange.UNCHANGED
        _write(store, [entry])
        _recheck_for(store, [entry] + ([old] if old else []), lang)
    return entry, TermChange.ADDED if old is None else TermChange.UPDATED


def remove_term(store: Store, english: str, *, lang: str = "ja") -> GlossaryEntry:
    """Remove the entry for `english` (case and spacing ignored), then recheck; return it.

    :raises TermNotFound: when the glossary has no such entry.
    """
    with store.transaction():
        old = _stored(store, english)
        if old is None:
            raise TermNotFound(" ".join(english.split()))
        store.db["glossary"].delete(term_key(english))
        _recheck_for(store, [old], lang)
    return old


def import_glossary(store: Store, path: Path | str, *, replace: bool = False, lang: str = "ja") -> GlossaryImport:
    """Add a file's entries (CSV or TBX, see glossary.read_glossary), replacing entries with the same English.

    With `replace`, entries not in the file are removed: the glossary becomes the
    file. All of it happens in one transaction, with the recheck.

    :raises GlossaryFormatError: when the file cannot be read as a glossary (nothing changes).
    """
    entries = read_glossary(path)
    with store.transaction():
        before = {term_key(e.english): e for e in glossary(store)}
        after = {term_key(e.english): e for e in entries}
        changed = [e for key, e in after.items() if before.get(key) != e]
        removed = [e for key, e in before.items() if key not in after] if replace else []
        _write(store, changed)
        for entry in removed:
            store.db["glossary"].delete(term_key(entry.english))
        replaced = [before[term_key(e.english)] for e in changed if term_key(e.english) in before]
        rechecked = _recheck_for(store, changed + removed + replaced, lang)
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
    entries = glossary(store)
    return (glossary_tbx(entries) if fmt == "tbx" else glossary_csv(entries)), len(entries)


def _stored(store: Store, english: str) -> GlossaryEntry | None:
    row = next(store.db["glossary"].rows_where("key = ?", [term_key(english)]), None)
    return GlossaryEntry(row["english"], row["japanese"], row["note"]) if row else None


# -- flags ---------------------------------------------------------------------------------


def recheck(
    store: Store,
    article_id: int,
    lang: str = "ja",
    entries: list[GlossaryEntry] | None = None,
    changed: Collection[str] | None = None,
) -> dict[str, tuple[checks.Flag, ...]]:
    """Compute and store the QA flags of the article's translation into `lang`; return them by sentence hash.

    Every sentence that has a translation is checked (checks.check_article with the
    glossary, `entries` or the stored one, then checks.style_flags); headlines and
    subheadings as headlines. A sentence that occurs twice is checked once.
    `changed`: the hashes of the only sentences whose Japanese changed since the
    last recheck (an editor's edit): the others keep their stored sentence and
    style flags, and the name check runs across all, which gives the flags a
    full recheck gives at a fraction of the cost (bench/README.md, "The desk").
    One transaction, read and write.

    :raises ArticleNotFound: when there is no article `article_id`.
    """
    with store.transaction():
        if entries is None:
            entries = glossary(store)
        article = store.aligned_article(article_id, lang)
        pairs = [
            (block.kind.headline_style, pair)
            for block in article.blocks
            for pair in block.pairs
            if pair.target is not None
        ]
        kept = {
            i: [f for f in pair.flags if f.check not in (checks.Check.NAME_CONSISTENCY, checks.Check.STYLE)]
            for i, (headline, pair) in enumerate(pairs)
            if changed is not None and pair.source_hash not in changed
        }
        checked = checks.check_article(
            [checks.SentencePair(p.source, p.target or "", bool(p.truncated), headline) for headline, p in pairs],
            entries,
            kept,
        )
        flags: dict[str, tuple[checks.Flag, ...]] = {}
        for i, ((headline, pair), found) in enumerate(zip(pairs, checked)):
            if pair.source_hash not in flags:
                if i in kept:
                    style = [f for f in pair.flags if f.check is checks.Check.STYLE]
                else:
                    style = checks.style_flags(pair.target or "", is_headline=headline)
                flags[pair.source_hash] = tuple(found + style)
        store.save_flags(article_id, lang, flags)
    return flags


def _recheck_for(store: Store, changed: list[GlossaryEntry], lang: str) -> int:
    """Recheck every article a change to these entries can affect; return how many."""
    pattern = terms_pattern(changed)
    words = latin_words(changed)
    if pattern is None:
        return 0
    ids = sorted(
        {
            row["article_id"]
            for row in store.db.query(
                "select article_id, source, text from sentence_translations where lang = ?", [lang]
            )
            if pattern.search(row["source"]) or any(word in row["text"] for word in words)
        }
    )
    entries = glossary(store)
    for article_id in ids:
        recheck(store, article_id, lang, entries)
    return len(ids)

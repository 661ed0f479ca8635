"""QA flags of the stored translations, kept in step with them.

Flags are what `checks.check_article` and `checks.style_flags` find in a
translation, stored per sentence (by the hash of its English) with the
translation. They are computed again:

- when the batch saves a translation (pipeline.py calls `recheck`), in the same
  transaction as the save;
- when an editor's edit is saved (the desk calls `recheck` with the edited
  sentence: only it, and the name check across the article, are redone; the
  other sentences keep their stored flags, so flags stored by an older version
  of the checks stay until the next full recheck), in the same transaction;
- when the glossary changes (editorial/terminology.py, once the change is
  committed: `recheck_terms` finds every article whose English holds a changed
  term, or whose Japanese holds a Latin word a changed entry's Japanese allows).
  These are checked outside any write transaction, from a consistent read, and
  each article's flags are then written in a short transaction of its own, once
  it has made sure that neither the article's translation nor the glossary has
  changed since that read (else the article is read and checked again). So a
  term change holds SQLite's write lock for one article's write at a time, never
  for the whole recheck (issue 25: 58.6 s for 22 articles, and the desk waited).

So a flag on screen is that of the glossary as it is, except, after a glossary
change, for the moments its recheck takes; should the process stop meanwhile,
the articles not yet rechecked keep their earlier flags until they are next
checked (a save, an edit, or another change of a term they hold).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from typing import NamedTuple

from ..core.errors import ArticleNotFound
from ..core.news import AlignedArticle, Check, Flag, Origin
from ..core.wording import count
from ..quality import checks
from ..quality.glossary import GlossaryEntry, entry_fields, term_index
from ..quality.post_editing import post_edit
from ..store import Store

# How often a glossary recheck reads and checks an article again, outside the write lock,
# when it changed between the read and the write; then it is checked under the lock.
ATTEMPTS = 3


def article_flags(
    article: AlignedArticle, entries: list[GlossaryEntry], changed: Collection[str] | None = None
) -> dict[str, tuple[Flag, ...]]:
    """The QA flags of the article's translation, by sentence hash: what `recheck` stores.

    Every sentence that has a translation is checked (checks.check_article with
    the glossary `entries`, then checks.style_flags); headlines and subheadings as
    headlines. A sentence that occurs twice keeps its first occurrence's flags. `changed`: as for
    `recheck`, the only sentences to check again; the others keep their flags as
    read with `article`. Pure: reads and writes nothing.
    """
    # Numbered as the desk's rows are (every sentence, translated or not), for the name check's messages.
    numbered = [(block.kind.headline_style, pair) for block in article.blocks for pair in block.pairs]
    numbers = [n for n, (_, pair) in enumerate(numbered, 1) if pair.target is not None]
    pairs = [(headline, pair) for headline, pair in numbered if pair.target is not None]
    kept = {
        i: [f for f in pair.flags if f.check not in (Check.NAME_CONSISTENCY, Check.STYLE)]
        for i, (headline, pair) in enumerate(pairs)
        if changed is not None and pair.source_hash not in changed
    }
    checked = checks.check_article(
        # The model's score is the confidence check's; the store has none for an editor's or the memory's text.
        [checks.SentencePair(p.source, p.target or "", bool(p.truncated), headline, p.score) for headline, p in pairs],
        entries,
        kept,
        numbers,
        article.translation.confidence_threshold if article.translation else None,
    )
    flags: dict[str, tuple[Flag, ...]] = {}
    for i, ((headline, pair), found) in enumerate(zip(pairs, checked)):
        if pair.source_hash not in flags:
            if i in kept:
                style = [f for f in pair.flags if f.check is Check.STYLE]
            else:
                style = checks.style_flags(pair.target or "", is_headline=headline)
            flags[pair.source_hash] = tuple(found + style)
    return flags


def recheck(
    store: Store,
    article_id: int,
    lang: str = "ja",
    entries: list[GlossaryEntry] | None = None,
    changed: Collection[str] | None = None,
) -> dict[str, tuple[Flag, ...]]:
    """Compute and store the QA flags of the article's translation into `lang`; return them by sentence hash.

    The flags are `article_flags` of the article with the glossary, `entries` or
    the stored one. `changed`: the hashes of the only sentences whose Japanese
    changed since the last recheck (an editor's edit): the others keep their
    stored sentence and style flags, and the name check runs across all, which
    gives the flags a full recheck gives at a fraction of the cost (bench/README.md,
    "The desk"). One transaction, read and write: for the batch's save and the
    desk's edit, whose transactions it joins.

    :raises ArticleNotFound: when there is no article `article_id`.
    """
    with store.transaction():
        if entries is None:
            entries = store.glossary()
        flags = article_flags(store.aligned_article(article_id, lang), entries, changed)
        store.save_flags(article_id, lang, flags)
    return flags


def _checked_text(article: AlignedArticle) -> list[tuple]:
    """What an article's flags are computed from (besides the glossary): each translated sentence as checked."""
    return [
        (block.kind, pair.source_hash, pair.source, pair.target, pair.truncated, pair.score)
        for block in article.blocks
        for pair in block.pairs
        if pair.target is not None
    ]


def _recheck_outside_lock(
    store: Store, article_id: int, lang: str, entries: list[GlossaryEntry]
) -> list[GlossaryEntry]:
    """Check the article as read now with the glossary `entries`, then write its flags in a short
    transaction if neither changed meanwhile; return the glossary as it was at the write."""
    for _ in range(ATTEMPTS):
        article = store.aligned_article(article_id, lang)  # one consistent read, no lock
        flags = article_flags(article, entries)
        with store.transaction():
            # Under the lock: the translation and the glossary must still be what was checked.
            stored = store.glossary()
            same_glossary = list(map(entry_fields, stored)) == list(map(entry_fields, entries))
            if same_glossary and _checked_text(store.aligned_article(article_id, lang)) == _checked_text(article):
                store.save_flags(article_id, lang, flags)
                return entries
        entries = stored
    recheck(store, article_id, lang)  # it keeps changing: check it under the lock, as its writers do
    return store.glossary()


class TermRecheck(NamedTuple):
    """What a glossary change did to the stored translations: articles rechecked, machine sentences rewritten."""

    articles: int
    rewritten: int

    def summary(self) -> str:
        """'; 2 articles rechecked, 3 machine sentences rewritten to follow the glossary' (empty when nothing was)."""
        if not self.articles:
            return ""
        rewritten = f", {count(self.rewritten, 'machine sentence')} rewritten to follow the glossary" if self.rewritten else ""
        return f"; {count(self.articles, 'article')} rechecked{rewritten}"


def _rewrites(article: AlignedArticle, machine: list[tuple[str, str, str, str]], entries: list[GlossaryEntry]) -> dict[str, str]:
    """Sentence hash → the engine's output post-edited with the glossary `entries`, where that differs from
    the text saved. Nothing for an approved article: its text is what the editors approved (the recheck
    flags a term it lacks instead). A sentence that occurs twice is styled as its first occurrence,
    as the batch saves it."""
    if article.approval is not None:
        return {}
    headline: dict[str, bool] = {}
    for block in article.blocks:
        for pair in block.pairs:
            headline.setdefault(pair.source_hash, block.kind.headline_style)
    rewrites = {}
    for source_hash, source, machine_text, text in machine:
        new = post_edit(source, machine_text, entries, headline=headline.get(source_hash, False))
        if new != text:
            rewrites[source_hash] = new
    return rewrites


def _with_rewrites(article: AlignedArticle, rewrites: dict[str, str]) -> AlignedArticle:
    """The article as it reads once its machine sentences in `rewrites` (hash → text) are rewritten."""
    blocks = tuple(
        dataclasses.replace(
            block,
            pairs=tuple(
                dataclasses.replace(pair, target=rewrites[pair.source_hash], reviewed=False)
                if pair.source_hash in rewrites and pair.origin in (Origin.MACHINE, Origin.CACHED)
                else pair
                for pair in block.pairs
            ),
        )
        for block in article.blocks
    )
    return dataclasses.replace(article, blocks=blocks)


def _rewrite(store: Store, article_id: int, lang: str, entries: list[GlossaryEntry]) -> int | None:
    """Post-edit the article's machine sentences again with the glossary `entries` and store them with
    their flags; the number rewritten, or None when none needs it (nothing written).

    As `_recheck_outside_lock`: the new texts and their flags are computed outside the write lock
    from one read, and written in one short transaction if the article, its machine output and the
    glossary are still as read; else read again (ATTEMPTS times, then under the lock).
    """
    for _ in range(ATTEMPTS):
        article = store.aligned_article(article_id, lang)
        machine = store.machine_sentences(article_id, lang)
        rewrites = _rewrites(article, machine, entries)
        if not rewrites:
            return None
        flags = article_flags(_with_rewrites(article, rewrites), entries)
        with store.transaction():
            stored = store.glossary()
            now = store.aligned_article(article_id, lang)
            if (
                list(map(entry_fields, stored)) == list(map(entry_fields, entries))
                and store.machine_sentences(article_id, lang) == machine
                and _checked_text(now) == _checked_text(article)
                and now.approval is None  # approved meanwhile: its text is the editors' now
            ):
                for source_hash, text in rewrites.items():
                    store.rewrite_machine_text(article_id, lang, source_hash, text)
                    store.clear_review(article_id, lang, source_hash)  # a confirmed text is not this one
                store.save_flags(article_id, lang, flags)
                return len(rewrites)
        entries = stored
    with store.transaction():  # it keeps changing: rewrite it under the lock, as its writers do
        entries = store.glossary()
        rewrites = _rewrites(store.aligned_article(article_id, lang), store.machine_sentences(article_id, lang), entries)
        for source_hash, text in rewrites.items():
            store.rewrite_machine_text(article_id, lang, source_hash, text)
            store.clear_review(article_id, lang, source_hash)
        recheck(store, article_id, lang, entries)
    return len(rewrites)


def recheck_terms(store: Store, changed: list[GlossaryEntry], lang: str) -> TermRecheck:
    """Bring every article a change to these entries can affect up to the glossary; say what changed.

    Call it once the change is committed. An article whose machine output
    (origin machine or cached; never an editor's or the memory's text) reads
    otherwise post-edited with the glossary as it is now (quality/post_editing.py)
    gets the new text, its flags and a fresh review state in one short
    transaction: names follow the glossary without another `translate run`
    (issue 24). An approved article keeps the text the editors approved; its
    flags say where it lacks a term. Any other article is read and checked
    outside any write transaction and its flags written in a transaction of their
    own (see the module docstring), so no write waits for the whole recheck. The
    articles are found through the changed terms' index (quality.glossary.term_index)
    in their English, and by the terms' Latin words (a Japanese kept in Latin letters,
    "Meta") in the Japanese their pages show, an editor's text included. An article
    that disappears meanwhile is skipped, and not counted.
    """
    index = term_index(changed)
    if not index.entries:
        return TermRecheck(0, 0)
    words = index.latin_words
    with store.snapshot():
        ids = sorted(
            {
                article_id
                for article_id, source, text in store.translated_sentences(lang)
                if index.find(source) or any(word in text for word in words)
            }
        )
    entries = store.glossary()  # read again only when a write finds it changed
    rechecked = rewritten = 0
    for article_id in ids:
        try:
            done = _rewrite(store, article_id, lang, entries)
            if done is None:
                entries = _recheck_outside_lock(store, article_id, lang, entries)
            else:
                rewritten += done
        except ArticleNotFound:
            continue
        rechecked += 1
    return TermRecheck(rechecked, rewritten)

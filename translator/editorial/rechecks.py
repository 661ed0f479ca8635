"""QA flags of the stored translations, kept in step with them.

Flags are what `checks.check_article` and `checks.style_flags` find in a
translation, stored per sentence (by the hash of its English) with the
translation. They are computed again, in the same transaction as the change:

- when the batch saves a translation (pipeline.py calls `recheck`);
- when an editor's edit is saved (the desk calls `recheck` with the edited
  sentence: only it, and the name check across the article, are redone; the
  other sentences keep their stored flags, so flags stored by an older version
  of the checks stay until the next full recheck);
- when the glossary changes (editorial/glossary.py: `recheck_terms` finds every
  article whose English holds a changed term, or whose Japanese holds a Latin
  word a changed entry's Japanese allows).

So a flag on screen is always that of the glossary as it is.
"""

from __future__ import annotations

from collections.abc import Collection

from ..core.news import Check, Flag
from ..quality import checks
from ..quality.glossary import GlossaryEntry, latin_words, terms_pattern
from ..store import Store


def recheck(
    store: Store,
    article_id: int,
    lang: str = "ja",
    entries: list[GlossaryEntry] | None = None,
    changed: Collection[str] | None = None,
) -> dict[str, tuple[Flag, ...]]:
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
            entries = store.glossary()
        article = store.aligned_article(article_id, lang)
        pairs = [
            (block.kind.headline_style, pair)
            for block in article.blocks
            for pair in block.pairs
            if pair.target is not None
        ]
        kept = {
            i: [f for f in pair.flags if f.check not in (Check.NAME_CONSISTENCY, Check.STYLE)]
            for i, (headline, pair) in enumerate(pairs)
            if changed is not None and pair.source_hash not in changed
        }
        checked = checks.check_article(
            [checks.SentencePair(p.source, p.target or "", bool(p.truncated), headline) for headline, p in pairs],
            entries,
            kept,
        )
        flags: dict[str, tuple[Flag, ...]] = {}
        for i, ((headline, pair), found) in enumerate(zip(pairs, checked)):
            if pair.source_hash not in flags:
                if i in kept:
                    style = [f for f in pair.flags if f.check is Check.STYLE]
                else:
                    style = checks.style_flags(pair.target or "", is_headline=headline)
                flags[pair.source_hash] = tuple(found + style)
        store.save_flags(article_id, lang, flags)
    return flags


def recheck_terms(store: Store, changed: list[GlossaryEntry], lang: str) -> int:
    """Recheck every article a change to these entries can affect; return how many."""
    pattern = terms_pattern(changed)
    words = latin_words(changed)
    if pattern is None:
        return 0
    ids = sorted(
        {
            article_id
            for article_id, source, text in store.translated_sentences(lang)
            if pattern.search(source) or any(word in text for word in words)
        }
    )
    entries = store.glossary()
    for article_id in ids:
        recheck(store, article_id, lang, entries)
    return len(ids)

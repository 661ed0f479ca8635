"""Translation memory: approved human translations of English sentences, reused and offered.

An entry is an editor's text for an English sentence in an article that was
then approved (editing.approve). `translate run` reuses an entry for the same
English sentence in any later article (origin MEMORY, never sent to the model);
the desk offers entries for similar sentences, scored by rapidfuzz. The
machine-translation cache (Store.cached_translations) is another thing: it only
ever holds the engine's own output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from rapidfuzz import fuzz, process, utils

from ..core.news import sentence_hash
from ..store import Store

# Below this similarity (0-100) a memory entry is more distraction than help;
# translation tools commonly start fuzzy matches at 70-75 %.
FUZZY_CUTOFF = 70.0


@dataclass(frozen=True)
class MemoryMatch:
    """A memory entry offered for a sentence: its English, its translation, similarity 0-100, who approved it and when."""

    source: str
    text: str
    score: float
    editor: str
    approved_at: str


def exact(store: Store, sources: Iterable[str], lang: str) -> dict[str, str]:
    """The memory's translations into `lang` of exactly these English sentences: English → text."""
    found: dict[str, str] = {}
    wanted = list(dict.fromkeys(sources))
    for start in range(0, len(wanted), 500):  # stay well under SQLite's variable limit
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = store.db.query(
            f"select source, text from memory where lang = ? and source_hash in ({marks})",
            [lang, *(sentence_hash(source) for source in chunk)],
        )
        found.update((row["source"], row["text"]) for row in rows)
    return found


def remember(store: Store, lang: str, pairs: Iterable[tuple[str, str]], *, editor: str, article_id: int, at: str) -> None:
    """Keep (English, translation) pairs approved by `editor` at `at` (ISO 8601); a newer one replaces an older one."""
    store.db["memory"].upsert_all(
        (
            {
                "lang": lang,
                "source_hash": sentence_hash(source),
                "source": source,
                "text": text,
                "editor": editor,
                "article_id": article_id,
                "approved_at": at,
            }
            for source, text in pairs
        ),
        pk=("lang", "source_hash"),
    )


def similar(store: Store, source: str, lang: str, *, limit: int = 5, cutoff: float = FUZZY_CUTOFF) -> list[MemoryMatch]:
    """Memory entries whose English resembles `source`, best first, at most `limit`, scoring at least `cutoff`.

    The score is rapidfuzz's `fuzz.ratio` (normalised Indel similarity, 0-100)
    of the two sentences after `utils.default_process` (lower case, punctuation
    and surrounding spaces dropped). An identical sentence scores 100.
    """
    rows = {row["source_hash"]: row for row in store.db["memory"].rows_where("lang = ?", [lang])}
    choices = {key: row["source"] for key, row in rows.items()}
    matches = process.extract(
        source, choices, scorer=fuzz.ratio, processor=utils.default_process, limit=limit, score_cutoff=cutoff
    )
    return [
        MemoryMatch(rows[key]["source"], rows[key]["text"], round(score, 1), rows[key]["editor"], rows[key]["approved_at"])
        for _, score, key in matches
    ]

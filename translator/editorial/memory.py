"""Translation memory: approved human translations of English sentences, reused and offered.

An entry is an editor's text for an English sentence in an article that was
then approved (editing.approve keeps it: Store.remember). `translate run` reuses an entry for the same
English sentence in any later article (origin MEMORY, never sent to the model);
the desk offers entries for similar sentences, scored by rapidfuzz. The
machine-translation cache (Store.cached_translations) is another thing: it only
ever holds the engine's own output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rapidfuzz import fuzz, process, utils

from ..core.news import Check, Flag
from ..quality.checks import check_sentence
from ..quality.glossary import GlossaryEntry

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


def similar(store: Store, source: str, lang: str, *, limit: int = 5, cutoff: float = FUZZY_CUTOFF) -> list[MemoryMatch]:
    """Memory entries whose English resembles `source`, best first, at most `limit`, scoring at least `cutoff`.

    The score is rapidfuzz's `fuzz.ratio` (normalised Indel similarity, 0-100)
    of the two sentences after `utils.default_process` (lower case, punctuation
    and surrounding spaces dropped). An identical sentence scores 100.
    """
    entries = store.memory_entries(lang)
    matches = process.extract(
        source,
        [entry.source for entry in entries],
        scorer=fuzz.ratio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=cutoff,
    )
    return [
        MemoryMatch(entries[i].source, entries[i].text, round(score, 1), entries[i].editor, entries[i].approved_at)
        for _, score, i in matches
    ]


# What a suggestion from another sentence can carry over wrongly: its figures, names, places and times.
_CARRIED_OVER = frozenset({Check.NUMBER, Check.GLOSSARY, Check.NAME, Check.PLACE, Check.TIME})


def differences(source: str, text: str, glossary: Sequence[GlossaryEntry] = ()) -> list[Flag]:
    """What a memory entry's translation `text` gets wrong for `source`, this sentence's English:
    the QA flags of its numbers, names, places and times (quality/checks.py), checked before the
    desk offers it ("rose 2.5 percent" offered the "1.2%" of "rose 1.2 percent", issue 24)."""
    return [flag for flag in check_sentence(source, text, glossary=glossary) if flag.check in _CARRIED_OVER]

"""The batch: articles whose translation is missing or stale → translated, one transaction each.

Pending articles are read from the store a chunk at a time, so memory stays flat
however many are waiting. An English sentence with an approved human
translation in the translation memory (memory.py) takes that; the rest are
translated once within a run, and across runs with the same package (the
machine-translation cache). Editors' edits live beside the run's text
(editing.py), so a run never overwrites one. A run stopped at any point leaves
whole articles only; the next run carries on with the rest. The batch only
translates: publishing is publish.py's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from . import memory
from .engine import Engine
from .news import Hypothesis, Origin, TranslatedSentence
from .segment import join_sentences, split_sentences
from .store import Store

# Sentences gathered before the engine is called: enough for CTranslate2 to
# form full batches, small enough to keep memory flat.
CHUNK_SENTENCES = 2000


@dataclass
class RunReport:
    """What a run did. `truncated`: article id → its sentences whose translation reached the length limit."""

    articles: int = 0
    sentences: int = 0  # in the articles translated
    translated: int = 0  # sent to the model (the rest came from the memory or the cache)
    remembered: int = 0  # distinct sentences taken from the translation memory
    truncated: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def sentences_per_second(self) -> float:
        return self.sentences / self.seconds if self.seconds else 0.0


def run(
    store: Store,
    load_engine: Callable[[], Engine],
    *,
    target_lang: str = "ja",
    chunk_sentences: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_article: Callable[[int], None] | None = None,
) -> RunReport:
    """Translate every pending article. `load_engine` is called only if there is work.

    The engine is called once per `chunk_sentences` sentences (None: CHUNK_SENTENCES).
    `on_start` gets the number of pending articles; `on_article` each article id
    once it is saved.

    :raises PackageError: when the engine's model cannot be loaded.
    """
    started = time.perf_counter()
    report = RunReport()
    pending = store.pending(target_lang)
    if not pending:
        return report
    state = _Run(store, load_engine(), target_lang, on_article, report)
    if on_start:
        on_start(len(pending))
    chunk: dict[int, tuple[str, list[str]]] = {}
    size = 0
    for article_id, content_hash in pending.items():
        # The hash was read before the sentences: if the English changes in
        # between, the translation is saved as stale and redone next run.
        sentences = store.source_sentences(article_id)
        chunk[article_id] = (content_hash, sentences)
        size += len(sentences)
        if size >= (chunk_sentences or CHUNK_SENTENCES):
            state.translate(chunk)
            chunk, size = {}, 0
    if chunk:
        state.translate(chunk)
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Run:
    """One run's state: its engine, and the translations made or found so far."""

    store: Store
    engine: Engine
    lang: str
    on_article: Callable[[int], None] | None
    report: RunReport
    # This run's part of the machine-translation cache: English → (result, where it came from).
    cache: dict[str, tuple[Hypothesis, Origin]] = field(default_factory=dict)
    # The translation memory's entries found so far (memory.py): English → (its text, MEMORY).
    memory: dict[str, tuple[Hypothesis, Origin]] = field(default_factory=dict)

    def translate(self, chunk: dict[int, tuple[str, list[str]]]) -> None:
        """Translate the chunk's new sentences in one engine call, then save each article.

        A sentence takes the translation memory's text first, then the cache's, then the model's.
        """
        engine, lang = self.engine, self.lang
        sources = {text for _, sentences in chunk.values() for text in sentences}
        remembered = memory.exact(self.store, sources - self.memory.keys() - self.cache.keys(), lang)
        self.memory.update((text, (Hypothesis(target), Origin.MEMORY)) for text, target in remembered.items())
        self.report.remembered += len(remembered)
        wanted = sources - self.memory.keys()
        cached = self.store.cached_translations(wanted - self.cache.keys(), lang, engine.package, engine.package_version)
        self.cache.update((text, (hypothesis, Origin.CACHED)) for text, hypothesis in cached.items())
        todo = sorted(wanted - self.cache.keys())
        self.cache.update((text, (hypothesis, Origin.MACHINE)) for text, hypothesis in zip(todo, engine.translate(todo)))
        self.report.translated += len(todo)

        for article_id, (content_hash, sentences) in chunk.items():
            translated = [
                TranslatedSentence(text, *(self.memory.get(text) or self.cache[text])) for text in dict.fromkeys(sentences)
            ]
            self.store.save_translation(
                article_id,
                lang,
                translated,
                package=engine.package,
                package_version=engine.package_version,
                source_hash=content_hash,
            )
            self.report.articles += 1
            self.report.sentences += len(sentences)
            truncated = sum(sentence.hypothesis.truncated for sentence in translated)
            if truncated:
                self.report.truncated[article_id] = truncated
            if self.on_article:
                self.on_article(article_id)


def translate_lines(engine: Engine, lines: Sequence[str], lang: str = "ja") -> list[str]:
    """Each line split into sentences, all translated in one batch, joined back per line."""
    split = [split_sentences(line) for line in lines]
    unique = sorted({sentence for sentences in split for sentence in sentences})
    translated = {s: result.text for s, result in zip(unique, engine.translate(unique))}
    return [join_sentences([translated[s] for s in sentences], lang) for sentences in split]

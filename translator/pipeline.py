"""The batch: articles whose translation is missing or stale → translated, one transaction each.

Pending articles are read from the store a chunk at a time, so memory stays flat
however many are waiting. Within a run, and across runs with the same package,
an English sentence is translated once. A run stopped at any point leaves whole
articles only; the next run carries on with the rest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from .engine import Engine
from .segment import join_sentences, split_sentences
from .store import SentenceRow, Store

# Sentences gathered before the engine is called: enough for CTranslate2 to
# form full, length-sorted batches, small enough to keep memory flat.
CHUNK_SENTENCES = 2000


@dataclass
class RunReport:
    articles: int = 0
    sentences: int = 0  # in the articles translated
    translated: int = 0  # sent to the model (the rest were known already)
    truncated: int = 0  # new translations that reached the length limit
    seconds: float = 0.0

    @property
    def sentences_per_second(self) -> float:
        return self.sentences / self.seconds if self.seconds else 0.0


def run(
    store: Store,
    engine: Callable[[], Engine],
    link: Callable[[int, str], str],
    *,
    source_lang: str = "en",
    target_lang: str = "ja",
    chunk_sentences: int = CHUNK_SENTENCES,
    on_start: Callable[[int], None] | None = None,
    on_article: Callable[[int], None] | None = None,
) -> RunReport:
    """Translate every pending article. `engine` is called only if there is work.

    `on_start` gets the number of pending articles; `on_article` each article id
    once it is saved.
    """
    started = time.perf_counter()
    report = RunReport()
    pending = store.pending(target_lang)
    if not pending:
        return report
    translator = engine()
    if on_start:
        on_start(len(pending))
    batch = _Batch(store, translator, link, source_lang, target_lang, on_article, report)
    chunk: dict[int, tuple[str, list[SentenceRow]]] = {}
    size = 0
    for article_id, content_hash in pending.items():
        # The hash was read before the sentences: if the English changes in
        # between, the translation is saved as stale and redone next run.
        rows = store.sentences(article_id)
        chunk[article_id] = (content_hash, rows)
        size += len(rows)
        if size >= chunk_sentences:
            batch.translate(chunk)
            chunk, size = {}, 0
    if chunk:
        batch.translate(chunk)
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Batch:
    """One run's state: what is known already, and where translations go."""

    store: Store
    translator: Engine
    link: Callable[[int, str], str]
    source_lang: str
    target_lang: str
    on_article: Callable[[int], None] | None
    report: RunReport
    known: dict[str, str] = field(default_factory=dict)  # English → translation, this run

    def translate(self, chunk: dict[int, tuple[str, list[SentenceRow]]]) -> None:
        """Translate the chunk's new sentences in one engine call, then save each article."""
        translator, lang = self.translator, self.target_lang
        sources = {text for _, rows in chunk.values() for _, _, text in rows}
        new = sources - self.known.keys()
        self.known.update(self.store.remembered(new, lang, translator.package, translator.package_version))
        todo = sorted(sources - self.known.keys())
        results = translator.translate(todo)
        self.known.update(zip(todo, (result.text for result in results)))
        self.report.translated += len(todo)
        self.report.truncated += sum(result.truncated for result in results)

        for article_id, (content_hash, rows) in chunk.items():
            self.store.save_translation(
                article_id,
                lang,
                [(position, idx, text, self.known[text]) for position, idx, text in rows],
                package=translator.package,
                package_version=translator.package_version,
                source_hash=content_hash,
                link=self.link(article_id, lang),
                back_link=self.link(article_id, self.source_lang),
            )
            self.report.articles += 1
            self.report.sentences += len(rows)
            if self.on_article:
                self.on_article(article_id)


def translate_lines(translator: Engine, lines: Sequence[str], lang: str = "ja") -> list[str]:
    """Each line split into sentences, all translated in one batch, joined back per line."""
    split = [split_sentences(line) for line in lines]
    unique = sorted({sentence for sentences in split for sentence in sentences})
    translated = {s: result.text for s, result in zip(unique, translator.translate(unique))}
    return [join_sentences([translated[s] for s in sentences], lang) for sentences in split]

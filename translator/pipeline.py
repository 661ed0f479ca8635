"""The batch: articles whose translation is missing or stale → translated, one transaction each.

Pending articles are read from the store a chunk at a time, so memory stays flat
however many are waiting. Within a run, and across runs with the same package,
an English sentence is translated once. A run stopped at any point leaves whole
articles only; the next run carries on with the rest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
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
    known: dict[str, str] = {}
    chunk: dict[int, tuple[str, list[SentenceRow]]] = {}
    size = 0
    for article_id in pending:
        article = store.article(article_id, target_lang)
        if article is None:  # deleted meanwhile
            continue
        # The hash is read before the sentences: if the English changes in
        # between, the translation is saved as stale and redone next run.
        rows = store.sentences(article_id)
        chunk[article_id] = (article.content_hash, rows)
        size += len(rows)
        if size >= chunk_sentences:
            _translate_chunk(store, translator, link, chunk, known, report, source_lang, target_lang, on_article)
            chunk, size = {}, 0
    if chunk:
        _translate_chunk(store, translator, link, chunk, known, report, source_lang, target_lang, on_article)
    report.seconds = time.perf_counter() - started
    return report


def _translate_chunk(
    store: Store,
    translator: Engine,
    link: Callable[[int, str], str],
    chunk: dict[int, tuple[str, list[SentenceRow]]],
    known: dict[str, str],
    report: RunReport,
    source_lang: str,
    target_lang: str,
    on_article: Callable[[int], None] | None,
) -> None:
    sources = {text for _, rows in chunk.values() for _, _, text in rows}
    new = sources - known.keys()
    known.update(store.remembered(new, target_lang, translator.package, translator.package_version))
    todo = sorted(sources - known.keys())
    known.update(zip(todo, translator.translate(todo)))
    report.translated += len(todo)

    for article_id, (content_hash, rows) in chunk.items():
        store.save_translation(
            article_id,
            target_lang,
            [(position, idx, text, known[text]) for position, idx, text in rows],
            package=translator.package,
            package_version=translator.package_version,
            source_hash=content_hash,
            link=link(article_id, target_lang),
            back_link=link(article_id, source_lang),
        )
        report.articles += 1
        report.sentences += len(rows)
        if on_article:
            on_article(article_id)


def translate_lines(translator: Engine, lines: Sequence[str], lang: str = "ja") -> list[str]:
    """Each line split into sentences, all translated in one batch, joined back per line."""
    split = [split_sentences(line) for line in lines]
    unique = sorted({sentence for sentences in split for sentence in sentences})
    translated = dict(zip(unique, translator.translate(unique)))
    return [join_sentences([translated[s] for s in sentences], lang) for sentences in split]

"""The batch: articles whose translation is missing or stale → translated, one transaction each.

Pending articles are read from the store a chunk at a time, so memory stays flat
however many are waiting. Within a run, and across runs with the same package
(the machine-translation cache), an English sentence is translated once. A run
stopped at any point leaves whole articles only; the next run carries on with
the rest. The batch only translates: publishing is publish.py's.

Machine output is post-edited before it is saved (`post_edit`: the glossary's
renderings, then Japanese news style, headlines as headlines) and checked
(qa_store.recheck), in the article's transaction. The MT cache keeps the
engine's own output, so a cached sentence is post-edited afresh, with the
glossary of the day and as the block it is in now.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from . import qa_store
from .engine import Engine
from .glossary import GlossaryEntry
from .news import Block, BlockKind, Hypothesis, Origin, TranslatedSentence
from .segment import join_sentences, split_sentences
from .store import Store
from .style import apply_news_style
from .terms import enforce_terms

# Sentences gathered before the engine is called: enough for CTranslate2 to
# form full batches, small enough to keep memory flat.
CHUNK_SENTENCES = 2000


@dataclass
class RunReport:
    """What a run did. `truncated`: article id → its sentences whose translation reached the length limit."""

    articles: int = 0
    sentences: int = 0  # in the articles translated
    translated: int = 0  # sent to the model (the rest came from the cache)
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
    chunk: dict[int, tuple[str, list[Block]]] = {}
    size = 0
    for article_id, content_hash in pending.items():
        # The hash was read before the sentences: if the English changes in
        # between, the translation is saved as stale and redone next run.
        blocks = store.blocks(article_id)
        chunk[article_id] = (content_hash, blocks)
        size += sum(len(block.sentences) for block in blocks)
        if size >= (chunk_sentences or CHUNK_SENTENCES):
            state.translate(chunk)
            chunk, size = {}, 0
    if chunk:
        state.translate(chunk)
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Run:
    """One run's state: its engine, and the machine translations made or found so far."""

    store: Store
    engine: Engine
    lang: str
    on_article: Callable[[int], None] | None
    report: RunReport
    # This run's part of the machine-translation cache: English → (result, where it came from).
    cache: dict[str, tuple[Hypothesis, Origin]] = field(default_factory=dict)

    def translate(self, chunk: dict[int, tuple[str, list[Block]]]) -> None:
        """Translate the chunk's new sentences in one engine call, then save and check each article."""
        engine, lang = self.engine, self.lang
        sources = {text for _, blocks in chunk.values() for block in blocks for text in block.sentences}
        cached = self.store.cached_translations(sources - self.cache.keys(), lang, engine.package, engine.package_version)
        self.cache.update((text, (hypothesis, Origin.CACHED)) for text, hypothesis in cached.items())
        todo = sorted(sources - self.cache.keys())
        self.cache.update((text, (hypothesis, Origin.MACHINE)) for text, hypothesis in zip(todo, engine.translate(todo)))
        self.report.translated += len(todo)

        glossary = qa_store.glossary(self.store)  # per chunk: the desk may change it during a run
        for article_id, (content_hash, blocks) in chunk.items():
            kinds: dict[str, BlockKind] = {}  # a sentence's first block decides how it is styled
            for block in blocks:
                for text in block.sentences:
                    kinds.setdefault(text, block.kind)
            translated = []
            for text, kind in kinds.items():
                hypothesis, origin = self.cache[text]
                saved = post_edit(text, hypothesis.text, glossary, headline=kind != BlockKind.PARAGRAPH)
                translated.append(TranslatedSentence(text, hypothesis, origin, saved))
            with self.store.transaction():
                self.store.save_translation(
                    article_id,
                    lang,
                    translated,
                    package=engine.package,
                    package_version=engine.package_version,
                    source_hash=content_hash,
                )
                qa_store.recheck(self.store, article_id, lang, glossary)
            self.report.articles += 1
            self.report.sentences += sum(len(block.sentences) for block in blocks)
            truncated = sum(sentence.hypothesis.truncated for sentence in translated)
            if truncated:
                self.report.truncated[article_id] = truncated
            if self.on_article:
                self.on_article(article_id)


def post_edit(source: str, machine: str, glossary: Sequence[GlossaryEntry], *, headline: bool = False) -> str:
    """The engine's Japanese for `source` as it is saved: the glossary's renderings enforced
    (terms.enforce_terms), then Japanese news style (style.apply_news_style; `headline`: no final 。)."""
    return apply_news_style(enforce_terms(source, machine, glossary), headline=headline)


def translate_lines(engine: Engine, lines: Sequence[str], lang: str = "ja") -> list[str]:
    """Each line split into sentences, all translated in one batch, post-edited as body text, joined back per line.

    No glossary: it is the database's, and this needs none.
    """
    split = [split_sentences(line) for line in lines]
    unique = sorted({sentence for sentences in split for sentence in sentences})
    translated = {s: post_edit(s, result.text, ()) for s, result in zip(unique, engine.translate(unique))}
    return [join_sentences([translated[s] for s in sentences], lang) for sentences in split]

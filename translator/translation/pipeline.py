"""The batch: articles whose translation is missing or stale → translated, one transaction each.

Any number of batch runs may work on one database at once: each claims a chunk
of pending articles at a time (Store.claim), renews its claims while it works,
and saves an article only while it holds the claim, so every article is
translated once. Memory stays flat however many articles wait: a chunk is
claimed until it holds CHUNK_SENTENCES sentences (so fewer than that plus one
article's), and an article of more than MAX_ARTICLE_SENTENCES is refused and
reported, never loaded.

An English sentence with an approved human translation in the translation
memory (memory.py) takes that. The rest are translated once within a chunk, and
across chunks and runs with the same package (the machine-translation cache).
Editors' edits live beside the run's text (editing.py), so a run never
overwrites one. Each
article is saved as soon as its sentences are done. A translation that came
back cut at the length limit or empty (news.incomplete) is saved and marked,
never reused from the cache, and the next run retries it once with safer
decoding (Engine.safer). The model runs in a worker thread, so Ctrl-C stops a
run between polls (POLL_SECONDS), not at the end of a model call. A run stopped
at any point leaves whole articles only; the next run carries on with the rest.
With `upgrade` (`translate run --upgrade`), the articles another package or
version translated are pending too, unless an editor has touched them
(store/claims.py): a new model reaches the drafts nobody has read yet.
The batch only translates: publishing is publish.py's.

Machine output is post-edited before it is saved (`post_edit`: the glossary's
renderings, then Japanese news style, headlines as headlines) and checked
(rechecks.recheck), in the article's transaction. The MT cache keeps the
engine's own output, so a cached sentence is post-edited afresh, with the
glossary of the day and as the block it is in now. The translation memory's
approved text is saved as the editors approved it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterator, Sequence, TypeVar

from ..editorial import rechecks
from .engine import Engine, confidence_threshold_of_engine, family_of_engine, safer_of, steps_of
from ..core.errors import StoreError, TranslateError
from ..quality.glossary import GlossaryEntry
from ..core.news import Block, BlockKind, Hypothesis, Origin, TranslatedSentence, incomplete
from ..text.segment import join_sentences, split_sentences
from ..store import LEASE_SECONDS, Store
from ..quality.post_editing import post_edit

T = TypeVar("T")

# Sentences claimed at a time: enough for CTranslate2 to form full batches of
# one length, small enough to keep memory flat.
CHUNK_SENTENCES = 2000
# The most sentences of one article a run takes (it holds one article whole, to
# save it in one transaction). Wire articles have tens to a few hundred; ten
# thousand is a book, and memory grows with it (issue 8: 816 MiB for 636,000).
MAX_ARTICLE_SENTENCES = 10_000
# How often the waiting main thread looks up from the model: the delay of Ctrl-C, in seconds.
POLL_SECONDS = 0.1


@dataclass
class RunReport:
    """What a run did.

    `truncated` and `empty`: article id → its sentences whose translation reached
    the length limit, or came back empty (the next run retries them). `split`:
    sentences translated in clause pieces (too long for the model whole).
    `retried`: sentences retried with safer decoding. `refused`: articles too long
    to translate (id → sentences). `lost`: articles another run took over after
    this run's claim had expired (it saved them instead). `elsewhere`: articles
    other runs were still translating when this one ended. `kept`: articles an
    editor began on (approved, reviewed, edited) while this run retried or
    upgraded them, left as they were. `held`: with `upgrade`, the articles another
    package translated that stay as they are because an editor has begun on them.
    `upgradable`: without `upgrade`, the articles another package or version
    translated that no editor has touched, which `upgrade` would re-translate.
    """

    articles: int = 0
    sentences: int = 0  # in the articles translated
    translated: int = 0  # sent to the model (the rest came from the memory or the cache)
    remembered: int = 0  # distinct sentences taken from the translation memory
    truncated: dict[int, int] = field(default_factory=dict)
    empty: dict[int, int] = field(default_factory=dict)
    split: int = 0
    retried: int = 0
    refused: dict[int, int] = field(default_factory=dict)
    lost: int = 0
    elsewhere: int = 0
    kept: list[int] = field(default_factory=list)
    held: int = 0
    upgradable: int = 0
    seconds: float = 0.0

    @property
    def sentences_per_second(self) -> float:
        return self.sentences / self.seconds if self.seconds else 0.0

    def as_json(self) -> dict:
        """The report as `translate run --json` prints it: every field (article ids as strings), and sentences_per_second."""
        fields = dataclasses.asdict(self)
        for name in ("truncated", "empty", "refused"):
            fields[name] = {str(k): v for k, v in fields[name].items()}
        return {**fields, "sentences_per_second": round(self.sentences_per_second, 3)}


def run(
    store: Store,
    load_engine: Callable[[], Engine],
    *,
    target_lang: str = "ja",
    chunk_sentences: int | None = None,
    max_article_sentences: int | None = None,
    lease_seconds: float = LEASE_SECONDS,
    on_start: Callable[[int], None] | None = None,
    on_article: Callable[[int], None] | None = None,
    upgrade: bool = False,
) -> RunReport:
    """Translate every pending article no other run is translating. `load_engine` is called only if there is work.

    Articles are claimed `chunk_sentences` sentences at a time (None:
    CHUNK_SENTENCES); those of more than `max_article_sentences` (None:
    MAX_ARTICLE_SENTENCES) are left pending and listed in the report. The first
    claim is made before the engine is loaded, so a database that cannot be
    written stops the run before any work. `on_start` gets the number of
    articles this run may take; `on_article` each article id once it is saved.
    `upgrade`: the articles another package or version translated, that no
    editor has touched, are pending too (Claims._claimable); then `load_engine`
    is called first, for its package's name and version (the model itself still
    loads only when it first translates). Without `upgrade`, the report counts
    those articles (`upgradable`), so that a run after a new model was installed
    can say so; for that `load_engine` is called also when nothing is pending but
    some current translation no editor has touched, and a package that cannot be
    loaded then only leaves the count at 0.

    :raises PackageError: when the engine's model cannot be loaded.
    :raises EngineError: when the model fails; the articles finished are saved.
    :raises StoreError: when the database cannot be written; at the first failed save.
    """
    started = time.perf_counter()
    report = RunReport()
    limit = max_article_sentences or MAX_ARTICLE_SENTENCES
    # Incomplete translations saved before now are retried; this run's own wait for the next.
    retry_before = datetime.now(timezone.utc).isoformat(timespec="seconds")
    engine = load_engine() if upgrade else None
    upgrade_to = (engine.package, engine.package_version) if engine else None
    report.refused = store.oversized(target_lang, limit, upgrade_to)
    for other in store.claim_owners(target_lang):
        if _gone(other):
            store.release_claims(other)
    total = store.claimable(target_lang, max_sentences=limit, retry_before=retry_before, upgrade_to=upgrade_to)
    if upgrade_to:
        report.held = _made_by_others(store.translations_by_package(target_lang), upgrade_to, touched=True)
    if not total:
        report.elsewhere = store.claimed(target_lang)
        if not upgrade:
            report.upgradable = _upgradable(store, target_lang, load_engine)
        return report
    owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"

    def claim() -> dict[int, str]:
        return store.claim(
            target_lang,
            owner,
            sentences=chunk_sentences or CHUNK_SENTENCES,
            max_sentences=limit,
            retry_before=retry_before,
            lease_seconds=lease_seconds,
            upgrade_to=upgrade_to,
        )

    try:
        claimed = claim()
        if claimed:
            engine = engine or load_engine()
            state = _Run(store, engine, target_lang, owner, lease_seconds, on_article, report, retry_before, upgrade_to)
            if on_start:
                on_start(total)
            while claimed:
                state.translate(claimed)
                claimed = claim()
    finally:
        with contextlib.suppress(StoreError):  # unreleased claims expire anyway
            store.release_claims(owner)
    report.elsewhere = store.claimed(target_lang)
    if not upgrade:
        report.upgradable = _upgradable(store, target_lang, lambda: engine or load_engine())
    report.seconds = time.perf_counter() - started
    return report


def _made_by_others(counts: dict[tuple[str, str | None, bool], int], package: tuple[str, str], *, touched: bool) -> int:
    """Of the current translations `counts` holds (Claims.translations_by_package), how many a package
    other than `package` (name, version) made, among those an editor has begun on (`touched`) or the rest."""
    return sum(n for (name, version, begun), n in counts.items() if begun == touched and (name, version) != package)


def _upgradable(store: Store, lang: str, load_engine: Callable[[], Engine]) -> int:
    """How many articles `run(upgrade=True)` would re-translate with the engine's package: 0 when
    no untouched translation exists (the engine is not loaded then) or the package cannot be loaded."""
    counts = store.translations_by_package(lang)
    if all(touched for _, _, touched in counts):
        return 0
    try:
        engine = load_engine()
    except TranslateError:  # no usable package: this count is a hint, the run itself did not fail
        return 0
    return _made_by_others(counts, (engine.package, engine.package_version), touched=False)


def _gone(owner: str) -> bool:
    """Whether the run that made a claim has ended without releasing it: a process of this
    machine that no longer exists (killed, or its release failed on a full disk). Its
    claims need not wait for their lease to run out. A run elsewhere cannot be checked."""
    parts = owner.rsplit(":", 2)  # host:pid:token, as `run` makes them
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists, as another user's process
        return False
    return False


@dataclass
class _Run:
    """One run's state: its engine, its claims, and what it did."""

    store: Store
    engine: Engine
    lang: str
    owner: str
    lease_seconds: float
    on_article: Callable[[int], None] | None
    report: RunReport
    retry_before: str
    upgrade_to: tuple[str, str] | None  # with `upgrade`: the engine's (package, version)
    renewed: float = field(default_factory=time.monotonic)

    def translate(self, claimed: dict[int, str]) -> None:
        """Translate the chunk's sentences not in the cache, saving each article once its sentences are done.

        A sentence takes the translation memory's text first, then the MT cache's.
        Sentences the same package translated incompletely before go to the safer
        engine at once (decoding them as before would give the same); the rest to
        the engine, in the articles' order, so the first articles finish first.
        """
        store, engine, lang = self.store, self.engine, self.lang
        articles = {article_id: (content_hash, store.blocks(article_id)) for article_id, content_hash in claimed.items()}
        sources = list(
            dict.fromkeys(text for _, blocks in articles.values() for block in blocks for text in block.sentences)
        )
        # The translation memory's approved text first, then the MT cache, then the model.
        remembered = store.memory_exact(set(sources), lang)
        self.report.remembered += len(remembered)
        done: dict[str, TranslatedSentence] = {
            text: TranslatedSentence(text, Hypothesis(target), Origin.MEMORY) for text, target in remembered.items()
        }
        unknown = [text for text in sources if text not in done]
        done.update(
            (text, TranslatedSentence(text, hypothesis, Origin.CACHED))
            for text, hypothesis in store.cached_translations(unknown, lang, engine.package, engine.package_version).items()
        )
        waiting: dict[int, int] = {}
        readers: dict[str, list[int]] = {}
        for article_id, (_, blocks) in articles.items():
            missing = [text for text in dict.fromkeys(_sentences(blocks)) if text not in done]
            waiting[article_id] = len(missing)
            for text in missing:
                readers.setdefault(text, []).append(article_id)
        for article_id in [a for a, count in waiting.items() if not count]:
            self._save(article_id, articles[article_id], done)

        todo = [text for text in sources if text not in done]
        failed = store.failed_sources(todo, lang, engine.package, engine.package_version) if todo else set()
        passes = []
        if failed:
            passes.append((safer_of(engine), [text for text in todo if text in failed], True))
        passes.append((engine, [text for text in todo if text not in failed], False))
        for chosen, batch, retried in passes:
            if not batch:
                continue
            self.report.translated += len(batch)
            self.report.retried += len(batch) if retried else 0
            for step in steps(chosen, batch, self._renew):
                for index, hypothesis in step:
                    text = batch[index]
                    done[text] = TranslatedSentence(text, hypothesis, Origin.MACHINE, retried)
                    self.report.split += hypothesis.pieces > 1
                    for article_id in readers.pop(text, ()):
                        waiting[article_id] -= 1
                        if not waiting[article_id]:
                            self._save(article_id, articles[article_id], done)
                self._renew()

    def _save(self, article_id: int, article: tuple[str, list[Block]], done: dict[str, TranslatedSentence]) -> None:
        """Post-edit the article's machine output, save it under this run's claim, and check it, in one transaction.

        The glossary is read under the write lock: a term the desk adds during a run
        applies to every article saved after it, and the desk's recheck of stored
        articles (terminology.py) waits for this save, so no article misses it.
        """
        content_hash, blocks = article
        sentences = _sentences(blocks)
        kinds: dict[str, BlockKind] = {}  # a sentence's first block decides how it is styled
        for block in blocks:
            for text in block.sentences:
                kinds.setdefault(text, block.kind)
        engine = self.engine
        with self.store.transaction():
            if not self.store.still_pending(
                article_id, self.lang, self.owner, retry_before=self.retry_before, upgrade_to=self.upgrade_to
            ):
                self.report.kept.append(article_id)  # its claim goes with the run's others
                return
            glossary = self.store.glossary()
            translated = [_post_edited(done[text], glossary, kind) for text, kind in kinds.items()]
            saved = self.store.save_translation(
                article_id,
                self.lang,
                translated,
                package=engine.package,
                package_version=engine.package_version,
                source_hash=content_hash,
                owner=self.owner,
                family=family_of_engine(engine),
                confidence_threshold=confidence_threshold_of_engine(engine),
            )
            if saved:
                rechecks.recheck(self.store, article_id, self.lang, glossary)
        if not saved:
            self.report.lost += 1
            return
        self.report.articles += 1
        self.report.sentences += len(sentences)
        cut = sum(s.hypothesis.truncated for s in translated)
        empty = sum(incomplete(s.source, s.hypothesis) and not s.hypothesis.truncated for s in translated)
        if cut:
            self.report.truncated[article_id] = cut
        if empty:
            self.report.empty[article_id] = empty
        if self.on_article:
            self.on_article(article_id)

    def _renew(self) -> None:
        """Renew this run's claims a few times a lease; a failure here is left to the next save to report."""
        if time.monotonic() - self.renewed < self.lease_seconds / 3:
            return
        self.renewed = time.monotonic()
        with contextlib.suppress(StoreError):
            self.store.renew_claims(self.owner, self.lease_seconds)


def _sentences(blocks: Sequence[Block]) -> list[str]:
    """The English sentences of an article's blocks, in reading order (a repeated one each time)."""
    return [text for block in blocks for text in block.sentences]


def _post_edited(sentence: TranslatedSentence, glossary: Sequence[GlossaryEntry], kind: BlockKind) -> TranslatedSentence:
    """The sentence with the text to save: the engine's output post-edited (`post_edit`);
    the translation memory's approved text as it is."""
    if sentence.origin == Origin.MEMORY:
        return sentence
    text = post_edit(sentence.source, sentence.hypothesis.text, glossary, headline=kind.headline_style)
    return dataclasses.replace(sentence, text=text)


def steps(
    engine: Engine, sentences: Sequence[str], tick: Callable[[], None] | None = None
) -> Iterator[list[tuple[int, Hypothesis]]]:
    """`engine.stream(sentences)` (engine.steps_of), each step run in a worker thread while this thread waits.

    Python raises KeyboardInterrupt (Ctrl-C) in the main thread only, between
    bytecodes, so a long CTranslate2 call would hold it until it returns; waiting
    here instead, the main thread sees it within POLL_SECONDS. The worker is a
    daemon thread: an interrupted process exits without waiting for the model.
    `tick` is called at every poll (a batch run renews its claims there).
    """
    stream = steps_of(engine, sentences)
    while True:
        step = _in_worker(lambda: next(stream, None), tick)
        if step is None:
            return
        yield step


WORKER_NAME = "translate-model"


def model_running() -> bool:
    """Whether a model call is still running in a worker thread (one that Ctrl-C left behind)."""
    return any(thread.name == WORKER_NAME and thread.is_alive() for thread in threading.enumerate())


def _in_worker(call: Callable[[], T], tick: Callable[[], None] | None) -> T:
    outcome: list[tuple[bool, object]] = []

    def work() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as error:  # handed to the waiting thread, raised there
            outcome.append((False, error))

    worker = threading.Thread(target=work, name=WORKER_NAME, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(POLL_SECONDS)
        if tick:
            tick()
    ok, value = outcome[0]
    if not ok:
        raise value  # type: ignore[misc]
    return value  # type: ignore[return-value]


def translate_lines(engine: Engine, lines: Sequence[str], lang: str = "ja") -> list[str]:
    """Each line split into sentences, all translated in one batch, post-edited as body text, joined back per line.

    No glossary: it is the database's, and this needs none.

    :raises PackageError, EngineError: as `Engine.translate`; Ctrl-C stops it within POLL_SECONDS.
    """
    split = [split_sentences(line) for line in lines]
    unique = sorted({sentence for sentences in split for sentence in sentences})
    translated: dict[str, str] = {}
    for step in steps(engine, unique):
        translated.update((unique[index], post_edit(unique[index], hypothesis.text, ())) for index, hypothesis in step)
    return [join_sentences([translated[s] for s in sentences], lang) for sentences in split]

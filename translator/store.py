"""The SQLite store: articles, their blocks and sentences, translations, and the aligned read.

Opening a store applies pending migrations (migrations.py). Methods that write
several rows do so in one transaction, so a reader never sees half an article;
they nest, as savepoints, inside a caller's `transaction()`.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from sqlite_utils import Database

from . import migrations
from .errors import ArticleNotFound, StoreError
from .qa import Check, Flag, Severity
from .news import (
    AlignedArticle,
    AlignedBlock,
    Article,
    ArticleSummary,
    Block,
    BlockKind,
    Hypothesis,
    Origin,
    SentencePair,
    Status,
    TranslatedSentence,
    TranslationInfo,
    sentence_hash,
)

# The status of an article's translation in the language bound to the query's
# first parameter, from the translation_status view (migration m003).
_STATUS_JOIN = "left join translation_status ts on ts.article_id = a.id and ts.lang = ?"
_STATUS = f"coalesce(ts.status, '{Status.MISSING}')"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """One SQLite database, migrated to the newest schema."""

    def __init__(self, db: Database):
        self.db = db
        self.db.execute("pragma foreign_keys = on")
        migrations.apply(self.db)

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> "Store":
        """Open (with `create`, make) the database at `path`, in WAL mode, and migrate it.

        :raises StoreError: when the file is missing (and `create` is False) or unusable.
        """
        path = Path(path)
        if not create and not path.is_file():
            raise StoreError(f"no database at {path}: run `translate import` first")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = Database(path)
            # WAL lets editors read while a batch run writes.
            db.enable_wal()
            return cls(db)
        except (OSError, sqlite3.DatabaseError) as error:
            raise StoreError(f"{path}: cannot open the database ({error})") from None

    def close(self) -> None:
        self.db.close()

    def transaction(self) -> contextlib.AbstractContextManager[Database]:
        """One transaction (or, inside one, a savepoint): all of it is written, or none."""
        return self.db.atomic()

    # Articles and their English -------------------------------------------------

    def find_article(self, published: str, headline: str) -> Article | None:
        """The article published at `published` (ISO 8601) under `headline`, if stored."""
        rows = self.db["articles"].rows_where("published = ? and headline = ?", [published, headline], limit=1)
        return next((_article(row) for row in rows), None)

    def write_article(
        self,
        article_id: int | None,
        *,
        headline: str,
        published: str,
        full_page: bool,
        content_hash: str,
        source: str | None,
        blocks: Sequence[Block],
    ) -> int:
        """Insert (article_id None) or replace an article and all its blocks, atomically; return its id.

        `blocks` start with the headline; a block's position is its index. English
        that is replaced by different English is kept in `revisions`.
        """
        now = _now()
        fields = {
            "headline": headline,
            "published": published,
            "full_page": int(full_page),
            "content_hash": content_hash,
            "source": source,
            "updated_at": now,
        }
        with self.transaction():
            articles = self.db["articles"]
            if article_id is None:
                article_id = articles.insert({**fields, "created_at": now}).last_pk
            else:
                old_hash = articles.get(article_id)["content_hash"]
                if old_hash != content_hash:
                    self._keep_revision(article_id, old_hash, now)
                articles.update(article_id, fields)
                for table in ("blocks", "sentences"):
                    self.db[table].delete_where("article_id = ?", [article_id])
            self.db["blocks"].insert_all(
                {"article_id": article_id, "position": position, "kind": b.kind, "text": b.text}
                for position, b in enumerate(blocks)
            )
            self.db["sentences"].insert_all(
                {
                    "article_id": article_id,
                    "position": position,
                    "idx": i,
                    "text": text,
                    "source_hash": sentence_hash(text),
                }
                for position, b in enumerate(blocks)
                for i, text in enumerate(b.sentences)
            )
        return article_id  # type: ignore[return-value]

    def _keep_revision(self, article_id: int, content_hash: str, replaced_at: str) -> None:
        blocks = [[b.kind, b.text, list(b.sentences)] for b in self.blocks(article_id)]
        self.db["revisions"].upsert(
            {
                "article_id": article_id,
                "content_hash": content_hash,
                "blocks": json.dumps(blocks, ensure_ascii=False),
                "replaced_at": replaced_at,
            },
            pk=("article_id", "content_hash"),
        )

    def revision(self, article_id: int, content_hash: str) -> list[Block] | None:
        """The article's English as it was when its content hash was `content_hash`.

        That is the English its translation was made from (TranslationInfo.source_hash),
        to show what changed since. None when no such English was kept.
        """
        if self.db["articles"].count_where("id = ? and content_hash = ?", [article_id, content_hash]):
            return self.blocks(article_id)
        rows = self.db["revisions"].rows_where(
            "article_id = ? and content_hash = ?", [article_id, content_hash], limit=1
        )
        row = next(iter(rows), None)
        if row is None:
            return None
        return [Block(BlockKind(kind), text, tuple(sentences)) for kind, text, sentences in json.loads(row["blocks"])]

    def blocks(self, article_id: int) -> list[Block]:
        """The article's English, headline first, each block with its sentences."""
        sentences: dict[int, list[str]] = {}
        for row in self.db["sentences"].rows_where("article_id = ?", [article_id], order_by="position, idx"):
            sentences.setdefault(row["position"], []).append(row["text"])
        return [
            Block(BlockKind(row["kind"]), row["text"], tuple(sentences.get(row["position"], ())))
            for row in self.db["blocks"].rows_where("article_id = ?", [article_id], order_by="position")
        ]

    def source_sentences(self, article_id: int) -> list[str]:
        """The article's English sentences in reading order (a repeated sentence appears each time)."""
        return [
            row["text"]
            for row in self.db["sentences"].rows_where("article_id = ?", [article_id], order_by="position, idx")
        ]

    # Status ---------------------------------------------------------------------

    def articles(self, lang: str) -> list[ArticleSummary]:
        """Every article, newest first, with the status of its translation into `lang` and its QA flag counts.

        Flags count for the sentences the article has now (a stale translation's
        flags on English since replaced do not).
        """
        sql = f"""
            select a.id, a.headline, a.published, a.full_page, {_STATUS} as status,
                   coalesce(f.errors, 0) as errors, coalesce(f.warnings, 0) as warnings
            from articles a {_STATUS_JOIN}
            left join (
                select q.article_id,
                       sum(q.severity = '{Severity.ERROR.value}') as errors,
                       sum(q.severity = '{Severity.WARNING.value}') as warnings
                from qa_flags q
                where q.lang = ? and exists (
                    select 1 from sentences s where s.article_id = q.article_id and s.source_hash = q.source_hash
                )
                group by q.article_id
            ) f on f.article_id = a.id
            order by a.published desc, a.id desc
        """
        return [
            ArticleSummary(
                row["id"],
                row["headline"],
                row["published"],
                bool(row["full_page"]),
                Status(row["status"]),
                row["errors"],
                row["warnings"],
            )
            for row in self.db.query(sql, [lang, lang])
        ]

    def pending(self, lang: str) -> dict[int, str]:
        """Articles whose translation into `lang` is missing or stale, oldest first: id → hash of their English."""
        sql = f"""
            select a.id, a.content_hash from articles a {_STATUS_JOIN}
            where {_STATUS} != '{Status.CURRENT}'
            order by a.id
        """
        return {row["id"]: row["content_hash"] for row in self.db.query(sql, [lang])}

    # The aligned read -----------------------------------------------------------

    def aligned_article(self, article_id: int, lang: str, source_lang: str = "en") -> AlignedArticle:
        """The article as blocks of sentence pairs with its translation into `lang`, status and links.

        Read in one transaction, so a batch run saving meanwhile is seen whole or
        not at all. A sentence pair has a translation when one was made from the
        same English sentence, even while the article's translation is stale.

        :raises ArticleNotFound: when there is no article `article_id`.
        """
        with self.transaction():
            header = next(
                self.db.query(
                    f"""
                    select a.id, a.published, a.full_page, {_STATUS} as status,
                           t.package, t.package_version, t.translated_at, t.source_hash
                    from articles a {_STATUS_JOIN}
                    left join translations t on t.article_id = a.id and t.lang = ?
                    where a.id = ?
                    """,
                    [lang, lang, article_id],
                ),
                None,
            )
            if header is None:
                raise ArticleNotFound(article_id)
            rows = list(
                self.db.query(
                    """
                    select b.position, b.kind, b.text as block_text, s.text as source, s.source_hash,
                           st.text as target, st.origin, st.truncated, st.score
                    from blocks b
                    left join sentences s on s.article_id = b.article_id and s.position = b.position
                    left join sentence_translations st
                           on st.article_id = b.article_id and st.lang = ? and st.source_hash = s.source_hash
                    where b.article_id = ?
                    order by b.position, s.idx
                    """,
                    [lang, article_id],
                )
            )
            links = {
                row["lang"]: row["url"]
                for row in self.db["publications"].rows_where("article_id = ?", [article_id])
            }
            flags = self.flags(article_id, lang)
        translation = (
            TranslationInfo(header["package"], header["package_version"], header["translated_at"], header["source_hash"])
            if header["package"] is not None
            else None
        )
        blocks: dict[int, tuple[BlockKind, str, list[SentencePair]]] = {}
        for row in rows:
            _, _, pairs = blocks.setdefault(row["position"], (BlockKind(row["kind"]), row["block_text"], []))
            if row["source"] is not None:  # a block without sentences still shows
                pairs.append(_pair(row, translation, flags.get(row["source_hash"], ())))
        return AlignedArticle(
            id=header["id"],
            published=header["published"],
            full_page=bool(header["full_page"]),
            source_lang=source_lang,
            lang=lang,
            status=Status(header["status"]),
            translation=translation,
            links=links,
            blocks=tuple(AlignedBlock(kind, text, tuple(pairs)) for kind, text, pairs in blocks.values()),
        )

    # Translations ---------------------------------------------------------------

    def cached_translations(
        self, sources: Iterable[str], lang: str, package: str, package_version: str
    ) -> dict[str, Hypothesis]:
        """The machine-translation cache: earlier output of the same package for these English sentences.

        Only the engine's output is cached (never an editor's text), as the
        engine wrote it, before post-editing: English → Hypothesis.
        """
        found: dict[str, Hypothesis] = {}
        wanted = list(dict.fromkeys(sources))
        for start in range(0, len(wanted), 500):  # stay well under SQLite's variable limit
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.db.query(
                f"""
                select s.source, coalesce(s.machine_text, s.text) as text, s.truncated, s.score
                from sentence_translations s
                join translations t on t.article_id = s.article_id and t.lang = s.lang
                where s.lang = ? and t.package = ? and t.package_version = ?
                  and s.origin in ('{Origin.MACHINE}', '{Origin.CACHED}')
                  and s.source_hash in ({marks})
                """,
                [lang, package, package_version, *(sentence_hash(source) for source in chunk)],
            )
            found.update((row["source"], Hypothesis(row["text"], bool(row["truncated"]), row["score"])) for row in rows)
        return found

    def save_translation(
        self,
        article_id: int,
        lang: str,
        sentences: Iterable[TranslatedSentence],
        *,
        package: str,
        package_version: str,
        source_hash: str,
    ) -> None:
        """Replace the article's translation into `lang`, in one transaction.

        `sentences` are keyed by their English: a sentence that occurs twice in
        the article is stored once. `source_hash` is the content hash of the
        English the translation was made from (it is stale when that changes).
        """
        with self.transaction():
            self.db["sentence_translations"].delete_where("article_id = ? and lang = ?", [article_id, lang])
            self.db["sentence_translations"].insert_all(
                (
                    {
                        "article_id": article_id,
                        "lang": lang,
                        "source_hash": sentence_hash(s.source),
                        "source": s.source,
                        "text": s.hypothesis.text if s.text is None else s.text,
                        "machine_text": s.hypothesis.text,
                        "origin": s.origin,
                        "truncated": int(s.hypothesis.truncated),
                        "score": s.hypothesis.score,
                    }
                    for s in sentences
                ),
                ignore=True,
            )
            self.db["translations"].upsert(
                {
                    "article_id": article_id,
                    "lang": lang,
                    "package": package,
                    "package_version": package_version,
                    "translated_at": _now(),
                    "source_hash": source_hash,
                },
                pk=("article_id", "lang"),
            )


    # QA flags (qa.py; computed and kept current by qa_store.py) -----------------

    def flags(self, article_id: int, lang: str) -> dict[str, tuple[Flag, ...]]:
        """The article's QA flags in `lang`: sentence hash → its flags, in check order."""
        found: dict[str, list[Flag]] = {}
        for row in self.db["qa_flags"].rows_where(
            "article_id = ? and lang = ?", [article_id, lang], order_by="source_hash, seq"
        ):
            found.setdefault(row["source_hash"], []).append(
                Flag(
                    Check(row["check_name"]),
                    Severity(row["severity"]),
                    row["message"],
                    _span(row["en_start"], row["en_end"]),
                    _span(row["ja_start"], row["ja_end"]),
                )
            )
        return {source_hash: tuple(flags) for source_hash, flags in found.items()}

    def save_flags(self, article_id: int, lang: str, flags: dict[str, Sequence[Flag]]) -> None:
        """Replace the article's QA flags in `lang` with `flags` (sentence hash → flags), in one transaction."""
        with self.transaction():
            self.db["qa_flags"].delete_where("article_id = ? and lang = ?", [article_id, lang])
            self.db["qa_flags"].insert_all(
                {
                    "article_id": article_id,
                    "lang": lang,
                    "source_hash": source_hash,
                    "seq": seq,
                    "check_name": flag.check.value,
                    "severity": flag.severity.value,
                    "message": flag.message,
                    "en_start": flag.en_span[0] if flag.en_span else None,
                    "en_end": flag.en_span[1] if flag.en_span else None,
                    "ja_start": flag.ja_span[0] if flag.ja_span else None,
                    "ja_end": flag.ja_span[1] if flag.ja_span else None,
                }
                for source_hash, sentence_flags in flags.items()
                for seq, flag in enumerate(sentence_flags)
            )


def _article(row: dict) -> Article:
    return Article(row["id"], row["headline"], row["published"], bool(row["full_page"]), row["content_hash"])


def _pair(row: dict, translation: TranslationInfo | None, flags: tuple[Flag, ...]) -> SentencePair:
    if row["target"] is None:
        return SentencePair(row["source"], row["source_hash"])
    return SentencePair(
        row["source"],
        row["source_hash"],
        row["target"],
        Origin(row["origin"]),
        bool(row["truncated"]),
        row["score"],
        translation.package if translation else None,
        translation.package_version if translation else None,
        flags,
    )


def _span(start: int | None, end: int | None) -> tuple[int, int] | None:
    return None if start is None or end is None else (start, end)


@contextlib.contextmanager
def opened(path: Path | str, *, create: bool = True) -> Iterator[Store]:
    """`Store.open`, closed on leaving the block."""
    store = Store.open(path, create=create)
    try:
        yield store
    finally:
        store.close()

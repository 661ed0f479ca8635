"""The SQLite store: articles, their blocks and sentences, translations, and the aligned read.

Opening a store applies pending migrations (migrations.py). Methods that write
several rows do so in one transaction, so a reader never sees half an article;
they nest, as savepoints, inside a caller's `transaction()`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from sqlite_utils import Database

from . import migrations
from .cleaning import Cleaned
from .errors import ArticleNotFound, StoreError
from .news import (
    AlignedArticle,
    AlignedBlock,
    Approval,
    Article,
    ArticleSummary,
    AuditAction,
    AuditEntry,
    Block,
    BlockKind,
    EditorialStatus,
    EditorialSummary,
    Hypothesis,
    Origin,
    SentencePair,
    Status,
    TranslatedSentence,
    TranslationInfo,
    previous_sentences,
    sentence_hash,
)

# The status of an article's translation in the language bound to the query's
# first parameter, from the translation_status view (migration m003).
_STATUS_JOIN = "left join translation_status ts on ts.article_id = a.id and ts.lang = ?"
_STATUS = f"coalesce(ts.status, '{Status.MISSING}')"
# The translation and editorial status (views translation_status, editorial_status)
# of article `a` in the language `:lang`, as correlated subqueries: SQLite then finds
# the one article by its key, where a LEFT JOIN on a view that is itself a join
# builds the whole view first (all articles, for one).
_STATUS_OF = (
    "coalesce((select ts.status from translation_status ts where ts.article_id = a.id and ts.lang = :lang), "
    f"'{Status.MISSING}')"
)
_EDITORIAL_OF = (
    "coalesce((select es.status from editorial_status es where es.article_id = a.id and es.lang = :lang), "
    f"'{EditorialStatus.MISSING}')"
)
# How long a write waits for another connection's write (a batch run's article) to commit.
BUSY_TIMEOUT_MS = 10_000


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
            # WAL lets editors read while a batch run writes; a write waits for
            # another one to commit instead of failing with "database is locked".
            db.enable_wal()
            db.execute(f"pragma busy_timeout = {BUSY_TIMEOUT_MS}")
            return cls(db)
        except (OSError, sqlite3.DatabaseError) as error:
            raise StoreError(f"{path}: cannot open the database ({error})") from None

    def close(self) -> None:
        self.db.close()

    def transaction(self) -> contextlib.AbstractContextManager[Database]:
        """One transaction (or, inside one, a savepoint): all of it is written, or none."""
        return self.db.atomic()

    @contextlib.contextmanager
    def write_transaction(self) -> Iterator[Database]:
        """A transaction that reads and then writes, taking the write lock first (BEGIN IMMEDIATE).

        A plain (deferred) transaction that has read cannot wait for another
        connection's write to finish: SQLite fails its first write at once
        ("database is locked") when someone committed since its read. Taking
        the lock first makes it wait (up to BUSY_TIMEOUT_MS) instead. Inside
        an open transaction this is a savepoint, as `transaction()` is.

        :raises sqlite3.OperationalError: when the lock is not free within the timeout.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic() as db:
                yield db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
            self.db.execute("COMMIT")
        except BaseException:
            self.db.rollback()  # a no-op once COMMIT succeeded or the error ended the transaction
            raise

    # Articles and their English -------------------------------------------------

    def find_article(self, published: str, headline: str) -> Article | None:
        """The article published at `published` (ISO 8601) under `headline`, if stored."""
        rows = self.db["articles"].rows_where("published = ? and headline = ?", [published, headline], limit=1)
        return next((_article(row) for row in rows), None)

    def articles_published(self, published: str) -> list[Article]:
        """The articles published at `published` (ISO 8601), in the order they were stored."""
        return [_article(row) for row in self.db["articles"].rows_where("published = ?", [published], order_by="id")]

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

    def save_repairs(self, article_id: int, repairs: Mapping[int, Cleaned]) -> None:
        """Replace the record of the article's repaired text: block position → the line cleaning repaired.

        Written with the article's blocks (in the caller's transaction), so that the
        text the page had stays known after import changed it.
        """
        with self.transaction():
            self.db["import_repairs"].delete_where("article_id = ?", [article_id])
            self.db["import_repairs"].insert_all(
                {"article_id": article_id, "position": position, "original": c.original, "repairs": ",".join(c.repairs)}
                for position, c in repairs.items()
            )

    def repairs(self, article_id: int) -> dict[int, Cleaned]:
        """The article's repaired blocks: position → Cleaned (the block's text, the line as the page had it, the repairs)."""
        rows = self.db.query(
            """
            select r.position, r.original, r.repairs, b.text from import_repairs r
            join blocks b on b.article_id = r.article_id and b.position = r.position
            where r.article_id = ? order by r.position
            """,
            [article_id],
        )
        return {row["position"]: Cleaned(row["text"], row["original"], tuple(row["repairs"].split(","))) for row in rows}

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
        """Every article, newest first, with the status of its translation into `lang`."""
        sql = f"""
            select a.id, a.headline, a.published, a.full_page, {_STATUS} as status
            from articles a {_STATUS_JOIN}
            order by a.published desc, a.id desc
        """
        return [
            ArticleSummary(row["id"], row["headline"], row["published"], bool(row["full_page"]), Status(row["status"]))
            for row in self.db.query(sql, [lang])
        ]

    def pending(self, lang: str) -> dict[int, str]:
        """Articles whose translation into `lang` is missing or stale, oldest first: id → hash of their English."""
        sql = f"""
            select a.id, a.content_hash from articles a {_STATUS_JOIN}
            where {_STATUS} != '{Status.CURRENT}'
            order by a.id
        """
        return {row["id"]: row["content_hash"] for row in self.db.query(sql, [lang])}

    def translated_headlines(self, lang: str) -> dict[int, str]:
        """Article id → its headline in `lang`, for every article whose headline sentence has a translation.

        The headline is one sentence (importer.article_blocks); a translation made
        from other English than the headline now has is not its translation.
        """
        rows = self.db.query(
            """
            select s.article_id, st.text from sentences s
            join sentence_translations st
                 on st.article_id = s.article_id and st.lang = ? and st.source_hash = s.source_hash
            where s.position = 0
            order by s.article_id, s.idx
            """,
            [lang],
        )
        return {row["article_id"]: row["text"] for row in rows}

    def fingerprints(self, lang: str) -> dict[int, tuple[str, str | None]]:
        """Article id → (content hash of its English, digest of its sentence translations into `lang`).

        The digest (SHA-256 hex, None while there are none) changes whenever any
        translated sentence's text does, whoever wrote it: with the content hash
        it fixes all the article's text in both languages, so a cache (the static
        export) can tell what changed without reading every article.
        """
        digests = {
            row["article_id"]: hashlib.sha256(row["texts"].encode()).hexdigest()
            for row in self.db.query(
                # Rows come in primary-key order; only a digest that differs costs anything.
                """
                select article_id, group_concat(substr(source_hash, 1, 16) || char(31) || text, char(30)) as texts
                from sentence_translations where lang = ? group by article_id
                """,
                [lang],
            )
        }
        return {
            row["id"]: (row["content_hash"], digests.get(row["id"]))
            for row in self.db.query("select id, content_hash from articles")
        }

    # The aligned read -----------------------------------------------------------

    def aligned_article(self, article_id: int, lang: str, source_lang: str = "en") -> AlignedArticle:
        """The article as blocks of sentence pairs with its translation into `lang`, status and links.

        Read in one transaction, so a batch run or an editor saving meanwhile is
        seen whole or not at all. A sentence pair has a translation when one was
        made from the same English sentence, even while the article's translation
        is stale; an editor's text for it (editing.py) shows instead, the run's
        beside it. Sentences are marked `changed` against the English the
        editors last approved (or first worked on), kept in `revisions`.

        :raises ArticleNotFound: when there is no article `article_id`.
        """
        with self.transaction():
            header = next(
                self.db.query(
                    f"""
                    select a.id, a.published, a.full_page, a.content_hash, {_STATUS_OF} as status,
                           {_EDITORIAL_OF} as editorial_status,
                           t.package, t.package_version, t.translated_at, t.source_hash,
                           r.base_hash, r.approved_by, r.approved_at
                    from articles a
                    left join translations t on t.article_id = a.id and t.lang = :lang
                    left join article_reviews r on r.article_id = a.id and r.lang = :lang
                    where a.id = :id
                    """,
                    {"lang": lang, "id": article_id},
                ),
                None,
            )
            if header is None:
                raise ArticleNotFound(article_id)
            rows = list(
                self.db.query(
                    """
                    select b.position, b.kind, b.text as block_text, s.text as source, s.source_hash,
                           st.text as target, st.origin, st.truncated, st.score,
                           e.text as edit, e.editor, e.edited_at, sr.reviewed_at
                    from blocks b
                    left join sentences s on s.article_id = b.article_id and s.position = b.position
                    left join sentence_translations st
                           on st.article_id = b.article_id and st.lang = ?1 and st.source_hash = s.source_hash
                    left join edits e
                           on e.article_id = b.article_id and e.lang = ?1 and e.source_hash = s.source_hash
                    left join sentence_reviews sr
                           on sr.article_id = b.article_id and sr.lang = ?1 and sr.source_hash = s.source_hash
                    where b.article_id = ?2
                    order by b.position, s.idx
                    """,
                    [lang, article_id],
                )
            )
            links = {
                row["lang"]: row["url"]
                for row in self.db["publications"].rows_where("article_id = ? and withdrawn_at is null", [article_id])
            }
            base_hash = header["base_hash"]
            baseline = (
                self.revision(article_id, base_hash)
                if base_hash is not None and base_hash != header["content_hash"]
                else None
            )
        translation = (
            TranslationInfo(header["package"], header["package_version"], header["translated_at"], header["source_hash"])
            if header["package"] is not None
            else None
        )
        sentence_rows = [row for row in rows if row["source"] is not None]  # a block without sentences still shows
        changes = _changes([row["source"] for row in sentence_rows], baseline)
        pairs = {
            id(row): _pair(row, translation, (i in changes, changes.get(i))) for i, row in enumerate(sentence_rows)
        }
        blocks: dict[int, tuple[BlockKind, str, list[SentencePair]]] = {}
        for row in rows:
            _, _, block_pairs = blocks.setdefault(row["position"], (BlockKind(row["kind"]), row["block_text"], []))
            if id(row) in pairs:
                block_pairs.append(pairs[id(row)])
        approved = header["approved_at"] is not None and base_hash == header["content_hash"]
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
            editorial_status=EditorialStatus(header["editorial_status"]),
            approval=Approval(header["approved_by"], header["approved_at"]) if approved else None,
        )

    # The editors' desk: reads (editing.py writes) ------------------------------------

    def editorial_articles(
        self, lang: str, status: EditorialStatus | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[EditorialSummary]:
        """The desk's article list, newest first: `limit` rows from `offset`, of one status or all."""
        sql = f"""
            select a.id, a.published, a.full_page, a.headline, {_EDITORIAL_OF} as status,
                   coalesce(e.text, st.text) as target_headline,
                   p.url is not null and p.withdrawn_at is null as live
            from articles a
            left join sentences s on s.article_id = a.id and s.position = 0 and s.idx = 0
            left join edits e on e.article_id = a.id and e.lang = :lang and e.source_hash = s.source_hash
            left join sentence_translations st
                   on st.article_id = a.id and st.lang = :lang and st.source_hash = s.source_hash
            left join publications p on p.article_id = a.id and p.lang = :lang
            where :status is null or {_EDITORIAL_OF} = :status
            order by a.published desc, a.id desc
            limit :limit offset :offset
        """
        params = {"lang": lang, "status": status and str(status), "limit": limit, "offset": offset}
        return [
            EditorialSummary(
                row["id"],
                row["published"],
                bool(row["full_page"]),
                row["headline"],
                row["target_headline"],
                EditorialStatus(row["status"]),
                bool(row["live"]),
            )
            for row in self.db.query(sql, params)
        ]

    def editorial_counts(self, lang: str) -> dict[EditorialStatus, int]:
        """How many articles are in each editorial status (every status present, 0 where none)."""
        counts = dict.fromkeys(EditorialStatus, 0)
        sql = f"select {_EDITORIAL_OF} as status, count(*) as n from articles a group by 1"
        for row in self.db.query(sql, {"lang": lang}):
            counts[EditorialStatus(row["status"])] = row["n"]
        return counts

    def audit_trail(self, article_id: int, lang: str) -> list[AuditEntry]:
        """Every editor's change to the article's translation into `lang`, oldest first."""
        return [
            AuditEntry(
                row["id"],
                row["at"],
                row["editor"],
                AuditAction(row["action"]),
                row["via"],
                row["source_hash"],
                row["before"],
                row["after"],
                row["content_hash"],
            )
            for row in self.db["audit"].rows_where("article_id = ? and lang = ?", [article_id, lang], order_by="id")
        ]

    # Translations ---------------------------------------------------------------

    def cached_translations(
        self, sources: Iterable[str], lang: str, package: str, package_version: str
    ) -> dict[str, Hypothesis]:
        """The machine-translation cache: earlier output of the same package for these English sentences.

        Only the engine's output is cached (never an editor's text): English → Hypothesis.
        """
        found: dict[str, Hypothesis] = {}
        wanted = list(dict.fromkeys(sources))
        for start in range(0, len(wanted), 500):  # stay well under SQLite's variable limit
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.db.query(
                f"""
                select s.source, s.text, s.truncated, s.score from sentence_translations s
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
        The write lock is taken first, so the run waits for an editor's save
        instead of failing (see `write_transaction`).
        """
        with self.write_transaction():
            self.db["sentence_translations"].delete_where("article_id = ? and lang = ?", [article_id, lang])
            self.db["sentence_translations"].insert_all(
                (
                    {
                        "article_id": article_id,
                        "lang": lang,
                        "source_hash": sentence_hash(s.source),
                        "source": s.source,
                        "text": s.hypothesis.text,
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


def _article(row: dict) -> Article:
    return Article(row["id"], row["headline"], row["published"], bool(row["full_page"]), row["content_hash"])


def _changes(sources: list[str], baseline: list[Block] | None) -> dict[int, str | None]:
    """Sentences (by index in `sources`) not in the `baseline` English → the one each replaced (None: added)."""
    if baseline is None:
        return {}
    old = [text for block in baseline for text in block.sentences]
    kept = set(old)
    replaced = previous_sentences(old, sources)
    return {i: replaced.get(i) for i, text in enumerate(sources) if text not in kept}


def _pair(row: dict, translation: TranslationInfo | None, change: tuple[bool, str | None]) -> SentencePair:
    """A row of aligned_article's query as a SentencePair; `change` is (changed, previous_source).

    An editor's text replaces the run's, whose truncation, score and package
    then describe nothing shown and are left out; the run's text stays as `unedited`.
    """
    changed, previous = change
    review = {"reviewed": row["reviewed_at"] is not None, "changed": changed, "previous_source": previous}
    if row["edit"] is not None:
        return SentencePair(
            row["source"],
            row["source_hash"],
            row["edit"],
            Origin.EDITED,
            unedited=row["target"],
            edited_by=row["editor"],
            edited_at=row["edited_at"],
            **review,
        )
    if row["target"] is None:
        return SentencePair(row["source"], row["source_hash"], **review)
    return SentencePair(
        row["source"],
        row["source_hash"],
        row["target"],
        Origin(row["origin"]),
        bool(row["truncated"]),
        row["score"],
        translation.package if translation else None,
        translation.package_version if translation else None,
        **review,
    )


@contextlib.contextmanager
def opened(path: Path | str, *, create: bool = True) -> Iterator[Store]:
    """`Store.open`, closed on leaving the block."""
    store = Store.open(path, create=create)
    try:
        yield store
    finally:
        store.close()

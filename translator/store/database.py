"""The SQLite store: articles, their blocks and sentences, translations, claims, and the aligned read.

Opening a store applies pending migrations (migrations.py). Every write runs in a
`transaction()`, which takes SQLite's write lock up front (BEGIN IMMEDIATE) and
waits for another process's write to end, so any number of processes (batch
runs, imports, the desk) share one database; methods that write several rows
do so in one transaction, so a reader never sees half an article, and they
nest, as savepoints, inside a caller's transaction. Batch runs share the
pending articles through claims (`claim`, `renew_claims`, `release_claims`).

SQLite's faults (disk full, read-only file or folder, a damaged file, a lock
held too long) come out as StoreError with one line that says what to do.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from sqlite_utils import Database

from . import migrations
from ..text.cleaning import Cleaned
from ..core.errors import ArticleNotFound, StoreError
from ..core.news import Check, Flag, Severity
from ..core.news import (
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
    incomplete,
    previous_sentences,
    sentence_hash,
)

# The status of an article's translation in the language bound to the query's
# first parameter, from the translation_status view (migration m003).
_STATUS_JOIN = "left join translation_status ts on ts.article_id = a.id and ts.lang = :lang"
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
# How long a write waits for another process's write to finish, in seconds. Writes
# are short (one article, one page), so a wait this long means something is wrong.
BUSY_TIMEOUT_SECONDS = 60.0
# How long a claim on a pending article lasts unless its batch run renews it, in
# seconds: what a killed run's articles wait before another run takes them over.
LEASE_SECONDS = 30.0

# A sentence's stored translation is incomplete (news.incomplete): cut at the
# length limit, or empty for English that is not. The same expression makes
# the partial index of m005, so that SQLite uses it.
_INCOMPLETE = "(st.truncated = 1 or (st.text = '' and trim(st.source) != ''))"
# QA errors and warnings per article in `:lang`, counting the sentences the article
# has now (a stale translation's flags on English since replaced do not count).
_FLAG_COUNTS = f"""
    select q.article_id,
           sum(q.severity = '{Severity.ERROR.value}') as errors,
           sum(q.severity = '{Severity.WARNING.value}') as warnings
    from qa_flags q
    where q.lang = :lang and exists (
        select 1 from sentences s where s.article_id = q.article_id and s.source_hash = q.source_hash
    )
    group by q.article_id
"""

# Primary SQLite result codes → (what is wrong, what to do).
_FAULTS = {
    13: ("the disk is full", "free some space on it and run again"),  # SQLITE_FULL
    8: (  # SQLITE_READONLY
        "the database is read-only",
        "make the file, its -wal and -shm files beside it, and their folder writable for this user",
    ),
    14: (  # SQLITE_CANTOPEN
        "cannot open the database file",
        "check that the file and its folder exist and are readable and writable for this user",
    ),
    3: ("access denied", "check the permissions of the file and its folder"),  # SQLITE_PERM
    5: (  # SQLITE_BUSY
        f"another process kept the database locked for over {BUSY_TIMEOUT_SECONDS:.0f} s",
        "run again when it has finished",
    ),
    6: ("the database is locked", "run again when the other process has finished"),  # SQLITE_LOCKED
    10: ("the disk failed to read or write", "check the disk (full? removed? failing?) and run again"),
    11: ("the database file is damaged", "restore it from a backup, or point --db at another file"),
    26: ("the file is not an SQLite database", "point --db at the database file"),  # SQLITE_NOTADB
    7: ("SQLite ran out of memory", "close other programs and run again"),  # SQLITE_NOMEM
}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _cannot_share(error: sqlite3.Error) -> bool:
    """SQLite could not make or write the files it shares between connections (read-only folder)."""
    return ((getattr(error, "sqlite_errorcode", None) or 0) & 0xFF) in (8, 14)  # READONLY, CANTOPEN


def _has_wal(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def store_error(path: Path | str, error: sqlite3.Error, *, opening: bool = False) -> StoreError | None:
    """The one-line StoreError for a fault of the machine that SQLite reports, or None for
    anything else (a bug in a query is not the user's to fix, and keeps its traceback)."""
    code = getattr(error, "sqlite_errorcode", None)
    fault = _FAULTS.get(code & 0xFF) if code is not None else None
    if fault is None and isinstance(error, sqlite3.DatabaseError) and "file is not a database" in str(error):
        fault = _FAULTS[26]
    if fault is None:
        return None
    what, advice = fault
    if opening:
        return StoreError(f"{path}: cannot open the database ({error}): {advice}")
    return StoreError(f"{path}: {what} ({error}): {advice}")


class Store:
    """One SQLite database, migrated to the newest schema."""

    def __init__(self, db: Database, path: Path | None = None):
        """`path` names the database in messages (None: the file SQLite has open)."""
        self.db = db
        if path is None:
            row = db.execute("pragma database_list").fetchone()
            path = Path(row[2]) if row and row[2] else Path(":memory:")
        self.path = path
        # The wait for another process's write lock (sqlite3.connect's own default is 5 s).
        self.db.execute(f"pragma busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        self.db.execute("pragma foreign_keys = on")
        if migrations.migrations.pending(self.db):
            # Under the write lock, so that processes opening an old database at once
            # migrate it once (apply looks again at what is pending once it holds it).
            with self.transaction():
                migrations.apply(self.db)

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> "Store":
        """Open (with `create`, make) the database at `path`, in WAL mode, and migrate it.

        :raises StoreError: when the file is missing (and `create` is False), its folder
            cannot be made, or the database is unusable (one line, with what to do).
        """
        path = Path(path)
        if not create and not path.is_file():
            raise StoreError(f"no database at {path}: run `translate import` first")
        if create:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"{path.parent}: cannot create the database's folder ({error.strerror or error}): "
                    "create it, or point --db elsewhere"
                ) from None
        connection = None
        try:
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
            db = Database(connection)
            if db.journal_mode != "wal":
                # WAL lets editors read while a batch run writes.
                db.enable_wal()
            return cls(db, path)
        except sqlite3.Error as error:
            if connection is not None:
                connection.close()
            if not create and _cannot_share(error) and not _has_wal(path):
                with contextlib.suppress(sqlite3.Error):
                    return cls._open_immutable(path)
            raise (store_error(path, error, opening=True) or StoreError(
                f"{path}: cannot open the database ({error})"
            )) from None

    @classmethod
    def _open_immutable(cls, path: Path) -> "Store":
        """The database as a file nobody changes: for reading where SQLite cannot make its
        -shm file (a read-only folder or file system). Only when no -wal file holds changes
        not yet in the database file, which an immutable read would not see."""
        return cls(Database(sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)), path)

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def faults(self) -> Iterator[None]:
        """Turn SQLite's reports of faults of the machine inside the block into StoreError."""
        try:
            yield
        except sqlite3.Error as error:
            mapped = store_error(self.path, error)
            if mapped is None:
                raise
            raise mapped from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """A write transaction (inside one, a savepoint): all of it is written, or none.

        The outermost one starts with BEGIN IMMEDIATE: it takes SQLite's write lock
        before reading, waiting up to BUSY_TIMEOUT_SECONDS for another process's
        write to end. (A deferred transaction that reads, then writes, is refused at
        once under WAL when another process committed in between, whatever the busy
        timeout: concurrent runs died of that with "database is locked", issue 8.)
        Never open one inside `snapshot()`.

        :raises StoreError: when the write cannot be made (disk full, read-only file
            or folder, locked too long); nothing of the transaction is written.
        """
        conn = self.db.conn
        with self.faults():
            if conn.in_transaction:
                with self.db.atomic():  # a savepoint
                    yield self.db
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Database]:
        """A read transaction: every query in it sees the database as of one moment.

        Deferred: it takes no write lock, so it never waits for a writer, and it
        works on a read-only database. Write only through `transaction()`.
        """
        conn = self.db.conn
        with self.faults():
            if conn.in_transaction:
                yield self.db
                return
            conn.execute("BEGIN")
            try:
                yield self.db
            finally:
                self._rollback()

    def _rollback(self) -> None:
        # The error that brought us here may have ended the transaction already.
        with contextlib.suppress(sqlite3.Error):
            if self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")

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
        """Every article, newest first, with the status of its translation into `lang`,
        how many of its translated sentences are cut or empty (news.incomplete), and
        its QA flag counts.

        Flags count for the sentences the article has now (a stale translation's
        flags on English since replaced do not).
        """
        sql = f"""
            select a.id, a.headline, a.published, a.full_page, {_STATUS} as status,
                   coalesce(f.truncated, 0) as truncated, coalesce(f.empty, 0) as empty,
                   coalesce(q.errors, 0) as errors, coalesce(q.warnings, 0) as warnings
            from articles a {_STATUS_JOIN}
            left join (
                select st.article_id, sum(st.truncated = 1) as truncated, sum(st.truncated = 0) as empty
                from sentence_translations st
                where st.lang = :lang and {_INCOMPLETE}
                group by st.article_id
            ) f on f.article_id = a.id
            left join ({_FLAG_COUNTS}) q on q.article_id = a.id
            order by a.published desc, a.id desc
        """
        return [
            ArticleSummary(
                row["id"], row["headline"], row["published"], bool(row["full_page"]), Status(row["status"]),
                row["truncated"], row["empty"], row["errors"], row["warnings"],
            )
            for row in self.db.query(sql, {"lang": lang})
        ]

    def pending(self, lang: str) -> dict[int, str]:
        """Articles whose translation into `lang` is missing or stale, oldest first: id → hash of their English."""
        sql = f"""
            select a.id, a.content_hash from articles a {_STATUS_JOIN}
            where {_STATUS} != '{Status.CURRENT}'
            order by a.id
        """
        return {row["id"]: row["content_hash"] for row in self.db.query(sql, {"lang": lang})}

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
        with self.snapshot():
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
            flags = self.flags(article_id, lang)
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
            id(row): _pair(row, translation, (i in changes, changes.get(i)), flags.get(row["source_hash"], ()))
            for i, row in enumerate(sentence_rows)
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

    # Claims: batch runs share the pending articles ---------------------------------

    def _claimable(self, select: str, tail: str = "") -> str:
        """SQL over the articles a batch run may take (parameters: lang, retry_before, now, owner).

        An article is pending when its translation is missing or stale, or when it
        is current but holds incomplete sentences not yet retried and was saved
        before `retry_before` (ISO 8601; NULL: no retries), i.e. by an earlier run.
        It is claimable when no other owner holds a live claim on it.
        """
        return f"""
            select {select} from (
                select a.id, a.content_hash,
                       (select count(*) from sentences s where s.article_id = a.id) as sentences
                from articles a
                left join translations t on t.article_id = a.id and t.lang = :lang
                where (
                    t.source_hash is null or t.source_hash != a.content_hash
                    or (t.translated_at < :retry_before and exists (
                        select 1 from sentence_translations st
                        where st.article_id = a.id and st.lang = :lang and st.retried = 0 and {_INCOMPLETE}
                          and st.origin in ('{Origin.MACHINE}', '{Origin.CACHED}')))
                )
                and not exists (
                    select 1 from claims c
                    where c.article_id = a.id and c.lang = :lang and c.expires_at > :now and c.owner != :owner
                )
            ) {tail}
        """

    def claimable(self, lang: str, *, max_sentences: int, retry_before: str | None = None, owner: str = "") -> int:
        """How many articles a batch run of `owner` could claim now (see `claim`)."""
        params = {"lang": lang, "retry_before": retry_before, "now": time.time(), "owner": owner, "max": max_sentences}
        with self.faults():
            return self.db.execute(self._claimable("count(*)", "where sentences <= :max"), params).fetchone()[0]

    def oversized(self, lang: str, max_sentences: int) -> dict[int, int]:
        """Pending articles with more than `max_sentences` sentences, which no batch run takes: id → sentences."""
        params = {"lang": lang, "retry_before": None, "now": time.time(), "owner": "", "max": max_sentences}
        with self.faults():
            rows = self.db.execute(self._claimable("id, sentences", "where sentences > :max order by id"), params)
            return dict(rows.fetchall())

    def claim(
        self,
        lang: str,
        owner: str,
        *,
        sentences: int,
        max_sentences: int,
        retry_before: str | None = None,
        lease_seconds: float = LEASE_SECONDS,
    ) -> dict[int, str]:
        """Claim pending articles for `owner`, oldest first, until they hold `sentences` sentences.

        At least one article when any is claimable; articles of more than
        `max_sentences` sentences are left alone (see `oversized`). A claim lasts
        `lease_seconds` unless renewed; an expired one is anyone's. Returns
        article id → content hash of its English, as claimed. Being a write, the
        first claim also proves that the database can be written.

        :raises StoreError: when the database cannot be written.
        """
        params = {"lang": lang, "retry_before": retry_before, "owner": owner, "max": max_sentences}
        claimed: dict[int, str] = {}
        with self.transaction():
            params["now"] = now = time.time()
            # Each article holds a sentence at least, so `sentences` rows are enough.
            rows = self.db.execute(
                self._claimable("id, content_hash, sentences", "where sentences <= :max order by id limit :limit"),
                {**params, "limit": max(sentences, 1)},
            ).fetchall()
            held = 0
            for article_id, content_hash, count in rows:
                if held >= sentences:
                    break
                claimed[article_id] = content_hash
                held += count
            self.db.conn.executemany(
                "insert or replace into claims (article_id, lang, owner, expires_at) values (?, ?, ?, ?)",
                [(article_id, lang, owner, now + lease_seconds) for article_id in claimed],
            )
        return claimed

    def renew_claims(self, owner: str, lease_seconds: float = LEASE_SECONDS) -> int:
        """Extend `owner`'s claims by `lease_seconds` from now; returns how many it holds."""
        with self.transaction():
            return self.db.conn.execute(
                "update claims set expires_at = ? where owner = ?", (time.time() + lease_seconds, owner)
            ).rowcount

    def claim_owners(self, lang: str) -> set[str]:
        """The owners of live claims on articles for translation into `lang`."""
        with self.faults():
            rows = self.db.execute(
                "select distinct owner from claims where lang = ? and expires_at > ?", (lang, time.time())
            )
            return {owner for (owner,) in rows}

    def claimed(self, lang: str) -> int:
        """How many articles live claims hold for translation into `lang` (other runs at work)."""
        with self.faults():
            return self.db.execute(
                "select count(*) from claims where lang = ? and expires_at > ?", (lang, time.time())
            ).fetchone()[0]

    def release_claims(self, owner: str) -> None:
        """Drop `owner`'s claims (the articles it did not save become anyone's again)."""
        with self.transaction():
            self.db.conn.execute("delete from claims where owner = ?", (owner,))

    # The editors' desk: reads (editing.py writes) ------------------------------------

    def editorial_articles(
        self, lang: str, status: EditorialStatus | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[EditorialSummary]:
        """The desk's article list, newest first: `limit` rows from `offset`, of one status or all."""
        sql = f"""
            select a.id, a.published, a.full_page, a.headline, {_EDITORIAL_OF} as status,
                   coalesce(e.text, st.text) as target_headline,
                   p.url is not null and p.withdrawn_at is null as live,
                   coalesce(q.errors, 0) as errors, coalesce(q.warnings, 0) as warnings
            from articles a
            left join sentences s on s.article_id = a.id and s.position = 0 and s.idx = 0
            left join edits e on e.article_id = a.id and e.lang = :lang and e.source_hash = s.source_hash
            left join sentence_translations st
                   on st.article_id = a.id and st.lang = :lang and st.source_hash = s.source_hash
            left join publications p on p.article_id = a.id and p.lang = :lang
            left join ({_FLAG_COUNTS}) q on q.article_id = a.id
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
                row["errors"],
                row["warnings"],
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

        Only the engine's complete output is cached (never an editor's text, never
        a translation cut at the length limit or empty: news.incomplete), as the
        engine wrote it, before post-editing: English → Hypothesis.
        """
        found: dict[str, Hypothesis] = {}
        for row in self._machine_rows(sources, lang, package, package_version, f"not {_INCOMPLETE}"):
            found[row["source"]] = Hypothesis(row["text"], bool(row["truncated"]), row["score"], row["pieces"])
        return found

    def failed_sources(self, sources: Iterable[str], lang: str, package: str, package_version: str) -> set[str]:
        """Those of `sources` for which the same package gave an incomplete translation before
        (news.incomplete): decoding them the same way again would give the same."""
        return {row["source"] for row in self._machine_rows(sources, lang, package, package_version, _INCOMPLETE)}

    def _machine_rows(
        self, sources: Iterable[str], lang: str, package: str, package_version: str, condition: str
    ) -> Iterator[dict]:
        wanted = list(dict.fromkeys(sources))
        with self.faults():
            for start in range(0, len(wanted), 500):  # stay well under SQLite's variable limit
                chunk = wanted[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                yield from self.db.query(
                    f"""
                    select st.source, coalesce(st.machine_text, st.text) as text, st.truncated, st.score, st.pieces
                    from sentence_translations st
                    join translations t on t.article_id = st.article_id and t.lang = st.lang
                    where st.lang = ? and t.package = ? and t.package_version = ?
                      and st.origin in ('{Origin.MACHINE}', '{Origin.CACHED}')
                      and st.source_hash in ({marks}) and {condition}
                    """,
                    [lang, package, package_version, *(sentence_hash(source) for source in chunk)],
                )

    def save_translation(
        self,
        article_id: int,
        lang: str,
        sentences: Iterable[TranslatedSentence],
        *,
        package: str,
        package_version: str,
        source_hash: str,
        owner: str | None = None,
    ) -> bool:
        """Replace the article's translation into `lang`, in one transaction; True when saved.

        `sentences` are keyed by their English: a sentence that occurs twice in
        the article is stored once. `source_hash` is the content hash of the
        English the translation was made from (it is stale when that changes).
        With `owner`, the save is a batch run's under its claim (`claim`): it is
        made only while the claim is still the owner's (not taken over by another
        run after it expired), and it ends the claim. Returns False when not made.

        :raises StoreError: when the database cannot be written (nothing is).
        """
        with self.transaction():
            conn = self.db.conn
            if owner is not None:
                row = conn.execute(
                    "select owner from claims where article_id = ? and lang = ?", (article_id, lang)
                ).fetchone()
                if row is None or row[0] != owner:
                    return False
                conn.execute("delete from claims where article_id = ? and lang = ?", (article_id, lang))
            conn.execute("delete from sentence_translations where article_id = ? and lang = ?", (article_id, lang))
            conn.executemany(
                """
                insert or ignore into sentence_translations
                    (article_id, lang, source_hash, source, text, machine_text, origin, truncated, score, retried, pieces)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    (
                        article_id, lang, sentence_hash(s.source), s.source,
                        s.hypothesis.text if s.text is None else s.text, s.hypothesis.text, str(s.origin),
                        int(s.hypothesis.truncated), s.hypothesis.score, int(s.retried), s.hypothesis.pieces,
                    )
                    for s in sentences
                ),
            )
            # One statement, so that a new row is an insert and an old one an update.
            conn.execute(
                """
                insert into translations (article_id, lang, package, package_version, translated_at, source_hash)
                values (?, ?, ?, ?, ?, ?)
                on conflict (article_id, lang) do update set
                    package = excluded.package, package_version = excluded.package_version,
                    translated_at = excluded.translated_at, source_hash = excluded.source_hash
                """,
                (article_id, lang, package, package_version, _now(), source_hash),
            )
        return True


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


def _changes(sources: list[str], baseline: list[Block] | None) -> dict[int, str | None]:
    """Sentences (by index in `sources`) not in the `baseline` English → the one each replaced (None: added)."""
    if baseline is None:
        return {}
    old = [text for block in baseline for text in block.sentences]
    kept = set(old)
    replaced = previous_sentences(old, sources)
    return {i: replaced.get(i) for i, text in enumerate(sources) if text not in kept}


def _pair(
    row: dict, translation: TranslationInfo | None, change: tuple[bool, str | None], flags: tuple[Flag, ...]
) -> SentencePair:
    """A row of aligned_article's query as a SentencePair; `change` is (changed, previous_source),
    `flags` the sentence's QA flags.

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
            flags=flags,
            **review,
        )
    if row["target"] is None:
        return SentencePair(row["source"], row["source_hash"], flags=flags, **review)
    return SentencePair(
        row["source"],
        row["source_hash"],
        row["target"],
        Origin(row["origin"]),
        bool(row["truncated"]),
        row["score"],
        translation.package if translation else None,
        translation.package_version if translation else None,
        flags=flags,
        **review,
    )


def _span(start: int | None, end: int | None) -> tuple[int, int] | None:
    return None if start is None or end is None else (start, end)


@contextlib.contextmanager
def opened(path: Path | str, *, create: bool = True) -> Iterator[Store]:
    """`Store.open`, closed on leaving the block; SQLite's fault reports in the block become StoreError."""
    store = Store.open(path, create=create)
    try:
        with store.faults():
            yield store
    finally:
        with contextlib.suppress(sqlite3.Error):  # what was committed stays committed
            store.close()

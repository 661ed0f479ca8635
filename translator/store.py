"""The SQLite store: articles, their segments and sentences, and translations.

Opening a store applies pending migrations. Methods that write several rows do so
in one transaction, so a reader never sees half an article.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from sqlite_utils import Database

from . import migrations
from .errors import StoreError
from .news import Block, BlockKind, Status

# The status of an article's translation, derived, never stored: no translation
# row, a row made from other English than the article has now, or a current one.
_STATUS_SQL = f"""
case
  when t.article_id is null then '{Status.MISSING}'
  when t.source_hash != a.content_hash then '{Status.STALE}'
  else '{Status.CURRENT}'
end
"""


@dataclass(frozen=True)
class Article:
    id: int
    headline: str
    published: str
    full_page: bool
    content_hash: str
    status: Status  # of its translation in the language asked for
    link: str | None  # to that translation, once it has existed


@dataclass(frozen=True)
class Translation:
    package: str
    package_version: str
    translated_at: str
    link: str
    back_link: str
    sentences: dict[tuple[int, int], str]  # (position, idx) → text


# (position, idx, text): one sentence of an article, in reading order.
SentenceRow = tuple[int, int, str]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    def __init__(self, db: Database):
        self.db = db
        self.db.execute("pragma foreign_keys = on")
        migrations.apply(self.db)

    @classmethod
    def open(cls, path: Path | str) -> "Store":
        path = Path(path)
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
        return self.db.atomic()

    # Articles and their English -------------------------------------------------

    def find_article(self, published: str, headline: str) -> dict | None:
        rows = list(
            self.db["articles"].rows_where(
                "published = ? and headline = ?", [published, headline], limit=1
            )
        )
        return rows[0] if rows else None

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
        """Insert (article_id None) or replace an article and all its blocks, atomically.

        `blocks` start with the headline; a block's position is its index.
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
                articles.update(article_id, fields)
                for table in ("segments", "sentences"):
                    self.db[table].delete_where("article_id = ?", [article_id])
            self.db["segments"].insert_all(
                {"article_id": article_id, "position": position, "kind": b.kind, "text": b.text}
                for position, b in enumerate(blocks)
            )
            self.db["sentences"].insert_all(
                {"article_id": article_id, "position": position, "idx": i, "text": text}
                for position, b in enumerate(blocks)
                for i, text in enumerate(b.sentences)
            )
        return article_id  # type: ignore[return-value]

    def article(self, article_id: int, lang: str = "ja") -> Article | None:
        rows = self._articles("where a.id = ?", [lang, article_id])
        return rows[0] if rows else None

    def articles(self, lang: str = "ja") -> list[Article]:
        return self._articles("order by a.published desc, a.id desc", [lang])

    def _articles(self, tail: str, params: list) -> list[Article]:
        sql = f"""
            select a.id, a.headline, a.published, a.full_page, a.content_hash,
                   {_STATUS_SQL} as status, t.link
            from articles a
            left join translations t on t.article_id = a.id and t.lang = ?
            {tail}
        """
        return [
            Article(
                id=row["id"],
                headline=row["headline"],
                published=row["published"],
                full_page=bool(row["full_page"]),
                content_hash=row["content_hash"],
                status=Status(row["status"]),
                link=row["link"],
            )
            for row in self.db.query(sql, params)
        ]

    def blocks(self, article_id: int) -> list[Block]:
        sentences: dict[int, list[str]] = {}
        for position, _, text in self.sentences(article_id):
            sentences.setdefault(position, []).append(text)
        return [
            Block(BlockKind(row["kind"]), row["text"], tuple(sentences.get(row["position"], ())))
            for row in self.db["segments"].rows_where(
                "article_id = ?", [article_id], order_by="position"
            )
        ]

    def sentences(self, article_id: int) -> list[SentenceRow]:
        return [
            (row["position"], row["idx"], row["text"])
            for row in self.db["sentences"].rows_where(
                "article_id = ?", [article_id], order_by="position, idx"
            )
        ]

    # Translations ---------------------------------------------------------------

    def pending(self, lang: str) -> dict[int, str]:
        """Articles whose translation is missing or stale, oldest first: id → hash of their English."""
        sql = f"""
            select a.id, a.content_hash from articles a
            left join translations t on t.article_id = a.id and t.lang = ?
            where ({_STATUS_SQL}) != '{Status.CURRENT}'
            order by a.id
        """
        return {row["id"]: row["content_hash"] for row in self.db.query(sql, [lang])}

    def translation(self, article_id: int, lang: str) -> Translation | None:
        rows = list(
            self.db["translations"].rows_where(
                "article_id = ? and lang = ?", [article_id, lang], limit=1
            )
        )
        if not rows:
            return None
        row = rows[0]
        sentences = {
            (s["position"], s["idx"]): s["text"]
            for s in self.db["translated_sentences"].rows_where(
                "article_id = ? and lang = ?", [article_id, lang]
            )
        }
        return Translation(
            row["package"], row["package_version"], row["translated_at"], row["link"], row["back_link"], sentences
        )

    def save_translation(
        self,
        article_id: int,
        lang: str,
        sentences: Iterable[tuple[int, int, str, str]],
        *,
        package: str,
        package_version: str,
        source_hash: str,
        link: str,
        back_link: str,
    ) -> None:
        """Replace the article's translation in `lang`, in one transaction.

        `sentences` are (position, idx, English, translation). The link is
        published with the article, so the first one stays.
        """
        with self.transaction():
            previous = self.translation_link(article_id, lang)
            self.db["translated_sentences"].delete_where(
                "article_id = ? and lang = ?", [article_id, lang]
            )
            self.db["translated_sentences"].insert_all(
                {
                    "article_id": article_id,
                    "lang": lang,
                    "position": p,
                    "idx": i,
                    "source": source,
                    "text": text,
                }
                for p, i, source, text in sentences
            )
            self.db["translations"].upsert(
                {
                    "article_id": article_id,
                    "lang": lang,
                    "package": package,
                    "package_version": package_version,
                    "translated_at": _now(),
                    "source_hash": source_hash,
                    "link": previous or link,
                    "back_link": back_link,
                },
                pk=("article_id", "lang"),
            )

    def remembered(
        self, sources: Iterable[str], lang: str, package: str, package_version: str
    ) -> dict[str, str]:
        """Earlier translations of these English sentences by the same package."""
        found: dict[str, str] = {}
        wanted = list(dict.fromkeys(sources))
        for start in range(0, len(wanted), 500):  # stay well under SQLite's variable limit
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.db.query(
                f"""
                select s.source, s.text from translated_sentences s
                join translations t on t.article_id = s.article_id and t.lang = s.lang
                where s.lang = ? and t.package = ? and t.package_version = ?
                  and s.source in ({marks})
                """,
                [lang, package, package_version, *chunk],
            )
            found.update((row["source"], row["text"]) for row in rows)
        return found

    def translation_link(self, article_id: int, lang: str) -> str | None:
        rows = self.db.query(
            "select link from translations where article_id = ? and lang = ?", [article_id, lang]
        )
        return next((row["link"] for row in rows), None)

    def counts(self) -> dict[str, int]:
        return {table: self.db[table].count for table in ("articles", "sentences", "translations")}


@contextlib.contextmanager
def opened(path: Path | str) -> Iterator[Store]:
    store = Store.open(path)
    try:
        yield store
    finally:
        store.close()

"""Articles and their English: blocks, sentences, earlier English (revisions) and import repairs."""

from __future__ import annotations

import json
from typing import Mapping, Sequence

from ..core.news import Article, Block, BlockKind, Cleaned, sentence_hash
from .connection import Connection, now


class Articles(Connection):
    """Tables `articles`, `blocks`, `sentences`, `revisions`, `import_repairs`."""

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
        at = now()
        fields = {
            "headline": headline,
            "published": published,
            "full_page": int(full_page),
            "content_hash": content_hash,
            "source": source,
            "updated_at": at,
        }
        with self.transaction():
            articles = self.db["articles"]
            if article_id is None:
                article_id = articles.insert({**fields, "created_at": at}).last_pk
            else:
                old_hash = articles.get(article_id)["content_hash"]
                if old_hash != content_hash:
                    self._keep_revision(article_id, old_hash, at)
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


def _article(row: dict) -> Article:
    return Article(row["id"], row["headline"], row["published"], bool(row["full_page"]), row["content_hash"])

"""Ordered schema migrations; the only place the schema is created or changed."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("translate")


@migrations()
def m001_articles(db: Database) -> None:
    db["articles"].create(
        {
            "id": int,
            "headline": str,
            "published": str,  # ISO 8601 with +09:00
            "full_page": int,  # 0: known only from a sidebar
            "content_hash": str,
            "source": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"headline", "published", "full_page", "content_hash", "created_at", "updated_at"},
    )
    db["articles"].create_index(["published", "headline"], unique=True)

    # Position 0 is the headline, then paragraphs and subheadings in page order.
    db["segments"].create(
        {"article_id": int, "position": int, "kind": str, "text": str},
        pk=("article_id", "position"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"kind", "text"},
    )
    db["sentences"].create(
        {"article_id": int, "position": int, "idx": int, "text": str},
        pk=("article_id", "position", "idx"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"text"},
    )
    # One row per article and language: provenance, links, and a hash of the
    # English it was made from (it is stale when that differs from the article's).
    db["translations"].create(
        {
            "article_id": int,
            "lang": str,
            "package": str,
            "package_version": str,
            "translated_at": str,
            "source_hash": str,
            "link": str,  # where this translation is published; set once, then stable
            "back_link": str,  # where the English is
        },
        pk=("article_id", "lang"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"package", "translated_at", "source_hash"},
    )
    # Each translated sentence keeps the English it came from, so that an unchanged
    # sentence (a dateline, boilerplate, or one in an edited article) is not
    # translated again by the same package.
    db["translated_sentences"].create(
        {"article_id": int, "lang": str, "position": int, "idx": int, "source": str, "text": str},
        pk=("article_id", "lang", "position", "idx"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"source", "text"},
    )
    db["translated_sentences"].create_index(["source"])


def apply(db: Database) -> None:
    migrations.apply(db)

"""Publications: where each article's page in each language is, since when, and whether it is live.

"Live" is one fact, the view `live_pages` (migration m009): a page is live
while it is published and not withdrawn and, for a translation, while the
translation is current. The links every face shows, the pages the server and
the export make, the sidebars and the desk's "live" column all read it.
"""

from __future__ import annotations

from typing import Iterable

from ..core.news import Listed, Publication, Status
from .connection import Connection


class Publications(Connection):
    """Table `publications` (and the view `live_pages`)."""

    def publication(self, article_id: int, lang: str) -> Publication | None:
        """The article's publication in `lang` (live or withdrawn), or None when it was never published."""
        row = next(self.db["publications"].rows_where("article_id = ? and lang = ?", [article_id, lang], limit=1), None)
        return Publication(row["url"], row["published_at"], row["withdrawn_at"]) if row else None

    def unpublished_current(self, lang: str) -> list[int]:
        """Articles whose translation into `lang` is current and was never published, by id."""
        return [
            row["article_id"]
            for row in self.db.query(
                f"""
                select ts.article_id from translation_status ts
                where ts.lang = ? and ts.status = '{Status.CURRENT}'
                  and not exists (
                      select 1 from publications p where p.article_id = ts.article_id and p.lang = ts.lang
                  )
                order by ts.article_id
                """,
                [lang],
            )
        ]

    def add_publications(self, pages: Iterable[tuple[int, str, str]], at: str) -> None:
        """Publish (article id, lang, URL) pages at `at` (ISO 8601); a page published before keeps its URL."""
        with self.transaction():
            self.db["publications"].insert_all(
                ({"article_id": article_id, "lang": lang, "url": url, "published_at": at} for article_id, lang, url in pages),
                ignore=True,
            )

    def restore_publication(self, article_id: int, lang: str) -> None:
        """Publish a withdrawn page again, at its URL."""
        with self.transaction():
            self.db.execute(
                "update publications set withdrawn_at = null where article_id = ? and lang = ?", [article_id, lang]
            )

    def withdraw_publication(self, article_id: int, lang: str, at: str) -> None:
        """Take the article's page in `lang` offline at `at`; its URL stays reserved for when it is published again."""
        with self.transaction():
            self.db.execute(
                "update publications set withdrawn_at = ? where article_id = ? and lang = ? and withdrawn_at is null",
                [at, article_id, lang],
            )

    def live_translations(self, lang: str, article_id: int | None = None) -> dict[int, bool]:
        """Articles whose page in `lang` (a translation) is live (`live_pages`): id → reviewed by the desk.

        Reviewed: an editor's approval holds for the English as it is (an edit
        since, or a changed English, ends it). `article_id` limits the answer to that article.
        """
        only = "and article_id = :id" if article_id is not None else ""
        rows = self.db.query(
            f"select article_id, reviewed from live_pages where lang = :lang {only} order by article_id",
            {"lang": lang, "id": article_id},
        )
        return {row["article_id"]: bool(row["reviewed"]) for row in rows}

    def listing(self, translated_into: str | None = None, *, at: int | None = None, limit: int | None = None) -> list[Listed]:
        """The site's list of articles in one language, newest first (published, then id).

        `translated_into` None: the English list, every article. A language: the
        articles whose translation into it is live and whose headline has a
        translation, with that headline. `at`: start the list at that article
        (itself included where it is listed) and go back in time; `limit`: at
        most that many. A page's sidebar thus reads `limit` rows, not the archive.
        """
        if translated_into is None:
            headline, joins = "a.headline", ""
        else:
            # The headline is the article's one position-0 sentence (importer.article_blocks);
            # a translation made from other English than it now has is not its translation.
            # CROSS JOIN keeps articles the outer loop, walked in published order, so a
            # window stops after `limit` rows (SQLite's planner otherwise starts from the
            # 300,000 sentence translations of a 10,000-article archive: 0.5 s, not 1 ms).
            # Source: https://www.sqlite.org/optoverview.html#manual_control_of_query_plans_using_cross_join
            headline = "st.text"
            joins = """
                cross join live_pages live on live.article_id = a.id and live.lang = :lang
                cross join sentences s on s.article_id = a.id and s.position = 0
                cross join sentence_translations st
                     on st.article_id = a.id and st.lang = :lang and st.source_hash = s.source_hash
            """
        window = "where (a.published, a.id) <= (select published, id from articles where id = :at)" if at is not None else ""
        rows = self.db.query(
            f"""
            select a.id, a.published, {headline} as headline, a.full_page from articles a {joins} {window}
            order by a.published desc, a.id desc {"limit :limit" if limit is not None else ""}
            """,
            {"lang": translated_into, "at": at, "limit": limit},
        )
        return [Listed(row["id"], row["published"], row["headline"], bool(row["full_page"])) for row in rows]

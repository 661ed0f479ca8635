"""The editors' work: edits, sentence reviews, approvals and the audit trail."""

from __future__ import annotations

from ..core.errors import ArticleNotFound, SentenceNotFound
from ..core.news import AuditAction, AuditEntry, EditorialStatus, EditorialSummary, sentence_hash
from . import sql
from .connection import Connection


class Editorial(Connection):
    """Tables `edits`, `sentence_reviews`, `article_reviews`, `audit` (and the view `editorial_status`)."""

    def editorial_articles(
        self, lang: str, status: EditorialStatus | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[EditorialSummary]:
        """The desk's article list, newest first: `limit` rows from `offset`, of one status or all."""
        query = f"""
            select a.id, a.published, a.full_page, a.headline, {sql.EDITORIAL_OF} as status,
                   coalesce(e.text, st.text) as target_headline,
                   live.article_id is not null as live,
                   coalesce(q.errors, 0) as errors, coalesce(q.warnings, 0) as warnings
            from articles a
            left join sentences s on s.article_id = a.id and s.position = 0 and s.idx = 0
            left join edits e on e.article_id = a.id and e.lang = :lang and e.source_hash = s.source_hash
            left join sentence_translations st
                   on st.article_id = a.id and st.lang = :lang and st.source_hash = s.source_hash
            left join live_pages live on live.article_id = a.id and live.lang = :lang
            left join ({sql.FLAG_COUNTS}) q on q.article_id = a.id
            where :status is null or {sql.EDITORIAL_OF} = :status
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
            for row in self.db.query(query, params)
        ]

    def editorial_counts(self, lang: str) -> dict[EditorialStatus, int]:
        """How many articles are in each editorial status (every status present, 0 where none)."""
        counts = dict.fromkeys(EditorialStatus, 0)
        query = f"select {sql.EDITORIAL_OF} as status, count(*) as n from articles a group by 1"
        for row in self.db.query(query, {"lang": lang}):
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

    # Writes (editorial/editing.py decides when; each is part of the caller's transaction) ----------

    def content_hash(self, article_id: int) -> str:
        """The hash of the article's English as it is now.

        :raises ArticleNotFound: when there is no article `article_id`.
        """
        row = next(self.db["articles"].rows_where("id = ?", [article_id], select="content_hash", limit=1), None)
        if row is None:
            raise ArticleNotFound(article_id)
        return row["content_hash"]

    def sentence_source(self, article_id: int, source_hash: str) -> tuple[str, str]:
        """The English of the article's sentence with this hash, and the article's content hash.

        :raises ArticleNotFound: / SentenceNotFound: when there is no such article or sentence.
        """
        row = self.db.execute(
            """
            select s.text, a.content_hash from articles a
            left join sentences s on s.article_id = a.id and s.source_hash = ?
            where a.id = ? limit 1
            """,
            [source_hash, article_id],
        ).fetchone()
        if row is None:
            raise ArticleNotFound(article_id)
        if row[0] is None:
            raise SentenceNotFound(article_id, source_hash)
        return row[0], row[1]

    def sentence_texts(self, article_id: int, lang: str, source_hash: str) -> tuple[str | None, str | None]:
        """The run's text and the editors' text of a sentence (None where there is none)."""
        return self.db.execute(
            """
            select (select text from sentence_translations where article_id = ?1 and lang = ?2 and source_hash = ?3),
                   (select text from edits where article_id = ?1 and lang = ?2 and source_hash = ?3)
            """,
            [article_id, lang, source_hash],
        ).fetchone()

    def save_edit(self, article_id: int, lang: str, source_hash: str, source: str, text: str, editor: str, at: str) -> None:
        """Keep `editor`'s text for a sentence (replacing an earlier edit)."""
        with self.transaction():
            self.db.execute(
                """
                insert into edits (article_id, lang, source_hash, source, text, editor, edited_at)
                values (?, ?, ?, ?, ?, ?, ?)
                on conflict (article_id, lang, source_hash)
                do update set text = excluded.text, editor = excluded.editor, edited_at = excluded.edited_at
                """,
                [article_id, lang, source_hash, source, text, editor, at],
            )

    def drop_edit(self, article_id: int, lang: str, source_hash: str) -> None:
        """Remove the editors' text for a sentence: the run's shows again."""
        with self.transaction():
            self.db.execute(
                "delete from edits where article_id = ? and lang = ? and source_hash = ?", [article_id, lang, source_hash]
            )

    def record_review(
        self, article_id: int, lang: str, source_hash: str, editor: str, at: str, *, text: str, accepted: bool = False
    ) -> bool:
        """Record that `editor` saw the sentence's Japanese `text` at `at`: reviewed on its own, or
        `accepted` as it was in an approval's one step. True if that changed anything (not reviewed
        before, reviewed with another text, or only accepted and now reviewed on its own)."""
        text_hash = sentence_hash(text)
        with self.transaction():
            row = self.db.execute(
                "select text_hash, accepted from sentence_reviews where article_id = ? and lang = ? and source_hash = ?",
                [article_id, lang, source_hash],
            ).fetchone()
            if row is not None and row[0] in (text_hash, None) and (accepted or row[1] != 1):
                return False  # this text (or, before m011, any) is reviewed already, as well or better
            self.db.execute(
                """
                insert into sentence_reviews (article_id, lang, source_hash, editor, reviewed_at, text_hash, accepted)
                values (?, ?, ?, ?, ?, ?, ?)
                on conflict (article_id, lang, source_hash) do update set editor = excluded.editor,
                    reviewed_at = excluded.reviewed_at, text_hash = excluded.text_hash, accepted = excluded.accepted
                """,
                [article_id, lang, source_hash, editor, at, text_hash, int(accepted)],
            )
        return True

    def base_review_on(self, article_id: int, lang: str, content_hash: str, *, withdraw_approval: bool) -> None:
        """Record the English the editors work on (if not yet recorded); withdraw the approval if asked."""
        with self.transaction():
            self.db.execute(
                "insert or ignore into article_reviews (article_id, lang, base_hash) values (?, ?, ?)",
                [article_id, lang, content_hash],
            )
            if withdraw_approval:
                self.db.execute(
                    "update article_reviews set approved_by = null, approved_at = null where article_id = ? and lang = ?",
                    [article_id, lang],
                )

    def record_approval(self, article_id: int, lang: str, content_hash: str, editor: str, at: str) -> None:
        """Record `editor`'s approval at `at` of the translation of the English with `content_hash`."""
        with self.transaction():
            self.db["article_reviews"].upsert(
                {"article_id": article_id, "lang": lang, "base_hash": content_hash, "approved_by": editor, "approved_at": at},
                pk=("article_id", "lang"),
            )

    def clear_review(self, article_id: int, lang: str, source_hash: str) -> None:
        """Forget that the sentence was reviewed (its text changed: what was confirmed is gone)."""
        with self.transaction():
            self.db.execute(
                "delete from sentence_reviews where article_id = ? and lang = ? and source_hash = ?",
                [article_id, lang, source_hash],
            )

    def add_audit(
        self,
        article_id: int,
        lang: str,
        editor: str,
        action: AuditAction,
        content_hash: str,
        at: str,
        *,
        via: str | None = None,
        source_hash: str | None = None,
        before: str | None = None,
        after: str | None = None,
    ) -> None:
        """Append one entry to the article's audit trail."""
        with self.transaction():
            self.db.execute(
                """
                insert into audit (article_id, lang, at, editor, action, content_hash, via, source_hash, before, after)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [article_id, lang, at, editor, str(action), content_hash, via, source_hash, before, after],
            )

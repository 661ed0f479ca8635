"""Translations: the status of each article's, the pending ones, the machine-translation cache, and saving a run's."""

from __future__ import annotations

import hashlib
from typing import Any, Iterable, Iterator

from ..core.news import ArticleSummary, Hypothesis, Origin, Status, TranslatedSentence, sentence_hash
from . import sql
from .connection import Connection, now


class Translations(Connection):
    """Tables `translations`, `sentence_translations` (and the view `translation_status`)."""

    def articles(self, lang: str) -> list[ArticleSummary]:
        """Every article, newest first, with the status of its translation into `lang`,
        how many of its translated sentences are cut or empty (news.incomplete), its
        QA flag counts, and the package (name, version) that made it.

        Flags count for the sentences the article has now (a stale translation's
        flags on English since replaced do not).
        """
        query = f"""
            select a.id, a.headline, a.published, a.full_page, {sql.STATUS} as status,
                   coalesce(f.truncated, 0) as truncated, coalesce(f.empty, 0) as empty,
                   coalesce(q.errors, 0) as errors, coalesce(q.warnings, 0) as warnings,
                   t.package, t.package_version
            from articles a {sql.STATUS_JOIN}
            left join translations t on t.article_id = a.id and t.lang = :lang
            left join (
                select st.article_id, sum(st.truncated = 1) as truncated, sum(st.truncated = 0) as empty
                from sentence_translations st
                where st.lang = :lang and {sql.INCOMPLETE}
                group by st.article_id
            ) f on f.article_id = a.id
            left join ({sql.FLAG_COUNTS}) q on q.article_id = a.id
            order by a.published desc, a.id desc
        """
        return [
            ArticleSummary(
                row["id"], row["headline"], row["published"], bool(row["full_page"]), Status(row["status"]),
                row["truncated"], row["empty"], row["errors"], row["warnings"],
                row["package"], row["package_version"],
            )
            for row in self.db.query(query, {"lang": lang})
        ]

    def pending(self, lang: str) -> dict[int, str]:
        """Articles whose translation into `lang` is missing or stale, oldest first: id → hash of their English."""
        query = f"""
            select a.id, a.content_hash from articles a {sql.STATUS_JOIN}
            where {sql.STATUS} != '{Status.CURRENT}'
            order by a.id
        """
        return {row["id"]: row["content_hash"] for row in self.db.query(query, {"lang": lang})}

    def fingerprints(self, lang: str) -> dict[int, tuple[str, str | None]]:
        """Article id → (content hash of its English, digest of what its translation into `lang` shows).

        The digest (SHA-256 hex, None while there is no translation) changes whenever
        any sentence's text changes, the run's or an editor's, and whenever a review
        does (the Japanese page says how many sentences the editors checked): with the
        content hash it fixes everything the article's pages show in both languages, so
        a cache (the static export) can tell what changed without reading every article.
        """
        hashes: dict[int, Any] = {}
        # Hashed here, in the order the query fixes: SQLite (3.40 here) keeps no order in group_concat.
        for article_id, part in self.db.execute(
            """
            select article_id, 't' || substr(source_hash, 1, 16) || char(31) || text as part
            from sentence_translations where lang = :lang
            union all
            select article_id, 'e' || substr(source_hash, 1, 16) || char(31) || text
            from edits where lang = :lang
            union all
            select article_id, 'r' || substr(source_hash, 1, 16) || char(31) || coalesce(text_hash, '')
                || char(31) || coalesce(accepted, '')
            from sentence_reviews where lang = :lang
            order by 1, 2
            """,
            {"lang": lang},
        ):
            if article_id not in hashes:
                hashes[article_id] = hashlib.sha256()
            hashes[article_id].update(part.encode() + b"\x1e")
        digests = {article_id: digest.hexdigest() for article_id, digest in hashes.items()}
        return {
            row["id"]: (row["content_hash"], digests.get(row["id"]))
            for row in self.db.query("select id, content_hash from articles")
        }

    def cached_translations(
        self, sources: Iterable[str], lang: str, package: str, package_version: str
    ) -> dict[str, Hypothesis]:
        """The machine-translation cache: earlier output of the same package for these English sentences.

        Only the engine's complete output is cached (never an editor's text, never
        a translation cut at the length limit or empty: news.incomplete), as the
        engine wrote it, before post-editing: English → Hypothesis.
        """
        found: dict[str, Hypothesis] = {}
        for row in self._machine_rows(sources, lang, package, package_version, f"not {sql.INCOMPLETE}"):
            found[row["source"]] = Hypothesis(row["text"], bool(row["truncated"]), row["score"], row["pieces"])
        return found

    def failed_sources(self, sources: Iterable[str], lang: str, package: str, package_version: str) -> set[str]:
        """Those of `sources` for which the same package gave an incomplete translation before
        (news.incomplete): decoding them the same way again would give the same."""
        return {row["source"] for row in self._machine_rows(sources, lang, package, package_version, sql.INCOMPLETE)}

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
        family: str | None = None,
        confidence_threshold: float | None = None,
    ) -> bool:
        """Replace the article's translation into `lang`, in one transaction; True when saved.

        `sentences` are keyed by their English: a sentence that occurs twice in
        the article is stored once. `source_hash` is the content hash of the
        English the translation was made from (it is stale when that changes);
        `family` the package's model family (translation/families.py), `confidence_threshold`
        its threshold for QA's confidence check (None: the default, quality/checks.py).
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
                insert into translations
                    (article_id, lang, package, package_version, family, confidence_threshold, translated_at, source_hash)
                values (?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (article_id, lang) do update set
                    package = excluded.package, package_version = excluded.package_version,
                    family = excluded.family, confidence_threshold = excluded.confidence_threshold,
                    translated_at = excluded.translated_at, source_hash = excluded.source_hash
                """,
                (article_id, lang, package, package_version, family, confidence_threshold, now(), source_hash),
            )
        return True

    def machine_sentences(self, article_id: int, lang: str) -> list[tuple[str, str, str, str]]:
        """The article's sentences whose shown text is the engine's (origin machine or cached, and no
        editor's text over it): (sentence hash, English, the engine's own text, the text saved)."""
        return [
            (row["source_hash"], row["source"], row["machine_text"] or row["text"], row["text"])
            for row in self.db.query(
                f"""
                select st.source_hash, st.source, st.machine_text, st.text from sentence_translations st
                where st.article_id = ? and st.lang = ? and st.origin in ('{Origin.MACHINE}', '{Origin.CACHED}')
                  and not exists (
                      select 1 from edits e
                      where e.article_id = st.article_id and e.lang = st.lang and e.source_hash = st.source_hash
                  )
                order by st.source_hash
                """,
                [article_id, lang],
            )
        ]

    def rewrite_machine_text(self, article_id: int, lang: str, source_hash: str, text: str) -> None:
        """Save `text` as the post-edited form of the engine's output for a sentence (the engine's own stays)."""
        with self.transaction():
            self.db.execute(
                "update sentence_translations set text = ? where article_id = ? and lang = ? and source_hash = ?",
                [text, article_id, lang, source_hash],
            )

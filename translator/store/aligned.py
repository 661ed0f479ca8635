"""The aligned read: one article as blocks of sentence pairs, with everything every face shows of it."""

from __future__ import annotations

from ..core.errors import ArticleNotFound
from ..core.news import (
    AlignedArticle,
    AlignedBlock,
    Approval,
    Block,
    BlockKind,
    EditorialStatus,
    Flag,
    Origin,
    SentencePair,
    Status,
    TranslationInfo,
    previous_sentences,
    sentence_hash,
)
from . import sql
from .connection import Connection


class Aligned(Connection):
    """Reads across every subject's tables (articles, translations, edits, reviews, publications, flags)."""

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
                    select a.id, a.published, a.full_page, a.content_hash, {sql.STATUS_OF} as status,
                           {sql.EDITORIAL_OF} as editorial_status,
                           t.package, t.package_version, t.family, t.confidence_threshold, t.translated_at, t.source_hash,
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
            # Blocks and sentences apart: a block's text once, not on each of its sentences' rows
            # (a 262 KB paragraph of 5,656 sentences was copied 5,656 times, 1.5 GB: issue 25).
            block_rows = self.db.execute(
                "select position, kind, text from blocks where article_id = ? order by position", [article_id]
            ).fetchall()
            rows = list(
                self.db.query(
                    """
                    select s.position, s.text as source, s.source_hash,
                           st.text as target, st.origin, st.truncated, st.score,
                           e.text as edit, e.editor, e.edited_at, sr.reviewed_at, sr.text_hash, sr.accepted
                    from sentences s
                    left join sentence_translations st
                           on st.article_id = s.article_id and st.lang = ?1 and st.source_hash = s.source_hash
                    left join edits e
                           on e.article_id = s.article_id and e.lang = ?1 and e.source_hash = s.source_hash
                    left join sentence_reviews sr
                           on sr.article_id = s.article_id and sr.lang = ?1 and sr.source_hash = s.source_hash
                    where s.article_id = ?2
                    order by s.position, s.idx
                    """,
                    [lang, article_id],
                )
            )
            links = {
                row["lang"]: row["url"] for row in self.db["live_pages"].rows_where("article_id = ?", [article_id])
            }
            flags = self.flags(article_id, lang)
            base_hash = header["base_hash"]
            baseline = (
                self.revision(article_id, base_hash)
                if base_hash is not None and base_hash != header["content_hash"]
                else None
            )
        translation = (
            TranslationInfo(
                header["package"], header["package_version"], header["translated_at"], header["source_hash"],
                header["family"], header["confidence_threshold"],
            )
            if header["package"] is not None
            else None
        )
        changes = _changes([row["source"] for row in rows], baseline)
        blocks: dict[int, tuple[BlockKind, str, list[SentencePair]]] = {
            position: (BlockKind(kind), text, []) for position, kind, text in block_rows
        }  # a block without sentences still shows
        accepted: dict[str, int | None] = {}  # sentence hash → its holding review's kind (1: taken in bulk)
        for i, row in enumerate(rows):
            pair = _pair(row, translation, (i in changes, changes.get(i)), flags.get(row["source_hash"], ()))
            blocks[row["position"]][2].append(pair)
            if pair.reviewed:
                accepted[pair.source_hash] = row["accepted"]
        approved = header["approved_at"] is not None and base_hash == header["content_hash"]
        # How many sentences the approval took unreviewed; None when reviews from before m011 hold.
        in_bulk = None if None in accepted.values() else sum(accepted.values())
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
            approval=Approval(header["approved_by"], header["approved_at"], in_bulk) if approved else None,
        )


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
    shown = row["edit"] if row["edit"] is not None else row["target"]
    # A review holds for the text it saw (NULL: a review from before m011 holds for any).
    reviewed = row["reviewed_at"] is not None and row["text_hash"] in (None, sentence_hash(shown or ""))
    review = {"reviewed": reviewed, "changed": changed, "previous_source": previous}
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

"""Publication: where an article's page in each language is, whether it is live, and the policy.

A publication is (article, language) → URL, filled in from the link template
once and never changed afterwards, so a link a reader has followed keeps
working (even if the template changes, and while the translation is stale).
Withdrawing a publication (the desk's unpublish) keeps its URL reserved: the
page is simply not live until it is published again.

When a translation goes live is the publish policy's (PublishPolicy): under
`current`, `translate run` publishes every current translation (editors may
approve it later); under `approved`, only an editor's publish in the desk does
(editing.publish). Nothing here translates; the batch run (pipeline.py) knows
nothing of links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import NamedTuple

from ..core.news import Status
from ..store import Store


@dataclass(frozen=True)
class Publication:
    """An article's page in one language: its URL, first published (ISO 8601, UTC), withdrawn since (None: live)."""

    url: str
    published_at: str
    withdrawn_at: str | None

    @property
    def live(self) -> bool:
        return self.withdrawn_at is None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def link(template: str, article_id: int, lang: str) -> str:
    """The template (validated by config: it holds {id}, may hold {lang}) filled in."""
    return template.format(id=article_id, lang=lang)


def publication(store: Store, article_id: int, lang: str) -> Publication | None:
    """The article's publication in `lang`, live or withdrawn; None if it was never published.

    AlignedArticle.links holds the live ones only; this also tells a withdrawn
    translation (its page "in preparation") from one never published.
    """
    row = next(store.db["publications"].rows_where("article_id = ? and lang = ?", [article_id, lang], limit=1), None)
    return Publication(row["url"], row["published_at"], row["withdrawn_at"]) if row else None


def publish_current(store: Store, template: str, source_lang: str = "en", target_lang: str = "ja") -> list[int]:
    """Publish every article whose translation into `target_lang` is current and was never published.

    Each gets its two links, the translation's and the English's, in one
    transaction; a link that exists already is kept, and a withdrawn
    publication stays withdrawn. Returns the ids published.
    """
    with store.transaction():
        ids = [
            row["article_id"]
            for row in store.db.query(
                f"""
                select ts.article_id from translation_status ts
                where ts.lang = ? and ts.status = '{Status.CURRENT}'
                  and not exists (
                      select 1 from publications p where p.article_id = ts.article_id and p.lang = ts.lang
                  )
                order by ts.article_id
                """,
                [target_lang],
            )
        ]
        now = _now()
        store.db["publications"].insert_all(
            (
                {"article_id": article_id, "lang": lang, "url": link(template, article_id, lang), "published_at": now}
                for article_id in ids
                for lang in (target_lang, source_lang)
            ),
            ignore=True,
        )
    return ids


def publish_article(store: Store, article_id: int, template: str, source_lang: str, target_lang: str) -> None:
    """Make the article's translation live, with the English's link: a new publication, or a withdrawn one again.

    Links that exist are kept (a link never changes). Whether the article may
    be published is the caller's rule (editing.publish).
    """
    with store.transaction():
        store.db["publications"].insert_all(
            (
                {"article_id": article_id, "lang": lang, "url": link(template, article_id, lang), "published_at": _now()}
                for lang in (target_lang, source_lang)
            ),
            ignore=True,
        )
        store.db.execute(
            "update publications set withdrawn_at = null where article_id = ? and lang = ?", [article_id, target_lang]
        )


def withdraw(store: Store, article_id: int, lang: str) -> None:
    """Take the article's page in `lang` offline; its URL stays reserved for when it is published again."""
    store.db.execute(
        "update publications set withdrawn_at = ? where article_id = ? and lang = ? and withdrawn_at is null",
        [_now(), article_id, lang],
    )


# The articles whose translation into :lang is up, with whether the desk reviewed it
# as it is (see live_translations for the rule).
_LIVE = f"""
    select p.article_id,
           r.approved_at is not null and r.base_hash = a.content_hash as reviewed
    from publications p
    join translation_status ts on ts.article_id = p.article_id and ts.lang = p.lang
    join articles a on a.id = p.article_id
    left join article_reviews r on r.article_id = p.article_id and r.lang = p.lang
    where p.lang = :lang and p.withdrawn_at is null and ts.status = '{Status.CURRENT}'
"""


def live_translations(store: Store, lang: str, article_id: int | None = None) -> dict[int, bool]:
    """Articles whose page in `lang` (a translation) is up for readers: id → reviewed by the desk.

    The article pages and the static export read publication state only here.
    A translation is up while it is published, not withdrawn (the desk's
    unpublish), and current (issue 11: "an article's Japanese counts as
    publishable when it is current"). It is reviewed while an editor's approval
    holds for the English as it is (editing.approve; an edit since, or a
    changed English, ends it). `article_id` limits the answer to that article.
    """
    only = "and p.article_id = :id" if article_id is not None else ""
    rows = store.db.query(f"{_LIVE} {only} order by p.article_id", {"lang": lang, "id": article_id})
    return {row["article_id"]: bool(row["reviewed"]) for row in rows}


class Listed(NamedTuple):
    """An article as a list of the site shows it: `published` ISO 8601 (+09:00), the
    headline in the list's language; `has_page` is False for a headline-only article."""

    id: int
    published: str
    headline: str
    has_page: bool


def listing(
    store: Store, translated_into: str | None = None, *, at: int | None = None, limit: int | None = None
) -> list[Listed]:
    """The site's list of articles in one language, newest first (published, then id).

    `translated_into` None: the English list, every article. A language: the
    articles whose translation into it is up (live_translations) and whose
    headline has a translation, with that headline. `at`: start the list at that
    article (itself included where it is listed) and go back in time; `limit`:
    at most that many. A page's sidebar thus reads `limit` rows, not the archive.
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
        joins = f"""
            cross join ({_LIVE}) live on live.article_id = a.id
            cross join sentences s on s.article_id = a.id and s.position = 0
            cross join sentence_translations st
                 on st.article_id = a.id and st.lang = :lang and st.source_hash = s.source_hash
        """
    window = "where (a.published, a.id) <= (select published, id from articles where id = :at)" if at is not None else ""
    rows = store.db.query(
        f"""
        select a.id, a.published, {headline} as headline, a.full_page from articles a {joins} {window}
        order by a.published desc, a.id desc {"limit :limit" if limit is not None else ""}
        """,
        {"lang": translated_into, "at": at, "limit": limit},
    )
    return [Listed(row["id"], row["published"], row["headline"], bool(row["full_page"])) for row in rows]

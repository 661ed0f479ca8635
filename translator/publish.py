"""Publication: where an article's page in each language is, and when it goes up.

A publication is (article, language) → URL, filled in from the link template
once and never changed afterwards, so a link a reader has followed keeps
working (even if the template changes, and while the translation is stale).
Until the desk exists, an article's translation is publishable when it is
current: `publish_current` publishes it with its English. Nothing here
translates; the batch run (pipeline.py) knows nothing of links.
"""

from __future__ import annotations

from datetime import datetime, timezone

from .news import Status
from .store import Store


def link(template: str, article_id: int, lang: str) -> str:
    """The template (validated by config: it holds {id}, may hold {lang}) filled in."""
    return template.format(id=article_id, lang=lang)


def publish_current(store: Store, template: str, source_lang: str = "en", target_lang: str = "ja") -> list[int]:
    """Publish every article whose translation into `target_lang` is current and not yet published.

    Each gets its two links, the translation's and the English's, in one
    transaction; a link that exists already is kept. Returns the ids published.
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
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        store.db["publications"].insert_all(
            (
                {"article_id": article_id, "lang": lang, "url": link(template, article_id, lang), "published_at": now}
                for article_id in ids
                for lang in (target_lang, source_lang)
            ),
            ignore=True,
        )
    return ids


def live_translations(store: Store, lang: str, article_id: int | None = None) -> dict[int, bool]:
    """Articles whose page in `lang` (a translation) is up for readers: id → reviewed by the desk.

    The article pages and the static export read publication state only here.
    Until the desk records publication and review, a translation is up while it
    is published (has its link) and current (issue 11: "an article's Japanese
    counts as publishable when it is current"), and none is reviewed.
    `article_id` limits the answer to that article.
    """
    only = "and p.article_id = ?" if article_id is not None else ""
    rows = store.db.query(
        f"""
        select p.article_id from publications p
        join translation_status ts on ts.article_id = p.article_id and ts.lang = p.lang
        where p.lang = ? and ts.status = '{Status.CURRENT}' {only}
        order by p.article_id
        """,
        [lang] if article_id is None else [lang, article_id],
    )
    return {row["article_id"]: False for row in rows}

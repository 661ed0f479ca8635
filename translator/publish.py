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

"""Publication: the links between an article's pages, and when a translation goes live.

A publication is (article, language) → URL, filled in from the link template
once and never changed afterwards, so a link a reader has followed keeps
working (even if the template changes, and while the translation is stale).
Withdrawing a publication (the desk's unpublish) keeps its URL reserved: the
page is simply not live until it is published again. Whether a page is live
is the store's one definition (store/publications.py, the view `live_pages`).

When a translation goes live is the publish policy's (core.news.PublishPolicy):
under `current`, `translate run` publishes every current translation (editors
may approve it later); under `approved`, only an editor's publish in the desk
does (editing.publish). Nothing here translates; the batch run (pipeline.py)
knows nothing of links.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..store import Store


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def link(template: str, article_id: int, lang: str) -> str:
    """The template (validated by settings: it holds {id}, may hold {lang}) filled in."""
    return template.format(id=article_id, lang=lang)


def publish_current(store: Store, template: str, source_lang: str = "en", target_lang: str = "ja") -> list[int]:
    """Publish every article whose translation into `target_lang` is current and was never published.

    Each gets its two links, the translation's and the English's, in one
    transaction; a link that exists already is kept, and a withdrawn
    publication stays withdrawn. Returns the ids published.
    """
    with store.transaction():
        ids = store.unpublished_current(target_lang)
        store.add_publications(
            ((article_id, lang, link(template, article_id, lang)) for article_id in ids for lang in (target_lang, source_lang)),
            _now(),
        )
    return ids


def publish_article(store: Store, article_id: int, template: str, source_lang: str, target_lang: str) -> None:
    """Make the article's translation live, with the English's link: a new publication, or a withdrawn one again.

    Links that exist are kept (a link never changes). Whether the article may
    be published is the caller's rule (editing.publish).
    """
    with store.transaction():
        store.add_publications(
            ((article_id, lang, link(template, article_id, lang)) for lang in (target_lang, source_lang)), _now()
        )
        store.restore_publication(article_id, target_lang)


def withdraw(store: Store, article_id: int, lang: str) -> None:
    """Take the article's page in `lang` offline; its URL stays reserved for when it is published again."""
    store.withdraw_publication(article_id, lang, _now())

"""An article as a reader sees it, in English or in its translation, as text or JSON."""

from __future__ import annotations

from .errors import ArticleNotFound, TranslationUnavailable
from .journal import journal_time
from .news import ArticleView, Block, Status
from .segment import join_sentences
from .store import Article, Store, Translation

SOURCE_LANG = "en"


def get_article(store: Store, article_id: int, lang: str = "ja") -> Article:
    article = store.article(article_id, lang)
    if article is None:
        raise ArticleNotFound(article_id)
    return article


def current_translation(store: Store, article: Article, lang: str) -> Translation:
    """The article's translation in `lang`, refused when missing or made from older English."""
    translation = store.translation(article.id, lang) if article.status == Status.CURRENT else None
    if translation is None:
        raise TranslationUnavailable(article.id, lang, article.status)
    return translation


def translated_text(position: int, block: Block, translation: Translation) -> list[str]:
    """The translated sentences of the block at `position`, in order."""
    return [translation.sentences[(position, i)] for i in range(len(block.sentences))]


def article_view(store: Store, article_id: int, lang: str, target_lang: str = "ja") -> ArticleView:
    """The article in `lang`: the English as imported, or its current translation."""
    article = get_article(store, article_id, target_lang)
    blocks = store.blocks(article_id)
    if lang == SOURCE_LANG:
        return ArticleView(
            article.id,
            lang,
            blocks[0].text,
            article.published,
            tuple(Block(b.kind, b.text) for b in blocks[1:]),
            article.link if article.status == Status.CURRENT else None,
        )
    translation = current_translation(store, article, lang)
    texts = [join_sentences(translated_text(p, b, translation), lang) for p, b in enumerate(blocks)]
    return ArticleView(
        article.id,
        lang,
        texts[0],
        article.published,
        tuple(Block(b.kind, text) for b, text in zip(blocks[1:], texts[1:])),
        translation.back_link,
    )


def list_json(articles: list[Article]) -> list[dict]:
    return [
        {
            "id": a.id,
            "headline": a.headline,
            "published": a.published,
            "full_page": a.full_page,
            "ja_status": a.status,
        }
        for a in articles
    ]


def render_list(articles: list[Article]) -> str:
    """One line per article: id, time, Japanese status, page or headline only, headline."""
    width = len(str(max((a.id for a in articles), default=0)))
    return "\n".join(
        f"{a.id:>{width}}  {journal_time(a.published)}  {a.status:<7}  "
        f"{'page' if a.full_page else 'headline':<8}  {a.headline}"
        for a in articles
    )

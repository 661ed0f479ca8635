"""What readers see, from the aligned read model: an article in one language, and the article list.

The faces (show, show --json, list; later the desk and the published pages)
render these; nothing here queries the database or loads a model.
"""

from __future__ import annotations

from .errors import TranslationUnavailable
from .journal import journal_time
from .news import AlignedArticle, AlignedBlock, ArticleSummary, ArticleView, Block, Status
from .segment import join_sentences


def require_current(article: AlignedArticle) -> AlignedArticle:
    """The article, if its translation is current.

    :raises TranslationUnavailable: when the translation is missing or stale.
    """
    if article.status != Status.CURRENT:
        raise TranslationUnavailable(article.id, article.lang, article.status)
    return article


def article_view(article: AlignedArticle, lang: str) -> ArticleView:
    """The article in `lang`: its English as imported (`article.source_lang`), or its current translation.

    The link is to the article's page in the other language, once published.

    :raises TranslationUnavailable: for the translation, while it is missing or stale.
    """
    if lang == article.source_lang:
        texts = [block.text for block in article.blocks]
        other = article.lang
        sentences = ()
    else:
        require_current(article)
        texts = [_translated_text(block, lang) for block in article.blocks]
        other = article.source_lang
        sentences = tuple((index, pair) for index, block in enumerate(article.blocks) for pair in block.pairs)
    return ArticleView(
        article.id,
        lang,
        texts[0],
        article.published,
        tuple(Block(block.kind, text) for block, text in zip(article.blocks[1:], texts[1:])),
        article.links.get(other),
        sentences,
    )


def _translated_text(block: AlignedBlock, lang: str) -> str:
    return join_sentences([pair.target or "" for pair in block.pairs], lang)


def list_json(articles: list[ArticleSummary]) -> list[dict]:
    """The `translate list --json` array; `ja_status` is the Japanese translation's Status,
    `ja_flags` the number of its QA flags by severity."""
    return [
        {
            "id": a.id,
            "headline": a.headline,
            "published": a.published,
            "full_page": a.full_page,
            "ja_status": a.status,
            "ja_flags": {"error": a.errors, "warning": a.warnings},
        }
        for a in articles
    ]


def render_list(articles: list[ArticleSummary]) -> str:
    """One line per article: id, time, translation status, QA errors and warnings ("2E 0W"),
    page or headline only, headline."""
    width = len(str(max((a.id for a in articles), default=0)))
    flags = [f"{a.errors}E {a.warnings}W" for a in articles]
    flags_width = max(map(len, flags), default=0)
    return "\n".join(
        f"{a.id:>{width}}  {journal_time(a.published)}  {a.status:<7}  {counts:<{flags_width}}  "
        f"{'page' if a.full_page else 'headline':<8}  {a.headline}"
        for a, counts in zip(articles, flags)
    )

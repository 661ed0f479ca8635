"""What readers see, from the aligned read model: an article in one language, and the article list.

The faces (show, show --json, list; later the desk and the published pages)
render these; nothing here queries the database or loads a model.
"""

from __future__ import annotations

import dataclasses

from ..text.cleaning import terminal_safe
from ..core.errors import TranslationUnavailable
from ..text.journal import journal_time, render_article
from ..core.news import AlignedArticle, ArticleSummary, ArticleView, Block, Status
from ..text.segment import join_sentences


def require_current(article: AlignedArticle) -> AlignedArticle:
    """The article, if its translation is current.

    :raises TranslationUnavailable: when the translation is missing or stale.
    """
    if article.status != Status.CURRENT:
        raise TranslationUnavailable(article.id, article.lang, article.status)
    return article


def article_view(article: AlignedArticle, lang: str) -> ArticleView:
    """The article in `lang`: its English as imported (`article.source_lang`), or its current translation.

    Each block comes with its sentences: the English sentences, or their
    translations in the same order (one per English sentence). The link is to the
    article's page in the other language, once published; a headline-only article
    has no pages, so none (its publication only puts its headline in sidebars).

    :raises TranslationUnavailable: for the translation, while it is missing or stale.
    """
    if lang == article.source_lang:
        sentences = [tuple(pair.source for pair in block.pairs) for block in article.blocks]
        texts = [block.text for block in article.blocks]
        other = article.lang
        pairs = ()
    else:
        require_current(article)
        sentences = [tuple(pair.target or "" for pair in block.pairs) for block in article.blocks]
        texts = [join_sentences(block_sentences, lang) for block_sentences in sentences]
        other = article.source_lang
        pairs = tuple((index, pair) for index, block in enumerate(article.blocks) for pair in block.pairs)
    return ArticleView(
        article.id,
        lang,
        texts[0],
        article.published,
        tuple(
            Block(block.kind, text, block_sentences)
            for block, text, block_sentences in zip(article.blocks[1:], texts[1:], sentences[1:])
        ),
        article.links.get(other) if article.full_page else None,
        sentences[0],
        pairs,
        article.full_page,
        article.translation if lang != article.source_lang else None,
    )


def render_text(view: ArticleView) -> str:
    """The article as `show` prints it: the journal's layout (`journal.render_article`), terminal-safe.

    Each field is made terminal-safe (`cleaning.terminal_safe`) before the layout
    joins them, so no text of the article can act on the terminal.
    """
    return render_article(
        dataclasses.replace(
            view,
            headline=terminal_safe(view.headline),
            body=tuple(Block(block.kind, terminal_safe(block.text)) for block in view.body),
            link=terminal_safe(view.link) if view.link else view.link,
        )
    )


def list_json(articles: list[ArticleSummary]) -> list[dict]:
    """The `translate list --json` array; `ja_status` is the Japanese translation's Status,
    `ja_truncated` and `ja_empty` count its sentences cut at the length limit or empty,
    `ja_flags` the number of its QA flags by severity, and `ja_package`, `ja_package_version`
    name the package that made it (null while it is missing)."""
    return [
        {
            "id": a.id,
            "headline": a.headline,
            "published": a.published,
            "full_page": a.full_page,
            "ja_status": a.status,
            "ja_truncated": a.truncated,
            "ja_empty": a.empty,
            "ja_flags": {"error": a.errors, "warning": a.warnings},
            "ja_package": a.package,
            "ja_package_version": a.package_version,
        }
        for a in articles
    ]


def render_list(articles: list[ArticleSummary]) -> str:
    """One line per article: id, time, translation status, QA errors and warnings ("2E 0W"),
    page or headline only, headline (terminal-safe); then, if any, how many translated
    sentences are cut or empty: `[2 cut, 1 empty]`."""
    width = len(str(max((a.id for a in articles), default=0)))
    flags = [f"{a.errors}E {a.warnings}W" for a in articles]
    flags_width = max(map(len, flags), default=0)
    return "\n".join(
        f"{a.id:>{width}}  {journal_time(a.published)}  {a.status:<7}  {counts:<{flags_width}}  "
        f"{'page' if a.full_page else 'headline':<8}  {terminal_safe(a.headline)}{_incomplete(a)}"
        for a, counts in zip(articles, flags)
    )


def _incomplete(article: ArticleSummary) -> str:
    counts = [f"{n} {what}" for n, what in ((article.truncated, "cut"), (article.empty, "empty")) if n]
    return f"  [{', '.join(counts)}]" if counts else ""

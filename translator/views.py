"""An article as a reader sees it, in English or in its translation, as text or JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from .errors import ArticleNotFound, TranslationUnavailable
from .importer import Block
from .segment import join_sentences
from .store import Article, Segment, Store, Translation

SOURCE_LANG = "en"
LINK_LABELS = {
    "en": "Click Here for Japanese Translation",
    "ja": "English original",
}


@dataclass(frozen=True)
class ArticleView:
    id: int
    lang: str
    headline: str
    published: str  # ISO 8601, +09:00
    body: list[Block]
    link: str | None  # to the other language, when it exists

    def as_json(self) -> dict:
        return asdict(self)


def get_article(store: Store, article_id: int, lang: str = "ja") -> Article:
    article = store.article(article_id, lang)
    if article is None:
        raise ArticleNotFound(article_id)
    return article


def current_translation(store: Store, article: Article, lang: str) -> Translation:
    """The article's translation in `lang`, refused when missing or made from older English."""
    translation = store.translation(article.id, lang) if article.status == "current" else None
    if translation is None:
        raise TranslationUnavailable(article.id, lang, article.status)
    return translation


def translated_text(segment: Segment, translation: Translation) -> list[str]:
    """The translated sentences of one segment, in order."""
    return [translation.sentences[(segment.position, i)] for i in range(len(segment.sentences))]


def article_view(store: Store, article_id: int, lang: str, target_lang: str = "ja") -> ArticleView:
    """The article in `lang`: the English as imported, or its current translation."""
    article = get_article(store, article_id, target_lang)
    segments = store.segments(article_id)
    headline, body = segments[0], segments[1:]
    if lang == SOURCE_LANG:
        return ArticleView(
            article.id,
            lang,
            headline.text,
            article.published,
            [Block(s.kind, s.text) for s in body],
            article.link if article.status == "current" else None,
        )
    translation = current_translation(store, article, lang)
    return ArticleView(
        article.id,
        lang,
        join_sentences(translated_text(headline, translation), lang),
        article.published,
        [Block(s.kind, join_sentences(translated_text(s, translation), lang)) for s in body],
        translation.back_link,
    )


def journal_time(published: str) -> str:
    """ISO 8601 → the journal's '2025/02/21 18:38' (Japan time, as stored)."""
    return datetime.fromisoformat(published).strftime("%Y/%m/%d %H:%M")


def render_article(view: ArticleView) -> str:
    """The article in the journal's layout, with a blank line between blocks."""
    lines = [view.headline, ""]
    for block in view.body:
        lines += [f"- {block.text} -" if block.kind == "subheading" else block.text, ""]
    lines.append(f"({journal_time(view.published)})")
    label = LINK_LABELS.get(view.lang, "Link")
    lines.append(f"{label}: {view.link}" if view.link else f"{label}: (pending)")
    return "\n".join(lines)


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

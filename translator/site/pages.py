"""The article pages readers see, in English and Japanese: what each page holds, and its HTML.

Every article with a full page has an English page; its Japanese page exists
while it is live (Store.live_translations). The two are joined by
the journal's "Click Here for Japanese Translation" field and a link back.
A headline-only article (known from a sidebar) has no page: it shows in
sidebars as plain text.

One renderer serves both faces: `translate serve` (web/pages.py, at the link
template's addresses) and `translate publish` (export.py, a static folder).
They differ only in the `Urls` they hand to `render_article` and
`render_index`, so the two never drift. The templates (templates/pages/) are
Jinja2 with auto-escaping on; characters HTML does not allow in text are
replaced (`fit_for_html`), so any article text gives a page that parses.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import jinja2

from ..core.errors import PageNotFound
from ..core.languages import SOURCE_LANG, TARGET_LANG
from ..core.news import AlignedArticle, Block, Listed
from ..quality.characters import is_noncharacter
from ..store import Store
from ..text.journal import LINK_FIELD, journal_time
from .reading import article_view

LANGS = (SOURCE_LANG, TARGET_LANG)
# The pages' stylesheet (pages.css), copied by the export, served by the web face.
STATIC = Path(__file__).parent / "static"
JOURNAL = "AFP-JIJI PRESS NEWS JOURNAL"
# The sample page's sidebar lists 42 headlines, its own among them; ours lists the others.
SIDEBAR_SIZE = 41

# What the pages say, by the page's language.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "home": "HOME",
        "article": "Article",
        "other_page": LINK_FIELD,
        "in_preparation": "Japanese Translation in Preparation",
        "in_preparation_ja": "日本語訳は準備中です",
        "other_index": "日本語版",
        "index": "Latest articles",
        "empty": "No articles yet.",
    },
    "ja": {
        "home": "ホーム",
        "article": "記事",
        "other_page": "英語の原文はこちら",
        # What the editors checked, as the approval records it (editorial/editing.approve).
        "reviewed": "この記事は英語の原文を機械翻訳し、編集部が全{total}文を確認したものです。",
        # An approval from before the kinds of review were kept: what was seen is not known.
        "reviewed_unknown": "この記事は英語の原文を機械翻訳し、編集部が承認したものです。",
        "reviewed_in_part": (
            "この記事は英語の原文を機械翻訳したものです。編集部が全{total}文のうち{checked}文を確認し、"
            "残る{accepted}文は機械翻訳のまま承認しました。"
        ),
        "not_reviewed": "この記事は英語の原文を機械翻訳したものです。編集部による確認はまだ済んでいません。",
        "other_index": "English",
        "index": "最新の記事（日本語版）",
        "empty": "記事はまだありません。",
    },
}

# Code points HTML5 text may not hold (controls other than whitespace, noncharacters,
# lone surrogates): html5lib reports each as a parse error. Source: HTML Living
# Standard, 13.2.2 "Parse errors" (control-character-in-input-stream, noncharacter-in-input-stream).
# Above U+1FFFE one range is matched and the noncharacters picked out (a class
# listing all 32 astral noncharacters makes every match several times slower).
_UNFIT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff\U0001fffe-\U0010ffff]")


def _replace_unfit(match: re.Match[str]) -> str:
    char = match.group()
    return "\ufffd" if char <= "\uffff" or is_noncharacter(char) else char


def fit_for_html(value: Any) -> Any:
    """Text with the code points HTML forbids replaced by U+FFFD; other values as they are."""
    return _UNFIT.sub(_replace_unfit, value) if isinstance(value, str) else value


# What the pages show -----------------------------------------------------------


Entry = Listed  # an article as an index or a sidebar shows it


@dataclass(frozen=True)
class Site:
    """The site at one moment: per language its articles, newest first, and which translations are up.

    `listings[lang]`: every article with a headline in `lang` (the English: all;
    the Japanese: those whose translation is up). `live`: article id → whether
    the desk reviewed its translation, for every translation that is up. A Site
    loaded `around` one article holds only that article's part of both (see
    `load`): enough for its page, not for an index.
    """

    listings: dict[str, tuple[Entry, ...]]
    live: dict[int, bool]

    @classmethod
    def load(cls, store: Store, around: int | None = None) -> "Site":
        """Read the site from the store (three queries, whatever the number of articles).

        `around`: only what that article's pages show: each listing from that
        article back by SIDEBAR_SIZE, and its own `live` state. A served page
        then reads about SIDEBAR_SIZE rows per language, not the whole archive
        (bench/README.md, "Static export": at 10,000 articles, 4 ms of CPU per
        page against 374 ms for the whole read).
        """
        limit = None if around is None else SIDEBAR_SIZE + 1
        return cls(
            {
                SOURCE_LANG: tuple(store.listing(at=around, limit=limit)),
                TARGET_LANG: tuple(store.listing(TARGET_LANG, at=around, limit=limit)),
            },
            store.live_translations(TARGET_LANG, around),
        )

    @functools.cached_property
    def _positions(self) -> dict[str, dict[int, int]]:
        return {lang: {e.id: i for i, e in enumerate(entries)} for lang, entries in self.listings.items()}

    def index(self, lang: str) -> tuple[Entry, ...]:
        """The articles that have a page in `lang`, newest first."""
        return tuple(entry for entry in self.listings[lang] if entry.has_page)

    def sidebar(self, article_id: int, lang: str) -> tuple[Entry, ...]:
        """The SIDEBAR_SIZE articles listed just before this one in `lang`, newest first.

        As in the journal, whose sidebar shows the headlines up to the page's own
        time: a page's sidebar changes only when one of those does, not with
        every new article (so a re-export rewrites few pages).
        """
        at = self._positions[lang].get(article_id)
        if at is None:
            return ()
        return self.listings[lang][at + 1 : at + 1 + SIDEBAR_SIZE]


@dataclass(frozen=True)
class ArticlePage:
    """An article's page in `lang`: its text in that language and what surrounds it.

    `translation_up`: the translation's page is up (the English page links to
    it, or says it is in preparation); `reviewed`: the desk approved the
    translation as it is; `sentences`: how many distinct sentences it has, and
    `accepted`: how many of them the approval took unreviewed (the Japanese
    page says what the editors checked).
    """

    id: int
    lang: str
    headline: str
    published: str
    body: tuple[Block, ...]
    translation_up: bool
    reviewed: bool
    sidebar: tuple[Entry, ...]
    sentences: int = 0
    accepted: int | None = 0


def article_page(article: AlignedArticle, lang: str, site: Site) -> ArticlePage:
    """The page of `article` (read with its translation into TARGET_LANG) in `lang`.

    :raises PageNotFound: for a headline-only article, or a translation that is not up.
    :raises TranslationUnavailable: for a translation that is up but not current.
    """
    if lang not in LANGS:
        raise PageNotFound(article.id, lang, "the site has pages in English and Japanese only")
    if not article.full_page:
        raise PageNotFound(article.id, lang, "it is known only by its headline")
    up = article.id in site.live
    if lang != SOURCE_LANG and not up:
        raise PageNotFound(article.id, lang, "its translation is in preparation")
    view = article_view(article, lang)
    return ArticlePage(
        article.id,
        lang,
        view.headline,
        view.published,
        view.body,
        up,
        site.live.get(article.id, False),
        site.sidebar(article.id, lang),
        len({pair.source_hash for pair in article.pairs}),
        article.approval.accepted if article.approval else 0,  # None: not known (an approval before m011)
    )


# HTML ----------------------------------------------------------------------------


class Urls(Protocol):
    """Where the pages are, as seen from the page being rendered."""

    def article(self, article_id: int, lang: str) -> str: ...

    def index(self, lang: str) -> str: ...

    def asset(self, name: str) -> str: ...


def japanese_time(published: str) -> str:
    """ISO 8601 → '2025年2月21日 18時38分' (Japan time, as stored; minutes in two digits)."""
    t = datetime.fromisoformat(published)
    return f"{t.year}年{t.month}月{t.day}日 {t.hour}時{t.minute:02d}分"


@functools.lru_cache(maxsize=4096)  # a sidebar entry shows on many pages
def list_time(published: str, lang: str) -> str:
    """A list entry's time: the journal's '02/21 18:38', or '2月21日 18:38' in Japanese."""
    t = datetime.fromisoformat(published)
    return f"{t.month}月{t.day}日 {t:%H:%M}" if lang == "ja" else f"{t:%m/%d %H:%M}"


def page_time(published: str, lang: str) -> str:
    """An article's timestamp: the journal's '(2025/02/21 18:38)', or '（2025年2月21日 18時38分）'."""
    return f"（{japanese_time(published)}）" if lang == "ja" else f"({journal_time(published)})"


@functools.cache
def environment() -> jinja2.Environment:
    """The pages' Jinja2 environment (built on first use): auto-escaping, strict undefined."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("translator.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=fit_for_html,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates are package data: no stat of the file per page
    )
    env.filters.update(list_time=list_time, page_time=page_time)
    env.globals.update(JOURNAL=JOURNAL, LABELS=LABELS, SOURCE_LANG=SOURCE_LANG, TARGET_LANG=TARGET_LANG)
    return env


def render_article(page: ArticlePage, urls: Urls) -> str:
    """The article page's HTML."""
    return environment().get_template("pages/article.html").render(page=page, lang=page.lang, urls=urls)


def render_index(site: Site, lang: str, urls: Urls) -> str:
    """The HTML of the index of the articles with a page in `lang`."""
    return environment().get_template("pages/index.html").render(entries=site.index(lang), lang=lang, urls=urls)

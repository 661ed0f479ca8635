"""The journal's page layout, both ways: parse a page into a Page, render a Page or an article.

The layout, top to bottom:

    HOME > AFP-JIJI PRESS NEWS JOURNAL > Article      breadcrumb
    Mexico says won't accept US 'invasion' ...         headline
    Mexico's president warned ...                      one paragraph per line
    - 'Eligible for drone strikes'? -                  subheading
    (2025/02/21 18:38)                                 timestamp, Japan time
    Click Here for Japanese TranslationAFP-JIJI ...    the link field (optional)
    - 02/21 18:37 Spain's ex-football boss ...         sidebar entries

The source is the sample page in seeds/. Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable

from .errors import PageFormatError
from .news import ArticleView, Block, BlockKind

JST = timezone(timedelta(hours=9), "JST")

BREADCRUMB = "HOME >"
LINK_FIELD = "Click Here for Japanese Translation"
# What render_page writes where a page names the journal; parse_page only needs the prefixes.
BREADCRUMB_LINE = "HOME > AFP-JIJI PRESS NEWS JOURNAL > Article"
LINK_LINE = LINK_FIELD + "AFP-JIJI PRESS NEWS JOURNAL"
# The label of the link to the other language, by the language of the page it is on.
LINK_LABELS = {"en": LINK_FIELD, "ja": "English original"}

_TIME_FORMAT = "%Y/%m/%d %H:%M"
_SIDEBAR_TIME_FORMAT = "%m/%d %H:%M"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TIMESTAMP = re.compile(r"\((\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2})\)")
_SUBHEADING = re.compile(r"- (.+) -")
_SIDEBAR = re.compile(r"- (\d{2})/(\d{2}) (\d{2}):(\d{2}) (.+)")


@dataclass(frozen=True)
class Headline:
    """An article known only by its headline and time, as listed in a sidebar."""

    headline: str
    published: datetime


@dataclass(frozen=True)
class Page:
    """One page: the article (headline, time in Japan time, body blocks) and its sidebar."""

    headline: str
    published: datetime
    body: tuple[Block, ...]
    sidebar: tuple[Headline, ...] = field(default=())

    @property
    def content_hash(self) -> str:
        return content_hash(self.headline, self.published, self.body)


def content_hash(headline: str, published: datetime, body: Iterable[Block]) -> str:
    """SHA-256 hex of what gets translated; layout noise (BOM, CRLF, spacing) does not count.

    Stored with each article: changing this function makes every translation stale.
    """
    payload = [headline, published.isoformat(), [[b.kind, b.text] for b in body]]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def parse_page(text: str, source: str = "<page>") -> Page:
    """Parse one page (lines stripped, blank lines ignored, text otherwise kept as written).

    :raises PageFormatError: naming `source` and what is missing or wrong.
    """
    lines = [line.strip() for line in _LINE_BREAK.split(text.removeprefix("\ufeff"))]
    lines = [line for line in lines if line]

    def fail(problem: str) -> PageFormatError:
        return PageFormatError(source, problem)

    if not lines or not lines[0].startswith(BREADCRUMB):
        raise fail(f"missing the breadcrumb line ('{BREADCRUMB} ...') at the top")
    stamp_at = next((i for i, line in enumerate(lines) if _TIMESTAMP.fullmatch(line)), None)
    if stamp_at is None:
        raise fail("missing the timestamp line '(YYYY/MM/DD HH:MM)'")
    if stamp_at < 2:
        raise fail("missing the headline")
    if stamp_at < 3:
        raise fail("missing the article body")
    published = _datetime(_TIMESTAMP.fullmatch(lines[stamp_at]).groups(), "timestamp", source)  # type: ignore[union-attr]

    body = tuple(_block(line) for line in lines[2:stamp_at])
    if all(block.kind == BlockKind.SUBHEADING for block in body):
        raise fail("missing the article body (only subheadings)")

    sidebar = []
    for line in lines[stamp_at + 1 :]:
        if line.startswith(LINK_FIELD):
            continue
        entry = _SIDEBAR.fullmatch(line)
        if entry is None:
            raise fail(f"unexpected line after the timestamp: {line[:60]!r}")
        month, day, hour, minute, headline = entry.groups()
        # Sidebars give no year: the page's, or the year before for a date later than the page's.
        year = published.year - ((int(month), int(day)) > (published.month, published.day))
        when = _datetime((str(year), month, day, hour, minute), "sidebar date", source)
        sidebar.append(Headline(headline, when))
    return Page(lines[1], published, body, tuple(sidebar))


def render_page(page: Page) -> str:
    """The page in the journal's layout, LF line ends: the inverse of `parse_page`.

    Sidebar entries carry no year, so an entry round-trips only when it lies
    within the year up to the page's date.
    """
    lines = [
        BREADCRUMB_LINE,
        page.headline,
        *(_block_line(block) for block in page.body),
        f"({page.published.strftime(_TIME_FORMAT)})",
        LINK_LINE,
        *(f"- {entry.published.strftime(_SIDEBAR_TIME_FORMAT)} {entry.headline}" for entry in page.sidebar),
    ]
    return "\n".join(lines) + "\n"


def journal_time(published: str) -> str:
    """ISO 8601 → the journal's '2025/02/21 18:38' (Japan time, as stored)."""
    return datetime.fromisoformat(published).strftime(_TIME_FORMAT)


def render_article(view: ArticleView) -> str:
    """One article in one language, in the journal's layout, a blank line between blocks.

    The last line is the link to the other language, or '(pending)' while there is none.
    """
    lines = [view.headline, ""]
    for block in view.body:
        lines += [_block_line(block), ""]
    lines.append(f"({journal_time(view.published)})")
    label = LINK_LABELS.get(view.lang, "Link")
    lines.append(f"{label}: {view.link}" if view.link else f"{label}: (pending)")
    return "\n".join(lines)


def _block_line(block: Block) -> str:
    return f"- {block.text} -" if block.kind == BlockKind.SUBHEADING else block.text


def _block(line: str) -> Block:
    subheading = _SUBHEADING.fullmatch(line)
    if subheading:
        return Block(BlockKind.SUBHEADING, subheading.group(1))
    return Block(BlockKind.PARAGRAPH, line)


def _datetime(parts: Iterable[str], what: str, source: str) -> datetime:
    year, month, day, hour, minute = (int(p) for p in parts)
    try:
        return datetime(year, month, day, hour, minute, tzinfo=JST)
    except ValueError:
        raise PageFormatError(
            source, f"{what} {year:04}/{month:02}/{day:02} {hour:02}:{minute:02} is not a valid date"
        ) from None

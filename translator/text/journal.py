"""The journal's page layout, both ways: parse a page into a Page, render a Page or an article.

The layout, top to bottom:

    HOME > AFP-JIJI PRESS NEWS JOURNAL > Article      breadcrumb
    Mexico says won't accept US 'invasion' ...         headline
    Mexico's president warned ...                      one paragraph per line
    - 'Eligible for drone strikes'? -                  subheading
    (2025/02/21 18:38)                                 timestamp, Japan time
    Click Here for Japanese TranslationAFP-JIJI ...    the link field (optional)
    - 02/21 18:37 Spain's ex-football boss ...         sidebar entries

The source is the sample page in seeds/. Each line is cleaned (`cleaning.clean_line`:
entities, mojibake, odd spaces, invisible and control characters) before the layout is
read, and the repairs are kept with the page. Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable

from .cleaning import Cleaned, clean_line
from ..core.errors import PageFormatError
from ..core.news import ArticleView, Block, BlockKind

JST = timezone(timedelta(hours=9), "JST")

BREADCRUMB = "HOME >"
LINK_FIELD = "Click Here for Japanese Translation"
# What render_page writes where a page names the journal; parse_page only needs the prefixes.
BREADCRUMB_LINE = "HOME > AFP-JIJI PRESS NEWS JOURNAL > Article"
LINK_LINE = LINK_FIELD + "AFP-JIJI PRESS NEWS JOURNAL"
# The label of the link to the other language, by the language of the page it is on.
LINK_LABELS = {"en": LINK_FIELD, "ja": "English original"}

# The longest line (one paragraph, headline or sidebar entry) a page may have, in
# characters. Wire paragraphs run to a few hundred characters and a whole story on one
# line to tens of thousands; the desk asked that a 128 KiB paragraph still import
# (issue 7), so the limit is twice that. Longer is a broken page, not copy to translate.
MAX_LINE_CHARS = 256 * 1024
# The most lines (blank ones too) a page may have. The sample page has 75 and the
# longest stories a few hundred; cleaning a line costs up to 0.1 ms (ftfy), so 10,000
# keeps a page's cleaning near a second where 4 MiB of one-character lines took minutes.
MAX_LINES = 10_000

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
class Repair:
    """A line of a page that cleaning changed: its number (from 1) and `Cleaned` (text, original, repairs).

    `block` is the article block the line became (0 the headline, then the body in
    order) and `entry` the sidebar entry (index in `Page.sidebar`); both are None for
    a line that became neither (the breadcrumb, the timestamp, a line cleaned to nothing).
    """

    line: int
    cleaned: Cleaned
    block: int | None = None
    entry: int | None = None


@dataclass(frozen=True)
class Page:
    """One page: the article (headline, time in Japan time, body blocks) and its sidebar.

    `repairs` are the lines cleaning changed, in order; `warnings` say, one line each,
    what was left out of the page ("line 9: left out, not a sidebar entry: ...").
    """

    headline: str
    published: datetime
    body: tuple[Block, ...]
    sidebar: tuple[Headline, ...] = field(default=())
    repairs: tuple[Repair, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())

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
    """Parse one page; each line is cleaned first (`cleaning.clean_line`), the layout read from the clean lines.

    Blank lines (after cleaning: a line of only `&nbsp;` or a zero-width space is
    blank) are ignored, except where the headline goes: a blank line between the
    breadcrumb and the next line, on a page whose other lines follow each other
    without one, is a missing headline. A page that has a blank line between all
    its lines (a scrape that doubled the line ends) is read as if it had none.
    After the timestamp, a line that is neither the link field nor a sidebar entry,
    and a sidebar entry whose date does not exist, are left out with a warning
    (`Page.warnings`); every line that cleaning repaired is in `Page.repairs`.

    :raises PageFormatError: naming `source` and what is missing or wrong, or when
        the page has more than MAX_LINES lines or a line longer than MAX_LINE_CHARS.
    """

    def fail(problem: str) -> PageFormatError:
        return PageFormatError(source, problem)

    raw_lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    if len(raw_lines) > MAX_LINES:
        raise fail(f"{len(raw_lines):,} lines, over the limit of {MAX_LINES:,} for a page")
    lines: list[tuple[int, str]] = []  # (line number from 1, clean text) of the non-blank lines
    changed: list[tuple[int, Cleaned]] = []
    for number, raw in enumerate(raw_lines, 1):
        if len(raw) > MAX_LINE_CHARS:
            raise fail(f"line {number} is {len(raw):,} characters long, over the limit of {MAX_LINE_CHARS:,} for one line")
        cleaned = clean_line(raw)
        if cleaned.repairs:
            changed.append((number, cleaned))
        if cleaned.text:
            lines.append((number, cleaned.text))

    if not lines or not lines[0][1].startswith(BREADCRUMB):
        raise fail(f"missing the breadcrumb line ('{BREADCRUMB} ...') at the top")
    stamp_at = next((i for i, (_, line) in enumerate(lines) if _TIMESTAMP.fullmatch(line)), None)
    if stamp_at is None:
        raise fail("missing the timestamp line '(YYYY/MM/DD HH:MM)'")
    if stamp_at < 2:
        raise fail("missing the headline")
    gaps = [after - before - 1 for (before, _), (after, _) in zip(lines, lines[1:])]
    if gaps[0] > min(gaps):
        raise fail(f"missing the headline: line {lines[0][0] + 1}, after the breadcrumb, is blank")
    if stamp_at < 3:
        raise fail("missing the article body")
    published = _datetime(_TIMESTAMP.fullmatch(lines[stamp_at][1]).groups())  # type: ignore[union-attr]
    if published is None:
        raise fail(f"timestamp {lines[stamp_at][1].strip('()')} is not a valid date")

    body = tuple(_block(line) for _, line in lines[2:stamp_at])
    if all(block.kind == BlockKind.SUBHEADING for block in body):
        raise fail("missing the article body (only subheadings)")
    block_at = {number: position for position, (number, _) in enumerate(lines[1:stamp_at])}
    entry_at: dict[int, int] = {}

    sidebar: list[Headline] = []
    warnings: list[str] = []
    for number, line in lines[stamp_at + 1 :]:
        if line.startswith(LINK_FIELD):
            continue
        entry = _SIDEBAR.fullmatch(line)
        if entry is None:
            warnings.append(f"line {number}: left out, not a sidebar entry: {line[:60]!r}")
            continue
        month, day, hour, minute, headline = entry.groups()
        # Sidebars give no year: the page's, or the year before for a date later than the page's.
        year = published.year - ((int(month), int(day)) > (published.month, published.day))
        when = _datetime((str(year), month, day, hour, minute))
        if when is None:
            warnings.append(f"line {number}: sidebar entry left out, its date {year:04}/{month}/{day} does not exist")
            continue
        entry_at[number] = len(sidebar)
        sidebar.append(Headline(headline, when))
    return Page(
        lines[1][1],
        published,
        body,
        tuple(sidebar),
        tuple(Repair(number, cleaned, block_at.get(number), entry_at.get(number)) for number, cleaned in changed),
        tuple(warnings),
    )


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

    The last line is the link to the other language, or '(pending)' while there is
    none; an article known only by its headline has no page, so no link line.
    """
    lines = [view.headline, ""]
    for block in view.body:
        lines += [_block_line(block), ""]
    lines.append(f"({journal_time(view.published)})")
    if view.full_page:
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


def _datetime(parts: Iterable[str]) -> datetime | None:
    """The time in Japan time, or None where there is no such date or time (February 30, 24:00)."""
    year, month, day, hour, minute = (int(p) for p in parts)
    try:
        return datetime(year, month, day, hour, minute, tzinfo=JST)
    except ValueError:
        return None

"""Pages in the journal's layout → Page records, and importing them into the store.

The layout, top to bottom:

    HOME > AFP-JIJI PRESS NEWS JOURNAL > Article      breadcrumb
    Mexico says won't accept US 'invasion' ...         headline
    Mexico's president warned ...                      one paragraph per line
    - 'Eligible for drone strikes'? -                  subheading
    (2025/02/21 18:38)                                 timestamp, Japan time
    Click Here for Japanese TranslationAFP-JIJI ...    the link field (optional)
    - 02/21 18:37 Spain's ex-football boss ...         sidebar entries
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Iterator

from .errors import PageFormatError
from .segment import split_sentences
from .store import Segment, Store

JST = timezone(timedelta(hours=9), "JST")

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TIMESTAMP = re.compile(r"\((\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2})\)")
_SUBHEADING = re.compile(r"- (.+) -")
_SIDEBAR = re.compile(r"- (\d{2})/(\d{2}) (\d{2}):(\d{2}) (.+)")
_BREADCRUMB = "HOME >"
_LINK_FIELD = "Click Here for Japanese Translation"


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph" or "subheading"
    text: str


@dataclass(frozen=True)
class Headline:
    """An article known only by its headline and time, as listed in a sidebar."""

    headline: str
    published: datetime


@dataclass(frozen=True)
class Page:
    headline: str
    published: datetime
    body: tuple[Block, ...]
    sidebar: tuple[Headline, ...] = field(default=())

    @property
    def content_hash(self) -> str:
        return content_hash(self.headline, self.published, self.body)


def content_hash(headline: str, published: datetime, body: Iterable[Block]) -> str:
    """Fingerprint of what gets translated; layout noise (BOM, CRLF, spacing) does not count."""
    payload = [headline, published.isoformat(), [[b.kind, b.text] for b in body]]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def parse_page(text: str, source: str = "<page>") -> Page:
    """Parse one page; raise PageFormatError naming `source` and what is wrong."""
    lines = [line.strip() for line in _LINE_BREAK.split(text.removeprefix("\ufeff"))]
    lines = [line for line in lines if line]

    def fail(problem: str) -> PageFormatError:
        return PageFormatError(source, problem)

    if not lines or not lines[0].startswith(_BREADCRUMB):
        raise fail(f"missing the breadcrumb line ('{_BREADCRUMB} ...') at the top")
    stamp_at = next((i for i, line in enumerate(lines) if _TIMESTAMP.fullmatch(line)), None)
    if stamp_at is None:
        raise fail("missing the timestamp line '(YYYY/MM/DD HH:MM)'")
    if stamp_at < 2:
        raise fail("missing the headline")
    if stamp_at < 3:
        raise fail("missing the article body")
    published = _datetime(_TIMESTAMP.fullmatch(lines[stamp_at]).groups(), "timestamp", source)  # type: ignore[union-attr]

    body = tuple(_block(line) for line in lines[2:stamp_at])
    if all(block.kind == "subheading" for block in body):
        raise fail("missing the article body (only subheadings)")

    sidebar = []
    for line in lines[stamp_at + 1 :]:
        if line.startswith(_LINK_FIELD):
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


def _block(line: str) -> Block:
    subheading = _SUBHEADING.fullmatch(line)
    if subheading:
        return Block("subheading", subheading.group(1))
    return Block("paragraph", line)


def _datetime(parts: Iterable[str], what: str, source: str) -> datetime:
    year, month, day, hour, minute = (int(p) for p in parts)
    try:
        return datetime(year, month, day, hour, minute, tzinfo=JST)
    except ValueError:
        raise PageFormatError(
            source, f"{what} {year:04}/{month:02}/{day:02} {hour:02}:{minute:02} is not a valid date"
        ) from None


def read_page(path: Path) -> Page:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise PageFormatError(path, f"not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise PageFormatError(path, error.strerror or str(error)) from None
    return parse_page(text, str(path))


def page_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand folders into their .txt files (recursively, sorted); files pass as given."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*.txt")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            yield path


def page_segments(page: Page) -> list[Segment]:
    """The headline and subheadings are one sentence each; paragraphs are split."""
    segments = [Segment(0, "headline", page.headline, (page.headline,))]
    for position, block in enumerate(page.body, start=1):
        sentences = split_sentences(block.text) if block.kind == "paragraph" else [block.text]
        segments.append(Segment(position, block.kind, block.text, tuple(sentences)))
    return segments


def save_page(store: Store, page: Page, source: str | None = None) -> tuple[str, int]:
    """Store a page and the headline-only articles its sidebar names, in one transaction.

    Returns the page's outcome ("new", "updated" or "unchanged") and how many
    headline-only articles were added. A page that completes a headline-only
    article counts as new; one that changes a full article as updated, which
    makes its translations stale (their source hash no longer matches).
    """
    published = page.published.isoformat()
    with store.transaction():
        existing = store.find_article(published, page.headline)
        if existing and existing["content_hash"] == page.content_hash:
            outcome = "unchanged"
        else:
            outcome = "updated" if existing and existing["full_page"] else "new"
            store.write_article(
                existing["id"] if existing else None,
                headline=page.headline,
                published=published,
                full_page=True,
                content_hash=page.content_hash,
                source=source,
                segments=page_segments(page),
            )
        added = 0
        for entry in page.sidebar:
            when = entry.published.isoformat()
            if store.find_article(when, entry.headline) is None:
                store.write_article(
                    None,
                    headline=entry.headline,
                    published=when,
                    full_page=False,
                    content_hash=content_hash(entry.headline, entry.published, ()),
                    source=source,
                    segments=[Segment(0, "headline", entry.headline, (entry.headline,))],
                )
                added += 1
    return outcome, added


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    headlines: int = 0
    errors: list[PageFormatError] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return self.new + self.updated + self.unchanged


def import_paths(store: Store, paths: Iterable[Path]) -> ImportReport:
    """Import every page under `paths`, each in one transaction; a bad file is reported, not fatal."""
    report = ImportReport()
    for path in page_files(paths):
        try:
            page = read_page(path)
        except PageFormatError as error:
            report.errors.append(error)
            continue
        outcome, headlines = save_page(store, page, source=str(path))
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.headlines += headlines
    return report

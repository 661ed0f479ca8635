"""Journal pages from files into the store: read, split into sentences, save.

The page layout itself is `journal`'s; sentence splitting is `segment`'s. Each
page is saved in one transaction, with the headline-only articles its sidebar
names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Iterable, Iterator

from .errors import PageFormatError
from .journal import Page, content_hash, parse_page
from .news import Block, BlockKind
from .segment import split_sentences
from .store import Store


def read_page(path: Path) -> Page:
    """Read and parse one page file.

    :raises PageFormatError: when the file cannot be read, is not UTF-8, or is not a page.
    """
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


def article_blocks(page: Page) -> list[Block]:
    """The page's headline then body, each with its sentences.

    The headline and subheadings are one sentence each; paragraphs are split.
    """
    blocks = [Block(BlockKind.HEADLINE, page.headline, (page.headline,))]
    for block in page.body:
        sentences = split_sentences(block.text) if block.kind == BlockKind.PARAGRAPH else [block.text]
        blocks.append(Block(block.kind, block.text, tuple(sentences)))
    return blocks


class Outcome(StrEnum):
    """What importing a page did to its article."""

    NEW = "new"  # a new article, or a headline-only one completed by its page
    UPDATED = "updated"  # a full article whose English changed: its translations are now stale
    UNCHANGED = "unchanged"


def save_page(store: Store, page: Page, source: str | None = None) -> tuple[Outcome, int]:
    """Store a page and the headline-only articles its sidebar names, in one transaction.

    Returns the page's outcome and how many headline-only articles were added.
    The store's writes nest inside this transaction (as savepoints), so a page
    is saved whole or not at all.
    """
    published = page.published.isoformat()
    with store.transaction():
        existing = store.find_article(published, page.headline)
        if existing and existing.content_hash == page.content_hash:
            outcome = Outcome.UNCHANGED
        else:
            outcome = Outcome.UPDATED if existing and existing.full_page else Outcome.NEW
            store.write_article(
                existing.id if existing else None,
                headline=page.headline,
                published=published,
                full_page=True,
                content_hash=page.content_hash,
                source=source,
                blocks=article_blocks(page),
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
                    blocks=[Block(BlockKind.HEADLINE, entry.headline, (entry.headline,))],
                )
                added += 1
    return outcome, added


@dataclass
class ImportReport:
    """What `import_paths` did: pages by outcome, headline-only articles added, files that failed."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    headlines: int = 0
    errors: list[PageFormatError] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return self.new + self.updated + self.unchanged

    def count(self, outcome: Outcome) -> None:
        if outcome == Outcome.NEW:
            self.new += 1
        elif outcome == Outcome.UPDATED:
            self.updated += 1
        else:
            self.unchanged += 1


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
        report.count(outcome)
        report.headlines += headlines
    return report

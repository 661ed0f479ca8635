"""Journal pages from files into the store: find, read, split into sentences, save.

The page layout and the cleaning of each line are `journal`'s (with `cleaning`);
sentence splitting is `segment`'s. Each page is saved in one transaction, with the
headline-only articles its sidebar names.

Which files: a path named on the command line is read whatever its name; a folder
gives its files whose names end in `.txt` in any case (`.TXT` too), in its subfolders
as well, sorted. Names starting with "." (hidden files, editors' lock files, version
control) and folders reached through a symbolic link are not looked at. Only regular
files (or links to one) of at most `cleaning.MAX_INPUT_BYTES` (4 MiB) are read: a named pipe
would block the import, a device (`/dev/zero`) would never end, and each one found is
reported, as is a link to a missing file.

Which article a page is (its identity): the journal gives no article id, so a page
is matched against the articles stored with the same time (to the minute) and is
the same story as one of them when, in this order of preference,

1. the headlines are the same; or
2. both have a body and more than half of the sentences of the longer body are in
   the other too (a corrected headline, or a corrected or added sentence); or
3. the headlines are alike (HEADLINE_SIMILARITY: a typo fixed) and the bodies, where
   both have one, share at least one sentence; a headline-only article from a
   sidebar has no body, so a page whose headline fixes its typo completes it.

A matched page updates its article (its English is replaced, the old English kept in
the store's revisions, its Japanese becomes stale); otherwise it is a new article.
Two stories published in the same minute have different headlines and share no
sentences, so they stay two articles. A sidebar entry adds a headline-only article
unless an article with that time has the same or an alike headline.
"""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from .cleaning import read_text
from ..core.errors import PageFormatError, PathNotFound, TranslateError
from .journal import Page, Repair, content_hash, parse_page
from ..core.news import Article, Block, BlockKind
from .segment import split_sentences
from ..store import Store
from ..core.wording import plural

PAGE_SUFFIX = ".txt"

# How alike two headlines must be (difflib's ratio of their case-folded text, 0 to 1)
# to be one story's. Fixing a typo or two scores over 0.95 ("Quake hits nothern Japan"
# → "northern": 0.98); two stories' headlines that differ in one word score lower
# ("Stocks rise in Tokyo" / "Stocks fall in Tokyo": 0.80).
HEADLINE_SIMILARITY = 0.9

# What stat says a file is that is not a regular file, for the message.
_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_page(path: Path) -> Page:
    """Read and parse one page file.

    :raises PageFormatError: when the file is not a regular file, cannot be read, or is not a page.
    :raises InputTooLarge: when the file is over `cleaning.MAX_INPUT_BYTES`.
    :raises NotUTF8Error: when the file is not UTF-8 text.
    """
    return parse_page(_read_regular_file(path), str(path))


def _read_regular_file(path: Path) -> str:
    # stat before open: opening a device can act on it (a tape rewinds) and opening a
    # FIFO waits for a writer. O_NONBLOCK keeps a FIFO swapped in meanwhile from blocking.
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISREG(mode):
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
            with os.fdopen(fd, "rb") as file:
                mode = os.fstat(file.fileno()).st_mode
                if stat.S_ISREG(mode):
                    return read_text(file, str(path), "a page")
    except FileNotFoundError as error:
        if path.is_symlink():
            raise PageFormatError(path, "skipped: a symbolic link to a missing file") from None
        raise PageFormatError(path, error.strerror or str(error)) from None
    except OSError as error:
        raise PageFormatError(path, error.strerror or str(error)) from None
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
    raise PageFormatError(path, f"skipped: {kind}, not a regular file")


def find_pages(folder: Path, errors: list[TranslateError] | None = None) -> list[Path]:
    """The page files in `folder` and its subfolders (names ending in .txt, any case), sorted.

    Every such name is listed whatever it is (a named pipe, a link to a missing
    file): `read_page` says why it cannot be read. Hidden names (starting with ".")
    and folders reached through a symbolic link are not looked at. A subfolder that
    cannot be listed is added to `errors` when given.
    """

    def unreadable(error: OSError) -> None:
        if errors is not None:
            errors.append(PageFormatError(error.filename, error.strerror or str(error)))

    found = []
    for root, folders, files in os.walk(folder, onerror=unreadable):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found += [
            Path(root, name) for name in files if name.lower().endswith(PAGE_SUFFIX) and not name.startswith(".")
        ]
    return sorted(found)


def page_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Folders expanded into their page files (`find_pages`); files pass as given."""
    for path in paths:
        if path.is_dir():
            yield from find_pages(path)
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


def same_story(store: Store, published: str, headline: str, body: Sequence[Block] = ()) -> Article | None:
    """The stored article that is this story, by the rule in the module docstring, or None.

    `published` is ISO 8601; `body` the story's blocks after the headline, split
    into sentences (none for a sidebar entry).
    """
    candidates = store.articles_published(published)
    for article in candidates:
        if article.headline == headline:
            return article
    ours = _sentences(body)
    best: tuple[int, float, Article] | None = None
    for article in candidates:
        theirs = _sentences(store.blocks(article.id)[1:]) if ours and article.full_page else set()
        shared = len(ours & theirs)
        alike = _likeness(article.headline, headline)
        mostly_shared = 2 * shared > max(len(ours), len(theirs))
        alike_story = alike >= HEADLINE_SIMILARITY and (shared > 0 or not (ours and theirs))
        if (mostly_shared or alike_story) and (best is None or (shared, alike) > best[:2]):
            best = (shared, alike, article)
    return best[2] if best else None


def _likeness(a: str, b: str) -> float:
    return SequenceMatcher(None, a.casefold(), b.casefold(), autojunk=False).ratio()


def _sentences(blocks: Iterable[Block]) -> set[str]:
    return {sentence for block in blocks for sentence in block.sentences}


class Outcome(StrEnum):
    """What importing a page did to its article."""

    NEW = "new"  # a new article, or a headline-only one completed by its page
    UPDATED = "updated"  # a full article whose English changed: its translations are now stale
    UNCHANGED = "unchanged"


def save_page(store: Store, page: Page, source: str | None = None) -> tuple[Outcome, int]:
    """Store a page and the headline-only articles its sidebar names, in one transaction.

    The article is found by `same_story`. Returns the page's outcome and how many
    headline-only articles were added. The text of every line that cleaning
    repaired is kept as the page had it (`Store.save_repairs`). The store's writes
    nest inside this transaction (as savepoints), so a page is saved whole or not at all.
    """
    published = page.published.isoformat()
    blocks = article_blocks(page)
    with store.transaction():
        existing = same_story(store, published, page.headline, blocks[1:])
        if existing and existing.content_hash == page.content_hash:
            outcome = Outcome.UNCHANGED
        else:
            outcome = Outcome.UPDATED if existing and existing.full_page else Outcome.NEW
            article_id = store.write_article(
                existing.id if existing else None,
                headline=page.headline,
                published=published,
                full_page=True,
                content_hash=page.content_hash,
                source=source,
                blocks=blocks,
            )
            store.save_repairs(article_id, {r.block: r.cleaned for r in page.repairs if r.block is not None})
        added = 0
        entry_repairs = {r.entry: r.cleaned for r in page.repairs if r.entry is not None}
        for index, entry in enumerate(page.sidebar):
            when = entry.published.isoformat()
            if same_story(store, when, entry.headline) is None:
                article_id = store.write_article(
                    None,
                    headline=entry.headline,
                    published=when,
                    full_page=False,
                    content_hash=content_hash(entry.headline, entry.published, ()),
                    source=source,
                    blocks=[Block(BlockKind.HEADLINE, entry.headline, (entry.headline,))],
                )
                if index in entry_repairs:
                    store.save_repairs(article_id, {0: entry_repairs[index]})
                added += 1
    return outcome, added


@dataclass(frozen=True)
class FolderScan:
    """A folder named to `import_paths` and how many page files were found in it."""

    path: str
    found: int


@dataclass(frozen=True)
class PageRepairs:
    """The lines of one imported file that cleaning repaired."""

    source: str
    repairs: tuple[Repair, ...]

    def describe(self) -> str:
        """Each repair with its lines: 'html-entities (lines 2-5), spaces (lines 5, 6)'."""
        lines: dict[str, list[int]] = {}
        for repair in self.repairs:
            for name in repair.cleaned.repairs:
                lines.setdefault(name, []).append(repair.line)
        return ", ".join(f"{name} ({_line_ranges(numbers)})" for name, numbers in lines.items())


def _line_ranges(numbers: list[int]) -> str:
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    text = ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs)
    return f"{plural('line', len(numbers))} {text}"


@dataclass
class ImportReport:
    """What `import_paths` did: pages by outcome, headline-only articles added, and what to tell.

    `folders`: each folder named and how many page files it held; `errors`: the files
    (or folders) that were not imported, one error each; `warnings`: what was left
    out of imported pages, each naming its file and line; `repaired`: the pages
    whose text cleaning repaired.
    """

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    headlines: int = 0
    folders: list[FolderScan] = field(default_factory=list)
    errors: list[TranslateError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    repaired: list[PageRepairs] = field(default_factory=list)

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


def import_paths(store: Store | Callable[[], contextlib.AbstractContextManager[Store]], paths: Iterable[Path]) -> ImportReport:
    """Import every page under `paths`, each in one transaction; a bad file is reported, not fatal.

    `store` is an open Store, or a function that opens one (the CLI's
    `lambda: app.store(create=True)`), called once, when the first page has been
    read: an import that finds no page creates no database (issue 25: `translate
    import seeds/` from the wrong folder left an empty db/news.db there).

    A folder without page files is an error in the report, as is a path that does
    not exist and each file that cannot be read or is not a page.

    :raises PathNotFound: when no path named exists (nothing is opened or created).
    :raises StoreError: when the store, opened for the first page, cannot be.
    """
    paths = list(paths)
    missing = [path for path in paths if not os.path.lexists(path)]  # a dangling link exists: read_page says so
    if paths and len(missing) == len(paths):
        raise PathNotFound(missing, Path.cwd())
    report = ImportReport()
    with contextlib.ExitStack() as stack:
        opened = store if isinstance(store, Store) else None

        def target() -> Store:
            nonlocal opened
            if opened is None:
                opened = stack.enter_context(store())  # type: ignore[operator]  # not a Store: its opener
            return opened

        for path in paths:
            if path in missing:
                report.errors.append(PageFormatError(path, PathNotFound.PROBLEM))
                continue
            if path.is_dir():
                files = find_pages(path, report.errors)
                report.folders.append(FolderScan(str(path), len(files)))
                if not files:
                    report.errors.append(PageFormatError(path, f"no page files (*{PAGE_SUFFIX}) in this folder"))
            else:
                files = [path]
            for file in files:
                try:
                    page = read_page(file)
                except TranslateError as error:
                    report.errors.append(error)
                    continue
                outcome, headlines = save_page(target(), page, source=str(file))
                report.count(outcome)
                report.headlines += headlines
                report.warnings += [f"{file}: {warning}" for warning in page.warnings]
                if page.repairs:
                    report.repaired.append(PageRepairs(str(file), page.repairs))
    return report

"""English and its translation side by side, sentence by sentence, for editors.

Widths are measured in terminal columns (wcwidth): a Japanese character takes two.
A translation cut at the engine's length limit is marked under it, and so is
each of its QA flags (quality/checks.py), as "error: …" or "warning: …".

What the article holds cannot act on the terminal or the layout: every text is made
terminal-safe (`cleaning.terminal_safe`: control characters and bidi embeddings,
overrides and isolates shown as escapes), and a row that holds right-to-left text
(Hebrew, Arabic, or a right-to-left mark) has a left-to-right mark (U+200E, zero
columns wide) at its start and on either side of the separator, so that a terminal
that reorders bidirectional text (UAX #9) keeps English on the left, the separator in
the middle and each cell's text within its cell. Rows without right-to-left text are
unchanged.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from itertools import zip_longest

import wcwidth

from ..text.cleaning import terminal_safe
from ..text.journal import journal_time
from ..core.news import AlignedArticle, BlockKind
from ..core.news import Check
from .reading import require_current

SEPARATOR = " │ "
MIN_WIDTH = 40
# Wider than any terminal; bounds the padding written for each row.
MAX_WIDTH = 1000
TRUNCATED = "(truncated at the length limit)"

LRM = "\u200e"
# Bidi classes that start a right-to-left run (UAX #9 table 4: R, AL).
_RIGHT_TO_LEFT = frozenset(("R", "AL"))
# textwrap's split into words, spaces and the parts of hyphenated words: the breaks
# `wcwidth.wrap` (a textwrap.TextWrapper) allows, so that `wrap` breaks where it does.
_CHUNKS = textwrap.TextWrapper.wordsep_re
# The rest of a chunk is blank (what str.strip removes), tested without copying it.
_BLANK = re.compile(r"\s*\Z")


def _marker(label: str, width: int) -> str:
    head = f"── {label} "
    return head + "─" * max(width - wcwidth.width(head), 0)


def _pair(left: str, right: str, left_width: int, right_width: int) -> list[str]:
    rows = zip_longest(wrap(terminal_safe(left), left_width), wrap(terminal_safe(right), right_width), fillvalue="")
    return [_row(a, b, left_width) for a, b in rows]


def _row(left: str, right: str, left_width: int) -> str:
    if _has_right_to_left(left) or _has_right_to_left(right):
        return (LRM + wcwidth.ljust(left, left_width) + LRM + SEPARATOR + LRM + right).rstrip()
    return (wcwidth.ljust(left, left_width) + SEPARATOR + right).rstrip()


def _has_right_to_left(text: str) -> bool:
    return not text.isascii() and any(unicodedata.bidirectional(char) in _RIGHT_TO_LEFT for char in text)


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` terminal columns, in linear time.

    As textwrap: lines break at spaces and after the hyphen of a hyphenated word;
    a word wider than a line fills the line it starts on and is cut after the last
    hyphen that fits, else after the last whole grapheme that fits; spaces at the
    ends of lines are dropped. wcwidth.wrap measures the rest of such a word again
    for every line it fills, so its time grows with the square of the word's length
    (1.3-2.2 s for 16 KiB, 3.9-8.6 s for 32 KiB on a busy machine: bench/slow_paths.py
    --baseline); here each line costs what it holds (1 MiB in about 1 s, 5 s in Japanese). `text` holds no control characters (`cleaning.terminal_safe` first);
    `width` is at least 1.
    """
    # Most sentences fit their column: one line, as the loop below would make it, without
    # cutting the text into chunks (an article of 5,656 sentences has 11,312 cells: issue 25).
    if text.isascii() and text.isprintable() and len(text) <= width:
        return [line] if (line := text.rstrip()) else []
    if "\t" not in text and 0 <= wcwidth.width(text) <= width:
        return [line] if (line := text.rstrip()) else []
    chunks = [chunk for chunk in _CHUNKS.split(text.expandtabs().translate(_ASCII_SPACES)) if chunk]
    chunks.reverse()  # popped from the end
    start = 0  # where the rest of chunks[-1] begins, once a long word has been cut
    lines: list[str] = []
    while chunks:
        line: list[str] = []
        used = 0
        if lines and _BLANK.match(chunks[-1], start):
            chunks.pop()  # no line but the first starts with spaces
            start = 0
        while chunks:
            end, size = _fit(chunks[-1], start, width - used)
            if end < len(chunks[-1]):
                break
            line.append(chunks.pop()[start:])
            used += size
            start = 0
        # What does not fit is a word wider than a line, unless it fits on the next one.
        if chunks and not (used and _fit(chunks[-1], start, width)[0] == len(chunks[-1])):
            end, size = _cut(chunks[-1], start, end, size, first=not line)
            line.append(chunks[-1][start:end])
            start = end
            if start == len(chunks[-1]):  # a wide grapheme alone on a narrow line
                chunks.pop()
                start = 0
        if line and not line[-1].strip():
            line.pop()
        if content := "".join(line).rstrip():
            lines.append(content)
    return lines


_ASCII_SPACES = str.maketrans("\t\n\x0b\x0c\r", "     ")


def _fit(chunk: str, start: int, space: int) -> tuple[int, int]:
    """The end of the longest run of whole graphemes of `chunk` from `start` within `space` columns, and its columns.

    Looks at no more of the chunk than fits, so cutting a long word costs O(its length).
    """
    space = max(space, 0)
    window = chunk[start : start + space + 1]
    if window.isascii():  # printable ASCII: one column a character
        end = start + min(space, len(chunk) - start)
        return end, end - start
    if len(chunk) - start <= 2 * space + 16 and (size := wcwidth.width(chunk[start:])) <= space:
        return len(chunk), size  # the common case, a word that fits, measured at once
    end, used = start, 0
    for grapheme in wcwidth.iter_graphemes(chunk, start=start):
        size = wcwidth.width(grapheme)
        if used + size > space:
            break
        end += len(grapheme)
        used += size
    return end, used


def _cut(chunk: str, start: int, end: int, used: int, first: bool) -> tuple[int, int]:
    """Where to cut a word too wide for a line, and the columns taken; `end`, `used`: what `_fit` found fits.

    After the last hyphen that fits (with a non-hyphen before it), else after the
    last grapheme that fits; at least one grapheme on an empty line (`first`).
    """
    hyphen = chunk.rfind("-", start, end)
    if hyphen > start and chunk[start:hyphen].strip("-"):
        return hyphen + 1, wcwidth.width(chunk[start : hyphen + 1])
    if first and (end == start or used == 0):
        grapheme = next(wcwidth.iter_graphemes(chunk, start=start))
        return start + len(grapheme), wcwidth.width(grapheme)
    return end, used


def render_review(article: AlignedArticle, width: int) -> str:
    """Side-by-side text of the article and its translation, `width` columns wide (40 to MAX_WIDTH).

    :raises TranslationUnavailable: while the translation is missing or stale.
    """
    translation = require_current(article).translation
    assert translation is not None  # a current translation exists
    width = min(max(width, MIN_WIDTH), MAX_WIDTH)
    left = (width - wcwidth.width(SEPARATOR)) // 2
    right = width - wcwidth.width(SEPARATOR) - left

    lines = [
        terminal_safe(
            f"Article {article.id} · {journal_time(article.published)} · "
            f"{article.lang} by {translation.package} {translation.package_version}"
        ).rstrip()
    ]
    paragraph = 0
    for block in article.blocks:
        if block.kind == BlockKind.PARAGRAPH:
            paragraph += 1
            label = f"¶ {paragraph}"
        else:
            label = block.kind
        lines.append(_marker(label, width))
        for index, pair in enumerate(block.pairs):
            if index:  # an empty row between sentences keeps them apart
                lines.append(" " * left + SEPARATOR.rstrip())
            lines += _pair(pair.source, pair.target or "", left, right)
            if pair.truncated:
                lines += _pair("", TRUNCATED, left, right)
            for flag in pair.flags:
                if not (pair.truncated and flag.check is Check.TRUNCATED):  # the row above says it
                    lines += _pair("", f"{flag.severity.value}: {flag.message}", left, right)
    return "\n".join(lines)

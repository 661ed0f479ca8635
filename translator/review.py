"""English and its translation side by side, sentence by sentence, for editors.

Widths are measured in terminal columns (wcwidth): a Japanese character takes two.
A translation cut at the engine's length limit is marked under it, and so is
each of its QA flags (qa.py), as "error: …" or "warning: …".
"""

from __future__ import annotations

from itertools import zip_longest

import wcwidth

from .journal import journal_time
from .news import AlignedArticle, BlockKind
from .qa import Check
from .reading import require_current

SEPARATOR = " │ "
MIN_WIDTH = 40
TRUNCATED = "(truncated at the length limit)"


def _marker(label: str, width: int) -> str:
    head = f"── {label} "
    return head + "─" * max(width - wcwidth.width(head), 0)


def _pair(left: str, right: str, left_width: int, right_width: int) -> list[str]:
    rows = zip_longest(wcwidth.wrap(left, left_width), wcwidth.wrap(right, right_width), fillvalue="")
    return [(wcwidth.ljust(a, left_width) + SEPARATOR + b).rstrip() for a, b in rows]


def render_review(article: AlignedArticle, width: int) -> str:
    """Side-by-side text of the article and its translation, `width` columns wide (at least 40).

    :raises TranslationUnavailable: while the translation is missing or stale.
    """
    translation = require_current(article).translation
    assert translation is not None  # a current translation exists
    width = max(width, MIN_WIDTH)
    left = (width - wcwidth.width(SEPARATOR)) // 2
    right = width - wcwidth.width(SEPARATOR) - left

    lines = [
        f"Article {article.id} · {journal_time(article.published)} · "
        f"{article.lang} by {translation.package} {translation.package_version}".rstrip()
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

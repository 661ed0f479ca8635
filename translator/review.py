"""English and its translation side by side, sentence by sentence, for editors.

Widths are measured in terminal columns (wcwidth): a Japanese character takes two.
"""

from __future__ import annotations

from itertools import zip_longest

import wcwidth

from .journal import journal_time
from .news import BlockKind
from .store import Store
from .views import current_translation, get_article, translated_text

SEPARATOR = " │ "
MIN_WIDTH = 40


def _marker(label: str, width: int) -> str:
    head = f"── {label} "
    return head + "─" * max(width - wcwidth.width(head), 0)


def _pair(left: str, right: str, left_width: int, right_width: int) -> list[str]:
    rows = zip_longest(wcwidth.wrap(left, left_width), wcwidth.wrap(right, right_width), fillvalue="")
    return [(wcwidth.ljust(a, left_width) + SEPARATOR + b).rstrip() for a, b in rows]


def render_review(store: Store, article_id: int, width: int, lang: str = "ja") -> str:
    """Side-by-side text of article `article_id`, `width` columns wide (at least 40)."""
    article = get_article(store, article_id, lang)
    translation = current_translation(store, article, lang)
    width = max(width, MIN_WIDTH)
    left = (width - wcwidth.width(SEPARATOR)) // 2
    right = width - wcwidth.width(SEPARATOR) - left

    lines = [
        f"Article {article.id} · {journal_time(article.published)} · "
        f"{lang} by {translation.package} {translation.package_version}".rstrip(),
    ]
    paragraph = 0
    for position, block in enumerate(store.blocks(article_id)):
        if block.kind == BlockKind.PARAGRAPH:
            paragraph += 1
            label = f"¶ {paragraph}"
        else:
            label = block.kind
        lines.append(_marker(label, width))
        pairs = zip(block.sentences, translated_text(position, block, translation))
        for index, (english, translated) in enumerate(pairs):
            if index:  # an empty row between sentences keeps them apart
                lines.append(" " * left + SEPARATOR.rstrip())
            lines += _pair(english, translated, left, right)
    return "\n".join(lines)

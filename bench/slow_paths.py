"""Time the slow paths of issues 7 and 8 at growing sizes: import of one long paragraph, review of one long word.

    .venv/bin/python -m bench.slow_paths [--sizes 16,64,256,1024] [--baseline]

Each size is in KiB of text. `import` parses, cleans and splits a page whose one
paragraph is that long (sentences of about 100 characters; the paragraph limit,
journal.MAX_LINE_CHARS, is lifted for the larger sizes so they can be timed).
`review` renders, in 80 columns, an article whose one paragraph is one unbroken
token (ASCII, then Japanese) with its translation the same. Linear time shows as a
constant ms per KiB. `--baseline` also times `wcwidth.wrap`, which review used
before, at the sizes up to 32 KiB (it is quadratic: minutes beyond).
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from unittest import mock

import wcwidth

from translator.text import journal
from translator.text.importer import article_blocks
from translator.text.journal import JST, Page, render_page
from translator.core.news import (
    AlignedArticle, AlignedBlock, Block, BlockKind, Origin, SentencePair, Status, TranslationInfo,
)  # fmt: skip
from translator.site.review import render_review


PUBLISHED = datetime(2025, 2, 21, 18, 38, tzinfo=JST)


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def import_page(text: str) -> None:
    article_blocks(journal.parse_page(text))


def long_token_article(token: str, translation: str) -> AlignedArticle:
    pair = SentencePair(token, "h", translation, Origin.MACHINE, False, -1.0, "fake", "1")
    return AlignedArticle(
        1, "2025-02-21T18:38:00+09:00", True, "en", "ja", Status.CURRENT,
        TranslationInfo("fake", "1", "2025-02-21T09:38:00+00:00", "x"), {},
        (
            AlignedBlock(BlockKind.HEADLINE, "Headline", (SentencePair("Headline", "g", "見出し", Origin.MACHINE, False, -1.0),)),
            AlignedBlock(BlockKind.PARAGRAPH, token, (pair,)),
        ),
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="16,64,256,1024", help="sizes in KiB, comma-separated")
    parser.add_argument("--baseline", action="store_true", help="also time wcwidth.wrap up to 32 KiB")
    args = parser.parse_args()
    sentence = "The minister said on Monday that the talks would resume in Geneva next week. "
    print(f"{'KiB':>6}  {'import s':>9}  {'review ASCII s':>14}  {'review Japanese s':>17}" + ("  wcwidth.wrap s" if args.baseline else ""))
    for kib in (int(size) for size in args.sizes.split(",")):
        chars = kib * 1024
        paragraph = (sentence * (chars // len(sentence) + 1))[:chars].strip()
        with mock.patch.object(journal, "MAX_LINE_CHARS", max(chars + 1, journal.MAX_LINE_CHARS)):
            seconds_import = timed(import_page, render_page(Page("Headline", PUBLISHED, (Block(BlockKind.PARAGRAPH, paragraph),))))
        ascii_token, japanese_token = "x" * chars, "あ" * chars
        seconds_ascii = timed(render_review, long_token_article(ascii_token, ascii_token), 80)
        seconds_japanese = timed(render_review, long_token_article(japanese_token, japanese_token), 80)
        row = f"{kib:>6}  {seconds_import:>9.2f}  {seconds_ascii:>14.2f}  {seconds_japanese:>17.2f}"
        if args.baseline and kib <= 32:
            row += f"  {timed(wcwidth.wrap, ascii_token, 38):>15.2f}"
        print(row, flush=True)


if __name__ == "__main__":
    main()

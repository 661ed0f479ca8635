"""The desk's glossary as data: entries, their files (CSV, TBX), and finding terms in English.

A glossary is a plain sequence of `GlossaryEntry` (english, japanese, note). This
module makes and checks entries, reads and writes glossary files, and finds the
terms in English text; nothing here touches the database (the stored glossary is
editorial/terminology.py's, which rechecks the QA flags whenever it changes).

Entries are normalised once, on the way in (`make_entry`, so files and the desk
alike): every field in Unicode NFC, and the Japanese as news style writes it
(style.apply_news_style: full-width katakana, half-width Latin letters and digits,
...), since that is the form the Japanese of a translation has once styled; an
entry in another form would be flagged where no text could satisfy it. Two
spellings of one term (NFC and decomposed "Zürich") are one entry (`term_key`).

Finding terms scales with the text, not the glossary: `term_index` builds, once per
glossary, an index of the terms by their words (a trie over the casefolded words
of each term), so a sentence is matched against the few terms whose words it
holds, each with its own pattern (compiled on first use and kept). It matches on
the NFC form of the text, so decomposed English is matched too; spans are the
text's own.

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
import functools
import io
import operator
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jaconv

from ..core.errors import GlossaryError, GlossaryFormatError
from .characters import is_noncharacter
from .style import apply_news_style

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


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def make_entry(english: str, japanese: str, note: str = "") -> GlossaryEntry:
    """An entry as the glossary keeps it: fields trimmed, inner whitespace collapsed to
    single spaces, in Unicode NFC, and the Japanese in news style.

    The Japanese is what `style.apply_news_style` (as for a headline: no final 。)
    makes of it: ｼｪｲﾝﾊﾞｳﾑ → シェインバウム, ＷＨＯ → WHO, 3,000人 → 3000人; the batch
    styles its output so, and the QA check looks for the entry's Japanese there.
    Normalising an entry again leaves it as it is.

    :raises GlossaryError: when the English or the Japanese is empty, or a field
        holds a control character (files and terminals cannot carry it) or a
        noncharacter (U+FDD0-U+FDEF, U+FFFE, U+FFFF and their like in every plane: for a
        program's own use, never interchanged, The Unicode Standard 23.7; a TBX file,
        being XML, cannot hold U+FFFE or U+FFFF).
    """
    fields = [_clean(_nfc(english)), _clean(_nfc(japanese)), _clean(_nfc(note))]
    for field in fields:
        bad = next((c for c in field if unicodedata.category(c) in ("Cc", "Cs", "Co")), None)
        if bad is not None:
            raise GlossaryError(f"control character U+{ord(bad):04X} in {field!r}")
        bad = next((c for c in field if is_noncharacter(c)), None)
        if bad is not None:
            raise GlossaryError(f"noncharacter U+{ord(bad):04X} in {field!r}")
    fields[1] = _clean(apply_news_style(fields[1], headline=True))
    if not fields[0] or not fields[1]:
        raise GlossaryError("english and japanese are both required")
    return GlossaryEntry(*fields)


def term_key(english: str) -> str:
    """What makes two English terms the same entry: case, spacing and Unicode form ignored
    ("Sinaloa  Cartel" = "sinaloa cartel"; "Zürich" composed = decomposed).

    Unicode's canonical caseless match (The Unicode Standard, 3.13, D145:
    NFD, casefold, NFD), kept in NFC.
    """
    return _nfc(unicodedata.normalize("NFD", _clean(english)).casefold())


def japanese_key(text: str) -> str:
    """Japanese as the glossary check compares it: NFC, Latin letters and digits half-width,
    katakana full-width (the widths news style writes), so that width or Unicode form
    alone never makes a term missing. Not length-preserving."""
    return jaconv.h2z(halfwidth_latin(_nfc(text)), kana=True, ascii=False, digit=False)


def halfwidth_latin(text: str) -> str:
    """Full-width Latin letters, digits and ASCII signs as ASCII (ＡＩ → AI, ２５％ → 25%); the length stays the same."""
    return jaconv.z2h(text, kana=False, ascii=True, digit=True)


# -- files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GlossaryFile:
    """What a glossary file holds: its entries in file order, and what reading it did to them.

    `repeated`: one line per row that repeated an earlier row's entry and was
    merged into it ("line 3: 'Zürich' as at line 2 (the same term in another
    Unicode form)"). `normalised`: how many entries the file had in another form than the
    glossary keeps (see `make_entry`: Unicode NFC, the Japanese in news style).
    `formulas`: one line per cell that starts as a spreadsheet formula would
    ("line 2: the English starts with '='"): kept as text, and quoted on export.
    """

    entries: list[GlossaryEntry]
    repeated: tuple[str, ...] = ()
    normalised: int = 0
    formulas: tuple[str, ...] = ()


def read_glossary(path: Path | str) -> list[GlossaryEntry]:
    """Entries of a glossary file in file order: TBX when the name ends in .tbx, CSV otherwise.

    The entries of `load_glossary(path)`; see there for the errors raised.
    """
    return load_glossary(path).entries


def load_glossary(path: Path | str) -> GlossaryFile:
    """A glossary file read (TBX when the name ends in .tbx, CSV otherwise), its entries normalised (`make_entry`).

    A row that is an earlier row's entry again once normalised (the same term,
    Japanese and note; the term perhaps in another case, spacing or Unicode form)
    is merged into it, and said so in `repeated`.

    :raises GlossaryFormatError: naming the file (and line) when it cannot be
        read, is not UTF-8, lacks a column, has an incomplete or invalid row, or
        holds one English term twice with different Japanese or notes.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise GlossaryFormatError(f"{path}: {error.strerror or error}") from None
    rows = _read_tbx(data, path) if path.suffix.lower() == ".tbx" else _read_csv(data, path)
    seen: dict[str, _Row] = {}
    entries, repeated, normalised = [], [], 0
    formulas = tuple(
        f"{where}: the {column} starts with {value[0]!r}, which a spreadsheet runs as a formula"
        for where, entry, _ in rows
        for column, value in zip(COLUMNS, (entry.english, entry.japanese, entry.note))
        if value.startswith(FORMULA_STARTS)
    )
    for where, entry, raw in rows:
        first = seen.setdefault(term_key(entry.english), (where, entry, raw))
        if first[0] == where:
            entries.append(entry)
            normalised += (entry.english, entry.japanese, entry.note) != tuple(map(_clean, raw))
            continue
        # Composed and decomposed text look the same on screen: say why two rows are one term.
        before, here = _clean(first[2][0]), _clean(raw[0])
        form = " (the same term in another Unicode form)" if before != here and _nfc(before) == _nfc(here) else ""
        if first[1] != entry:
            raise GlossaryFormatError(f"{path}, {where}: {entry.english!r} is already at {first[0]}{form}")
        repeated.append(f"{where}: {entry.english!r} as at {first[0]}{form}")
    return GlossaryFile(entries, tuple(repeated), normalised, formulas)


# A row as read: where it is, its entry, and its fields as the file wrote them.
_Row = tuple[str, GlossaryEntry, tuple[str, str, str]]


def _read_csv(data: bytes, path: Path) -> list[_Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise GlossaryFormatError(f"{path}: not UTF-8 ({error.reason})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = [c for c in ("english", "japanese") if c not in (reader.fieldnames or [])]
        if missing:
            raise GlossaryFormatError(f"{path}: no column {', '.join(missing)} (expected {','.join(COLUMNS)})")
        rows = []
        for row in reader:
            where = f"line {reader.line_num}"
            raw = tuple(_unquoted(row.get(column) or "") for column in COLUMNS)
            try:
                entry = make_entry(*raw)
            except GlossaryError as error:
                raise GlossaryFormatError(f"{path}, {where}: {error}") from None
            rows.append((where, entry, raw))
    except csv.Error as error:  # e.g. a field over the csv module's limit (131,072 characters)
        raise GlossaryFormatError(f"{path}, line {reader.line_num + 1}: not readable as CSV ({error})") from None
    return rows


def _read_tbx(data: bytes, path: Path) -> list[_Row]:
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
        raw = (terms["en"], terms["ja"], unit.getnotes())
        try:
            entries.append((where, make_entry(*raw), raw))
        except GlossaryError as error:
            raise GlossaryFormatError(f"{path}, {where}: {error}") from None
    return entries


# What starts a formula in a spreadsheet (Excel, LibreOffice, Google Sheets): OWASP, "CSV Injection"
# (https://owasp.org/www-community/attacks/CSV_Injection): = + - @, tab and carriage return.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _quoted(cell: str) -> str:
    """A cell a spreadsheet shows as text: one starting as a formula gets a leading ' (OWASP's advice)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _unquoted(cell: str) -> str:
    """`_quoted` undone: an export read back gives the term as it was."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def glossary_csv(entries: Iterable[GlossaryEntry]) -> str:
    """The entries as CSV text with the header english,japanese,note (LF line ends); `read_glossary` reads it back.

    A cell that a spreadsheet would run as a formula (FORMULA_STARTS) is written
    with a leading ' so that it shows as text; reading the file removes it again.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows((_quoted(e.english), _quoted(e.japanese), _quoted(e.note)) for e in entries)
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


@functools.lru_cache(maxsize=4096)
def term_pattern(english: str) -> re.Pattern[str]:
    """The pattern that finds one English term in NFC text (kept once made: `re`'s own cache holds 512)."""
    return re.compile(_term_regex(_nfc(english)))


_WORD = re.compile(r"\w+")
# Letters `re` takes for one another when it ignores case although str.lower keeps
# them apart (CPython's Lib/re/_casefix.py): folded alike, so that the index never
# misses a term its pattern would match ("Diyarbakır" is matched by "Diyarbakir").
_SAME_LETTER = str.maketrans(
    "\u0131\u017f\u00b5\u0345\u1fbe\u1fd3\u1fe3\u03d0\u03f5\u03d1\u03f0\u03d6\u03f1\u03c2\u03d5"
    "\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85\u1c86\u1c87\u1c88\u1e9b\ufb05",
    "is\u03bc\u03b9\u03b9\u0390\u03b0\u03b2\u03b5\u03b8\u03ba\u03c0\u03c1\u03c3\u03c6"
    "\u0432\u0434\u043e\u0441\u0442\u0442\u044a\u0463\ua64b\u1e61\ufb06",
)
_END = ""  # the trie's key for the terms that end at a node (a word is never empty)


def _fold(word: str) -> str:
    """A word as the index keys it: what `re` ignoring case matches alike is folded alike."""
    if word.isascii():
        return word.lower()
    return word.replace("\u0130", "i").lower().translate(_SAME_LETTER)  # re lowers İ to i, str.lower to i + dot


def _nfc_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """`text` composed (NFC), and where each of its characters, and its end, start in `text` (None: `text` is NFC).

    Each letter is composed with the marks that follow it, on its own, so that a
    span of the composed text maps back to whole letters of `text`.
    """
    if unicodedata.is_normalized("NFC", text):
        return text, None
    parts: list[str] = []
    starts: list[int] = []
    start = 0
    for end in range(1, len(text) + 1):
        if end == len(text) or not unicodedata.combining(text[end]):
            piece = _nfc(text[start:end])
            parts.append(piece)
            starts += [start] * len(piece)
            start = end
    starts.append(len(text))
    return "".join(parts), starts


class TermIndex:
    """A glossary made ready for finding its terms; built once per glossary (`term_index`), then only read.

    The terms are in a trie keyed by their words (runs of word characters,
    folded as `re` ignores case), so a text is matched only against the terms
    whose every word it holds in order; each of those is then confirmed with its
    own pattern (`term_pattern`'s), compiled on first use and kept. A term
    without any word character is tried on every text.
    """

    def __init__(self, entries: Iterable[GlossaryEntry]):
        self.entries = tuple(entries)
        self._trie: dict = {}
        self._always: list[int] = []
        self._patterns: dict[int, re.Pattern[str]] = {}
        for number, entry in enumerate(self.entries):
            words = [_fold(word) for word in _WORD.findall(_nfc(entry.english))]
            if not words:
                self._always.append(number)
                continue
            node = self._trie
            for word in words:
                node = node.setdefault(word, {})
            node.setdefault(_END, []).append(number)

    def _candidates(self, text: str) -> set[int]:
        words = [_fold(word) for word in _WORD.findall(text)]
        found = set(self._always)
        for first in range(len(words)):
            node = self._trie
            for word in words[first:]:
                if len(word) > 1 and word[-1] == "s" and (plural := node.get(word[:-1])) is not None:
                    found.update(plural.get(_END, ()))  # "cartels": a term's last word with a plural s
                node = node.get(word)
                if node is None:
                    break
                found.update(node.get(_END, ()))
        return found

    def _pattern(self, number: int) -> re.Pattern[str]:
        pattern = self._patterns.get(number)
        if pattern is None:
            pattern = self._patterns[number] = re.compile(_term_regex(_nfc(self.entries[number].english)))
        return pattern

    def find(self, english: str) -> list[tuple[GlossaryEntry, tuple[int, int]]]:
        """What `find_terms` returns: the entries in `english` with their first occurrence's span, in text order."""
        text, starts = _nfc_with_offsets(english)
        found = []
        for number in sorted(self._candidates(text)):  # glossary order, as ties are returned
            match = self._pattern(number).search(text)
            if match:
                span = match.span() if starts is None else (starts[match.start()], starts[match.end()])
                found.append((self.entries[number], span))
        return sorted(found, key=lambda item: item[1])

    @functools.cached_property
    def latin_words(self) -> frozenset[str]:
        """What `latin_words` returns for this glossary."""
        return frozenset(word for entry in self.entries for word in re.findall(r"[A-Za-z][\w.&'’-]*", entry.japanese))

    @functools.cached_property
    def _japanese(self) -> tuple[frozenset[str], dict[str, tuple[int, ...]]]:
        # Every entry's Japanese (read with halfwidth_latin), and by first character the lengths they have.
        targets = frozenset(halfwidth_latin(entry.japanese) for entry in self.entries if entry.japanese)
        lengths: dict[str, set[int]] = {}
        for target in targets:
            lengths.setdefault(target[0], set()).add(len(target))
        return targets, {char: tuple(sorted(sizes)) for char, sizes in lengths.items()}

    def japanese_spans(self, text: str) -> list[tuple[int, int]]:
        """Every place in `text` that holds some entry's Japanese (overlapping ones too), both read
        with `halfwidth_latin` (ＡＩ is AI); spans of `text`, in order of their start."""
        targets, lengths = self._japanese
        normal = halfwidth_latin(text)
        return [
            (start, start + size)
            for start, char in enumerate(normal)
            for size in lengths.get(char, ())
            if normal[start : start + size] in targets
        ]


# The indexes of the last few glossaries, by the identity of the sequence passed, with the
# entries it held then (a list may change since: compared by reference, which is quick), and
# by the entries (an equal glossary read again, e.g. from the store).
_INDEXES = 8
_by_identity: dict[int, tuple[tuple[GlossaryEntry, ...], TermIndex]] = {}
_by_entries: OrderedDict[tuple[tuple[str, str, str], ...], TermIndex] = OrderedDict()
_indexes_lock = threading.Lock()
# An entry's fields as a plain tuple: hashed and compared in C, unlike the dataclass.
entry_fields = operator.attrgetter("english", "japanese", "note")


def term_index(glossary: Iterable[GlossaryEntry]) -> TermIndex:
    """The glossary's `TermIndex`, built on first use and kept for the last few glossaries.

    A glossary passed again (the same sequence, holding the same entries) costs a
    comparison of references; an equal glossary read again (a new list of the
    same entries), a hash of its entries; only a new one is indexed (about 10 ms
    for 5,000 terms: bench/glossary_scale.py). A `TermIndex` is returned as it is.
    """
    if isinstance(glossary, TermIndex):
        return glossary
    entries = glossary if isinstance(glossary, tuple) else tuple(glossary)
    seen = _by_identity.get(id(glossary))
    if seen is not None and len(seen[0]) == len(entries) and all(map(operator.is_, seen[0], entries)):
        return seen[1]
    key = tuple(map(entry_fields, entries))
    with _indexes_lock:
        index = _by_entries.get(key)
        if index is None:
            index = _by_entries[key] = TermIndex(entries)
            if len(_by_entries) > _INDEXES:
                _by_entries.popitem(last=False)
        else:
            _by_entries.move_to_end(key)
        _by_identity[id(glossary)] = (entries, index)
        if len(_by_identity) > _INDEXES:
            del _by_identity[next(iter(_by_identity))]
    return index


def find_terms(english: str, glossary: Iterable[GlossaryEntry]) -> list[tuple[GlossaryEntry, tuple[int, int]]]:
    """Glossary entries whose English occurs in `english`, with the first occurrence's span.

    Matching ignores case (except for terms written in capitals only) and accepts
    a trailing plural or possessive. It is done on the NFC form of both, so
    decomposed text ("Zu\u0308rich") is matched; spans are of `english` as given.
    Entries are returned in the order of their first occurrence in the text (ties
    in glossary order). The glossary's index is built once (`term_index`), so the
    cost grows with the text and the terms it holds, not the glossary's size.
    """
    return term_index(glossary).find(english)


def latin_words(glossary: Iterable[GlossaryEntry]) -> frozenset[str]:
    """Latin-letter words the glossary's Japanese keeps as they are (e.g. a platform named "X"); once per glossary."""
    return term_index(glossary).latin_words

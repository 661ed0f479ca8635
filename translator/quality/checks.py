"""Quality checks on a translation, sentence by sentence: pure functions over (English, Japanese).

`check_sentence(english, japanese)` returns a list of `Flag` (check, severity,
message, spans); `check_article(pairs)` adds the one check that needs the whole
article (a name written two ways). Nothing here reads or writes the store.

The checks, and what each accepts:

- ``number``: every number in the English (amounts, percentages, dates, times,
  years, ordinals) has its value in the Japanese. Japanese forms are read as
  values: full-width digits, 万/億/兆 and 十/百/千 (80億ドル = $8 billion,
  850万 = 8.5 million, 1億2500万 = £125m), kanji numerals, 25% or 25％,
  2月21日 for Feb. 21, 7時55分 for 7.55am, 午後3時 or 15時 for 3 p.m. A date
  whose day is there under another month (3月21日 for Feb. 21) is flagged too.
  Conservative by design: digits glued to letters (COVID-19, G7, 5G) are names,
  not quantities, and are left to the other checks; ":00" minutes are not
  required (10 a.m. is 午前10時). Spelt-out numbers are read too ("six million"
  is 600万, "two hundred and fifty thousand" 25万, "twenty-five" 25, "two
  decades" 20年, "two" also 両 or 双, "forty-year-old" 40): with a scale
  (hundred, thousand, million...) a missing one is an error, a bare one
  ("three") a warning, since Japanese idiom sometimes absorbs it. Not read:
  "one" alone (a pronoun), ordinals and fractions ("twenty-first",
  "two-thirds"), and capitalised words inside a sentence (Channel Four) unless
  the sentence is in title case; a year spelt out ("nineteen eighty-four") is
  read as two numbers. A percentage whose figure is in the Japanese but not as
  a percentage (25-percent tariffs as 25°C) is an error; a weekday written as
  another day (Thursday as 金曜日) a warning, and so is a weekday dropped: not
  in the Japanese, nor a date or another day (20日, 翌日) in its place.
- ``time`` (times.py): an a.m. or p.m. time whose hour the Japanese writes only
  on the other half of the day (午後7時 or 19時 for 7 a.m.).
- ``english_left``: Latin-letter words in the Japanese other than acronyms
  (two or more capitals: EU, U.S., C-SPAN), single capitals (initials: ジョン・F・
  ケネディ), units after a number (5km), web addresses and handles, the words
  the glossary's Japanese contains, and the words of the sentence's glossary
  terms (the glossary check reports those). A lowercase word is an error (left
  untranslated); a capitalised one a warning (a name: add it to the glossary or
  write it in katakana).
- ``repetition``: the output loops: a piece repeated back to back (5 times for one
  character, 3 for two or three, twice for four or more), or one 8-character
  stretch three times, unless the English repeats itself too.
- ``empty``: no Japanese for English text. ``truncated``: the engine cut the output
  at its length limit (passed in as `truncated=True`), or a body sentence stops
  where the English ended a sentence (warning).
- ``length_ratio``: Japanese characters per English character outside
  [LENGTH_RATIO_LOW, LENGTH_RATIO_HIGH] for English of at least
  LENGTH_RATIO_MIN_ENGLISH characters (see those constants for the source).
- ``glossary``: a glossary term in the English whose Japanese is not in the Japanese
  (compared in NFC, whatever the widths of letters, digits and katakana).
- ``place`` (places.py): a country, capital or demonym of the English whose
  Japanese is missing while the Japanese names another country (Mexico's
  president as 米国大統領): an error.
- ``name`` (names.py): an English proper name written neither in katakana that
  sounds like it nor in Latin letters (米コミ for Sheinbaum): a warning.
- ``character`` (characters.py): Japanese text or emoji of the English lost
  (𠮷野家, 🇯🇵), and garbled characters in the Japanese (U+FFFD, unassigned or
  private-use code points, half a flag).
- ``confidence``: machine output whose score from the model (the mean
  log-probability of its tokens) is under the package's threshold (its
  metadata's ``confidence_threshold``, else CONFIDENCE_THRESHOLD): a warning.
  An editor's text has no score and is not checked.
- ``name_consistency`` (article only): one English name transliterated in more
  than one way across the article's sentences (シムズ here, シムス there).
- ``style`` (`style_flags`, apart from the checks above): where the Japanese
  departs from the news style (style.py), a warning per place, with the fix.
  Machine output is saved in style, so this catches editors' edits.

Rates of every check on the NTREX dev references: `bench/qa_refs.py`.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from itertools import pairwise
from typing import NamedTuple

import jaconv

from ..core.news import Check, Flag, Severity

from .characters import check_characters
from .glossary import GlossaryEntry, find_terms, japanese_key, latin_words
from .names import check_names, is_name
from .places import check_places
from .style import style_issues
from .terms import renderings
from .times import check_times


class SentencePair(NamedTuple):
    """A sentence and its translation; `truncated` and `score` come from the engine (output cut at its
    limit; the model's score, None for text no model made just now: an editor's, the memory's)."""

    english: str
    japanese: str
    truncated: bool = False
    is_headline: bool = False
    score: float | None = None


# Length ratio bounds: Japanese characters per English character. On the NTREX dev
# references (../shared/corpus/dev/ntrex-dev.tsv), the 998 of 1,007 pairs with
# English of 20 or more characters run from 0.250 to 0.966 (median 0.459; 0.5th and
# 99.5th percentiles 0.277 and 0.820): the bounds sit at and just above what human
# translators produced, so only output far from any human rendering is flagged.
# The model's own output is to be measured the same way once it exists. Re-derive with
# `bench/qa_refs.py --ratios` (and on the model's own output with --hyp).
LENGTH_RATIO_LOW = 0.25
LENGTH_RATIO_HIGH = 1.0
LENGTH_RATIO_MIN_ENGLISH = 20


def _to_halfwidth(text: str) -> str:
    # Full-width letters, digits and ％ read as their ASCII forms; the length stays the
    # same, so spans found in the result are spans of the original.
    return jaconv.z2h(text, kana=False, ascii=True, digit=True)


# -- numbers ----------------------------------------------------------------------

_SCALES = {
    "thousand": 10**3, "k": 10**3,
    "million": 10**6, "m": 10**6, "mn": 10**6,
    "billion": 10**9, "bn": 10**9, "b": 10**9,
    "trillion": 10**12, "tn": 10**12,
}  # fmt: skip
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# One English quantity. Alternatives are tried in order at each position.
_EN_QUANTITY = re.compile(
    rf"""
    (?<![\w.,])(?<![A-Z]-)                       # not glued to a name: COVID-19, MS-13, SS19
    (?:
        (?P<hour>\d{{1,2}})(?:[:.](?P<minute>\d{{2}}))?\s*(?P<ampm>[aApP])\.?[mM]\b\.?
      | (?P<clock_h>\d{{1,2}}):(?P<clock_m>\d{{2}})(?![\d:])
      | (?P<scaled>{_NUMBER})\s*-?\s*(?P<scale>(?i:thousand|million|billion|trillion|bn|mn|tn|m|k|b))\b
      | (?P<decade>\d{{2}}(?:\d{{2}})?)['’]?s\b
      | (?P<ordinal>\d+)(?:st|nd|rd|th)\b
      | (?P<plain>{_NUMBER})(?![A-Z\d]|\.\d)
    )
    """,
    re.VERBOSE,
)
_EN_DATE = re.compile(
    r"\b(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b"
    r"|\b(?P<day2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month2>[A-Z][a-z]{2,8})\b"
)
_JA_DATE = re.compile(r"(\d{1,2})月(\d{1,2})日")
_EN_PERCENT = re.compile(
    rf"(?<![\w.,])(?P<number>{_NUMBER})\s*-?\s*(?:%|percent\b|per\s*cent\b|percentage[ -]points?\b)", re.IGNORECASE
)
# English left in the Japanese ("25 percent") is english_left's to flag, not this check's.
_JA_PERCENT = re.compile(
    r"([\d,.〇一二三四五六七八九十百千]+)\s*-?\s*(?:%|パーセント|ポイント|percent|per\s*cent|percentage)", re.IGNORECASE
)
_WEEKDAYS = dict(zip("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split(), "月火水木金土日"))
_EN_WEEKDAY = re.compile(rf"\b({'|'.join(_WEEKDAYS)})s?\b", re.IGNORECASE)  # SUNDAY in a caps headline too
# 木曜, or 20日（木）: a bare （日） is also Japan's abbreviation, so only after a date.
_JA_WEEKDAY = re.compile(r"([月火水木金土日])曜|(?<=\d日)[(（]([月火水木金土日])[)）]")
# A weekday left in English inside Japanese (日曜ではなくSundayに): no word boundary before it there.
_LATIN_WEEKDAY = re.compile(rf"(?<![A-Za-z])({'|'.join(_WEEKDAYS)})s?(?![A-Za-z])", re.IGNORECASE)
# A day given otherwise than by its weekday: a date (20日, not 3日間) or a day named from another (同日, 翌日).
_JA_DAY = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})日(?!間)|[同前翌当昨本今明]日")
_KANJI_DIGITS = "〇一二三四五六七八九"
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10**4, "億": 10**8, "兆": 10**12}
# Spaces some writers put around 万/億/兆/千 ("105 万人", "1 万 5 千ドル").
_JA_SPACED_UNIT = re.compile(r"(?<=\d)[ 　]+(?=[十百千万億兆])|(?<=[十百千万億兆])[ 　]+(?=\d)")
_JA_TOKEN = re.compile(
    rf"(?P<arabic>{_NUMBER})|(?P<kanji>[{_KANJI_DIGITS}]+)|(?P<small>[十百千])|(?P<big>[万億兆])|.", re.DOTALL
)


# Spelt-out English numbers. A run of number words ("two hundred and fifty
# thousand", "twenty-one", "six-million") is read as a number while it forms one
# (`_spelt_numbers`); "one" alone is left out (a pronoun: "no one", "one of them").
_EN_SMALL = {
    word: value
    for value, word in enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen".split(),
        start=1,
    )
} | {word: 10 * value for value, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_EN_WORD_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_EN_NUMBER_WORD = "|".join(sorted([*_EN_SMALL, "hundred", *_EN_WORD_SCALES], key=len, reverse=True))
# Ordinals and fractions a run may be hyphened to: "twenty-first", "two-thirds" are not counts.
_EN_ORDINAL = (
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"(?:thir|four|fif|six|seven|eigh|nine)teenth|(?:twen|thir|for|fif|six|seven|eigh|nine)tieth|"
    "hundredth|thousandth|millionth|billionth|half|halves|quarters?"
)
_EN_WORD_RUN = re.compile(
    rf"""
    (?<![\w-])
    (?:{_EN_NUMBER_WORD})(?:(?:[ -]|\s+and\s+)(?:{_EN_NUMBER_WORD}))*
    (?![\w])
    (?P<ordinal>-(?:{_EN_ORDINAL})s?\b)?          # "twenty-first", "two-thirds"
    (?:(?=\s+decades?\b)(?P<decades>))?            # "two decades": 20年 will do
    """,
    re.VERBOSE | re.IGNORECASE,
)
_EN_WORD = re.compile(_EN_NUMBER_WORD, re.IGNORECASE)
# "the two leaders" is often 両首脳, "the two sides" 双方, "two people" ふたり.
_JA_TWO = ("両", "双", "ふたり", "ふたつ")
# A capitalised number word after these (or first) starts a sentence or a quote.
_OPENERS = ".!?:;\"“‘'(—–-"


@dataclass(frozen=True)
class _Quantity:
    text: str
    span: tuple[int, int]
    values: frozenset[Decimal]  # any one of them in the Japanese will do
    words: tuple[str, ...] = ()  # or any one of these Japanese words
    severity: Severity = Severity.ERROR


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _english_quantities(english: str) -> list[_Quantity]:
    """The numbers of an English sentence, each with the values a Japanese rendering may show."""
    quantities = []
    for match in _EN_QUANTITY.finditer(english):
        group = match.groupdict()
        values: list[Decimal] = []
        if group["hour"] is not None:
            hour = int(group["hour"])
            values = [Decimal(hour)]
            if group["ampm"].lower() == "p" and hour < 12:
                values.append(Decimal(hour + 12))  # 15時 for 3 p.m.
            minute = group["minute"]
            quantities.append(_Quantity(match.group(), match.span(), frozenset(values)))
            if minute is not None and int(minute):
                quantities.append(_Quantity(match.group(), match.span(), frozenset([Decimal(int(minute))])))
            continue
        if group["clock_h"] is not None:
            quantities.append(_Quantity(match.group(), match.span(), frozenset([Decimal(int(group["clock_h"]))])))
            if int(group["clock_m"]):
                quantities.append(_Quantity(match.group(), match.span(), frozenset([Decimal(int(group["clock_m"]))])))
            continue
        if group["scaled"] is not None:
            number = _decimal(group["scaled"])
            scale = group["scale"].lower()
            values = [number * _SCALES[scale]]
            if scale in ("m", "k", "b"):
                values.append(number)  # 100m may be metres, 4k a resolution
        elif group["decade"] is not None:
            number = int(group["decade"])
            values = [Decimal(number)] + ([Decimal(1900 + number), Decimal(2000 + number)] if number < 100 else [])
        elif group["ordinal"] is not None:
            values = [Decimal(int(group["ordinal"]))]
        else:
            values = [_decimal(group["plain"])]
        quantities.append(_Quantity(match.group(), match.span(), frozenset(values)))
    return sorted(quantities + _english_word_quantities(english), key=lambda quantity: quantity.span)


def _spelt_numbers(run: str) -> list[tuple[int, int, int, bool]]:
    """The numbers in a run of number words: (start, end, value, has a scale) each.

    Words join while they form one number, read as English writes it: a unit
    after a tens word ("twenty one"), "hundred" after 1 to 99 ("fifteen
    hundred"), a scale after a smaller one ("two million five hundred
    thousand"); otherwise a new number starts ("five and ten" is two numbers).
    A run that cannot start a number ("hundred" alone) gives nothing there.
    """
    numbers: list[tuple[int, int, int, bool]] = []
    start = end = total = current = 0
    last: str | None = None  # "small", "tens", "hundred", "scale"
    scale_before = 10**15
    scaled = False

    def close() -> None:
        if last is not None:
            numbers.append((start, end, total + current, scaled))

    for match in _EN_WORD.finditer(run):
        word = match.group().lower()
        if word in _EN_SMALL:
            value = _EN_SMALL[word]
            fits = last in ("hundred", "scale") or (last == "tens" and value < 10)
            kind = "tens" if value >= 20 else "small"
        elif word == "hundred":
            value, fits, kind = 0, last in ("small", "tens") and current < 100, "hundred"
        else:
            value, fits, kind = 0, last is not None and current > 0 and _EN_WORD_SCALES[word] < scale_before, "scale"
        if not fits:
            close()
            if kind in ("hundred", "scale"):
                last = None  # nothing to multiply: this word starts no number
                continue
            start, total, current, scale_before, scaled = match.start(), 0, 0, 10**15, False
        scaled = scaled or kind in ("hundred", "scale")
        if kind == "hundred":
            current *= 100
        elif kind == "scale":
            total += current * _EN_WORD_SCALES[word]
            current, scale_before = 0, _EN_WORD_SCALES[word]
        else:
            current += value
        end, last = match.end(), kind
    close()
    return numbers


def _english_word_quantities(english: str) -> list[_Quantity]:
    """Spelt-out numbers ("six million", "two hundred and fifty", "twenty-five", "three"), with their values.

    A capitalised number inside a sentence is a name (Channel Four, the Big Ten)
    unless the sentence is in title case, as headlines often are.
    """
    words = re.findall(r"[A-Za-z]{4,}", english)
    title_case = len(words) >= 3 and sum(word[0].isupper() for word in words) >= 0.8 * len(words)
    quantities = []
    for run in _EN_WORD_RUN.finditer(english):
        if run.group("ordinal"):
            continue
        for start, end, value, scaled in _spelt_numbers(run.group()):
            start, end = run.start() + start, run.start() + end
            before = english[:start].rstrip()
            if english[start].isupper() and before and before[-1] not in _OPENERS and not title_case:
                continue
            if value == 1 and not scaled:
                continue
            values = [Decimal(value)]
            if end == run.end() and run.group("decades") is not None:
                values.append(Decimal(value * 10))
            # A bare small number is often absorbed by Japanese idiom (南北朝鮮 for the two
            # Koreas, 長時間 for hour six): a warning. With a scale it is a figure: an error.
            severity = Severity.ERROR if scaled else Severity.WARNING
            text = english[start:end]
            quantities.append(_Quantity(text, (start, end), frozenset(values), _JA_TWO if value == 2 else (), severity))
    return quantities


def japanese_values(japanese: str) -> set[Decimal]:
    """Every number a Japanese text shows, read with 万/億/兆, 十/百/千 and kanji numerals.

    "1億2,500万" gives 125000000 (and 1 and 2500, the figures as written); "8.5%"
    gives 8.5; "二〇一九" gives 2019; "三千" gives 3000.
    """
    values: set[Decimal] = set()
    total = group = Decimal(0)
    pending: Decimal | None = None
    in_number = False

    def close() -> None:
        nonlocal total, group, pending, in_number
        if in_number:
            values.add(total + group + (pending or 0))
        total = group = Decimal(0)
        pending, in_number = None, False

    text = _JA_SPACED_UNIT.sub("", _to_halfwidth(japanese))
    if "時半" in text:
        values.add(Decimal(30))  # 5時半: half past five
    for match in _JA_TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "arabic" or kind == "kanji":
            if pending is not None:  # two figures side by side: separate numbers
                close()
            if kind == "arabic":
                pending = _decimal(match.group())
                values.add(pending)
            else:
                pending = Decimal("".join(str(_KANJI_DIGITS.index(c)) for c in match.group()))
            in_number = True
        elif kind == "small":
            group += (pending if pending is not None else 1) * _SMALL_UNITS[match.group()]
            pending, in_number = None, True
        elif kind == "big" and in_number:
            total += ((group + (pending or 0)) or 1) * _BIG_UNITS[match.group()]
            group, pending = Decimal(0), None
        else:
            close()
    close()
    return values


def _check_numbers(english: str, japanese: str) -> list[Flag]:
    ja_values = japanese_values(japanese)
    flags = []
    for quantity in _english_quantities(english):
        if not quantity.values & ja_values and not any(word in japanese for word in quantity.words):
            flags.append(
                Flag(
                    Check.NUMBER,
                    quantity.severity,
                    f"{quantity.text.strip()!r} is not in the Japanese",
                    en_span=quantity.span,
                )
            )
    halfwidth = _to_halfwidth(japanese)
    flags += _check_units_and_days(english, japanese, halfwidth, ja_values)
    ja_dates = [(int(m.group(1)), int(m.group(2)), m.span()) for m in _JA_DATE.finditer(halfwidth)]
    for match in _EN_DATE.finditer(english):
        month = _MONTHS.get((match.group("month") or match.group("month2")).lower())
        day = int(match.group("day") or match.group("day2"))
        if month is None or any((m, d) == (month, day) for m, d, _ in ja_dates):
            continue
        for m, d, span in ja_dates:
            if d == day:
                flags.append(
                    Flag(
                        Check.NUMBER,
                        Severity.ERROR,
                        f"{match.group().strip()!r} is written {m}月{d}日",
                        en_span=match.span(),
                        ja_span=span,
                    )
                )
                break
    return flags


def _check_units_and_days(english: str, japanese: str, halfwidth: str, ja_values: set[Decimal]) -> list[Flag]:
    """A percentage whose figure is in the Japanese but not as one (25-percent tariffs as 25°C:
    an error), a weekday written as another day (Thursday as 金曜日: a warning, since a
    desk may move a day to Japan time; on the NTREX references 3 of 80 weekdays differ),
    and a weekday not in the Japanese at all, nor a date or another day in its place (a warning)."""
    flags = []
    percents = {value for m in _JA_PERCENT.finditer(halfwidth) for value in japanese_values(m.group(1))}
    for match in _EN_PERCENT.finditer(english):
        value = _decimal(match.group("number"))
        if value in ja_values and value not in percents:
            flags.append(
                Flag(Check.NUMBER, Severity.ERROR, f"{match.group()!r} is not a percentage in the Japanese", en_span=match.span())
            )
    ja_days = [(m.group(1) or m.group(2), m.span()) for m in _JA_WEEKDAY.finditer(japanese)]
    en_days = [(_WEEKDAYS[m.group(1).capitalize()], m) for m in _EN_WEEKDAY.finditer(english)]
    # The Japanese weekdays no English weekday accounts for are, in order, the wrong days of those missing.
    en_set, ja_set = {day for day, _ in en_days}, {day for day, _ in ja_days}
    others = [(day, span) for day, span in ja_days if day not in en_set]
    missing = [match for day, match in en_days if day not in ja_set]
    for match, (other, span) in zip(missing, others):
        flags.append(
            Flag(Check.NUMBER, Severity.WARNING, f"{match.group()!r} is written {other}曜 (another day)",
                 en_span=match.span(), ja_span=span)
        )
    # Those left over are not in the Japanese at all: dropped, unless a day is given otherwise
    # (20日, 同日, 翌日: a desk may write the date) or left in English (english_left's); once per day.
    if _JA_DAY.search(halfwidth):
        return flags
    paired = {_WEEKDAYS[m.group(1).capitalize()] for m in missing[: len(others)]}
    latin = {m.group(1).capitalize() for m in _LATIN_WEEKDAY.finditer(halfwidth)}
    dropped = {
        _WEEKDAYS[m.group(1).capitalize()]: m
        for m in reversed(missing[len(others) :])
        if m.group(1).capitalize() not in latin and not _in_a_title(english, m)
    }
    for match in sorted((m for day, m in dropped.items() if day not in paired), key=lambda m: m.start()):
        flags.append(
            Flag(Check.NUMBER, Severity.WARNING, f"{match.group()!r} is not in the Japanese", en_span=match.span())
        )
    return flags


def _in_a_title(english: str, match: re.Match[str]) -> bool:
    """A weekday inside a title, not a day: Saturday Night Live, Good Friday. A capitalised word beside it
    that is not a name, nor the first word of the sentence ("On Saturday", "Tuesday Trump said": days)."""
    after = re.match(r" ([A-Z][a-z]+)", english[match.end() :])
    if after and not is_name(after.group(1)):
        return True
    before = re.search(r"([A-Z][a-z]+) $", english[: match.start()])
    if not before:
        return False
    ahead = english[: before.start()].rstrip()
    return bool(ahead) and ahead[-1] not in _OPENERS and not is_name(before.group(1))


# -- English left in the Japanese ---------------------------------------------------

_LATIN_WORD = r"[@#]?[A-Za-z][A-Za-z0-9_.&'’/+@-]*"
_LATIN_RUN = re.compile(rf"{_LATIN_WORD}(?:[ ]+{_LATIN_WORD})*")
_WEB = re.compile(r"^[@#][A-Za-z0-9_]+$|^[A-Za-z0-9_.-]+\.[a-z]{2,6}(?:/\S*)?$|^\S+@\S+$")


def _allowed_latin(word: str, after_digit: bool, glossary_words: frozenset[str]) -> bool:
    bare = word.rstrip(".'’-")
    letters = [c for c in bare if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    return (
        bare in glossary_words
        or word in glossary_words
        or (capitals >= 2 and capitals * 2 >= len(letters))  # EU, U.S., C-SPAN, PhD
        or len(letters) == 1  # an initial or a letter named: ジョン・F・ケネディ, 「u」の発音
        or (after_digit and len(letters) <= 3)  # a unit: 5km, 10m
        or bool(_WEB.match(bare))
    )


def _check_english_left(english: str, japanese: str, glossary: Sequence[GlossaryEntry]) -> list[Flag]:
    # The glossary's Latin Japanese ("X") is allowed; the sentence's glossary terms left
    # in Latin letters are the glossary check's to report, with the rendering to use.
    terms = {word for entry, _ in find_terms(english, glossary) for word in entry.english.split()}
    glossary_words = latin_words(glossary) | terms
    text = _to_halfwidth(japanese)
    flags = []
    for run in _LATIN_RUN.finditer(text):
        after_digit = run.start() > 0 and text[run.start() - 1].isdigit()
        words = run.group().split()
        left = [w for i, w in enumerate(words) if not _allowed_latin(w, after_digit and i == 0, glossary_words)]
        if not left:
            continue
        untranslated = any(w[0].islower() for w in left)
        flags.append(
            Flag(
                Check.ENGLISH_LEFT,
                Severity.ERROR if untranslated else Severity.WARNING,
                (f"English left untranslated: {run.group()!r}" if untranslated
                 else f"name in Latin letters: {run.group()!r} (write it in katakana or add it to the glossary)"),
                ja_span=run.span(),
            )
        )  # fmt: skip
    return flags


# -- repetition ---------------------------------------------------------------------

# A unit repeated back to back: 1 character 5 times, 2-3 characters 3 times, 4+ twice.
_LOOP = re.compile(r"(.)\1{4,}|(.{2,3}?)\2{2,}|(.{4,}?)\3+", re.DOTALL)
_FILLER = re.compile(r"^[\d\s\W_ー]*$")  # digits, spaces, dashes and punctuation only
_EN_REPEAT = re.compile(r"\b(\w+(?:\W+\w+){0,3})\W+\1\b", re.IGNORECASE)


def _repeats_in_english(english: str) -> bool:
    # The same two words three times ("Johnny English ... Johnny English ..."): a
    # Japanese rendering may repeat a stretch as often.
    words = re.findall(r"\w+", english.lower())
    bigrams = Counter(pairwise(words))
    return bool(bigrams) and max(bigrams.values()) >= 3


def _check_repetition(english: str, japanese: str) -> list[Flag]:
    if _EN_REPEAT.search(english):
        return []  # the English repeats itself ("no, no, no"): so may the Japanese
    for match in _LOOP.finditer(japanese):
        unit = next(g for g in match.groups() if g is not None)
        if not _FILLER.match(unit):
            return [
                Flag(
                    Check.REPETITION,
                    Severity.ERROR,
                    f"{unit!r} repeated {len(match.group()) // len(unit)} times",
                    ja_span=match.span(),
                )
            ]
    if _repeats_in_english(english):
        return []
    starts: dict[str, list[int]] = defaultdict(list)
    for start in range(len(japanese) - 7):
        piece = japanese[start : start + 8]
        if _FILLER.match(piece) or (starts[piece] and start < starts[piece][-1] + 8):
            continue  # overlapping occurrences count once
        starts[piece].append(start)
        if len(starts[piece]) == 3:
            return [
                Flag(
                    Check.REPETITION, Severity.ERROR, f"{piece!r} occurs 3 times", ja_span=(starts[piece][0], start + 8)
                )
            ]
    return []


# -- empty, truncated, length -------------------------------------------------------

_EN_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
_JA_SENTENCE_END = re.compile(r"[。．.！？!?」』）)\"”’…]$")


def _check_completeness(english: str, japanese: str, truncated: bool, is_headline: bool) -> list[Flag]:
    en, ja = english.strip(), japanese.strip()
    if en and not ja:
        return [Flag(Check.EMPTY, Severity.ERROR, "no Japanese for this sentence")]
    flags = []
    if truncated:
        flags.append(Flag(Check.TRUNCATED, Severity.ERROR, "the engine cut this output at its length limit"))
    elif not is_headline and _EN_SENTENCE_END.search(en) and not _JA_SENTENCE_END.search(ja):
        flags.append(
            Flag(
                Check.TRUNCATED,
                Severity.WARNING,
                "the Japanese stops mid-sentence",
                ja_span=(end := len(japanese.rstrip()), end),
            )
        )
    if len(en) >= LENGTH_RATIO_MIN_ENGLISH and ja:
        ratio = len(ja) / len(en)
        if ratio < LENGTH_RATIO_LOW or ratio > LENGTH_RATIO_HIGH:
            short = ratio < LENGTH_RATIO_LOW
            shown = round(ratio, 2)
            if LENGTH_RATIO_LOW <= shown <= LENGTH_RATIO_HIGH:  # never show a figure inside the range: 0.2496 is 0.24
                shown = (math.floor if short else math.ceil)(ratio * 100) / 100
            flags.append(
                Flag(
                    Check.LENGTH_RATIO,
                    Severity.WARNING,
                    f"the Japanese is {shown:.2f} times the English's length: unusually {'short' if short else 'long'}"
                    f" (expected {LENGTH_RATIO_LOW}-{LENGTH_RATIO_HIGH})",
                )
            )
    return flags


# -- glossary -------------------------------------------------------------------------


def _check_glossary(english: str, japanese: str, glossary: Sequence[GlossaryEntry]) -> list[Flag]:
    # Both sides as glossary.japanese_key reads them (NFC, news style's widths): a term
    # written in another width or Unicode form is there, so every flag can be cleared.
    text = japanese_key(japanese)
    return [
        Flag(
            Check.GLOSSARY,
            Severity.ERROR,
            f"glossary: {entry.english!r} should be {entry.japanese}",
            en_span=span,
        )
        for entry, span in find_terms(english, glossary)
        if japanese_key(entry.japanese) not in text
    ]


# -- the model's confidence ---------------------------------------------------------------

# The engine's score of a hypothesis is CTranslate2's: with the length penalty of 1 the engine
# decodes with, the sum of its tokens' log-probabilities (the end of sentence included) divided by
# their number, so a mean per token (a long sentence is not penalised for its length). Output under
# a threshold gets a warning. The score is the model's own, so each package this project trains
# carries its threshold in its metadata (`confidence_threshold`, chosen on the NTREX dev set with
# bench/qa_refs.py --translate --confidence: the lowest, so the fewest warnings, at which QA flags
# at least 80% of the bad sentences, issue 24), and each translation keeps its package's. This one
# is for the rest (other packages, and translations saved before packages carried one):
# translate-en_ja 0.2's (step 11,051); -1.2 was step 9,951's. docs/qa.md has what each flags.
CONFIDENCE_THRESHOLD = -1.1


def _below(score: float, threshold: float) -> str:
    """`score` (under `threshold`) to 2 decimals, or more where 2 would round it onto the
    threshold ("score -1.05, under -1.05" reads as no reason to warn)."""
    for digits in (2, 4, 6):
        shown = f"{score:.{digits}f}"
        if float(shown) < threshold:
            return shown
    return repr(score)


def _check_confidence(score: float | None, threshold: float | None) -> list[Flag]:
    threshold = CONFIDENCE_THRESHOLD if threshold is None else threshold
    if score is None or score >= threshold:
        return []
    return [
        Flag(
            Check.CONFIDENCE,
            Severity.WARNING,
            f"the model was unsure of this output (score {_below(score, threshold)}, under {threshold}): "
            "read it against the English",
        )
    ]


# -- the public checks ----------------------------------------------------------------


def check_sentence(
    english: str,
    japanese: str,
    *,
    glossary: Sequence[GlossaryEntry] = (),
    truncated: bool = False,
    is_headline: bool = False,
    score: float | None = None,
    confidence_threshold: float | None = None,
) -> list[Flag]:
    """Flags for one sentence and its Japanese, in check order (see the module docstring).

    `truncated` is the engine's word that the output reached its length limit;
    `is_headline` spares headlines the sentence-end check (they end without 。);
    `score` is the engine's score of machine output (None for an editor's text:
    no confidence check), warned under `confidence_threshold` (the package's;
    None: CONFIDENCE_THRESHOLD). Empty Japanese gets the ``empty`` flag alone.
    Never raises on text input.
    """
    completeness = _check_completeness(english, japanese, truncated, is_headline)
    if completeness and completeness[0].check is Check.EMPTY:
        return completeness
    return (
        _check_numbers(english, japanese)
        + check_times(english, japanese)
        + _check_english_left(english, japanese, glossary)
        + _check_repetition(english, japanese)
        + completeness
        + _check_glossary(english, japanese, glossary)
        + check_places(english, japanese, is_name)
        + check_names(english, japanese, glossary)
        + check_characters(english, japanese)
        + _check_confidence(score, confidence_threshold)
    )


def style_flags(japanese: str, *, is_headline: bool = False) -> list[Flag]:
    """Warnings where `japanese` departs from the news style (`style.style_issues`), one per place.

    Each message names the rule and the suggested text; `ja_span` is the place.
    Empty exactly when `style.apply_news_style` would leave the text unchanged.
    """
    return [
        Flag(Check.STYLE, Severity.WARNING, f"style: {issue.message}", ja_span=(issue.start, issue.end))
        for issue in style_issues(japanese, headline=is_headline)
    ]


# -- names across an article -----------------------------------------------------------

# Two renderings of one name are flagged only when they are this alike as katakana
# (difflib ratio): otherwise one of the two matches was a different word.
NAME_VARIANT_THRESHOLD = 0.6


def _variants(a: str, b: str) -> bool:
    """Two katakana words that are spellings of one name (シムス, シムズ), not two names or a compound."""
    if a in b or b in a:
        return abs(len(a) - len(b)) < 2  # フリーマ/フリーマン; not カリフォルニア/バハカリフォルニア
    return SequenceMatcher(None, a, b).ratio() >= NAME_VARIANT_THRESHOLD


def _check_names(pairs: Sequence[SentencePair], numbers: Sequence[int]) -> list[list[Flag]]:
    first: dict[str, tuple[str, int]] = {}
    flags: list[list[Flag]] = [[] for _ in pairs]
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}  # a repeated sentence is read once
    for index, pair in enumerate(pairs):
        key = (pair.english, pair.japanese)
        if key not in found:
            found[key] = sorted(renderings(pair.english, pair.japanese).items())
        for name, word in found[key]:
            if name not in first:
                first[name] = (word, index)
            elif word != first[name][0] and _variants(word, first[name][0]):
                earlier, where = first[name]
                start = pair.japanese.find(word)
                flags[index].append(
                    Flag(
                        Check.NAME_CONSISTENCY,
                        Severity.WARNING,
                        f"{name} is written {word} here but {earlier} in sentence {numbers[where]}",
                        ja_span=(start, start + len(word)),
                    )
                )
    return flags


def check_article(
    pairs: Iterable[SentencePair | tuple[str, str]],
    glossary: Sequence[GlossaryEntry] = (),
    known: Mapping[int, Sequence[Flag]] | None = None,
    numbers: Sequence[int] | None = None,
    confidence_threshold: float | None = None,
) -> list[list[Flag]]:
    """Flags per sentence of one article: `check_sentence` on each, then the name check across them.

    `pairs` are the article's sentences in order, as SentencePair or (english,
    japanese) tuples. `known`: pair index → its `check_sentence` flags from an
    earlier check of the same pair with the same glossary, used instead of
    checking it again (an edit changes one sentence; the name check still runs
    across all). `numbers`: each pair's sentence number where editors read it (the
    desk's rows, which count sentences not yet translated too), for the name
    check's "in sentence N"; 1, 2, … by default. `confidence_threshold`: that
    of the package that made the article's machine output (None: the default).
    Returns one list of flags per pair, in the same order.
    """
    pairs = [SentencePair(*pair) for pair in pairs]
    numbers = list(numbers) if numbers is not None else list(range(1, len(pairs) + 1))
    known = known or {}
    # A pair that occurs again gets the flags it got the first time: checking a sentence
    # is pure, and a page may repeat a few sentences thousands of times (bench/README.md,
    # "The longest page").
    checked: dict[SentencePair, list[Flag]] = {}
    sentence_flags = []
    for i, p in enumerate(pairs):
        if i in known:
            sentence_flags.append(list(known[i]))
            continue
        if p not in checked:
            checked[p] = check_sentence(
                p.english,
                p.japanese,
                glossary=glossary,
                truncated=p.truncated,
                is_headline=p.is_headline,
                score=p.score,
                confidence_threshold=confidence_threshold,
            )
        sentence_flags.append(list(checked[p]))
    return [own + names for own, names in zip(sentence_flags, _check_names(pairs, numbers))]

"""Countries in a translation: one named in the English whose Japanese is missing while another country's is there.

The `place` check: "Mexico's president" written 米国大統領 names the wrong country.
A country is named in English by its name (Mexico, the United States, U.S.), its
demonym (Mexican, Americans) or its capital (Mexico City, Beijing, Washington),
and in Japanese by its name (メキシコ, アメリカ, 米国), its capital (北京, or katakana that
sounds like the English capital), or the one kanji Japanese news writes in
compounds (米大統領, 日米, 訪中). The gazetteer, `data/places.json`, comes from
mledoze/countries (names, demonyms, capitals, Japanese names; ODbL) and CLDR
(English and Japanese territory names, Japanese city names; Unicode licence) by
`data/make_places.py`, which says what it adds by hand.

What counts, so that human translations are not flagged (bench/qa_refs.py):

- in the English, a name written as the gazetteer writes it (case kept: "US", not
  "us"; "MEXICO" in a headline in capitals too), the longest first ("South Korea"
  before "Korea"); not when it is part of a longer name, that is when the word
  before it or after it is a capitalised word that is a name itself (George
  Washington, Jordan Henderson, New Mexico), or, after a capital, any
  capitalised word (Victoria Cross, Washington Post); a title after it is not
  a name (Mexican President ...);
- the English country's Japanese is there when any of its names, its capital's,
  a katakana word sounding like its English name, or its one-kanji name is;
- another country is named in the Japanese only by a name standing alone (タイ, not
  タイトル), or by its one kanji in a news compound: 米国, 米大統領, 日米関係, 訪日
  (not 南米 or 欧米); and only one the English does not name.

Pure functions; the gazetteer is read once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..core.news import Check, Flag, Severity
from .terms import similarity

# A katakana word at least this like an English capital's name is taken for it (ジャカルタ for Jakarta):
# the sound-key similarity of terms.py, at the threshold the glossary's enforcement uses.
CAPITAL_SOUND_THRESHOLD = 0.8

# Words after a country that describe it rather than extend its name: "Mexican President X".
_TITLES = frozenset(
    "President Prime Minister Foreign Defense Defence Finance Trade Interior Government Army Navy Air Force Embassy "
    "Ambassador Secretary Chancellor King Queen Prince Princess Premier Parliament Congress Senate Supreme Court "
    "Central Bank Ministry Minister's Police Military Navy Coast Guard Open Grand Prix Cup National Team Federal "
    "State Department Consulate Officials Authorities".split()
)
# One kanji for a country: with these after it, it names the country (米国, 英首相, 中外相).
_ROLE_WORDS = (
    "大統領", "首相", "政府", "政権", "当局", "外相", "外務省", "国務長官", "国務省", "国防長官", "国防総省", "国防相",
    "財務長官", "財務省", "財務相", "商務長官", "商務省", "司法省", "議会", "下院", "上院", "連邦", "大使館", "大使",
    "軍", "紙", "誌", "企業", "高官", "側", "中央銀行", "代表", "王室", "首脳", "海軍", "空軍", "陸軍", "国民",
    "経済", "株", "国債", "市場",
)  # fmt: skip
# Only these countries' kanji name one with 国 after it (米国, 英国, 中国, 韓国 ...; 西国 and 加国 are other words).
_KANJI_WITH_KOKU = "米英中韓仏独露"
# With one of these before it, a country's kanji means travel or stay: 訪日, 来日, 在米, 駐英, 対中.
_PREFIXES = "訪来在駐離対親反知滞渡"
# Two or three country kanji in a row before one of these: 日米関係, 米中貿易, 米朝首脳会談.
_PAIR_WORDS = (
    "関係", "首脳", "会談", "貿易", "摩擦", "同盟", "戦争", "外相", "外交", "間", "対立", "協議", "合意", "協定",
    "両国", "両政府", "共同", "交渉", "通商", "連携", "合同", "の",
)  # fmt: skip
# A bare kanji that, wherever it stands, is enough to take the English's country as written (lenient).
_BARE_KANJI_ENOUGH = "米英仏露韓豪"
# Words before a country that make a longer place name (New Mexico, Papua New Guinea): skip the country.
_NAME_PREFIXES = frozenset(
    "New Papua Equatorial Latin Central South North East West Northern Southern Western Eastern Upper Lower Baja "
    "Greater Little Old".split()
)
_KATAKANA = "ァ-ヺー"
_KANJI = "\u3400-\u9fff\uf900-\ufaff々"  # a country's kanji after another kanji is part of a word (集中, 南米)


@dataclass(frozen=True)
class Country:
    code: str
    english: tuple[str, ...]  # names and demonyms, as written in English
    capitals: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # (English names, Japanese names) per capital
    japanese: tuple[str, ...]
    kanji: str  # the one-kanji name, or ""


@dataclass(frozen=True)
class _Gazetteer:
    countries: dict[str, Country]
    english: re.Pattern[str]  # every English form, longest first
    by_form: dict[str, frozenset[str]]  # an English form (as written) → country codes
    capital_forms: frozenset[str]  # capitals' names that are not also a country's (Singapore)
    japanese: re.Pattern[str]  # a country named in Japanese, strictly
    by_japanese: dict[str, str]  # a Japanese name or kanji → country code
    words: frozenset[str]  # lowercase words of every English form: not names for the name check


@lru_cache(maxsize=1)
def gazetteer() -> _Gazetteer:
    """The gazetteer of data/places.json, compiled."""
    data = json.loads(resources.files(__package__).joinpath("data", "places.json").read_text(encoding="utf-8"))
    countries: dict[str, Country] = {}
    by_form: dict[str, set[str]] = {}
    capital_forms: set[str] = set()
    by_japanese: dict[str, str] = {}
    for code, entry in data["countries"].items():
        english = tuple(entry["english"] + entry["demonyms"])
        capitals = tuple((tuple(c["english"]), tuple(c["japanese"])) for c in entry["capitals"])
        countries[code] = Country(code, english, capitals, tuple(entry["japanese"]), entry["abbreviation"])
        forms = list(english) + [name for names, _ in capitals for name in names]
        for form in forms:
            variants = {form}
            if len(form) >= 4 and not form.isupper():
                variants.add(form.upper())  # MEXICO in a headline in capitals
            for variant in variants:
                by_form.setdefault(variant, set()).add(code)
        capital_forms.update(name for names, _ in capitals for name in names if name not in english)
        for name in entry["japanese"]:
            by_japanese.setdefault(name, code)
        if entry["abbreviation"]:
            by_japanese[entry["abbreviation"]] = code
    demonyms = {d for entry in data["countries"].values() for d in entry["demonyms"]}
    demonyms |= {d.upper() for d in demonyms}
    alternatives = [re.escape(form) + ("s?" if form in demonyms else "") for form in sorted(by_form, key=len, reverse=True)]
    english = re.compile(rf"(?<![\w.’'-])(?:{'|'.join(alternatives)})(?![\w’-]|'(?!s\b))")
    names = sorted((n for n in by_japanese if len(n) > 1), key=len, reverse=True)
    kanji = "".join(sorted({c.kanji for c in countries.values() if c.kanji}))
    strict = "|".join(
        [
            # a name standing alone: not inside a longer katakana word (タイ, not タイトル)
            rf"(?<![{_KATAKANA}])(?:{'|'.join(map(re.escape, names))})(?![{_KATAKANA}])",
            rf"(?<![{_KANJI}])[{_KANJI_WITH_KOKU}](?=国)",
            rf"(?<![{_KANJI}])[米英仏独露中韓豪加印伊](?={'|'.join(_ROLE_WORDS)})",
            rf"(?<=[{_PREFIXES}])[{kanji}]",
            rf"(?<![南北中欧{kanji}])[{kanji}]{{2,3}}(?={'|'.join(_PAIR_WORDS)})",
        ]
    )
    words = frozenset(w.lower() for form in by_form for w in re.findall(r"[^\W\d_]+", form))
    return _Gazetteer(
        countries,
        english,
        {form: frozenset(codes) for form, codes in by_form.items()},
        frozenset(capital_forms),
        re.compile(strict),
        by_japanese,
        words,
    )


def place_words() -> frozenset[str]:
    """Lowercase words of the gazetteer's English names, demonyms and capitals (the name check leaves them here)."""
    return gazetteer().words


def english_places(
    english: str, is_name: Callable[[str], bool] = lambda word: True
) -> list[tuple[frozenset[str], tuple[int, int]]]:
    """Countries the English names: (country codes, span) per mention, in order.

    A form that is part of a longer name is left out: the word before it is a
    capitalised name (by `is_name`) or one of _NAME_PREFIXES, or the word after
    it is a capitalised name that is not a title, or, after a capital, any
    capitalised word that is not a title.
    """
    g = gazetteer()
    found = []
    for match in g.english.finditer(english):
        text = match.group()
        form = text if text in g.by_form else text[:-1]  # a plural demonym: Americans
        before = re.search(r"([^\W\d_][\w.’'-]*)\s+$", english[: match.start()])
        after = re.match(r"(?:['’]s)?\s+([^\W\d_][\w’'-]*)", english[match.end() :])
        if before and before.group(1)[0].isupper() and (
            before.group(1) in _NAME_PREFIXES or is_name(before.group(1).rstrip("."))
        ):
            continue
        if after and not english[match.end() :].startswith(("'", "’")):
            word = after.group(1)
            # A capital with any capitalised word after it names something else (Victoria Cross, Washington Post).
            if word[0].isupper() and word not in _TITLES and (is_name(word) or form in g.capital_forms):
                continue
        found.append((g.by_form[form], match.span()))
    return found


def japanese_countries(japanese: str) -> dict[str, tuple[int, int]]:
    """Countries the Japanese names, strictly (see the module docstring): code → first span."""
    g = gazetteer()
    found: dict[str, tuple[int, int]] = {}
    for match in g.japanese.finditer(japanese):
        text = match.group()
        codes = [g.by_japanese[text]] if text in g.by_japanese else [g.by_japanese[c] for c in text]
        for offset, code in enumerate(codes):
            span = match.span() if len(codes) == 1 else (match.start() + offset, match.start() + offset + 1)
            found.setdefault(code, span)
    return found


def _katakana_words(japanese: str) -> list[str]:
    return re.findall(rf"[{_KATAKANA}]+", japanese)


def _present(country: Country, mention: str, japanese: str, strict: dict[str, tuple[int, int]]) -> bool:
    """Whether the Japanese writes this country (leniently: any of its names anywhere)."""
    if country.code in strict or any(name in japanese for name in country.japanese):
        return True
    if country.kanji and country.kanji in _BARE_KANJI_ENOUGH and country.kanji in japanese:
        return True
    for names, japanese_names in country.capitals:
        if any(name in japanese for name in japanese_names):
            return True
    words = _katakana_words(japanese)
    spoken = [mention] + [name for names, _ in country.capitals for name in names]
    return any(similarity(name, word) >= CAPITAL_SOUND_THRESHOLD for name in spoken for word in words)


def check_places(english: str, japanese: str, is_name: Callable[[str], bool] = lambda word: True) -> list[Flag]:
    """An error for each country the English names whose Japanese is missing while the Japanese names another one.

    `is_name(word)`: whether a capitalised word is a name (names.py's lexicon), to
    tell "George Washington" from "Washington".
    """
    mentions = english_places(english, is_name)
    if not mentions:
        return []
    g = gazetteer()
    strict = japanese_countries(japanese)
    named = set().union(*(codes for codes, _ in mentions))
    others = {code: span for code, span in strict.items() if code not in named}
    if not others:
        return []
    other, ja_span = min(others.items(), key=lambda item: item[1])
    flags: list[Flag] = []
    reported: set[frozenset[str]] = set()
    for codes, span in mentions:
        mention = english[span[0] : span[1]]
        if codes in reported or any(_present(g.countries[code], mention, japanese, strict) for code in codes):
            continue
        reported.add(codes)
        flags.append(
            Flag(
                Check.PLACE,
                Severity.ERROR,
                f"{mention!r} is not in the Japanese, which names {japanese[ja_span[0] : ja_span[1]]} (another country)",
                en_span=span,
                ja_span=ja_span,
            )
        )
    return flags


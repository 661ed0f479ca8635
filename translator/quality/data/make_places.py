"""Make places.json, the gazetteer of the `places` check (translator/quality/places.py).

    pip install babel                      # CLDR, in any environment: not a dependency of the project
    npm pack world-countries && tar xzf world-countries-*.tgz    # mledoze/countries as published on npm
    python translator/quality/data/make_places.py package/countries.json

Sources, and what each gives (both maintained, both re-released every few months):

- mledoze/countries (`world-countries` 5.1.0 on npm; ODbL 1.0, its contents under
  the Database Contents License): the 250 countries and territories by ISO 3166-1
  code, their common, official and other English names, English demonyms,
  capitals, UN membership, and common and official Japanese names.
- CLDR through Babel (2.19.0, CLDR 49; Unicode licence): territory names in
  English and Japanese, and the Japanese names of the time-zone cities, which give
  the Japanese of 138 of the capitals (メキシコシティー, 東京).

Added here, each a convention the sources do not record: the one-kanji names that
Japanese news uses for 21 countries (米 for the United States, as in 米国 and
米大統領), English names in everyday use that neither source lists (Britain,
Turkey, Korea), and 北京 for Beijing, whose time zone is named after Shanghai.
Capitals are kept for UN members only (Hamilton, Bermuda's, is a racing driver
more often than a town in this check's news). The output is sorted and stable:
running the script again on the same sources gives the same file.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Japanese news writes these countries with one kanji in compounds: 米国, 英首相, 日米, 訪中.
ABBREVIATIONS = {
    "US": "米", "GB": "英", "FR": "仏", "DE": "独", "IT": "伊", "RU": "露", "CN": "中", "KR": "韓",
    "KP": "朝", "JP": "日", "CA": "加", "AU": "豪", "IN": "印", "ES": "西", "NL": "蘭", "PH": "比",
    "MX": "墨", "BR": "伯", "TH": "泰", "VN": "越", "TW": "台",
}  # fmt: skip
EXTRA_ENGLISH = {
    "US": ["U.S.", "U.S.A.", "America", "United States"],
    "GB": ["U.K.", "Britain", "Great Britain"],
    "TR": ["Turkey"],
    "KR": ["Korea"],
    "KP": ["Korea"],
    "CZ": ["Czech Republic"],
    "MK": ["Macedonia"],
    "SZ": ["Swaziland"],
    "TL": ["East Timor"],
    "CV": ["Cabo Verde"],
    "AE": ["UAE", "U.A.E."],
    "CD": ["Congo"],
    "VA": ["Holy See"],
}
EXTRA_DEMONYMS = {
    "KR": ["Korean"], "KP": ["Korean"], "GB": ["Briton", "Brit"], "TR": ["Turk"], "PH": ["Philippine"],
    "ES": ["Spaniard"], "SE": ["Swede"], "DK": ["Dane"], "FI": ["Finn"], "PL": ["Pole"], "NL": ["Dutchman"],
    "FR": ["Frenchman"],
}  # fmt: skip
# Other spellings of the source that are English words: Iceland's "Island" (Ísland).
DROP_ENGLISH = {"Island"}
EXTRA_JAPANESE = {
    "US": ["米国", "アメリカ"],
    "GB": ["英国", "連合王国"],
    "AU": ["豪州"],
    "TW": ["台湾"],
    "NZ": ["NZ"],
    "CZ": ["チェコ"],
    "GE": ["グルジア"],
    "MM": ["ビルマ"],
    "KP": ["朝鮮民主主義人民共和国"],
}
EXTRA_CAPITALS_JA = {"Beijing": ["北京", "ペキン"]}
EXTRA_CAPITALS_EN = {"Washington D.C.": ["Washington", "Washington, D.C."]}


def plain(text: str) -> str:
    """Lowercase without accents, for matching names across the two sources (Bogotá, Bogota)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def cldr_forms(name: str) -> list[str]:
    """CLDR's display names, split: "Myanmar (Burma)" → Myanmar, Burma; "Congo - Kinshasa" → Congo, Kinshasa."""
    name = name.replace(" SAR China", "").replace("’", "'")
    parts = re.split(r"\s*[(（]\s*|\s*[)）]\s*|\s+-\s+", name)
    return [part for part in parts if part]


def english_forms(country: dict, cldr_en: str | None) -> list[str]:
    forms = [country["name"]["common"], country["name"]["official"]]
    forms += [alt for alt in country["altSpellings"] if (len(alt) > 2 or alt in ("US", "UK")) and alt.isascii()]
    forms += cldr_forms(cldr_en) if cldr_en else []
    forms += EXTRA_ENGLISH.get(country["cca2"], [])
    cleaned = set()
    for form in forms:
        form = form.replace("’", "'")
        if "," in form or form in DROP_ENGLISH:  # "Korea, Republic of": an index form, not written in text
            continue
        cleaned.add(form)
        if form.startswith("The "):
            cleaned.add(form[4:])
    return sorted(cleaned)


def main(argv: list[str]) -> int:
    from babel import Locale, __version__ as babel_version

    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    countries = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    en, ja = Locale("en"), Locale("ja")
    cities = {}
    for zone, names in ja.time_zones.items():
        city = names.get("city")
        if city:
            cities[plain(zone.rsplit("/", 1)[-1].replace("_", " "))] = city
    gazetteer = {}
    for country in sorted(countries, key=lambda c: c["cca2"]):
        code = country["cca2"]
        demonyms = {country["demonyms"].get("eng", {}).get(key) for key in ("m", "f")} - {None, ""}
        demonyms |= set(EXTRA_DEMONYMS.get(code, []))
        japanese = set(EXTRA_JAPANESE.get(code, []))
        japanese |= {country["translations"].get("jpn", {}).get(key) for key in ("common", "official")} - {None, ""}
        if code in ja.territories:
            japanese |= set(cldr_forms(ja.territories[code]))
        capitals = []
        if country["unMember"] or code in ("TW", "PS", "XK"):
            for capital in country["capital"]:
                names = set(EXTRA_CAPITALS_JA.get(capital, []))
                if plain(capital) in cities:
                    names.add(cities[plain(capital)])
                english = sorted({capital, *EXTRA_CAPITALS_EN.get(capital, [])})
                capitals.append({"english": english, "japanese": sorted(names)})
        gazetteer[code] = {
            "english": english_forms(country, en.territories.get(code)),
            "demonyms": sorted(demonyms),
            "capitals": capitals,
            "japanese": sorted(japanese),
            "abbreviation": ABBREVIATIONS.get(code, ""),
        }
    out = {
        "sources": {
            "mledoze/countries": "world-countries 5.1.0 (npm), ODbL 1.0 / DbCL 1.0",
            "CLDR": f"Babel {babel_version} locale data, Unicode License v3",
        },
        "made_by": "translator/quality/data/make_places.py",
        "countries": gazetteer,
    }
    path = HERE / "places.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{path}: {len(gazetteer)} countries")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

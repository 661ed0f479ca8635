"""Glossary entries and files: CSV and TBX read and written exactly, bad files named, terms found."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from translator.core.errors import GlossaryError, GlossaryFormatError
from translator.quality.characters import is_noncharacter
from translator.quality.glossary import (
    GlossaryEntry,
    find_terms,
    glossary_csv,
    glossary_tbx,
    make_entry,
    read_glossary,
    term_key,
    term_pattern,
)

from .conftest import REPO

SEED_GLOSSARY = REPO / "seeds" / "glossary.csv"


def test_make_entry_trims_and_refuses_what_files_cannot_hold() -> None:
    assert make_entry("  Sinaloa \n cartel ", " シナロア・カルテル ", " a\tnote ") == GlossaryEntry(
        "Sinaloa cartel", "シナロア・カルテル", "a note"
    )
    with pytest.raises(GlossaryError, match="^english and japanese are both required$"):
        make_entry("Rubio", "  ")
    with pytest.raises(GlossaryError, match=r"^control character U\+0007 in 'Ru\\x07bio'$"):
        make_entry("Ru\x07bio", "ルビオ")


def test_term_key_ignores_case_and_spacing() -> None:
    assert term_key(" Sinaloa  Cartel") == term_key("sinaloa cartel") == "sinaloa cartel"


def test_csv_file_errors_name_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("english,japanese,note\nRubio,ルビオ,\nSheinbaum,シェインバウム,\nrubio,ルビオー,\n", encoding="utf-8")
    with pytest.raises(GlossaryFormatError, match=r"^.*bad.csv, line 4: 'rubio' is already at line 2$"):
        read_glossary(bad)
    bad.write_bytes(b"english,japanese\nR\xfcbio,Rubio\n")
    with pytest.raises(GlossaryFormatError, match=r"bad.csv: not UTF-8 \(invalid start byte\)$"):
        read_glossary(bad)
    with pytest.raises(GlossaryFormatError, match=r"missing.csv: No such file or directory$"):
        read_glossary(tmp_path / "missing.csv")
    bad.write_text("english,japanese\nRubio,ルビオ\nBig," + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(GlossaryFormatError, match=r"bad.csv, line 3: not readable as CSV \(field larger than field limit"):
        read_glossary(bad)


def test_csv_without_a_note_column_and_with_a_bom(tmp_path: Path) -> None:
    file = tmp_path / "g.csv"
    file.write_text("\ufeffjapanese,english\nルビオ,Rubio\n", encoding="utf-8")
    assert read_glossary(file) == [GlossaryEntry("Rubio", "ルビオ", "")]


def test_seed_glossary_round_trips_through_csv_and_tbx(tmp_path: Path) -> None:
    entries = read_glossary(SEED_GLOSSARY)
    assert glossary_csv(entries) == SEED_GLOSSARY.read_text(encoding="utf-8")
    tbx = tmp_path / "g.tbx"
    tbx.write_text(glossary_tbx(entries), encoding="utf-8")
    assert read_glossary(tbx) == entries


def test_tbx_written_as_terminology_tools_expect() -> None:
    text = glossary_tbx([GlossaryEntry("Rubio", "ルビオ", "US secretary of state")])
    assert '<martif type="TBX" xml:lang="en">' in text
    assert (
        "<termEntry>\n"
        '                <langSet xml:lang="en"><tig><term>Rubio</term></tig></langSet>\n'
        '                <langSet xml:lang="ja"><tig><term>ルビオ</term></tig></langSet>\n'
        "                <note>US secretary of state</note>\n"
        "            </termEntry>"
    ) in text


def test_tbx_from_another_tool(tmp_path: Path) -> None:
    # Regional language codes, a third language, an entry without Japanese (skipped).
    file = tmp_path / "termbase.tbx"
    file.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en-US"><text><body>
  <termEntry id="c1"><note>President of Mexico</note>
    <langSet xml:lang="fr-FR"><tig><term>Sheinbaum</term></tig></langSet>
    <langSet xml:lang="ja-JP"><tig><term>シェインバウム</term></tig></langSet>
    <langSet xml:lang="en-US"><tig><term>Sheinbaum</term></tig></langSet>
  </termEntry>
  <termEntry id="c2">
    <langSet xml:lang="en"><tig><term>cartel</term></tig></langSet>
    <langSet xml:lang="fr"><tig><term>cartel</term></tig></langSet>
  </termEntry>
</body></text></martif>
""",
        encoding="utf-8",
    )
    assert read_glossary(file) == [GlossaryEntry("Sheinbaum", "シェインバウム", "President of Mexico")]
    file.write_text("<martif><text><body><termEntry>", encoding="utf-8")
    with pytest.raises(GlossaryFormatError, match=r"termbase.tbx: not a TBX file \("):
        read_glossary(file)


_FIELD = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Co", "Zl", "Zp")).filter(
        lambda c: not is_noncharacter(c)  # refused, below
    ),
    min_size=1,
    max_size=20,
).filter(str.strip)


@pytest.mark.parametrize("char", ["\ufffe", "\uffff", "\ufdd0", "\U0010ffff"])
def test_a_noncharacter_is_refused(char: str) -> None:
    with pytest.raises(GlossaryError, match=f"noncharacter U\\+{ord(char):04X} in"):
        make_entry("Sheinbaum", f"シェイン{char}バウム")


@given(st.lists(st.tuples(_FIELD, _FIELD, _FIELD | st.just("")), max_size=6))
def test_any_glossary_round_trips(tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str]]) -> None:
    entries = list({term_key(e.english): e for e in (make_entry(*row) for row in rows)}.values())
    folder = tmp_path_factory.mktemp("round-trip")
    (folder / "g.csv").write_text(glossary_csv(entries), encoding="utf-8")
    (folder / "g.tbx").write_text(glossary_tbx(entries), encoding="utf-8")
    assert read_glossary(folder / "g.csv") == entries
    assert read_glossary(folder / "g.tbx") == entries


GLOSSARY = [
    GlossaryEntry("Sheinbaum", "シェインバウム"),
    GlossaryEntry("Sinaloa cartel", "シナロア・カルテル"),
    GlossaryEntry("US", "米国"),
    GlossaryEntry("X", "X"),
]


def test_terms_in_capitals_match_only_as_written() -> None:
    found = find_terms("Let us see what the US and Sheinbaum post on X, not x.", GLOSSARY)
    assert [(entry.english, span) for entry, span in found] == [("US", (20, 22)), ("Sheinbaum", (27, 36)), ("X", (45, 46))]
    assert find_terms("SHEINBAUM and the SINALOA CARTEL", GLOSSARY)[0][0].english == "Sheinbaum"


# Terms that try the index: capitals only, punctuation inside, a plural-looking end,
# letters re folds beyond str.lower (ı, ſ, final sigma), no word character at all.
TRICKY = GLOSSARY + [
    GlossaryEntry("U.S.", "米国"),
    GlossaryEntry("AT&T", "AT&T"),
    GlossaryEntry("Jean-Paul Sartre", "サルトル"),
    GlossaryEntry("Diyarbakır", "ディヤルバクル"),
    GlossaryEntry("Zürich", "チューリッヒ"),
    GlossaryEntry("Straße", "通り"),
    GlossaryEntry("ΟΔΟΣ", "道"),
    GlossaryEntry("#MeToo", "#MeToo"),
    GlossaryEntry("€", "ユーロ"),
    GlossaryEntry("Lens", "ランス"),
]
_PIECES = list("SaUXtıİſσς#€&.-'’ _") + [
    "Sheinbaum", "SHEINBAUM", "sheinbaums", "Sinaloa", "sinaloa", "cartel", "CARTELS", "US", "us", "U.S.", "u.s.",
    "AT&T", "at&T", "Jean", "Paul", "SARTRE", "Diyarbakır", "DIYARBAKIR", "diyarbakir", "Zürich", "ZU\u0308RICH",
    "Straße", "STRASSE", "ΟΔΟΣ", "οδος", "MeToo", "Lens", "lens", " ", "  ", "'s", "’s",
]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=16).map("".join)


@given(_TEXT.map(lambda text: unicodedata.normalize("NFC", text)))
def test_the_index_finds_each_term_exactly_where_its_own_pattern_does(text: str) -> None:
    expected = sorted(
        ((entry, match.span()) for entry in TRICKY if (match := term_pattern(entry.english).search(text))),
        key=lambda item: item[1],
    )
    assert find_terms(text, TRICKY) == expected


@given(_TEXT.map(lambda text: unicodedata.normalize("NFC", text)))
def test_decomposed_text_gives_the_same_terms_at_its_own_places(text: str) -> None:
    decomposed = unicodedata.normalize("NFD", text)
    assert [(entry, unicodedata.normalize("NFC", decomposed[start:end])) for entry, (start, end) in find_terms(decomposed, TRICKY)] == [
        (entry, text[start:end]) for entry, (start, end) in find_terms(text, TRICKY)
    ]

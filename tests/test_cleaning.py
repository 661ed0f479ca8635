"""Cleaning imported lines, terminal-safe display and decoding input (translator/cleaning.py)."""

from __future__ import annotations

import json
import string
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from translator.text.cleaning import Cleaned, clean_line, decode_text, json_safe_dumps, terminal_safe
from translator.core.errors import NotUTF8Error, TranslateError

ALL_CHARS = [chr(c) for c in range(sys.maxunicode + 1)]
ZS_OTHER_THAN_SPACE = [c for c in ALL_CHARS if unicodedata.category(c) == "Zs" and c != " "]
CONTROLS = [c for c in ALL_CHARS if unicodedata.category(c) == "Cc"]
FORMAT = [c for c in ALL_CHARS if unicodedata.category(c) == "Cf"]
BIDI_SCOPES = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
# Format characters with no job in running text; every other one (joiners, bidi marks,
# script signs, emoji tags) is text and stays.
REMOVED_FORMAT = {
    "\u00ad", "\u180e", "\u200b", *map(chr, range(0x2060, 0x2065)), *map(chr, range(0x206A, 0x2070)),
    "\ufeff", "\ufff9", "\ufffa", "\ufffb", "\U000e0001",
}  # fmt: skip
REPAIRS = ("html-entities", "mojibake", "control-characters", "invisible-characters", "spaces")

REPAIRS_ORDER = {name: i for i, name in enumerate(REPAIRS)}


def cleaned(raw: str, text: str, *repairs: str) -> Cleaned:
    return Cleaned(text, raw, repairs)


# Lines of ../shared/cases/html_entities.txt and mojibake_cp1252_as_utf8.txt, with their right values.
@pytest.mark.parametrize(
    "raw, text, repairs",
    [
        ("Procter &amp; Gamble shares fall", "Procter & Gamble shares fall", ("html-entities",)),
        (
            "The company&#8217;s chief said demand was &quot;soft&quot;.",
            'The company’s chief said demand was "soft".',
            ("html-entities",),
        ),
        ("&nbsp;", "", ("html-entities", "spaces")),
        (
            "The talks ended.&nbsp;No deal was reached.",
            "The talks ended. No deal was reached.",
            ("html-entities", "spaces"),
        ),
        ("Ministerâ€™s aide resigns", "Minister’s aide resigns", ("mojibake",)),
        (
            "The ministerâ€™s aide resigned on Monday â€” officials said the report was â€œunfairâ€\x9d.",
            "The minister’s aide resigned on Monday — officials said the report was “unfair”.",
            ("mojibake",),
        ),
        ("(2025/03/02 09:03)", "(2025/03/02 09:03)", ()),
    ],
)
def test_case_files(raw, text, repairs):
    assert clean_line(raw) == Cleaned(text, raw, repairs)


@pytest.mark.parametrize(
    "raw, text",
    [
        ("Caf&eacute; &hellip; &mdash; &euro;5 &lt;b&gt;", "Café … — €5 <b>"),
        ("&#233;&#xE9;&#XE9; &#x2014;", "ééé —"),
        ("the company&#146;s", "the company’s"),  # HTML maps numeric 128-159 to Windows-1252
        ("Procter &amp;amp; Gamble", "Procter & Gamble"),  # double-encoded: decoded to the end
        ("the company&amp;#8217;s", "the company’s"),
        ("&amp;amp;amp;", "&"),
        ("&Atilde;&copy;t&Atilde;&copy;", "été"),  # entities hiding mojibake
        ("&#0;", "\ufffd"),
    ],
)
def test_entities(raw, text):
    assert clean_line(raw).text == text
    assert clean_line(raw).repairs[0] == "html-entities"


@pytest.mark.parametrize(
    "text",
    [
        "AT&T, S&P 500, R&D, Q&A and M&A",
        "dollar&yen and Research&copy without a semicolon",  # legacy names without `;` stay text
        "&unknownentity; and a lone & and &#; and &#x;",
    ],
)
def test_ampersands_that_are_text(text):
    assert clean_line(text) == Cleaned(text, text, ())


@pytest.mark.parametrize(
    "raw, text",
    [
        ("Ministerâ€™s", "Minister’s"),
        ("the minister\x92s \x93view\x94", "the minister’s “view”"),  # Windows-1252 read as Latin-1
        ("SchrÃ¶der in ZÃ¼rich", "Schröder in Zürich"),
        ("â‚¬5 and Â£3", "€5 and £3"),
        ("Peña Nieto", "Peña Nieto"),
    ],
)
def test_mojibake(raw, text):
    result = clean_line(raw)
    assert result.text == text
    assert result.repairs == (("mojibake",) if raw != text else ())


@pytest.mark.parametrize(
    "text",
    [
        "Claudia Sheinbaum Pardo met Enrique Peña Nieto in Zürich.",
        "SÃO PAULO, Brazil — “It’s unfair,” said São Tomé’s minister.",
        "Łódź, Gdańsk, Đoković, Erdoğan, Dvořák, Nguyễn Phú Trọng, Ærø, CAFÉ, ÂÊÎÔÛ, NIÑO",
        "¿Qué? ¡Hola! «oui» ‹non› § ° ± × ½ © ® ™ €5 £3 ¥100 …",
        "ﬁnance ＡＢＣ１２３ ｶﾀｶﾅ 朗",  # ligature, fullwidth Latin, halfwidth katakana, U+F929
        "東京（共同）＝日本の首相は「遺憾だ」と述べた。",
        "Two spaces  after a full stop stay.",
        "مرحبا\u200f and the ZWJ family 👨\u200d👩\u200d👧 and 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    ],
)
def test_legitimate_text_unchanged(text):
    assert clean_line(text) == Cleaned(text, text, ())


@pytest.mark.parametrize("space", ZS_OTHER_THAN_SPACE + ["\t", "\u2028", "\u2029", "\x0b", "\x0c", "\r", "\n"])
def test_every_odd_space(space):
    assert clean_line(f"ended.{space}No {space}{space} deal") == cleaned(
        f"ended.{space}No {space}{space} deal", "ended. No deal", "spaces"
    )
    assert clean_line(space * 2).text == ""


def test_zs_list_is_complete():
    assert [f"{ord(c):04X}" for c in ZS_OTHER_THAN_SPACE] == [
        "00A0", "1680", *(f"{c:04X}" for c in range(0x2000, 0x200B)), "202F", "205F", "3000",
    ]  # fmt: skip


@pytest.mark.parametrize("char", FORMAT)
def test_every_format_character(char):
    """Invisible format characters go, bidi scopes go, the others are text and stay."""
    result = clean_line(f"a{char}b")
    if char in BIDI_SCOPES:
        assert result == cleaned(f"a{char}b", "ab", "control-characters")
    elif char in REMOVED_FORMAT:
        assert result == cleaned(f"a{char}b", "ab", "invisible-characters")
    else:
        assert result == cleaned(f"a{char}b", f"a{char}b")
    assert clean_line(f" {char} ").text == ""  # alone on a line: nothing to see


@pytest.mark.parametrize("char", ["\u200b", "\ufeff", "\u2060", "\u200d", "\u200e", "\u00ad", "\U000e0067"])
def test_invisible_line_is_blank(char):
    assert clean_line(f"\u00a0{char}\u200b ").text == ""


@pytest.mark.parametrize("char", CONTROLS)
def test_every_control_character(char):
    end = "" if char == "\x1b" else "b"  # "ESC b" is a whole escape sequence (ECMA-48 Fs): both go
    result = clean_line(f"a{char}{end}")
    assert not any(unicodedata.category(c) == "Cc" for c in result.text)
    assert result.text in (f"a{end}", f"a {end}", f"a{char.encode('latin-1').decode('cp1252', 'ignore')}{end}")
    assert result.repairs in (("control-characters",), ("spaces",), ("mojibake",))


@pytest.mark.parametrize(
    "raw, text",
    [
        ("\x1b[2J\x1b[HHeadline", "Headline"),  # clear screen, cursor home
        ("\x1b]0;pwned\x07Title", "Title"),  # window title, ended by BEL
        ("\x1b]2;pwned\x1b\\Title", "Title"),  # window title, ended by ST
        ("\x1b[1;31mRed\x1b[0m alert", "Red alert"),
        ("\x1b[?25lhidden cursor", "hidden cursor"),
        ("\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),  # hyperlink
        ("\x1bcReset", "Reset"),
        ("\x1b(0box", "box"),
        ("\x1b]0;never ended", "0;never ended"),  # only the introducer goes
        ("bell\x07 and back\x08space", "bell and backspace"),
        ("\u202eevil\u202c and \u2067isolate\u2069", "evil and isolate"),
        ("the &#x202e;override", "the override"),
        ("x\x9dy", "xy"),  # a C1 control Windows-1252 does not define
    ],
)
def test_escape_sequences_and_controls_removed(raw, text):
    assert clean_line(raw).text == text
    assert "control-characters" in clean_line(raw).repairs


def test_c1_control_read_as_windows_1252():
    """An 8-bit CSI (U+009B) is taken for mojibake of '›', as ftfy does for every C1 control."""
    assert clean_line("a\x9b2J") == cleaned("a\x9b2J", "a›2J", "mojibake")


# ---- composition (Unicode NFC, UAX #15) ----

# The NFD line of ../shared/cases/nfd_article.txt (issue 25): "Zu" + U+0308 COMBINING DIAERESIS.
NFD_LINE = "A Zu\u0308rich court fined the bank 3 million francs on Monday."


def test_nfd_case_line_is_stored_composed_without_a_note():
    # Canonically equivalent text is the same text: composing it is not a repair to tell.
    assert clean_line(NFD_LINE) == Cleaned("A Z\u00fcrich court fined the bank 3 million francs on Monday.", NFD_LINE, ())


@pytest.mark.parametrize(
    "raw, text, repairs",
    [
        ("Pen\u0303a Nieto", "Pe\u00f1a Nieto", ()),
        ("Nguye\u0302\u0303n", "Nguy\u1ec5n", ()),  # two marks on one letter
        ("\u1100\u1161\u11a8", "\uac01", ()),  # Hangul jamo → one syllable
        ("\u304b\u3099\u3089\u30b9", "\u304c\u3089\u30b9", ()),  # か + combining dakuten → が
        ("\u2126 and \u212b", "\u03a9 and \u00c5", ()),  # ohm and angstrom signs: canonical singletons
        ("Caf\u00e9 \ufa19\u0308", "Caf\u00e9 \ufa19\u0308", ()),  # 神 (U+FA19) stays, its mark too
        ("Zu&#776;rich", "Z\u00fcrich", ("html-entities",)),  # an entity that decodes to a mark composes
        ("Zu\u200b\u0308rich", "Z\u00fcrich", ("invisible-characters",)),  # so does a mark a ZWSP held apart
    ],
)
def test_text_is_composed(raw, text, repairs):
    assert clean_line(raw) == Cleaned(text, raw, repairs)


# Latin, Greek, Cyrillic, Vietnamese, kana and Hangul with their marks, and CJK
# compatibility ideographs (which NFC would replace by their unified twins).
COMPOSABLE = st.text(
    st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x24F),
        st.characters(min_codepoint=0x370, max_codepoint=0x4FF),
        st.characters(min_codepoint=0x1E00, max_codepoint=0x1EFF),
        st.characters(min_codepoint=0x3041, max_codepoint=0x30FF),
        st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
        st.characters(min_codepoint=0xF900, max_codepoint=0xFAFF),
        st.characters(min_codepoint=0x300, max_codepoint=0x36F),  # combining marks, alone too
    ),
    max_size=60,
)


@given(COMPOSABLE)
def test_any_normalisation_of_a_line_cleans_to_one_text(text):
    raw = text.replace("&", "")  # no entity to decode: only composition is at stake
    compat = [c for c in raw if 0xF900 <= ord(c) <= 0xFAFF]
    forms = {clean_line(unicodedata.normalize(form, raw)).text for form in ("NFC", "NFD")} if not compat else set()
    result = clean_line(raw).text
    assert [c for c in result if 0xF900 <= ord(c) <= 0xFAFF] == compat  # kept as written
    if not compat:
        assert unicodedata.is_normalized("NFC", result)
        assert forms == {result}


ASCII_PROSE = st.text(alphabet=string.ascii_letters + string.digits + string.punctuation.replace("&", "") + " ")
JAPANESE_PROSE = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x3041, max_codepoint=0x3096),
        st.characters(min_codepoint=0x30A1, max_codepoint=0x30FC),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        st.characters(min_codepoint=0xFF66, max_codepoint=0xFF9F),
        st.sampled_from("、。「」『』・…—–“”‘’ " + string.ascii_letters + string.digits),
    )
)


@given(st.one_of(ASCII_PROSE, JAPANESE_PROSE))
def test_clean_prose_unchanged(text):
    text = text.strip(" ")
    assert clean_line(text) == Cleaned(text, text, ())


NO_SURROGATES = st.text(st.characters(exclude_categories=("Cs",)))
EVIL = st.lists(
    st.one_of(
        st.characters(exclude_categories=("Cs",)),
        st.sampled_from(CONTROLS + BIDI_SCOPES + ZS_OTHER_THAN_SPACE + FORMAT),
        st.sampled_from(["&amp;", "&#8217;", "&nbsp;", "â€™", "Ã©", "\x1b[", "\x1b]0;", "&", ";", "#"]),
    )
).map("".join)


@given(st.one_of(NO_SURROGATES, EVIL))
def test_clean_output_invariants(raw):
    result = clean_line(raw)
    text = result.text
    assert result.original == raw
    assert list(result.repairs) == sorted(set(result.repairs), key=REPAIRS_ORDER.__getitem__)
    assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in text)
    assert not any(c in BIDI_SCOPES or c in ZS_OTHER_THAN_SPACE for c in text)
    assert text == text.strip()
    assert text == "" or any(not c.isspace() and unicodedata.category(c) != "Cf" for c in text)
    assert clean_line(text) == Cleaned(text, text, ())  # idempotent


# ---- display ----


@pytest.mark.parametrize(
    "text, shown",
    [
        ("\x1b[2J\x1b]0;title\x07Headline", "\\x1b[2J\\x1b]0;title\\x07Headline"),
        ("8-bit CSI \x9b2J and DEL \x7f", "8-bit CSI \\x9b2J and DEL \\x7f"),
        ("a\u202eb\u2066c\u2069", "a\\u202eb\\u2066c\\u2069"),
        ("one\ntwo\tthree\rfour\u2028five", "one\\ntwo\\tthree\\rfour\\u2028five"),
        ("bad\udcffname.txt", "bad\\udcffname.txt"),  # a non-UTF-8 file name, surrogate-escaped
        ("日本語 “quoted” — مرحبا\u200f ok", "日本語 “quoted” — مرحبا\u200f ok"),
    ],
)
def test_terminal_safe(text, shown):
    assert terminal_safe(text) == shown


def terminal_unsafe(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or char in BIDI_SCOPES


@given(st.text(st.one_of(st.characters(), st.sampled_from(CONTROLS + BIDI_SCOPES))))
def test_terminal_safe_leaves_nothing_unsafe(text):
    shown = terminal_safe(text)
    assert not any(terminal_unsafe(c) for c in shown)
    shown.encode("utf-8")  # printable: no lone surrogates
    if not any(terminal_unsafe(c) for c in text):
        assert shown == text


def test_json_safe_dumps():
    obj = {"headline": "日本の首相\x9b2J\u202eevil\x7f\x1b[0m", "id": 1}
    dumped = json_safe_dumps(obj)
    assert dumped == '{"headline": "日本の首相\\u009b2J\\u202eevil\\u007f\\u001b[0m", "id": 1}'
    assert json.loads(dumped) == obj
    assert json_safe_dumps(obj, indent=2) == (
        '{\n  "headline": "日本の首相\\u009b2J\\u202eevil\\u007f\\u001b[0m",\n  "id": 1\n}'
    )


@given(
    st.recursive(
        st.text(st.one_of(st.characters(), st.sampled_from(CONTROLS + BIDI_SCOPES))) | st.integers(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=10,
    ),
    st.sampled_from([None, 2]),
)
def test_json_safe_dumps_round_trip(obj, indent):
    dumped = json_safe_dumps(obj, indent=indent)
    assert json.loads(dumped) == obj
    assert not any(terminal_unsafe(c) for c in dumped.replace("\n", ""))


# ---- input ----


def test_windows_1252_input_is_refused():
    # ../shared/cases/text_cp1252_input.cp1252
    data = b"The minister\x92s aide resigned \x96 officials said.\n"
    with pytest.raises(NotUTF8Error) as caught:
        decode_text(data, "<stdin>")
    assert str(caught.value) == "<stdin>: not UTF-8 text (byte 0x92 at offset 12)"
    assert isinstance(caught.value, TranslateError)
    assert (caught.value.source, caught.value.offset, caught.value.byte) == ("<stdin>", 12, 0x92)


def test_bom_is_dropped():
    assert decode_text("\ufeffThe talks ended.\n".encode(), "page.txt") == "The talks ended.\n"


@given(NO_SURROGATES)
def test_utf8_round_trip(text):
    assert decode_text(text.encode(), "x") == text.removeprefix("\ufeff")

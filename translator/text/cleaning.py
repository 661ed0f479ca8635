"""Text as it comes in (bytes, lines of imported pages) and as it goes out to a terminal.

Three jobs, one per direction of travel:

- `decode_text`: bytes from a file or standard input → str, or `NotUTF8Error`;
  `read_text` reads them first, at most `MAX_INPUT_BYTES`.
- `clean_line`: one raw line of an imported page → `Cleaned` (the clean text, the
  original and the names of the repairs made): HTML entities decoded, mojibake
  repaired (ftfy), odd spaces normalised, invisible characters, control characters,
  terminal escape sequences and bidi embeddings/overrides/isolates removed; and the
  text composed (Unicode NFC), so "Zürich" is one string however it was typed.
- `terminal_safe` / `json_safe_dumps`: article text (or a file name) made safe to
  print: control and bidi-control characters shown as escapes instead of acting on
  the terminal.

Sources for the character classes: the Unicode Character Database (general
categories Cc, Cf, Zs, Zl, Zp; the Bidi_Control property, UAX #9 §2), ECMA-48 §5
for the shape of escape sequences, the HTML Living Standard's named and numeric
character references (as implemented by `html.unescape`), and UAX #15 (Unicode
Normalization Forms) for composition.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from typing import Any, BinaryIO, Callable

import ftfy

from ..core.errors import InputTooLarge, NotUTF8Error
from ..core.news import Cleaned

# The most one input (a page file, `translate text`'s file or standard input) may hold,
# in bytes. The sample page is 8 KB and a long wire story under 100 KB; 4 MiB is forty
# times that, a page of it cleans and splits in under 10 s at worst (one-line
# paragraphs of mojibake), and it stops an endless input (/dev/zero, a runaway pipe)
# before it fills the memory.
MAX_INPUT_BYTES = 4 * 2**20

# Repair names, in the order `clean_line` applies them; `Cleaned.repairs` uses these.
HTML_ENTITIES = "html-entities"
MOJIBAKE = "mojibake"
CONTROL_CHARACTERS = "control-characters"
INVISIBLE_CHARACTERS = "invisible-characters"
SPACES = "spaces"
_REPAIR_ORDER = (HTML_ENTITIES, MOJIBAKE, CONTROL_CHARACTERS, INVISIBLE_CHARACTERS, SPACES)

# Bidi_Control characters that open a scope (embeddings, overrides, isolates, UAX #9):
# they can reorder everything after them on the line. The marks (LRM U+200E, RLM
# U+200F, ALM U+061C) are kept: they act as one strong character and open nothing.
_BIDI_SCOPES = "\u202a-\u202e\u2066-\u2069"

# A 7-bit escape sequence (ECMA-48 §5.3-5.6): CSI with its parameters; a control
# string (OSC, DCS, SOS, PM, APC) up to BEL or ST; any other ESC + intermediates + final.
# An unfinished one loses only its introducer; what follows stays as inert text.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[ -/]*[0-~]"
)
# C0 controls and DEL, except those that are whitespace (they become spaces). C1
# controls wait for ftfy, which reads them as Windows-1252 mojibake where it can.
_C0_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_LEFTOVER_CONTROLS = re.compile(f"[\x00-\x08\x0e-\x1f\x7f-\x9f{_BIDI_SCOPES}]")

# Strict character references: `&` name-or-number `;`. HTML also accepts some legacy
# names without the `;` (`&yen`, `&copy`, `&not`), which would corrupt plain text
# such as "dollar&yen" or "AT&notes"; wire copy that carries entities carries the `;`.
_ENTITY = re.compile(r"&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});")

# Format characters (Cf) with no job in running text: soft hyphen, Mongolian vowel
# separator, zero-width space, word joiner and invisible operators, deprecated
# format characters, zero-width no-break space (BOM), interlinear annotation,
# language tag. Joiners (ZWJ/ZWNJ: emoji, Indic and Persian script), bidi marks,
# script-specific signs and emoji tag characters are text and stay.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb\U000e0001]")

# Every space (Zs) but U+0020, the line and paragraph separators (Zl, Zp), and the
# C0 whitespace controls. A run of whitespace holding one of them becomes one space;
# runs of plain spaces are left as written.
_ODD_SPACE = "\t\n\x0b\x0c\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACE_RUN = re.compile(f"[ {_ODD_SPACE}]*[{_ODD_SPACE}][ {_ODD_SPACE}]*")

# ftfy limited to repairing encodings (mojibake, including C1 controls read as
# Windows-1252): each other step would change legitimate text or is done above
# where its repair can be named. Off, and why:
#   unescape_html: done strictly above (`_ENTITY`), so it is reported on its own;
#   remove_terminal_escapes: ftfy's pattern misses OSC titles and private CSI;
#   fix_latin_ligatures, fix_character_width: would rewrite "ﬁ", fullwidth Latin and
#     halfwidth katakana, which Japanese text uses on purpose;
#   uncurl_quotes: the desk's style keeps curly quotes;
#   fix_line_breaks, remove_control_chars: done above, by the classes above;
#   fix_surrogates: decoded text has no surrogates;
#   normalization: NFKC would rewrite full-width and compatibility characters, and
#     NFC the CJK compatibility ideographs used in names; `_compose` does NFC without them.
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)

# Each step can expose work for another (an entity can decode to a control
# character; removing a zero-width space can complete an entity), so the steps
# repeat until nothing changes. Every change shortens the text or replaces an odd
# character for good, so this bound is never reached by real text.
_MAX_PASSES = 8

# CJK compatibility ideographs (U+F900-FAFF, U+2F800-2FA1F). NFC maps most of them to
# their unified twins (U+FA19 神 → U+795E 神): a different glyph in a person's or a
# place's name, kept as written. They are starters (combining class 0) that compose
# with nothing, so composing the text between them is composing the whole (UAX #15).
_CJK_COMPATIBILITY = re.compile("([\uf900-\ufaff\U0002f800-\U0002fa1f]+)")


def clean_line(raw: str) -> Cleaned:
    """Clean one line of an imported page; text that needs no repair comes back as is (composed: NFC).

    Steps, repeated until none changes anything:
    1. the text composed, Unicode NFC (UAX #15), CJK compatibility ideographs
       kept as written: "Zu\u0308rich" becomes "Z\u00fcrich". Not a named repair:
       the two are canonically equivalent, the same text to every reader and
       font, so a note would give an editor nothing to check (and would mark
       every page from a source that writes decomposed text); what changes is
       that glossary terms, QA checks and sentence hashes now match;
    2. terminal escape sequences (ECMA-48) and C0 controls removed (control-characters);
    3. HTML character references with their `;` decoded, `&amp;amp;` down to `&`
       (html-entities);
    4. mojibake repaired by ftfy, C1 controls read as Windows-1252 (mojibake);
    5. remaining C0/C1 controls and bidi embeddings/overrides/isolates removed
       (control-characters); zero-width and other invisible format characters
       removed (invisible-characters);
    6. every run of whitespace holding a non-ASCII space, a tab or a line or
       paragraph separator becomes one U+0020 (spaces).
    Then the ends are stripped, and a line of only spaces and format characters
    (Cf: joiners, bidi marks...) becomes "" (invisible-characters).

    `raw` is one line (no line breaks expected, but any are turned into spaces).
    Idempotent: cleaning `.text` again gives the same text and no repairs.
    """
    done: set[str] = set()
    text = raw.strip(" \t")
    for _ in range(_MAX_PASSES):
        before = text
        text = _compose(text)  # first: ftfy knows mojibake by its composed characters
        text = _step(text, _remove_c0, CONTROL_CHARACTERS, done)
        text = _step(text, _decode_entities, HTML_ENTITIES, done)
        text = _step(text, lambda t: ftfy.fix_text(t, _FTFY), MOJIBAKE, done)
        text = _step(text, lambda t: _LEFTOVER_CONTROLS.sub("", t), CONTROL_CHARACTERS, done)
        text = _step(text, lambda t: _INVISIBLE.sub("", t), INVISIBLE_CHARACTERS, done)
        text = _step(text, lambda t: _SPACE_RUN.sub(" ", t), SPACES, done).strip(" ")
        if text == before:
            break
    # Spaces and format characters alone show nothing: the line is blank.
    if text and all(char.isspace() or unicodedata.category(char) == "Cf" for char in text):
        done.add(INVISIBLE_CHARACTERS)
        text = ""
    return Cleaned(text, raw, tuple(name for name in _REPAIR_ORDER if name in done))


def _step(text: str, repair: Callable[[str], str], name: str, done: set[str]) -> str:
    fixed = repair(text)
    if fixed != text:
        done.add(name)
    return fixed


def _compose(text: str) -> str:
    """NFC, except that CJK compatibility ideographs stay as written (see `_CJK_COMPATIBILITY`)."""
    if unicodedata.is_normalized("NFC", text):
        return text
    pieces = _CJK_COMPATIBILITY.split(text)  # odd indexes: runs of compatibility ideographs
    return "".join(piece if i % 2 else unicodedata.normalize("NFC", piece) for i, piece in enumerate(pieces))


def _remove_c0(text: str) -> str:
    return _C0_CONTROLS.sub("", _ESCAPE_SEQUENCE.sub("", text))


def _decode_entities(text: str) -> str:
    # Until stable: a double-encoded `&amp;#8217;` means `’`; wire text that means
    # a literal "&amp;" (an article about HTML) is not this desk's copy.
    while True:
        decoded = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
        if decoded == text:
            return text
        text = decoded


# What must never reach a terminal raw: C0 and C1 controls and DEL (escape sequences,
# bell, backspace, carriage return, line breaks that would break a layout), the line
# and paragraph separators, the bidi scopes, and lone surrogates (unprintable).
_TERMINAL_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI_SCOPES}\ud800-\udfff]")
# The same set less C0: json.dumps escapes C0 inside strings itself, and any C0 left
# in its output (newlines from `indent`) is JSON's own whitespace.
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f\u2028\u2029{_BIDI_SCOPES}\ud800-\udfff]")
_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def terminal_safe(text: str) -> str:
    """`text` with every control character shown as an escape, everything else unchanged.

    C0/C1 controls and DEL become `\\x1b`, `\\x9b`, `\\x7f` (tab, newline and
    carriage return `\\t`, `\\n`, `\\r`: one field of text is one line on screen);
    bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069), U+2028,
    U+2029 and lone surrogates become `\\u202e` and so on. Bidi marks (LRM, RLM,
    ALM) and all other characters pass unchanged; a backslash is not escaped, so
    the result is for eyes, not for parsing back. Apply it to each field (headline,
    sentence, file name, error message) before measuring widths and joining lines.
    """
    return _TERMINAL_UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _SHORT_ESCAPES.get(char) or (f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")


def json_safe_dumps(obj: Any, **kwargs: Any) -> str:
    """`json.dumps(obj, ensure_ascii=False, **kwargs)` with nothing a terminal acts on.

    Japanese and other text stays readable; DEL, C1 controls (U+009B, the 8-bit
    CSI), U+2028, U+2029, bidi embeddings/overrides/isolates and lone surrogates,
    which `ensure_ascii=False` leaves raw, are written as `\\uXXXX` escapes. The
    result is valid JSON and `json.loads` gives back `obj` unchanged.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(obj, ensure_ascii=False, **kwargs))


def decode_text(data: bytes, source: str) -> str:
    """Bytes of a text file or standard input → str; a leading UTF-8 BOM is dropped.

    `source` names the input in the error ("<stdin>" or a path). Raises
    NotUTF8Error (a TranslateError) at the first byte that is not UTF-8, for
    example a Windows-1252 curly apostrophe (0x92).
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotUTF8Error(source, error.start, data[error.start]) from None


def read_text(file: BinaryIO, source: str, what: str = "one input") -> str:
    """Read a binary stream to its end and decode it (`decode_text`), at most MAX_INPUT_BYTES.

    `source` names the input in errors ("<stdin>" or a path); `what` says what it is
    in the size error ("a page").

    :raises InputTooLarge: when the stream holds more than MAX_INPUT_BYTES.
    :raises NotUTF8Error: when it is not UTF-8 text.
    """
    data = file.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise InputTooLarge(source, MAX_INPUT_BYTES, what)
    return decode_text(data, source)

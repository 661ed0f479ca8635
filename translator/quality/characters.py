"""Characters lost from the English, and characters garbled in the Japanese (the `character` check).

A translation keeps what it cannot translate: Japanese text quoted in the English
(a name such as 𠮷野家, whose 𠮷 is outside most vocabularies) and emoji (👍, the
flag 🇯🇵, a family 👨‍👩‍👧). Compared as user-perceived characters (grapheme clusters,
wcwidth's, as Unicode defines them), under NFKC:

- a run of Han, kana or hangul in the English missing from the Japanese is an
  error; written with another character in place of a rare one (吉野家 for 𠮷野家:
  a character outside the Basic Multilingual Plane, or a CJK compatibility or
  extension-A ideograph) it is a warning;
- an emoji of the English missing from the Japanese is a warning (the desk may
  drop it on purpose), and so is an emoji in the Japanese that the English does
  not have (the model made it up);
- in the Japanese, U+FFFD (what is left of bytes that were no character),
  unassigned (Cn) code points that the English does not have too, private-use
  (Co) and surrogate (Cs) code points, control characters, and broken sequences
  (a regional indicator without its pair, a zero-width joiner, variation selector,
  skin-tone modifier or keycap mark with no emoji before it) are errors, unless
  the English has them too: copied, not garbled (so an emoji newer than Python's
  own Unicode version, which decides what is unassigned, passes).

Pure functions over (English, Japanese).
"""

from __future__ import annotations

import re
import unicodedata

import wcwidth

from ..core.news import Check, Flag, Severity

_CJK_RUN = re.compile(
    "[\u3005\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0003134f]+"
)
_ZWJ, _KEYCAP = "\u200d", "\u20e3"
_MODIFIERS = frozenset("\ufe0e\ufe0f\u20e3") | {chr(c) for c in range(0x1F3FB, 0x1F400)}
_REGIONAL = range(0x1F1E6, 0x1F200)


def is_noncharacter(char: str) -> bool:
    """Whether `char` is one of Unicode's 66 noncharacters: U+FDD0-U+FDEF, and the last two code
    points of every plane (U+FFFE, U+FFFF, U+1FFFE ... U+10FFFF). They are for a program's own
    use and never interchanged (The Unicode Standard, 23.7); XML and HTML cannot carry them."""
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def _pictographic(char: str) -> bool:
    """Emoji and other pictographs (an approximation of Unicode's Extended_Pictographic by blocks)."""
    code = ord(char)
    return 0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF or 0x2B00 <= code <= 0x2BFF or 0x2300 <= code <= 0x23FF


def _emoji(grapheme: str) -> bool:
    return any(_pictographic(c) for c in grapheme) or _KEYCAP in grapheme


def _bare(grapheme: str) -> str:
    """An emoji without its presentation selectors, for comparing (❤️ and ❤ are the same heart)."""
    return grapheme.replace("\ufe0f", "").replace("\ufe0e", "")


def _graphemes(text: str) -> list[tuple[str, tuple[int, int]]]:
    found, start = [], 0
    for grapheme in wcwidth.iter_graphemes(text):
        found.append((grapheme, (start, start + len(grapheme))))
        start += len(grapheme)
    return found


def _rare(char: str) -> bool:
    code = ord(char)
    return code > 0xFFFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def _lost_text(english: str, japanese: str) -> list[Flag]:
    flags = []
    japanese = unicodedata.normalize("NFKC", japanese)  # spans into it: NFKC keeps kana and kanji one for one
    for match in _CJK_RUN.finditer(english):
        run = unicodedata.normalize("NFKC", match.group())
        if run in japanese:
            continue
        if any(_rare(c) for c in run):
            variant = re.compile("".join("." if _rare(c) else re.escape(c) for c in run))
            found = variant.search(japanese)
            if found:
                flags.append(
                    Flag(
                        Check.CHARACTER,
                        Severity.WARNING,
                        f"{match.group()!r} is written {found.group()} (another character for a rare one)",
                        en_span=match.span(),
                        ja_span=found.span(),
                    )
                )
                continue
        flags.append(
            Flag(Check.CHARACTER, Severity.ERROR, f"{match.group()!r} is not in the Japanese", en_span=match.span())
        )
    return flags


def _emoji_flags(english: str, japanese: str, ja_graphemes: list[tuple[str, tuple[int, int]]]) -> list[Flag]:
    en_emoji = [(g, span) for g, span in _graphemes(english) if _emoji(g)]
    ja_emoji = [(g, span) for g, span in ja_graphemes if _emoji(g)]
    ja_bare = {_bare(g) for g, _ in ja_emoji}
    en_bare = {_bare(g) for g, _ in en_emoji}
    flags = []
    for grapheme, span in en_emoji:
        if _bare(grapheme) not in ja_bare:
            flags.append(Flag(Check.CHARACTER, Severity.WARNING, f"{grapheme!r} is not in the Japanese", en_span=span))
    for grapheme, span in ja_emoji:
        if _bare(grapheme) not in en_bare and not _broken(grapheme) and not _unassigned(grapheme, english):
            flags.append(
                Flag(Check.CHARACTER, Severity.WARNING, f"{grapheme!r} is not in the English", ja_span=span)
            )
    return flags


def _unassigned(grapheme: str, english: str) -> bool:
    """Whether the grapheme holds a code point Python knows no character for (and the English has not)."""
    return any(unicodedata.category(c) in ("Cn", "Co") and c not in english for c in grapheme)


def _broken(grapheme: str) -> str | None:
    """Why an emoji sequence is broken, or None."""
    first = grapheme[0]
    if len(grapheme) == 1 and ord(first) in _REGIONAL:
        return "a regional indicator without its pair (half a flag)"
    if grapheme.endswith(_ZWJ) or first == _ZWJ:
        return "a zero-width joiner with nothing to join"
    if first in _MODIFIERS or (
        any(c in _MODIFIERS for c in grapheme[1:]) and not (_pictographic(first) or first in "0123456789#*")
    ):
        return "a variation selector, skin tone or keycap mark with no emoji before it"
    return None


def _garbled(english: str, ja_graphemes: list[tuple[str, tuple[int, int]]]) -> list[Flag]:
    """Garbled characters of the Japanese; those the English has too are copied, not garbled."""
    flags = []
    copied = {grapheme for grapheme, _ in _graphemes(english)}
    for grapheme, (start, end) in ja_graphemes:
        if grapheme in copied:
            continue
        why = _broken(grapheme)
        if why is None:
            for offset, char in enumerate(grapheme):
                category = unicodedata.category(char)
                if char in english:
                    continue
                if char == "\ufffd":
                    why = "U+FFFD, the replacement for bytes that were no character"
                elif category == "Cn":
                    why = f"U+{ord(char):04X}, an unassigned code point"
                elif category in ("Co", "Cs"):
                    why = f"U+{ord(char):04X}, a {'private-use' if category == 'Co' else 'surrogate'} code point"
                elif category == "Cc" and char not in "\t\n":
                    why = f"U+{ord(char):04X}, a control character"
                if why:
                    start, end = start + offset, start + offset + 1
                    break
        if why:
            flags.append(Flag(Check.CHARACTER, Severity.ERROR, f"garbled character in the Japanese: {why}", ja_span=(start, end)))
    return flags


def check_characters(english: str, japanese: str) -> list[Flag]:
    """Flags for characters the Japanese lost from the English, or holds garbled (see the module docstring).

    Garbled characters are reported once per run (three U+FFFD in a row are one flag).
    """
    ja_graphemes = _graphemes(japanese)
    garbled = _garbled(english, ja_graphemes)
    merged: list[Flag] = []
    for flag in garbled:
        last = merged[-1] if merged else None
        if last and last.message == flag.message and last.ja_span and flag.ja_span and last.ja_span[1] == flag.ja_span[0]:
            merged[-1] = Flag(last.check, last.severity, last.message, ja_span=(last.ja_span[0], flag.ja_span[1]))
        else:
            merged.append(flag)
    return _lost_text(english, japanese) + _emoji_flags(english, japanese, ja_graphemes) + merged

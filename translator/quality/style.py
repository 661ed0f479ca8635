"""Japanese news style: applied to machine output, checked in editors' edits.

The convention is Kyodo News's 『記者ハンドブック』, the stylebook of Kyodo and the
papers it serves, as their news sites write it horizontally. Where the handbook
leaves a choice, or where a rule here departs from it, the rule says so.

- ``quotes``: quotations in 「」; a quotation inside one in 『』 (and 「」 again one
  level further in). English quotation marks become 「」: “…” and "…" always,
  '…' and ‘…’ when they enclose Japanese (an apostrophe stays). 『』 at the top
  level is left alone: it marks titles of works.
- ``punctuation``: Japanese punctuation is full-width: 、。 (never ，．), and
  ！？：；（） where they stand next to Japanese. Beside Latin text and between
  digits the ASCII forms stay (U.S., 3.5, 10:15, Yahoo!). No 。 before a closing
  」 or 』 (「怒っている」と述べた). A dash between Japanese is ― (" - ", "--",
  "–", "—").
- ``width``: Latin letters and digits are half-width in running text (ＡＩ→AI,
  ２５→25), and so is % with them (our choice: ２５％→25%); katakana is never
  half-width (ｶﾀｶﾅ→カタカナ).
- ``spacing``: no space next to Japanese characters (Japanese is written without
  spaces; "weather.com は" → "weather.comは", "105 万人" → "105万人"); a space
  between katakana words is the 中黒 that separates the parts of a foreign name
  (マイク ペンス → マイク・ペンス). Spaces between Latin words stay.
- ``numbers``: from 10,000 up, 万/億/兆 with digits and no commas (200,000 →
  20万; 1,234,567 → 123万4567; 1,500億 → 1500億); below that, no thousands comma
  (3,000 → 3000). 千/百/十 are not used as units (the handbook allows 3千 for a
  round figure; we keep 3000, as a year 2000年 is written).
  Only comma-grouped numbers, and plain ones of five digits or more followed by
  Japanese (a counter: 10000人 → 1万人), are rewritten: phone numbers, codes and
  numbers glued to Latin text or currency signs are left alone.
- ``headline_end``: a headline does not end with 。.

`apply_news_style(text)` applies every rule until none applies (it is
idempotent); `style_issues(text)` lists, without changing anything, what the
rules find in the text as it stands, each with a span and the suggested text
(fixing one may expose another, as a space left beside a new ：). The two agree:
a text has no issues exactly when applying the style leaves it unchanged. Kanji
numerals (一部, 二大政党) are never touched: whether they are idioms or counts
needs a reader, as does the choice between 『』 for a title and 「」 for a quotation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import jaconv


class StyleRule(str, Enum):
    WIDTH = "width"
    QUOTES = "quotes"
    PUNCTUATION = "punctuation"
    SPACING = "spacing"
    NUMBERS = "numbers"
    HEADLINE_END = "headline_end"


_MESSAGES = {
    StyleRule.WIDTH: "half-width Latin letters, digits and %; full-width katakana",
    StyleRule.QUOTES: "quotations in 「」, nested ones in 『』",
    StyleRule.PUNCTUATION: "full-width Japanese punctuation",
    StyleRule.SPACING: "no space next to Japanese",
    StyleRule.NUMBERS: "万/億/兆 from 10,000 up, no thousands commas",
    StyleRule.HEADLINE_END: "no 。 at the end of a headline",
}


@dataclass(frozen=True)
class StyleIssue:
    """Text at [start, end) that the style would write as `suggestion`."""

    rule: StyleRule
    start: int
    end: int
    found: str
    suggestion: str

    @property
    def message(self) -> str:
        return f"{_MESSAGES[self.rule]}: {self.found!r} → {self.suggestion!r}"


# An edit: replace text[start:end] with the string. Each rule returns its edits,
# sorted and not overlapping, each one changing the text.
_Edit = tuple[int, int, str]

# Kana, kanji and full-width punctuation: the characters that make a neighbour "Japanese".
_JA = (
    r"\u3001-\u303F\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF"  # CJK punctuation, kana, kanji
    r"\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65"  # full-width punctuation
)
_JA_CHAR = re.compile(f"[{_JA}]")


def _is_ja(char: str) -> bool:
    return bool(char) and bool(_JA_CHAR.match(char))


def _neighbour(text: str, index: int, step: int) -> str:
    """The nearest character from `index` in direction `step` that is not a space ('' at the ends)."""
    while 0 <= index < len(text):
        if text[index] != " ":
            return text[index]
        index += step
    return ""


# -- rules ----------------------------------------------------------------------------


def _width(text: str, headline: bool) -> list[_Edit]:
    edits = [
        (m.start(), m.end(), jaconv.z2h(m.group(), kana=False, ascii=True, digit=True))
        for m in re.finditer(r"[Ａ-Ｚａ-ｚ０-９％]+", text)
    ]
    edits += [
        (m.start(), m.end(), jaconv.h2z(m.group(), kana=True, ascii=False, digit=False))
        for m in re.finditer(r"[\uFF61-\uFF9F]+", text)  # half-width katakana and ｡｢｣､･
    ]
    return sorted(edits)


_CLOSERS = {"「": "」", "『": "』"}
_SINGLE_QUOTED = re.compile(rf"(?<![A-Za-z0-9])['‘]([^'‘’\n]*[{_JA}][^'‘’\n]*)['’](?![A-Za-z0-9])")
_TRAILING = re.compile(r"[。．.！？!?\s]*$")


def _quotes(text: str, headline: bool) -> list[_Edit]:
    chars = list(text)
    for match in _SINGLE_QUOTED.finditer(text):
        chars[match.start()], chars[match.end() - 1] = "「", "」"
    # Double quotes: “ opens, ” closes, " does whichever the last one did not.
    inside, last_open = False, -1
    for index, char in enumerate(text):
        if char == "“" or (char == '"' and not inside):
            chars[index], inside, last_open = "「", True, index
        elif char == "”" or (char == '"' and inside):
            chars[index], inside = "」", False
    if inside and text[last_open] == '"' and _TRAILING.fullmatch(text, last_open + 1):
        chars[last_open] = "」"  # a quotation that began in an earlier sentence ends here
    # Nesting: an opening bracket inside a quotation takes the other kind; closers follow their opener.
    stack: list[str] = []
    for index, char in enumerate(chars):
        if char in _CLOSERS:
            if stack:
                char = "『" if stack[-1] == "」" else "「"
            chars[index] = char
            stack.append(_CLOSERS[char])
        elif char in ("」", "』") and stack:
            chars[index] = stack.pop()
    return [(i, i + 1, new) for i, (old, new) in enumerate(zip(text, chars)) if old != new]


_FULL = {",": "、", ".": "。", "!": "！", "?": "？", ":": "：", ";": "；", "，": "、", "．": "。"}


def _punctuation(text: str, headline: bool) -> list[_Edit]:
    edits = []
    for index, char in enumerate(text):
        before, after = _neighbour(text, index - 1, -1), _neighbour(text, index + 1, 1)
        between_digits = index > 0 and text[index - 1].isdigit() and index + 1 < len(text) and text[index + 1].isdigit()
        # , : ; between Japanese and anything; . ! ? right after Japanese (not an ellipsis's dots).
        joins = char in ",:;" and not between_digits and (_is_ja(before) or _is_ja(after))
        ends = char in ".!?" and _is_ja(text[index - 1] if index else "") and text[index + 1 : index + 2] != "."
        if char in "，．":
            edits.append((index, index + 1, {"，": ",", "．": "."}[char] if between_digits else _FULL[char]))
        elif joins or ends:
            edits.append((index, index + 1, _FULL[char]))
    # A dash between Japanese: spaced hyphen, double hyphen, en or em dash. (An unspaced
    # hyphen may join a name, ジャン-ポール, whose Japanese form is another matter.)
    for match in re.finditer(r"(?<= )-(?= )|--|[–—]", text):
        if _is_ja(_neighbour(text, match.start() - 1, -1)) and _is_ja(_neighbour(text, match.end(), 1)):
            edits.append((match.start(), match.end(), "―"))
    # A quotation ends without 。 (「…だ」), as a headline does.
    edits += [(m.start(), m.end(), "") for m in re.finditer(r"。+(?=[」』])", text)]
    for match in re.finditer(r"\(([^()]*)\)", text):
        if (
            _is_ja(_neighbour(text, match.start() - 1, -1))
            or _is_ja(_neighbour(text, match.end(), 1))
            or _JA_CHAR.search(match.group(1))
        ):
            edits += [(match.start(), match.start() + 1, "（"), (match.end() - 1, match.end(), "）")]
    return sorted(edits)


_KATAKANA = re.compile(r"[\u30A1-\u30FA\u30FC]")


def _spacing(text: str, headline: bool) -> list[_Edit]:
    edits = []
    for match in re.finditer(r" +", text):
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if _KATAKANA.match(before) and _KATAKANA.match(after):
            edits.append((match.start(), match.end(), "・"))  # マイク ペンス → マイク・ペンス
        elif _is_ja(before) or _is_ja(after):
            edits.append((match.start(), match.end(), ""))
    return edits


def japanese_number(number: int) -> str:
    """`number` written with 兆/億/万 and digits: 1234567 → "123万4567", 105000000 → "1億500万"."""
    parts, rest = [], number
    for unit, size in (("兆", 10**12), ("億", 10**8), ("万", 10**4)):
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    if rest or not parts:
        parts.append(str(rest))
    return "".join(parts)


# Not glued to Latin text, other digits or a currency sign ("$15,000", "A380", "v2.10000").
_GROUPED = re.compile(r"(?<![A-Za-z0-9_.,$£€¥])\d{1,3}(?:,\d{3})+(?![A-Za-z0-9_,]|\.\d)")
_PLAIN = re.compile(rf"(?<![A-Za-z0-9_.,:/$£€¥-])[1-9]\d{{4,}}(?=[{_JA}])(?![万億兆])")


def _numbers(text: str, headline: bool) -> list[_Edit]:
    edits = [(m.start(), m.end(), japanese_number(int(m.group().replace(",", "")))) for m in _GROUPED.finditer(text)]
    edits += [(m.start(), m.end(), japanese_number(int(m.group()))) for m in _PLAIN.finditer(text)]
    return sorted(edits)


def _headline_end(text: str, headline: bool) -> list[_Edit]:
    match = re.search(r"。+\s*$", text) if headline else None
    return [(match.start(), match.end(), "")] if match else []


_RULES: list[tuple[StyleRule, Callable[[str, bool], list[_Edit]]]] = [
    (StyleRule.WIDTH, _width),
    (StyleRule.QUOTES, _quotes),
    (StyleRule.PUNCTUATION, _punctuation),
    (StyleRule.SPACING, _spacing),
    (StyleRule.NUMBERS, _numbers),
    (StyleRule.HEADLINE_END, _headline_end),
]
_MAX_PASSES = 10  # each rule only removes what the others look for; two passes settle real text


def _find(find: Callable[[str, bool], list[_Edit]], text: str, headline: bool) -> list[_Edit]:
    # Conversions can leave a piece as it was (a lone half-width sound mark): not an edit.
    return [(start, end, new) for start, end, new in find(text, headline) if text[start:end] != new]


def _apply(text: str, edits: list[_Edit]) -> str:
    for start, end, new in reversed(edits):
        text = text[:start] + new + text[end:]
    return text


# -- public --------------------------------------------------------------------------------


def apply_news_style(text: str, *, headline: bool = False) -> str:
    """`text` in Japanese news style (rules in the module docstring); idempotent.

    `headline` also drops a final 。. Text with nothing to change is returned as is.
    """
    for _ in range(_MAX_PASSES):
        before = text
        for _, rule in _RULES:
            text = _apply(text, _find(rule, text, headline))
        if text == before:
            break
    return text


def style_issues(text: str, *, headline: bool = False) -> list[StyleIssue]:
    """What `apply_news_style` would change in `text`, rule by rule, as spans of `text` itself.

    Sorted by position; empty exactly when the text is already in style. For
    checking an editor's edit.
    """
    issues = [
        StyleIssue(rule, start, end, text[start:end], new)
        for rule, find in _RULES
        for start, end, new in _find(find, text, headline)
    ]
    return sorted(issues, key=lambda issue: (issue.start, issue.end))

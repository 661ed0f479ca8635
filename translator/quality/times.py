"""Times of day in a translation: a.m. written as the afternoon, or p.m. as the morning (the `time` check).

An English time with a.m. or p.m. ("7 a.m.", "9.30pm", "12 p.m.") is a time on the
24-hour clock (7, 21:30, 12). The Japanese may write it 午前7時, 朝7時, 7時 or 07:00
for 7 a.m., and 午後9時半, 夜9時, 21時 or 21:30 for 9.30 p.m.; 正午 is noon and
午前0時 midnight. Where the Japanese writes that hour only on the wrong half of the
day (午後7時 or 19時 for 7 a.m.), and not on the right one, the time check gives an
error; 7時, which says neither, does not count either way. A time whose hour is
not in the Japanese at all is the number check's to report ("'7 a.m.' is not in
the Japanese"), so it is not reported twice.

Pure functions over (English, Japanese).
"""

from __future__ import annotations

import re

import jaconv

from ..core.news import Check, Flag, Severity

_EN_TIME = re.compile(
    r"(?<![\w.,])(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>[aApP])\.?\s?[mM]\b\.?"
    r"|(?<![\w.,])(?P<word_hour>\d{1,2})\s+(?:o'clock\s+)?in\s+the\s+(?P<part>morning|afternoon|evening)\b"
)
_MORNING = ("午前", "朝", "早朝", "未明", "明け方")
_AFTERNOON = ("午後", "夜", "晩", "夕方", "夕")
_KANJI_HOURS = {
    text: value
    for value, text in enumerate(
        "〇 一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十 二十一 二十二 二十三 二十四".split()
    )
}
_JA_TIME = re.compile(
    rf"(?P<marker>{'|'.join(_MORNING + _AFTERNOON)})?\s*"
    # 時 of a time of day, not of a duration (15時間: 15 hours).
    r"(?:(?P<hour>\d{1,2})\s*時(?!間)|(?P<kanji>[〇一二三四五六七八九十]{1,3})時(?!間)|(?P<clock>\d{1,2}):\d{2}(?!\d))"
    r"|(?P<noon>正午)"
)


def _english_times(english: str) -> list[tuple[int, str, tuple[int, int]]]:
    """(hour on the 24-hour clock, the text, span) of each English time with a.m. or p.m."""
    times = []
    for match in _EN_TIME.finditer(english):
        if match.group("hour") is not None:
            hour, afternoon = int(match.group("hour")), match.group("half").lower() == "p"
        else:
            hour, afternoon = int(match.group("word_hour")), match.group("part") != "morning"
        if not 1 <= hour <= 12:
            continue
        times.append((hour % 12 + (12 if afternoon else 0), match.group().strip(), match.span()))
    return times


def _japanese_times(japanese: str) -> list[tuple[set[int], tuple[int, int]]]:
    """Each Japanese time of day that says its half of the day (午後7時, 19時, 正午; not 7時): the hours on
    the 24-hour clock it can mean, and its span."""
    text = jaconv.z2h(japanese, kana=False, ascii=True, digit=True)  # same length: spans stay
    times = []
    for match in _JA_TIME.finditer(text):
        if match.group("noon"):
            times.append(({12}, match.span()))
            continue
        if match.group("kanji"):
            if match.group("kanji") not in _KANJI_HOURS:
                continue
            hour = _KANJI_HOURS[match.group("kanji")]
        else:
            hour = int(match.group("hour") or match.group("clock"))
        if hour > 24:
            continue
        marker = match.group("marker")
        if marker in _MORNING:
            hours = {hour % 12}  # 午前0時 is midnight; 午前12時 is read as either
            if hour == 12:
                hours.add(12)
        elif marker in _AFTERNOON:
            # 夜12時 (and 夜中, 深夜) is midnight, 午後12時 noon or midnight as people write it.
            hours = {hour % 12 + 12} if hour < 12 else ({0, 12} if hour == 12 else {hour})
        elif hour >= 13 or hour == 0:
            hours = {hour % 24}
        else:
            continue  # 7時: either half of the day, so neither right nor wrong
        times.append((hours, match.span()))
    return times


def check_times(english: str, japanese: str) -> list[Flag]:
    """An error for each English a.m./p.m. time whose hour the Japanese writes on the other half of the day, and
    not on its own."""
    english_times = _english_times(english)
    if not english_times:
        return []
    japanese_times = _japanese_times(japanese)
    flags = []
    for hour, text, span in english_times:
        if any(hour in hours for hours, _ in japanese_times):
            continue
        wrong = [(hours, where) for hours, where in japanese_times if (hour + 12) % 24 in hours]
        if wrong:
            where = wrong[0][1]
            flags.append(
                Flag(
                    Check.TIME,
                    Severity.ERROR,
                    f"{text!r} is written {japanese[where[0] : where[1]].strip()} (the other half of the day)",
                    en_span=span,
                    ja_span=where,
                )
            )
    return flags

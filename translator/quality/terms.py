"""Names and glossary terms in a translation: how an English name was rendered, and the glossary's rendering enforced.

Pure functions over (English, Japanese); nothing here reads the store or runs a model.

Matching an English name with its katakana goes through sound keys: a rough
consonant skeleton of the English and of the katakana's romaji (シャインバウム and
Sheinbaum both give "snbm"), compared with difflib's ratio. `qa`'s name check
uses it to find one name written two ways; `enforce_terms` uses it to find where
the model wrote a glossary name its own way.

Enforcement is post-editing, chosen because it works whatever the model: it needs
no special training (as inline or placeholder constraints do) and CTranslate2
has no lexically constrained decoding. For each glossary term in the English
whose Japanese is not in the output, in order of the longest term first:

1. the term left in Latin letters in the Japanese ("Sheinbaum氏") is replaced;
2. otherwise the katakana word, or run of words joined by ・ or ＝, that sounds
   most like the term (ratio >= NAME_MATCH_THRESHOLD, better than any other,
   and more like the term than like any other name in the sentence) is
   replaced: シャインバウム → シェインバウム, シナロアカルテル → シナロア・カルテル;
3. otherwise the output is left alone, and the QA glossary check flags it.

Text that holds any glossary term's Japanese is never rewritten, so enforcing
one term cannot undo another. How often it helps is measured on the NTREX names
by `bench/glossary_names.py`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher
from functools import lru_cache

import jaconv

from .glossary import GlossaryEntry, halfwidth_latin, term_index, term_pattern

# Below this similarity (0-1, difflib ratio of the sound keys) a katakana word is not
# taken for a rendering of an English name; tuned on the NTREX dev references
# (bench/qa_refs.py: the name check's flags there are all real inconsistencies).
NAME_MATCH_THRESHOLD = 0.8

_EN_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?\b")
_KATAKANA_WORD = re.compile(r"[ァ-ヺー]{2,}")
# Katakana words, and the separators that join the parts of one foreign name.
_KATAKANA_PART = re.compile(r"[ァ-ヺー]+")
_NAME_JOINERS = frozenset("・＝= ")


# Names recur across an article and a run: the keys are cached (the checks compare
# every capitalised word with every katakana word of its sentence).
@lru_cache(maxsize=8192)
def sound_key(latin: str) -> str:
    """A rough consonant skeleton shared by an English name and its katakana's romaji ("Sheinbaum" → "snbm")."""
    key = latin.lower()
    for source, target in (
        ("ph", "f"), ("th", "s"), ("ck", "k"), ("qu", "k"), ("x", "ks"), ("ch", "t"), ("sh", "s"),
        ("ce", "se"), ("ci", "si"),
        ("ts", "s"), ("dz", "z"), ("j", "z"), ("c", "k"), ("q", "k"), ("l", "r"), ("v", "b"),
        ("w", ""), ("y", ""), ("h", ""), ("z", "s"), ("-", ""), (" ", ""),
    ):  # fmt: skip
        key = key.replace(source, target)
    key = re.sub(r"[aeiou]", "", key)
    key = re.sub(r"m(?=[bp])", "n", key)  # ン is written for m before b and p: Trump, トランプ
    return re.sub(r"(.)\1+", r"\1", key)


@lru_cache(maxsize=8192)
def katakana_key(word: str) -> str:
    """The sound key of a katakana word, through its romaji (シャインバウム → "snbm")."""
    return sound_key(jaconv.kana2alphabet(jaconv.kata2hira(word)))


def similarity(english: str, katakana: str) -> float:
    """How alike an English name and a katakana word sound: difflib ratio of their sound keys, 0-1."""
    return SequenceMatcher(None, sound_key(english), katakana_key(katakana)).ratio()


def renderings(english: str, japanese: str) -> dict[str, str]:
    """English name (a capitalised word) → the katakana word that best renders it in this sentence.

    Only names that one word clearly renders: similarity at least
    NAME_MATCH_THRESHOLD and better than every other katakana word's.
    """
    words = {m.group() for m in _KATAKANA_WORD.finditer(japanese)}
    found = {}
    for name in {m.group() for m in _EN_NAME.finditer(english)}:
        if len(sound_key(name)) < 2:
            continue
        scored = sorted(((similarity(name, w), w) for w in words), reverse=True)
        if scored and scored[0][0] >= NAME_MATCH_THRESHOLD and (len(scored) == 1 or scored[1][0] < scored[0][0]):
            found[name] = scored[0][1]
    return found


# -- enforcement ----------------------------------------------------------------------------


# Full-width Latin and digits as ASCII (same length), so ＡＩ counts as AI.
_normal = halfwidth_latin


def _free(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return all(span[1] <= start or end <= span[0] for start, end in taken)


@lru_cache(maxsize=1024)  # made once per term, not per sentence (re's own cache holds 512)
def _latin_pattern(english: str) -> re.Pattern[str]:
    words = r"\s*".join(re.escape(word) for word in english.split())
    flags = 0 if english == english.upper() else re.IGNORECASE
    # Japanese letters count as word boundaries here ("Sheinbaum氏"), Latin ones do not.
    return re.compile(rf"(?<![A-Za-z0-9]){words}(?:'s|’s)?(?![A-Za-z0-9])", flags)


def _latin_spans(text: str, english: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [m.span() for m in _latin_pattern(english).finditer(_normal(text)) if _free(m.span(), taken)]


def _katakana_windows(text: str, most_parts: int) -> list[tuple[int, int]]:
    """Spans of katakana words and of runs of up to `most_parts` words joined by ・, ＝ or a space."""
    parts = [m.span() for m in _KATAKANA_PART.finditer(text)]
    windows = []
    for first in range(len(parts)):
        for last in range(first, min(first + most_parts, len(parts))):
            if last > first and not set(text[parts[last - 1][1] : parts[last][0]]) <= _NAME_JOINERS:
                break
            windows.append((parts[first][0], parts[last][1]))
    return windows


def _katakana_spans(
    text: str, english: str, others: list[str], taken: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Every free occurrence of the one katakana rendering that sounds most like `english`, if one clearly does.

    A word that sounds at least as much like another name of the sentence
    (`others`: Rubin beside Rubio) is taken to render that name.
    """
    if len(sound_key(english)) < 2:
        return []
    spans: dict[str, list[tuple[int, int]]] = {}
    for start, end in _katakana_windows(text, len(english.split()) + 1):
        if _free((start, end), taken):
            spans.setdefault(text[start:end], []).append((start, end))
    scored = []
    for word in spans:
        katakana = re.sub(r"[^ァ-ヺー]", "", word)
        score = similarity(english, katakana)
        if all(similarity(other, katakana) < score for other in others):
            scored.append((score, word))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < NAME_MATCH_THRESHOLD or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return []
    chosen: list[tuple[int, int]] = []
    for span in spans[scored[0][1]]:  # in text order; runs of one repeated word can overlap
        if _free(span, chosen):
            chosen.append(span)
    return chosen


def _other_names(english: str, term: str) -> list[str]:
    """Capitalised words of the sentence outside every occurrence of `term`."""
    inside = [m.span() for m in term_pattern(term).finditer(english)]
    return [m.group() for m in _EN_NAME.finditer(english) if _free(m.span(), inside)]


def enforce_terms(english: str, japanese: str, glossary: Sequence[GlossaryEntry]) -> str:
    """`japanese` with each glossary term of `english` written as the glossary writes it, where it can be found.

    See the module docstring for how a rendering is found; every occurrence of
    the rendering found is replaced. A term whose Japanese is already in the
    text, or that cannot be found, leaves the text as it is (composed, NFC, once
    a term was looked for in it); no occurrence of any glossary term's Japanese
    is ever rewritten. Terms are found in the English's NFC form (find_terms).
    """
    if not japanese or not glossary:
        return japanese
    index = term_index(glossary)  # built once per glossary: a sentence costs what it holds, not the glossary's size
    english = unicodedata.normalize("NFC", english)
    text = japanese
    found = sorted(index.find(english), key=lambda item: (-len(item[0].english), item[1]))
    for entry, _ in found:
        if _normal(entry.japanese) in _normal(text):
            continue
        # A term the model left in Latin letters is looked for composed, as the glossary keeps it.
        text = unicodedata.normalize("NFC", text)
        taken = index.japanese_spans(text)
        spans = _latin_spans(text, entry.english, taken) or _katakana_spans(
            text, entry.english, _other_names(english, entry.english), taken
        )
        for start, end in reversed(spans):
            text = text[:start] + entry.japanese + text[end:]
    return text

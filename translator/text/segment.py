"""English paragraphs → sentences, offline, and over-long sentences → clauses; nothing is lost.

Sentence boundaries come from sentencex (Wikimedia's rule-based splitter, MIT, compiled
Rust, no model to fetch) as character offsets, then a thin rule layer for wire copy
moves or drops a few of them (`_adjust`). Every sentence is a slice of the paragraph, so
the sentences give back the paragraph up to the whitespace between them; `split_sentences`
checks that on every paragraph anyway and falls back to a plain punctuation split
(`_safe_cuts`) when it does not hold.

The choice was measured (bench/splitters.py on tests/data/news_boundaries.txt): pysbd,
used before, replaced characters with placeholders of its own (♨, ∯, ☏, ...) and dropped
any sentence that already held one, and slowed down more than linearly on long paragraphs.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

import sentencex

# Characters that close (or open) a quotation or an aside: straight and curly, single and double.
_CLOSERS = frozenset("\"'”’»)]}")
_OPENERS = frozenset("\"'“‘«([{")
_TERMINALS = frozenset(".!?…")

# Titles written before a name: a capital after them never starts a sentence (AP style).
_TITLES = frozenset(
    "mr mrs ms mx dr prof rev hon gen lt col maj capt cmdr cdr adm sgt cpl pvt gov sen rep "
    "pres supt insp det fr msgr atty mt ft".split()
)
# Abbreviations that also end sentences: a company's or a name's suffix, a street. After
# them a capital starts a sentence only when it is a word that usually does ("Acme Inc. The
# company ..." but "Acme Inc. Chief Executive ...", "Martin Luther King Jr. Day").
_SUFFIXES = frozenset("inc corp co cos ltd llc plc bros jr sr st ave blvd".split())
# Closed-class words that start sentences: pysbd's SENTENCE_STARTERS (after the Golden
# Rules of sentence splitting) widened with the articles, pronouns and conjunctions of wire copy.
_STARTERS = frozenset(
    "a an the this that these those there here it its he she they we i you his her their our "
    "my your but and or so yet nor in on at for from by with as after before if when while "
    "although though however meanwhile still also then thus since because during under among "
    "some many most several both each every all no not neither none one two three what why "
    "how who where which being did more millions".split()
)
# Words that continue a time of day: "9 p.m. Tuesday", "10 a.m. Jan. 3", "8 p.m. EST".
_TIME_FOLLOWERS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
    "fri sat sun january february march april may june july august september october november "
    "december jan feb mar apr jun jul aug sep sept oct nov dec local today tonight tomorrow "
    "yesterday eastern central mountain pacific atlantic greenwich utc".split()
)
_TIME_ZONE = re.compile(r"[A-Z]{1,3}[SD]?T")  # ET, EST, EDT, GMT, JST, AEST, CEST
_TIMES = frozenset(("a.m.", "p.m."))
# An ellipsis after a word, then a capital: "The bill passed 52-48... Republicans celebrated".
_ELLIPSIS = re.compile(r"(?:(?<=[^\s.…\"'“‘(\[])(?:…+|\.{3,})|(?<=\w)\s\.(?:\s\.){2,})(?=\s+[\"'“‘(\[]*[A-Z])")
# A time of day, then a capital: a boundary unless the capital goes on the time (above).
_TIME_END = re.compile(r"\b[ap]\.m\.(?=\s+[\"'“‘(\[]*[A-Z])", re.IGNORECASE)
# A full stop with the quotes or brackets that close after it, then a new sentence.
_QUOTED_STOP = re.compile(r"\.[\"'”’)\]]+(?=\s+[\"'“‘(\[]*[A-Z])")
_URL = re.compile(
    r"(?:https?://|www\.)\S*[^\s.,;:!?\"'”’)\]}]|(?<![\w.+-])[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)
# Apostrophes that elide ('90s, 'Tis, rock 'n' roll): sentencex pairs them up as quotes and
# keeps the "quoted" span whole, so it does not see them.
_ELISION = re.compile(
    r"(?<![^\s(\[“\"])['’](?=\d|(?:tis|twas|til|cause|cos|em|n|bout|nuff|round)\b)|(?<=\s['’]n)['’]",
    re.IGNORECASE,
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_SAFE_CUT = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]*[A-Z])")
# sentencex 1.0's time grows with the square of the unclosed opening quotes in what it is
# given (128 KiB of "“ " takes 15 s), so long paragraphs go to it in pieces of this size.
_CHUNK = 4096
_NEAR = 64  # characters looked at on either side of a boundary; keeps long runs linear


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into its sentences, each stripped of surrounding whitespace.

    The sentences, in order, are the paragraph with only the whitespace between them left
    out: no character is added, changed or dropped (empty or blank text gives []). Runs in
    time linear in the paragraph's length (bench/splitters.py: under 0.5 s for 128 KiB).
    """
    if not text.strip():
        return []
    cuts = _adjust(text, _library_cuts(text))
    sentences = _slices(text, cuts)
    if not rejoins(text, sentences):
        sentences = _slices(text, _safe_cuts(text))
    return sentences


def join_sentences(sentences: Sequence[str], lang: str) -> str:
    """Sentences back into a paragraph: Japanese is written without spaces between them."""
    return ("" if lang == "ja" else " ").join(s for s in sentences if s)


def split_long_sentence(sentence: str, max_chars: int) -> list[str]:
    """Cut an over-long sentence into pieces of at most `max_chars` characters each.

    Each cut falls at a clause boundary: after a semicolon if one fits, else after a comma,
    else after a dash, else at a space, else (one word longer than `max_chars`) inside the
    word; a weaker boundary wins only when the stronger ones would leave a piece shorter
    than a quarter of `max_chars`. The pieces are stripped, non-empty, and joined give back
    the sentence up to the whitespace at the cuts. Time is linear in the sentence's length.
    For sentences longer than a translation model takes whole (CTranslate2 cuts input past
    `max_input_length`, 1,024 tokens by default). Raises ValueError when `max_chars` < 1.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")
    text = sentence.strip()
    pieces, start = [], 0
    while len(text) - start > max_chars:
        cut = _clause_cut(text, start, max_chars)
        pieces.append(text[start:cut].rstrip())
        start = cut
        while text[start].isspace():  # text is stripped: a non-space follows
            start += 1
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def rejoins(text: str, sentences: Iterable[str]) -> bool:
    """Whether the sentences, in order, are exactly `text` less the whitespace around them.

    Each sentence must be non-empty and stripped; `text` may have any whitespace before,
    between and after them.
    """
    at = 0
    for sentence in sentences:
        if not sentence or sentence != sentence.strip():
            return False
        while at < len(text) and text[at].isspace():
            at += 1
        if not text.startswith(sentence, at):
            return False
        at += len(sentence)
    return not text[at:].strip()


# -- boundaries: the library's, then the rule layer's ---------------------------------


def _library_cuts(text: str) -> list[int]:
    """sentencex's boundaries, as offsets where sentences start, over pieces of at most `_CHUNK` characters.

    A piece ends where the safe split would cut (that cut is kept), or failing that at a
    space (not a boundary), so that a long paragraph costs time linear in its length.
    """
    # sentencex is given a copy of the same length: eliding apostrophes masked, and lone
    # surrogates (text decoded with surrogateescape), which it cannot encode, replaced.
    cuts, start, masked = [], 0, _SURROGATE.sub("\ufffd", _ELISION.sub(_mask, text))
    safe = _safe_cuts(text) if len(text) > _CHUNK else []
    while len(text) - start > _CHUNK:
        i = bisect.bisect_right(safe, start + _CHUNK) - 1
        if i >= 0 and safe[i] > start + _CHUNK // 2:
            end, boundary = safe[i], True
        else:
            space = max(text.rfind(" ", start + _CHUNK // 2, start + _CHUNK), text.rfind("\n", start + _CHUNK // 2, start + _CHUNK))
            end, boundary = (space if space > 0 else start + _CHUNK), False
        cuts.extend(start + cut for cut in _sentencex_cuts(masked[start:end]))
        cuts.extend([end] if boundary else [])
        start = end
    cuts.extend(start + cut for cut in _sentencex_cuts(masked[start:]))
    return cuts


def _mask(apostrophe: re.Match[str]) -> str:
    """A letter or digit in place of an eliding apostrophe, of the case of what follows it."""
    after = apostrophe.string[apostrophe.end() : apostrophe.end() + 1]
    return "0" if after.isdigit() else "X" if after.isupper() else "x"


def _sentencex_cuts(text: str) -> list[int]:
    """sentencex's boundaries in `text`; the safe split's when its spans do not tile the text."""
    spans = [(s["start_index"], s["end_index"]) for s in sentencex.get_sentence_boundaries("en", text)]
    tiles = bool(spans) and spans[0][0] == 0 and spans[-1][1] == len(text)
    tiles = tiles and all(a < b for a, b in spans) and all(p[1] == n[0] for p, n in zip(spans, spans[1:]))
    return [start for start, _ in spans[1:]] if tiles else _safe_cuts(text)


def _safe_cuts(text: str) -> list[int]:
    """Cut only at whitespace after . ! ? … (and closing quotes) before a capital: crude, lossless."""
    return [m.end() for m in _SAFE_CUT.finditer(text)]


def _adjust(text: str, cuts: Iterable[int]) -> list[int]:
    """The rule layer: boundaries moved to whitespace, added after quoted stops and ellipses, and dropped where wire copy goes on."""
    candidates = {_snap(text, cut) for cut in cuts}
    candidates.update(m.end() for m in _QUOTED_STOP.finditer(text))
    candidates.update(m.end() for m in _ELLIPSIS.finditer(text))
    candidates.update(m.end() for m in _TIME_END.finditer(text))
    urls = [(m.start(), m.end()) for m in _URL.finditer(text)]
    starts = [start for start, _ in urls]
    kept = []
    for cut in sorted(c for c in candidates if c is not None):
        left, right = _gap(text, cut)
        if 0 < left and right < len(text) and not _inside(urls, starts, left, right) and _ends_here(text, left, right):
            kept.append(right)
    return kept


def _snap(text: str, cut: int) -> int | None:
    """Move a boundary that falls inside a run of non-space characters to the whitespace beside it.

    Closing quotes and brackets stay with the sentence before ('Never.' not 'Never. + '),
    opening ones go with the sentence after; a boundary inside a word or a URL is dropped
    (None), except straight after . ! ? before a capital ("3-2.He left").
    """
    if cut <= 0 or cut >= len(text):
        return None
    if text[cut - 1].isspace() or text[cut].isspace():
        return cut
    end = cut
    while end < len(text) and end - cut < _NEAR and text[end] in _CLOSERS:
        end += 1
    if end == len(text) or text[end].isspace():
        return end
    start = cut
    while start > 0 and cut - start < _NEAR and text[start - 1] in _OPENERS:
        start -= 1
    if start == 0 or text[start - 1].isspace():
        return start
    if text[cut - 1] in _TERMINALS and (text[cut].isupper() or text[cut] in _OPENERS):
        return cut
    return None


def _gap(text: str, cut: int) -> tuple[int, int]:
    """The whitespace around a boundary: (end of the sentence before, start of the one after)."""
    left, right = cut, cut
    while left > 0 and cut - left < _NEAR and text[left - 1].isspace():
        left -= 1
    while right < len(text) and right - cut < _NEAR and text[right].isspace():
        right += 1
    return left, right


def _inside(urls: list[tuple[int, int]], starts: list[int], left: int, right: int) -> bool:
    """Whether a boundary falls within a URL or an e-mail address (spans sorted by start)."""
    i = bisect.bisect_left(starts, right) - 1
    return i >= 0 and urls[i][0] < left and right < urls[i][1]


def _ends_here(text: str, left: int, right: int) -> bool:
    """Whether a sentence may end at `left` when the next one would start at `right`."""
    before = _word_before(text, left)
    after, next_after = _words_after(text, right)
    bare = after.lstrip("\"'“‘’«([{")  # ’ before a letter elides: ’Tis, ’90s
    if not bare or bare[0] in ",;:%&)]}”»" or bare[0].islower() and not _is_brand(bare):
        return False  # "5 kg. more", "Approx. two", "?&page=2", "Why?" he asked
    word = before.lstrip("\"'“‘«([{").lower()
    stem = word.rstrip(".")
    follower = bare.rstrip(".,;:!?\"'”’)").lower()
    if word in _TIMES:
        return not (
            follower in _TIME_FOLLOWERS
            or _TIME_ZONE.fullmatch(bare.rstrip(".,;:)"))
            or after[:1] == "(" and after[1:2].isdigit()
            or next_after.rstrip(".,;:)").lower() == "time"  # "9 p.m. Tokyo time"
        )
    if word.endswith(".") and stem in _TITLES:
        return False  # "Ft. Bragg", "Gen. Mark Milley"
    if word.endswith(".") and stem in _SUFFIXES:
        return follower in _STARTERS
    return True


def _word_before(text: str, left: int) -> str:
    start = left
    while start > 0 and left - start < _NEAR and not text[start - 1].isspace():
        start -= 1
    return text[start:left]


def _words_after(text: str, right: int) -> tuple[str, str]:
    words = text[right : right + 2 * _NEAR].split(maxsplit=2)
    return (words + ["", ""])[0], (words + ["", ""])[1]


def _is_brand(word: str) -> bool:
    """Lower-case first, capital inside: iPhone, eBay, which do start sentences."""
    return any(c.isupper() for c in word[1:3])


def _slices(text: str, cuts: Iterable[int]) -> list[str]:
    bounds = [0, *sorted(set(cuts)), len(text)]
    pieces = (text[a:b].strip() for a, b in zip(bounds, bounds[1:]))
    return [p for p in pieces if p]


# -- over-long sentences ----------------------------------------------------------------

# Clause boundaries, strongest first; a cut goes after the mark and the space that follows.
_CLAUSE_MARKS = (re.compile(r";\s"), re.compile(r",\s"), re.compile(r"\s?[—–]\s?|\s-{1,2}\s"), re.compile(r"\s"))


def _clause_cut(text: str, start: int, limit: int) -> int:
    """Where the piece of `text` from `start` (not a space) ends: at most `limit` characters on, at the strongest boundary."""
    for least in (max(1, limit // 4), 1):
        for mark in _CLAUSE_MARKS:
            for match in reversed(list(mark.finditer(text, start, start + limit + 1))):
                end = match.end()
                while end > start and text[end - 1].isspace():
                    end -= 1
                if least <= end - start <= limit:
                    return match.end()
                if end - start < least:
                    break
    return start + limit

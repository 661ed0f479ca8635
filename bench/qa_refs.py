"""QA checks on the NTREX dev set: flags per 100 sentences for each check, with examples.

    .venv/bin/python -m bench.qa_refs                     # the human references
    .venv/bin/python -m bench.qa_refs --hyp out.txt       # machine output, one line per dev sentence
    .venv/bin/python -m bench.qa_refs --hyp raw.txt --post-edit --sample 50   # as the batch saves it; 50 flags to judge
    .venv/bin/python -m bench.qa_refs --ratios            # length-ratio percentiles (qa.LENGTH_RATIO_*)

On the references every flag is a false alarm or a slip of the human translator,
so their rate is the checks' false-alarm ceiling (except ``style``, which counts
where the references depart from the desk's news style); the issue's target for the
number check is under 2 per 100 sentences. Sentences are grouped into articles
by doc_id (for the name check); the first sentence of each document is its
headline, as in the NTREX layout. `--examples N` prints N flags per check
(default 10) for a human to judge; `--sample N`, N flags drawn from all of them.
`--post-edit` first does to each line what the batch does to machine output
(pipeline.post_edit: glossary renderings, news style, headlines as headlines):
the raw output of `python -m models.recipe evaluate --hypotheses FILE` then
gets the flags an editor would see.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

from translator.quality.glossary import read_glossary
from translator.quality.checks import Check, SentencePair, check_article, style_flags

NTREX = REPO.parent / "shared" / "corpus" / "dev" / "ntrex-dev.tsv"


def read_dev(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))


def ratio_percentiles(rows: list[dict[str, str]], min_english: int) -> str:
    ratios = sorted(
        len(row["ja"].strip()) / len(row["en"].strip()) for row in rows if len(row["en"].strip()) >= min_english
    )
    points = [0, 0.5, 1, 50, 99, 99.5, 100]
    cells = [f"p{p:g}={ratios[min(len(ratios) - 1, int(p / 100 * len(ratios)))]:.3f}" for p in points]
    return f"{len(ratios)} pairs with English of {min_english}+ characters: " + " ".join(cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=NTREX, help="the dev TSV (doc_id, en, ja)")
    parser.add_argument("--hyp", type=Path, help="Japanese to check instead of the references, one line per dev row")
    parser.add_argument("--glossary", type=Path, help="a glossary CSV (english,japanese,note)")
    parser.add_argument("--examples", type=int, default=10, help="example flags printed per check")
    parser.add_argument("--ratios", action="store_true", help="print the length-ratio percentiles and stop")
    parser.add_argument("--post-edit", action="store_true", help="post-edit each --hyp line as the batch does")
    parser.add_argument("--sample", type=int, default=0, help="also print N flags drawn from all checks")
    args = parser.parse_args(argv)

    rows = read_dev(args.dev)
    if args.ratios:
        from translator.quality.checks import LENGTH_RATIO_MIN_ENGLISH

        print(ratio_percentiles(rows, LENGTH_RATIO_MIN_ENGLISH))
        return 0
    japanese = [row["ja"] for row in rows]
    if args.hyp:
        japanese = args.hyp.read_text(encoding="utf-8").split("\n")
        if japanese and japanese[-1] == "":
            japanese.pop()
        if len(japanese) != len(rows):
            print(f"{args.hyp}: {len(japanese)} lines for {len(rows)} dev sentences", file=sys.stderr)
            return 1
    glossary = read_glossary(args.glossary) if args.glossary else []

    documents: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        documents[row["doc_id"]].append(index)
    if args.hyp and args.post_edit:
        from translator.translation.pipeline import post_edit

        for indexes in documents.values():
            for n, i in enumerate(indexes):
                japanese[i] = post_edit(rows[i]["en"].strip(), japanese[i].strip(), glossary, headline=n == 0)
    flags_by_row: dict[int, list] = {}
    for indexes in documents.values():
        pairs = [
            SentencePair(rows[i]["en"].strip(), japanese[i].strip(), is_headline=(n == 0))
            for n, i in enumerate(indexes)
        ]
        for i, pair, flags in zip(indexes, pairs, check_article(pairs, glossary)):
            flags_by_row[i] = flags + style_flags(pair.japanese, is_headline=pair.is_headline)

    total = len(rows)
    flagged_rows: dict[Check, set[int]] = defaultdict(set)
    counts: Counter = Counter()
    examples: dict[Check, list[tuple[int, object]]] = defaultdict(list)
    for i, flags in flags_by_row.items():
        for flag in flags:
            counts[flag.check, flag.severity] += 1
            flagged_rows[flag.check].add(i)
            examples[flag.check].append((i, flag))

    source = args.hyp or f"{args.dev.name} references"
    print(f"{source}: {total} sentences, {len(documents)} documents")
    print(f"{'check':<18} {'sentences':>9} {'per 100':>8}   flags by severity")
    for check in Check:
        by_severity = ", ".join(f"{s.value} {n}" for (c, s), n in sorted(counts.items()) if c is check) or "-"
        hit = len(flagged_rows[check])
        print(f"{check.value:<18} {hit:>9} {100 * hit / total:>8.2f}   {by_severity}")
    any_flag = sum(1 for flags in flags_by_row.values() if flags)
    print(f"{'any':<18} {any_flag:>9} {100 * any_flag / total:>8.2f}")

    chooser = random.Random(0)  # the same examples on every run
    everything = sorted((item for check in Check for item in examples[check]), key=lambda item: item[0])
    if args.sample:
        drawn = sorted(chooser.sample(everything, min(args.sample, len(everything))), key=lambda item: item[0])
        print(f"\n== sample: {len(drawn)} of {len(everything)} flags")
        for number, (i, flag) in enumerate(drawn, 1):
            print(f"{number}. [{i + 2}] {flag.check.value} {flag.severity.value}: {flag.message}")
            print(f"    en: {rows[i]['en'].strip()}")
            print(f"    ja: {japanese[i].strip()}")
    for check in Check:
        if not examples[check] or not args.examples:
            continue
        shown = examples[check]
        if len(shown) > args.examples:
            shown = sorted(chooser.sample(shown, args.examples), key=lambda item: item[0])
        print(f"\n== {check.value}: {len(examples[check])} flags, {len(shown)} shown")
        for i, flag in shown:
            print(f"[{i + 2}] {flag.severity.value}: {flag.message}")
            print(f"    en: {rows[i]['en'].strip()}")
            print(f"    ja: {japanese[i].strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

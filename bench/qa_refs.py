"""QA checks on the NTREX dev set: flags per 100 sentences for each check, with examples.

    .venv/bin/python -m bench.qa_refs                     # the human references
    .venv/bin/python -m bench.qa_refs --hyp out.txt       # machine output, one line per dev sentence
    .venv/bin/python -m bench.qa_refs --hyp raw.txt --post-edit --sample 50   # as the batch saves it; 50 flags to judge
    .venv/bin/python -m bench.qa_refs --ratios            # length-ratio percentiles (qa.LENGTH_RATIO_*)
    .venv/bin/python -m bench.qa_refs --translate models/translate-en_ja-0_5.argosmodel --hyp hyp.jsonl --post-edit
                                                          # translate the dev set first, keeping each score

Finding bad machine sentences (issue 24): with `--hyp`, a second table gives per
check (a) the share of the machine sentences whose sentence chrF (sacrebleu's
CHRF, default settings, against the reference) is under `--bad-chrf` (15) that
carry a flag, and (b) the share of the human references that carry one; the
line "any" counts every check but ``style``. `--translate PACKAGE` first
translates the dev English through the project's engine (default decoding; a
few minutes on two cores) and writes `--hyp` as JSON lines (text, truncated,
score, pieces): the model's score is what the ``confidence`` check reads, so
machine output read from plain text gets no confidence flags. `--confidence`
also prints what each threshold of the confidence check would flag, and the one
the rule picks for a package's metadata (`rule_threshold`).

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
import json
import random
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

from translator.quality.glossary import read_glossary
from translator.quality.checks import Check, SentencePair, check_article, style_flags

NTREX = REPO.parent / "shared" / "corpus" / "dev" / "ntrex-dev.tsv"


def read_dev(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))


def translate_dev(package: Path, rows: list[dict[str, str]], out: Path) -> None:
    """Translate the dev English with the package through the project's engine; write JSON lines to `out`."""
    from translator.translation.engine import CTranslate2Engine, EngineOptions
    from translator.translation.packages import install

    with tempfile.TemporaryDirectory() as packages_dir:
        engine = CTranslate2Engine(install(package, Path(packages_dir)), EngineOptions())
        hypotheses = engine.translate([row["en"].strip() for row in rows])
    with out.open("w", encoding="utf-8") as file:
        for h in hypotheses:
            record = {"text": h.text.replace("\n", " "), "truncated": h.truncated, "score": h.score, "pieces": h.pieces}
            file.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_hypotheses(path: Path) -> list[dict]:
    """Machine output, one per dev sentence: JSON lines as `translate_dev` writes them, or plain lines of text."""
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in lines]
    return [{"text": line, "truncated": False, "score": None} for line in lines]


def check_all(rows: list[dict[str, str]], japanese: list[str], glossary: list, hypotheses: list[dict] | None = None):
    """Flags per dev row: check_article per document (its first row the headline), then style_flags."""
    documents: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        documents[row["doc_id"]].append(index)
    flags_by_row: dict[int, list] = {}
    for indexes in documents.values():
        pairs = [
            SentencePair(
                rows[i]["en"].strip(),
                japanese[i].strip(),
                truncated=bool(hypotheses[i].get("truncated")) if hypotheses else False,
                is_headline=(n == 0),
                score=hypotheses[i].get("score") if hypotheses else None,
            )
            for n, i in enumerate(indexes)
        ]
        for i, pair, flags in zip(indexes, pairs, check_article(pairs, glossary)):
            flags_by_row[i] = flags + style_flags(pair.japanese, is_headline=pair.is_headline)
    return flags_by_row, documents


def sentence_chrf(hypotheses: list[str], references: list[str]) -> list[float]:
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    return [chrf.sentence_score(h, [r]).score for h, r in zip(hypotheses, references)]


def bad_sentence_table(
    flags_by_row: dict[int, list], reference_flags: dict[int, list], chrf: list[float], bad_chrf: float
) -> str:
    """Per check: (a) share of the sentences under `bad_chrf` flagged, (b) share of the references flagged."""
    bad = [i for i, score in enumerate(chrf) if score < bad_chrf]
    total = len(chrf)
    lines = [
        f"(a) of the {len(bad)} machine sentences with sentence chrF under {bad_chrf:g}, the share flagged;",
        f"(b) of the {total} references, the share flagged (every flag is a false alarm or a translator's slip)",
        f"{'check':<18} {'(a) bad':>8} {'(b) refs':>9}   machine sentences flagged (of {total})",
    ]

    def hit(rows_flags: dict[int, list], check: Check | None) -> set[int]:
        return {
            i
            for i, flags in rows_flags.items()
            if any((f.check is check) if check else (f.check is not Check.STYLE) for f in flags)
        }

    for check in [*Check, None]:
        machine, refs = hit(flags_by_row, check), hit(reference_flags, check)
        name = check.value if check else "any (not style)"
        a = 100 * len(machine & set(bad)) / max(len(bad), 1)
        lines.append(f"{name:<18} {a:>7.1f}% {100 * len(refs) / total:>8.1f}%   {len(machine)}")
    return "\n".join(lines)


def _under(hypotheses: list[dict], threshold: float) -> set[int]:
    """The rows whose score is under `threshold`: those the confidence check warns of."""
    return {i for i, h in enumerate(hypotheses) if h.get("score") is not None and h["score"] < threshold}


def confidence_table(hypotheses: list[dict], chrf: list[float], bad_chrf: float, others: set[int]) -> str:
    """What each confidence threshold flags: (a) alone, the share of its flags on bad sentences, and (a) with
    the other checks (`others`: rows another check flags)."""
    bad = {i for i, score in enumerate(chrf) if score < bad_chrf}
    good = len(chrf) - len(bad)
    lines = [f"{'threshold':>9} {'flagged':>8} {'(a) alone':>10} {'on bad':>7} {'good flagged':>13} {'(a) with all':>13}"]
    grid = (-1.7, -1.6, -1.5, -1.4, -1.3, -1.25, -1.2, -1.15, -1.1, -1.05, -1.0, -0.95, -0.9, -0.85, -0.8, -0.75, -0.7)
    for threshold in (float("-inf"), *grid):
        low = _under(hypotheses, threshold)
        lines.append(
            f"{'off' if threshold == float('-inf') else threshold:>9} {len(low):>8} {100 * len(low & bad) / len(bad):>9.1f}% "
            f"{100 * len(low & bad) / max(len(low), 1):>6.1f}% {100 * len(low - bad) / good:>12.1f}% "
            f"{100 * len((low | others) & bad) / len(bad):>12.1f}%"
        )
    return "\n".join(lines)


def rule_threshold(
    hypotheses: list[dict], chrf: list[float], bad_chrf: float, others: set[int], goal: float = 0.8
) -> float | None:
    """The confidence threshold a package carries (metadata.json's `confidence_threshold`): the lowest,
    so the one that warns least, in steps of 0.05 from -3.0 to 0.0, at which QA as a whole (the
    threshold with the `others`) flags at least `goal` of the bad sentences (issue 24's goal: 80%).
    None when none does."""
    bad = {i for i, score in enumerate(chrf) if score < bad_chrf}
    for step in range(-60, 1):
        threshold = step / 20
        if len((_under(hypotheses, threshold) | others) & bad) >= goal * len(bad):
            return threshold
    return None


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
    parser.add_argument("--translate", type=Path, metavar="PACKAGE", help="first translate the dev set into --hyp (.jsonl)")
    parser.add_argument("--bad-chrf", type=float, default=15.0, help="a machine sentence under this sentence chrF is bad")
    parser.add_argument("--confidence", action="store_true", help="print what each confidence threshold flags")
    args = parser.parse_args(argv)

    rows = read_dev(args.dev)
    if args.ratios:
        from translator.quality.checks import LENGTH_RATIO_MIN_ENGLISH

        print(ratio_percentiles(rows, LENGTH_RATIO_MIN_ENGLISH))
        return 0
    japanese = [row["ja"] for row in rows]
    hypotheses = None
    if args.translate:
        if not args.hyp or args.hyp.suffix != ".jsonl":
            parser.error("--translate needs --hyp FILE.jsonl to write the translations to")
        translate_dev(args.translate, rows, args.hyp)
    if args.hyp:
        hypotheses = read_hypotheses(args.hyp)
        japanese = [h["text"] for h in hypotheses]
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
    flags_by_row, documents = check_all(rows, japanese, glossary, hypotheses)

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
    if args.hyp:
        references = [row["ja"].strip() for row in rows]
        reference_flags, _ = check_all(rows, references, glossary)
        chrf = sentence_chrf([text.strip() for text in japanese], references)
        print()
        print(bad_sentence_table(flags_by_row, reference_flags, chrf, args.bad_chrf))
        if args.confidence:
            others = {
                i for i, flags in flags_by_row.items() if any(f.check not in (Check.STYLE, Check.CONFIDENCE) for f in flags)
            }
            print()
            print(confidence_table(hypotheses or [], chrf, args.bad_chrf, others))
            picked = rule_threshold(hypotheses or [], chrf, args.bad_chrf, others)
            print(f"the rule's threshold (QA flags 80% of the bad sentences): {picked}")

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

"""Glossary names on NTREX: how often a package writes a name as the references do, without and with enforcement.

    .venv/bin/python -m bench.glossary_names --package models/translate-en_ja-0_5.argosmodel [--examples 10]

The names come from the dev set: each capitalised English word whose katakana the
reference clearly shows (terms.renderings), kept when the references write it
one way wherever they show it, when the word never appears in lowercase in the
dev English (not "Band", "Analysts"), and when it sounds very like its katakana
(similarity >= EXTRACT_SIMILARITY, stricter than the 0.8 that enforcement
accepts: an extracted pair must be right, April/ポール is not). Those names, with
their katakana, are the glossary, as a desk would keep it. A mention is a dev sentence that names one
and whose reference writes it that way. Every such sentence is translated once
with the package; a mention is right when the name's katakana is in the output:

- without enforcement: the engine's output as it is;
- with enforcement: that output after terms.enforce_terms with the glossary (what
  the batch saves, before news style, which leaves katakana alone).

`--examples N` prints N outputs that enforcement changed, for a human to judge
whether each replacement hit the name (and nothing else).
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from translator.translation.engine import CTranslate2Engine, Decoding, EngineOptions  # noqa: E402
from translator.quality.glossary import GlossaryEntry, find_terms  # noqa: E402
from translator.translation.packages import install  # noqa: E402
from translator.quality.terms import enforce_terms, renderings, similarity  # noqa: E402

NTREX = REPO.parent / "shared" / "corpus" / "dev" / "ntrex-dev.tsv"


def read_dev(path: Path) -> list[tuple[str, str]]:
    """(English, Japanese) per dev row, stripped."""
    with path.open(encoding="utf-8", newline="") as file:
        rows = csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["en"].strip(), row["ja"].strip()) for row in rows]


EXTRACT_SIMILARITY = 0.9


def name_glossary(rows: list[tuple[str, str]]) -> list[GlossaryEntry]:
    """Names the references render in katakana, one way only, as glossary entries in order of the English."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for english, japanese in rows:
        for name, katakana in renderings(english, japanese).items():
            seen[name][katakana] += 1
    lowercase = {word for english, _ in rows for word in re.findall(r"\b[a-z]+\b", english)}
    return [
        GlossaryEntry(name, katakana)
        for name, ways in sorted(seen.items())
        if len(ways) == 1
        and name.lower() not in lowercase
        and similarity(name, katakana := next(iter(ways))) >= EXTRACT_SIMILARITY
    ]


@dataclass(frozen=True)
class Mention:
    """A dev row that names a glossary entry, written the glossary's way in the reference."""

    row: int
    entry: GlossaryEntry


def mentions(rows: list[tuple[str, str]], glossary: list[GlossaryEntry]) -> list[Mention]:
    """Each (row, entry) whose English names the entry and whose reference writes it the glossary's way."""
    return [
        Mention(index, entry)
        for index, (english, japanese) in enumerate(rows)
        for entry, _ in find_terms(english, glossary)
        if entry.japanese in japanese
    ]


@dataclass(frozen=True)
class Score:
    """Mentions, those right without and with enforcement, sentences translated, outputs enforcement changed."""

    mentions: int
    right_before: int
    right_after: int
    sentences: int
    changed: int

    def _share(self, right: int) -> str:
        return f"{right}/{self.mentions} ({100 * right / self.mentions if self.mentions else 0:.1f}%)"

    def lines(self) -> list[str]:
        return [
            f"  without enforcement  {self._share(self.right_before)}",
            f"  with enforcement     {self._share(self.right_after)}",
            f"enforcement changed {self.changed} of {self.sentences} outputs",
        ]


def score(
    rows: list[tuple[str, str]], found: list[Mention], outputs: dict[int, str], glossary: list[GlossaryEntry]
) -> tuple[Score, dict[int, str]]:
    """The shares right before and after enforcement, and the enforced outputs (row → text)."""
    enforced = {row: enforce_terms(rows[row][0], text, glossary) for row, text in outputs.items()}
    return (
        Score(
            mentions=len(found),
            right_before=sum(m.entry.japanese in outputs[m.row] for m in found),
            right_after=sum(m.entry.japanese in enforced[m.row] for m in found),
            sentences=len(outputs),
            changed=sum(enforced[row] != outputs[row] for row in outputs),
        ),
        enforced,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, required=True, help="the .argosmodel to measure")
    parser.add_argument("--dev", type=Path, default=NTREX, help="the dev TSV (doc_id, en, ja)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--beam-size", type=int, default=Decoding().beam_size)
    parser.add_argument("--examples", type=int, default=0, help="changed outputs printed")
    args = parser.parse_args(argv)

    rows = read_dev(args.dev)
    glossary = name_glossary(rows)
    found = mentions(rows, glossary)
    sentences = sorted({m.row for m in found})
    info = install(args.package, Path(tempfile.mkdtemp()) / "packages")
    engine = CTranslate2Engine(info, EngineOptions(device=args.device, decoding=Decoding(beam_size=args.beam_size)))
    translated = engine.translate([rows[row][0] for row in sentences])
    outputs = {row: hypothesis.text for row, hypothesis in zip(sentences, translated)}
    result, enforced = score(rows, found, outputs, glossary)

    print(
        f"{info.name} {info.package_version} on {args.dev.name}: {len(glossary)} names written one way in the "
        f"references; {result.mentions} mentions in {result.sentences} sentences"
    )
    print("names written as the references write them:")
    print("\n".join(result.lines()))
    changed = [row for row in sentences if enforced[row] != outputs[row]]
    for row in sorted(random.Random(0).sample(changed, min(args.examples, len(changed)))):
        print(f"\n[{row + 2}] en:     {rows[row][0]}\n    before: {outputs[row]}\n    after:  {enforced[row]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

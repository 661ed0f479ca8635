"""Score a package on the NTREX dev set through the same engine the pipeline uses.

chrF with sacrebleu's defaults, BLEU with tokenize="ja-mecab", as the corpus
README asks. Sentences are translated one by one as the dev file lists them
(each row is one sentence or headline), batched by the engine.
"""

from __future__ import annotations

import csv
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from translator.translation.engine import CTranslate2Engine, Decoding, EngineOptions
from translator.translation.packages import install


def read_dev(path: Path) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r["en"] for r in rows], [r["ja"] for r in rows]


def write_lines(path: Path, lines: list[str]) -> None:
    """One text per line, as sacrebleu and bench.qa_refs read them (a newline inside one
    becomes a space, so line k stays dev sentence k)."""
    path.write_text("".join(line.replace("\n", " ") + "\n" for line in lines), encoding="utf-8")


def score(hypotheses: list[str], references: list[str]) -> dict[str, float]:
    import sacrebleu

    chrf = sacrebleu.corpus_chrf(hypotheses, [references])
    bleu = sacrebleu.corpus_bleu(hypotheses, [references], tokenize="ja-mecab")
    return {"chrF": round(chrf.score, 2), "BLEU": round(bleu.score, 2)}


def evaluate(
    package_file: Path,
    dev_file: Path,
    decodings: list[Decoding],
    threads: int = 0,
    limit: int | None = None,
    compute_types: tuple[str, ...] = ("default",),
    hypotheses_file: Path | None = None,
) -> list[dict]:
    """One result per (CTranslate2 compute type, decoding setting): scores, speed, and a few examples.

    Speed is dev sentences per second through CTranslate2Engine.translate (tokenize,
    batch by length, decode, detokenize), after a warm-up sentence, on
    `threads` CPU threads (0: all cores). `hypotheses_file`: the first setting's
    output is written there, one line per dev sentence (bench/qa_refs.py --hyp).
    """
    sources, references = read_dev(dev_file)
    sources, references = sources[:limit], references[:limit]
    results = []
    with tempfile.TemporaryDirectory() as packages_dir:
        info = install(package_file, Path(packages_dir))
        for compute_type in compute_types:
            loaded = CTranslate2Engine(info, EngineOptions(threads=threads, compute_type=compute_type))
            loaded.translate(["Warm-up: load the model before timing."])
            for decoding in decodings:
                result, hypotheses = _run(loaded, decoding, compute_type, sources, references)
                if hypotheses_file is not None and not results:
                    write_lines(hypotheses_file, hypotheses)
                results.append(result)
    return results


def _run(
    engine: CTranslate2Engine, decoding: Decoding, compute_type: str, sources: list[str], references: list[str]
) -> tuple[dict, list[str]]:
    started = time.perf_counter()
    outputs = engine.with_decoding(decoding).translate(sources)
    seconds = time.perf_counter() - started
    hypotheses = [output.text for output in outputs]
    return {
        "compute_type": compute_type,
        "decoding": asdict(decoding),
        **score(hypotheses, references),
        "sentences": len(sources),
        "seconds": round(seconds, 2),
        "sentences_per_second": round(len(sources) / seconds, 1),
        "cut_at_length_limit": sum(output.truncated for output in outputs),
        "examples": [
            {"en": s, "ja": h, "reference": r}
            for s, h, r in list(zip(sources, hypotheses, references))[:3]
        ],
    }, hypotheses

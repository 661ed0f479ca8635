"""Minimum Bayes risk decoding against plain beam search, on the NTREX dev set (issue 21).

    .venv/bin/python -m bench.mbr --threads 2   # --package FILE; default: the bundled package

For each setting the model gives n candidates per sentence (the n best of a beam,
or n samples); MBR keeps the candidate whose chrF against the others is highest
(the candidates stand in for the unknown reference: Kumar & Byrne 2004; Freitag
et al. 2022, "High Quality Rather than High Model Probability"), with sacrebleu's
sentence chrF as the utility. The baseline is the engine's own decoding (beam 4,
repetition penalty 1.2, the same length limit). Reports corpus chrF and BLEU
(ja-mecab) and sentences per second, model and selection together.

`--out DIR` writes each setting's output to DIR/<setting>.txt and the references
to DIR/references.txt, one line per dev sentence, for a paired significance test
of two packages or settings (sacrebleu's paired bootstrap, 1,000 resamples):

    sacrebleu A/references.txt -i A/beam4-mbr4.txt B/beam4-mbr4.txt -m chrf bleu \\
        --tokenize ja-mecab --paired-bs -f text
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from pathlib import Path

from models.recipe.evaluate import read_dev, score, write_lines
from translator.translation.mbr import choose
from translator.translation.packages import install

REPO = Path(__file__).resolve().parent.parent
NTREX = REPO.parent / "shared" / "corpus" / "dev" / "ntrex-dev.tsv"


def bundled_package() -> Path:
    """The package in models/ that the recipe's configs/cpu.json names (the one shipped;
    tests/test_packages.py checks that they agree)."""
    name = json.loads((REPO / "models" / "recipe" / "configs" / "cpu.json").read_text())["name"]
    return REPO / "models" / f"{name}.argosmodel"


def decode(translator, tokens, *, beam: int, n: int, sampling: bool, batch_tokens: int) -> list[list[list[str]]]:
    """n candidates (token lists) per sentence, as the engine decodes: repetition penalty 1.2, limit 3n+16."""
    order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
    out: list = [None] * len(tokens)
    start = 0
    while start < len(order):
        longest, end = 0, start
        while end < len(order) and max(longest, len(tokens[order[end]])) * (end - start + 1) <= batch_tokens:
            longest = max(longest, len(tokens[order[end]]))
            end += 1
        end = max(end, start + 1)
        batch = [tokens[i] for i in order[start:end]]
        limit = math.ceil(3 * max(len(t) for t in batch)) + 16
        options = dict(max_decoding_length=limit, repetition_penalty=1.2, return_scores=True, max_input_length=0)
        if sampling:
            results = translator.translate_batch(
                [t for t in batch for _ in range(n)], beam_size=1, sampling_topk=0, sampling_topp=0.9,
                sampling_temperature=1.0, **options,
            )
            for k, i in enumerate(order[start:end]):
                out[i] = [results[k * n + j].hypotheses[0] for j in range(n)]
        else:
            results = translator.translate_batch(batch, beam_size=beam, num_hypotheses=n, **options)
            for k, i in enumerate(order[start:end]):
                out[i] = results[k].hypotheses
        start = end
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", type=Path, help="the .argosmodel to score (default: the bundled package)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--compute-type",
        default="default",
        help="CTranslate2's compute type (default: as the package stores it, as the engine does; float32, ...)",
    )
    parser.add_argument("--limit", type=int)
    parser.add_argument("--settings", default="beam4,beam4-mbr4,beam8-mbr8,sample8-mbr8")
    parser.add_argument(
        "--out", type=Path, help="write each setting's output to OUT/<setting>.txt, the references to OUT/references.txt"
    )
    args = parser.parse_args(argv)
    args.package = args.package or bundled_package()
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    import ctranslate2
    import sentencepiece

    sources, references = read_dev(NTREX)
    sources, references = sources[: args.limit], references[: args.limit]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        info = install(args.package, Path(folder))
        processor = sentencepiece.SentencePieceProcessor(model_file=str(info.path / "sentencepiece.model"))
        translator = ctranslate2.Translator(
            str(info.path / "model"), device="cpu", intra_threads=args.threads, compute_type=args.compute_type
        )
        tokens = [processor.encode(s, out_type=str) for s in sources]
        for setting in args.settings.split(","):
            beam, n, sampling = {
                "beam4": (4, 1, False), "beam2": (2, 1, False), "beam4-mbr4": (4, 4, False),
                "beam8-mbr8": (8, 8, False), "beam16-mbr16": (16, 16, False),
                "sample8-mbr8": (1, 8, True), "sample16-mbr16": (1, 16, True),
            }[setting]
            started = time.perf_counter()
            candidates = decode(translator, tokens, beam=beam, n=n, sampling=sampling, batch_tokens=2048)
            texts = [[processor.decode(c) for c in sentence] for sentence in candidates]
            chosen = [sentence[choose(sentence)] if len(sentence) > 1 else sentence[0] for sentence in texts]
            seconds = time.perf_counter() - started
            rows.append({"setting": setting, **score(chosen, references), "sentences_per_second": round(len(sources) / seconds, 1)})
            print(json.dumps(rows[-1]), flush=True)
            if args.out:
                write_lines(args.out / f"{setting}.txt", chosen)
    if args.out:
        write_lines(args.out / "references.txt", references)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

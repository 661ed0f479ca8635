"""Engine settings on this machine: threads, batch size in tokens, beam size, compute type.

    .venv/bin/python -m bench.tune --package models/translate-en_ja-0_5.argosmodel

Translates the NTREX dev sentences (or the first --limit of them) through the
pipeline's engine once per setting and prints sentences per second. Speed only:
the chrF cost of each beam size comes from `python -m models.recipe evaluate --sweep`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from translator.translation.engine import CTranslate2Engine, Decoding, EngineOptions
from translator.translation.packages import install

from .bench import NTREX


def sentences(limit: int | None) -> list[str]:
    import csv

    with NTREX.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row["en"] for row in rows][:limit]


def measure(engine: CTranslate2Engine, texts: list[str]) -> tuple[float, int]:
    """Sentences per second, and how many results were cut at the length limit."""
    started = time.perf_counter()
    results = engine.translate(texts)
    return len(texts) / (time.perf_counter() - started), sum(result.truncated for result in results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=300)
    args = parser.parse_args()
    texts = sentences(args.limit)
    info = install(args.package, Path(tempfile.mkdtemp()) / "packages")
    cores = os.cpu_count() or 1
    settings = [
        {"threads": cores, "batch_tokens": 2048, "beam_size": 2},
        {"threads": 1, "batch_tokens": 2048, "beam_size": 2},
        {"threads": cores, "batch_tokens": 1024, "beam_size": 2},
        {"threads": cores, "batch_tokens": 4096, "beam_size": 2},
        {"threads": cores, "batch_tokens": 8192, "beam_size": 2},
        {"threads": cores, "batch_tokens": 2048, "beam_size": 1},
        {"threads": cores, "batch_tokens": 2048, "beam_size": 4},
    ]
    results = []
    for setting in settings:
        engine = CTranslate2Engine(
            info,
            EngineOptions(
                threads=setting["threads"],
                batch_tokens=setting["batch_tokens"],
                decoding=Decoding(beam_size=setting["beam_size"]),
            ),
        )
        engine.translate(["Load the model before timing."])
        rate, truncated = measure(engine, texts)
        results.append({**setting, "sentences_per_second": round(rate, 1), "truncated": truncated})
        print(json.dumps(results[-1]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

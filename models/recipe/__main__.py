"""The bundled English→Japanese model, from the shared corpus to an .argosmodel.

Steps (each reads and writes under --work):

  prepare   clean, deduplicate, filter and split the corpus; train SentencePiece   (CPU)
  train     train the Transformer until its step or time budget (--resume)          (GPU, or CPU)
  cooldown  from train's state (or the package's weights): the rate falls to zero on a news-heavier mix
  pack      int8 weights + SentencePiece model in parts of under 16 MiB              (where it trained)
  export    parts → CTranslate2 (int8) → .argosmodel                                 (CPU, needs ctranslate2)
  evaluate  chrF and BLEU on the NTREX dev set through the pipeline's engine         (CPU)
  all       every step on one machine (the test suite runs it with configs/tiny.json)

Example:

  python -m models.recipe all --config models/recipe/configs/tiny.json \\
      --work /tmp/recipe --out /tmp/recipe/tiny.argosmodel
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def load_config(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def threads() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def step_prepare(config: dict, work: Path, corpus: Path) -> dict:
    from . import data

    settings = config["data"]
    sources = [data.Source(name, weight) for name, weight in settings["sources"].items()]
    pairs = data.clean_pairs(corpus, sources, settings["max_chars"], settings.get("limit"))
    train, valid = data.split(pairs, settings["valid_size"], settings["seed"])
    folder = work / "data"
    data.write_pairs(train, folder, "train")
    data.write_pairs(valid, folder, "valid")
    data.train_sentencepiece(
        train,
        folder / "spm",
        settings["vocab_size"],
        settings["character_coverage"],
        threads(),
        settings["spm_sample"],
        settings["seed"],
    )
    stats = {
        "clean_pairs": len(pairs),
        "by_source": {s.name: sum(1 for p in pairs if p[2] is s) for s in sources},
        "train_pairs_upsampled": len(train),
        "valid_pairs": len(valid),
        "vocab_size": settings["vocab_size"],
    }
    (folder / "stats.json").write_text(json.dumps(stats, indent=2) + "\n")
    return stats


def step_train(config: dict, work: Path, device_name: str, resume: bool = False, package: Path | None = None) -> dict:
    """Train (CPU or GPU). resume: from WORK/train/state.pt, or else from `package`'s own weights.

    A warm start from a package uses the package's SentencePiece model, so the
    ids it was trained on stay the same on a machine that prepared anew.
    """
    initial, initial_step = None, 0
    if resume and not (work / "train" / "state.pt").exists() and package is not None and package.exists():
        initial, initial_step = _package_start(config, work, package)
    return _run_training(config, work, "train", device_name, resume=resume, initial_weights=initial, initial_step=initial_step)


def step_cooldown(
    config: dict,
    work: Path,
    corpus: Path,
    device_name: str,
    package: Path | None = None,
    into: str = "cooldown",
    extra_sources: dict[str, float] | None = None,
    steps: int | None = None,
) -> dict:
    """Cool the main run down into WORK/<into>/ (resumes from WORK/<into>/state.pt when there).

    Starts from WORK/train/state.pt (weights, EMA, optimizer) when there, else
    from `package`'s weights (a fresh optimizer that re-warms first: a new
    machine has only the committed package). The config's "cooldown" section
    gives `steps` (the learning rate falls linearly to zero over them) and
    `extra_sources` (source weights added to the prepared training data, e.g.
    {"wmt": 4}: more of the news-like pairs the package is for; pairs held out
    for validation stay out); `extra_sources` and `steps` override them (an A/B
    of two mixes from the same start).
    Raises SystemExit for a config without a cooldown or nothing to start from.
    """
    from . import data

    if "cooldown" not in config:
        raise SystemExit("this config has no \"cooldown\" section (configs/cpu.json has one)")
    settings = config["cooldown"]
    state = work / "train" / "state.pt"
    start: dict = {"start_state": state}
    if not state.exists():
        if package is None or not package.exists():
            raise SystemExit(f"no {state} and no package to cool down: run train first")
        initial, initial_step = _package_start(config, work, package)
        start = {"initial_weights": initial, "initial_step": initial_step}
    sources = [data.Source(name, weight) for name, weight in (extra_sources or settings["extra_sources"]).items()]
    limit = config["data"].get("limit")
    extra = [
        (en, ja)
        for en, ja, source in data.clean_pairs(corpus, sources, config["data"]["max_chars"], limit)
        for _ in range(source.copies(en, ja))
    ]
    return _run_training(
        config, work, into, device_name, resume=True, extra_pairs=extra, cooldown_steps=steps or settings["steps"], **start
    )


def _package_start(config: dict, work: Path, package: Path) -> tuple[dict, int]:
    """A package's dequantised weights (as tensors) and step; its SentencePiece model replaces WORK/data/spm.model.

    Raises SystemExit when the package's model shape is not the config's.
    """
    import shutil

    import torch

    from .convert import weights_from_package

    model_dict, initial, initial_step, package_spm = weights_from_package(package, work / "warm-start")
    if {k: v for k, v in model_dict.items() if k != "vocab_size"} != config["model"]:
        raise SystemExit(f"{package} was trained with model {model_dict}, not this config's {config['model']}")
    shutil.copyfile(package_spm, work / "data" / "spm.model")
    return {k: torch.from_numpy(v) for k, v in initial.items()}, initial_step


def _run_training(config: dict, work: Path, stage: str, device_name: str, extra_pairs: list | None = None, **options) -> dict:
    """Encode WORK/data (plus `extra_pairs` for training, less any that are validation pairs) and run train.train into WORK/<stage>/."""
    import sentencepiece as spm
    import torch

    from . import data
    from .model import ModelConfig
    from .train import Corpus, TrainConfig, train

    folder = work / "data"
    spm_model = folder / "spm.model"
    train_config = TrainConfig(**config["train"])

    def corpus(pairs: list[tuple[str, str]]) -> Corpus:
        src = data.encode(spm_model, [en for en, _ in pairs], threads())
        tgt = data.encode(spm_model, [ja for _, ja in pairs], threads())
        return Corpus(src, tgt, train_config.max_tokens_per_sentence)

    vocab_size = spm.SentencePieceProcessor(model_file=str(spm_model)).get_piece_size()
    model_config = ModelConfig(vocab_size=vocab_size, **config["model"])
    device = torch.device(device_name)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
    else:
        torch.set_num_threads(threads())
    out = work / stage
    valid = data.read_pairs(folder, "valid")
    held_out = set(valid)
    return train(
        model_config,
        train_config,
        corpus(data.read_pairs(folder, "train") + [pair for pair in extra_pairs or [] if pair not in held_out]),
        corpus(valid),
        out / "checkpoint.pt",
        out / "log.jsonl",
        device,
        **options,
    )


def step_pack(work: Path, out: Path, stage: str = "train") -> list[Path]:
    """Pack WORK/<stage>/checkpoint.pt (stage: train or cooldown)."""
    from .convert import pack

    return pack(
        work / stage / "checkpoint.pt",
        work / "data" / "spm.model",
        [work / stage / "log.jsonl", work / "data" / "stats.json"],
        out,
    )


def step_export(config: dict, work: Path, parts: Path, out_file: Path) -> Path:
    from .convert import export, make_package, training_record, unpack

    unpacked = unpack(sorted(parts.glob("pack.tar.*")), work / "export")
    model_dir = export(unpacked, work / "export" / "model")
    metadata = {
        "package_version": config["package_version"],
        "argos_version": "1.9",
        "from_code": "en",
        "from_name": "English",
        "to_code": "ja",
        "to_name": "Japanese",
        "code": "translate-en_ja",
        "type": "translate",
        "license": "CC BY-SA 3.0 (trained on the NICT Kyoto Wikipedia corpus; share-alike)",
        "attribution": (
            "Trained on the NICT Japanese-English Bilingual Corpus of Wikipedia's Kyoto Articles v2.01 "
            "(CC BY-SA 3.0), Tatoeba (CC BY 2.0 FR), WMT general and news test sets and WMT research "
            "systems' translations, FLORES-200 devtest (CC BY-SA 4.0), and JMdict/JMnedict names "
            "(EDRDG, CC BY-SA 3.0)."
        ),
        "description": config.get("description", ""),
        "training": training_record(unpacked),
    }
    if "confidence_threshold" in config:  # QA's, chosen for this model (bench/qa_refs.py --confidence)
        metadata["confidence_threshold"] = config["confidence_threshold"]
    return make_package(model_dir, unpacked / "sentencepiece.model", HERE / "PACKAGE_README.md", metadata, out_file)


def step_evaluate(
    package: Path,
    dev: Path,
    sweep: bool,
    limit: int | None,
    compute_types: tuple[str, ...] = ("default",),
    hypotheses: Path | None = None,
) -> list[dict]:
    from dataclasses import replace

    from .evaluate import evaluate

    from translator.translation.engine import Decoding

    decodings = [Decoding()]
    if sweep:
        plain = Decoding(beam_size=2, repetition_penalty=1.0)  # no guard against repeats
        decodings = [
            replace(plain, beam_size=1),
            plain,
            replace(plain, beam_size=4),
            replace(plain, beam_size=4, length_penalty=0.6),
            replace(plain, no_repeat_ngram_size=4),
            replace(plain, repetition_penalty=1.1),
            Decoding(beam_size=1, repetition_penalty=1.2),
            Decoding(beam_size=2, repetition_penalty=1.2),
            Decoding(beam_size=4, repetition_penalty=1.2),
        ]
    return evaluate(package, dev, decodings, limit=limit, compute_types=compute_types, hypotheses_file=hypotheses)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m models.recipe", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("step", choices=["prepare", "train", "cooldown", "pack", "export", "evaluate", "all"])
    parser.add_argument("--config", type=Path, default=HERE / "configs" / "base.json")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--device", default="cuda" if _cuda() else "cpu")
    parser.add_argument("--parts", type=Path, help="folder of pack.tar.* (default: WORK/pack)")
    parser.add_argument("--out", type=Path, help="the .argosmodel to write (export, all)")
    parser.add_argument(
        "--package", type=Path, help="the .argosmodel to score (evaluate), or to start from (train --resume, cooldown)"
    )
    parser.add_argument(
        "--stage", default="train", help="pack: the checkpoint of WORK/<stage> (train, cooldown, or a cooldown's --into)"
    )
    parser.add_argument("--into", help="cooldown: its folder under WORK (default: cooldown)")
    parser.add_argument(
        "--extra-sources", help='cooldown: source weights instead of the config\'s, as JSON (e.g. \'{"wmt": 8}\')'
    )
    parser.add_argument("--steps", type=int, help="cooldown: its length instead of the config's")
    parser.add_argument("--sweep", action="store_true", help="evaluate: compare decoding settings")
    parser.add_argument("--limit", type=int, help="evaluate: only the first N dev sentences")
    parser.add_argument("--hypotheses", type=Path, help="evaluate: write the first setting's output here")
    parser.add_argument(
        "--compute-types",
        default="default",
        help="evaluate: CTranslate2 compute types to compare, comma-separated (e.g. int8,int8_bfloat16,bfloat16)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="train: continue from WORK/train/state.pt, or else from the shipped package's weights",
    )
    args = parser.parse_args(argv)

    config = load_config(args.config)
    parts = args.parts or args.work / "pack"
    out = args.out or REPO / "models" / f"{config['name']}.argosmodel"
    results: object
    if args.step == "prepare":
        results = step_prepare(config, args.work, args.corpus)
    elif args.step == "train":
        results = step_train(config, args.work, args.device, args.resume, args.package or out)
    elif args.step == "cooldown":
        results = step_cooldown(
            config,
            args.work,
            args.corpus,
            args.device,
            args.package or out,
            args.into or "cooldown",
            json.loads(args.extra_sources) if args.extra_sources else None,
            args.steps,
        )
    elif args.step == "pack":
        results = [str(p) for p in step_pack(args.work, parts, args.stage)]
    elif args.step == "export":
        results = str(step_export(config, args.work, parts, out))
    elif args.step == "evaluate":
        results = step_evaluate(
            args.package or out,
            args.corpus / "dev" / "ntrex-dev.tsv",
            args.sweep,
            args.limit,
            tuple(args.compute_types.split(",")),
            args.hypotheses,
        )
    else:
        step_prepare(config, args.work, args.corpus)
        step_train(config, args.work, args.device)
        step_pack(args.work, parts)
        results = str(step_export(config, args.work, parts, out))
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


def _cuda() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


if __name__ == "__main__":
    sys.exit(main())

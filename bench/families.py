"""Speed and memory of the stronger model families on this CPU, from random weights of their real shapes.

    .venv/bin/python -m bench.families [--families opus-mt,m2m100,madlad400] [--threads 2]

For each family a CTranslate2 model of the published model's shape is written
with random int8 weights (the layer layout CTranslate2's own converters produce:
post-norm Marian for OPUS-MT, pre-norm M2M-100, T5 with gated GELU and relative
attention for MADLAD-400), packaged as `translate models convert` packages them
(family, language tokens, a SentencePiece model), and timed through the library:
`CTranslate2Engine.translate`, the path `translate run` takes, at int8 and the
engine's default decoding (beam 4). Each model is built and measured in a process
of its own, so each peak memory is that model's alone.

Random weights translate nothing: the figures are speed and memory only. Their
output would end at random, so the end-of-sentence token is forbidden (a bias of
-10,000 in the output layer) and every output is exactly as long as its input,
in tokens (the limit: `Decoding(max_length_ratio=1, max_length_extra=0)`); a
real Japanese output is about that long. The sentences are the NTREX dev
English (`../shared/corpus/dev/ntrex-dev.tsv`), else the sample page's, cut by a
SentencePiece model of 16,000 pieces trained on the WMT English and Japanese in
`../shared/corpus/train/` (else on the sample page and the synthetic corpus).

Shapes (parameters from the published configurations):

- The bundled model (translate-en_ja, an Argos package; models/README.md):
  4 + 3 layers, width 256, 4 heads, FFN 1,024, 16,000 tokens, tied: 10 M. The baseline.
- OPUS-MT eng-jpn (Marian transformer): 6 + 6 layers, width 512, 8 heads, FFN
  2,048, one 65,000-token vocabulary shared by the embeddings and the output
  layer: 77 M parameters.
- M2M-100 418M: 12 + 12 layers, width 1,024, 16 heads, FFN 4,096, 128,112 tokens, tied: 484 M.
- MADLAD-400 3B (T5): 32 + 32 layers, width 1,024, 16 heads of 128, gated FFN 8,192,
  256,000 tokens, untied output layer: 2.94 B.
"""

from __future__ import annotations

import argparse
import csv
import json
import lzma
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
NTREX = CORPUS / "dev" / "ntrex-dev.tsv"
WORK = REPO / "bench" / "work" / "families"
SPM_PIECES = 16_000

SHAPES = {
    # The bundled model's shape (models/README.md), run the same way: the baseline.
    "argos": dict(
        layers=(4, 3),
        d=256,
        heads=4,
        head_dim=64,
        ffn=1024,
        vocab=16_008,
        kind="m2m100",
        tokens={"source_prefix": [], "source_suffix": [], "target_prefix": ""},
        sentences=120,
    ),
    "opus-mt": dict(
        layers=(6, 6),
        d=512,
        heads=8,
        head_dim=64,
        ffn=2048,
        vocab=65_000,
        kind="marian",
        tokens={"source_prefix": [], "source_suffix": ["</s>"], "target_prefix": ""},
        sentences=60,
    ),
    "m2m100": dict(
        layers=(12, 12),
        d=1024,
        heads=16,
        head_dim=64,
        ffn=4096,
        vocab=128_112,
        kind="m2m100",
        tokens={"source_prefix": ["__en__"], "source_suffix": ["</s>"], "target_prefix": "__ja__"},
        sentences=24,
    ),
    "madlad400": dict(
        layers=(32, 32),
        d=1024,
        heads=16,
        head_dim=128,
        ffn=8192,
        vocab=256_000,
        kind="t5",
        tokens={"source_prefix": ["<2ja>"], "source_suffix": ["</s>"], "target_prefix": ""},
        sentences=6,
    ),
}
SPECIALS = ["<pad>", "</s>", "<unk>", "<s>", "__en__", "__ja__", "<2ja>"]


def english(limit: int | None = None) -> list[str]:
    """The NTREX dev English, or the sample page's sentences."""
    if NTREX.is_file():
        with NTREX.open(encoding="utf-8", newline="") as file:
            return [row["en"] for row in csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)][:limit]
    from translator.text.segment import split_sentences

    page = (REPO / "seeds" / "000_17be0e9bcba96c5a.txt").read_text(encoding="utf-8").splitlines()[2:]
    return [s for line in page if line.strip() and not line.startswith(("-", "(")) for s in split_sentences(line)][
        :limit
    ]


def train_sentencepiece(path: Path) -> Path:
    """A SentencePiece model of SPM_PIECES pieces on English and Japanese news (made once)."""
    import sentencepiece

    if path.is_file():
        return path
    lines = []
    wmt = CORPUS / "train" / "wmt-general.tsv.xz"
    if wmt.is_file():
        with lzma.open(wmt, "rt", encoding="utf-8") as file:
            for row in csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE):
                lines += [row["en"], row["ja"]]
    else:  # no shared corpus beside the checkout: the sample page and the synthetic corpus
        from models.recipe.synthetic import synthetic_pairs

        lines = english() + [text for pair in synthetic_pairs() for text in pair]
    path.parent.mkdir(parents=True, exist_ok=True)
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_prefix=str(path.with_suffix("")),
        minloglevel=2,
        vocab_size=SPM_PIECES if wmt.is_file() else 1000,
        character_coverage=0.9995,
        input_sentence_size=40_000,
        shuffle_input_sentence=True,
    )
    return path


def build(family: str, folder: Path) -> None:
    """A package folder: model/ with random int8 weights of the family's shape, its SentencePiece model, metadata."""
    import ctranslate2
    import sentencepiece
    from ctranslate2.specs import common_spec, transformer_spec

    shape = SHAPES[family]
    if (folder / "metadata.json").is_file():
        return
    spm = train_sentencepiece(WORK / "news.spm.model")
    processor = sentencepiece.SentencePieceProcessor(model_file=str(spm))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    vocab = list(dict.fromkeys(SPECIALS + pieces))
    vocab += [f"<filler{i}>" for i in range(shape["vocab"] - len(vocab))]
    rng = np.random.default_rng(23)
    d, inner, ffn, V = shape["d"], shape["heads"] * shape["head_dim"], shape["ffn"], shape["vocab"]
    t5 = shape["kind"] == "t5"

    def linear(spec, rows: int, columns: int, bias: bool = not t5) -> None:
        spec.weight = rng.integers(-127, 128, (rows, columns), dtype=np.int8)
        spec.weight_scale = np.full(rows, 127 / 0.05, np.float32)  # weights within ±0.05
        if bias:
            spec.bias = np.zeros(rows, np.float32)

    def norm(spec) -> None:
        spec.gamma = np.ones(d, np.float32)
        if not t5:
            spec.beta = np.zeros(d, np.float32)

    def attention(spec, self_attention: bool) -> None:
        norm(spec.layer_norm)
        if self_attention:
            linear(spec.linear[0], 3 * inner, d)
        else:
            linear(spec.linear[0], inner, d)
            linear(spec.linear[1], 2 * inner, d)
        linear(spec.linear[-1], d, inner)
        if t5:
            spec.queries_scale = 1.0
            if self_attention:
                spec.relative_attention_bias = rng.normal(0, 0.1, (32, shape["heads"])).astype(np.float32)
                spec.relative_attention_max_distance = np.int32(128)

    def feed_forward(spec) -> None:
        norm(spec.layer_norm)
        linear(spec.linear_0, ffn, d)
        if t5:
            linear(spec.linear_0_noact, ffn, d)
        linear(spec.linear_1, d, ffn)

    def embeddings(spec) -> None:
        spec.weight = rng.integers(-127, 128, (V, d), dtype=np.int8)
        spec.weight_scale = np.full(V, 127 / 0.05, np.float32)

    def positions(length: int = 1024) -> np.ndarray:
        position = np.arange(length)[:, None] / np.power(10000, 2 * (np.arange(d) // 2) / d)[None, :]
        return np.concatenate([np.sin(position[:, 0::2]), np.cos(position[:, 1::2])], axis=1).astype(np.float32)

    if shape["kind"] == "marian":
        spec = transformer_spec.TransformerSpec.from_config(
            shape["layers"], shape["heads"], pre_norm=False, activation=common_spec.Activation.SWISH
        )
    elif shape["kind"] == "m2m100":
        spec = transformer_spec.TransformerSpec.from_config(shape["layers"], shape["heads"], pre_norm=True)
    else:
        spec = transformer_spec.TransformerSpec.from_config(
            shape["layers"],
            shape["heads"],
            pre_norm=True,
            activation=common_spec.Activation.GELUTanh,
            ffn_glu=True,
            relative_attention_bias=True,
            rms_norm=True,
        )
    for stack in (spec.encoder, spec.decoder):
        stack.scale_embeddings = not t5
        if hasattr(stack, "position_encodings"):
            stack.position_encodings.encodings = positions()
        if hasattr(stack, "layer_norm"):
            norm(stack.layer_norm)
        for layer in stack.layer:
            attention(layer.self_attention, True)
            if hasattr(layer, "attention"):
                attention(layer.attention, False)
            feed_forward(layer.ffn)
    embeddings(spec.encoder.embeddings[0])
    embeddings(spec.decoder.embeddings)
    spec.decoder.start_from_zero_embedding = shape["kind"] == "marian"
    linear(spec.decoder.projection, V, d, bias=False)
    spec.decoder.projection.bias = np.zeros(V, np.float32)
    spec.decoder.projection.bias[vocab.index("</s>")] = -10_000  # never the end: outputs run to their limit
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.config.unk_token, spec.config.eos_token = "<unk>", "</s>"
    spec.config.bos_token = "<s>"
    spec.config.decoder_start_token = "<pad>" if t5 else "</s>"
    spec.validate()
    # One embedding table for both sides, and for the output layer too where the model ties it
    # (Marian, M2M-100): stored once, as the converters alias them.
    shared = {"weight": "encoder/embeddings_0/weight", "weight_scale": "encoder/embeddings_0/weight_scale"}
    for name, alias in shared.items():
        setattr(spec.decoder.embeddings, name, alias)
        if not t5:
            setattr(spec.decoder.projection, name, alias)
    (folder / "model").mkdir(parents=True, exist_ok=True)
    spec.save(str(folder / "model"))
    (folder / "sentencepiece.model").write_bytes(spm.read_bytes())
    metadata = {
        "package_version": "0",
        "from_code": "en",
        "to_code": "ja",
        "family": family,
        **shape["tokens"],
        "sentencepiece": {"source": "sentencepiece.model", "target": "sentencepiece.model"},
        "quantization": "int8",
        "license": "random weights (benchmark only)",
        "ctranslate2": ctranslate2.__version__,
    }
    (folder / "metadata.json").write_text(json.dumps(metadata, indent=1), encoding="utf-8")


def parameters(family: str) -> int:
    shape = SHAPES[family]
    d, inner, ffn, V = shape["d"], shape["heads"] * shape["head_dim"], shape["ffn"], shape["vocab"]
    glu = 3 if shape["kind"] == "t5" else 2
    encoder, decoder = shape["layers"]
    attention = 4 * d * inner
    per_encoder, per_decoder = attention + glu * d * ffn, 2 * attention + glu * d * ffn
    embeddings = V * d * (2 if shape["kind"] == "t5" else 1)  # T5: shared embeddings + an untied output layer
    return encoder * per_encoder + decoder * per_decoder + embeddings


def measure(family: str, folder: Path, count: int, threads: int, beam_size: int) -> dict:
    """Load the package through the engine and translate `count` sentences; in this process."""
    from translator.translation.engine import CTranslate2Engine, Decoding, EngineOptions
    from translator.translation.formats import PackageInfo

    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    info = PackageInfo(folder.name, folder, "en", "ja", "0", metadata)
    decoding = Decoding(beam_size=beam_size, max_length_ratio=1.0, max_length_extra=0)
    engine = CTranslate2Engine(info, EngineOptions(threads=threads, decoding=decoding))
    texts = english(count)
    started = time.perf_counter()
    model = engine._load()
    loaded = time.perf_counter() - started
    source_tokens = sum(len(model.tokenizer.encode(text)) for text in texts)
    engine.translate(texts[:2])  # warm up
    started = time.perf_counter()
    results = engine.translate(texts)
    seconds = time.perf_counter() - started
    assert all(result.truncated for result in results)  # every output ran to its limit: its input's length
    return {
        "family": family,
        "parameters": parameters(family),
        "model_bytes": (folder / "model" / "model.bin").stat().st_size,
        "sentences": len(texts),
        "source_tokens": source_tokens,
        "seconds": round(seconds, 2),
        "sentences_per_second": round(len(texts) / seconds, 3),
        "tokens_per_second": round(source_tokens / seconds, 1),  # output tokens: as many as the input's
        "load_seconds": round(loaded, 2),
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "threads": threads,
        "beam_size": beam_size,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--families", default=",".join(SHAPES))
    parser.add_argument(
        "--threads",
        type=int,
        default=os.cpu_count() or 1,
        help="CPU threads (default: all cores, as `translate run`; on a busy machine 1 is faster)",
    )
    parser.add_argument("--beam-size", type=int, default=4)
    parser.add_argument(
        "--sentences", type=int, default=0, help="per family (default: its own, smaller for larger models)"
    )
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--one", choices=list(SHAPES), help=argparse.SUPPRESS)  # a child: build and measure one family
    args = parser.parse_args()
    if args.one:
        folder = args.work / args.one
        build(args.one, folder)
        print(
            json.dumps(
                measure(args.one, folder, args.sentences or SHAPES[args.one]["sentences"], args.threads, args.beam_size)
            )
        )
        return 0
    rows = []
    for family in args.families.split(","):
        command = [
            sys.executable,
            "-m",
            "bench.families",
            "--one",
            family,
            "--threads",
            str(args.threads),
            "--beam-size",
            str(args.beam_size),
            "--sentences",
            str(args.sentences),
            "--work",
            str(args.work),
        ]
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        if done.returncode:
            print(f"{family}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
            continue
        rows.append(json.loads(done.stdout.splitlines()[-1]))
    print(f"{'family':<10} {'params':>7} {'model':>9} {'sent':>5} {'sent/s':>7} {'tok/s':>7} {'load s':>7} {'peak':>9}")
    for row in rows:
        print(
            f"{row['family']:<10} {row['parameters'] / 1e6:>6.0f}M {row['model_bytes'] / 2**20:>6.0f} MiB "
            f"{row['sentences']:>5} {row['sentences_per_second']:>7.2f} {row['tokens_per_second']:>7.1f} "
            f"{row['load_seconds']:>7.1f} {row['peak_rss_bytes'] / 2**20:>5.0f} MiB"
        )
    if rows:
        row = rows[0]
        print(f"int8, beam {row['beam_size']}, {row['threads']} threads; output as long as the input; random weights")
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

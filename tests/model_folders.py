"""Tiny random-weight models of each family, as a newsroom would have the real ones on disk.

Each builder writes a folder (or zip) in the layout its publisher uses: a Hugging
Face folder (config.json, model.safetensors, the tokenizer's files, saved by
transformers itself) for Marian, M2M-100, NLLB-200 and MADLAD-400 (T5), and
Marian's own zip (decoder.yml, the .npz, a vocabulary, source.spm, target.spm,
README.md, LICENSE) for OPUS-MT as Helsinki-NLP publishes it. Weights are random
(a few thousand parameters): they translate nothing, which is all the tests need.
SentencePiece models are trained on a few hundred lines: English from the sample
page and the synthetic corpus, Japanese from the synthetic corpus and
tests/data/sample_ja.tsv, so that a source and a target model differ.

Building needs transformers and PyTorch (the `convert` extra), except the OPUS-MT
zip, which needs only NumPy.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import sentencepiece

from models.recipe.synthetic import synthetic_pairs

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_17be0e9bcba96c5a.txt"
SIZE = {"d_model": 16, "heads": 2, "ffn": 32}
# The same tiny shape in Hugging Face's config names (Marian, M2M-100 and NLLB alike).
TINY_LAYERS = {
    "d_model": SIZE["d_model"],
    "encoder_layers": 1,
    "decoder_layers": 1,
    "encoder_attention_heads": SIZE["heads"],
    "decoder_attention_heads": SIZE["heads"],
    "encoder_ffn_dim": SIZE["ffn"],
    "decoder_ffn_dim": SIZE["ffn"],
    "max_position_embeddings": 512,
}


def english_lines() -> list[str]:
    page = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return page + [english for english, _ in synthetic_pairs()[::3]]


def japanese_lines() -> list[str]:
    sample = REPO / "tests" / "data" / "sample_ja.tsv"
    rows = [line.split("\t")[1] for line in sample.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return rows + [japanese for _, japanese in synthetic_pairs()[::3]]


def train_spm(path: Path, lines: list[str], vocab_size: int, **options) -> Path:
    """A SentencePiece model trained on `lines`, written to `path`."""
    prefix = path.parent / "trained"
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        character_coverage=1.0,
        minloglevel=2,
        **options,
    )
    Path(f"{prefix}.model").rename(path)
    Path(f"{prefix}.vocab").unlink()
    return path


def pieces(model: Path) -> list[str]:
    processor = sentencepiece.SentencePieceProcessor(model_file=str(model))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _save(model, tokenizer, folder: Path, *files: Path) -> Path:
    """The model and its tokenizer as transformers saves them, and `files` (the SentencePiece
    model, which transformers 5 leaves out where tokenizer.json says it all)."""
    import shutil

    import torch

    with torch.no_grad():  # a model that writes something: the end of sentence is never the likeliest token
        head = model.get_output_embeddings()
        head.weight[tokenizer.eos_token_id] = 0
        if getattr(model, "final_logits_bias", None) is not None:
            model.final_logits_bias[0, tokenizer.eos_token_id] = -100
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    for file in files:
        if not (folder / file.name).exists():
            shutil.copyfile(file, folder / file.name)
    return folder


def marian_folder(folder: Path, source_lang: str = "eng", target_lang: str = "jpn") -> Path:
    """OPUS-MT as a Hugging Face folder (Helsinki-NLP/opus-mt-*): two SentencePiece models, one vocabulary."""
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True)
    work = folder.parent / f"{folder.name}-spm"
    work.mkdir()
    source = train_spm(work / "source.spm", english_lines(), 300)
    target = train_spm(work / "target.spm", japanese_lines(), 500)
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in pieces(source) + pieces(target):
        vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    (work / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(
        str(source), str(target), str(work / "vocab.json"), source_lang=source_lang, target_lang=target_lang
    )
    torch.manual_seed(1)
    config = MarianConfig(
        vocab_size=len(vocab),
        **TINY_LAYERS,
        pad_token_id=vocab["<pad>"],
        eos_token_id=0,
        decoder_start_token_id=vocab["<pad>"],
    )
    return _save(MarianMTModel(config), tokenizer, folder)


def m2m100_folder(folder: Path) -> Path:
    """M2M-100 as a Hugging Face folder (facebook/m2m100_418M): one SentencePiece model, vocab.json."""
    import torch
    from transformers import M2M100Tokenizer

    folder.mkdir(parents=True)
    work = folder.parent / f"{folder.name}-spm"
    work.mkdir()
    model = train_spm(work / "sentencepiece.bpe.model", english_lines() + japanese_lines(), 700, model_type="bpe")
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in pieces(model):
        vocab.setdefault(piece, len(vocab))
    (work / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = M2M100Tokenizer(str(work / "vocab.json"), str(model), src_lang="en", tgt_lang="ja")
    torch.manual_seed(2)
    # The 100 language tokens, and 8 "madeup words" as the real ones have.
    return _save(_m2m100(len(vocab) + 100 + 8), tokenizer, folder)


def _m2m100(vocab_size: int):
    """A tiny random-weight M2M-100 model (the architecture of M2M-100 and NLLB-200)."""
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    config = M2M100Config(
        vocab_size=vocab_size,
        **TINY_LAYERS,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
    )
    return M2M100ForConditionalGeneration(config)


def nllb_folder(folder: Path) -> Path:
    """NLLB-200 as a Hugging Face folder (facebook/nllb-200-distilled-600M): the M2M-100 architecture,
    NLLB's tokenizer (language codes such as eng_Latn and jpn_Jpan)."""
    import torch
    from transformers import NllbTokenizer
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    folder.mkdir(parents=True)
    work = folder.parent / f"{folder.name}-spm"
    work.mkdir()
    model = train_spm(work / "sentencepiece.bpe.model", english_lines() + japanese_lines(), 700, model_type="bpe")
    tokenizer = NllbTokenizer.from_pretrained(  # its language codes, as the real tokenizer_config.json lists them
        str(work), src_lang="eng_Latn", tgt_lang="jpn_Jpan", extra_special_tokens=list(FAIRSEQ_LANGUAGE_CODES)
    )
    torch.manual_seed(3)
    return _save(_m2m100(len(tokenizer)), tokenizer, folder, model)


def madlad_folder(folder: Path, languages: tuple[str, ...] = ("en", "ja", "de")) -> Path:
    """MADLAD-400 as a Hugging Face folder (google/madlad400-3b-mt): T5, one SentencePiece model whose
    pieces include a <2xx> token for each target language."""
    import torch
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    folder.mkdir(parents=True)
    work = folder.parent / f"{folder.name}-spm"
    work.mkdir()
    model = train_spm(
        work / "spiece.model",
        english_lines() + japanese_lines(),
        700,
        user_defined_symbols=[f"<2{code}>" for code in languages],
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
    )
    tokenizer = T5Tokenizer.from_pretrained(str(work), extra_ids=0)
    torch.manual_seed(4)
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=SIZE["d_model"],
        d_kv=8,
        d_ff=SIZE["ffn"],
        num_layers=1,
        num_decoder_layers=1,
        num_heads=SIZE["heads"],
        feed_forward_proj="gated-gelu",
        tie_word_embeddings=False,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
    )
    return _save(T5ForConditionalGeneration(config), tokenizer, folder, model)


def opus_mt_zip(path: Path, readme_target: str = "jpn", layers: int = 1) -> Path:
    """OPUS-MT as Helsinki-NLP publishes it (Tatoeba-MT-models/eng-jpn/opus-2021-02-18.zip): Marian's
    .npz (post-norm transformer, random weights), decoder.yml, one vocabulary for both sides,
    source.spm and target.spm, README.md naming the languages, and the licence."""
    work = path.parent / f"{path.stem}-files"
    work.mkdir(parents=True)
    source = train_spm(work / "source.spm", english_lines(), 300)
    target = train_spm(work / "target.spm", japanese_lines(), 500)
    vocab = ["</s>", "<unk>"]
    for piece in pieces(source) + pieces(target):
        if piece not in vocab:
            vocab.append(piece)
    (work / "opus.spm32k-spm32k.vocab.yml").write_text(
        "".join(f"{json.dumps(piece, ensure_ascii=False)}: {i}\n" for i, piece in enumerate(vocab)), encoding="utf-8"
    )
    d, ffn = SIZE["d_model"], SIZE["ffn"]
    rng = np.random.default_rng(5)

    def w(*shape: int) -> np.ndarray:
        return rng.normal(0, 0.5, shape).astype(np.float32)

    weights = {"Wemb": w(len(vocab), d), "decoder_ff_logit_out_b": np.zeros((1, len(vocab)), np.float32)}
    weights["decoder_ff_logit_out_b"][0, 0] = -100  # never </s> first: the model writes something
    for side, blocks in (("encoder", ("self",)), ("decoder", ("self", "context"))):
        for layer in range(1, layers + 1):
            scope = f"{side}_l{layer}"
            for block in blocks:
                for x in "qkvo":
                    weights[f"{scope}_{block}_W{x}"], weights[f"{scope}_{block}_b{x}"] = w(d, d), w(1, d)
                weights[f"{scope}_{block}_Wo_ln_scale"], weights[f"{scope}_{block}_Wo_ln_bias"] = w(1, d) + 1, w(1, d)
            weights[f"{scope}_ffn_W1"], weights[f"{scope}_ffn_b1"] = w(d, ffn), w(1, ffn)
            weights[f"{scope}_ffn_W2"], weights[f"{scope}_ffn_b2"] = w(ffn, d), w(1, d)
            weights[f"{scope}_ffn_ffn_ln_scale"], weights[f"{scope}_ffn_ffn_ln_bias"] = w(1, d) + 1, w(1, d)
    config = {
        "type": "transformer",
        "enc-depth": layers,
        "dec-depth": layers,
        "transformer-heads": SIZE["heads"],
        "transformer-ffn-activation": "swish",
        "transformer-preprocess": "",
        "transformer-postprocess": "dan",
        "transformer-postprocess-emb": "d",
        "transformer-decoder-autoreg": "self-attention",
        "transformer-no-projection": False,
        "transformer-guided-alignment-layer": "last",
        "dim-emb": d,
    }
    text = "".join(f"{key}: {json.dumps(value)}\n" for key, value in config.items()) + "\0"
    weights["special:model.yml"] = np.frombuffer(text.encode(), dtype=np.int8)
    model = "opus.spm32k-spm32k.transformer.model1.npz.best-perplexity.npz"
    np.savez(work / model, **weights)
    (work / "decoder.yml").write_text(
        f"models:\n  - {model}\nvocabs:\n  - opus.spm32k-spm32k.vocab.yml\n  - opus.spm32k-spm32k.vocab.yml\n"
        "beam-size: 4\nnormalize: 1\n",
        encoding="utf-8",
    )
    (work / "README.md").write_text(
        "# opus-2021-02-18.zip\n\n* dataset: opus\n* model: transformer\n* source language(s): eng\n"
        f"* target language(s): {readme_target}\n* pre-processing: normalization + SentencePiece (spm32k,spm32k)\n",
        encoding="utf-8",
    )
    (work / "LICENSE").write_text("Creative Commons Attribution 4.0 International (CC-BY 4.0)\n", encoding="utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(work.iterdir()):
            archive.write(file, file.name)
    return path

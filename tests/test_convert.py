"""`translate models convert` on a tiny random-weight model of each family (tests/model_folders.py):
converted, installed and run on the sample page with no network, the right tokens reaching
CTranslate2; and every kind of bad input refused in one line, leaving nothing behind.

The Hugging Face folders need transformers and PyTorch to build and to convert (the `convert`
extra, which the test extra includes): without them those tests are skipped, and the OPUS-MT
zip, which needs neither, still runs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import sentencepiece
from click.testing import CliRunner

from translator.cli import cli
from translator.translation import convert as convert_module
from translator.translation import engine as engine_module
from translator.translation.packages import install, installed

from . import model_folders
from .conftest import SEED, make_archive
from .test_end_to_end import NO_NETWORK

HAS_TRANSFORMERS = all(importlib.util.find_spec(name) for name in ("transformers", "torch"))
needs_transformers = pytest.mark.skipif(not HAS_TRANSFORMERS, reason="transformers and PyTorch: the convert extra")

# family, how its folder is built, the tokens around a sentence, the target prefix, licence, title
FAMILIES = {
    "opus-mt-zip": ("opus-mt", lambda p: model_folders.opus_mt_zip(p.with_suffix(".zip")), (), (), "", "CC BY 4.0"),
    "opus-mt": ("opus-mt", model_folders.marian_folder, (), ("</s>",), "", "CC BY 4.0"),
    "m2m100": ("m2m100", model_folders.m2m100_folder, ("__en__",), ("</s>",), "__ja__", "MIT"),
    "nllb": ("nllb", model_folders.nllb_folder, ("eng_Latn",), ("</s>",), "jpn_Jpan", "CC BY-NC 4.0"),
    "madlad400": ("madlad400", model_folders.madlad_folder, ("<2ja>",), ("</s>",), "", "Apache-2.0"),
}
CASES = [pytest.param(case, marks=() if case == "opus-mt-zip" else needs_transformers) for case in FAMILIES]

# `translate` with every ctranslate2.Translator wrapped: each translate_batch call's source
# tokens, target prefix and output tokens are appended, as a JSON line, to the file $SPY_LOG.
SPY = """
import json, os, sys
import ctranslate2
Real = ctranslate2.Translator
class Spy:
    def __init__(self, *args, **kwargs):
        self.real = Real(*args, **kwargs)
    def translate_batch(self, source, target_prefix=None, **options):
        results = self.real.translate_batch(source, target_prefix=target_prefix, **options)
        with open(os.environ["SPY_LOG"], "a", encoding="utf-8") as log:
            for i, result in enumerate(results):
                log.write(json.dumps({"source": source[i], "target_prefix": target_prefix[i] if target_prefix else None,
                                      "outputs": result.hypotheses}, ensure_ascii=False) + "\\n")
        return results
ctranslate2.Translator = Spy
from translator.__main__ import main
sys.argv[0] = "translate"
main()
"""


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="session")
def sources(tmp_path_factory: pytest.TempPathFactory):
    """Each family's tiny model, built once: case → its folder (or zip)."""
    built: dict[str, Path] = {}

    def source(case: str) -> Path:
        if case not in built:
            built[case] = FAMILIES[case][1](tmp_path_factory.mktemp(case) / case)
        return built[case]

    return source


def converted_and_installed(source: Path, tmp_path: Path, name: str) -> dict:
    out = tmp_path / "out" / f"{name}.argosmodel"
    result = invoke("models", "convert", str(source), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # nothing else left there
    assert invoke("models", "install", str(out)).exit_code == 0
    return json.loads(zipfile.ZipFile(out).read(f"{name}/metadata.json"))


@pytest.mark.skipif(not NO_NETWORK, reason="unshare -n is not permitted here")
@pytest.mark.parametrize("case", CASES)
def test_a_converted_model_runs_the_sample_page_offline_with_its_tokens(case, sources, tmp_path: Path):
    family, _, prefix, suffix, target_prefix, license = FAMILIES[case]
    name = f"{case}-en_ja"
    metadata = converted_and_installed(sources(case), tmp_path, name)
    assert (metadata["family"], metadata["license"]) == (family, license)
    assert invoke("import", str(SEED)).exit_code == 0

    log = tmp_path / "spy.jsonl"
    run = subprocess.run(
        [*NO_NETWORK, sys.executable, "-c", SPY, "run"],
        # One thread: the tiny model gains nothing from two, and the machine is shared.
        env={**os.environ, "SPY_LOG": str(log), "TRANSLATE_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Translated 42 articles, 71 sentences (71 new to the model)")

    package = installed(tmp_path / "db" / "packages")[0]
    assert package.name == name
    spm = {side: package.path / metadata["sentencepiece"][side] for side in ("source", "target")}
    source_model = sentencepiece.SentencePieceProcessor(model_file=str(spm["source"]))
    target_model = sentencepiece.SentencePieceProcessor(model_file=str(spm["target"]))
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    # Every sentence reached CTranslate2 as its family reads it: its language tokens around the
    # pieces of the package's source SentencePiece model; the decoder started from the target prefix.
    english = json.loads(invoke("show", "1", "--lang", "en", "--json").stdout)
    expected = [[*prefix, *source_model.encode(s, out_type=str), *suffix] for s in english["headline_sentences"]]
    expected += [
        [*prefix, *source_model.encode(s, out_type=str), *suffix] for b in english["body"] for s in b["sentences"]
    ]
    sent = [call["source"] for call in calls]
    assert all(tokens in sent for tokens in expected)
    assert len(calls) == 71
    assert all(call["target_prefix"] == ([target_prefix] if target_prefix else None) for call in calls)
    # ... and came back through the package's target model, the prefix dropped.
    with sqlite3.connect(tmp_path / "db" / "news.db") as db:
        machine = [row[0] for row in db.execute("select machine_text from sentence_translations")]
    decoded = set()  # every candidate: with MBR the one kept need not be the beam's first
    for call in calls:
        for output in call["outputs"]:
            tokens = output[1:] if target_prefix and output[:1] == [target_prefix] else output
            decoded.add(target_model.decode_pieces(tokens).replace("▁", " ").strip())
    # Random weights repeat themselves and come back empty, more or less by CPU (int8 kernels): on an
    # AVX2 CPU the tiny MADLAD model left 23 of the 71 sentences empty and gave 20 distinct texts (the
    # other families 54-71, none empty). Ten distinct texts are enough for the check to mean something.
    assert set(machine) <= decoded and len(set(machine) - {""}) >= 10
    assert not target_prefix or not any(text.startswith(target_prefix) for text in machine)

    japanese = json.loads(invoke("show", "1", "--lang", "ja", "--json").stdout)
    assert japanese["translation"]["family"] == family
    assert (japanese["translation"]["package"], japanese["translation"]["package_version"]) == (name, "1.0")
    listed = invoke("models", "list").stdout
    title = {"opus-mt": "OPUS-MT (Marian)", "m2m100": "M2M-100", "nllb": "NLLB-200", "madlad400": "MADLAD-400 (T5)"}
    assert listed == f"* {name}  en→ja  1.0  {title[family]}, {license}\n"


@needs_transformers
def test_opus_mt_reads_with_its_source_model_and_writes_with_its_target_model(sources, tmp_path: Path):
    """OPUS-MT has two SentencePiece models: the engine encodes English with source.spm and
    decodes Japanese with target.spm (they differ: one is trained on each language)."""
    folder = sources("opus-mt")
    converted_and_installed(folder, tmp_path, "opus-en_ja")
    from translator.translation.engine import CTranslate2Engine, EngineOptions

    [info] = installed(tmp_path / "db" / "packages")
    tokenizer = CTranslate2Engine(info, EngineOptions(threads=1))._load().tokenizer
    assert tokenizer.source.serialized_model_proto() == (folder / "source.spm").read_bytes()
    assert tokenizer.target.serialized_model_proto() == (folder / "target.spm").read_bytes()
    assert (folder / "source.spm").read_bytes() != (folder / "target.spm").read_bytes()


@needs_transformers
@pytest.mark.parametrize("case", ["m2m100", "nllb"])
def test_argos_loads_the_package_too_with_its_target_prefix(case, sources, tmp_path: Path):
    """Argos's format says the target prefix (not the source token): Argos reads the package as one of its own."""
    converted_and_installed(sources(case), tmp_path, f"{case}-en_ja")
    from translator.translation.families import argos_environment

    [info] = installed(tmp_path / "db" / "packages")
    with argos_environment(info.path.parent, "cpu"):
        from argostranslate.package import Package

    package = Package(info.path)
    assert (package.from_code, package.to_code, package.target_prefix) == ("en", "ja", FAMILIES[case][4])
    assert package.tokenizer.encode("The army met the police.")


def test_the_package_records_where_it_came_from(sources, tmp_path: Path):
    source = sources("opus-mt-zip")
    out = tmp_path / "opus-en_ja.argosmodel"
    assert invoke("models", "convert", str(source), "--out", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        names = sorted(archive.namelist())
        metadata = json.loads(archive.read("opus-en_ja/metadata.json"))
        readme = archive.read("opus-en_ja/README.md").decode()
    assert names == [
        "opus-en_ja/LICENSE",
        "opus-en_ja/README.md",
        "opus-en_ja/metadata.json",
        "opus-en_ja/model/config.json",
        "opus-en_ja/model/model.bin",
        "opus-en_ja/model/shared_vocabulary.json",
        "opus-en_ja/sentencepiece.model",
        "opus-en_ja/sentencepiece.target.model",
    ]
    assert {key: metadata[key] for key in ("from_code", "to_code", "package_version", "family", "quantization")} == {
        "from_code": "en",
        "to_code": "ja",
        "package_version": "1.0",
        "family": "opus-mt",
        "quantization": "int8",
    }
    assert (metadata["source_prefix"], metadata["source_suffix"], metadata["target_prefix"]) == ([], [], "")
    assert metadata["sentencepiece"] == {"source": "sentencepiece.model", "target": "sentencepiece.target.model"}
    assert (metadata["license"], metadata["license_from"], metadata["commercial_use"]) == ("CC BY 4.0", "LICENSE", True)
    origin = metadata["converted_from"]
    assert origin["name"] == source.name and "path" not in origin and origin["converter"] == "ctranslate2.converters.OpusMTConverter"
    assert len(origin["sha256"]) == 64 and list(origin["weights"]) == [
        "opus.spm32k-spm32k.transformer.model1.npz.best-perplexity.npz"
    ]
    assert "CC BY 4.0" in readme and source.name in readme
    assert "confidence_threshold" not in metadata  # QA's default


def test_a_converted_package_carries_the_threshold_it_is_given(sources, tmp_path: Path):
    out = tmp_path / "opus-en_ja.argosmodel"
    result = invoke("models", "convert", str(sources("opus-mt-zip")), "--out", str(out), "--confidence-threshold", "-1.3")
    assert result.exit_code == 0, result.output
    assert json.loads(zipfile.ZipFile(out).read("opus-en_ja/metadata.json"))["confidence_threshold"] == -1.3
    assert install(out, tmp_path / "packages").confidence_threshold == -1.3  # what the engine and QA read


@needs_transformers
def test_nllb_says_it_is_not_for_commercial_use(sources, tmp_path: Path):
    result = invoke("models", "convert", str(sources("nllb")), "--out", str(tmp_path / "nllb.argosmodel"))
    assert result.exit_code == 0, result.output
    assert result.stderr == "Warning: CC BY-NC 4.0: not for commercial use\n"
    assert (
        json.loads(zipfile.ZipFile(tmp_path / "nllb.argosmodel").read("nllb/metadata.json"))["commercial_use"] is False
    )


# Bad input: one line, exit 1, nothing written or installed -------------------------------------


def refused(source: Path, tmp_path: Path, *options: str) -> str:
    out = tmp_path / "out" / "x.argosmodel"
    result = invoke("models", "convert", str(source), "--out", str(out), *options)
    assert result.exit_code == 1, result.output
    assert not out.parent.exists() or list(out.parent.iterdir()) == []  # no package, no leftovers
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    return result.stderr.removeprefix("Error: ").rstrip("\n")


def test_a_folder_that_is_not_a_model(tmp_path: Path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "readme.txt").write_text("hello")
    assert refused(folder, tmp_path) == (
        f"{folder}: not a model: no config.json (a Hugging Face model) and no decoder.yml (an OPUS-MT model) in it"
    )
    assert refused(tmp_path / "nothing", tmp_path) == f"{tmp_path / 'nothing'}: no such file or folder"


def test_an_unsupported_architecture(tmp_path: Path):
    folder = tmp_path / "bert"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "bert", "architectures": ["BertModel"]}))
    assert refused(folder, tmp_path) == (
        f"{folder}: unsupported architecture bert (BertModel): translate converts marian (OPUS-MT), "
        "m2m_100 (M2M-100, NLLB-200) and t5 (MADLAD-400)"
    )


def test_a_family_that_does_not_fit_the_architecture(sources, tmp_path: Path):
    source = sources("opus-mt-zip")
    assert refused(source, tmp_path, "--family", "nllb") == f"{source}: an OPUS-MT (Marian) model, not nllb"


def test_an_opus_mt_model_into_another_language(tmp_path: Path):
    source = model_folders.opus_mt_zip(tmp_path / "eng-deu.zip", readme_target="deu")
    assert refused(source, tmp_path) == f"{source}: a model without Japanese (it translates into deu)"


def test_a_madlad_like_model_without_japanese(tmp_path: Path):
    """A T5 folder whose SentencePiece model has no <2ja> token: refused before any weight is read."""
    folder = tmp_path / "t5"
    folder.mkdir()
    model_folders.train_spm(
        folder / "spiece.model", model_folders.english_lines(), 300, user_defined_symbols=["<2en>", "<2de>"]
    )
    (folder / "config.json").write_text(json.dumps({"model_type": "t5"}))
    (folder / "model.safetensors").write_bytes(b"never read")
    assert refused(folder, tmp_path) == (
        f"{folder}: a T5 model without Japanese (its SentencePiece model has no <2ja> token): not MADLAD-400"
    )


def test_an_nllb_tokenizer_without_japanese(tmp_path: Path):
    folder = tmp_path / "nllb"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "m2m_100"}))
    (folder / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "NllbTokenizer", "additional_special_tokens": ["eng_Latn", "fra_Latn"]})
    )
    (folder / "sentencepiece.bpe.model").write_bytes(b"not read")
    (folder / "model.safetensors").write_bytes(b"not read")
    assert refused(folder, tmp_path) == f"{folder}: a model without Japanese (its tokenizer has no jpn_Jpan token)"


def test_a_truncated_zip(sources, tmp_path: Path):
    data = sources("opus-mt-zip").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: len(data) // 2])
    assert refused(cut, tmp_path) == (
        f"{cut}: not a model folder or zip archive (a zip cut short by an unfinished download looks like this)"
    )


def test_a_damaged_member_of_a_zip(sources, tmp_path: Path):
    """A flipped byte in the weights: the zip's CRC-32 says so while it is unpacked."""
    source = sources("opus-mt-zip")
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(damaged, "w", zipfile.ZIP_STORED) as copy:
        for member in original.infolist():
            copy.writestr(member.filename, original.read(member))
    data = bytearray(damaged.read_bytes())
    with zipfile.ZipFile(damaged) as archive:
        weights = next(m for m in archive.infolist() if m.filename.endswith(".npz"))
    data[weights.header_offset + 30 + len(weights.filename) + weights.compress_size // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    assert refused(damaged, tmp_path) == f"{damaged}: damaged archive (Bad CRC-32 for file '{weights.filename}')"


@needs_transformers
def test_truncated_weights_in_a_folder(sources, tmp_path: Path):
    folder = tmp_path / "m2m"
    shutil.copytree(sources("m2m100"), folder)
    weights = folder / "model.safetensors"
    size = weights.stat().st_size
    with weights.open("r+b") as file:
        file.truncate(size - 1000)
    assert refused(folder, tmp_path) == (
        f"{folder}: damaged weights model.safetensors (cut short: {size - 1000:,} bytes of {size:,})"
    )


def test_a_model_too_large_for_the_memory_here_is_refused_before_loading(sources, tmp_path: Path, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the weights were loaded")

    monkeypatch.setattr(convert_module, "available_memory", lambda: 100 << 20)
    monkeypatch.setattr(convert_module, "_convert_weights", never)
    source = sources("opus-mt-zip")
    size = next(p for p in zipfile.ZipFile(source).infolist() if p.filename.endswith(".npz")).file_size
    assert refused(source, tmp_path) == (
        f"{source}: too large for the memory here: converting its {size / 2**30:.1f} GiB of weights needs about "
        f"0.5 GiB and 0.1 GiB is free; convert it on a machine with more memory (the int8 package then needs "
        "about 0.3 GiB to run)"
    )


def test_a_package_too_large_for_the_memory_here_is_not_installed(sources, tmp_path: Path, monkeypatch):
    out = tmp_path / "opus-en_ja.argosmodel"
    assert invoke("models", "convert", str(sources("opus-mt-zip")), "--out", str(out)).exit_code == 0
    monkeypatch.setattr(engine_module, "available_memory", lambda: 1 << 20)
    result = invoke("models", "install", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {out}: fails to load or translate (")
    assert re.search(r"the model needs about [\d.]+ GiB of memory and 0\.0 GiB is free here", result.stderr)
    assert installed(tmp_path / "db" / "packages") == []


def test_a_hugging_face_folder_without_transformers_names_the_extra(tmp_path: Path, monkeypatch):
    folder = tmp_path / "m2m"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "m2m_100"}))
    (folder / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "M2M100Tokenizer"}))
    model_folders.train_spm(folder / "sentencepiece.bpe.model", model_folders.english_lines(), 300)
    (folder / "model.safetensors").write_bytes((8).to_bytes(8, "little") + b"{}      ")
    monkeypatch.setitem(sys.modules, "transformers", None)  # as if not installed: find_spec says None
    assert refused(folder, tmp_path) == (
        "converting a Hugging Face folder needs transformers: pip install 'newsdesk-translate[convert]' "
        "(running the converted package needs neither)"
    )


@pytest.mark.parametrize(
    "threshold, shown",
    [("0", "0.0"), ("0.5", "0.5"), ("-inf", "-Infinity"), ("nan", "NaN")],
)
def test_a_threshold_qa_cannot_use_is_refused_before_converting(sources, tmp_path: Path, threshold, shown):
    assert refused(sources("opus-mt-zip"), tmp_path, f"--confidence-threshold={threshold}") == (
        f"confidence_threshold must be a number below 0 (a mean log-probability), not {shown}"
    )


def test_a_package_is_not_converted_again(tmp_path: Path):
    package = make_archive(tmp_path / "translate-en_ja-1_0.argosmodel")
    assert refused(package, tmp_path) == f"{package}: already a package: install it with `translate models install`"


def test_an_existing_output_is_never_replaced(sources, tmp_path: Path):
    out = tmp_path / "models" / "translate-en_ja-0_1.argosmodel"
    out.parent.mkdir()
    out.write_bytes(b"the bundled model")
    result = invoke("models", "convert", str(sources("opus-mt-zip")), "--out", str(out))
    assert (result.exit_code, result.stderr) == (1, f"Error: {out} exists: remove it first, or choose another --out\n")
    assert out.read_bytes() == b"the bundled model" and list(out.parent.iterdir()) == [out]


def test_the_output_must_be_an_argosmodel(sources, tmp_path: Path):
    result = invoke("models", "convert", str(sources("opus-mt-zip")), "--out", str(tmp_path / "x.zip"))
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {tmp_path / 'x.zip'}: the package file's name must end in .argosmodel\n",
    )

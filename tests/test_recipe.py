"""The model recipe: conversion is exact, and the whole recipe runs end to end on the CPU."""

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

from translator.translation.engine import CTranslate2Engine, EngineOptions
from translator.translation.packages import install

from .conftest import RECIPE, REPO, SHARED_CORPUS, TINY_CONFIG, run_recipe

torch = pytest.importorskip("torch")
ctranslate2 = pytest.importorskip("ctranslate2")

from models.recipe import convert, data  # noqa: E402  (after the skips: the recipe needs torch)
from models.recipe.model import ModelConfig, Transformer  # noqa: E402


def test_ctranslate2_scores_match_pytorch(tmp_path: Path):
    """The exported model computes what the trained one does (float32, before int8)."""
    torch.manual_seed(0)
    config = ModelConfig(vocab_size=40, d_model=32, heads=4, ff=64, encoder_layers=2, decoder_layers=2, dropout=0.0)
    model = Transformer(config).eval()
    vocabulary = ["<unk>", "<s>", "</s>", "<pad>"] + [f"t{i}" for i in range(36)]
    weights = {name: value.detach().numpy() for name, value in model.named_parameters()}
    spec = convert.build_spec(config.as_dict(), weights, vocabulary)
    spec.validate()
    spec.optimize(quantization=None)
    spec.save(str(tmp_path))
    translator = ctranslate2.Translator(str(tmp_path))
    sources, targets = [[5, 9, 12, 7], [8, 8, 30]], [[10, 11, 12], [20, 21, 22, 23, 24]]
    scored = translator.score_batch(
        [[vocabulary[i] for i in s] for s in sources], [[vocabulary[i] for i in t] for t in targets]
    )
    for source, target, result in zip(sources, targets, scored):
        with torch.no_grad():
            log_probs = torch.log_softmax(model(torch.tensor([source]), torch.tensor([[1, *target]])), -1)[0]
        expected = [float(log_probs[i, token]) for i, token in enumerate([*target, 2])]
        np.testing.assert_allclose(result.log_probs, expected, atol=1e-4)


def test_int8_round_trip_is_exact():
    """Weights packed as int8 on the GPU machine requantize to the same int8 values here."""
    torch.manual_seed(1)
    weight = torch.randn(6, 8)
    packed = convert.quantize({"w": weight, "b": torch.randn(8)})
    restored = convert.dequantize(packed)
    again = convert.quantize({"w": torch.from_numpy(restored["w"])})
    assert torch.equal(again["w"], packed["w"])
    np.testing.assert_allclose(restored["b"], packed["b"].numpy())


def test_filters_and_normalisation():
    assert data.normalize("ＡＢＣ　１２３  x") == "ABC 123 x"
    assert data.keep("The talks ended on Friday.", "協議は金曜日に終わった。", 400)
    assert not data.keep("The talks ended on Friday.", "The talks ended.", 400)  # no Japanese
    assert not data.keep("A long English sentence that has no match.", "短い", 400)  # ratio
    assert not data.keep("x" * 401, "日本", 400)


def test_recipe_on_synthetic_corpus(tiny_package: Path, tmp_path: Path):
    """The package the recipe made installs with our loader and with Argos's own, and translates."""
    with zipfile.ZipFile(tiny_package) as archive:
        names = set(archive.namelist())
        metadata = json.loads(archive.read("translate-en_ja-tiny/metadata.json"))
    assert {
        "translate-en_ja-tiny/metadata.json",
        "translate-en_ja-tiny/sentencepiece.model",
        "translate-en_ja-tiny/README.md",
        "translate-en_ja-tiny/model/model.bin",
        "translate-en_ja-tiny/model/config.json",
        "translate-en_ja-tiny/model/shared_vocabulary.json",
    } <= names
    assert (metadata["from_code"], metadata["to_code"]) == ("en", "ja")
    assert {"package_version", "argos_version", "from_name", "to_name"} <= metadata.keys()
    assert "CC BY-SA 3.0" in metadata["license"]

    engine = CTranslate2Engine(install(tiny_package, tmp_path / "ours"), EngineOptions(threads=1))
    # The tiny model "translates nothing usefully" (configs/tiny.json), and what it writes
    # varies with the CPU's float units: the check is that it writes Japanese at all.
    (hypothesis,) = engine.translate(["The president met the minister on Monday."])
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", hypothesis.text), hypothesis
    assert not hypothesis.truncated

    argos_dir = tmp_path / "argos"
    listing = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, argostranslate.package as p; p.install_from_path(sys.argv[1]);"
            "print([(x.from_code, x.to_code, x.package_version) for x in p.get_installed_packages()])",
            str(tiny_package),
        ],
        env={"ARGOS_PACKAGES_DIR": str(argos_dir), "XDG_DATA_HOME": str(tmp_path / "xdg"),
             "XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_CACHE_HOME": str(tmp_path / "xdg"),
             "HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.strip() == "[('en', 'ja', '0.0.1')]"


def test_pack_parts_fit_the_transfer_limit(tiny_package: Path):
    parts = sorted((tiny_package.parent / "work" / "pack").glob("pack.tar.*"))
    assert parts and all(p.stat().st_size < 16 * 1024 * 1024 for p in parts)


@pytest.mark.skipif(not (SHARED_CORPUS / "train").is_dir(), reason="the shared corpus is not beside this checkout")
def test_recipe_on_a_slice_of_the_shared_corpus():
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "translate-en_ja-tiny.argosmodel"
        result = run_recipe(SHARED_CORPUS, Path(folder) / "work", out)
        assert result.returncode == 0, result.stderr[-3000:]
        stats = json.loads((Path(folder) / "work" / "data" / "stats.json").read_text())
        assert set(stats["by_source"]) == {"kyoto", "tatoeba", "wmt"}
        assert all(count > 0 for count in stats["by_source"].values())
        engine = CTranslate2Engine(install(out, Path(folder) / "packages"), EngineOptions(threads=1))
        # The tiny model translates nothing usefully; what must hold is that it ran: a model score.
        [result] = engine.translate(["Mexico's president warned the United States on Thursday."])
        assert isinstance(result.score, float) and result.score < 0


def test_batch_shapes_are_bounded_and_every_pair_is_seen():
    """Lengths padded to multiples of 16, one row count per bucket: few shapes (oneDNN caches kernels per shape)."""
    from models.recipe.train import Corpus

    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 90, size=(2, 500))
    src = np.concatenate([np.arange(n) + 4 for n in lengths[0]]).astype(np.int32), np.concatenate([[0], np.cumsum(lengths[0])])
    tgt = np.concatenate([np.arange(n) + 4 for n in lengths[1]]).astype(np.int32), np.concatenate([[0], np.cumsum(lengths[1])])
    corpus = Corpus(src, tgt, 96)
    batches = corpus.batches(2000, np.random.default_rng(1), 16)
    shapes = set()
    for batch in batches:
        source, target_in, target_out = corpus.tensors(batch, torch.device("cpu"), 16)
        assert source.shape[1] % 16 == 0 and target_in.shape[1] % 16 == 0
        assert source.shape[0] * max(source.shape[1], target_in.shape[1]) <= 2000
        shapes.add((tuple(source.shape), tuple(target_in.shape)))
    assert len(shapes) <= 6 * 6  # (source bucket, target bucket) pairs up to 96 tokens
    assert set(np.concatenate(batches)) == set(range(len(corpus)))


def test_warm_start_reads_the_package_weights_back(tiny_package: Path, tmp_path: Path):
    """A shipped package is itself a checkpoint: its int8 weights come back within one quantisation step."""
    checkpoint = torch.load(tiny_package.parent / "work" / "train" / "checkpoint.pt", weights_only=True)
    config, weights, step, spm_model = convert.weights_from_package(tiny_package, tmp_path / "unpacked")
    assert config == checkpoint["model_config"]
    assert step == checkpoint["step"]
    assert spm_model.read_bytes() == (tiny_package.parent / "work" / "data" / "spm.model").read_bytes()
    assert set(weights) == set(checkpoint["weights"])
    for name, trained in checkpoint["weights"].items():
        trained = trained.float().numpy()
        # int8 rows: |error| <= half a step of 127 levels per row's max; other tensors are exact.
        tolerance = np.abs(trained).max(axis=-1, keepdims=True) / 127 / 2 + 1e-6 if trained.ndim == 2 else 1e-6
        assert np.all(np.abs(weights[name] - trained) <= tolerance), name
    model = Transformer(ModelConfig(**config))
    model.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()}, strict=False)


def test_a_foreign_package_is_no_warm_start(tmp_path: Path):
    package = tmp_path / "other.argosmodel"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("other/metadata.json", json.dumps({"from_code": "en", "to_code": "ja"}))
    with pytest.raises(ValueError, match="no training record in metadata.json"):
        convert.weights_from_package(package, tmp_path / "unpacked")


def test_cooldown_takes_the_rate_to_zero_from_the_run_it_continues(tiny_package: Path, tmp_path: Path):
    """A cooldown starts from train's state, ends at exactly its steps with a zero rate, and leaves train alone."""
    work = tmp_path / "work"
    for folder in ("data", "train"):
        shutil.copytree(tiny_package.parent / "work" / folder, work / folder)
    state = work / "train" / "state.pt"
    before = hashlib.sha256(state.read_bytes()).hexdigest()
    main_step = torch.load(state, weights_only=False)["step"]

    def cooldown() -> list[dict]:
        result = subprocess.run(
            [sys.executable, *RECIPE, "cooldown", "--config", str(TINY_CONFIG), "--work", str(work),
             "--corpus", str(tiny_package.parent / "corpus"), "--device", "cpu"],
            cwd=REPO, capture_output=True, text=True, timeout=600,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return [json.loads(line) for line in (work / "cooldown" / "log.jsonl").read_text().splitlines()]

    steps = json.loads(TINY_CONFIG.read_text())["cooldown"]["steps"]
    log = cooldown()
    assert log[0]["cooldown_from"] == main_step and log[0]["resumed"]
    evaluations = [entry for entry in log if "valid_loss" in entry]
    assert evaluations[-1]["step"] == main_step + steps and evaluations[-1]["lr"] == 0.0
    assert all(a["lr"] > b["lr"] for a, b in zip(evaluations, evaluations[1:]))
    assert log[-1]["done"] and log[-1]["steps"] == main_step + steps
    assert (work / "cooldown" / "checkpoint.pt").exists()
    assert hashlib.sha256(state.read_bytes()).hexdigest() == before

    again = cooldown()  # a finished cooldown resumed trains no further
    assert again[-1]["steps"] == main_step + steps and len(again) == len(log) + 2

    result = subprocess.run(
        [sys.executable, *RECIPE, "pack", "--config", str(TINY_CONFIG), "--work", str(work),
         "--stage", "cooldown", "--parts", str(tmp_path / "parts")],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    packed = convert.unpack(sorted((tmp_path / "parts").glob("pack.tar.*")), tmp_path / "unpacked")
    record = convert.training_record(packed)
    assert record["step"] == torch.load(work / "cooldown" / "checkpoint.pt", weights_only=True)["step"]
    assert record["cooldown_from"] == main_step


def test_a_cooldown_from_a_package_rewarms_then_falls_to_zero(tiny_package: Path, tmp_path: Path):
    """A new machine has only the committed package: the cooldown starts from its weights and step, the
    rate climbs over a tenth of the warm-up and falls to zero at exactly its steps, on the mix given."""
    work = tmp_path / "work"
    shutil.copytree(tiny_package.parent / "work" / "data", work / "data")
    package_step = json.loads(zipfile.ZipFile(tiny_package).read(
        next(n for n in zipfile.ZipFile(tiny_package).namelist() if n.endswith("metadata.json"))))["training"]["step"]
    result = subprocess.run(
        [sys.executable, *RECIPE, "cooldown", "--config", str(TINY_CONFIG), "--work", str(work),
         "--corpus", str(tiny_package.parent / "corpus"), "--device", "cpu", "--package", str(tiny_package),
         "--into", "ab", "--steps", "10", "--extra-sources", '{"tatoeba": 0.5}'],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    log = [json.loads(line) for line in (work / "ab" / "log.jsonl").read_text().splitlines()]
    assert log[0]["warm_start"] and log[0]["cooldown_from"] == package_step and not (work / "train").exists()
    assert log[-1]["done"] and log[-1]["steps"] == package_step + 10
    assert [e for e in log if "lr" in e][-1]["lr"] == 0.0
    assert (work / "ab" / "checkpoint.pt").exists()


def test_a_fractional_weight_keeps_that_share_of_a_source_the_same_on_every_run():
    source = data.Source("names", 0.25)
    pairs = [(f"Name{i}", "ナマエ") for i in range(4000)]
    kept = [source.copies(en, ja) for en, ja in pairs]
    assert set(kept) == {0, 1} and 900 < sum(kept) < 1100
    assert kept == [source.copies(en, ja) for en, ja in pairs]
    assert [data.Source("wmt", 2.25).copies(en, ja) for en, ja in pairs] == [2 + k for k in kept]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (REPO / "models" / "recipe" / "configs" / "base.json", 'this config has no "cooldown" section'),
        (TINY_CONFIG, "to cool down: run train first"),
    ],
)
def test_a_cooldown_without_its_section_or_a_state_says_so(tmp_path: Path, config: Path, message: str):
    result = subprocess.run(
        [sys.executable, *RECIPE, "cooldown", "--config", str(config), "--work", str(tmp_path), "--device", "cpu"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr

"""Model families on the one CTranslate2 core: each family's tokens around a sentence, the target
prefix dropped, the decoding options in one place, the memory asked before a model loads, and the
family saved with each translation (m010) and named by `show --json`."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlite_utils
from click.testing import CliRunner

from translator.app import App
from translator.cli import cli
from translator.core.errors import PackageError
from translator.core.news import Hypothesis, Origin, TranslatedSentence
from translator.store import Store
from translator.store.migrations import migrations
from translator.translation import engine as engine_module
from translator.translation.engine import CTranslate2Engine, Decoding, EngineOptions, _Model, family_of_engine
from translator.translation.families import FAMILIES, LanguageTokens, SentencePieces
from translator.translation.formats import PackageInfo

from . import model_folders
from .conftest import SEED, FakeEngine


class Recorder:
    """Stands in for ctranslate2.Translator: records what it is given; each output is the target
    prefix (when given) and the source tokens upper-cased, cut at the limit."""

    def __init__(self):
        self.calls: list[dict] = []

    def translate_batch(self, source, target_prefix=None, max_decoding_length=0, num_hypotheses=1, **options):
        self.calls.append({"source": source, "target_prefix": target_prefix, "limit": max_decoding_length,
                           "num_hypotheses": num_hypotheses, **options})
        prefix = [target_prefix[0][0]] if target_prefix else []
        return [
            SimpleNamespace(
                hypotheses=[(prefix + [t.upper() for t in tokens])[:max_decoding_length]] * num_hypotheses,
                scores=[-1.0] * num_hypotheses,
            )
            for tokens in source
        ]


def engine(metadata: dict, **options) -> tuple[CTranslate2Engine, Recorder]:
    recorder = Recorder()
    tokenizer = SimpleNamespace(encode=str.split, decode=" ".join)
    info = PackageInfo("pkg", Path("/nonexistent"), "en", "ja", "1.0", metadata)
    return CTranslate2Engine(info, EngineOptions(**options), _Model(recorder, tokenizer)), recorder


M2M = {"family": "m2m100", "source_prefix": ["__en__"], "source_suffix": ["</s>"], "target_prefix": "__ja__"}
MADLAD = {"family": "madlad400", "source_prefix": ["<2ja>"], "source_suffix": ["</s>"]}


@pytest.mark.parametrize(
    "metadata, source, prefix",
    [
        ({}, ["a", "b"], None),  # an Argos package
        ({"target_prefix": "__ja__"}, ["a", "b"], [["__ja__"]]),  # an Argos package of a multilingual model
        ({"family": "opus-mt", "source_suffix": ["</s>"]}, ["a", "b", "</s>"], None),
        ({"family": "opus-mt", "source_prefix": [">>jpn<<"]}, [">>jpn<<", "a", "b"], None),
        (M2M, ["__en__", "a", "b", "</s>"], [["__ja__"]]),
        (
            {**M2M, "family": "nllb", "source_prefix": ["eng_Latn"], "target_prefix": "jpn_Jpan"},
            ["eng_Latn", "a", "b", "</s>"],
            [["jpn_Jpan"]],
        ),
        (MADLAD, ["<2ja>", "a", "b", "</s>"], None),
    ],
)
def test_each_family_sends_its_tokens_and_drops_its_prefix(metadata, source, prefix):
    translator, recorder = engine(metadata, decoding=Decoding(max_length_ratio=10))
    [result] = translator.translate(["a b"])
    assert (recorder.calls[0]["source"], recorder.calls[0]["target_prefix"]) == ([source], prefix)
    assert result == Hypothesis(" ".join(token.upper() for token in source), False, -1.0)  # no prefix in the text


def test_the_limit_is_the_sentences_own_whatever_the_tokens_around_it():
    """The output limit counts the sentence's pieces, not the language tokens; the target prefix
    counts towards it (so an output cut at the limit says so)."""
    translator, recorder = engine(M2M, decoding=Decoding(max_length_ratio=1.0, max_length_extra=2))
    [short, long] = translator.translate(["a", "a b c"])
    assert [call["limit"] for call in recorder.calls] == [3, 5]
    assert short == Hypothesis("__EN__ A", True, -1.0)  # __ja__ __EN__ A: 3 tokens, the limit
    assert long == Hypothesis("__EN__ A B C", True, -1.0)


def test_alternatives_go_through_the_same_core():
    translator, recorder = engine(MADLAD)
    best = translator.alternatives("a b", 3)
    assert best[0] == translator.translate(["a b"])[0]  # the saved translation (MBR's choice) first
    assert [call["source"] for call in recorder.calls[:2]] == [[["<2ja>", "a", "b", "</s>"]]] * 2
    # translate's own decoding (beam 4, its 4 best for MBR), then the n best of a beam at least n wide.
    assert [(call["beam_size"], call["num_hypotheses"]) for call in recorder.calls[:2]] == [(4, 4), (4, 3)]


def test_decoding_options_reach_ctranslate2_from_one_place():
    decoding = Decoding(beam_size=3, length_penalty=0.8, no_repeat_ngram_size=2, repetition_penalty=1.1)
    translator, recorder = engine(M2M, decoding=decoding)
    translator.translate(["a"])
    translator.safer().translate(["a b"])
    for call, used in zip(recorder.calls, (decoding, decoding.safer())):
        assert {key: call[key] for key in used.search_options()} == used.search_options()
    assert decoding.search_options() == {
        "beam_size": 3,
        "length_penalty": 0.8,
        "no_repeat_ngram_size": 2,
        "repetition_penalty": 1.1,
    }


def test_the_family_is_the_packages():
    assert [
        CTranslate2Engine(PackageInfo("p", Path("/x"), "en", "ja", "1", metadata)).family
        for metadata in (
            {},
            M2M,
            MADLAD,
        )
    ] == ["argos", "m2m100", "madlad400"]
    assert family_of_engine(CTranslate2Engine(PackageInfo("p", Path("/x"), "en", "ja", "1", M2M))) == "m2m100"
    assert family_of_engine(FakeEngine()) is None
    assert not FAMILIES["nllb"].commercial and FAMILIES["opus-mt"].license == "CC BY 4.0"


@pytest.mark.parametrize(
    "metadata, message",
    [
        (
            {"family": "gpt"},
            "pkg: unknown model family 'gpt' (known: argos, opus-mt, m2m100, nllb, madlad400): "
            "a newer version of translate made it",
        ),
        ({"family": "m2m100", "source_prefix": "__en__"}, "pkg: metadata.json's source_prefix is not a list of tokens"),
        ({"family": "m2m100", "target_prefix": ["__ja__"]}, "pkg: metadata.json's target_prefix is not one token"),
    ],
)
def test_a_package_with_an_unknown_family_or_bad_tokens_is_one_line(metadata, message):
    info = PackageInfo("pkg", Path("/nonexistent"), "en", "ja", "1", metadata)
    with pytest.raises(PackageError) as raised:
        CTranslate2Engine(info).translate(["a"])
    assert str(raised.value) == message


def test_language_tokens():
    tokens = LanguageTokens(("__en__",), ("</s>",), "__ja__")
    assert tokens.source(["▁a"]) == ["__en__", "▁a", "</s>"]
    assert tokens.target(["__ja__", "▁x"]) == ["▁x"] and tokens.target(["▁x"]) == ["▁x"]
    assert tokens.as_metadata() == {"source_prefix": ["__en__"], "source_suffix": ["</s>"], "target_prefix": "__ja__"}


@pytest.fixture(scope="module")
def two_models(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("spm")
    source = model_folders.train_spm(folder / "source.spm", model_folders.english_lines(), 300)
    target = model_folders.train_spm(folder / "target.spm", model_folders.japanese_lines(), 500)
    return source, target


def package(folder: Path, two_models, **metadata) -> PackageInfo:
    source, target = two_models
    (folder / "model").mkdir(parents=True)
    (folder / "model" / "model.bin").write_bytes(b"\0" * 4096)
    (folder / "sentencepiece.model").write_bytes(source.read_bytes())
    (folder / "sentencepiece.target.model").write_bytes(target.read_bytes())
    spm = {"source": "sentencepiece.model", "target": "sentencepiece.target.model"}
    return PackageInfo(folder.name, folder, "en", "ja", "1", {"family": "opus-mt", "sentencepiece": spm, **metadata})


def test_two_sentencepiece_models_encode_with_the_source_and_decode_with_the_target(two_models, tmp_path: Path):
    info = package(tmp_path / "opus", two_models)
    tokenizer = FAMILIES["opus-mt"].tokenizer(info, "cpu")
    assert isinstance(tokenizer, SentencePieces)
    assert tokenizer.encode("The army met the police.") == tokenizer.source.encode(
        "The army met the police.", out_type=str
    )
    japanese = tokenizer.target.encode("大統領は金曜日に警察に会った。", out_type=str)
    assert tokenizer.decode(japanese) == "大統領は金曜日に警察に会った。"
    assert tokenizer.source.encode("大統領は", out_type=str) != tokenizer.target.encode("大統領は", out_type=str)


@pytest.mark.parametrize(
    "sentencepiece, damage, message",
    [
        (None, None, "opus: metadata.json names no SentencePiece model (sentencepiece.source)"),
        ({"source": "../elsewhere.model"}, None, "opus: no SentencePiece model ../elsewhere.model in the package"),
        ({"source": "missing.model"}, None, "opus: no SentencePiece model missing.model in the package"),
        (
            {"source": "sentencepiece.model", "target": "sentencepiece.target.model"},
            "sentencepiece.target.model",
            "opus: the package is damaged (sentencepiece.target.model: ",
        ),
    ],
)
def test_a_missing_or_damaged_sentencepiece_model_is_a_package_error(
    two_models, tmp_path, sentencepiece, damage, message
):
    info = package(tmp_path / "opus", two_models)
    info.metadata["sentencepiece"] = sentencepiece
    if damage:
        (info.path / damage).write_bytes(b"not a model")
    with pytest.raises(PackageError) as raised:
        CTranslate2Engine(info).translate(["a"])
    assert str(raised.value).startswith(message)


def test_the_memory_a_model_needs_is_asked_before_it_loads(two_models, tmp_path: Path, monkeypatch):
    import ctranslate2

    def never(*args, **kwargs):
        raise AssertionError("the model was loaded")

    info = package(tmp_path / "opus", two_models)
    monkeypatch.setattr(ctranslate2, "Translator", never)
    monkeypatch.setattr(engine_module, "available_memory", lambda: 100 << 20)
    with pytest.raises(PackageError) as raised:
        CTranslate2Engine(info).translate(["a"])
    assert str(raised.value) == (
        "opus: the model needs about 0.3 GiB of memory and 0.1 GiB is free here: free some, or choose a smaller "
        "package (--package)"
    )
    # Weights stored as int8 and computed in float32 take four times the room.
    assert (
        engine_module.run_memory(1 << 30, "float32", True)
        > 4 << 30
        > 2 * engine_module.run_memory(1 << 30, "default", True)
    )


# The family with each translation -------------------------------------------------------------


def test_the_family_is_saved_with_each_translation_and_shown(tmp_path: Path):
    class Named(FakeEngine):
        family = "nllb"

    app = App(engine_factory=lambda config: Named())
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(SEED)], obj=app).exit_code == 0
    assert runner.invoke(cli, ["run"], obj=app).exit_code == 0
    japanese = json.loads(runner.invoke(cli, ["show", "1", "--json"], obj=app).stdout)
    assert japanese["translation"] == {
        "package": "fake-en_ja",
        "package_version": "1.0",
        "family": "nllb",
        "translated_at": japanese["translation"]["translated_at"],
        "confidence_threshold": None,
    }
    assert "translation" not in json.loads(runner.invoke(cli, ["show", "1", "--lang", "en", "--json"], obj=app).stdout)


def test_translations_made_before_the_family_was_recorded_came_from_argos_packages(tmp_path: Path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m010_translation_family")
    db["articles"].insert(
        {
            "id": 1,
            "headline": "H",
            "published": "2025-02-21T18:38:00+09:00",
            "full_page": 1,
            "content_hash": "h",
            "created_at": "t",
            "updated_at": "t",
        }
    )
    db["translations"].insert(
        {
            "article_id": 1,
            "lang": "ja",
            "package": "translate-en_ja-1_1",
            "package_version": "1.1",
            "translated_at": "t",
            "source_hash": "h",
        }
    )
    db.close()
    store = Store.open(path)
    try:
        assert store.aligned_article(1, "ja").translation.family == "argos"
        store.save_translation(
            1,
            "ja",
            [TranslatedSentence("H", Hypothesis("見出し"), Origin.MACHINE)],
            package="m2m-en_ja",
            package_version="1.0",
            source_hash="h",
            family="m2m100",
        )
        assert store.aligned_article(1, "ja").translation.family == "m2m100"
    finally:
        store.close()

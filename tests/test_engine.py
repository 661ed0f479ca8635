"""The Argos engine on a real package (made by the recipe from a synthetic corpus)."""

import os
from pathlib import Path

import pytest

from translator.engine import ArgosEngine, Decoding, argos_environment, length_batches
from translator.packages import install


@pytest.fixture
def engine(tiny_package: Path, tmp_path: Path) -> ArgosEngine:
    return ArgosEngine(install(tiny_package, tmp_path / "packages"), threads=1)


def test_length_batches_group_similar_lengths():
    lengths = [5, 1, 9, 3, 3, 40]
    assert length_batches(lengths, batch_tokens=10) == [[1, 3, 4], [0], [2], [5]]
    assert length_batches([], 10) == []


def test_argos_settings_stay_in_the_package_folder(tmp_path: Path):
    before = dict(os.environ)
    with argos_environment(tmp_path, "cpu"):
        assert os.environ["ARGOS_PACKAGES_DIR"] == str(tmp_path)
        assert os.environ["XDG_CONFIG_HOME"] == str(tmp_path / ".argos" / "config")
    assert dict(os.environ) == before


def test_translates_to_japanese(engine: ArgosEngine):
    out = engine.translate(["The president met the minister on Monday.", "", "The army warned the city today."])
    assert len(out) == 3 and out[1] == ""
    assert all(any("\u3040" <= c <= "\u9fff" for c in text) for text in (out[0], out[2]))
    assert engine.stats.sentences == 2


def test_model_loads_once(engine: ArgosEngine):
    engine.translate(["The court praised the police yesterday."])
    translator = engine._translator
    engine.translate(["The company met the government on Friday."])
    assert engine._translator is translator


def test_batching_does_not_change_results(engine: ArgosEngine):
    sentences = [
        "The president met the minister on Monday.",
        "The police criticised the court.",
        "The city warned the army yesterday and the company praised the government on Friday.",
        "The minister met the city today.",
    ]
    engine.decoding = Decoding(beam_size=1)
    together = engine.translate(sentences)
    one_by_one = [engine.translate([s])[0] for s in sentences]
    assert together == one_by_one


def test_home_folder_untouched(engine: ArgosEngine, tmp_path: Path):
    engine.translate(["The army met the police."])
    assert not (tmp_path / "home").exists()

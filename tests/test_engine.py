"""The Argos engine on a real package (made by the recipe from a synthetic corpus)."""

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from translator.engine import ArgosEngine, Decoding, EngineOptions, _Model, argos_environment, length_batches
from translator.news import Hypothesis
from translator.packages import PackageInfo, install

from .conftest import synthetic_pairs


@pytest.fixture
def engine(tiny_package: Path, tmp_path: Path) -> ArgosEngine:
    return ArgosEngine(install(tiny_package, tmp_path / "packages"), EngineOptions(threads=1))


def test_length_batches_hold_one_length_each():
    lengths = [5, 1, 9, 3, 3, 40, 3]
    assert length_batches(lengths, batch_tokens=10) == [[1], [3, 4, 6], [0], [2], [5]]
    assert length_batches(lengths, batch_tokens=6) == [[1], [3, 4], [6], [0], [2], [5]]
    assert length_batches([], 10) == []


def test_output_limit_is_three_times_plus_sixteen():
    assert [Decoding().output_limit(n) for n in (1, 10, 11)] == [19, 46, 49]


def test_argos_settings_stay_in_the_package_folder(tmp_path: Path):
    before = dict(os.environ)
    with argos_environment(tmp_path, "cpu"):
        assert os.environ["ARGOS_PACKAGES_DIR"] == str(tmp_path)
        assert os.environ["XDG_CONFIG_HOME"] == str(tmp_path / ".argos" / "config")
    assert dict(os.environ) == before


def test_translates_to_japanese(engine: ArgosEngine):
    out = engine.translate(["The president met the minister on Monday.", "", "The army warned the city today."])
    assert len(out) == 3 and out[1] == Hypothesis("")
    for result in (out[0], out[2]):
        assert any("\u3040" <= c <= "\u9fff" for c in result.text)
        assert result.truncated is False
        assert isinstance(result.score, float) and result.score < 0


def test_model_loads_once_and_is_shared_by_copies(engine: ArgosEngine, monkeypatch):
    import ctranslate2

    loads = []
    real = ctranslate2.Translator
    monkeypatch.setattr(ctranslate2, "Translator", lambda *args, **kwargs: loads.append(args) or real(*args, **kwargs))
    engine.translate(["The court praised the police yesterday."])
    engine.translate(["The company met the government on Friday."])
    engine.with_decoding(Decoding(beam_size=1)).translate(["The city met the army today."])
    assert len(loads) == 1


SENTENCES = [english for english, _ in synthetic_pairs()[::37]]


@pytest.mark.parametrize("beam_size", [1, 2])
def test_batching_does_not_change_results(engine: ArgosEngine, beam_size: int):
    engine = engine.with_decoding(Decoding(beam_size=beam_size))
    together = engine.translate(SENTENCES)
    one_by_one = [engine.translate([s])[0] for s in SENTENCES]
    assert [(h.text, h.truncated) for h in together] == [(h.text, h.truncated) for h in one_by_one]


def test_each_sentence_is_cut_at_its_own_limit(engine: ArgosEngine):
    """With a limit of ceil(0.2 × source tokens) + 1, a short and a long sentence give what they give alone."""
    tight = engine.with_decoding(Decoding(beam_size=1, max_length_ratio=0.2, max_length_extra=1))
    short, long = "The army met the police.", "The city warned the army yesterday and the company praised the government on Friday."
    assert tight.translate([short, long]) == [tight.translate([short])[0], tight.translate([long])[0]]


class WordTranslator:
    """Stands in for CTranslate2: each source word becomes two output words, up to the length limit."""

    def __init__(self):
        self.calls: list[tuple[list[int], int]] = []  # (source lengths, max_decoding_length)

    def translate_batch(self, source, target_prefix=None, max_decoding_length=0, **options):
        self.calls.append(([len(tokens) for tokens in source], max_decoding_length))
        prefix = [target_prefix[0][0]] if target_prefix else []
        return [
            SimpleNamespace(hypotheses=[(prefix + ["語"] * 2 * len(tokens))[:max_decoding_length]], scores=[-0.5])
            for tokens in source
        ]


def word_engine(decoding: Decoding, metadata: dict | None = None) -> tuple[ArgosEngine, WordTranslator]:
    translator = WordTranslator()
    tokenizer = SimpleNamespace(encode=str.split, decode=" ".join)
    info = PackageInfo("words", Path("/nonexistent"), "en", "ja", "1", metadata or {})
    return ArgosEngine(info, EngineOptions(batch_tokens=8, decoding=decoding), _Model(translator, tokenizer)), translator


def test_the_limit_and_the_truncated_flag_are_each_sentences_own():
    # Limit: 1 × source words + 3. Two output words per source word: cut from 4 source words on.
    engine, translator = word_engine(Decoding(max_length_ratio=1.0, max_length_extra=3))
    results = engine.translate(["a b c d", "a", "", "a b", "e f g h"])
    assert translator.calls == [([1], 4), ([2], 5), ([4, 4], 7)]  # one length a batch, its own limit
    assert results == [
        Hypothesis(" ".join(["語"] * 7), True, -0.5),
        Hypothesis("語 語", False, -0.5),
        Hypothesis(""),
        Hypothesis("語 語 語 語", False, -0.5),
        Hypothesis(" ".join(["語"] * 7), True, -0.5),
    ]


def test_the_target_prefix_is_dropped_and_counted():
    engine, _ = word_engine(Decoding(max_length_ratio=1.0, max_length_extra=2), {"target_prefix": "__ja__"})
    assert engine.translate(["a", "a b c"]) == [
        Hypothesis("語 語", True, -0.5),  # prefix + 2 words = 3 = the limit
        Hypothesis("語 語 語 語", True, -0.5),
    ]


def test_alternatives_are_the_n_best_and_the_first_is_the_translation(engine: ArgosEngine):
    sentence = "The president praised the court on Friday."
    wide = engine.with_decoding(Decoding(beam_size=4))
    best = wide.alternatives(sentence, 4)
    assert len(best) == 4
    assert len({h.text for h in best}) == 4
    assert [h.score for h in best] == sorted((h.score for h in best), reverse=True)
    assert best[0] == wide.translate([sentence])[0]
    assert engine.alternatives(" ", 3) == [Hypothesis("")]


def test_home_folder_untouched(tiny_package: Path, tmp_path: Path):
    """Argos reads its settings once per process, so only a fresh process can show this."""
    home = tmp_path / "home"
    script = (
        "import sys; from pathlib import Path;"
        "from translator.engine import ArgosEngine; from translator.packages import install;"
        "print(ArgosEngine(install(Path(sys.argv[1]), Path(sys.argv[2]))).translate(['The army met the police.'])[0].text)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ARGOS_"))}
    env["HOME"] = str(home)
    result = subprocess.run(
        [sys.executable, "-c", script, str(tiny_package), str(tmp_path / "packages")],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert not home.exists()

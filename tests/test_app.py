"""The App: settings to engine, the batch run with publishing, packages."""

import shutil
from pathlib import Path

import pytest

from translator.translation import pipeline
from translator.app import App, load_engine
from translator.core.settings import resolve
from translator.translation.engine import Decoding, EngineOptions
from translator.text.importer import import_paths

from .conftest import SEED, FakeEngine


def test_the_engine_gets_its_own_options_and_the_bundled_package(tmp_path: Path, tiny_package: Path):
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy(tiny_package, models / "ours.argosmodel")
    config = resolve(
        environ={}, db=tmp_path / "news.db", models_dir=models, beam_size=3, threads=3, batch_tokens=512,
        compute_type="int8_bfloat16",
    )
    engine = load_engine(config)  # installs (and so verifies) the bundled package; the engine loads no model yet
    assert engine.package == "translate-en_ja-tiny"
    assert engine.options == EngineOptions(
        device="cpu", threads=3, compute_type="int8_bfloat16", batch_tokens=512, decoding=Decoding(beam_size=3)
    )
    assert (tmp_path / "packages" / "translate-en_ja-tiny" / "metadata.json").is_file()


def test_a_run_publishes_what_it_finished_even_when_interrupted(monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_SENTENCES", 10)  # several engine calls, the second one fails
    app = App(flags={"publish_policy": "current"}, engine_factory=lambda config: FakeEngine(fail_on_call=2))
    with app.store(create=True) as store:
        import_paths(store, [SEED])
    with pytest.raises(KeyboardInterrupt):
        app.translate_pending()
    with app.store() as store:
        published = {row["article_id"] for row in store.db["publications"].rows_where("lang = 'ja'")}
        translated = {row["article_id"] for row in store.db["translations"].rows}
    assert translated and published == translated


def test_packages_lists_the_bundled_ones(tmp_path: Path, tiny_package: Path):
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy(tiny_package, models / "ours.argosmodel")
    listing = App().packages()
    assert [p.name for p in listing.installed] == ["translate-en_ja-tiny"]
    assert listing.in_use == listing.installed[0]

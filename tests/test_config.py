import os
from pathlib import Path

import pytest

from translator.core import settings as config
from translator.core.settings import SETTINGS, resolve
from translator.core.errors import ConfigError


def test_defaults():
    config = resolve(environ={})
    assert config.db == Path("db/news.db")
    assert config.packages_dir == Path("db/packages")
    assert config.models_dir == Path("models")
    assert config.link_template == "/articles/{id}/{lang}"
    assert (config.device, config.beam_size, config.threads, config.mbr) == ("cpu", 4, 1, 4)
    assert (config.publish_policy, config.allowed_hosts) == ("approved", None)


def test_flag_beats_environment_beats_default():
    environ = {"TRANSLATE_DB": "/env/news.db", "TRANSLATE_BEAM_SIZE": "3"}
    assert resolve(environ=environ).db == Path("/env/news.db")
    assert resolve(environ=environ).packages_dir == Path("/env/packages")
    assert resolve(environ=environ, db="/flag/x.db", beam_size=1).db == Path("/flag/x.db")
    assert resolve(environ=environ, beam_size=1).beam_size == 1
    assert resolve(environ=environ).beam_size == 3
    assert resolve(environ={"TRANSLATE_COMPUTE_TYPE": "bfloat16"}).compute_type == "bfloat16"


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("link_template", "/articles/ja", "link template must contain {id}: '/articles/ja'"),
        ("link_template", "/{id}/{section}", "link template may only use {id} and {lang}: '/{id}/{section}' ('section')"),
        ("device", "tpu", "device must be cpu or cuda, not 'tpu'"),
        ("beam_size", "0", "beam size must be a whole number >= 1, not '0'"),
        ("threads", "many", "threads must be a whole number >= 0, not 'many'"),
        (
            "compute_type",
            "int4",
            "compute type must be one of default, auto, int8, int8_float32, int8_float16, int8_bfloat16, "
            "int16, float16, bfloat16, float32, not 'int4'",
        ),
    ],
)
def test_bad_values(name, value, message):
    with pytest.raises(ConfigError) as raised:
        resolve(environ={}, **{name: value})
    assert str(raised.value) == message


def test_every_setting_has_an_environment_variable_and_help():
    assert all(s.env.startswith("TRANSLATE_") and s.help for s in SETTINGS)
    assert len({s.env for s in SETTINGS}) == len(SETTINGS)


def test_the_engine_starts_from_the_settings_defaults():
    """The engine owns its defaults (it knows no settings: pyproject's contracts); the command line
    starts from the settings'. They are the same values, so a library caller gets what `run` does."""
    from translator.translation.engine import Decoding, EngineOptions

    options, decoding = EngineOptions(), Decoding()
    assert (options.device, options.threads, options.compute_type, options.batch_tokens) == tuple(
        config.default(name) for name in ("device", "threads", "compute_type", "batch_tokens")
    )
    assert (decoding.beam_size, decoding.mbr_candidates) == (config.default("beam_size"), config.default("mbr"))


def test_openmp_threads_sleep_while_they_wait_unless_the_environment_says_otherwise():
    """Issue 25: GNU OpenMP's spinning threads stalled `translate run` 15-fold beside a busy process.
    The policy must be in the environment before CTranslate2 loads: nothing imports it before the engine does."""
    import subprocess
    import sys

    probe = (
        "import os, sys; import translator.cli, translator.web, translator.app;"
        "assert 'ctranslate2' not in sys.modules, 'loaded before the engine could set the policy';"
        "from translator.translation.engine import load_ctranslate2; load_ctranslate2(); print(os.environ['OMP_WAIT_POLICY'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    assert subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout == "PASSIVE\n"
    env["OMP_WAIT_POLICY"] = "ACTIVE"
    assert subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout == "ACTIVE\n"

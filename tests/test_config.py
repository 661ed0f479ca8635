from pathlib import Path

import pytest

from translator.core.settings import SETTINGS, resolve
from translator.core.errors import ConfigError


def test_defaults():
    config = resolve(environ={})
    assert config.db == Path("db/news.db")
    assert config.packages_dir == Path("db/packages")
    assert config.models_dir == Path("models")
    assert config.link_template == "/articles/{id}/{lang}"
    assert (config.device, config.beam_size, config.threads) == ("cpu", 4, 0)


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

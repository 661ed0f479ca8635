"""The command-line contract: help, output shapes, exit codes and one-line errors."""

import json
import re
import sqlite3
from pathlib import Path

import click
import wcwidth
import pytest
from click.testing import CliRunner

from translator.app import App
from translator.cli import cli
from translator.store import Store

from .conftest import SEED, FakeEngine, make_archive

TWO_SEED_SENTENCES = [
    "Mexico adjusting strategy",
    "The lawsuit could lead to a new charge of alleged complicity with terrorist groups, she said.",
]


def invoke(*args: str, input: str | None = None, app: App | None = None):
    return CliRunner().invoke(cli, list(args), input=input, obj=app, catch_exceptions=False)


@pytest.fixture
def fake() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def app(fake: FakeEngine) -> App:
    """The App the group would build, making the fake engine instead of loading a package."""
    return App(engine_factory=lambda config: fake)


@pytest.fixture
def translated(app):
    assert invoke("import", str(SEED)).exit_code == 0
    assert invoke("run", app=app).exit_code == 0


def all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [(), *all_commands(cli)], ids=lambda p: " ".join(p) or "translate")
def test_every_command_has_help_with_an_example(path):
    result = invoke(*path, "--help")
    assert result.exit_code == 0
    command = cli
    for name in path:
        command = command.commands[name]
    if not isinstance(command, click.Group) or not path:
        assert "Example:" in result.stdout


def test_import_summary():
    result = invoke("import", str(SEED))
    assert result.exit_code == 0
    assert result.stdout == "Imported 1 page (1 new, 0 updated, 0 unchanged) and 41 headline-only articles\n"
    result = invoke("import", str(SEED))
    assert result.stdout == "Imported 1 page (0 new, 0 updated, 1 unchanged) and 0 headline-only articles\n"


def test_import_bad_file_is_one_line_and_exit_1(tmp_path: Path):
    bad = tmp_path / "bad.txt"
    bad.write_text("hello\n")
    result = invoke("import", str(bad), str(SEED))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {bad}: missing the breadcrumb line ('HOME > ...') at the top\n"
    assert result.stdout == (
        "Imported 1 page (1 new, 0 updated, 0 unchanged) and 41 headline-only articles; 1 file failed\n"
    )


def test_run_summary_then_nothing_to_do(app):
    invoke("import", str(SEED))
    result = invoke("run", app=app)
    assert result.exit_code == 0
    assert re.fullmatch(
        r"Translated 42 articles, 71 sentences \(71 new to the model\) in \d+\.\d s: \d+\.\d sentences/s\n", result.stdout
    )
    assert invoke("run", app=app).stdout == "Nothing to translate: every article's Japanese is current.\n"


def test_engine_options_reach_the_engine_factory():
    seen = []
    app = App(engine_factory=lambda config: seen.append(config) or FakeEngine())
    invoke("--packages-dir", "pk", "text", "--beam-size", "4", "--device", "cuda", input="Hi.\n", app=app)
    assert (str(seen[0].packages_dir), seen[0].beam_size, seen[0].device, seen[0].threads) == ("pk", 4, "cuda", 0)


def test_run_warns_about_cut_translations():
    invoke("import", str(SEED))
    result = invoke("run", app=App(engine_factory=lambda config: FakeEngine(truncated=TWO_SEED_SENTENCES)))
    assert result.exit_code == 0
    assert result.stderr == (
        "Warning: 2 translations reached the length limit and may be cut short: `translate review` marks them (article 1).\n"
    )


def test_run_without_a_package_says_how_to_add_one(tmp_path: Path):
    invoke("import", str(SEED))
    result = invoke("run")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no en→ja package installed in {tmp_path / 'db' / 'packages'}/ and none in "
        f"{tmp_path / 'models'}/: copy an .argosmodel file into {tmp_path / 'models'}/ "
        "or run `translate models install FILE`\n"
    )


def test_run_interrupted_exits_130():
    invoke("import", str(SEED))
    result = invoke("run", app=App(engine_factory=lambda config: FakeEngine(fail_on_call=1)))
    assert result.exit_code == 130
    assert result.stderr == "Interrupted: finished articles are saved; run again to continue.\n"


def test_show_japanese_text(translated):
    result = invoke("show", "1", "--lang", "ja")
    lines = result.stdout.splitlines()
    assert lines[0] == "<訳>Mexico says won't accept US 'invasion' in fight against cartels"
    assert "- <訳>'Eligible for drone strikes'? -" in lines
    assert lines[-2:] == ["(2025/02/21 18:38)", "English original: /articles/1/en"]


def test_show_english_has_the_link(translated):
    lines = invoke("show", "1", "--lang", "en").stdout.splitlines()
    assert lines[0] == "Mexico says won't accept US 'invasion' in fight against cartels"
    assert lines[-1] == "Click Here for Japanese Translation: /articles/1/ja"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_show_json_shape(translated, lang):
    data = json.loads(invoke("show", "1", "--lang", lang, "--json").stdout)
    # The Japanese lists its sentences with their QA flags; the English does not.
    assert list(data) == ["id", "lang", "headline", "published", "body", "link"] + ["sentences"] * (lang == "ja")
    assert (data["id"], data["lang"], data["published"]) == (1, lang, "2025-02-21T18:38:00+09:00")
    assert {block["kind"] for block in data["body"]} == {"paragraph", "subheading"}
    assert all(list(block) == ["kind", "text"] for block in data["body"])
    assert data["link"] == {"ja": "/articles/1/en", "en": "/articles/1/ja"}[lang]
    if lang == "ja":
        assert len(data["sentences"]) == 30 and {s["block"] for s in data["sentences"]} == set(range(30))
        assert data["sentences"][0] == {
            "block": 0,
            "source": "Mexico says won't accept US 'invasion' in fight against cartels",
            "target": "<訳>Mexico says won't accept US 'invasion' in fight against cartels",
            "flags": [
                {
                    "check": "english_left",
                    "severity": "error",
                    "message": "English left untranslated: \"Mexico says won't accept US\"",
                    "en_span": None,
                    "ja_span": [3, 30],
                },
                {
                    "check": "english_left",
                    "severity": "error",
                    "message": "English left untranslated: \"invasion' in fight against cartels\"",
                    "en_span": None,
                    "ja_span": [32, 66],
                },
                {
                    "check": "length_ratio",
                    "severity": "warning",
                    "message": "the Japanese is 1.05 times the English's length: unusually long (expected 0.25-1.0)",
                    "en_span": None,
                    "ja_span": None,
                },
            ],
        }


def test_show_errors():
    invoke("import", str(SEED))
    result = invoke("show", "1", "--lang", "ja")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: the ja translation of article 1 does not exist yet: run `translate run`\n",
    )
    assert json.loads(invoke("show", "1", "--lang", "en", "--json").stdout)["link"] is None
    assert invoke("show", "1", "--lang", "en").stdout.endswith(
        "(2025/02/21 18:38)\nClick Here for Japanese Translation: (pending)\n"
    )
    assert invoke("show", "99").stderr == "Error: no article with id 99\n"
    result = invoke("show", "abc")
    assert result.exit_code == 2 and "'abc' is not a valid integer" in result.stderr


def test_list(translated):
    lines = invoke("list").stdout.splitlines()
    # The fake's "Japanese" is English: QA errors and warnings in every article.
    assert lines[0] == (
        " 1  2025/02/21 18:38  current  73E 31W  page      Mexico says won't accept US 'invasion' in fight against cartels"
    )
    assert lines[1] == " 2  2025/02/21 18:37  current  1E 1W    headline  Spain's ex-football boss Luis Rubiales fined over forced kiss"
    assert len(lines) == 42
    data = json.loads(invoke("list", "--json").stdout)
    assert data[0] == {
        "id": 1,
        "headline": "Mexico says won't accept US 'invasion' in fight against cartels",
        "published": "2025-02-21T18:38:00+09:00",
        "full_page": True,
        "ja_status": "current",
        "ja_flags": {"error": 73, "warning": 31},
    }


def test_list_empty_database(tmp_path: Path):
    Store.open(tmp_path / "db" / "news.db").close()
    assert invoke("list").stdout == ""
    assert invoke("list", "--json").stdout == "[]\n"


@pytest.mark.parametrize("command", [["list"], ["list", "--json"], ["show", "1"], ["review", "1"]])
def test_reading_commands_never_create_a_database(tmp_path: Path, command):
    result = invoke(*command)
    database = tmp_path / "db" / "news.db"
    assert (result.exit_code, result.stderr) == (1, f"Error: no database at {database}: run `translate import` first\n")
    assert not (tmp_path / "db").exists()


def test_help_shows_defaults_and_environment():
    group = " ".join(invoke("--help").stdout.split())
    assert "--db PATH The SQLite database file. [env var: TRANSLATE_DB; default: db/news.db]" in group
    assert "[env var: TRANSLATE_PACKAGES_DIR; default: (packages/ beside the database)]" in group
    run = " ".join(invoke("run", "--help").stdout.split())
    assert "--beam-size N Beam size for decoding. [env var: TRANSLATE_BEAM_SIZE; default: 2]" in run


def test_bad_engine_setting_is_one_line(app):
    result = invoke("text", "--threads", "many", input="Hi.\n", app=app)
    assert (result.exit_code, result.stderr) == (1, "Error: threads must be a whole number >= 0, not 'many'\n")


def test_text_line_in_line_out(app):
    result = invoke("text", input="The talks ended. He left.\n\nHello.\n", app=app)
    assert result.stdout == "<訳>The talks ended.<訳>He left.\n\n<訳>Hello.\n"


def test_review_fits_the_width(translated):
    for width in (80, 160):
        lines = invoke("review", "1", "--width", str(width)).stdout.splitlines()
        assert max(wcwidth.width(line) for line in lines) <= width


def test_bad_setting_is_one_line(monkeypatch):
    monkeypatch.setenv("TRANSLATE_LINK_TEMPLATE", "/no-id")
    result = invoke("import", str(SEED))
    assert (result.exit_code, result.stderr) == (1, "Error: link template must contain {id}: '/no-id'\n")


def test_unusable_database_is_one_line(tmp_path: Path):
    not_a_db = tmp_path / "junk.db"
    not_a_db.write_text("this is not sqlite" * 100)
    result = invoke("--db", str(not_a_db), "list")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {not_a_db}: cannot open the database (")
    assert result.stderr.count("\n") == 1


def test_db_flag_and_env(tmp_path: Path, monkeypatch):
    invoke("--db", str(tmp_path / "flag.db"), "import", str(SEED))
    assert sqlite3.connect(tmp_path / "flag.db").execute("select count(*) from articles").fetchone() == (42,)
    monkeypatch.setenv("TRANSLATE_DB", str(tmp_path / "env.db"))
    invoke("import", str(SEED))
    assert (tmp_path / "env.db").exists()


def test_models_install_and_list(tmp_path: Path):
    file = make_archive(tmp_path / "x.argosmodel")
    result = invoke("models", "install", str(file))
    assert result.stdout == f"Installed translate-en_ja-1_0 (en→ja 1.0) in {tmp_path / 'db' / 'packages'}/\n"
    assert invoke("models", "list").stdout == "* translate-en_ja-1_0  en→ja  1.0\n"
    bad = invoke("models", "install", str(tmp_path / "missing.argosmodel"))
    assert (bad.exit_code, bad.stderr) == (1, f"Error: {tmp_path / 'missing.argosmodel'}: no such file\n")

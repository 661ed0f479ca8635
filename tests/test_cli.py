"""The command-line contract: help, output shapes, exit codes and one-line errors."""

import json
import os
import re
import sqlite3
from pathlib import Path

import click
import wcwidth
import pytest
from click.testing import CliRunner

from translator.app import App
from translator.text.cleaning import MAX_INPUT_BYTES
from translator.cli import cli
from translator.core.errors import EngineError
from translator.text.importer import article_blocks
from translator.quality.post_editing import post_edit
from translator.store import Store

from .conftest import SEED, FakeEngine, jst, page

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
    """The seed page imported and translated; its translations published as `run` does under policy `current`."""
    assert invoke("import", str(SEED)).exit_code == 0
    assert invoke("--publish-policy", "current", "run", app=app).exit_code == 0


def all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [(), *all_commands(cli)], ids=lambda p: " ".join(p) or "translate")
def test_every_command_has_help_with_an_example(path):
    result = invoke(*path, "--help")
    assert result.exit_code == 0
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
        "Imported 1 page (1 new, 0 updated, 0 unchanged) and 41 headline-only articles; 1 error (above)\n"
    )


def test_import_of_folders_says_what_it_found_and_what_it_left_out(tmp_path: Path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(SEED.read_text(encoding="utf-8") + "\nCopyright AFP. All rights reserved.\n")
    (folder / "B.TXT").write_text(
        "HOME > X > Article\nHeadline\nBody.\n(2025/03/01 10:00)\n- 02/29 10:00 No such day\n", encoding="utf-8"
    )
    (tmp_path / "empty").mkdir()
    result = invoke("import", str(folder), str(tmp_path / "empty"))
    assert result.exit_code == 1
    assert result.stdout == (
        f"Found 2 page files in {folder}\n"
        f"Found 0 page files in {tmp_path / 'empty'}\n"
        "Imported 2 pages (2 new, 0 updated, 0 unchanged) and 41 headline-only articles; 1 error (above)\n"
    )
    assert result.stderr == (
        f"Error: {tmp_path / 'empty'}: no page files (*.txt) in this folder\n"
        f"Warning: {folder / 'B.TXT'}: line 5: sidebar entry left out, its date 2025/02/29 does not exist\n"
        f"Warning: {folder / 'a.txt'}: line 76: left out, not a sidebar entry: 'Copyright AFP. All rights reserved.'\n"
    )


def test_run_summary_then_nothing_to_do(app):
    invoke("import", str(SEED))
    result = invoke("run", app=app)
    assert result.exit_code == 0
    assert re.fullmatch(
        r"Translated 42 articles, 71 sentences \(71 new to the model\) in \d+\.\d s: \d+\.\d sentences/s\n", result.stdout
    )
    assert invoke("run", app=app).stdout == "Nothing to translate: every article's Japanese is current.\n"


def test_run_upgrade_retranslates_with_the_package_in_use(app):
    from translator.editorial import editing
    from translator.store import opened

    invoke("import", str(SEED))
    invoke("run", app=app)
    with opened(os.environ["TRANSLATE_DB"]) as store:  # an editor begins on article 2 (a headline alone)
        headline = store.aligned_article(2, "ja").blocks[0].pairs[0]
        editing.mark_reviewed(store, 2, "ja", headline.source_hash, "Hanako")
    newer = FakeEngine(label="<新訳>")
    newer.package_version = "2.0"
    upgraded = App(engine_factory=lambda config: newer)
    plain = invoke("run", app=upgraded)
    assert plain.stdout == "Nothing to translate: every article's Japanese is current.\n"
    assert plain.stderr == (
        "Note: 41 articles have Japanese from another model than the one in use, and no editor has touched them: "
        "`translate run --upgrade` re-translates them.\n"
    )
    result = invoke("run", "--upgrade", app=upgraded)
    assert result.stdout.startswith("Translated 41 articles, 70 sentences (70 new")
    assert result.stderr == (
        "Note: 1 article another package translated keeps its Japanese: editors have begun on it.\n"
    )
    assert invoke("show", "1", "--lang", "ja", app=upgraded).stdout.count("<新訳>") > 0
    assert "<新訳>" not in invoke("show", "2", "--lang", "ja", app=upgraded).stdout
    after = invoke("run", app=upgraded)
    assert (after.stdout, after.stderr) == ("Nothing to translate: every article's Japanese is current.\n", "")


def test_run_json_is_the_report_for_scripts():
    invoke("import", str(SEED))
    engine = FakeEngine(truncated=TWO_SEED_SENTENCES[1:])
    result = invoke("run", "--json", app=App(engine_factory=lambda config: engine))
    report = json.loads(result.stdout)
    assert (report["articles"], report["sentences"], report["translated"], report["truncated"]) == (42, 71, 71, {"1": 1})
    assert report["sentences_per_second"] > 0 and report["seconds"] > 0
    assert result.stderr.startswith("Warning: 1 translation reached the length limit")


def test_engine_options_reach_the_engine_factory():
    seen = []
    app = App(engine_factory=lambda config: seen.append(config) or FakeEngine())
    invoke("--packages-dir", "pk", "text", "--beam-size", "4", "--device", "cuda", input="Hi.\n", app=app)
    assert (str(seen[0].packages_dir), seen[0].beam_size, seen[0].device, seen[0].threads) == ("pk", 4, "cuda", 1)


def test_run_warns_about_cut_translations():
    invoke("import", str(SEED))
    result = invoke("run", app=App(engine_factory=lambda config: FakeEngine(truncated=TWO_SEED_SENTENCES)))
    assert result.exit_code == 0
    assert result.stderr == (
        "Warning: 2 translations reached the length limit and may be cut short: `translate review` marks them "
        "and the next `translate run` retries them with safer decoding (article 1).\n"
    )


def test_list_counts_cut_and_empty_translations():
    invoke("import", str(SEED))
    engine = FakeEngine(truncated=TWO_SEED_SENTENCES[1:], empty=TWO_SEED_SENTENCES[:1])
    result = invoke("run", app=App(engine_factory=lambda config: engine))
    assert result.stderr.startswith(
        "Warning: 1 translation reached the length limit and may be cut short and 1 translation came back empty: "
    )
    assert invoke("list").stdout.splitlines()[0].endswith("in fight against cartels  [1 cut, 1 empty]")
    data = json.loads(invoke("list", "--json").stdout)
    assert [(a["ja_truncated"], a["ja_empty"]) for a in data[:2]] == [(1, 1), (0, 0)]


def test_run_reports_an_article_too_long_to_translate(monkeypatch, app):
    monkeypatch.setattr("translator.translation.pipeline.MAX_ARTICLE_SENTENCES", 20)
    invoke("import", str(SEED))
    result = invoke("run", app=app)
    assert result.exit_code == 0
    assert result.stdout.startswith("Translated 41 articles, 41 sentences")
    assert result.stderr == (
        "Warning: 1 article not translated: more than 20 sentences (up to 30), too long to hold at once; "
        "split its page into several articles (article 1).\n"
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


def test_text_interrupted_exits_130_and_writes_nothing():
    result = invoke("text", input="The talks ended.\n", app=App(engine_factory=lambda config: FakeEngine(fail_on_call=1)))
    assert (result.exit_code, result.stdout) == (130, "")
    assert result.stderr == "Interrupted: nothing was written.\n"


def test_any_command_interrupted_exits_130_without_a_traceback(monkeypatch):
    invoke("import", str(SEED))

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("translator.cli.articles.reading.render_list", interrupted)
    result = invoke("list")
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", "Interrupted.\n")


def test_ctrl_c_while_the_cli_starts_exits_130(monkeypatch):
    """The script's entry point: an interrupt during the CLI's imports (seconds on a loaded machine)."""
    import builtins

    from translator.__main__ import main

    real_import = builtins.__import__

    def interrupted_import(name, *args, **kwargs):
        if name == "cli":  # main's `from .cli import cli`
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", interrupted_import)
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 130


def test_an_interrupt_after_a_model_loaded_skips_pythons_shutdown(monkeypatch):
    """Python's shutdown tearing down CTranslate2's threads aborted (134) a run interrupted between
    two model calls: once a model is loaded the script ends with os._exit(130) instead."""
    import translator.cli
    from translator import __main__
    from translator.translation import engine

    def interrupted(**kwargs):
        raise SystemExit(130)

    exits = []
    monkeypatch.setattr(translator.cli, "cli", interrupted)
    monkeypatch.setattr(__main__.os, "_exit", exits.append)
    monkeypatch.setattr(engine, "_LOADED", [])  # (other tests in this process load models)
    with pytest.raises(SystemExit):
        __main__.main()  # no model loaded: the usual exit
    assert exits == []
    monkeypatch.setattr(engine, "_LOADED", ["translate-en_ja-0_2"])
    with pytest.raises(SystemExit):  # (the real os._exit never returns)
        __main__.main()
    assert exits == [130]


def test_a_model_failure_mid_run_is_one_line_and_keeps_what_was_done(monkeypatch):
    monkeypatch.setattr("translator.translation.pipeline.CHUNK_SENTENCES", 10)
    invoke("import", str(SEED))
    failing = FakeEngine(fail_on_call=2, failure=EngineError("tiny: the model failed while translating: CUDA failed"))
    result = invoke("--publish-policy", "current", "run", app=App(engine_factory=lambda config: failing))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "Error: tiny: the model failed while translating: CUDA failed\n"
    data = json.loads(invoke("list", "--json").stdout)
    done = [a["id"] for a in data if a["ja_status"] == "current"]
    assert done == [1]  # the first chunk: article 1, of 30 sentences, is saved and published
    assert json.loads(invoke("show", "1", "--lang", "en", "--json").stdout)["link"] == "/articles/1/ja"


def test_show_japanese_text(translated):
    result = invoke("show", "1", "--lang", "ja")
    lines = result.stdout.splitlines()
    assert lines[0] == "<訳>Mexico says won't accept US 'invasion' in fight against cartels"
    assert "- <訳>'Eligible for drone strikes'? -" in lines
    assert lines[-2:] == ["(2025/02/21 18:38)", "English original: /articles/1/en"]


def test_a_headline_only_article_shows_no_link_to_a_page_it_does_not_have(translated):
    """Article 2 is known from the seed page's sidebar: published for the sidebars, but it has no page."""
    for lang in ("en", "ja"):
        assert invoke("show", "2", "--lang", lang).stdout.splitlines()[-1] == "(2025/02/21 18:37)"
        data = json.loads(invoke("show", "2", "--lang", lang, "--json").stdout)
        assert (data["link"], data["full_page"]) == (None, False)


def test_show_english_has_the_link(translated):
    lines = invoke("show", "1", "--lang", "en").stdout.splitlines()
    assert lines[0] == "Mexico says won't accept US 'invasion' in fight against cartels"
    assert lines[-1] == "Click Here for Japanese Translation: /articles/1/ja"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_show_json_shape(translated, lang):
    data = json.loads(invoke("show", "1", "--lang", lang, "--json").stdout)
    # The Japanese lists its sentences with their QA flags; the English does not.
    assert list(data) == ["id", "lang", "headline", "headline_sentences", "published", "body", "link", "full_page"] + ["translation", "sentences"] * (lang == "ja")
    assert (data["id"], data["lang"], data["published"]) == (1, lang, "2025-02-21T18:38:00+09:00")
    assert {block["kind"] for block in data["body"]} == {"paragraph", "subheading"}
    assert all(list(block) == ["kind", "text", "sentences"] for block in data["body"])
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


def test_show_json_gives_the_sentences_in_english_and_japanese(translated):
    english = json.loads(invoke("show", "1", "--lang", "en", "--json").stdout)
    japanese = json.loads(invoke("show", "1", "--lang", "ja", "--json").stdout)
    headline = "Mexico says won't accept US 'invasion' in fight against cartels"
    assert english["headline_sentences"] == [headline]
    assert japanese["headline_sentences"] == [f"<訳>{headline}"]
    first = english["body"][0]
    assert first["sentences"] == [
        "Mexico's president warned the United States on Thursday her country would never tolerate an invasion "
        "of its national sovereignty and vowed fresh legal action against US gunmakers after Washington "
        "designated cartels as terrorist organizations."
    ]
    for en, ja in zip(english["body"], japanese["body"]):
        assert " ".join(en["sentences"]) == en["text"] or en["kind"] == "subheading"
        # The run saves the engine's output in news style (quality/post_editing.post_edit), as the block it is in.
        headline_style = en["kind"] != "paragraph"
        assert ja["sentences"] == [post_edit(s, f"<訳>{s}", (), headline=headline_style) for s in en["sentences"]]
        assert "".join(ja["sentences"]) == ja["text"]
    # 30 with the headline: 71 in the run's summary less the 41 headline-only articles
    assert sum(len(block["sentences"]) for block in english["body"]) == 29


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


@pytest.mark.parametrize("command", ["show", "review"])
@pytest.mark.parametrize("article_id", ["99999999999999999999999", "0", "-1", "9223372036854775808"])
def test_an_id_out_of_range_is_a_usage_error_not_a_traceback(command, article_id):
    invoke("import", str(SEED))
    result = invoke(command, "--", article_id)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for 'ID': {article_id} is not an article id "
        "(ids are whole numbers from 1 to 9223372036854775807)"
    )
    assert invoke(command, "9223372036854775807").stderr == "Error: no article with id 9223372036854775807\n"


def test_review_width_out_of_range_is_a_usage_error(translated):
    result = invoke("review", "1", "--width", "99999999999999999999999")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--width': 99999999999999999999999 is not in the range 1<=x<=1000."
    )


def test_list(translated):
    lines = invoke("list").stdout.splitlines()
    # The fake's "Japanese" is English: QA errors and warnings in every article.
    assert lines[0] == (
        " 1  2025/02/21 18:38  current  73E 35W  page      Mexico says won't accept US 'invasion' in fight against cartels"
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
        "ja_truncated": 0,
        "ja_empty": 0,
        "ja_flags": {"error": 73, "warning": 35},
        "ja_package": "fake-en_ja",
        "ja_package_version": "1.0",
    }


def test_list_json_names_no_package_before_the_run():
    assert invoke("import", str(SEED)).exit_code == 0
    first = json.loads(invoke("list", "--json").stdout)[0]
    assert (first["ja_status"], first["ja_package"], first["ja_package_version"]) == ("missing", None, None)


def test_list_empty_database(tmp_path: Path):
    Store.open(tmp_path / "db" / "news.db").close()
    result = invoke("list")
    # The list stays empty on standard output (for scripts); the why goes to standard error.
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "No articles yet: run `translate import PATH`\n")
    result = invoke("list", "--json")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[]\n", "")


def test_import_from_the_wrong_folder_is_one_line_and_creates_nothing(tmp_path: Path, monkeypatch):
    # Issue 25: run where seeds/ is not, the import said "No such file or directory", left an
    # empty db/news.db there, and `translate list` then printed nothing with exit status 0.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("TRANSLATE_DB", "db/news.db")  # the default, relative to where it runs
    result = invoke("import", "seeds/")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: seeds: no such file or folder (looked in {elsewhere})\n"
    assert list(elsewhere.iterdir()) == []
    result = invoke("list")
    assert (result.exit_code, result.stderr) == (1, "Error: no database at db/news.db: run `translate import` first\n")
    result = invoke("import", "seeds", "more.txt")
    assert result.stderr == f"Error: seeds, more.txt: no such file or folder (looked in {elsewhere})\n"


def test_an_import_that_stores_no_page_creates_no_database(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    bad = tmp_path / "bad.txt"
    bad.write_text("hello\n")
    result = invoke("import", str(tmp_path / "empty"), str(bad), str(tmp_path / "gone.txt"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'empty'}: no page files (*.txt) in this folder\n"
        f"Error: {bad}: missing the breadcrumb line ('HOME > ...') at the top\n"
        f"Error: {tmp_path / 'gone.txt'}: no such file or folder\n"
    )
    assert result.stdout == (
        f"Found 0 page files in {tmp_path / 'empty'}\n"
        "Imported 0 pages (0 new, 0 updated, 0 unchanged) and 0 headline-only articles; 3 errors (above)\n"
    )
    assert not (tmp_path / "db").exists()
    result = invoke("import", str(tmp_path / "gone.txt"), str(SEED))  # one there: imported, the other named
    assert (result.exit_code, result.stderr) == (1, f"Error: {tmp_path / 'gone.txt'}: no such file or folder\n")
    assert (tmp_path / "db" / "news.db").is_file()


@pytest.mark.parametrize("command", [["list"], ["list", "--json"], ["show", "1"], ["review", "1"], ["run"]])
def test_reading_commands_and_run_never_create_a_database(tmp_path: Path, command):
    result = invoke(*command)
    database = tmp_path / "db" / "news.db"
    assert (result.exit_code, result.stderr) == (1, f"Error: no database at {database}: run `translate import` first\n")
    assert not (tmp_path / "db").exists()


def test_help_shows_defaults_and_environment():
    group = " ".join(invoke("--help").stdout.split())
    assert "--db PATH The SQLite database file. [env var: TRANSLATE_DB; default: db/news.db]" in group
    assert "[env var: TRANSLATE_PACKAGES_DIR; default: (packages/ beside the database)]" in group
    run = " ".join(invoke("run", "--help").stdout.split())
    assert "--beam-size N Beam size for decoding. [env var: TRANSLATE_BEAM_SIZE; default: 4]" in run


def test_bad_engine_setting_is_one_line(app):
    result = invoke("text", "--threads", "many", input="Hi.\n", app=app)
    assert (result.exit_code, result.stderr) == (1, "Error: threads must be a whole number >= 0, not 'many'\n")


def test_text_line_in_line_out(app):
    result = invoke("text", input="The talks ended. He left.\n\nHello.\n", app=app)
    assert result.stdout == "<訳>The talks ended.<訳>He left.\n\n<訳>Hello.\n"


# ../shared/cases/text_cp1252_input.cp1252: Windows-1252 bytes (0x92 is its ’, 0x96 its –)
CP1252_LINE = b"The minister\x92s aide resigned \x96 officials said.\n"


def test_text_that_is_not_utf8_is_one_line_from_a_file_and_from_stdin(app, tmp_path: Path):
    path = tmp_path / "text_cp1252_input.cp1252"
    path.write_bytes(CP1252_LINE)
    result = invoke("text", str(path), app=app)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", f"Error: {path}: not UTF-8 text (byte 0x92 at offset 12)\n",
    )  # fmt: skip
    result = CliRunner().invoke(cli, ["text"], input=CP1252_LINE, obj=app, catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", "Error: <stdin>: not UTF-8 text (byte 0x92 at offset 12)\n",
    )  # fmt: skip


def test_text_input_over_the_limit_is_one_line(app):
    result = CliRunner().invoke(cli, ["text"], input=b"x" * (MAX_INPUT_BYTES + 1), obj=app, catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (1, "Error: <stdin>: larger than 4 MiB, the most one input may hold\n")


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


def test_models_install_and_list(tmp_path: Path, tiny_package: Path):
    result = invoke("models", "install", str(tiny_package))
    assert result.stdout == f"Installed translate-en_ja-tiny (en→ja 0.0.1) in {tmp_path / 'db' / 'packages'}/\n"
    assert invoke("models", "list").stdout == "* translate-en_ja-tiny  en→ja  0.0.1\n"
    bad = invoke("models", "install", str(tmp_path / "missing.argosmodel"))
    assert (bad.exit_code, bad.stderr) == (1, f"Error: {tmp_path / 'missing.argosmodel'}: no such file\n")
    folder = invoke("models", "install", str(tmp_path))
    assert (folder.exit_code, folder.stderr) == (1, f"Error: {tmp_path}: a folder, not an .argosmodel file\n")


# -- hostile text: nothing an article holds acts on the terminal ---------------------------

HOSTILE = "Evil\x1b]0;pwned\x07 \x1b[2J\x9b31m\u202eheadline\r"
HOSTILE_SHOWN = "Evil\\x1b]0;pwned\\x07 \\x1b[2J\\x9b31m\\u202eheadline\\r"


@pytest.fixture
def hostile(app, store):
    """An article whose English holds escapes, as a database written before import cleaned text might."""
    hostile_page = page(HOSTILE, [f"Body {HOSTILE}."], published=jst(2025, 3, 1, 10, 0))
    store.write_article(
        None, headline=hostile_page.headline, published=hostile_page.published.isoformat(), full_page=True,
        content_hash=hostile_page.content_hash, source=None, blocks=article_blocks(hostile_page),
    )  # fmt: skip
    assert invoke("run", app=app).exit_code == 0


def test_list_show_and_review_escape_control_characters(hostile):
    listed = invoke("list").stdout
    assert listed == f"1  2025/03/01 10:00  current  4E 4W  page      {HOSTILE_SHOWN}\n"  # with its QA counts
    shown = invoke("show", "1", "--lang", "en").stdout
    assert shown.splitlines()[:3] == [HOSTILE_SHOWN, "", f"Body {HOSTILE_SHOWN}."]
    for output in (listed, shown, invoke("show", "1").stdout, invoke("review", "1", "--width", "200").stdout):
        assert not any(char in output for char in "\x1b\x07\x9b\u202e\r")
    rows = invoke("review", "1", "--width", "200").stdout.splitlines()
    assert rows[2] == f"{HOSTILE_SHOWN:<98} │ <訳>{HOSTILE_SHOWN}"


def test_json_escapes_what_a_terminal_acts_on_and_loads_back(hostile):
    for args in (["show", "1", "--json"], ["show", "1", "--lang", "en", "--json"], ["list", "--json"]):
        output = invoke(*args).stdout
        assert "\\u009b" in output and "\\u202e" in output and "\\u001b" in output
        assert not any(char in output for char in "\x1b\x07\x9b\u202e\r")
    assert json.loads(invoke("list", "--json").stdout)[0]["headline"] == HOSTILE


def test_a_file_name_with_escapes_is_shown_escaped(tmp_path: Path):
    bad = tmp_path / "\x1b[31mred\x9b.txt"
    bad.write_text("not a page\n")
    result = invoke("import", str(bad))
    assert result.exit_code == 1
    shown = str(tmp_path) + "/\\x1b[31mred\\x9b.txt"
    assert result.stderr == f"Error: {shown}: missing the breadcrumb line ('HOME > ...') at the top\n"
    result = invoke("text", str(bad) + "-missing")
    assert "\x1b" not in result.stderr and result.exit_code == 2


def test_import_errors_from_the_group_are_terminal_safe(tmp_path: Path):
    folder = tmp_path / "\x1b]0;title\x07"
    folder.mkdir()
    result = invoke("import", str(folder))
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout + result.stderr
    assert result.stderr == f"Error: {tmp_path}/\\x1b]0;title\\x07: no page files (*.txt) in this folder\n"

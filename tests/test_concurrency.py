"""Several processes on one database (issue 8 §1): real processes, real SQLite locks, repeated.

Each article must be saved exactly once (a trigger counts saves), every process
must end well (exit 0, nothing on stderr), and nothing may be left pending.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from translator.store import migrations

from .conftest import REPO, jst, page_text

SLOW_CLI = [sys.executable, "-m", "tests.slow_cli"]
TRANSLATE = [sys.executable, "-m", "translator"]


def write_pages(folder: Path, numbers: range) -> list[str]:
    """Pages of one headline and two paragraphs (five sentences) each; returns their headlines."""
    folder.mkdir(parents=True)
    headlines = []
    for n in numbers:
        headline = f"Story {n}: the army met the police"
        body = [f"The president met the minister on Monday {n}. The city warned the court today.",
                f"Paragraph two of story {n}. It has two sentences."]
        (folder / f"{n:04d}.txt").write_text(
            page_text(headline, body, published=jst(2025, 3, 1 + n % 28, n % 24, n % 60)), encoding="utf-8"
        )
        headlines.append(headline)
    return headlines


def environment(site: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSLATE_")}
    env.update(TRANSLATE_DB=str(site / "db" / "news.db"), TRANSLATE_MODELS_DIR=str(site / "models"),
               TRANSLATE_THREADS="1", HOME=str(site / "home"), PYTHONPATH=str(REPO))
    return env


def start(argv: list[str], site: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(argv, cwd=REPO, env={**environment(site), **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(processes: list[subprocess.Popen]) -> list[tuple[int, str, str]]:
    """Each process's exit status, standard output and standard error, once it has ended."""
    outcomes = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        outcomes.append((process.returncode, out, err))
    return outcomes


def audit(db: Path) -> None:
    """A row in _saves each time an article's translation is saved (an insert or an update)."""
    with sqlite3.connect(db) as connection:
        connection.executescript(
            """
            create table _saves (article_id integer);
            create trigger _saved_new after insert on translations begin insert into _saves values (new.article_id); end;
            create trigger _saved_again after update on translations begin insert into _saves values (new.article_id); end;
            """
        )
    connection.close()


def saves(db: Path) -> dict[int, int]:
    with sqlite3.connect(db) as connection:
        counted = dict(connection.execute("select article_id, count(*) from _saves group by article_id"))
        articles = [row[0] for row in connection.execute("select id from articles")]
    connection.close()
    return {article: counted.get(article, 0) for article in articles}


def translated(stdout: str) -> int:
    found = re.search(r"^Translated (\d+) articles?", stdout, re.M)
    return int(found.group(1)) if found else 0


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """A site with 30 articles (150 sentences) imported, none translated, saves audited."""
    write_pages(tmp_path / "pages", range(30))
    result = subprocess.run([*SLOW_CLI, "0", "10", "import", str(tmp_path / "pages")], cwd=REPO,
                            env=environment(tmp_path), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    audit(tmp_path / "db" / "news.db")
    return tmp_path


@pytest.mark.parametrize("trial", range(3))
def test_three_runs_translate_each_article_once(imported: Path, trial: int):
    # 10 ms a sentence, chunks of 10 sentences (two articles): each run claims many times.
    # Started at once, then staggered by 0.2 s, then by 0.4 s; each waits, holding its
    # first claim, until all three hold one (tests/slow_cli.py), so they surely overlap.
    (imported / "barrier").mkdir()
    runs = []
    for n in range(3):
        time.sleep(0.2 * trial * bool(n))
        runs.append(start([*SLOW_CLI, "0.01", "10", "run"], imported, SLOW_CLI_BARRIER=f"{imported / 'barrier'}:3"))
    outcomes = finish(runs)
    assert [(code, err) for code, _, err in outcomes] == [(0, "")] * 3
    assert saves(imported / "db" / "news.db") == {article: 1 for article in range(1, 31)}
    assert sum(translated(out) for _, out, _ in outcomes) == 30
    assert all(translated(out) >= 2 for _, out, _ in outcomes)  # each translated its first claim at least
    with sqlite3.connect(imported / "db" / "news.db") as connection:
        assert connection.execute("select count(*) from claims").fetchone() == (0,)


@pytest.mark.parametrize("trial", range(2))
def test_import_beside_run_loses_no_page(imported: Path, trial: int):
    headlines = write_pages(imported / "incoming", range(100, 130))
    running = start([*SLOW_CLI, "0.01", "10", "run"], imported)
    time.sleep(0.5 * trial)
    importing = start([*SLOW_CLI, "0", "10", "import", str(imported / "incoming")], imported)
    outcomes = finish([running, importing])
    assert [(code, err) for code, _, err in outcomes] == [(0, "")] * 2
    assert outcomes[1][1] == (
        f"Found 30 page files in {imported / 'incoming'}\n"
        "Imported 30 pages (30 new, 0 updated, 0 unchanged) and 0 headline-only articles\n"
    )
    with sqlite3.connect(imported / "db" / "news.db") as connection:
        stored = {row[0] for row in connection.execute("select headline from articles")}
    assert set(headlines) <= stored
    assert all(count <= 1 for count in saves(imported / "db" / "news.db").values())


def test_three_imports_create_and_fill_one_new_database(tmp_path: Path):
    """Three imports racing to create the database: one migrates it, all three import."""
    folders = [tmp_path / f"pages-{n}" for n in range(3)]
    headlines = [h for n, folder in enumerate(folders) for h in write_pages(folder, range(n * 100, n * 100 + 10))]
    outcomes = finish([start([*SLOW_CLI, "0", "10", "import", str(folder)], tmp_path) for folder in folders])
    assert [(code, err) for code, _, err in outcomes] == [(0, "")] * 3
    with sqlite3.connect(tmp_path / "db" / "news.db") as connection:
        assert {row[0] for row in connection.execute("select headline from articles")} == set(headlines)
        # Each migration applied once, however many processes raced to create the database.
        applied = connection.execute("select count(*), count(distinct name) from _sqlite_migrations").fetchone()
        assert applied == (len(migrations.migrations._migrations),) * 2


@pytest.mark.parametrize("trial", range(2))
def test_three_real_runs_with_the_tiny_model(tmp_path: Path, tiny_package: Path, trial: int):
    """`translate run` three times at once with the real model: one claims the lot, the others say so."""
    (tmp_path / "models").mkdir()
    shutil.copy(tiny_package, tmp_path / "models")
    write_pages(tmp_path / "pages", range(40))
    for args in (["import", str(tmp_path / "pages")], ["models", "list"]):
        assert start([*TRANSLATE, *args], tmp_path).wait(timeout=300) == 0
    audit(tmp_path / "db" / "news.db")
    runs = []
    for n in range(3):
        runs.append(start([*TRANSLATE, "run"], tmp_path))
        time.sleep(0.3 * trial * n)
    outcomes = finish(runs)
    assert [(code, err) for code, _, err in outcomes] == [(0, "")] * 3, outcomes
    assert saves(tmp_path / "db" / "news.db") == {article: 1 for article in range(1, 41)}
    assert sorted(translated(out) for _, out, _ in outcomes)[-1] == 40
    for _, out, _ in outcomes:
        # How many the other run still holds depends on when this one looked (it saves as it goes).
        assert re.fullmatch(r"Translated 40 articles, .*\n|Nothing left to translate here: another run is "
                            r"translating ([1-9]|[1-3][0-9]|40) articles?\.\n|Nothing to translate: every article's "
                            r"Japanese is current\.\n", out)

"""The installed `translate` command, as a user runs it, on a real package, with no network."""

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from translator.quality.style import apply_news_style

from .conftest import BUNDLED, REPO, SEED, jst, page_text

TRANSLATE = [sys.executable, "-m", "translator"]
NO_NETWORK = ["unshare", "-n"] if shutil.which("unshare") and subprocess.run(
    ["unshare", "-n", "true"], capture_output=True
).returncode == 0 else []


def translate(*args: str, cwd: Path, env: dict, check: bool = True, input: str | None = None):
    result = subprocess.run(
        [*NO_NETWORK, *TRANSLATE, *args], cwd=cwd, env=env, capture_output=True, text=True, input=input, timeout=600
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def desk(tmp_path: Path, tiny_package: Path) -> tuple[Path, dict]:
    """A working folder with the package in models/, as a newsroom would have it."""
    (tmp_path / "models").mkdir(exist_ok=True)
    shutil.copy(tiny_package, tmp_path / "models")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSLATE_")}
    env["HOME"] = str(tmp_path / "home")
    return tmp_path, env


@pytest.mark.skipif(not NO_NETWORK, reason="unshare -n is not permitted here")
def test_runs_without_network(desk):
    cwd, env = desk
    assert translate("list", cwd=cwd, env=env, check=False).returncode == 1  # reading creates nothing
    assert not (cwd / "db").exists()
    translate("import", str(SEED), cwd=cwd, env=env)
    run = translate("run", cwd=cwd, env=env)
    assert re.fullmatch(r"Translated 42 articles, 71 sentences \(71 new to the model\) in [\d.]+ s: [\d.]+ sentences/s\n", run.stdout)
    english = json.loads(translate("show", "1", "--lang", "en", "--json", cwd=cwd, env=env).stdout)
    japanese = json.loads(translate("show", "1", "--lang", "ja", "--json", cwd=cwd, env=env).stdout)
    # The default publish policy, `approved`: nothing is public (no links) until an editor publishes.
    assert (english["link"], japanese["link"]) == (None, None)
    assert [b["kind"] for b in japanese["body"]] == [b["kind"] for b in english["body"]]
    # The same blocks through `translate text`, each alone on its line: the batch of
    # 71 sentences gave each sentence what it gets on its own.
    lines = [english["headline"], *(b["text"] for b in english["body"])]
    alone = translate("text", cwd=cwd, env=env, input="\n".join(lines) + "\n").stdout.splitlines()
    # `text` styles every line as body text; the run styles headlines and subheadings as headlines.
    headlines = [True, *(b["kind"] != "paragraph" for b in english["body"])]
    alone = [apply_news_style(line, headline=headline) for line, headline in zip(alone, headlines)]
    assert alone == [japanese["headline"], *(b["text"] for b in japanese["body"])]
    assert translate("models", "list", cwd=cwd, env=env).stdout == "* translate-en_ja-tiny  en→ja  0.0.1\n"
    assert (cwd / "db" / "news.db").exists() and (cwd / "db" / "packages" / "translate-en_ja-tiny").is_dir()
    assert not (cwd / "home").exists()  # nothing written to the user's home


def test_killed_run_leaves_whole_articles_and_resumes(desk):
    cwd, env = desk
    pages = cwd / "pages"
    pages.mkdir()
    for n in range(300):
        (pages / f"{n:03d}.txt").write_text(
            page_text(
                f"Story {n}: the army met the police",
                [f"The president met the minister on Monday {n}. The city warned the court today."] * 3,
                published=jst(2025, 3, 1 + n % 28, n % 24, n % 60),
            ),
            encoding="utf-8",
        )
    translate("import", str(pages), cwd=cwd, env=env)
    db = cwd / "db" / "news.db"
    process = subprocess.Popen([*TRANSLATE, "run"], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        with sqlite3.connect(db) as connection:
            if connection.execute("select count(*) from translations").fetchone()[0] > 0:
                break
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with sqlite3.connect(db) as connection:
        saved = connection.execute("select count(*) from translations").fetchone()[0]
    if saved == 300:
        pytest.skip("the run finished before it could be killed")
    assert saved > 0

    with sqlite3.connect(db) as connection:
        partial = connection.execute(
            """
            select a.id from articles a
            where (select count(*) from sentence_translations t where t.article_id = a.id)
                  not in (0, (select count(distinct source_hash) from sentences s where s.article_id = a.id))
               or (select count(*) from sentence_translations t where t.article_id = a.id) > 0
                  and not exists (select 1 from translations t where t.article_id = a.id)
            """
        ).fetchall()
    assert partial == []
    resumed = translate("run", cwd=cwd, env=env)
    left = 300 - saved  # each page: a headline and three paragraphs of two sentences
    assert re.match(rf"Translated {left} articles?, {left * 7} sentences \(\d+ new to the model\)", resumed.stdout)
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from translations").fetchone()[0] == 300


@pytest.mark.skipif(not BUNDLED, reason="no bundled model in models/ yet (issue 13)")
def test_the_readme_main_job_prints_the_sample_in_japanese_offline(tmp_path: Path):
    """The README's first command after the install: import seeds/, run, show 1 --lang ja, with the
    package in models/ only and no network (`unshare -n` where permitted)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSLATE_")}
    env.update(HOME=str(tmp_path / "home"))
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    (tmp_path / "models").mkdir()
    for package in BUNDLED:
        shutil.copy(package, tmp_path / "models")
    translate("import", "seeds/", cwd=tmp_path, env=env)
    assert translate("run", cwd=tmp_path, env=env).stdout.startswith("Translated 42 articles, 71 sentences")
    shown = translate("show", "1", "--lang", "ja", cwd=tmp_path, env=env).stdout
    japanese = json.loads(translate("show", "1", "--lang", "ja", "--json", cwd=tmp_path, env=env).stdout)
    texts = [japanese["headline"], *(b["text"] for b in japanese["body"])]
    assert all(any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in t) for t in texts)
    assert japanese["headline"] in shown

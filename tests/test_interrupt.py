"""Ctrl-C (issue 7 §3): a real `translate` process on the tiny model stops within about two
seconds, even inside one long CTranslate2 call, and keeps every finished article."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import jst, page_text

TRANSLATE = [sys.executable, "-m", "translator"]
# 95 or 96 tokens for the tiny model's tokenizer, whatever n (3 or 4 digits): these sentences
# go to the model in two batches, of one length each, when a batch's tokens are not limited.
LONG = "In item {n}, the president met the minister on Monday and the city warned the court today while the army praised the police."


@pytest.fixture
def site(tmp_path: Path, tiny_package: Path) -> tuple[Path, dict]:
    (tmp_path / "models").mkdir()
    shutil.copy(tiny_package, tmp_path / "models")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSLATE_")}
    env.update(HOME=str(tmp_path / "home"), TRANSLATE_THREADS="1")
    return tmp_path, env


def default_sigint() -> None:
    """Run in the child before exec: Ctrl-C as a terminal delivers it. A process started while
    its parent ignores SIGINT inherits that, and Python then installs no KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt(process: subprocess.Popen, ready) -> tuple[float, str, str]:
    """Wait until `ready()`, then send SIGINT; the seconds until the process ended, and its output."""
    deadline = time.monotonic() + 300
    while not ready() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "the process ended before it could be interrupted"
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return time.monotonic() - sent, out, err


def saved(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        count = connection.execute("select count(*) from translations").fetchone()[0]
    connection.close()
    return count


def test_ctrl_c_stops_a_run_inside_a_long_model_call(site):
    cwd, env = site
    pages = cwd / "pages"
    pages.mkdir()
    # Three short articles, then 100 of 20 long sentences: with no limit on a batch's
    # tokens, those 2,000 sentences are a CTranslate2 call or two of many seconds.
    for n in range(3):
        (pages / f"a{n}.txt").write_text(page_text(f"Short {n}", ["The army met the police."],
                                                   published=jst(2025, 3, 1, n, 0)), encoding="utf-8")
    for n in range(100):
        body = [" ".join(LONG.format(n=100 + n * 20 + k) for k in range(i, i + 5)) for i in range(0, 20, 5)]
        (pages / f"b{n:03d}.txt").write_text(page_text(f"Long {n}", body, published=jst(2025, 3, 2, n % 24, n % 60)),
                                             encoding="utf-8")
    for args in (["import", str(pages)], ["models", "list"]):
        subprocess.run([*TRANSLATE, *args], cwd=cwd, env=env, check=True, capture_output=True, timeout=300)
    db = cwd / "db" / "news.db"
    run = subprocess.Popen([*TRANSLATE, "run", "--batch-tokens", "1000000"], cwd=cwd, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)
    first = []
    seconds, out, err = interrupt(run, lambda: saved(db) >= 3 and (first.append(time.monotonic()) or
                                                                  time.monotonic() - first[0] > 1.0))
    assert (run.returncode, out, err) == (130, "", "Interrupted: finished articles are saved; run again to continue.\n")
    assert seconds < 2.0
    done = saved(db)
    assert 3 <= done < 103  # the short articles, saved before the long call; not the long ones
    with sqlite3.connect(db) as connection:
        partial = connection.execute(
            """select count(*) from translations t where
               (select count(*) from sentence_translations s where s.article_id = t.article_id)
               != (select count(distinct source_hash) from sentences s where s.article_id = t.article_id)"""
        ).fetchone()[0]
        claims = connection.execute("select count(*) from claims").fetchone()[0]
    assert (partial, claims) == (0, 0)


def test_ctrl_c_stops_text_inside_a_long_model_call(site):
    cwd, env = site
    subprocess.run([*TRANSLATE, "models", "list"], cwd=cwd, env=env, check=True, capture_output=True, timeout=300)
    lines = cwd / "lines.txt"
    # 6,000 sentences of one length: one CTranslate2 call of about a minute, well begun after ten seconds.
    lines.write_text("".join(LONG.format(n=n) + "\n" for n in range(1000, 7000)), encoding="utf-8")
    with lines.open() as source:
        text = subprocess.Popen([*TRANSLATE, "text", "--batch-tokens", "1000000"], cwd=cwd, env=env,
                                stdin=source, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=default_sigint)
    started = time.monotonic()
    seconds, out, err = interrupt(text, lambda: time.monotonic() - started > 10.0)
    assert seconds < 2.0
    assert (text.returncode, out, err) == (130, "", "Interrupted: nothing was written.\n")

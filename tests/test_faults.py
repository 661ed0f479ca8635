"""Faults of the machine (issue 8 §2), as a user meets them: real `translate` processes on a
database or package folder they may not write. Each ends with one line that says what is
wrong and what to do, never a traceback; what can be read is still read.

Root ignores file modes, so as root the processes run without the capabilities that let it
(setpriv), as the fault battery does. A full disk is tested in test_pipeline.py (SQLite's
page limit) and by bench/faults.py (a full tmpfs).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SEED, make_archive, page_text

ROOT = os.geteuid() == 0
UNPRIVILEGED = (
    ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable", "--inh-caps=-all", "--"]
    if ROOT
    else []
)
pytestmark = pytest.mark.skipif(ROOT and not shutil.which("setpriv"), reason="as root, needs setpriv to honour modes")


def translate(site: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRANSLATE_")}
    environment.update(HOME=str(site / "home"), TRANSLATE_MODELS_DIR=str(site / "models"), **(env or {}))
    return subprocess.run([*UNPRIVILEGED, sys.executable, "-m", "translator", *args], cwd=site, env=environment,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The sample page imported into db/news.db; a new page waiting in new.txt."""
    assert translate(tmp_path, "import", str(SEED)).returncode == 0
    (tmp_path / "new.txt").write_text(page_text("A new story", ["It happened today."]), encoding="utf-8")
    return tmp_path


READ_ONLY = (
    "Error: {db}: {what} (attempt to write a readonly database): make the file, "
    "its -wal and -shm files beside it, and their folder writable for this user\n"
)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_database_is_read_and_refuses_writes_in_one_line(site: Path, what: str):
    """A read-only file opens read-only; in a read-only folder SQLite cannot make its -shm
    file, so writers cannot open it at all, and readers read it as an immutable file."""
    db = site / "db" / "news.db"
    (db if what == "file" else db.parent).chmod(0o444 if what == "file" else 0o555)
    try:
        for args in (["list"], ["show", "1", "--lang", "en"]):
            shown = translate(site, *args)
            assert (shown.returncode, shown.stderr) == (0, "")
            assert len(shown.stdout.splitlines()) == {"list": 42, "show": 62}[args[0]]
        for args in (["run"], ["import", str(site / "new.txt")]):
            result = translate(site, *args)
            # `run` never makes a database, so in a read-only folder it opens it as readers do, and its first write fails.
            fault = "the database is read-only" if what == "file" or args == ["run"] else "cannot open the database"
            assert (result.returncode, result.stdout, result.stderr) == (1, "", READ_ONLY.format(db="db/news.db", what=fault))
    finally:
        db.parent.chmod(0o755)
        for file in db.parent.glob("news.db*"):  # the -shm a read-only reader made has the file's mode
            file.chmod(0o644)
    assert translate(site, "import", str(site / "new.txt")).returncode == 0  # nothing half-written stood in the way


def test_a_database_folder_that_cannot_be_made_is_one_line(tmp_path: Path):
    (tmp_path / "locked").mkdir(mode=0o555)
    db = tmp_path / "locked" / "sub" / "news.db"
    result = translate(tmp_path, "--db", str(db), "import", str(SEED))
    assert (result.returncode, result.stderr) == (
        1, f"Error: {db.parent}: cannot create the database's folder (Permission denied): create it, or point --db elsewhere\n"
    )


def test_an_unwritable_package_folder_is_one_line_and_releases_the_claims(site: Path):
    (site / "models").mkdir()
    make_archive(site / "models" / "bundled.argosmodel")
    packages = site / "db" / "packages"
    packages.mkdir(mode=0o555)
    for args in (["run"], ["models", "list"]):
        result = translate(site, *args)
        assert (result.returncode, result.stderr.count("\n")) == (1, 1)
        assert result.stderr.startswith("Error: ") and "db/packages" in result.stderr
        assert "Permission denied" in result.stderr
    packages.chmod(0o755)
    with sqlite3.connect(site / "db" / "news.db") as connection:
        assert connection.execute("select count(*) from claims").fetchone() == (0,)

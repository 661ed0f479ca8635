"""A built wheel holds every file the installed command reads at run time (templates, stylesheets, QA data)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO


def test_the_wheel_carries_the_package_data(tmp_path: Path):
    pytest.importorskip("setuptools", reason="building the wheel here (no build isolation: offline) needs setuptools")
    # From a copy of the sources: a build/ folder left in the checkout would lend the wheel its files.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source)
    shutil.copytree(REPO / "translator", source / "translator", ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=600,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = [
        path.relative_to(REPO).as_posix()
        for folder in ("translator/web/templates", "translator/web/static", "translator/site/templates",
                       "translator/site/static", "translator/quality/data")
        for path in (REPO / folder).rglob("*")
        if path.is_file() and path.suffix in (".html", ".css", ".js", ".json", ".txt")
    ]
    assert wanted and [name for name in wanted if name not in names] == []

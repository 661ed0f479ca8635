"""The layers of translator/ (docs/architecture.md), as import-linter contracts in pyproject.toml.

`lint-imports` must keep every contract; and a change that imports upward must
break one, naming the import.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(cwd: Path, python_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(python_path)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_every_contract_is_kept():
    result = lint(REPO, REPO)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout and result.stdout.count(" KEPT") >= 7


def test_an_import_up_the_layers_breaks_a_contract_and_is_named(tmp_path: Path):
    shutil.copytree(REPO / "translator", tmp_path / "translator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    style = tmp_path / "translator" / "quality" / "style.py"
    style.write_text(style.read_text(encoding="utf-8") + "\nfrom ..store import Store  # up the layers\n", encoding="utf-8")
    result = lint(tmp_path, tmp_path)
    assert result.returncode == 1
    assert "Layers: faces on the application on the subjects on the ground BROKEN" in result.stdout
    assert "translator.quality.style -> translator.store" in result.stdout


def test_no_module_outside_the_store_reaches_its_database():
    """SQL runs only in translator/store: no other module uses a store's `db` (its sqlite-utils
    Database: `x.db.execute(...)`, `x.db["table"]`). Settings' `config.db` is a path, used whole."""
    offenders = []
    for path in sorted((REPO / "translator").rglob("*.py")):
        if path.parent.name == "store":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.value, ast.Attribute):
                if node.value.attr == "db":
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []


def test_a_transaction_or_snapshot_hands_out_no_database(tmp_path: Path):
    """`with store.transaction() as db` would reach the database past the test above: it yields nothing."""
    from translator.store import Store

    store = Store.open(tmp_path / "news.db")
    with store.transaction() as outer, store.transaction() as savepoint:
        assert (outer, savepoint) == (None, None)
    with store.snapshot() as read:
        assert read is None

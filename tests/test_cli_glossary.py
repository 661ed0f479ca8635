"""`translate glossary`: exact output, files both ways, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from translator.cli import cli

from .conftest import REPO, SEED, FakeEngine

SEED_GLOSSARY = REPO / "seeds" / "glossary.csv"


def invoke(*args: str, app=None):
    return CliRunner().invoke(cli, list(args), obj=app, catch_exceptions=False)


def test_add_list_remove() -> None:
    assert invoke("glossary", "add", "Rubio", "ルビオ", "--note", "US secretary of state").stdout == (
        "Added: Rubio → ルビオ\n"
    )
    assert invoke("glossary", "add", "rubio", "ルビオ").stdout == "Updated: rubio → ルビオ\n"
    assert invoke("glossary", "add", "rubio", "ルビオ").stdout == "Unchanged: rubio → ルビオ\n"
    invoke("glossary", "add", "Sinaloa cartel", "シナロア・カルテル", "--note", "drug trafficking organization")
    assert invoke("glossary", "list").stdout == (
        "rubio           ルビオ\n"
        "Sinaloa cartel  シナロア・カルテル  drug trafficking organization\n"
    )
    assert json.loads(invoke("glossary", "list", "--json").stdout) == [
        {"english": "rubio", "japanese": "ルビオ", "note": ""},
        {"english": "Sinaloa cartel", "japanese": "シナロア・カルテル", "note": "drug trafficking organization"},
    ]
    assert invoke("glossary", "remove", "RUBIO").stdout == "Removed: rubio → ルビオ\n"


def test_errors_are_one_line(tmp_path: Path) -> None:
    result = invoke("glossary", "list")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: no database at {tmp_path / 'db' / 'news.db'}: run `translate import` first\n",
    )
    invoke("glossary", "add", "Rubio", "ルビオ")
    assert (lambda r: (r.exit_code, r.stderr))(invoke("glossary", "remove", "Rubin")) == (
        1,
        "Error: no glossary entry for 'Rubin'\n",
    )
    assert invoke("glossary", "add", "Rubio", " ").stderr == "Error: english and japanese are both required\n"
    bad = tmp_path / "bad.csv"
    bad.write_text("english,note\nRubio,x\n", encoding="utf-8")
    assert invoke("glossary", "import", str(bad)).stderr == (
        f"Error: {bad}: no column japanese (expected english,japanese,note)\n"
    )
    result = invoke("glossary", "export", str(tmp_path / "no-such-folder" / "g.csv"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: Could not open file '{tmp_path / 'no-such-folder' / 'g.csv'}': ")


def test_import_export_round_trip(tmp_path: Path) -> None:
    result = invoke("glossary", "import", str(SEED_GLOSSARY))
    assert result.stdout == f"Imported {SEED_GLOSSARY}: 4 added, 0 updated, 0 unchanged; 0 articles rechecked\n"
    header, *rows = SEED_GLOSSARY.read_text(encoding="utf-8").splitlines(keepends=True)
    assert invoke("glossary", "export").stdout == header + "".join(sorted(rows, key=str.casefold))  # by term
    tbx = tmp_path / "desk.tbx"
    assert invoke("glossary", "export", str(tbx)).stdout == f"Exported 4 terms to {tbx}\n"
    assert tbx.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE martif')
    invoke("glossary", "add", "Abe", "安倍")
    assert invoke("glossary", "import", str(tbx), "--replace").stdout == (
        f"Imported {tbx}: 0 added, 0 updated, 4 unchanged, 1 removed; 0 articles rechecked\n"
    )
    assert invoke("glossary", "export", "--format", "tbx").stdout == tbx.read_text(encoding="utf-8")


def test_a_glossary_change_rechecks_translations() -> None:
    from translator.app import App

    invoke("import", str(SEED))
    invoke("run", app=App(engine_factory=lambda config: FakeEngine()))
    before = invoke("list").stdout.splitlines()[0]
    result = invoke("glossary", "add", "Sheinbaum", "シェインバウム")
    assert result.stdout == (
        "Added: Sheinbaum → シェインバウム; 1 article rechecked, 5 machine sentences rewritten to follow the glossary\n"
    )
    after = invoke("list").stdout.splitlines()[0]
    # The fake's "Japanese" keeps the English: the 5 sentences naming Sheinbaum are post-edited again,
    # so they hold シェインバウム and gain no flag.
    assert (before[:35], after[:35]) == (
        " 1  2025/02/21 18:38  current  73E ",
        " 1  2025/02/21 18:38  current  73E ",
    )


def test_formula_cells_are_named_on_import_and_quoted_on_export(tmp_path: Path) -> None:
    """Issue 24 (case formula_injection.csv): terms and notes starting with = + - @ were imported
    silently and exported raw, to run as formulas when a colleague opens the CSV in a spreadsheet.
    OWASP's CSV injection advice: such cells get a leading ' on export; reading the export back
    removes it, so nothing changes in a round trip."""
    from .conftest import CASES

    case = CASES / "formula_injection.csv"
    result = invoke("glossary", "import", str(case))
    assert result.exit_code == 0
    assert result.stderr == "".join(
        f"Warning: {case}, {where} (kept as text; exports quote it)\n"
        for where in (
            "line 2: the english starts with '=', which a spreadsheet runs as a formula",
            "line 3: the note starts with '=', which a spreadsheet runs as a formula",
            "line 4: the english starts with '+', which a spreadsheet runs as a formula",
            "line 5: the english starts with '@', which a spreadsheet runs as a formula",
            "line 6: the english starts with '-', which a spreadsheet runs as a formula",
        )
    )
    exported = invoke("glossary", "export").stdout
    cells = [cell for line in exported.splitlines()[1:] for cell in line.split(",")]
    assert not any(cell.lstrip('"').startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'+Sinaloa,シナロア,plus sign" in exported.splitlines()
    listed = invoke("glossary", "list", "--json").stdout
    (tmp_path / "back.csv").write_text(exported, encoding="utf-8")
    assert invoke("glossary", "import", "--replace", str(tmp_path / "back.csv")).stdout.startswith(
        f"Imported {tmp_path / 'back.csv'}: 0 added, 0 updated, 5 unchanged, 0 removed"
    )
    assert invoke("glossary", "list", "--json").stdout == listed

"""bench/glossary_names.py: names taken from a dev set exactly, shares counted exactly, a real package run end to end."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from translator.quality.glossary import GlossaryEntry

from .conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import glossary_names  # noqa: E402

DEV = (
    "doc_id\ten\tja\n"
    "a\tSheinbaum met Rubio in Mexico City.\tシェインバウム氏はメキシコ市でルビオ氏と会った。\n"
    "a\tSheinbaum said the Band played.\tシェインバウム氏はバンドが演奏したと述べた。\n"
    "b\tThe band and Rubio left.\tバンドとルビオ氏は去った。\n"
    "b\tRubio spoke in April.\tルビオ氏は4月に語った。\n"
    "c\tMerkel met Trump.\tメルケル氏はトランプ氏と会った。\n"
    "c\tMerkel left.\tメルケル首相は去った。\n"
    "c\tTrump stayed.\tトランプ氏は残った。\n"
)


@pytest.fixture
def dev(tmp_path: Path) -> Path:
    path = tmp_path / "dev.tsv"
    path.write_text(DEV, encoding="utf-8")
    return path


def test_names_taken_from_the_references(dev: Path) -> None:
    rows = glossary_names.read_dev(dev)
    glossary = glossary_names.name_glossary(rows)
    # Band: a lowercase word elsewhere; City: no katakana in the reference.
    assert glossary == [
        GlossaryEntry("Merkel", "メルケル"),
        GlossaryEntry("Mexico", "メキシコ"),
        GlossaryEntry("Rubio", "ルビオ"),
        GlossaryEntry("Sheinbaum", "シェインバウム"),
        GlossaryEntry("Trump", "トランプ"),
    ]
    found = glossary_names.mentions(rows, glossary)
    assert [(m.row, m.entry.english) for m in found] == [
        (0, "Sheinbaum"), (0, "Rubio"), (0, "Mexico"), (1, "Sheinbaum"), (2, "Rubio"), (3, "Rubio"),
        (4, "Merkel"), (4, "Trump"), (5, "Merkel"), (6, "Trump"),
    ]  # fmt: skip


def test_shares_before_and_after_enforcement(dev: Path) -> None:
    rows = glossary_names.read_dev(dev)
    glossary = glossary_names.name_glossary(rows)
    found = glossary_names.mentions(rows, glossary)
    outputs = {
        0: "シャインバウム氏はメキシコ市でRubio氏と会った。",  # both fixable
        1: "シェインバウム氏はバンドが演奏したと述べた。",  # right already
        2: "バンドと彼は去った。",  # Rubio not rendered: nothing to fix
        3: "ルビオ氏は4月に語った。",
        4: "メルケル氏はトラムプ氏と会った。",  # トラムプ: fixable
        5: "メルケル首相は去った。",
        6: "トランプ氏は残った。",
    }
    score, enforced = glossary_names.score(rows, found, outputs, glossary)
    assert score == glossary_names.Score(mentions=10, right_before=6, right_after=9, sentences=7, changed=2)
    assert enforced[0] == "シェインバウム氏はメキシコ市でルビオ氏と会った。"
    assert score.lines() == [
        "  without enforcement  6/10 (60.0%)",
        "  with enforcement     9/10 (90.0%)",
        "enforcement changed 2 of 7 outputs",
    ]


def test_runs_with_a_real_package(dev: Path, tiny_package: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert glossary_names.main(["--package", str(tiny_package), "--dev", str(dev), "--examples", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(
        r"translate-en_ja-tiny \S+ on dev.tsv: 5 names written one way in the references; 10 mentions in 7 sentences",
        lines[0],
    )
    assert lines[1] == "names written as the references write them:"
    # The tiny model knows no names; whatever it writes, enforcement never loses a right one.
    before, after = (int(line.split()[2].split("/")[0]) for line in lines[2:4])
    assert lines[2].startswith("  without enforcement  ") and lines[3].startswith("  with enforcement     ")
    assert 0 <= before <= after <= 10

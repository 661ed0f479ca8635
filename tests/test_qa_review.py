"""The issue's done criterion: `translate review` on the sample article shows each flag where it belongs.

The engine is a stand-in that answers with tests/data/sample_ja.tsv: the sample
article in plausible Japanese, with faults planted where a model makes them.
"""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from translator.editorial import rechecks
from translator.app import App
from translator.cli import cli
from translator.core.news import Hypothesis, Origin

from .conftest import REPO, SEED

SAMPLE_JA = REPO / "tests" / "data" / "sample_ja.tsv"
EDITED = "The lawsuit could lead to a new charge of alleged complicity with terrorist groups, she said."


class SampleEngine:
    package, package_version = "sample", "1"

    def __init__(self) -> None:
        with SAMPLE_JA.open(encoding="utf-8", newline="") as file:
            rows = [row for row in csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE) if not row[0].startswith("#")]
        self.known = {english: Hypothesis(japanese, cut == "1", -1.0) for english, japanese, cut in rows}

    def translate(self, sentences):
        return [self.known.get(s, Hypothesis(f"<訳>{s}", False, -1.0)) for s in sentences]


def invoke(*args: str, app: App | None = None):
    return CliRunner().invoke(cli, list(args), obj=app, catch_exceptions=False)


@pytest.fixture
def reviewed(store) -> dict[str, list[str]]:
    """`translate review 1 --width 140` after the sample is imported with the seed glossary, run and edited once."""
    assert invoke("import", str(SEED)).exit_code == 0
    assert invoke("glossary", "import", str(REPO / "seeds" / "glossary.csv")).exit_code == 0
    assert invoke("run", app=App(engine_factory=lambda config: SampleEngine())).exit_code == 0
    # An editor's sentence, saved as the desk saves it, then rechecked.
    store.db.execute(
        "update sentence_translations set text = ?, origin = ? where source = ?",
        ["この訴訟は, テロ組織との共謀容疑という新たな罪につながる可能性があると彼女は述べた。", Origin.EDITED.value, EDITED],
    )
    rechecks.recheck(store, 1)
    result = invoke("review", "1", "--width", "140")
    assert result.exit_code == 0
    blocks: dict[str, list[str]] = {}
    for line in result.stdout.splitlines()[1:]:
        if line.startswith("── "):
            label = line.strip("─ ")
            label += f" {sum(key.startswith(label) for key in blocks) + 1}" * (label in blocks)  # subheading 2
            blocks[label] = current = []
        else:
            current.append(line)
    return blocks


GAP = " " * 68 + " │ "


@pytest.mark.parametrize(
    "block, rows",
    [
        ("¶ 3", ["error: '25' is not in the Japanese"]),
        ("¶ 4", ["warning: 'two' is not in the Japanese",  # "two of the ... most powerful" became "the most powerful"
                 "error: glossary: 'Sinaloa cartel' should be シナロア・カルテル"]),
        ("¶ 7", ["error: English left untranslated: 'platform X'"]),
        ("¶ 10", ["warning: style: full-width Japanese punctuation: ',' → '、'",
                  "warning: style: no space next to Japanese: ' ' → ''"]),
        ("¶ 11", ["warning: Trump is written トラムプ here but トランプ in sentence 3"]),
        ("¶ 22", ["error: '750,000' is not in the Japanese"]),
        ("¶ 25", ["(truncated at the length limit)",
                  "warning: the Japanese is 0.16 times the English's length: unusually",
                  "short (expected 0.25-1.0)"]),
        ("¶ 26", ["error: '発表し、' repeated 2 times"]),
    ],
)  # fmt: skip
def test_each_flag_is_under_its_sentence(reviewed, block: str, rows: list[str]) -> None:
    lines = reviewed[block]
    assert lines[-len(rows) :] == [(GAP + row).rstrip() for row in rows]
    assert not lines[-len(rows) - 1].startswith(GAP + "error") and not lines[-len(rows) - 1].startswith(GAP + "warn")


def test_clean_sentences_have_no_flag_rows(reviewed) -> None:
    flagged = {"¶ 3", "¶ 4", "¶ 7", "¶ 10", "¶ 11", "¶ 22", "¶ 25", "¶ 26"}
    for block, lines in reviewed.items():
        rows = [line for line in lines if line.startswith((GAP + "error", GAP + "warning"))]
        assert bool(rows) == (block in flagged), block


def test_machine_output_was_post_edited(reviewed) -> None:
    # Sheinbaum: シャインバウム and a Latin "Sheinbaum" in the engine's output, the glossary's spelling saved;
    # 480,000人 in the engine's output, 48万人 saved; the subheading's ? is full-width.
    assert reviewed["¶ 5"][1].endswith("クラウディア・シェインバウム大統領は記者会見で述べた。")
    assert reviewed["¶ 9"][0].endswith("│ シェインバウム氏は、麻薬密売人の手に渡る武器の販売で過失があると同政")
    assert reviewed["¶ 24"][1].endswith("メキシコでは麻薬関連の暴力で約48万人が死亡している。")
    assert reviewed["subheading"][0].endswith("│ 「ドローン攻撃の対象」？")


def test_list_and_json_carry_the_same_flags(reviewed) -> None:
    assert invoke("list").stdout.splitlines()[0].startswith(" 1  2025/02/21 18:38  current  6E 5W  page      Mexico")
    sentences = json.loads(invoke("show", "1", "--json").stdout)["sentences"]
    assert [(s["block"], f["check"]) for s in sentences for f in s["flags"]] == [
        (3, "number"), (4, "number"), (4, "glossary"), (7, "english_left"), (10, "style"), (10, "style"),
        (12, "name_consistency"), (24, "number"), (27, "truncated"), (27, "length_ratio"), (28, "repetition"),
    ]  # fmt: skip

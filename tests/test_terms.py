"""Glossary enforcement in machine output: exact rewrites, what is left alone, and its invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from translator.quality.glossary import GlossaryEntry
from translator.quality.terms import enforce_terms, katakana_key, renderings, similarity, sound_key

GLOSSARY = [
    GlossaryEntry("Sheinbaum", "シェインバウム"),
    GlossaryEntry("Rubio", "ルビオ"),
    GlossaryEntry("Sinaloa cartel", "シナロア・カルテル"),
    GlossaryEntry("Jalisco New Generation cartel", "ハリスコ新世代カルテル"),
    GlossaryEntry("X", "X"),
]


def test_sound_keys() -> None:
    assert sound_key("Sheinbaum") == katakana_key("シャインバウム") == "snbm"
    assert similarity("Sheinbaum", "シャインバウム") == 1.0
    assert similarity("Rubio", "トランプ") == pytest.approx(1 / 3)  # "rb" against "trnp": one r in common
    assert renderings("Sheinbaum met Rubio.", "シャインバウム氏はルビオ氏と会った。") == {
        "Sheinbaum": "シャインバウム",
        "Rubio": "ルビオ",
    }


@pytest.mark.parametrize(
    "english, machine, enforced",
    [
        # another transliteration of a name
        ("Sheinbaum said so.", "シャインバウム氏はそう述べた。", "シェインバウム氏はそう述べた。"),
        # the name left in Latin letters, possessive included
        ("Sheinbaum's plan", "Sheinbaum's計画", "シェインバウム計画"),
        ("Rubio said so.", "RUBIO氏はそう述べた。", "ルビオ氏はそう述べた。"),
        # a two-word term written as one word, and as two
        ("The Sinaloa cartel grew.", "シナロアカルテルは成長した。", "シナロア・カルテルは成長した。"),
        ("The Sinaloa Cartel grew.", "シナロア=カルテルが成長した。", "シナロア・カルテルが成長した。"),
        # with a first name before it: only the surname is the term
        ("President Claudia Sheinbaum spoke.", "クラウディア・シャインボーム大統領が語った。", "クラウディア・シェインバウム大統領が語った。"),
        # a long term spelt out in katakana
        ("the Jalisco New Generation cartel", "ハリスコ・ニュー・ジェネレーション・カルテルと", "ハリスコ新世代カルテルと"),
        # the same wrong rendering twice
        ("Sheinbaum, Sheinbaum!", "シャインバウム、シャインバウム！", "シェインバウム、シェインバウム！"),
    ],
)
def test_enforced(english: str, machine: str, enforced: str) -> None:
    assert enforce_terms(english, machine, GLOSSARY) == enforced


@pytest.mark.parametrize(
    "english, machine",
    [
        ("Sheinbaum said so.", "シェインバウム氏はそう述べた。"),  # already right
        ("Sheinbaum said so.", "大統領はそう述べた。"),  # not rendered at all: QA flags it
        ("Rubio met Ruby.", "ルビオ氏はルビーと会った。"),  # right, and Ruby is someone else
        ("The cartels grew.", "シャインバウムは成長した。"),  # no glossary term in the English
        ("Rubio and Rubin", "ルビンとルビン"),  # sounds like Rubio, but it is Rubin
        ("Sheinbaum met Rubio.", "シェインバウム氏はシェインボウ氏と会った。"),  # a glossary rendering is never rewritten
    ],
)
def test_left_alone(english: str, machine: str) -> None:
    assert enforce_terms(english, machine, GLOSSARY) == machine


def test_two_candidates_equally_alike_are_left_alone() -> None:
    assert enforce_terms("Rubio spoke.", "ルビーとルベオが話した。", GLOSSARY) == "ルビーとルベオが話した。"


def test_longest_term_first() -> None:
    glossary = [GlossaryEntry("cartel", "麻薬カルテル"), *GLOSSARY]
    assert (
        enforce_terms("the Sinaloa cartel", "シナロアカルテル", glossary) == "シナロア・カルテル"
    )


_PIECES = ["シェインバウム", "シャインバウム", "シナロア", "カルテル", "ルビオ", "ルビー", "・", "Sheinbaum", "rubio",
           "X", "氏", "は", "、", " ", "大統領", "ハリスコ", "ニュー", "ジェネレーション"]  # fmt: skip
_ENGLISH = ["Sheinbaum", "Rubio", "Sinaloa cartel", "Jalisco New Generation cartel", "X", "said", "the", "and"]


@given(st.lists(st.sampled_from(_ENGLISH), max_size=5), st.lists(st.sampled_from(_PIECES), max_size=12))
def test_invariants(english_words: list[str], pieces: list[str]) -> None:
    english, machine = " ".join(english_words), "".join(pieces)
    enforced = enforce_terms(english, machine, GLOSSARY)
    assert enforce_terms(english, enforced, GLOSSARY) == enforced  # idempotent
    for entry in GLOSSARY:  # never removes a glossary rendering
        assert enforced.count(entry.japanese) >= machine.count(entry.japanese)
    assert enforce_terms("nothing here", machine, GLOSSARY) == machine
    assert enforce_terms(english, machine, []) == machine

"""MBR selection (translation/mbr.py): chrF as sacrebleu computes it, and the consensus candidate chosen."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from translator.translation.mbr import _ngrams, choose, chrf

sacrebleu = pytest.importorskip("sacrebleu", reason="sacrebleu is in the recipe extra (and so the test extra)")

TEXT = st.text(alphabet="日経平均は上昇したメキシコ大統領 abc.、。", max_size=30)


@given(TEXT, TEXT)
def test_chrf_is_sacrebleus_sentence_chrf(hypothesis, reference):
    assert chrf(_ngrams(hypothesis), _ngrams(reference)) == pytest.approx(
        sacrebleu.sentence_chrf(hypothesis, [reference]).score, abs=1e-9
    )


def test_the_candidate_the_others_agree_with_is_chosen():
    candidates = [
        "フランスの首相は会見で語った。",  # the outlier
        "メキシコ大統領は米国に警告した。",
        "メキシコの大統領は米国に警告した。",
        "メキシコ大統領は米国に強く警告した。",
    ]
    assert choose(candidates) == 1


@pytest.mark.parametrize("candidates, index", [([], 0), (["ひとつ"], 0), (["同じ", "同じ"], 0)])
def test_one_candidate_or_ties_keep_the_first(candidates, index):
    assert choose(candidates) == index

"""Minimum Bayes risk (MBR) selection: of a model's candidate translations, the one the others agree with most.

The candidates stand in for the unknown reference: each is scored by its mean
utility against all the others, and the best is kept (Kumar & Byrne 2004,
"Minimum Bayes-Risk Decoding for Statistical Machine Translation"; Freitag et
al. 2022, "High Quality Rather than High Model Probability"). The utility is
chrF (Popović 2015) on character n-grams, as sacrebleu computes it, which needs
no tokenizer for Japanese. Pure: text in, an index out.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

# chrF's defaults (sacrebleu's CHRF: char order 6, beta 2, whitespace ignored).
CHAR_ORDER = 6
BETA = 2.0


def _ngrams(text: str) -> tuple[Counter, ...]:
    text = "".join(text.split())
    return tuple(Counter(text[i : i + n] for i in range(len(text) - n + 1)) for n in range(1, CHAR_ORDER + 1))


def chrf(hypothesis: Sequence[Counter], reference: Sequence[Counter]) -> float:
    """Sentence chrF (0-100) of n-gram counts: the average of per-order F-beta over orders both texts have.

    As sacrebleu's sentence_chrf with its defaults (checked in tests/test_mbr.py).
    """
    precision = recall = 0.0
    orders = 0
    for hyp, ref in zip(hypothesis, reference):
        hyp_total, ref_total = sum(hyp.values()), sum(ref.values())
        if not hyp_total or not ref_total:
            continue
        match = sum((hyp & ref).values())
        precision += match / hyp_total
        recall += match / ref_total
        orders += 1
    if not orders:
        return 0.0
    precision, recall = precision / orders, recall / orders
    if not precision or not recall:
        return 0.0
    factor = BETA**2
    return 100 * (1 + factor) * precision * recall / (factor * precision + recall)


def choose(candidates: Sequence[str]) -> int:
    """The index of the candidate with the highest mean chrF against the others (the first on a tie).

    One candidate: 0. O(n²) chrF computations for n candidates (n = 8: 56).
    """
    if len(candidates) <= 1:
        return 0
    grams = [_ngrams(candidate) for candidate in candidates]
    best, best_score = 0, -1.0
    for i, mine in enumerate(grams):
        total = sum(chrf(mine, theirs) for j, theirs in enumerate(grams) if j != i)
        if total > best_score:
            best, best_score = i, total
    return best

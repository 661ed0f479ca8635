"""English paragraphs → sentences, offline.

pysbd is rule-based and ships its rules in the wheel: no model to fetch, unlike
Argos's own splitters (Stanza, MiniSBD, spaCy). It knows news abbreviations
(U.S., Mr., a.m., No. 10) and keeps quoted sentences whole.
"""

from __future__ import annotations

import functools

import pysbd


@functools.cache
def _segmenter() -> pysbd.Segmenter:
    # Built on first use: pysbd compiles its rules when constructed.
    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, each stripped; empty text gives []."""
    text = text.strip()
    if not text:
        return []
    sentences = [s.strip() for s in _segmenter().segment(text)]
    return [s for s in sentences if s]


def join_sentences(sentences: list[str] | tuple[str, ...], lang: str) -> str:
    """Sentences back into a paragraph: Japanese is written without spaces between them."""
    return ("" if lang == "ja" else " ").join(s for s in sentences if s)

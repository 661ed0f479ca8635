"""Automatic post-editing: the engine's Japanese as it is saved, and as a glossary change rewrites it.

Pure: the glossary's renderings enforced (terms.enforce_terms), then Japanese
news style (style.apply_news_style). The batch applies it to every output
(translation/pipeline.py), the desk to the model's alternatives, and a glossary
change to the machine output already saved (editorial/terminology.py), never to
an editor's text.
"""

from __future__ import annotations

from typing import Sequence

from .glossary import GlossaryEntry
from .style import apply_news_style
from .terms import enforce_terms


def post_edit(source: str, machine: str, glossary: Sequence[GlossaryEntry], *, headline: bool = False) -> str:
    """The engine's Japanese `machine` for `source` as it is saved: the glossary's renderings
    enforced, then news style (`headline`: written as a headline, without a final 。)."""
    return apply_news_style(enforce_terms(source, machine, glossary), headline=headline)

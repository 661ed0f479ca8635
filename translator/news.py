"""The news domain's types: an article's blocks and sentences, and the states they are in.

Types only: no I/O, no database, no model. The words are the trade's: a *block*
is a headline, paragraph or subheading; a *sentence* (segment, in translation
tools) is the unit that is translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class BlockKind(StrEnum):
    """What a block is. The headline is always an article's first block."""

    HEADLINE = "headline"
    PARAGRAPH = "paragraph"
    SUBHEADING = "subheading"


class Status(StrEnum):
    """The state of an article's translation in one language, derived from hashes, never stored.

    MISSING: no translation; STALE: made from other English than the article has
    now; CURRENT: made from the English as it is.
    """

    MISSING = "missing"
    STALE = "stale"
    CURRENT = "current"


@dataclass(frozen=True)
class Block:
    """A headline, paragraph or subheading: its text and, once split, its sentences.

    A block parsed from a page has no sentences yet (`()`); the importer splits
    it (headlines and subheadings are one sentence each).
    """

    kind: BlockKind
    text: str
    sentences: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArticleView:
    """An article in one language as a reader sees it: headline, body blocks, link to the other language.

    `published` is ISO 8601 in Japan time (+09:00); `link` is None until there is one.
    """

    id: int
    lang: str
    headline: str
    published: str
    body: tuple[Block, ...]
    link: str | None

    def as_json(self) -> dict:
        """The `translate show --json` object; body blocks are {"kind", "text"}."""
        return {
            "id": self.id,
            "lang": self.lang,
            "headline": self.headline,
            "published": self.published,
            "body": [{"kind": block.kind, "text": block.text} for block in self.body],
            "link": self.link,
        }


@dataclass(frozen=True)
class Hypothesis:
    """The machine translation of one sentence.

    `truncated`: the output reached its length limit and may be cut short.
    `score`: CTranslate2's score of the hypothesis (a log-probability; higher is
    better), None where no model was run (an empty sentence).
    """

    text: str
    truncated: bool = False
    score: float | None = None

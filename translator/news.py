"""The news domain's types: an article's blocks and sentences, and the states they are in.

Types, and the rule that identifies a sentence: no I/O, no database, no model.
The words are the trade's: a *block* is a headline, paragraph or subheading; a
*sentence* (segment, in translation tools) is the unit that is translated.

Every face (show, review, show --json; later the desk and the published pages)
renders an AlignedArticle: an article as blocks of sentence pairs, with its
translation's status and provenance and the links between its languages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .qa import Flag


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


class Origin(StrEnum):
    """What the Japanese of a sentence is."""

    MACHINE = "machine"  # the engine's output, made in the run that saved it
    CACHED = "cached"  # the same package's earlier output for the same English (MT cache)
    EDITED = "edited"  # an editor's text (the desk writes these)
    MEMORY = "memory"  # an approved human translation reused from the translation memory


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
class Article:
    """An article's English as stored: `published` is ISO 8601 (+09:00); `full_page` is False
    for a headline known only from a sidebar; `content_hash` fingerprints the English."""

    id: int
    headline: str
    published: str
    full_page: bool
    content_hash: str


@dataclass(frozen=True)
class ArticleSummary:
    """One row of the article list: the article and the status of its translation."""

    id: int
    headline: str
    published: str
    full_page: bool
    status: Status
    errors: int = 0  # QA flags of its translation, by severity (qa.Severity)
    warnings: int = 0


@dataclass(frozen=True)
class SentencePair:
    """One English sentence and its translation, as the faces show them.

    `source_hash` identifies the sentence within its article (`sentence_hash`).
    `target` is None while the sentence has no translation (the article's is
    missing, or was made from English without this sentence); `origin`,
    `truncated`, `score` and the package then are None too. `flags` are the QA
    flags of the translation (qa.py, stored by qa_store.py), in check order.
    """

    source: str
    source_hash: str
    target: str | None = None
    origin: Origin | None = None
    truncated: bool | None = None
    score: float | None = None
    package: str | None = None
    package_version: str | None = None
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class AlignedBlock:
    """A block's English text and its sentence pairs, in order."""

    kind: BlockKind
    text: str
    pairs: tuple[SentencePair, ...]


@dataclass(frozen=True)
class TranslationInfo:
    """Provenance of an article's translation: the package, when (ISO 8601, UTC), and
    `source_hash`, the content hash of the English it was made from."""

    package: str
    package_version: str
    translated_at: str
    source_hash: str


@dataclass(frozen=True)
class AlignedArticle:
    """An article with its translation into `lang`, block by block and sentence by sentence.

    `links` maps a language to the URL of the article's page in it, once
    published (see publish.py); `translation` is None while `status` is MISSING.
    """

    id: int
    published: str
    full_page: bool
    source_lang: str
    lang: str
    status: Status
    translation: TranslationInfo | None
    links: dict[str, str]
    blocks: tuple[AlignedBlock, ...]  # the headline first


@dataclass(frozen=True)
class ArticleView:
    """An article in one language as a reader sees it: headline, body blocks, link to the other language.

    `published` is ISO 8601 in Japan time (+09:00); `link` is None until there is one.
    `sentences` are a translation's sentence pairs, each with the index of its
    block (0: the headline, i: body[i - 1]); empty for the original.
    """

    id: int
    lang: str
    headline: str
    published: str
    body: tuple[Block, ...]
    link: str | None
    sentences: tuple[tuple[int, SentencePair], ...] = ()

    def as_json(self) -> dict:
        """The `translate show --json` object; body blocks are {"kind", "text"}.

        A translation adds "sentences": {"block", "source", "target", "flags"}
        each, a flag being {"check", "severity", "message", "en_span", "ja_span"}
        (spans are [start, end) character offsets, or null).
        """
        data = {
            "id": self.id,
            "lang": self.lang,
            "headline": self.headline,
            "published": self.published,
            "body": [{"kind": block.kind, "text": block.text} for block in self.body],
            "link": self.link,
        }
        if self.sentences:
            data["sentences"] = [
                {
                    "block": block,
                    "source": pair.source,
                    "target": pair.target,
                    "flags": [flag.as_json() for flag in pair.flags],
                }
                for block, pair in self.sentences
            ]
        return data


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


@dataclass(frozen=True)
class TranslatedSentence:
    """A sentence's machine translation as the pipeline saves it: English, hypothesis, origin.

    `text` is the Japanese saved: the hypothesis post-edited (glossary, news
    style); None saves the hypothesis as it is. The hypothesis itself is kept
    too, for the MT cache.
    """

    source: str
    hypothesis: Hypothesis
    origin: Origin
    text: str | None = None


def sentence_hash(text: str) -> str:
    """A sentence's identity within its article: SHA-256 hex of its UTF-8 text.

    Positions change whenever the English does; the text's hash does not, so
    translations, edits and QA flags keyed by it stay with their sentence.
    """
    return hashlib.sha256(text.encode()).hexdigest()

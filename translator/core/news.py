"""The news domain's types: an article's blocks and sentences, and the states they are in.

Types, and the rule that identifies a sentence: no I/O, no database, no model.
The words are the trade's: a *block* is a headline, paragraph or subheading; a
*sentence* (segment, in translation tools) is the unit that is translated.

Every face (show, review, show --json; later the desk and the published pages)
renders an AlignedArticle: an article as blocks of sentence pairs, with its
translation's status and provenance and the links between its languages.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import NamedTuple, Sequence


class BlockKind(StrEnum):
    """What a block is. The headline is always an article's first block."""

    HEADLINE = "headline"
    PARAGRAPH = "paragraph"
    SUBHEADING = "subheading"

    @property
    def headline_style(self) -> bool:
        """Written as a headline (no final 。; style.py): headlines and subheadings."""
        return self != BlockKind.PARAGRAPH


class Status(StrEnum):
    """The state of an article's translation in one language, derived from hashes, never stored.

    MISSING: no translation; STALE: made from other English than the article has
    now; CURRENT: made from the English as it is.
    """

    MISSING = "missing"
    STALE = "stale"
    CURRENT = "current"


class EditorialStatus(StrEnum):
    """Where an article's translation is in the editors' work, from the `editorial_status` view (m005).

    MISSING: no translation. STALE: the English changed since the translation
    was made, or since the editors approved (or first worked on) it, until they
    approve again. MACHINE: as the run made it, nothing edited. EDITED: an
    editor changed at least one sentence; not approved. APPROVED: approved for
    the English as it is, not published. PUBLISHED: approved and live.
    """

    MACHINE = "machine"
    EDITED = "edited"
    APPROVED = "approved"
    PUBLISHED = "published"
    STALE = "stale"
    MISSING = "missing"

    @property
    def label(self) -> str:
        """The name editors see: 'machine-translated' for MACHINE, else the value."""
        return "machine-translated" if self is EditorialStatus.MACHINE else self.value


class Origin(StrEnum):
    """What the Japanese of a sentence is."""

    MACHINE = "machine"  # the engine's output, made in the run that saved it
    CACHED = "cached"  # the same package's earlier output for the same English (MT cache)
    EDITED = "edited"  # an editor's text (the desk writes these)
    MEMORY = "memory"  # an approved human translation reused from the translation memory


class PublishPolicy(StrEnum):
    """When a translation is published (setting `publish_policy`, TRANSLATE_PUBLISH_POLICY).

    CURRENT: as soon as it is current, shown as a machine translation not yet
    reviewed until an editor approves it. APPROVED: only when an editor
    publishes it in the desk, after approving it.
    """

    CURRENT = "current"
    APPROVED = "approved"


# QA findings (quality/checks.py finds them, the store keeps them) ----------------------------


class Check(str, Enum):
    NUMBER = "number"
    ENGLISH_LEFT = "english_left"
    REPETITION = "repetition"
    EMPTY = "empty"
    TRUNCATED = "truncated"
    LENGTH_RATIO = "length_ratio"
    GLOSSARY = "glossary"
    NAME_CONSISTENCY = "name_consistency"
    PLACE = "place"  # a country of the English missing while another country is named (quality/places.py)
    NAME = "name"  # an English name with no rendering in the Japanese (quality/names.py)
    TIME = "time"  # a.m. written as the afternoon, or p.m. as the morning (quality/times.py)
    CHARACTER = "character"  # characters lost from the English, or garbled in the Japanese (quality/characters.py)
    CONFIDENCE = "confidence"  # the model's own score of its output is low (machine output only)
    STYLE = "style"


class Severity(str, Enum):
    ERROR = "error"  # the Japanese is wrong or incomplete: an editor must look
    WARNING = "warning"  # likely a problem, sometimes deliberate


@dataclass(frozen=True)
class Flag:
    """One finding. Spans are (start, end) character offsets into the English or the Japanese."""

    check: Check
    severity: Severity
    message: str
    en_span: tuple[int, int] | None = None
    ja_span: tuple[int, int] | None = None

    @property
    def is_error(self) -> bool:
        """An error-level finding: the sentence needs an editor's review before approval."""
        return self.severity == Severity.ERROR

    def as_json(self) -> dict:
        """{"check", "severity", "message", "en_span", "ja_span"}; a span is [start, end] or null."""
        return {
            "check": self.check.value,
            "severity": self.severity.value,
            "message": self.message,
            "en_span": list(self.en_span) if self.en_span else None,
            "ja_span": list(self.ja_span) if self.ja_span else None,
        }


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
    """One row of the article list: the article and the status of its translation.

    `truncated` and `empty` count the translation's sentences cut at the length
    limit and those that came back empty (see `incomplete`); the next batch run
    retries them once with safer decoding. `package` and `package_version` name the
    package that made the translation (None while it is missing): after a new model,
    the drafts still on the old one (`translate run --upgrade`).
    """

    id: int
    headline: str
    published: str
    full_page: bool
    status: Status
    truncated: int = 0
    empty: int = 0
    errors: int = 0  # QA flags of its translation, by severity (qa.Severity)
    warnings: int = 0
    package: str | None = None
    package_version: str | None = None


@dataclass(frozen=True)
class EditorialSummary:
    """One row of the desk's article list: time (ISO 8601, +09:00), both headlines, editorial status.

    `target_headline` is None until the headline is translated; `live`: the
    translation's page is published and not withdrawn; `errors`, `warnings`: the
    QA flags of the translation's current sentences (editorial/rechecks.py).
    """

    id: int
    published: str
    full_page: bool
    headline: str
    target_headline: str | None
    status: EditorialStatus
    live: bool
    errors: int
    warnings: int


class AuditAction(StrEnum):
    """What an editor did, as the audit trail records it."""

    EDIT = "edit"  # changed a sentence's text (back to the run's text too)
    REVIEW = "review"  # confirmed a sentence as it is
    ACCEPT = "accept"  # took the sentences no one had reviewed as they are, in one step (`after`: how many)
    APPROVE = "approve"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"


@dataclass(frozen=True)
class AuditEntry:
    """One line of an article's audit trail. `at` is ISO 8601 (UTC).

    For an edit, `via` says where the text came from (typed, alternative,
    memory), and `before`/`after` hold the sentence's text; `source_hash` names
    the sentence for edits and reviews. `content_hash` is the English it was done on.
    """

    id: int
    at: str
    editor: str
    action: AuditAction
    via: str | None
    source_hash: str | None
    before: str | None
    after: str | None
    content_hash: str


@dataclass(frozen=True)
class SentencePair:
    """One English sentence and its translation, as the faces show them.

    `source_hash` identifies the sentence within its article (`sentence_hash`).
    `target` is None while the sentence has no translation (the article's is
    missing, or was made from English without this sentence); `origin`,
    `truncated`, `score` and the package then are None too. `flags` are the QA
    flags of the translation (quality/checks.py, stored by editorial/rechecks.py), in check order.

    What the editors' desk adds (editing.py writes it):
    - an edited sentence has origin EDITED, `target` the editor's text, `unedited`
      the text the run saved beside it (machine output or memory; None if none
      yet), and `edited_by`/`edited_at` (ISO 8601, UTC);
    - `reviewed`: an editor confirmed this sentence, saved a text for it that QA finds no error in,
      or took it as it was when approving the article;
    - `changed`: the English sentence is not in the English the editors last
      approved (or first worked on), so it is new or changed since; `previous_source`
      is the sentence it replaced there, None for one simply added.
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
    unedited: str | None = None
    edited_by: str | None = None
    edited_at: str | None = None
    reviewed: bool = False
    changed: bool = False
    previous_source: str | None = None

    @property
    def needs_review(self) -> bool:
        """Empty (whether reviewed or not: an English sentence must not go out without Japanese);
        or not reviewed, and changed since the editors' English, cut at the length limit, or
        with an error-level QA flag (a wrong number, a glossary term missing ...)."""
        return not self.target or (
            not self.reviewed and (self.changed or bool(self.truncated) or any(flag.is_error for flag in self.flags))
        )


@dataclass(frozen=True)
class AlignedBlock:
    """A block's English text and its sentence pairs, in order."""

    kind: BlockKind
    text: str
    pairs: tuple[SentencePair, ...]


@dataclass(frozen=True)
class TranslationInfo:
    """Provenance of an article's translation: the package, when (ISO 8601, UTC),
    `source_hash`, the content hash of the English it was made from, the package's
    model family (argos, opus-mt, m2m100, nllb, madlad400; None: not recorded), and
    the package's confidence threshold for QA (quality/checks.py; None: the default)."""

    package: str
    package_version: str
    translated_at: str
    source_hash: str
    family: str | None = None
    confidence_threshold: float | None = None

    def as_json(self) -> dict:
        """{"package", "package_version", "family", "translated_at", "confidence_threshold"}:
        `show --json`'s "translation" (a null threshold: the default, checks.CONFIDENCE_THRESHOLD)."""
        return {
            "package": self.package,
            "package_version": self.package_version,
            "family": self.family,
            "translated_at": self.translated_at,
            "confidence_threshold": self.confidence_threshold,
        }


@dataclass(frozen=True)
class Approval:
    """An editor's approval of an article's translation: who, when (ISO 8601, UTC), and how many of
    its sentences were taken as they were, unreviewed ("approve the 26 remaining sentences as
    they are"; 0: every sentence was edited or reviewed one by one; None: not known, the
    reviews are from before that was recorded)."""

    editor: str
    approved_at: str
    accepted: int | None = 0


@dataclass(frozen=True)
class AlignedArticle:
    """An article with its translation into `lang`, block by block and sentence by sentence.

    `links` maps a language to the URL of the article's page in it while that
    page is live (published and not withdrawn; see publish.py); `translation` is
    None while `status` is MISSING. `editorial_status` is the desk's view of it;
    `approval` is set while an approval holds for the English as it is.
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
    editorial_status: EditorialStatus = EditorialStatus.MISSING
    approval: Approval | None = None

    @property
    def headline(self) -> AlignedBlock:
        return self.blocks[0]

    @property
    def pairs(self) -> list[SentencePair]:
        """Every sentence pair in reading order."""
        return [pair for block in self.blocks for pair in block.pairs]


@dataclass(frozen=True)
class ArticleView:
    """An article in one language as a reader sees it: headline, body blocks, link to the other language.

    `published` is ISO 8601 in Japan time (+09:00); `link` is None until there is one.
    Body blocks carry their sentences, and `headline_sentences` the headline's: the
    English as segmented, or each English sentence's translation, in order.
    `sentences` are a translation's sentence pairs, each with the index of its
    block (0: the headline, i: body[i - 1]); empty for the original.
    `full_page` is False for an article known only by its headline (from a
    sidebar): it has no page in either language, so no link. `translation`: a
    translation's provenance (package, version, model family); None for the original.
    """

    id: int
    lang: str
    headline: str
    published: str
    body: tuple[Block, ...]
    link: str | None
    headline_sentences: tuple[str, ...] = ()
    sentences: tuple[tuple[int, SentencePair], ...] = ()
    full_page: bool = True
    translation: TranslationInfo | None = None

    def as_json(self) -> dict:
        """The `translate show --json` object; body blocks are {"kind", "text", "sentences"}.

        A translation adds "translation" ({"package", "package_version", "family",
        "translated_at", "confidence_threshold"}) and "sentences": {"block", "source", "target", "flags"}
        each, a flag being {"check", "severity", "message", "en_span", "ja_span"}
        (spans are [start, end) character offsets, or null).
        """
        data = {
            "id": self.id,
            "lang": self.lang,
            "headline": self.headline,
            "headline_sentences": list(self.headline_sentences),
            "published": self.published,
            "body": [{"kind": block.kind, "text": block.text, "sentences": list(block.sentences)} for block in self.body],
            "link": self.link,
            "full_page": self.full_page,
        }
        if self.translation is not None:
            data["translation"] = self.translation.as_json()
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
    # More than 1: the sentence was longer than the model takes whole, so it was
    # split at clause boundaries and its pieces translated one by one, then joined.
    pieces: int = 1


def incomplete(source: str, hypothesis: Hypothesis) -> bool:
    """Whether a machine translation is unusable as it stands: cut at its length limit,
    or empty although the English is not. Such output is stored and marked, never
    reused from the machine-translation cache, and retried once with safer decoding."""
    return hypothesis.truncated or (not hypothesis.text.strip() and bool(source.strip()))


@dataclass(frozen=True)
class TranslatedSentence:
    """A sentence's machine translation as the pipeline saves it: English, hypothesis, origin.

    `retried`: made by the retry with safer decoding, after the usual decoding
    gave an incomplete translation; it is not retried again.

    `text` is the Japanese saved: the hypothesis post-edited (glossary, news
    style); None saves the hypothesis as it is. The hypothesis itself is kept
    too, for the MT cache.
    """

    source: str
    hypothesis: Hypothesis
    origin: Origin
    retried: bool = False
    text: str | None = None


def sentence_hash(text: str) -> str:
    """A sentence's identity within its article: SHA-256 hex of its UTF-8 text.

    Positions change whenever the English does; the text's hash does not, so
    translations, edits and QA flags keyed by it stay with their sentence.
    """
    return hashlib.sha256(text.encode()).hexdigest()


def previous_sentences(old: Sequence[str], new: Sequence[str]) -> dict[int, str]:
    """For each sentence of `new` that replaced one of `old`, its index in `new` → the old sentence.

    The two versions are aligned with difflib's SequenceMatcher (longest matching
    runs of identical sentences); inside a replaced run, old and new sentences
    pair in order, and new sentences beyond the old ones are additions (absent).
    """
    replaced: dict[int, str] = {}
    matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "replace":
            for offset in range(min(old_end - old_start, new_end - new_start)):
                replaced[new_start + offset] = old[old_start + offset]
    return replaced


# Publication ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """An article's page in one language: its URL, first published (ISO 8601, UTC), withdrawn since (None: live)."""

    url: str
    published_at: str
    withdrawn_at: str | None


class Listed(NamedTuple):
    """An article as a list of the site shows it: `published` ISO 8601 (+09:00), the
    headline in the list's language; `has_page` is False for a headline-only article."""

    id: int
    published: str
    headline: str
    has_page: bool


@dataclass(frozen=True)
class MemoryEntry:
    """A translation memory entry: an English sentence, its approved translation, who approved it and when (ISO 8601)."""

    source: str
    text: str
    editor: str
    approved_at: str


# Text coming in -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cleaned:
    """One line after `clean_line`.

    `text` is the clean line, stripped ("" for a line with nothing visible: a blank
    line); `original` is the line as given; `repairs` names what was changed, in the
    order applied, from "html-entities", "mojibake", "control-characters",
    "invisible-characters" and "spaces". Stripping plain spaces and tabs at either
    end is layout, not a repair, and is not named; nor is composing the text (NFC:
    canonically equivalent, the same text to a reader).
    """

    text: str
    original: str
    repairs: tuple[str, ...] = ()

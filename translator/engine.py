"""Translation engines: a small interface, and the Argos package engine behind it.

An engine takes sentences and returns one Hypothesis per sentence, in order. It
knows no database and no application settings: it is given a package and its
EngineOptions. The Argos engine uses the package's own tokenizer and CTranslate2
model, loaded lazily and once, and sends sentences to CTranslate2 in batches of
one length, not one call per paragraph as Argos itself does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Protocol, Sequence

from .errors import PackageError
from .news import Hypothesis
from .packages import PackageInfo


class Engine(Protocol):
    """Translates sentences; names its package and version for provenance."""

    package: str
    package_version: str

    def translate(self, sentences: Sequence[str]) -> list[Hypothesis]:
        """One Hypothesis per sentence, in order; an empty or blank sentence gives Hypothesis("").

        A sentence's result never depends on the other sentences in the call.

        :raises PackageError: when the model cannot be loaded (on first use).
        """
        ...

    def alternatives(self, sentence: str, n: int) -> list[Hypothesis]:
        """The model's `n` best translations of one sentence, best first (fewer if the model finds fewer).

        An empty or blank sentence gives [Hypothesis("")].

        :raises PackageError: when the model cannot be loaded (on first use).
        """
        ...


@dataclass(frozen=True)
class Decoding:
    """Decoding settings, chosen on the NTREX dev set (see models/README.md)."""

    beam_size: int = 2
    length_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    # Output may be this much longer than the input, in tokens, before it is cut.
    max_length_ratio: float = 3.0
    max_length_extra: int = 16

    def output_limit(self, source_tokens: int) -> int:
        """Most output tokens for a sentence of `source_tokens` tokens: ceil(ratio × n) + extra."""
        return math.ceil(self.max_length_ratio * source_tokens) + self.max_length_extra


@dataclass(frozen=True)
class EngineOptions:
    """How an engine runs: CTranslate2 device, CPU threads (0: all cores), batch size, decoding."""

    device: str = "cpu"
    threads: int = 0
    batch_tokens: int = 2048
    decoding: Decoding = field(default_factory=Decoding)


@contextlib.contextmanager
def argos_environment(home: Path, device: str) -> Iterator[None]:
    """Point Argos's import-time settings at `home` (it creates folders when imported).

    Argos reads its settings once, on import, so this must wrap the first import;
    the process environment is restored afterwards.
    """
    values = {
        "ARGOS_PACKAGES_DIR": str(home),
        "XDG_DATA_HOME": str(home / ".argos" / "data"),
        "XDG_CONFIG_HOME": str(home / ".argos" / "config"),
        "XDG_CACHE_HOME": str(home / ".argos" / "cache"),
        "ARGOS_DEVICE_TYPE": device,
        # Never fetched (we call nothing that downloads), but not a live address either.
        "ARGOS_PACKAGE_INDEX": "file:///nonexistent/",
    }
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def length_batches(lengths: Sequence[int], batch_tokens: int) -> list[list[int]]:
    """Indices grouped into batches of one length each, at most `batch_tokens` tokens a batch.

    One length per batch means no padding, and every sentence in a batch has the
    same output limit (`Decoding.output_limit`), so the batch's limit is each
    sentence's own: batching never changes a result. A sentence longer than
    `batch_tokens` gets a batch of its own. Batches come shortest first.
    (The training recipe buckets by length too, with padding: models/recipe/train.py.)
    """
    by_length: dict[int, list[int]] = defaultdict(list)
    for index, length in enumerate(lengths):
        by_length[length].append(index)
    batches = []
    for length in sorted(by_length):
        indices = by_length[length]
        size = max(batch_tokens // max(length, 1), 1)
        batches += [indices[start : start + size] for start in range(0, len(indices), size)]
    return batches


@dataclass
class _Model:
    """The loaded tokenizer and CTranslate2 translator, shared by an engine's copies."""

    translator: Any = None
    tokenizer: Any = None


@dataclass(frozen=True)
class ArgosEngine:
    """An installed Argos package, run with CTranslate2."""

    info: PackageInfo
    options: EngineOptions = field(default_factory=EngineOptions)
    _model: _Model = field(default_factory=_Model, repr=False, compare=False)

    @property
    def package(self) -> str:
        return self.info.name

    @property
    def package_version(self) -> str:
        return self.info.package_version

    def with_decoding(self, decoding: Decoding) -> "ArgosEngine":
        """The same engine and loaded model, decoding differently."""
        return dataclasses.replace(self, options=dataclasses.replace(self.options, decoding=decoding))

    def _load(self) -> _Model:
        model = self._model
        if model.translator is not None:
            return model
        device = self.options.device
        with argos_environment(self.info.path.parent, device):
            import ctranslate2
            from argostranslate.package import Package

        package = Package(self.info.path)
        if getattr(package, "tokenizer", None) is None:
            raise PackageError(f"{self.info.name}: no sentencepiece.model or bpe.model")
        try:
            translator = ctranslate2.Translator(
                str(self.info.path / "model"),
                device=device,
                intra_threads=self.options.threads or (os.cpu_count() or 1),
                inter_threads=1,
            )
        except (RuntimeError, ValueError) as error:
            raise PackageError(f"{self.info.name}: cannot load the model on {device}: {error}") from None
        model.tokenizer, model.translator = package.tokenizer, translator
        return model

    def _hypotheses(self, model: _Model, output: Any, limit: int) -> list[Hypothesis]:
        """A CTranslate2 TranslationResult as Hypotheses: target prefix dropped, truncation against `limit`."""
        prefix = self.info.metadata.get("target_prefix") or ""
        results = []
        for tokens, score in zip(output.hypotheses, output.scores):
            # Counted before the prefix is dropped, whether or not CTranslate2 counts it.
            truncated = len(tokens) >= limit
            if prefix and tokens and tokens[0] == prefix:
                tokens = tokens[1:]
            results.append(Hypothesis(model.tokenizer.decode(tokens).strip(), truncated, float(score)))
        return results

    def _decode(self, model: _Model, source: list[list[str]], limit: int, beam_size: int, n: int = 1) -> list[Any]:
        prefix = self.info.metadata.get("target_prefix") or ""
        decoding = self.options.decoding
        return model.translator.translate_batch(
            source,
            target_prefix=[[prefix]] * len(source) if prefix else None,
            beam_size=beam_size,
            num_hypotheses=n,
            length_penalty=decoding.length_penalty,
            no_repeat_ngram_size=decoding.no_repeat_ngram_size,
            repetition_penalty=decoding.repetition_penalty,
            max_decoding_length=limit,
            max_batch_size=0,  # the batch is already the size we want
            replace_unknowns=True,
            return_scores=True,
        )

    def alternatives(self, sentence: str, n: int) -> list[Hypothesis]:
        """See `Engine.alternatives`: CTranslate2's `num_hypotheses` from a beam at least `n` wide.

        The first is what `translate` gives at the same beam size; the output
        limit is the same as there.
        """
        if not sentence.strip():
            return [Hypothesis("")]
        model = self._load()
        tokens = model.tokenizer.encode(sentence)
        limit = self.options.decoding.output_limit(len(tokens))
        beam_size = max(n, self.options.decoding.beam_size)
        (output,) = self._decode(model, [tokens], limit, beam_size, n)
        return self._hypotheses(model, output, limit)

    def translate(self, sentences: Sequence[str]) -> list[Hypothesis]:
        """See `Engine.translate`. Each sentence's output is cut at `Decoding.output_limit` of its own length."""
        results = [Hypothesis("")] * len(sentences)
        todo = [i for i, s in enumerate(sentences) if s.strip()]
        if not todo:
            return results
        model = self._load()
        encoded = [model.tokenizer.encode(sentences[i]) for i in todo]
        decoding = self.options.decoding
        for batch in length_batches([len(tokens) for tokens in encoded], self.options.batch_tokens):
            source = [encoded[i] for i in batch]
            limit = decoding.output_limit(len(source[0]))  # one length per batch
            outputs = self._decode(model, source, limit, decoding.beam_size)
            for i, output in zip(batch, outputs):
                results[todo[i]] = self._hypotheses(model, output, limit)[0]
        return results

"""Translation engines: a small interface, and the Argos package engine behind it.

The Argos engine uses the package's own tokenizer and CTranslate2 model, loaded
lazily and once. It sorts all sentences it is given by length and sends them to
CTranslate2 in batches of similar length, not one call per paragraph as Argos
itself does.
"""

from __future__ import annotations

import contextlib
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Protocol, Sequence

from .config import Config
from .errors import PackageError
from .packages import PackageInfo, choose


class Engine(Protocol):
    """Translates sentences, in order; knows what it is for provenance, and counts."""

    package: str
    package_version: str
    stats: "EngineStats"

    def translate(self, sentences: Sequence[str]) -> list[str]: ...


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


@dataclass
class EngineStats:
    sentences: int = 0
    source_tokens: int = 0
    batches: int = 0
    cut: int = 0  # outputs that reached the length limit


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
    """Indices grouped by length so that each batch, padded, holds at most `batch_tokens`.

    A sentence longer than `batch_tokens` gets a batch of its own.
    """
    batches: list[list[int]] = []
    current: list[int] = []
    for index in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        longest = max(lengths[index], 1)  # ascending order: this one is the longest so far
        if current and longest * (len(current) + 1) > batch_tokens:
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


@dataclass
class ArgosEngine:
    """An installed Argos package, run with CTranslate2."""

    info: PackageInfo
    device: str = "cpu"
    threads: int = 0
    batch_tokens: int = 2048
    decoding: Decoding = field(default_factory=Decoding)
    stats: EngineStats = field(default_factory=EngineStats)
    _translator: Any = field(default=None, repr=False)
    _tokenizer: Any = field(default=None, repr=False)

    @property
    def package(self) -> str:
        return self.info.name

    @property
    def package_version(self) -> str:
        return self.info.package_version

    def _load(self) -> None:
        if self._translator is not None:
            return
        with argos_environment(self.info.path.parent, self.device):
            import ctranslate2
            from argostranslate.package import Package

        package = Package(self.info.path)
        if getattr(package, "tokenizer", None) is None:
            raise PackageError(f"{self.info.name}: no sentencepiece.model or bpe.model")
        try:
            translator = ctranslate2.Translator(
                str(self.info.path / "model"),
                device=self.device,
                intra_threads=self.threads or (os.cpu_count() or 1),
                inter_threads=1,
            )
        except (RuntimeError, ValueError) as error:
            raise PackageError(f"{self.info.name}: cannot load the model on {self.device}: {error}") from None
        self._tokenizer = package.tokenizer
        self._translator = translator

    def translate(self, sentences: Sequence[str]) -> list[str]:
        results = [""] * len(sentences)
        todo = [i for i, s in enumerate(sentences) if s.strip()]
        if not todo:
            return results
        self._load()
        prefix = self.info.metadata.get("target_prefix") or ""
        encoded = [self._tokenizer.encode(sentences[i]) for i in todo]
        options = self.decoding
        for batch in length_batches([len(tokens) for tokens in encoded], self.batch_tokens):
            source = [encoded[i] for i in batch]
            longest = max(len(tokens) for tokens in source)
            limit = math.ceil(options.max_length_ratio * longest) + options.max_length_extra
            outputs = self._translator.translate_batch(
                source,
                target_prefix=[[prefix]] * len(source) if prefix else None,
                beam_size=options.beam_size,
                length_penalty=options.length_penalty,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                repetition_penalty=options.repetition_penalty,
                max_decoding_length=limit,
                max_batch_size=0,  # the batch is already the size we want
                replace_unknowns=True,
            )
            self.stats.batches += 1
            for i, output in zip(batch, outputs):
                tokens = output.hypotheses[0]
                if prefix and tokens and tokens[0] == prefix:
                    tokens = tokens[1:]
                self.stats.cut += len(tokens) >= limit
                results[todo[i]] = self._tokenizer.decode(tokens).strip()
        self.stats.sentences += len(todo)
        self.stats.source_tokens += sum(len(tokens) for tokens in encoded)
        return results


def load_engine(config: Config, from_code: str = "en", to_code: str = "ja") -> ArgosEngine:
    """The engine for the configured package; the model itself loads on first use."""
    info = choose(config.packages_dir, config.models_dir, from_code, to_code, config.package)
    return ArgosEngine(
        info,
        device=config.device,
        threads=config.threads,
        batch_tokens=config.batch_tokens,
        decoding=Decoding(beam_size=config.beam_size),
    )

"""Model families: what sets one kind of CTranslate2 translation model apart from another.

The engine (engine.py) is one CTranslate2 core for every family: length batches,
clause pieces, output limits, N-best, the safer retry. A family decides only

- tokenization: Argos's own tokenizer (SentencePiece or BPE) for an Argos
  package; otherwise one SentencePiece model for both languages, or two
  (OPUS-MT's source.spm and target.spm);
- language tokens: tokens before the sentence's pieces (`__en__`, `eng_Latn`,
  `<2ja>`, `>>jpn<<`), after them (`</s>`, where the model was trained with it and
  CTranslate2 does not add it), and a target prefix the decoder starts from
  (`__ja__`, `jpn_Jpan`), dropped from the output;
- detokenization: the target SentencePiece model.

A package names its family and tokens in metadata.json: `family`, `source_prefix`
and `source_suffix` (lists of tokens), Argos's own `target_prefix` (one token) and
`sentencepiece` ({"source": file, "target": file}). A package without `family` is
an Argos package, read as Argos reads it. `translate models convert`
(convert.py) decides them once, from the model it converts.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Protocol, Sequence

from ..core.errors import PackageError
from .formats import PackageInfo

ARGOS = "argos"
OPUS_MT = "opus-mt"
M2M100 = "m2m100"
NLLB = "nllb"
MADLAD = "madlad400"


class Tokenizer(Protocol):
    """Text to the source model's pieces, and the target model's pieces back to text."""

    def encode(self, text: str) -> list[str]: ...

    def decode(self, tokens: Sequence[str]) -> str: ...


@dataclass(frozen=True)
class LanguageTokens:
    """The tokens around a sentence's pieces: what the model reads, and what its output starts with."""

    source_prefix: tuple[str, ...] = ()
    source_suffix: tuple[str, ...] = ()
    target_prefix: str = ""

    def source(self, pieces: Sequence[str]) -> list[str]:
        """What CTranslate2 reads for a sentence of these pieces."""
        return [*self.source_prefix, *pieces, *self.source_suffix]

    def target(self, tokens: Sequence[str]) -> list[str]:
        """An output's tokens without the target prefix (CTranslate2 returns it)."""
        if self.target_prefix and tokens and tokens[0] == self.target_prefix:
            return list(tokens[1:])
        return list(tokens)

    def as_metadata(self) -> dict:
        """The keys of metadata.json that say these tokens (`target_prefix` is Argos's own)."""
        return {
            "source_prefix": list(self.source_prefix),
            "source_suffix": list(self.source_suffix),
            "target_prefix": self.target_prefix,
        }


@dataclass
class SentencePieces:
    """One SentencePiece model for both languages, or a source and a target model."""

    source: object  # sentencepiece.SentencePieceProcessor
    target: object

    def encode(self, text: str) -> list[str]:
        return self.source.encode(text, out_type=str)  # type: ignore[attr-defined]

    def decode(self, tokens: Sequence[str]) -> str:
        # A piece the target model lacks (a language token the model wrote) comes back as
        # written, its word marks (▁) included: those become spaces, as Argos does.
        return self.target.decode_pieces(list(tokens)).replace("▁", " ")  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Family:
    """A kind of model: its name in metadata.json, its name for people, the licence its
    published models carry, and whether that licence allows commercial use."""

    name: str
    title: str
    license: str
    commercial: bool = True

    def language_tokens(self, info: PackageInfo) -> LanguageTokens:
        """The tokens the package's metadata.json names (see the module's docstring).

        :raises PackageError: when they are not tokens.
        """

        def tokens(key: str) -> tuple[str, ...]:
            value = info.metadata.get(key) or []
            if not isinstance(value, list) or not all(isinstance(token, str) for token in value):
                raise PackageError(f"{info.name}: metadata.json's {key} is not a list of tokens")
            return tuple(value)

        prefix = info.metadata.get("target_prefix") or ""
        if not isinstance(prefix, str):
            raise PackageError(f"{info.name}: metadata.json's target_prefix is not one token")
        return LanguageTokens(tokens("source_prefix"), tokens("source_suffix"), prefix)

    def tokenizer(self, info: PackageInfo, device: str) -> Tokenizer:
        """The package's SentencePiece model(s), read now (a damaged one fails here, not mid-run).

        :raises PackageError: when metadata.json names no model, or one is missing or damaged.
        """
        import sentencepiece

        files = info.metadata.get("sentencepiece")
        if not isinstance(files, dict) or not isinstance(files.get("source"), str):
            raise PackageError(f"{info.name}: metadata.json names no SentencePiece model (sentencepiece.source)")
        models = {}
        for side in ("source", "target"):
            name = str(files.get(side) or files["source"])
            path = info.path / name
            if Path(name).is_absolute() or ".." in Path(name).parts or not path.is_file():
                raise PackageError(f"{info.name}: no SentencePiece model {name} in the package")
            try:
                models[side] = sentencepiece.SentencePieceProcessor(model_file=str(path))
            except (OSError, RuntimeError) as error:
                raise PackageError(
                    f"{info.name}: the package is damaged ({name}: {_one_line(error)}): install it again "
                    "(`translate models install FILE`)"
                ) from None
        return SentencePieces(models["source"], models["target"])


class _Argos(Family):
    """Argos packages, read as Argos reads them: its own tokenizer, and `target_prefix` only."""

    def language_tokens(self, info: PackageInfo) -> LanguageTokens:
        return LanguageTokens(target_prefix=str(info.metadata.get("target_prefix") or ""))

    def tokenizer(self, info: PackageInfo, device: str) -> Tokenizer:
        with argos_environment(info.path.parent, device):
            from argostranslate.package import Package

        try:
            package = Package(info.path)
            tokenizer = getattr(package, "tokenizer", None)
            if tokenizer is not None:
                tokenizer.encode("Test.")  # SentencePiece reads its model on first use: fail now, not mid-run
        except (OSError, RuntimeError, ValueError) as error:
            raise PackageError(
                f"{info.name}: the package is damaged ({error}): install it again (`translate models install FILE`)"
            ) from None
        if tokenizer is None:
            raise PackageError(f"{info.name}: no sentencepiece.model or bpe.model")
        return tokenizer


FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        _Argos(ARGOS, "Argos Translate", "as its package says"),
        Family(OPUS_MT, "OPUS-MT (Marian)", "CC BY 4.0"),
        Family(M2M100, "M2M-100", "MIT"),
        Family(NLLB, "NLLB-200", "CC BY-NC 4.0", commercial=False),
        Family(MADLAD, "MADLAD-400 (T5)", "Apache-2.0"),
    )
}


def family_of(info: PackageInfo) -> Family:
    """The package's family (`family` in metadata.json; none: Argos).

    :raises PackageError: when metadata.json names a family this version does not know.
    """
    name = info.metadata.get("family") or ARGOS
    family = FAMILIES.get(name) if isinstance(name, str) else None
    if family is None:
        raise PackageError(
            f"{info.name}: unknown model family {name!r} (known: {', '.join(FAMILIES)}): "
            "a newer version of translate made it"
        )
    return family


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


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
    with environment(values):
        yield


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """The process environment with `values` set for the block, then as it was (libraries that read
    their settings from it when first imported or called: Argos, Hugging Face)."""
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

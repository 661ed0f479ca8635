"""`translate models convert`: a model a newsroom already has, as an .argosmodel package.

What it reads (only the path it is given: nothing is downloaded):

- an OPUS-MT model as Helsinki-NLP publishes it, a zip or its folder (decoder.yml,
  the model's .npz, its vocabularies, source.spm, target.spm, README.md):
  CTranslate2's `OpusMTConverter`, which needs nothing more;
- a Hugging Face folder (config.json, the weights, the tokenizer's files) of
  OPUS-MT (marian), M2M-100 or NLLB-200 (m2m_100) or MADLAD-400 (t5):
  CTranslate2's `TransformersConverter`, which needs transformers and PyTorch
  (`pip install 'newsdesk-translate[convert]'`). Running the package needs neither.

The family (families.py) comes from the folder, or from `family` where the folder
cannot say it. Weights are int8 by default. The package is a zip of one folder,
named as the output file: metadata.json (Argos's keys, and the family, its
language tokens, its SentencePiece models, the licence and what it was converted
from), model/ (CTranslate2), sentencepiece.model (the source side's, or the only
one), sentencepiece.target.model (OPUS-MT's target side), README.md and the
source's LICENSE. Argos loads it too, with the target prefix, the one language
token its format can say.

Everything that can be checked without the weights is checked before they are
loaded, each failure one line naming the path (BrokenPackageError): a folder that
is not a model, an architecture CTranslate2 or this project does not convert, a
model without Japanese (or English), a truncated or damaged file, a model larger
than the free memory. The converted package must then load and translate a
sentence (packages.verify) before the file is written; nothing is left behind
when anything fails.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ..core.errors import BrokenPackageError, PackageError
from ..core.languages import SOURCE_LANG, TARGET_LANG
from . import families
from .families import LanguageTokens
from .engine import load_ctranslate2
from .formats import PackageInfo
from .hardware import available_memory, gib
from .packages import threshold_problem, verify

# Weight types CTranslate2 can store; int8, the default, is a quarter of float32's size.
QUANTIZATIONS = ("int8", "int8_float32", "int16", "float16", "bfloat16", "float32")
# Converting holds the weights as loaded, the copies CTranslate2 makes of them (fused
# attention, quantized) and the runtime: about twice the weights' size, and some more.
CONVERT_FACTOR = 2.0
CONVERT_OVERHEAD = 512 << 20
# The language codes a model may use for English and Japanese (ISO 639-1 and -3; OPUS-MT's
# older models call their Bible-trained Japanese "jap").
ENGLISH = {"en", "eng"}
JAPANESE = {"ja", "jpn", "jap"}
# The package's SentencePiece models.
SOURCE_SPM = "sentencepiece.model"
TARGET_SPM = "sentencepiece.target.model"
# Hugging Face model types, and the families whose models have them.
ARCHITECTURES = {
    "marian": (families.OPUS_MT,),
    "m2m_100": (families.M2M100, families.NLLB),
    "t5": (families.MADLAD,),
}
LICENSE_NAMES = {
    "apache-2.0": "Apache-2.0",
    "mit": "MIT",
    "cc-by-4.0": "CC BY 4.0",
    "cc-by-nc-4.0": "CC BY-NC 4.0",
    "cc-by-sa-4.0": "CC BY-SA 4.0",
}
INSTALL_EXTRA = "pip install 'newsdesk-translate[convert]'"


@dataclass(frozen=True)
class Found:
    """A model recognised in a folder: its family, how it is converted, and what its package will hold."""

    folder: Path
    family: families.Family
    kind: str  # "opus-mt" (Marian's own files) or "transformers" (a Hugging Face folder)
    architecture: str
    tokens: LanguageTokens
    source_spm: Path
    target_spm: Path | None  # None: one model for both sides
    weights: tuple[Path, ...]
    license: str
    license_from: str
    license_file: Path | None = None


@dataclass(frozen=True)
class Converted:
    """A package written by `convert`: the file, its name (the installed folder's), and its metadata."""

    file: Path
    name: str
    family: families.Family
    metadata: dict = field(repr=False)

    @property
    def license(self) -> str:
        return str(self.metadata["license"])


def convert(
    source: Path,
    out: Path,
    *,
    family: str | None = None,
    quantization: str = "int8",
    version: str = "1.0",
    confidence_threshold: float | None = None,
    memory: Callable[[], int | None] | None = None,
) -> Converted:
    """Convert the model folder or zip at `source` into the package file `out` (*.argosmodel).

    `family` names the family where the folder cannot (families.FAMILIES, Argos
    aside); `version` is the package's version (the highest version of a language
    pair is the one used). `confidence_threshold`, a mean log-probability below 0, goes into
    metadata.json for QA's confidence check of this model's sentences (None: QA's default,
    which was calibrated on the bundled model; docs/qa.md says how to calibrate one).
    `memory` says how many bytes are free (default: `available_memory`).

    :raises BrokenPackageError: naming `source` and what is wrong with it (one line).
    :raises PackageError: when the output exists or cannot be written, transformers is needed and
        missing, or `confidence_threshold` is not a finite number below 0 (packages.threshold_problem).
    """
    name = _package_name(out)
    if out.exists():  # the bundled model, or a package a desk relies on, is never replaced unasked
        raise PackageError(f"{out} exists: remove it first, or choose another --out")
    load_ctranslate2()  # OpenMP's wait policy before the converters load the library
    if quantization not in QUANTIZATIONS:
        raise PackageError(f"unknown quantization {quantization!r} (one of {', '.join(QUANTIZATIONS)})")
    if family is not None and (family not in families.FAMILIES or family == families.ARGOS):
        known = ", ".join(name for name in families.FAMILIES if name != families.ARGOS)
        raise PackageError(f"unknown model family {family!r} (one of {known})")
    problem = threshold_problem(confidence_threshold)
    if problem is not None:
        raise PackageError(problem)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".converting-", dir=out.parent))
    except OSError as error:
        raise PackageError(f"cannot write to {out.parent}/ ({error.strerror or error})") from None
    partial = out.with_name(f".{out.name}.{secrets.token_hex(4)}.partial")
    try:
        with _unpacked(source, work / "source") as folder:
            found = recognise(folder, family, source)
            _check_files(found, source)
            _check_memory(found, source, (memory or available_memory)())
            package = work / name
            _convert_weights(found, source, package / "model", quantization)
            _check_vocabulary(found, source, package / "model")
            metadata = _write_package(found, source, package, quantization, version, confidence_threshold)
        try:
            verify(PackageInfo(name, package, SOURCE_LANG, TARGET_LANG, version, metadata), source)
        except BrokenPackageError as error:
            raise BrokenPackageError(source, f"converted, but the package {error.problem}") from None
        _zip(package, partial)
        os.replace(partial, out)
    except OSError as error:
        # Writing happens in `work` and at `out`; anything else that failed was being read.
        failed = Path(error.filename) if isinstance(error.filename, str) else None
        if failed is not None and failed != out and failed != partial and work not in failed.parents:
            raise BrokenPackageError(source, f"cannot read {failed.name} ({error.strerror or error})") from None
        raise PackageError(f"cannot write {out} ({error.strerror or error})") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return Converted(out, name, found.family, metadata)


def _package_name(out: Path) -> str:
    """The package's folder name: the output file's name without .argosmodel.

    :raises PackageError: when `out` is not an .argosmodel file name that makes a plain folder name.
    """
    if out.suffix != ".argosmodel":
        raise PackageError(f"{out}: the package file's name must end in .argosmodel")
    name = out.stem
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise PackageError(
            f"{out}: the name before .argosmodel must be letters, digits, . _ or - (it names the package)"
        )
    return name


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300] or type(error).__name__


# Reading what was given ------------------------------------------------------------------------


@contextlib.contextmanager
def _unpacked(source: Path, work: Path) -> Iterator[Path]:
    """The model folder: `source` itself, or a zip's content unpacked into `work` (its one top
    folder, when it has one). Members that are links or leave the folder are refused first.

    :raises BrokenPackageError: when `source` is neither a folder nor an intact zip.
    """
    if source.is_dir():
        yield source
        return
    if not source.is_file():
        raise BrokenPackageError(source, "no such file or folder")
    if not zipfile.is_zipfile(source):
        raise BrokenPackageError(
            source, "not a model folder or zip archive (a zip cut short by an unfinished download looks like this)"
        )
    try:
        with zipfile.ZipFile(source) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            for member in archive.infolist():
                if {"", ".", ".."} & set(member.filename.removesuffix("/").split("/")):
                    raise BrokenPackageError(source, f"unsafe path in archive: {member.filename}")
                if stat.S_ISLNK(member.external_attr >> 16):
                    raise BrokenPackageError(source, f"symbolic link in archive: {member.filename}")
            names = {m.filename for m in members}
            if {"metadata.json", "model/model.bin"} <= {n.split("/", 1)[-1] for n in names}:
                raise BrokenPackageError(source, "already a package: install it with `translate models install`")
            needed = sum(m.file_size for m in members)
            if needed > shutil.disk_usage(work.parent).free:
                raise BrokenPackageError(source, f"unpacking it needs {gib(needed)} of disk beside the output")
            for member in members:
                target = work / member.filename
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as data, target.open("wb") as copy:
                    shutil.copyfileobj(data, copy, 1 << 20)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise BrokenPackageError(source, f"damaged archive ({_one_line(error)})") from None
    tops = list(work.iterdir()) if work.is_dir() else []
    yield tops[0] if len(tops) == 1 and tops[0].is_dir() else work


def recognise(folder: Path, family: str | None = None, given: Path | None = None) -> Found:
    """The model in `folder`: its family (or `family`), tokens, SentencePiece models and weights.

    Reads only small files (configurations, vocabularies, SentencePiece models).

    :raises BrokenPackageError: naming `given` (default `folder`) when it is not a model this converts.
    """
    given = given or folder
    if (folder / "metadata.json").is_file() and (folder / "model" / "model.bin").is_file():
        raise BrokenPackageError(given, "already an unpacked package: zip it as an .argosmodel and install that")
    if (folder / "decoder.yml").is_file():
        return _opus_mt(folder, family, given)
    if (folder / "config.json").is_file():
        return _transformers(folder, family, given)
    raise BrokenPackageError(
        given, "not a model: no config.json (a Hugging Face model) and no decoder.yml (an OPUS-MT model) in it"
    )


def _opus_mt(folder: Path, family: str | None, given: Path) -> Found:
    """An OPUS-MT model in Marian's own files. CTranslate2 adds its end-of-sentence token itself."""
    import yaml

    if family not in (None, families.OPUS_MT):
        raise BrokenPackageError(given, f"an OPUS-MT (Marian) model, not {family}")
    try:
        decoder = yaml.safe_load((folder / "decoder.yml").read_text(encoding="utf-8"))
        models, vocabs = list(decoder["models"]), list(decoder["vocabs"])
    except (OSError, ValueError, yaml.YAMLError, KeyError, TypeError) as error:
        raise BrokenPackageError(given, f"unreadable decoder.yml ({_one_line(error)})") from None
    if not models or not vocabs:
        raise BrokenPackageError(given, "decoder.yml names no model or no vocabulary")
    weights = tuple(_inside(folder, name, given) for name in models[:1])
    vocabulary = set()
    for name in vocabs:
        vocabulary |= _marian_vocabulary(_inside(folder, name, given), given)
    source_spm, target_spm = (_required(folder, name, given) for name in ("source.spm", "target.spm"))
    readme = _read_text(folder / "README.md")
    prefix = _opus_target_token(_opus_languages(readme, {}), vocabulary, given)
    opus = families.FAMILIES[families.OPUS_MT]
    return Found(
        folder, opus, "opus-mt", "marian", LanguageTokens(prefix, ()), source_spm, target_spm, weights,
        *_license(folder, opus),
    )


def _transformers(folder: Path, family: str | None, given: Path) -> Found:
    """A Hugging Face folder: config.json says the architecture, the tokenizer's files the family."""
    config = _read_json(folder / "config.json", given)
    model_type = str(config.get("model_type", ""))
    fits = ARCHITECTURES.get(model_type)
    if fits is None:
        what = ", ".join(config.get("architectures") or []) or "no architecture named"
        raise BrokenPackageError(
            given,
            f"unsupported architecture {model_type or '(no model_type)'} ({what}): translate converts "
            "marian (OPUS-MT), m2m_100 (M2M-100, NLLB-200) and t5 (MADLAD-400)",
        )
    tokenizer_config = (
        _read_json(folder / "tokenizer_config.json", given) if (folder / "tokenizer_config.json").is_file() else {}
    )
    if family is None:
        family = fits[0] if len(fits) == 1 else _m2m100_or_nllb(folder, tokenizer_config)
    elif family not in fits:
        raise BrokenPackageError(given, f"a {model_type} model, which is not {families.FAMILIES[family].title}")
    weights = _hf_weights(folder, given)
    if family == families.OPUS_MT:
        source_spm, target_spm = (_required(folder, name, given) for name in ("source.spm", "target.spm"))
        vocabulary = set(_read_json(_required(folder, "vocab.json", given), given))
        languages = _opus_languages(_read_text(folder / "README.md"), tokenizer_config)
        tokens = LanguageTokens(_opus_target_token(languages, vocabulary, given), ("</s>",))
    elif family in (families.M2M100, families.NLLB):
        source_spm, target_spm = _required(folder, "sentencepiece.bpe.model", given), None
        if family == families.M2M100:
            tokens = LanguageTokens(("__en__",), ("</s>",), "__ja__")
        elif tokenizer_config.get("legacy_behaviour"):
            tokens = LanguageTokens((), ("</s>", "eng_Latn"), "jpn_Jpan")  # NLLB's first tokenizers: code last
        else:
            tokens = LanguageTokens(("eng_Latn",), ("</s>",), "jpn_Jpan")
        listed = tokenizer_config.get("additional_special_tokens") or tokenizer_config.get("extra_special_tokens")
        if isinstance(listed, list) and listed and tokens.target_prefix not in listed:
            raise BrokenPackageError(
                given, f"a model without Japanese (its tokenizer has no {tokens.target_prefix} token)"
            )
    else:  # MADLAD-400: the target language is a token before the sentence
        source_spm = _first(folder, ("spiece.model", "sentencepiece.model"), given)
        target_spm = None
        if not _has_piece(source_spm, "<2ja>", given):
            raise BrokenPackageError(
                given, "a T5 model without Japanese (its SentencePiece model has no <2ja> token): not MADLAD-400"
            )
        tokens = LanguageTokens(("<2ja>",), ("</s>",))
    chosen = families.FAMILIES[family]
    return Found(
        folder, chosen, "transformers", model_type, tokens, source_spm, target_spm, weights, *_license(folder, chosen)
    )


def _m2m100_or_nllb(folder: Path, tokenizer_config: dict) -> str:
    """M2M-100 and NLLB-200 share an architecture; their tokenizers differ."""
    tokenizer_class = str(tokenizer_config.get("tokenizer_class", ""))
    if tokenizer_class.startswith("Nllb"):
        return families.NLLB
    if tokenizer_class.startswith("M2M100") or (folder / "vocab.json").is_file():
        return families.M2M100
    return families.NLLB


def _opus_languages(readme: str, tokenizer_config: dict) -> tuple[set[str], set[str]]:
    """(source, target) language codes an OPUS-MT model names: its tokenizer_config.json's
    source_lang and target_lang, else its README's "source language(s):" and "target language(s):"
    lines (the first of each). Codes like jpn_Hani count as jpn."""

    def codes(text: str) -> set[str]:
        return {code.split("_")[0].lower() for code in re.findall(r"[A-Za-z_]+", text)}

    source, target = tokenizer_config.get("source_lang"), tokenizer_config.get("target_lang")
    if isinstance(source, str) and isinstance(target, str):
        return codes(source), codes(target)
    found = {}
    for side in ("source", "target"):
        match = re.search(rf"^\W*{side} language\(s\):(.*)$", readme, re.MULTILINE | re.IGNORECASE)
        found[side] = codes(match.group(1)) if match else set()
    return found["source"], found["target"]


def _opus_target_token(languages: tuple[set[str], set[str]], vocabulary: set[str], given: Path) -> tuple[str, ...]:
    """() for a model into Japanese alone; (">>jpn<<",) for one into several languages (it needs the token).

    :raises BrokenPackageError: when the model does not translate English into Japanese, or does not say.
    """
    source, target = languages
    tokens = {token for token in vocabulary if token.startswith(">>") and token.endswith("<<")}
    japanese = [f">>{code}<<" for code in ("jpn", "ja") if f">>{code}<<" in tokens]
    if not target and not tokens:
        raise BrokenPackageError(
            given,
            "cannot tell which language it translates into (no target language in README.md or tokenizer_config.json)",
        )
    if source and not source & ENGLISH:
        raise BrokenPackageError(given, f"a model from {', '.join(sorted(source))}, not from English")
    if target and not target & JAPANESE:
        raise BrokenPackageError(given, f"a model without Japanese (it translates into {', '.join(sorted(target))})")
    if tokens:
        if not japanese:
            raise BrokenPackageError(given, "a model without Japanese (no >>jpn<< token among its target languages)")
        return (japanese[0],)
    return ()


def _hf_weights(folder: Path, given: Path) -> tuple[Path, ...]:
    for pattern in ("model.safetensors", "model-*-of-*.safetensors", "pytorch_model.bin", "pytorch_model-*-of-*.bin"):
        found = sorted(folder.glob(pattern))
        if found:
            return tuple(found)
    raise BrokenPackageError(given, "no weights (model.safetensors or pytorch_model.bin) in it")


def _inside(folder: Path, name: str, given: Path) -> Path:
    """`folder`/`name` for a name a model's configuration gives, which must stay inside `folder`."""
    path = folder / name
    if Path(name).is_absolute() or ".." in Path(name).parts:
        raise BrokenPackageError(given, f"a file outside the model's folder is named: {name}")
    if not path.is_file():
        raise BrokenPackageError(given, f"{name} is missing")
    return path


def _required(folder: Path, name: str, given: Path) -> Path:
    if not (folder / name).is_file():
        raise BrokenPackageError(given, f"no {name} in it (its tokenizer)")
    return folder / name


def _first(folder: Path, names: tuple[str, ...], given: Path) -> Path:
    for name in names:
        if (folder / name).is_file():
            return folder / name
    raise BrokenPackageError(given, f"no {' or '.join(names)} in it (its tokenizer)")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _read_json(path: Path, given: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BrokenPackageError(given, f"unreadable {path.name} ({_one_line(error)})") from None
    if not isinstance(data, dict):
        raise BrokenPackageError(given, f"unreadable {path.name} (not a JSON object)")
    return data


def _marian_vocabulary(path: Path, given: Path) -> set[str]:
    from ctranslate2.converters.marian import load_vocab

    try:
        return set(load_vocab(str(path)))
    except (OSError, ValueError) as error:
        raise BrokenPackageError(given, f"unreadable vocabulary {path.name} ({_one_line(error)})") from None


def _has_piece(model: Path, piece: str, given: Path) -> bool:
    import sentencepiece

    try:
        processor = sentencepiece.SentencePieceProcessor(model_file=str(model))
    except (OSError, RuntimeError) as error:
        raise BrokenPackageError(given, f"damaged {model.name} ({_one_line(error)})") from None
    return processor.piece_to_id(piece) != processor.unk_id()


def _license(folder: Path, family: families.Family) -> tuple[str, str, Path | None]:
    """(licence, where that was read, the licence file to ship): the model card's `license:`,
    else its LICENSE file's kind, else what the family's published models carry."""
    card = _read_text(folder / "README.md")
    match = re.search(r"^license:\s*(\S+)\s*$", card.split("\n---", 1)[0], re.MULTILINE | re.IGNORECASE)
    files = [folder / name for name in ("LICENSE", "LICENSE.txt", "LICENSE.md") if (folder / name).is_file()]
    if match:
        named = match.group(1).strip("'\"")
        return LICENSE_NAMES.get(named.lower(), named), "README.md", files[0] if files else None
    if files:
        text = _read_text(files[0])
        for marker, name in (
            ("NonCommercial", "CC BY-NC 4.0"),
            ("Attribution 4.0", "CC BY 4.0"),
            ("CC-BY 4.0", "CC BY 4.0"),
            ("Apache License", "Apache-2.0"),
            ("MIT License", "MIT"),
        ):
            if marker in text:
                return name, files[0].name, files[0]
    return family.license, f"the licence of published {family.title} models (the folder states none)", None


# Checks before loading -------------------------------------------------------------------------


def _check_files(found: Found, given: Path) -> None:
    """Each weights file whole, as far as its own index says (safetensors' header, a zip's directory).

    :raises BrokenPackageError: naming the file that is cut short or damaged.
    """
    for path in found.weights:
        size = path.stat().st_size
        problem = None
        if path.suffix == ".safetensors":
            problem = _safetensors_problem(path, size)
        elif path.suffix in (".npz", ".bin") and zipfile.is_zipfile(path):
            try:
                with zipfile.ZipFile(path) as archive:
                    end = max((m.header_offset + m.compress_size for m in archive.infolist()), default=0)
                if end > size:
                    problem = "cut short"
            except (zipfile.BadZipFile, OSError) as error:
                problem = _one_line(error)
        elif path.suffix == ".npz":
            problem = "not a NumPy .npz archive (cut short?)"
        if problem:
            raise BrokenPackageError(given, f"damaged weights {path.name} ({problem})")


def _safetensors_problem(path: Path, size: int) -> str | None:
    try:
        with path.open("rb") as file:
            (length,) = struct.unpack("<Q", file.read(8))
            if length > min(size, 100 << 20):
                return "unreadable header"
            header = json.loads(file.read(length))
    except (OSError, ValueError, struct.error) as error:
        return f"unreadable header: {_one_line(error)}"
    ends = [entry["data_offsets"][1] for key, entry in header.items() if key != "__metadata__"]
    if 8 + length + max(ends, default=0) > size:
        return f"cut short: {size:,} bytes of {8 + length + max(ends):,}"
    return None


def weights_size(found: Found) -> int:
    return sum(path.stat().st_size for path in found.weights)


def _check_memory(found: Found, given: Path, available: int | None) -> None:
    """:raises BrokenPackageError: before any weight is loaded, when converting would need more memory than is free."""
    size = weights_size(found)
    needed = int(size * CONVERT_FACTOR) + CONVERT_OVERHEAD
    if available is not None and needed > available:
        raise BrokenPackageError(
            given,
            f"too large for the memory here: converting its {gib(size)} of weights needs about {gib(needed)} "
            f"and {gib(available)} is free; convert it on a machine with more memory (the int8 package then "
            f"needs about {gib(size // 4 + (256 << 20))} to run)",
        )


def _check_vocabulary(found: Found, given: Path, model: Path) -> None:
    """:raises BrokenPackageError: when a language token is not in the converted model's vocabulary
    (a model without Japanese, or without English)."""
    source, target = _ctranslate2_vocabularies(model)
    for token in (*found.tokens.source_prefix, *found.tokens.source_suffix):
        if token not in source:
            raise BrokenPackageError(given, f"a model without {token} in its vocabulary (not English→Japanese?)")
    if found.tokens.target_prefix and found.tokens.target_prefix not in target:
        raise BrokenPackageError(given, f"a model without Japanese (no {found.tokens.target_prefix} in its vocabulary)")


def _ctranslate2_vocabularies(model: Path) -> tuple[set[str], set[str]]:
    def read(name: str) -> set[str] | None:
        for suffix, parse in ((".json", json.loads), (".txt", str.splitlines)):
            path = model / f"{name}{suffix}"
            if path.is_file():
                return set(parse(path.read_text(encoding="utf-8")))
        return None

    shared = read("shared_vocabulary")
    if shared is not None:
        return shared, shared
    return read("source_vocabulary") or set(), read("target_vocabulary") or set()


# Converting and packing ------------------------------------------------------------------------


def _require_transformers() -> None:
    missing = [name for name in ("transformers", "torch") if importlib.util.find_spec(name) is None]
    if missing:
        raise PackageError(
            f"converting a Hugging Face folder needs {' and '.join(missing)}: {INSTALL_EXTRA} "
            "(running the converted package needs neither)"
        )


@contextlib.contextmanager
def _offline() -> Iterator[None]:
    """Hugging Face's libraries told that there is no network, for a conversion that reads one folder."""
    with families.environment({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}):
        yield


@contextlib.contextmanager
def _quiet(found: Found) -> Iterator[None]:
    """transformers' progress bars and notes kept off the terminal: the command says one line."""
    if found.kind != "transformers":
        yield
        return
    _require_transformers()
    from transformers.utils import logging as transformers_logging

    bars, verbosity = transformers_logging.is_progress_bar_enabled(), transformers_logging.get_verbosity()
    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    try:
        yield
    finally:
        transformers_logging.set_verbosity(verbosity)
        if bars:
            transformers_logging.enable_progress_bar()


def _converter(found: Found):
    """CTranslate2's converter for the model; Hugging Face folders are read from disk only."""
    if found.kind == "opus-mt":
        from ctranslate2.converters import OpusMTConverter

        return OpusMTConverter(str(found.folder))
    _require_transformers()
    from ctranslate2.converters import TransformersConverter

    class LocalFolder(TransformersConverter):
        def load_model(self, model_class, model_name_or_path, **kwargs):
            return model_class.from_pretrained(model_name_or_path, local_files_only=True, **kwargs)

        def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
            return _WithLanguageTokens(
                tokenizer_class.from_pretrained(model_name_or_path, local_files_only=True, **kwargs)
            )

    return LocalFolder(str(found.folder))


class _WithLanguageTokens:
    """A Hugging Face tokenizer whose `get_vocab()` lists its language tokens too.

    transformers 5's M2M-100 tokenizer keeps `__en__`, `__ja__` ... in
    `lang_token_to_id` only (not in `get_vocab()` nor `special_tokens_map`), so
    CTranslate2's converter (4.8) builds a vocabulary without them and refuses
    the model ("Source vocabulary 0 has size N but the model expected ...").
    Earlier versions list them already: nothing changes there.
    """

    def __init__(self, tokenizer: object):
        self._tokenizer = tokenizer

    def __getattr__(self, name: str) -> object:
        return getattr(self._tokenizer, name)

    def get_vocab(self) -> dict[str, int]:
        vocab = dict(self._tokenizer.get_vocab())  # type: ignore[attr-defined]
        for token, index in (getattr(self._tokenizer, "lang_token_to_id", None) or {}).items():
            vocab.setdefault(token, index)
        return vocab


# What the converters raise for files they cannot read or models they cannot convert
# (safetensors' own error is added where it is installed).
_CONVERT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    ValueError,
    KeyError,
    RuntimeError,
    EOFError,
    zipfile.BadZipFile,
    NotImplementedError,
    TypeError,
)


def _convert_errors() -> tuple[type[BaseException], ...]:
    try:
        from safetensors import SafetensorError
    except ImportError:
        return _CONVERT_ERRORS
    return (*_CONVERT_ERRORS, SafetensorError)


def _convert_weights(found: Found, given: Path, model: Path, quantization: str) -> None:
    """:raises BrokenPackageError: when CTranslate2's converter refuses the model or cannot read it."""
    with _offline(), _quiet(found):
        converter = _converter(found)
        try:
            converter.convert(str(model), quantization=quantization)
        except MemoryError:
            raise BrokenPackageError(given, "ran out of memory while converting") from None
        except _convert_errors() as error:
            raise BrokenPackageError(given, f"cannot convert it ({type(error).__name__}: {_one_line(error)})") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _write_package(
    found: Found, given: Path, package: Path, quantization: str, version: str, confidence_threshold: float | None
) -> dict:
    """The package folder's metadata.json, SentencePiece models, README.md and LICENSE; returns the metadata."""
    ctranslate2 = load_ctranslate2()

    shutil.copyfile(found.source_spm, package / SOURCE_SPM)
    spm = {"source": SOURCE_SPM, "target": SOURCE_SPM}
    if found.target_spm is not None:
        shutil.copyfile(found.target_spm, package / TARGET_SPM)
        spm["target"] = TARGET_SPM
    if found.license_file is not None:
        shutil.copyfile(found.license_file, package / "LICENSE")
    family = found.family
    metadata = {
        # Argos's keys: Argos lists and loads the package too.
        "package_version": version,
        "argos_version": "1.9.0",
        "from_code": SOURCE_LANG,
        "from_name": "English",
        "to_code": TARGET_LANG,
        "to_name": "Japanese",
        "type": "translate",
        # Ours: how the engine reads and writes text with this model (families.py).
        "family": family.name,
        **found.tokens.as_metadata(),
        "sentencepiece": spm,
        "quantization": quantization,
        "license": found.license,
        "license_from": found.license_from,
        "commercial_use": family.commercial and "NC" not in found.license,
        "converted_from": {
            # Its name only: a package travels, the converting machine's folders need not.
            # The hashes below identify what it was made from.
            "name": given.name,
            "kind": "OPUS-MT (Marian) files" if found.kind == "opus-mt" else "Hugging Face folder",
            "architecture": found.architecture,
            "weights": {path.name: {"bytes": path.stat().st_size, "sha256": _sha256(path)} for path in found.weights},
            "converter": "ctranslate2.converters."
            + ("OpusMTConverter" if found.kind == "opus-mt" else "TransformersConverter"),
            "ctranslate2": ctranslate2.__version__,
            "at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        },
    }
    if given.is_file():
        metadata["converted_from"]["sha256"] = _sha256(given)
    if confidence_threshold is not None:
        metadata["confidence_threshold"] = confidence_threshold
    (package / "metadata.json").write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tokens = found.tokens
    (package / "README.md").write_text(
        f"# {package.name}\n\n"
        f"{family.title}, English→Japanese, converted by `translate models convert` from\n"
        f"{given.name} ({metadata['converted_from']['kind']}) with CTranslate2 {ctranslate2.__version__}, "
        f"weights {quantization}.\n\n"
        f"Licence: {found.license} ({found.license_from})."
        + ("" if metadata["commercial_use"] else " Not for commercial use.")
        + "\n\n"
        f"Source tokens: {' '.join(tokens.source_prefix) or '(none)'} … {' '.join(tokens.source_suffix) or '(none)'}; "
        f"target prefix: {tokens.target_prefix or '(none)'}. Argos Translate loads this package too, "
        "but adds only the target prefix.\n",
        encoding="utf-8",
    )
    return metadata


def _zip(package: Path, file: Path) -> None:
    """The package folder as an .argosmodel: one top folder; the model's weights stored as they are
    (int8 weights hardly compress), the rest deflated."""
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(package.rglob("*")):
            if path.is_file():
                name = f"{package.name}/{path.relative_to(package).as_posix()}"
                compression = zipfile.ZIP_STORED if path.name == "model.bin" else zipfile.ZIP_DEFLATED
                archive.write(path, name, compress_type=compression)

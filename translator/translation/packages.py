"""Argos packages (.argosmodel files): check, install, repair, list, choose.

Packages are installed into a folder the project controls (by default beside
the database), never Argos's own folder in the user's home. A package is a zip
of one folder holding metadata.json, model/ (CTranslate2) and sentencepiece.model
or bpe.model. Nothing here touches the network.

A package is accepted only once it has loaded and translated a sentence
(`verify`). It is unpacked into a hidden folder in the package folder, verified
there, and renamed into place, so a failed install leaves nothing behind. Each
installed package records the size and CRC-32 of its files as its archive lists
them (MANIFEST): an installed package whose files no longer match is damaged,
and one installed from models/ is then installed again from its file, as it is
when that file changes.
"""

from __future__ import annotations

import json
import math
import shutil
import secrets
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..core.settings import SETTING_BY_NAME
from ..core.errors import BrokenPackageError, NoPackageError, PackageError, PackageFolderError
from .engine import CTranslate2Engine, EngineOptions
from .formats import PackageInfo

# In each installed package: {path in the package: [size, CRC-32]}, from its archive's listing.
MANIFEST = ".manifest.json"
# Unpacking happens in hidden folders, which listing skips.
STAGING_PREFIX = ".installing-"
# What `verify` translates: a plain news sentence, short so that checking a package takes little time.
TEST_SENTENCE = "The talks ended on Friday."
# Errors zipfile raises for damaged member data (CRC, truncated or bad deflate stream, unknown
# compression, encryption); the zipfile module documents BadZipFile, the others come from its reader.
_DAMAGED_ARCHIVE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class Broken:
    """A bundled .argosmodel file or installed package folder that cannot be used, and why (one line).

    `name` is the package folder it holds, when that is known.
    """

    path: Path
    problem: str
    name: str | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def _info(path: Path, metadata: dict, name: str | None = None) -> PackageInfo:
    return PackageInfo(
        name=name or path.name,
        path=path,
        from_code=str(metadata.get("from_code", "")),
        to_code=str(metadata.get("to_code", "")),
        package_version=str(metadata.get("package_version", "")),
        metadata=metadata,
    )


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _parse_metadata(text: str | bytes, where: Path) -> dict:
    """metadata.json's content, checked to name a language pair (and a usable confidence threshold).

    :raises BrokenPackageError: naming `where` when it is not JSON, lacks from_code and to_code,
        or has a `confidence_threshold` that is not a finite number below 0 (null: none).
    """
    try:
        metadata = json.loads(text)
    except ValueError as error:
        raise BrokenPackageError(where, f"unreadable metadata.json ({_one_line(error)})") from None
    if not isinstance(metadata, dict) or not metadata.get("from_code") or not metadata.get("to_code"):
        raise BrokenPackageError(where, "metadata.json lacks from_code and to_code")
    problem = threshold_problem(metadata.get("confidence_threshold"))
    if problem is not None:
        raise BrokenPackageError(where, f"metadata.json's {problem}")
    return metadata


def threshold_problem(value: object) -> str | None:
    """What is wrong with `value` as a QA confidence threshold (metadata.json's, `models convert`'s),
    for one line of error, the value shown as JSON cut at 24 characters; None when it is
    usable: a finite number below 0 (every score is a mean log-probability, ≤ 0, so 0 would
    warn on every sentence), or None (no threshold: QA's default)."""
    if value is None:
        return None
    if not isinstance(value, bool) and isinstance(value, (int, float)):
        try:
            if math.isfinite(float(value)) and float(value) < 0:
                return None
        except OverflowError:  # an integer of hundreds of digits
            pass
    shown = json.dumps(value)
    return (
        "confidence_threshold must be a number below 0 (a mean log-probability), "
        f"not {shown if len(shown) <= 24 else shown[:20] + '…'}"
    )


@dataclass(frozen=True)
class _Archive:
    """What an .argosmodel's listing says: its top folder, metadata and {path in the folder: [size, CRC-32]}."""

    root: str
    metadata: dict
    manifest: dict[str, list[int]]


def _read_archive(file: Path) -> _Archive:
    """Check that `file` is an Argos package from its listing and metadata.json; unpacks nothing.

    Refuses members that are symbolic links or whose path leaves the package folder.

    :raises BrokenPackageError: naming the file and what is wrong.
    """
    if not file.is_file():
        raise BrokenPackageError(file, "a folder, not an .argosmodel file" if file.is_dir() else "no such file")
    if not zipfile.is_zipfile(file):
        raise BrokenPackageError(file, "not an Argos package (not a zip archive)")
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            for member in members:
                # Only plain relative paths: no leading /, no .., and no . or empty parts that make two names one.
                if {"", ".", ".."} & set(member.filename.removesuffix("/").split("/")):
                    raise BrokenPackageError(file, f"unsafe path in archive: {member.filename}")
                if stat.S_ISLNK(member.external_attr >> 16):  # the Unix mode sits in the high 16 bits
                    raise BrokenPackageError(file, f"symbolic link in archive: {member.filename}")
            names = [m.filename for m in members]
            if len(set(names)) != len(names):
                raise BrokenPackageError(file, "not an Argos package (a name appears twice)")
            roots = {m.filename.split("/")[0] for m in members}
            loose = [m.filename for m in members if not m.is_dir() and "/" not in m.filename]
            if len(roots) != 1 or loose:
                raise BrokenPackageError(
                    file, f"not an Argos package (expected one top folder, found {len(roots)})"
                )
            root = roots.pop()
            if root.startswith("."):
                raise BrokenPackageError(file, f"not an Argos package (hidden top folder {root})")
            # A package zipped from an installed folder carries that install's MANIFEST: a record
            # of the old install, not part of the package, so it is neither unpacked nor listed.
            manifest = {
                m.filename[len(root) + 1 :]: [m.file_size, m.CRC]
                for m in members
                if not m.is_dir() and m.filename != f"{root}/{MANIFEST}"
            }
            parts = [relative.split("/") for relative in manifest]
            clash = sorted({"/".join(p[:n]) for p in parts for n in range(1, len(p))} & set(manifest))
            if clash:
                raise BrokenPackageError(file, f"not an Argos package ({clash[0]} is both a file and a folder)")
            if "metadata.json" not in manifest:
                raise BrokenPackageError(file, "not an Argos package (no metadata.json)")
            if "model/model.bin" not in manifest:
                raise BrokenPackageError(file, "not an Argos package (no CTranslate2 model/model.bin)")
            if not {"sentencepiece.model", "bpe.model"} & set(manifest):
                raise BrokenPackageError(file, "not an Argos package (no sentencepiece.model or bpe.model)")
            metadata = _parse_metadata(archive.read(f"{root}/metadata.json"), file)
    except _DAMAGED_ARCHIVE as error:
        raise BrokenPackageError(file, f"damaged archive ({_one_line(error)})") from None
    return _Archive(root, metadata, manifest)


def verify(info: PackageInfo, source: Path | None = None) -> None:
    """Load the package (tokenizer and CTranslate2 model, on the CPU) and translate TEST_SENTENCE.

    `source` is what the error names (default: the package folder).

    :raises BrokenPackageError: when loading or translating fails, or gives an empty translation.
    """
    source = source or info.path
    try:
        [result] = CTranslate2Engine(info, EngineOptions(threads=1)).translate([TEST_SENTENCE])
    except (PackageError, RuntimeError, OSError, ValueError) as error:
        # SentencePiece, CTranslate2 and Argos raise these for missing or damaged files.
        raise BrokenPackageError(source, f"fails to load or translate ({_one_line(error)})") from None
    if not result.text:
        raise BrokenPackageError(source, f"translates {TEST_SENTENCE!r} to nothing")


def _folder_error(packages_dir: Path, error: OSError) -> PackageFolderError:
    setting = SETTING_BY_NAME["packages_dir"]
    return PackageFolderError(
        f"cannot write to the package folder {packages_dir}/ ({error.strerror or _one_line(error)}): "
        f"make it writable, or choose another folder with {setting.flag} or {setting.env}"
    )


def _unpack(file: Path, archive: _Archive, destination: Path) -> None:
    """Write the archive's package folder into `destination`; each member's CRC-32 is checked as it is read.

    :raises BrokenPackageError: when a member's data is damaged.
    :raises OSError: when writing fails.
    """
    try:
        with zipfile.ZipFile(file) as zipped:
            for relative in archive.manifest:
                target = destination / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(f"{archive.root}/{relative}") as source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
    except _DAMAGED_ARCHIVE as error:
        raise BrokenPackageError(file, f"damaged archive ({_one_line(error)})") from None


def _replace(staging: Path, target: Path) -> None:
    """Rename `staging` to `target`; a `target` already there is moved aside first and removed after."""
    if not target.exists():
        staging.rename(target)
        return
    retired = staging.with_name(staging.name + "-replaced")
    target.rename(retired)
    try:
        staging.rename(target)
    except OSError:
        retired.rename(target)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def install(file: Path, packages_dir: Path) -> PackageInfo:
    """Install (or replace) the package in an .argosmodel file, once it has passed `verify`.

    Unpacked into a hidden folder in `packages_dir`, verified there, given its
    MANIFEST and renamed into place: when anything fails, nothing is left
    behind and an installed package of the same name is as it was.

    :raises BrokenPackageError: when the file is not a usable package, naming it and why.
    :raises PackageFolderError: when `packages_dir` cannot be created or written.
    """
    archive = _read_archive(file)
    try:
        packages_dir.mkdir(parents=True, exist_ok=True)
        # mkdir, unlike mkdtemp, gives the folder the usual permissions (umask), which it keeps once installed.
        staging = packages_dir / f"{STAGING_PREFIX}{secrets.token_hex(8)}"
        staging.mkdir()
    except OSError as error:
        raise _folder_error(packages_dir, error) from None
    target = packages_dir / archive.root
    try:
        _unpack(file, archive, staging)
        verify(_info(staging, archive.metadata, archive.root), file)
        (staging / MANIFEST).write_text(json.dumps(archive.manifest), encoding="utf-8")
        _replace(staging, target)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise _folder_error(packages_dir, error) from None
    except BaseException:  # Ctrl-C too: leave no half package
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return _info(target, archive.metadata)


def _crc32(path: Path) -> int:
    crc = 0
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
    return crc


def _recorded_manifest(path: Path) -> dict | None:
    """The package folder's MANIFEST (None: it has none, as packages installed before it existed).

    :raises BrokenPackageError: when the MANIFEST cannot be read.
    """
    if not (path / MANIFEST).is_file():
        return None
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BrokenPackageError(path, f"unreadable {MANIFEST} ({_one_line(error)})") from None
    if not isinstance(manifest, dict):
        raise BrokenPackageError(path, f"unreadable {MANIFEST} (not a JSON object)")
    return manifest


def _check_installed(path: Path) -> PackageInfo:
    """The installed package in the folder `path`, once its files match its MANIFEST (when it has one).

    Every file is read for its CRC-32 (about 0.4 s for 200 MB on the project's machine).

    :raises BrokenPackageError: when a file changed since install or metadata.json is unusable.
    """
    for relative, expected in (_recorded_manifest(path) or {}).items():
        file = path / relative
        try:
            changed = not file.is_file() or [file.stat().st_size, _crc32(file)] != expected
        except OSError as error:
            raise BrokenPackageError(path, f"unreadable {relative} ({error.strerror})") from None
        if changed:
            what = "has changed" if file.is_file() else "is missing"
            raise BrokenPackageError(path, f"damaged since it was installed ({relative} {what})")
    try:
        text = (path / "metadata.json").read_text(encoding="utf-8")
    except (OSError, ValueError) as error:
        raise BrokenPackageError(path, f"unreadable metadata.json ({_one_line(error)})") from None
    return _info(path, _parse_metadata(text, path))


def survey(packages_dir: Path) -> tuple[list[PackageInfo], list[Broken]]:
    """The packages installed in `packages_dir`: the usable ones and the broken ones, each by name.

    A folder counts as a package when it has metadata.json or a MANIFEST; hidden
    folders (staging, Argos's settings) are skipped. Reads only.

    :raises PackageFolderError: when `packages_dir` exists but cannot be read.
    """
    if not packages_dir.is_dir():
        return [], []
    try:
        folders = sorted(path for path in packages_dir.iterdir() if path.is_dir())
    except OSError as error:
        raise _folder_error(packages_dir, error) from None
    usable, broken = [], []
    for path in folders:
        if path.name.startswith(".") or not any((path / n).exists() for n in ("metadata.json", MANIFEST)):
            continue
        try:
            usable.append(_check_installed(path))
        except BrokenPackageError as error:
            broken.append(Broken(path, error.problem, path.name))
    return usable, broken


def installed(packages_dir: Path) -> list[PackageInfo]:
    """The usable packages installed in `packages_dir`, by name (see `survey`)."""
    return survey(packages_dir)[0]


def install_bundled(models_dir: Path, packages_dir: Path) -> tuple[list[PackageInfo], list[Broken]]:
    """Install each models/*.argosmodel whose installed copy is missing, damaged or from another archive.

    A bundled file that fails (`install`) is skipped and reported, as is a second
    file holding the same package folder; an installed copy already there stays
    in use. Returns what `survey` then finds: the usable installed packages, and
    the broken ones, bundled files first, each with why.

    :raises PackageFolderError: when `packages_dir` cannot be created or written.
    """
    usable, broken = survey(packages_dir)
    by_name = {info.name: info for info in usable}
    damaged = {entry.name: entry for entry in broken}
    failed: list[Broken] = []
    claimed: dict[str, Path] = {}
    for file in sorted(models_dir.glob("*.argosmodel")) if models_dir.is_dir() else []:
        try:
            archive = _read_archive(file)
            if archive.root in claimed:
                raise BrokenPackageError(file, f"holds {archive.root} too, as {claimed[archive.root]} does")
            claimed[archive.root] = file
            current = by_name.get(archive.root)
            if current is not None and _recorded_manifest(current.path) == archive.manifest:
                continue
            by_name[archive.root] = install(file, packages_dir)
            damaged.pop(archive.root, None)
        except BrokenPackageError as error:
            failed.append(Broken(file, error.problem))
    return sorted(by_name.values(), key=lambda info: info.name), failed + list(damaged.values())


def pick(
    found: list[PackageInfo], from_code: str = "en", to_code: str = "ja", name: str | None = None
) -> PackageInfo:
    """`name` if given, else the highest version for the pair, among `found`.

    :raises NoPackageError: when none fits.
    """
    candidates = [p for p in found if (p.from_code, p.to_code) == (from_code, to_code)]
    if name is not None:
        chosen = [p for p in candidates if p.name == name]
        if not chosen:
            available = ", ".join(p.name for p in candidates) or "none"
            raise NoPackageError(
                f"no installed {from_code}→{to_code} package named {name!r} (installed: {available})"
            )
        return chosen[0]
    if not candidates:
        raise NoPackageError(f"no {from_code}→{to_code} package installed")
    return max(candidates, key=lambda p: (p.sort_version, p.name))


@dataclass(frozen=True)
class Listing:
    """The usable installed packages by name; the one that translates the pair (None: none does,
    `missing` says why, in one line); the broken packages, which are skipped.
    """

    installed: list[PackageInfo]
    in_use: PackageInfo | None
    broken: list[Broken] = field(default_factory=list)
    missing: str = ""

    def chosen(self) -> PackageInfo:
        """The package in use.

        :raises NoPackageError: with `missing`, when there is none.
        """
        if self.in_use is None:
            raise NoPackageError(self.missing)
        return self.in_use


def prepare(
    packages_dir: Path,
    models_dir: Path,
    from_code: str = "en",
    to_code: str = "ja",
    name: str | None = None,
) -> Listing:
    """Install or repair the bundled packages that need it (`install_bundled`), then choose among the usable ones.

    The choice is `name` if given, else the highest version for the pair.

    :raises PackageFolderError: when `packages_dir` cannot be created or written.
    """
    usable, broken = install_bundled(models_dir, packages_dir)
    try:
        return Listing(usable, pick(usable, from_code, to_code, name), broken)
    except NoPackageError as error:
        missing = str(error)
    named = [entry for entry in broken if name is not None and entry.name == name]
    if named:
        missing = f"the package {name!r} is broken: {named[0]}"
    elif broken and name is None:
        missing = (
            f"no usable {from_code}→{to_code} package: {'; '.join(map(str, broken))}: replace or remove "
            f"what is broken, or run `translate models install FILE`"
        )
    elif name is None:
        missing = (
            f"{missing} in {packages_dir}/ and none in {models_dir}/: copy an .argosmodel "
            f"file into {models_dir}/ or run `translate models install FILE`"
        )
    return Listing(usable, None, broken, missing)

"""Argos packages (.argosmodel files): install, list, choose.

Packages are installed into a folder the project controls (by default beside
the database), never Argos's own folder in the user's home. The .argosmodel
files in models/ are installed there on first use. Nothing here imports
argostranslate or touches the network: a package is a zip of one folder holding
metadata.json, model/ (CTranslate2) and sentencepiece.model or bpe.model.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from packaging.version import InvalidVersion, Version

from .errors import NoPackageError, PackageError


@dataclass(frozen=True)
class PackageInfo:
    name: str  # the installed folder's name, e.g. translate-en_ja-1_1
    path: Path
    from_code: str
    to_code: str
    package_version: str
    metadata: dict

    @property
    def pair(self) -> str:
        return f"{self.from_code}→{self.to_code}"

    @property
    def sort_version(self) -> Version:
        try:
            return Version(self.package_version)
        except InvalidVersion:
            return Version("0")


def _info(path: Path, metadata: dict) -> PackageInfo:
    return PackageInfo(
        name=path.name,
        path=path,
        from_code=str(metadata.get("from_code", "")),
        to_code=str(metadata.get("to_code", "")),
        package_version=str(metadata.get("package_version", "")),
        metadata=metadata,
    )


def installed(packages_dir: Path) -> list[PackageInfo]:
    """Packages installed in `packages_dir`, by name."""
    if not packages_dir.is_dir():
        return []
    found = []
    for path in sorted(packages_dir.iterdir()):
        metadata_path = path / "metadata.json"
        if path.name.startswith(".") or not metadata_path.is_file():
            continue
        try:
            metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not ours to judge here; `install` validates what goes in
        found.append(_info(path, metadata))
    return found


def _read_archive(file: Path) -> tuple[str, dict]:
    """Check that `file` is an Argos package; return its folder name and metadata."""
    if not file.is_file():
        raise PackageError(f"{file}: no such file")
    if not zipfile.is_zipfile(file):
        raise PackageError(f"{file}: not an Argos package (not a zip archive)")
    with zipfile.ZipFile(file) as archive:
        names = archive.namelist()
        roots = {PurePosixPath(name).parts[0] for name in names if name.strip("/")}
        if len(roots) != 1:
            raise PackageError(f"{file}: not an Argos package (expected one top folder, found {len(roots)})")
        root = roots.pop()
        for name in names:
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts:
                raise PackageError(f"{file}: unsafe path in archive: {name}")
        members = set(names)
        if f"{root}/metadata.json" not in members:
            raise PackageError(f"{file}: not an Argos package (no metadata.json)")
        if f"{root}/model/model.bin" not in members:
            raise PackageError(f"{file}: not an Argos package (no CTranslate2 model/model.bin)")
        if not {f"{root}/sentencepiece.model", f"{root}/bpe.model"} & members:
            raise PackageError(f"{file}: not an Argos package (no sentencepiece.model or bpe.model)")
        try:
            metadata = json.loads(archive.read(f"{root}/metadata.json").decode("utf-8"))
        except ValueError as error:
            raise PackageError(f"{file}: unreadable metadata.json ({error})") from None
    if not isinstance(metadata, dict) or not metadata.get("from_code") or not metadata.get("to_code"):
        raise PackageError(f"{file}: metadata.json lacks from_code and to_code")
    return root, metadata


def install(file: Path, packages_dir: Path) -> PackageInfo:
    """Install (or replace) a package from an .argosmodel file; atomic per package."""
    root, metadata = _read_archive(file)
    packages_dir.mkdir(parents=True, exist_ok=True)
    target = packages_dir / root
    # Extract beside the target, then swap, so a failed install leaves no half package.
    with tempfile.TemporaryDirectory(dir=packages_dir, prefix=".installing-") as staging:
        with zipfile.ZipFile(file) as archive:
            archive.extractall(staging)
        if target.exists():
            old = Path(staging) / ".old"
            target.rename(old)
        (Path(staging) / root).rename(target)
    return _info(target, metadata)


def install_bundled(models_dir: Path, packages_dir: Path) -> list[PackageInfo]:
    """Install each models/*.argosmodel whose metadata differs from what is installed."""
    done = []
    for file in sorted(models_dir.glob("*.argosmodel")) if models_dir.is_dir() else []:
        root, metadata = _read_archive(file)
        current = packages_dir / root / "metadata.json"
        if current.is_file() and json.loads(current.read_text(encoding="utf-8")) == metadata:
            continue
        done.append(install(file, packages_dir))
    return done


def pick(
    found: list[PackageInfo], from_code: str = "en", to_code: str = "ja", name: str | None = None
) -> PackageInfo:
    """`name` if given, else the highest version for the pair, among `found`."""
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
    """The installed packages, by name, and the one that would translate the pair (None: none would)."""

    installed: list[PackageInfo]
    in_use: PackageInfo | None


def listing(packages_dir: Path, from_code: str = "en", to_code: str = "ja", name: str | None = None) -> Listing:
    """What `translate models list` shows; installs nothing."""
    found = installed(packages_dir)
    try:
        in_use: PackageInfo | None = pick(found, from_code, to_code, name)
    except NoPackageError:
        in_use = None
    return Listing(found, in_use)


def choose(
    packages_dir: Path,
    models_dir: Path,
    from_code: str = "en",
    to_code: str = "ja",
    name: str | None = None,
) -> PackageInfo:
    """The installed package to translate with: `name` if given, else the highest version for the pair.

    Installs nothing (see `install_bundled`); `models_dir` only completes the message.

    :raises NoPackageError: naming what is installed, or how to add a package.
    """
    try:
        return pick(installed(packages_dir), from_code, to_code, name)
    except NoPackageError as error:
        if name is not None:
            raise
        raise NoPackageError(
            f"{error} in {packages_dir}/ and none in {models_dir}/: copy an .argosmodel "
            f"file into {models_dir}/ or run `translate models install FILE`"
        ) from None

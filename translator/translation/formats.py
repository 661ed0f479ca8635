"""What an installed package is: its folder, its language pair and version, its metadata.

The engine reads packages through this; installing and choosing them is packages.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version


@dataclass(frozen=True)
class PackageInfo:
    name: str  # the installed folder's name, e.g. translate-en_ja-1_1
    path: Path
    from_code: str
    to_code: str
    package_version: str
    metadata: dict

    @property
    def confidence_threshold(self) -> float | None:
        """metadata.json's `confidence_threshold`: the mean token log-probability under which QA warns
        of this package's output (quality/checks.py), checked when the package is read; None: none."""
        threshold = self.metadata.get("confidence_threshold")
        return float(threshold) if threshold is not None else None

    @property
    def pair(self) -> str:
        return f"{self.from_code}→{self.to_code}"

    @property
    def sort_version(self) -> Version:
        try:
            return Version(self.package_version)
        except InvalidVersion:
            return Version("0")

from pathlib import Path

import pytest

from translator import packages
from translator.errors import NoPackageError, PackageError

from .conftest import make_archive


def test_install_and_list(tmp_path: Path):
    target = tmp_path / "packages"
    info = packages.install(make_archive(tmp_path / "a.argosmodel"), target)
    assert (info.name, info.pair, info.package_version) == ("translate-en_ja-1_0", "en→ja", "1.0")
    assert (target / "translate-en_ja-1_0" / "model" / "model.bin").read_text() == "weights"
    assert [p.name for p in packages.installed(target)] == ["translate-en_ja-1_0"]
    assert [p.name for p in target.iterdir()] == ["translate-en_ja-1_0"]  # nothing left from staging


def test_reinstall_replaces(tmp_path: Path):
    target = tmp_path / "packages"
    packages.install(make_archive(tmp_path / "a.argosmodel"), target)
    packages.install(make_archive(tmp_path / "b.argosmodel", files={"model/model.bin": "new"}), target)
    assert (target / "translate-en_ja-1_0" / "model" / "model.bin").read_text() == "new"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"files": {"model/model.bin": None}}, "not an Argos package (no CTranslate2 model/model.bin)"),
        ({"files": {"sentencepiece.model": None}}, "not an Argos package (no sentencepiece.model or bpe.model)"),
        ({"files": {"metadata.json": None}}, "not an Argos package (no metadata.json)"),
        ({"files": {"metadata.json": "{not json"}}, "unreadable metadata.json"),
        ({"to_code": ""}, "metadata.json lacks from_code and to_code"),
        ({"files": {"../evil": "x"}}, "unsafe path in archive: translate-en_ja-1_0/../evil"),
    ],
)
def test_bad_archives(tmp_path: Path, kwargs, message):
    file = make_archive(tmp_path / "bad.argosmodel", **kwargs)
    with pytest.raises(PackageError) as raised:
        packages.install(file, tmp_path / "packages")
    assert str(raised.value).startswith(f"{file}: {message}")
    assert not (tmp_path / "packages" / "translate-en_ja-1_0").exists()


def test_not_a_zip(tmp_path: Path):
    file = tmp_path / "x.argosmodel"
    file.write_text("hello")
    with pytest.raises(PackageError, match="not an Argos package \\(not a zip archive\\)"):
        packages.install(file, tmp_path / "packages")


def test_bundled_packages_are_installed_once(tmp_path: Path):
    models, target = tmp_path / "models", tmp_path / "packages"
    models.mkdir()
    make_archive(models / "ours.argosmodel")
    assert [p.name for p in packages.install_bundled(models, target)] == ["translate-en_ja-1_0"]
    assert packages.install_bundled(models, target) == []


def test_choose_prefers_the_highest_version_unless_named(tmp_path: Path):
    models, target = tmp_path / "models", tmp_path / "packages"
    models.mkdir()
    make_archive(models / "ours.argosmodel", root="translate-en_ja-0_1", package_version="0.1")
    packages.install(make_archive(tmp_path / "official.argosmodel", root="translate-en_ja-1_1", package_version="1.1"), target)
    packages.install(make_archive(tmp_path / "fr.argosmodel", root="translate-en_fr-9_0", package_version="9.0", to_code="fr"), target)
    packages.install_bundled(models, target)
    assert packages.choose(target, models).name == "translate-en_ja-1_1"
    assert packages.choose(target, models, name="translate-en_ja-0_1").name == "translate-en_ja-0_1"
    with pytest.raises(NoPackageError, match="no installed en→ja package named 'nope'"):
        packages.choose(target, models, name="nope")


def test_no_package_says_how_to_add_one(tmp_path: Path):
    with pytest.raises(NoPackageError) as raised:
        packages.choose(tmp_path / "packages", tmp_path / "models")
    assert str(raised.value) == (
        f"no en→ja package installed in {tmp_path / 'packages'}/ and none in {tmp_path / 'models'}/: "
        f"copy an .argosmodel file into {tmp_path / 'models'}/ or run `translate models install FILE`"
    )


def test_choosing_installs_nothing(tmp_path: Path):
    models, target = tmp_path / "models", tmp_path / "packages"
    models.mkdir()
    make_archive(models / "ours.argosmodel")
    with pytest.raises(NoPackageError):
        packages.choose(target, models)
    assert not target.exists()


def test_listing_marks_the_package_in_use(tmp_path: Path):
    target = tmp_path / "packages"
    old = packages.install(make_archive(tmp_path / "a.argosmodel", root="translate-en_ja-1_0"), target)
    new = packages.install(make_archive(tmp_path / "b.argosmodel", root="translate-en_ja-2_0", package_version="2.0"), target)
    assert packages.listing(target) == packages.Listing([old, new], new)
    assert packages.listing(target, name="translate-en_ja-1_0").in_use == old
    assert packages.listing(target, name="nope") == packages.Listing([old, new], None)
    assert packages.listing(tmp_path / "none") == packages.Listing([], None)

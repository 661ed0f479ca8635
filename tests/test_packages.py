"""Argos packages: install only what loads and translates, repair from models/, skip what is broken.

The broken packages are made from the tiny real package (tests/conftest.py's `tiny_package`),
one fault each, as issue 8 §3 lists them.
"""

import json
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from translator.translation import packages
from translator.cli import cli
from translator.core.errors import BrokenPackageError, NoPackageError, PackageFolderError
from translator.translation.packages import MANIFEST, Broken

from .conftest import BUNDLED, REPO, make_archive, page_text, repack

TINY = "translate-en_ja-tiny"  # the tiny package's folder


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def visible(folder: Path) -> list[str]:
    """What a user sees in a folder: not the hidden staging folders nor Argos's .argos settings."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


def leftovers(folder: Path) -> list[str]:
    """Anything an install may have left behind: staging folders, replaced packages."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(packages.STAGING_PREFIX)) if folder.exists() else []


def flip_byte(file: Path, member: str) -> Path:
    """Change one byte in the middle of a stored (uncompressed) member's data: its CRC-32 no longer matches."""
    with zipfile.ZipFile(file) as archive:
        info = archive.getinfo(member)
    with file.open("r+b") as raw:
        raw.seek(info.header_offset + 26)  # the local header's name and extra-field lengths
        name_length, extra_length = struct.unpack("<HH", raw.read(4))
        raw.seek(info.header_offset + 30 + name_length + extra_length + info.compress_size // 2)
        byte = raw.read(1)[0]
        raw.seek(-1, 1)
        raw.write(bytes([byte ^ 0xFF]))
    return file


def with_member(file: Path, name: str, data: str, link: bool = False) -> Path:
    """Add a member to an archive as given (zipfile would clean a name given to `writestr` as text)."""
    with zipfile.ZipFile(file, "a") as archive:
        entry = zipfile.ZipInfo(name)
        if link:  # a symbolic link is a member whose Unix mode says so and whose data is the target
            entry.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(entry, data)
    return file


def written(folder: Path) -> list[str]:
    """Every file under `folder`, but Argos's settings folder (made when it is first imported)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and ".argos" not in p.parts)


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- install: a package is accepted only once it loads and translates -------------------------------


def test_install_verifies_and_records_the_manifest(tiny_package: Path, tmp_path: Path):
    target = tmp_path / "packages"
    info = packages.install(tiny_package, target)
    assert (info.name, info.pair, info.path) == (TINY, "en→ja", target / TINY)
    assert visible(target) == [TINY] and leftovers(target) == []
    with zipfile.ZipFile(tiny_package) as archive:
        listed = {i.filename.split("/", 1)[1]: [i.file_size, i.CRC] for i in archive.infolist() if not i.is_dir()}
    assert json.loads((target / TINY / MANIFEST).read_text()) == listed
    assert packages.survey(target) == ([info], [])


BROKEN_VARIANTS = {
    # issue 8 §3, one fault each; each message starts with the problem.
    "crc error": (
        lambda tiny, out: flip_byte(repack(tiny, out, compression=zipfile.ZIP_STORED), f"{TINY}/model/model.bin"),
        f"damaged archive (Bad CRC-32 for file '{TINY}/model/model.bin')",
    ),
    "corrupt sentencepiece.model": (
        lambda tiny, out: repack(tiny, out, files={"sentencepiece.model": lambda data: data[:100] + b"x" * 50}),
        f"fails to load or translate ({TINY}: the package is damaged (INTERNAL: could not parse ModelProto from ",
    ),
    "no config.json": (
        lambda tiny, out: repack(tiny, out, files={"model/config.json": None}),
        f"fails to load or translate ({TINY}: cannot load the model on cpu: ",
    ),
    "no vocabulary": (
        lambda tiny, out: repack(tiny, out, files={"model/shared_vocabulary.json": None}),
        f"fails to load or translate ({TINY}: cannot load the model on cpu: Cannot load the target vocabulary",
    ),
    "truncated model.bin": (
        lambda tiny, out: repack(tiny, out, files={"model/model.bin": lambda data: data[: len(data) // 2]}),
        f"fails to load or translate ({TINY}: cannot load the model on cpu: Variable ",
    ),
    "symlink entry": (
        lambda tiny, out: with_member(repack(tiny, out), f"{TINY}/model/link", "/etc/passwd", link=True),
        f"symbolic link in archive: {TINY}/model/link",
    ),
    "path outside the folder": (
        lambda tiny, out: with_member(repack(tiny, out), f"{TINY}/../../outside.txt", "x"),
        f"unsafe path in archive: {TINY}/../../outside.txt",
    ),
    "absolute path": (
        lambda tiny, out: with_member(repack(tiny, out), "/tmp/absolute.txt", "x"),
        "unsafe path in archive: /tmp/absolute.txt",
    ),
}


@pytest.mark.parametrize("variant", BROKEN_VARIANTS)
def test_a_broken_package_is_refused_and_leaves_nothing(tiny_package: Path, tmp_path: Path, variant: str):
    make, problem = BROKEN_VARIANTS[variant]
    file = make(tiny_package, tmp_path / "broken.argosmodel")
    with pytest.raises(BrokenPackageError) as raised:
        packages.install(file, tmp_path / "packages")
    assert (raised.value.path, raised.value.problem[: len(problem)]) == (file, problem)
    assert str(raised.value) == f"{file}: {raised.value.problem}" and "\n" not in str(raised.value)
    assert written(tmp_path) == ["broken.argosmodel"] and leftovers(tmp_path / "packages") == []


@pytest.mark.parametrize("variant", BROKEN_VARIANTS)
def test_models_install_of_a_broken_package_is_one_line(tiny_package: Path, tmp_path: Path, variant: str):
    make, problem = BROKEN_VARIANTS[variant]
    file = make(tiny_package, tmp_path / "broken.argosmodel")
    result = invoke("models", "install", str(file))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"Error: {file}: {problem}") and result.stderr.count("\n") == 1


def test_a_failed_install_leaves_the_installed_package_as_it_was(tiny_package: Path, tmp_path: Path):
    target = tmp_path / "packages"
    packages.install(tiny_package, target)
    before = folder_bytes(target / TINY)
    truncated = repack(tiny_package, tmp_path / "t.argosmodel", files={"model/model.bin": lambda d: d[:1000]})
    with pytest.raises(BrokenPackageError):
        packages.install(truncated, target)
    assert folder_bytes(target / TINY) == before and leftovers(target) == []
    assert [p.name for p in packages.installed(target)] == [TINY]


def test_an_interrupted_install_leaves_nothing(tiny_package: Path, tmp_path: Path, monkeypatch):
    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(packages, "verify", interrupted)
    with pytest.raises(KeyboardInterrupt):
        packages.install(tiny_package, tmp_path / "packages")
    assert list((tmp_path / "packages").iterdir()) == []


def test_reinstall_replaces(tiny_package: Path, tmp_path: Path):
    target = tmp_path / "packages"
    packages.install(tiny_package, target)
    (target / TINY / "stray.txt").write_text("from before")
    newer = repack(tiny_package, tmp_path / "b.argosmodel", package_version="2.0")
    assert packages.install(newer, target).package_version == "2.0"
    assert not (target / TINY / "stray.txt").exists() and leftovers(target) == []


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"files": {"model/model.bin": None}}, "not an Argos package (no CTranslate2 model/model.bin)"),
        ({"files": {"sentencepiece.model": None}}, "not an Argos package (no sentencepiece.model or bpe.model)"),
        ({"files": {"metadata.json": None}}, "not an Argos package (no metadata.json)"),
        ({"files": {"metadata.json": "{not json"}}, "unreadable metadata.json"),
        ({"to_code": ""}, "metadata.json lacks from_code and to_code"),
        ({"confidence_threshold": 0.5}, "metadata.json's confidence_threshold must be a number below 0 (a mean log-probability), not 0.5"),
        ({"confidence_threshold": 0}, "metadata.json's confidence_threshold must be a number below 0 (a mean log-probability), not 0"),
        ({"confidence_threshold": "-1.1"}, "metadata.json's confidence_threshold must be a number below 0 (a mean log-probability), not \"-1.1\""),
        ({"confidence_threshold": True}, "metadata.json's confidence_threshold must be a number below 0 (a mean log-probability), not true"),
        ({"confidence_threshold": float("-inf")}, "metadata.json's confidence_threshold must be a number below 0 (a mean log-probability), not -Infinity"),
        ({"confidence_threshold": -10**400}, "metadata.json's confidence_threshold must be a number below 0 (a mean log-probability), not -1000000000000000000…"),
        ({"files": {"../evil": "x"}}, "unsafe path in archive: translate-en_ja-1_0/../evil"),
        ({"root": ".hidden"}, "not an Argos package (hidden top folder .hidden)"),
        ({"root": ""}, "not an Argos package (expected one top folder, found 3)"),
        ({"files": {"./metadata.json": "{}"}}, "unsafe path in archive: translate-en_ja-1_0/./metadata.json"),
        ({"root": "translate-en_ja-1_0/a/.."}, "unsafe path in archive: translate-en_ja-1_0/a/../metadata.json"),
        # Files that are not a model: only loading them tells (the tokenizer is tried first).
        ({}, "fails to load or translate (translate-en_ja-1_0: the package is damaged ("),
    ],
)
def test_bad_archives(tmp_path: Path, kwargs, message):
    file = make_archive(tmp_path / "bad.argosmodel", **kwargs)
    with pytest.raises(BrokenPackageError) as raised:
        packages.install(file, tmp_path / "packages")
    assert str(raised.value).startswith(f"{file}: {message}")
    assert visible(tmp_path / "packages") == [] and leftovers(tmp_path / "packages") == []


def test_not_a_zip(tmp_path: Path):
    file = tmp_path / "x.argosmodel"
    file.write_text("hello")
    with pytest.raises(BrokenPackageError, match="not an Argos package \\(not a zip archive\\)"):
        packages.install(file, tmp_path / "packages")


@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")  # zipfile's, as the archive is made
def test_a_name_twice(tmp_path: Path):
    file = with_member(make_archive(tmp_path / "x.argosmodel"), "translate-en_ja-1_0/metadata.json", "{}")
    with pytest.raises(BrokenPackageError, match="not an Argos package \\(a name appears twice\\)"):
        packages.install(file, tmp_path / "packages")


PARTS = ["translate-en_ja-1_0", "..", ".", "", "a", "model", "model.bin", "metadata.json", "sentencepiece.model"]


@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")  # zipfile's, as the archive is made
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    extra=st.lists(
        st.tuples(st.lists(st.sampled_from(PARTS), min_size=1, max_size=5), st.booleans(), st.booleans()),
        min_size=1,
        max_size=3,
    )
)
@example(extra=[(["translate-en_ja-1_0", "model"], False, False)])  # a file where a folder must go
@example(extra=[(["translate-en_ja-1_0", "a", "model.bin"], False, False), (["translate-en_ja-1_0", "a"], False, False)])
def test_nothing_is_ever_written_outside_the_package_folder(extra):
    """Whatever the member names (.., absolute, symbolic links), an install writes only inside its folder."""
    with tempfile.TemporaryDirectory() as sandbox:
        sandbox = Path(sandbox)
        file = make_archive(sandbox / "x.argosmodel")
        for parts, absolute, link in extra:
            with_member(file, ("/" if absolute else "") + "/".join(parts), "../../outside", link)
        with pytest.raises(BrokenPackageError):  # none of these holds a working model
            packages.install(file, sandbox / "packages")
        assert written(sandbox) == ["x.argosmodel"] and leftovers(sandbox / "packages") == []


# --- the package folder ------------------------------------------------------------------------------


def test_a_package_folder_that_cannot_be_written_is_one_line(tiny_package: Path, tmp_path: Path):
    (tmp_path / "file").write_text("in the way")
    target = tmp_path / "file" / "packages"
    with pytest.raises(PackageFolderError) as raised:
        packages.install(tiny_package, target)
    assert str(raised.value) == (
        f"cannot write to the package folder {target}/ (Not a directory): make it writable, "
        "or choose another folder with --packages-dir or TRANSLATE_PACKAGES_DIR"
    )
    result = invoke("--packages-dir", str(target), "models", "install", str(tiny_package))
    assert (result.exit_code, result.stderr) == (1, f"Error: {raised.value}\n")


READ_ONLY_MOUNT = shutil.which("unshare") and subprocess.run(
    ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o ro tmpfs /mnt"], capture_output=True
).returncode == 0


@pytest.mark.skipif(not READ_ONLY_MOUNT, reason="unshare -rm with a read-only tmpfs is not permitted here")
def test_a_read_only_package_folder_is_one_line(tiny_package: Path, tmp_path: Path):
    target = tmp_path / "packages"
    target.mkdir()
    mount_and_install = (
        f'mount -t tmpfs -o ro tmpfs "{target}" && exec "{sys.executable}" -m translator '
        f'--packages-dir "{target}" models install "{tiny_package}"'
    )
    result = subprocess.run(["unshare", "-rm", "sh", "-c", mount_and_install], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: cannot write to the package folder {target}/ (Read-only file system): make it writable, "
        "or choose another folder with --packages-dir or TRANSLATE_PACKAGES_DIR\n"
    )


# --- bundled packages: installed once, repaired, skipped when broken -----------------------------------


@pytest.fixture
def bundled(tiny_package: Path, tmp_path: Path) -> tuple[Path, Path]:
    """models/ holding the tiny package, and the package folder."""
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy(tiny_package, models / "tiny.argosmodel")
    return models, tmp_path / "packages"


@pytest.fixture
def verifications(monkeypatch) -> list[str]:
    """The packages verified (that is, installed) from now on, by folder name."""
    seen: list[str] = []
    real = packages.verify
    monkeypatch.setattr(packages, "verify", lambda info, source=None: seen.append(info.name) or real(info, source))
    return seen


def test_bundled_packages_are_installed_once(bundled, verifications):
    models, target = bundled
    usable, broken = packages.install_bundled(models, target)
    assert ([p.name for p in usable], broken, verifications) == ([TINY], [], [TINY])
    assert packages.install_bundled(models, target) == (usable, [])
    assert verifications == [TINY]


@pytest.mark.parametrize(
    "damage",
    [
        lambda folder: (folder / "metadata.json").write_text("{corrupt"),
        lambda folder: (folder / "metadata.json").write_bytes((folder / "metadata.json").read_bytes().replace(b"0", b"1", 1)),
        lambda folder: (folder / "model" / "model.bin").write_bytes((folder / "model" / "model.bin").read_bytes()[:5000]),
        lambda folder: (folder / "model" / "config.json").unlink(),
        lambda folder: (folder / MANIFEST).unlink(),  # installed before manifests: checked once, against the file
    ],
    ids=["corrupt metadata.json", "same-size change", "truncated model.bin", "missing config.json", "no manifest"],
)
def test_a_damaged_installed_package_is_repaired_from_its_bundled_file(bundled, tiny_package: Path, verifications, damage):
    models, target = bundled
    packages.install_bundled(models, target)
    good = folder_bytes(target / TINY)
    damage(target / TINY)
    listing = packages.prepare(target, models)
    assert (listing.in_use.name, listing.broken, verifications) == (TINY, [], [TINY, TINY])
    assert folder_bytes(target / TINY) == good


def test_a_changed_bundled_file_is_installed_again(bundled, tiny_package: Path, verifications):
    models, target = bundled
    packages.install_bundled(models, target)
    repack(tiny_package, models / "tiny.argosmodel", package_version="0.0.2")
    assert packages.prepare(target, models).in_use.package_version == "0.0.2"
    assert verifications == [TINY, TINY]


def test_a_broken_bundled_file_is_skipped_beside_a_good_one(bundled, tiny_package: Path):
    models, target = bundled
    bad = repack(tiny_package, models / "bad.argosmodel", root="translate-en_ja-9_9", package_version="9.9",
                 files={"model/model.bin": lambda data: data[:1000]})
    listing = packages.prepare(target, models)
    assert listing.in_use.name == TINY and [p.name for p in listing.installed] == [TINY]
    [broken] = listing.broken
    assert (broken.path, broken.name) == (bad, None)
    assert broken.problem.startswith("fails to load or translate (translate-en_ja-9_9: cannot load the model on cpu: ")
    assert visible(target) == [TINY]


def test_two_bundled_files_with_one_package_folder(bundled, tiny_package: Path, verifications):
    models, target = bundled
    shutil.copy(models / "tiny.argosmodel", models / "zz-copy.argosmodel")
    usable, broken = packages.install_bundled(models, target)
    assert [p.name for p in usable] == [TINY]
    assert broken == [Broken(models / "zz-copy.argosmodel", f"holds {TINY} too, as {models / 'tiny.argosmodel'} does")]
    assert packages.install_bundled(models, target)[1] == broken and verifications == [TINY]  # no reinstall churn


def test_a_broken_bundled_file_keeps_the_installed_copy_in_use(bundled, tiny_package: Path):
    models, target = bundled
    packages.install_bundled(models, target)
    flip_byte(repack(tiny_package, models / "tiny.argosmodel", compression=zipfile.ZIP_STORED, package_version="0.0.2"),
              f"{TINY}/model/model.bin")
    listing = packages.prepare(target, models)
    assert (listing.in_use.name, listing.in_use.package_version) == (TINY, "0.0.1")
    assert [str(b) for b in listing.broken] == [
        f"{models / 'tiny.argosmodel'}: damaged archive (Bad CRC-32 for file '{TINY}/model/model.bin')"
    ]


def test_a_damaged_package_without_a_bundled_file_is_broken(tiny_package: Path, tmp_path: Path):
    target, models = tmp_path / "packages", tmp_path / "models"
    packages.install(tiny_package, target)
    (target / TINY / "metadata.json").write_text("{corrupt")
    damaged = Broken(target / TINY, "damaged since it was installed (metadata.json has changed)", TINY)
    assert packages.survey(target) == ([], [damaged])
    listing = packages.prepare(target, models)
    assert listing == packages.Listing([], None, [damaged], listing.missing)
    with pytest.raises(NoPackageError) as raised:
        listing.chosen()
    assert str(raised.value) == (
        f"no usable en→ja package: {damaged}: replace or remove what is broken, "
        "or run `translate models install FILE`"
    )
    assert packages.prepare(target, models, name=TINY).missing == f"the package {TINY!r} is broken: {damaged}"
    # Beside a good package, it is skipped.
    other = packages.install(repack(tiny_package, tmp_path / "o.argosmodel", root="translate-en_ja-0_1"), target)
    assert packages.prepare(target, models) == packages.Listing([other], other, [damaged])


# --- choosing ----------------------------------------------------------------------------------------


def test_choose_prefers_the_highest_version_unless_named(bundled, tiny_package: Path, tmp_path: Path):
    models, target = bundled  # the tiny package, version 0.0.1
    packages.install(repack(tiny_package, tmp_path / "a.argosmodel", root="translate-en_ja-1_1", package_version="1.1"), target)
    packages.install(repack(tiny_package, tmp_path / "b.argosmodel", root="translate-en_fr-9_0", package_version="9.0", to_code="fr"), target)
    listing = packages.prepare(target, models)
    assert [p.name for p in listing.installed] == ["translate-en_fr-9_0", "translate-en_ja-1_1", TINY]
    assert listing.chosen().name == "translate-en_ja-1_1"
    assert packages.prepare(target, models, name=TINY).chosen().name == TINY
    with pytest.raises(NoPackageError, match="no installed en→ja package named 'nope' \\(installed: translate-en_ja-1_1, "):
        packages.prepare(target, models, name="nope").chosen()


def test_no_package_says_how_to_add_one(tmp_path: Path):
    with pytest.raises(NoPackageError) as raised:
        packages.prepare(tmp_path / "packages", tmp_path / "models").chosen()
    assert str(raised.value) == (
        f"no en→ja package installed in {tmp_path / 'packages'}/ and none in {tmp_path / 'models'}/: "
        f"copy an .argosmodel file into {tmp_path / 'models'}/ or run `translate models install FILE`"
    )
    assert not (tmp_path / "packages").exists()


# --- the commands -------------------------------------------------------------------------------------


def test_models_list_marks_broken_packages(bundled, tiny_package: Path, tmp_path: Path):
    models, target = bundled
    bad = flip_byte(repack(tiny_package, models / "bad.argosmodel", root="translate-en_ja-2_0", compression=zipfile.ZIP_STORED),
                    "translate-en_ja-2_0/sentencepiece.model")
    result = invoke("--packages-dir", str(target), "models", "list")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        f"* {TINY}  en→ja  0.0.1\n"
        f"! {bad}  broken: damaged archive (Bad CRC-32 for file 'translate-en_ja-2_0/sentencepiece.model')\n"
    )


def test_translation_goes_on_with_the_good_package_and_warns(bundled, tiny_package: Path, tmp_path: Path):
    models, target = bundled
    bad = repack(tiny_package, models / "bad.argosmodel", root="translate-en_ja-9_9", files={"model/config.json": None})
    text = invoke("--packages-dir", str(target), "text", "--threads", "1", input="The army met the police.\n")
    assert text.exit_code == 0 and len(text.stdout.splitlines()) == 1 and text.stdout.strip()
    [warning] = text.stderr.splitlines()
    assert warning.startswith(
        f"Warning: skipped {bad}: fails to load or translate (translate-en_ja-9_9: cannot load the model on cpu: "
    )
    page = tmp_path / "page.txt"
    page.write_text(page_text("Police met the army", ["The army met the police on Monday."]), encoding="utf-8")
    assert invoke("import", str(page)).exit_code == 0
    run = invoke("--packages-dir", str(target), "run", "--threads", "1")
    assert run.exit_code == 0 and run.stdout.startswith("Translated 1 article, 2 sentences")
    assert run.stderr.splitlines() == [warning]


def test_translation_with_only_a_broken_package_is_one_line(tiny_package: Path, tmp_path: Path):
    models = tmp_path / "models"
    models.mkdir()
    bad = repack(tiny_package, models / "bad.argosmodel", files={"model/shared_vocabulary.json": None})
    result = invoke("text", input="The army met the police.\n")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"Error: no usable en→ja package: {bad}: fails to load or translate (")
    assert result.stderr.endswith(": replace or remove what is broken, or run `translate models install FILE`\n")
    assert result.stderr.count("\n") == 1


@pytest.mark.skipif(not BUNDLED, reason="no bundled model in models/")
@pytest.mark.parametrize("bundled", BUNDLED, ids=lambda path: path.name)
def test_the_bundled_package_is_the_one_its_recipe_names(bundled: Path, tmp_path: Path):
    """The package in models/ installs under its file's name, with the name and version of
    configs/cpu.json: the MT cache and each translation's provenance are keyed by name and version,
    so a new model shipped under an old name (or a folder left over from an export, as step 9,951's
    `ship-9951` was) would be handed another model's cached output. It carries the QA confidence
    threshold chosen for it (the recipe's `confidence_threshold`)."""
    recipe = json.loads((REPO / "models" / "recipe" / "configs" / "cpu.json").read_text(encoding="utf-8"))
    info = packages.install(bundled, tmp_path / "packages")
    assert (info.name, info.package_version) == (recipe["name"], recipe["package_version"])
    assert bundled.stem == recipe["name"]
    assert info.confidence_threshold == recipe["confidence_threshold"]


def test_a_package_zipped_from_an_installed_folder_installs_whole(tiny_package: Path, tmp_path: Path):
    """Zipping an installed package to carry it elsewhere takes its MANIFEST along; installed
    again, that stale record is left out, not taken for the new install's (which read as damaged)."""
    stale = json.dumps({"metadata.json": [1, 0]}).encode()
    carried = repack(tiny_package, tmp_path / "carried.argosmodel", files={MANIFEST: stale})
    info = packages.install(carried, tmp_path / "packages")
    assert packages.installed(tmp_path / "packages") == [info]
    assert packages.survey(tmp_path / "packages")[1] == []  # nothing broken
    assert MANIFEST not in json.loads((info.path / MANIFEST).read_text(encoding="utf-8"))


def test_a_package_carries_its_confidence_threshold(tiny_package: Path, tmp_path: Path):
    """metadata.json's `confidence_threshold` reaches the engine; a package without one leaves it to QA's default."""
    from translator.translation.engine import CTranslate2Engine

    plain = packages.install(tiny_package, tmp_path / "a")
    assert (plain.confidence_threshold, CTranslate2Engine(plain).confidence_threshold) == (None, None)
    calibrated = packages.install(repack(tiny_package, tmp_path / "t.argosmodel", confidence_threshold=-0.9), tmp_path / "b")
    assert (calibrated.confidence_threshold, CTranslate2Engine(calibrated).confidence_threshold) == (-0.9, -0.9)

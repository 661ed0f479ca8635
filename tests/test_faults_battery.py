"""The fault battery's own pieces: its pages are real pages, its broken packages are broken as named."""

import stat
import zipfile

from translator.text.importer import parse_page


from bench import faults


def test_seed_copies_are_distinct_pages():
    seed = faults.Seed.read(faults.SEED)
    pages = [parse_page(seed.copy(n)) for n in range(1, 4)]
    assert len({(p.published, p.headline) for p in pages}) == 3
    assert pages[0].body[0].text.startswith("In copy 1, ")
    assert not pages[0].sidebar


def test_outcome_kinds():
    def outcome(rc, stderr="", timed_out=False):
        return faults.Outcome("x", rc, 0.1, "", stderr, timed_out)

    assert outcome(0).kind == "ok"
    assert outcome(1, "Error: no such file\n").kind == "error"
    assert outcome(1, "Traceback (most recent call last):\n  ...\nOSError: x\n").kind == "traceback"
    assert outcome(-11).kind == "signal 11" and outcome(-11).crashed
    assert outcome(None, timed_out=True).kind == "hang" and not outcome(None, timed_out=True).crashed
    assert outcome(2, "Usage: ...\n").kind == "other"


def test_broken_variants(tmp_path):
    good = faults.write_zip(tmp_path / "good.argosmodel", "translate-en_ja-t", {
        "metadata.json": b'{"from_code": "en", "to_code": "ja", "package_version": "0.0.1"}',
        "sentencepiece.model": b"spm" * 100,
        "model/config.json": b"{}",
        "model/shared_vocabulary.json": b"[]",
        "model/model.bin": bytes(range(256)) * 16,
    })
    variants = {v.name: v.file for v in faults.broken_variants(good, tmp_path / "v", "ESCAPED-x")}
    assert set(variants) == {"crc", "spm", "badmeta", "noconfig", "novocab", "truncated", "symlink",
                             "symlink-spm", "dotdot"}
    with zipfile.ZipFile(variants["crc"]) as archive:
        assert archive.testzip() == "translate-en_ja-t-crc/model/model.bin"
    with zipfile.ZipFile(variants["noconfig"]) as archive:
        assert "translate-en_ja-t-noconfig/model/config.json" not in archive.namelist()
    with zipfile.ZipFile(variants["truncated"]) as archive:
        assert len(archive.read("translate-en_ja-t-truncated/model/model.bin")) == 2048
    with zipfile.ZipFile(variants["symlink-spm"]) as archive:
        info = archive.getinfo("translate-en_ja-t-symlink-spm/sentencepiece.model")
        assert stat.S_ISLNK(info.external_attr >> 16)
    with zipfile.ZipFile(variants["dotdot"]) as archive:
        assert "translate-en_ja-t-dotdot/../../../ESCAPED-x" in archive.namelist()

from pathlib import Path

import pytest

from translator.errors import PageFormatError
from translator.importer import Outcome, import_paths, read_page, save_page
from translator.journal import parse_page

from .conftest import SEED, jst, journal_page as page, page_text, subheading


def test_not_utf8(tmp_path: Path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(page_text("Café", ["Body."]).encode("latin-1"))
    with pytest.raises(PageFormatError, match=r"latin1.txt: not UTF-8 text \(byte 48\)"):
        read_page(path)


def test_import_folder_reports_bad_files_and_keeps_the_good(store, tmp_path: Path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b.txt").write_text("not a page\n", encoding="utf-8")
    (folder / "notes.md").write_text("ignored: not .txt\n", encoding="utf-8")
    report = import_paths(store, [folder, tmp_path / "missing.txt"])
    assert (report.new, report.updated, report.unchanged, report.headlines) == (1, 0, 0, 41)
    assert [str(e) for e in report.errors] == [
        f"{folder / 'b.txt'}: missing the breadcrumb line ('HOME > ...') at the top",
        f"{tmp_path / 'missing.txt'}: No such file or directory",
    ]
    assert store.db["articles"].count == 42


def test_reimport_changes_nothing(store):
    import_paths(store, [SEED])
    before = store.db.execute("select * from articles order by id").fetchall()
    report = import_paths(store, [SEED])
    assert (report.new, report.updated, report.unchanged, report.headlines) == (0, 0, 1, 0)
    assert store.db.execute("select * from articles order by id").fetchall() == before


def test_sidebar_article_is_completed_by_its_page(store):
    import_paths(store, [SEED])
    stub = store.find_article("2025-02-21T18:37:00+09:00", "Spain's ex-football boss Luis Rubiales fined over forced kiss")
    assert stub.full_page is False
    assert [b.kind for b in store.blocks(stub.id)] == ["headline"]

    completed = page(
        "Spain's ex-football boss Luis Rubiales fined over forced kiss",
        ["A Spanish court fined Luis Rubiales on Thursday.", subheading("Appeal"), "He will appeal."],
        published=jst(2025, 2, 21, 18, 37),
        sidebar=[(jst(2025, 2, 21, 18, 38), "Mexico says won't accept US 'invasion' in fight against cartels")],
    )
    assert save_page(store, completed) == (Outcome.NEW, 0)
    article = store.find_article("2025-02-21T18:37:00+09:00", completed.headline)
    assert article.id == stub.id and article.full_page is True
    assert [(b.kind, b.text) for b in store.blocks(stub.id)] == [
        ("headline", completed.headline),
        ("paragraph", "A Spanish court fined Luis Rubiales on Thursday."),
        ("subheading", "Appeal"),
        ("paragraph", "He will appeal."),
    ]
    assert store.db["articles"].count == 42


def test_changed_page_updates_the_article(store):
    text = SEED.read_text(encoding="utf-8")
    import_paths(store, [SEED])
    changed = parse_page(text.replace("The lawsuit could lead", "The lawsuit may lead"))
    assert save_page(store, changed) == (Outcome.UPDATED, 0)
    assert "The lawsuit may lead to a new charge of alleged complicity with terrorist groups, she said." in (
        store.source_sentences(1)
    )

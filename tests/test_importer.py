from datetime import datetime
from pathlib import Path

import pytest

from translator.errors import PageFormatError
from translator.importer import JST, Block, import_paths, parse_page, read_page, save_page

from .conftest import SEED, page_text


def test_seed_page_parses():
    page = read_page(SEED)
    assert page.headline == "Mexico says won't accept US 'invasion' in fight against cartels"
    assert page.published == datetime(2025, 2, 21, 18, 38, tzinfo=JST)
    assert page.published.isoformat() == "2025-02-21T18:38:00+09:00"
    assert len(page.body) == 29
    assert page.body[0] == Block(
        "paragraph",
        "Mexico's president warned the United States on Thursday her country would never tolerate "
        "an invasion of its national sovereignty and vowed fresh legal action against US gunmakers "
        "after Washington designated cartels as terrorist organizations.",
    )
    assert [b.text for b in page.body if b.kind == "subheading"] == [
        "'Eligible for drone strikes'?",
        "Mexico adjusting strategy",
    ]
    assert len(page.sidebar) == 42
    assert page.sidebar[1].headline == "Spain's ex-football boss Luis Rubiales fined over forced kiss"
    assert page.sidebar[-1].published == datetime(2025, 2, 13, 19, 5, tzinfo=JST)


def test_scrape_noise_does_not_change_the_page():
    clean = SEED.read_text(encoding="utf-8")
    lines = clean.splitlines()
    noisy = "\ufeff" + "\r\n\r\n".join(line + "  " for line in lines) + "\r\n"
    assert parse_page(noisy) == parse_page(clean)
    assert parse_page(noisy).content_hash == parse_page(clean).content_hash


def test_text_is_kept_as_written():
    page = parse_page(page_text("“Curly” quotes — stay", ["He said: “It’s fine.”  Twice."]))
    assert page.headline == "“Curly” quotes — stay"
    assert page.body == (Block("paragraph", "He said: “It’s fine.”  Twice."),)


def test_sidebar_year_comes_from_the_page():
    text = page_text(
        "New year page",
        ["Body."],
        stamp="2025/01/02 09:00",
        sidebar=["01/02 08:00 Same day", "01/01 23:00 Day before", "12/31 22:00 Last year"],
    )
    published = [entry.published for entry in parse_page(text).sidebar]
    assert published == [
        datetime(2025, 1, 2, 8, 0, tzinfo=JST),
        datetime(2025, 1, 1, 23, 0, tzinfo=JST),
        datetime(2024, 12, 31, 22, 0, tzinfo=JST),
    ]


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "missing the breadcrumb line ('HOME > ...') at the top"),
        ("Just some text\nwith lines\n", "missing the breadcrumb line ('HOME > ...') at the top"),
        ("HOME > X > Article\nHeadline\nBody.\n", "missing the timestamp line '(YYYY/MM/DD HH:MM)'"),
        ("HOME > X > Article\n(2025/02/21 18:38)\n", "missing the headline"),
        ("HOME > X > Article\nHeadline\n(2025/02/21 18:38)\n", "missing the article body"),
        (
            "HOME > X > Article\nHeadline\n- Only a subheading -\n(2025/02/21 18:38)\n",
            "missing the article body (only subheadings)",
        ),
        (
            "HOME > X > Article\nHeadline\nBody.\n(2025/02/30 18:38)\n",
            "timestamp 2025/02/30 18:38 is not a valid date",
        ),
        (
            "HOME > X > Article\nHeadline\nBody.\n(2025/02/21 18:38)\nFooter text\n",
            "unexpected line after the timestamp: 'Footer text'",
        ),
    ],
)
def test_not_a_page(text, problem):
    with pytest.raises(PageFormatError) as raised:
        parse_page(text, "bad.txt")
    assert str(raised.value) == f"bad.txt: {problem}"


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
    assert store.counts()["articles"] == 42


def test_reimport_changes_nothing(store):
    import_paths(store, [SEED])
    before = store.db.execute("select * from articles order by id").fetchall()
    report = import_paths(store, [SEED])
    assert (report.new, report.updated, report.unchanged, report.headlines) == (0, 0, 1, 0)
    assert store.db.execute("select * from articles order by id").fetchall() == before


def test_sidebar_article_is_completed_by_its_page(store):
    import_paths(store, [SEED])
    stub = store.find_article("2025-02-21T18:37:00+09:00", "Spain's ex-football boss Luis Rubiales fined over forced kiss")
    assert stub["full_page"] == 0
    assert [s.kind for s in store.segments(stub["id"])] == ["headline"]

    page = parse_page(
        page_text(
            "Spain's ex-football boss Luis Rubiales fined over forced kiss",
            ["A Spanish court fined Luis Rubiales on Thursday.", "- Appeal -", "He will appeal."],
            stamp="2025/02/21 18:37",
            sidebar=["02/21 18:38 Mexico says won't accept US 'invasion' in fight against cartels"],
        )
    )
    assert save_page(store, page) == ("new", 0)
    article = store.find_article("2025-02-21T18:37:00+09:00", page.headline)
    assert article["id"] == stub["id"] and article["full_page"] == 1
    assert [(s.kind, s.text) for s in store.segments(stub["id"])] == [
        ("headline", page.headline),
        ("paragraph", "A Spanish court fined Luis Rubiales on Thursday."),
        ("subheading", "Appeal"),
        ("paragraph", "He will appeal."),
    ]
    assert store.counts()["articles"] == 42


def test_changed_page_updates_the_article(store):
    text = SEED.read_text(encoding="utf-8")
    import_paths(store, [SEED])
    changed = parse_page(text.replace("The lawsuit could lead", "The lawsuit may lead"))
    assert save_page(store, changed) == ("updated", 0)
    assert "The lawsuit may lead to a new charge of alleged complicity with terrorist groups, she said." in [
        t for _, _, t in store.sentences(1)
    ]


def test_bad_sidebar_date():
    text = page_text("Page", ["Body."], stamp="2025/03/01 10:00", sidebar=["02/30 09:00 No such day"])
    with pytest.raises(PageFormatError, match=r"^p.txt: sidebar date 2025/02/30 09:00 is not a valid date$"):
        parse_page(text, "p.txt")

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import os
import socket
import time
import unicodedata

from translator.text.cleaning import MAX_INPUT_BYTES, Cleaned
from translator.core.errors import InputTooLarge, NotUTF8Error, PageFormatError, PathNotFound
from translator.quality.glossary import GlossaryEntry, find_terms
from translator.text.importer import Outcome, PageRepairs, import_paths, read_page, same_story, save_page
from translator.text.journal import Repair, parse_page
from translator.translation.pipeline import run
from translator.core.news import Status
from translator.store import opened

from .conftest import SEED, FakeEngine, jst, page, page_text, subheading

CASES = Path(__file__).parent / "data" / "cases"  # copies of ../shared/cases/ (issue 25)


def test_not_utf8(tmp_path: Path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(page_text("Café", ["Body."]).encode("latin-1"))
    with pytest.raises(NotUTF8Error, match=r"latin1.txt: not UTF-8 text \(byte 0xe9 at offset 48\)$"):
        read_page(path)


def test_import_folder_reports_bad_files_and_keeps_the_good(store, tmp_path: Path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b.txt").write_text("not a page\n", encoding="utf-8")
    (folder / "notes.md").write_text("ignored: not .txt\n", encoding="utf-8")
    report = import_paths(store, [folder, tmp_path / "missing.txt"])
    assert (report.new, report.updated, report.unchanged, report.headlines) == (1, 0, 0, 41)
    assert [(scan.path, scan.found) for scan in report.folders] == [(str(folder), 2)]
    assert [str(e) for e in report.errors] == [
        f"{folder / 'b.txt'}: missing the breadcrumb line ('HOME > ...') at the top",
        f"{tmp_path / 'missing.txt'}: no such file or folder",
    ]
    assert store.db["articles"].count == 42


def test_paths_that_all_do_not_exist_open_no_store(tmp_path: Path, monkeypatch):
    # Issue 25: `translate import seeds/` from the wrong folder made an empty db/news.db there.
    monkeypatch.chdir(tmp_path)
    calls = []
    with pytest.raises(PathNotFound) as raised:
        import_paths(lambda: calls.append(1), [Path("seeds/"), tmp_path / "gone.txt"])
    assert str(raised.value) == f"seeds, {tmp_path / 'gone.txt'}: no such file or folder (looked in {tmp_path})"
    assert raised.value.paths == ["seeds", str(tmp_path / "gone.txt")]
    assert calls == []
    with pytest.raises(PathNotFound, match=r"^/no/such/folder: no such file or folder$"):
        import_paths(lambda: calls.append(1), [Path("/no/such/folder")])


def test_the_store_is_opened_for_the_first_page_and_only_then(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "not-a-page.txt").write_text("hello\n", encoding="utf-8")
    database = tmp_path / "db" / "news.db"
    report = import_paths(lambda: opened(database), [tmp_path / "empty", tmp_path / "not-a-page.txt", tmp_path / "gone"])
    assert [str(e) for e in report.errors] == [
        f"{tmp_path / 'empty'}: no page files (*.txt) in this folder",
        f"{tmp_path / 'not-a-page.txt'}: missing the breadcrumb line ('HOME > ...') at the top",
        f"{tmp_path / 'gone'}: no such file or folder",
    ]
    assert report.pages == 0 and not database.parent.exists()
    calls = []

    def opener():
        calls.append(1)
        return opened(database)

    report = import_paths(opener, [tmp_path / "not-a-page.txt", SEED, SEED])
    assert (report.new, report.unchanged, calls) == (1, 1, [1])  # opened once, for two pages
    with opened(database, create=False) as store:
        assert store.db["articles"].count == 42


def test_nfd_case_is_stored_composed_and_is_one_story_with_its_composed_twin(store, tmp_path: Path):
    # ../shared/cases/nfd_article.txt: line 3 writes "Zürich" decomposed (u + U+0308), line 4 composed.
    case = CASES / "nfd_article.txt"
    text = case.read_text(encoding="utf-8")
    assert "Zu\u0308rich" in text and "Z\u00fcrich" in text
    report = import_paths(store, [case])
    assert (report.new, report.repaired) == (1, [])  # canonically equivalent: no note for the editor
    sentences = [sentence for block in store.blocks(1) for sentence in block.sentences]
    assert sentences == [
        "Zurich bank fined",
        "A Z\u00fcrich court fined the bank 3 million francs on Monday.",
        "Z\u00fcrich prosecutors welcomed the ruling.",
    ]
    # The term of ../shared/cases/nfc_glossary.csv is found in both paragraphs now.
    glossary = [GlossaryEntry("Z\u00fcrich", "チューリッヒ", "city in Switzerland (NFC)")]
    assert [[entry.english for entry, _ in find_terms(s, glossary)] for s in sentences] == [[], ["Zürich"], ["Zürich"]]
    # One form inside: the same page written composed, or all decomposed, is the same article.
    for form in ("NFC", "NFD"):
        twin = tmp_path / f"{form}.txt"
        twin.write_text(unicodedata.normalize(form, text), encoding="utf-8")
        assert import_paths(store, [twin]).unchanged == 1
    assert store.db["articles"].count == 1


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


def test_upper_case_txt_and_subfolders_are_found_hidden_names_are_not(store, tmp_path: Path):
    folder = tmp_path / "pages"
    (folder / "sub").mkdir(parents=True)
    (folder / ".git").mkdir()
    (folder / "A.TXT").write_text(page_text("Upper case", ["Body one."]), encoding="utf-8")
    (folder / "sub" / "b.Txt").write_text(page_text("Mixed case", ["Body two."]), encoding="utf-8")
    (folder / ".hidden.txt").write_text(page_text("Hidden", ["Body three."]), encoding="utf-8")
    (folder / ".git" / "c.txt").write_text(page_text("In .git", ["Body four."]), encoding="utf-8")
    report = import_paths(store, [folder])
    assert [(scan.path, scan.found) for scan in report.folders] == [(str(folder), 2)]
    assert (report.new, report.errors) == (2, [])
    assert sorted(a.headline for a in store.articles("ja")) == ["Mixed case", "Upper case"]


def test_a_folder_without_pages_is_an_error(store, tmp_path: Path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.md").write_text("not a page\n")
    report = import_paths(store, [tmp_path / "empty"])
    assert [(scan.path, scan.found) for scan in report.folders] == [(str(tmp_path / "empty"), 0)]
    assert [str(e) for e in report.errors] == [f"{tmp_path / 'empty'}: no page files (*.txt) in this folder"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_special_files_are_skipped_and_each_is_reported(store, tmp_path: Path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(page_text("A page", ["Body."]), encoding="utf-8")
    os.mkfifo(folder / "fifo.txt")
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(folder / "socket.txt"))
        started = time.monotonic()
        report = import_paths(store, [folder, folder / "fifo.txt", Path("/dev/zero")])
    assert time.monotonic() - started < 10  # nothing waited on the pipe nor read the device
    assert report.new == 1
    assert [str(e) for e in report.errors] == [
        f"{folder / 'dangling.txt'}: skipped: a symbolic link to a missing file",
        f"{folder / 'fifo.txt'}: skipped: a named pipe (FIFO), not a regular file",
        f"{folder / 'socket.txt'}: skipped: a socket, not a regular file",
        f"{folder / 'zero.txt'}: skipped: a character device, not a regular file",
        f"{folder / 'fifo.txt'}: skipped: a named pipe (FIFO), not a regular file",
        "/dev/zero: skipped: a character device, not a regular file",
    ]


def test_a_page_over_the_size_limit_is_refused_unread(tmp_path: Path):
    path = tmp_path / "big.txt"
    with path.open("wb") as file:
        file.truncate(MAX_INPUT_BYTES + 1)  # sparse: no disk used
    with pytest.raises(InputTooLarge, match=r"big.txt: larger than 4 MiB, the most a page may hold$"):
        read_page(path)
    path.write_bytes(b"x" * MAX_INPUT_BYTES)  # at the limit: read, and its line found too long
    with pytest.raises(PageFormatError, match="big.txt: line 1 is 4,194,304 characters long"):
        read_page(path)


def test_repaired_text_is_stored_with_its_original(store):
    page_ = parse_page(
        "HOME > X > Article\nProcter &amp; Gamble shares fall\nShares fell.\nThe company&#8217;s chief quit.\n"
        "(2025/03/01 10:30)\n- 03/01 10:00 Minister\u00e2\u20ac\u2122s aide resigns\n"
    )
    assert save_page(store, page_) == (Outcome.NEW, 1)
    assert store.repairs(1) == {
        0: Cleaned("Procter & Gamble shares fall", "Procter &amp; Gamble shares fall", ("html-entities",)),
        2: Cleaned("The company’s chief quit.", "The company&#8217;s chief quit.", ("html-entities",)),
    }
    assert store.repairs(2) == {
        0: Cleaned("Minister’s aide resigns", "- 03/01 10:00 Minister\u00e2\u20ac\u2122s aide resigns", ("mojibake",))
    }
    assert store.source_sentences(1) == ["Procter & Gamble shares fall", "Shares fell.", "The company’s chief quit."]


def test_repairs_are_described_by_name_and_lines():
    def repair(line: int, *names: str) -> Repair:
        return Repair(line, Cleaned("", "", names))

    repairs = PageRepairs("p.txt", (repair(2, "html-entities"), repair(3, "html-entities"), repair(4, "html-entities", "spaces"), repair(6, "html-entities", "spaces"), repair(9, "mojibake")))
    assert repairs.describe() == "html-entities (lines 2-4, 6), spaces (lines 4, 6), mojibake (line 9)"


# -- identity: which stored article a page is ----------------------------------------------

QUAKE = ["A strong earthquake struck northern Japan on Monday.", "No tsunami warning was issued."]
AT = jst(2025, 3, 3, 8, 0)


def test_a_corrected_headline_updates_the_article_and_makes_its_japanese_stale(store):
    save_page(store, page("Quake hits nothern Japan", QUAKE, published=AT))
    run(store, FakeEngine)
    assert save_page(store, page("Quake hits northern Japan", QUAKE, published=AT)) == (Outcome.UPDATED, 0)
    [article] = store.articles("ja")
    assert (article.id, article.headline, article.status) == (1, "Quake hits northern Japan", Status.STALE)


def test_a_corrected_body_updates_the_article(store):
    body = ["The talks ended on Friday.", "No deal was reached.", "They will meet again.", "Both sides said so."]
    save_page(store, page("Talks end", body, published=AT))
    corrected = ["The talks ended on Thursday.", *body[1:]]
    assert save_page(store, page("Talks end without a deal", corrected, published=AT)) == (Outcome.UPDATED, 0)
    assert [a.headline for a in store.articles("ja")] == ["Talks end without a deal"]


def test_a_corrected_headline_and_sentence_of_a_short_story_updates_the_article(store):
    save_page(store, page("Quake hits nothern Japan", QUAKE, published=AT))
    corrected = [QUAKE[0], "No tsunami warning was given."]
    assert save_page(store, page("Quake hits northern Japan", corrected, published=AT)) == (Outcome.UPDATED, 0)
    assert store.db["articles"].count == 1


def test_two_stories_in_the_same_minute_stay_two_articles(store):
    save_page(store, page("Tokyo stocks close higher", ["The Nikkei rose 1 percent.", "Exporters led."], published=AT))
    assert save_page(store, page("Tokyo stocks close lower", ["The Topix fell.", "Banks led."], published=AT)) == (
        Outcome.NEW,
        0,
    )
    assert save_page(store, page("Quake hits northern Japan", QUAKE, published=AT)) == (Outcome.NEW, 0)
    # alike headlines, different stories: their bodies share no sentence
    assert save_page(store, page("Trade talks between US and China resume", ["Talks resumed in Geneva."], published=AT))[0] == Outcome.NEW
    assert save_page(store, page("Trade talks between UK and China resume", ["Talks resumed in London."], published=AT))[0] == Outcome.NEW
    assert store.db["articles"].count == 5


def test_a_page_completes_its_sidebar_headline_even_with_the_typo_fixed(store):
    save_page(store, page("Other page", sidebar=[(AT, "Quake hits nothern Japan")]))
    assert save_page(store, page("Quake hits northern Japan", QUAKE, published=AT)) == (Outcome.NEW, 0)
    assert store.db["articles"].count == 2
    # a sidebar naming the story by its old headline adds nothing
    assert save_page(store, page("Third page", sidebar=[(AT, "Quake hits nothern Japan")]))[1] == 0
    assert same_story(store, AT.isoformat(), "Quake hits nothern Japan").headline == "Quake hits northern Japan"


_words = st.lists(st.sampled_from("talks quake minister court vote shares police city army deal".split()), min_size=2, max_size=8)
_sentence = _words.map(lambda words: " ".join(words).capitalize() + ".")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    headlines=st.tuples(_words.map(" ".join), _words.map(" ".join)),
    body=st.lists(_sentence, min_size=1, max_size=5, unique=True),
    other=st.lists(_sentence, min_size=1, max_size=5, unique=True),
)
def test_identity_invariants(tmp_path_factory, headlines, body, other):
    """Any headline over the same body is one story; different headlines over bodies sharing no sentence are two."""
    with opened(tmp_path_factory.mktemp("db") / "news.db") as store:
        save_page(store, page(headlines[0], body, published=AT))
        save_page(store, page(headlines[1], body, published=AT))
        assert [a.headline for a in store.articles("ja")] == [headlines[1]]
        assume(headlines[0] != headlines[1] and not set(body) & set(other))
        save_page(store, page(headlines[0], other, published=AT))
        assert store.db["articles"].count == 2

"""The static export: a folder of pages that works from file://, rewritten only where it changed."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from translator.cli import cli
from translator.core.errors import SiteError
from translator.text.importer import import_paths
from translator.site.export import MANIFEST, RelativeUrls, export_site

from .conftest import SPAIN, jst, page_text, parse_html, subheading

MEXICO = "Mexico says won't accept US 'invasion' in fight against cartels"
SITE_FILES = {
    "index.html",
    "ja/index.html",
    "articles/1/en.html",
    "articles/1/ja.html",
    "articles/2/en.html",
    "articles/2/ja.html",
    "static/pages.css",
}



@pytest.fixture(autouse=True)
def translations_go_live(hermetic, monkeypatch):
    """These tests are about the pages of published translations: `translate run` publishes
    what it translates (policy `current`); the default, `approved`, is tested in test_desk_editing.py."""
    monkeypatch.setenv("TRANSLATE_PUBLISH_POLICY", "current")


def export(app, folder: Path):
    with app.store() as store:
        return export_site(store, folder)


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def reimport_spain(app, tmp_path: Path, body: list) -> None:
    changed = tmp_path / "spain-changed.txt"
    changed.write_text(page_text(SPAIN, body, jst(2025, 2, 21, 18, 37)), encoding="utf-8")
    with app.store() as store:
        import_paths(store, [changed])


def test_one_page_per_article_and_language_and_an_index_per_language(bilingual_app, tmp_path):
    report = export(bilingual_app, tmp_path / "site")
    assert set(report.written) == SITE_FILES and report.removed == () and report.unchanged == 0
    assert set(tree(tmp_path / "site")) == SITE_FILES | {MANIFEST}


def test_every_page_parses_and_every_link_leads_to_a_page_of_the_site(bilingual_app, tmp_path):
    folder = tmp_path / "site"
    export(bilingual_app, folder)
    for path in sorted(p for p in SITE_FILES if p.endswith(".html")):
        root = parse_html((folder / path).read_text(encoding="utf-8"))
        assert root.find(".//script") is None
        addresses = [el.get("href") or el.get("src") for el in root.iter() if el.get("href") or el.get("src")]
        for address in addresses:
            assert not re.match(r"[a-z]+:|/", address), f"{path}: {address} is not relative"
            assert posixpath.normpath(posixpath.join(posixpath.dirname(path), address)) in SITE_FILES, (path, address)


def test_the_pages_are_the_served_pages_with_relative_links(bilingual_app, tmp_path):
    folder = tmp_path / "site"
    export(bilingual_app, folder)
    english = parse_html((folder / "articles/1/en.html").read_text(encoding="utf-8"))
    assert english.find(".//p[@class='other-language']/a").get("href") == "../../articles/1/ja.html"
    assert english.find(".//aside//a").get("href") == "../../articles/2/en.html"
    assert english.find(".//nav/a").get("href") == "../../index.html"
    japanese = parse_html((folder / "articles/1/ja.html").read_text(encoding="utf-8"))
    assert japanese.get("lang") == "ja"
    assert "".join(japanese.find(".//p[@class='timestamp']").itertext()) == "（2025年2月21日 18時38分）"
    assert japanese.find(".//p[@class='other-language']/a").get("href") == "../../articles/1/en.html"
    assert japanese.find(".//nav/a").get("href") == "../../ja/index.html"


def test_the_same_database_gives_the_same_folder_byte_for_byte(bilingual_app, tmp_path):
    export(bilingual_app, tmp_path / "one")
    export(bilingual_app, tmp_path / "two")
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_a_re_run_without_changes_writes_nothing(bilingual_app, tmp_path):
    folder = tmp_path / "site"
    export(bilingual_app, folder)
    times = {path: (folder / path).stat().st_mtime_ns for path in SITE_FILES | {MANIFEST}}
    report = export(bilingual_app, folder)
    assert (report.written, report.removed, report.unchanged) == ((), (), len(SITE_FILES))
    assert {path: (folder / path).stat().st_mtime_ns for path in times} == times


def test_a_changed_article_rewrites_its_pages_and_an_unpublished_one_loses_its_japanese(bilingual_app, tmp_path):
    folder = tmp_path / "site"
    export(bilingual_app, folder)
    reimport_spain(bilingual_app, tmp_path, ["Spain's former football chief was fined 3,000 euros.", subheading("Appeal"), "He said he would appeal."])

    # Its Japanese is stale now, so not published: its page goes, and with it its place in the Japanese lists.
    report = export(bilingual_app, folder)
    assert report.written == ("articles/1/ja.html", "articles/2/en.html", "ja/index.html")
    assert report.removed == ("articles/2/ja.html",)
    assert not (folder / "articles/2/ja.html").exists()
    english = (folder / "articles/2/en.html").read_text(encoding="utf-8")
    assert "fined 3,000 euros" in english and "Japanese Translation in Preparation" in english

    bilingual_app.translate_pending()
    report = export(bilingual_app, folder)
    assert report.written == ("articles/1/ja.html", "articles/2/en.html", "articles/2/ja.html", "ja/index.html")
    assert report.removed == ()
    assert tree(folder) == tree(_fresh_export(bilingual_app, tmp_path / "fresh"))


def _fresh_export(app, folder: Path) -> Path:
    export(app, folder)
    return folder


def test_a_body_change_leaves_the_lists_alone(bilingual_app, tmp_path):
    folder = tmp_path / "site"
    export(bilingual_app, folder)
    reimport_spain(bilingual_app, tmp_path, ["Spain's former football chief was fined.", "He said he would appeal."])
    bilingual_app.translate_pending()
    assert export(bilingual_app, folder).written == ("articles/2/en.html", "articles/2/ja.html")


def test_an_edited_translation_is_seen_whoever_wrote_it(bilingual_app, tmp_path):
    folder = tmp_path / "site"
    export(bilingual_app, folder)
    with bilingual_app.store() as store:
        store.db.execute(
            "update sentence_translations set text = '元サッカー連盟会長に罰金' where article_id = 2 and source = ?",
            ["Spain's former football chief was fined."],
        )
        store.db.conn.commit()
    assert export(bilingual_app, folder).written == ("articles/2/ja.html",)
    assert "元サッカー連盟会長に罰金" in (folder / "articles/2/ja.html").read_text(encoding="utf-8")


def test_a_missing_page_is_written_again(bilingual_app, tmp_path):
    folder = tmp_path / "site"
    export(bilingual_app, folder)
    (folder / "articles/1/ja.html").unlink()
    assert export(bilingual_app, folder).written == ("articles/1/ja.html",)


def test_other_files_in_the_folder_are_left_alone(bilingual_app, tmp_path):
    folder = tmp_path / "site"
    (folder / "articles/2").mkdir(parents=True)
    (folder / "articles/2/notes.txt").write_text("mine", encoding="utf-8")
    (folder / "robots.txt").write_text("User-agent: *", encoding="utf-8")
    export(bilingual_app, folder)
    (tmp_path / "outside.txt").write_text("keep", encoding="utf-8")
    manifest = (folder / MANIFEST).read_text(encoding="utf-8")
    (folder / MANIFEST).write_text(manifest.replace('"index.html"', '"../outside.txt": "x",\n"index.html"'), encoding="utf-8")
    reimport_spain(bilingual_app, tmp_path, ["Changed."])
    assert export(bilingual_app, folder).removed == ("articles/2/ja.html",)
    assert (folder / "articles/2/notes.txt").read_text(encoding="utf-8") == "mine"
    assert (folder / "robots.txt").exists() and (tmp_path / "outside.txt").exists()


def test_another_sites_folder_is_refused_not_overwritten(bilingual_app, tmp_path):
    folder = tmp_path / "www"
    folder.mkdir()
    (folder / "index.html").write_text("<h1>Our home page</h1>", encoding="utf-8")
    with pytest.raises(SiteError, match=r"www: index.html is there, and no export made it: export into a new or empty folder$"):
        export(bilingual_app, folder)
    assert tree(folder) == {"index.html": b"<h1>Our home page</h1>"}
    (folder / "index.html").unlink()
    assert set(export(bilingual_app, folder).written) == SITE_FILES
    assert export(bilingual_app, folder).written == ()  # its own folder now: a re-run is no refusal


def test_an_export_stopped_halfway_is_still_its_own_folder(bilingual_app, tmp_path, monkeypatch):
    from translator.site import export as export_module

    folder, render = tmp_path / "site", export_module._render

    def stopped_after_two_pages(*args):
        for n, page in enumerate(render(*args)):
            if n == 2:
                raise KeyboardInterrupt
            yield page

    monkeypatch.setattr(export_module, "_render", stopped_after_two_pages)
    with pytest.raises(KeyboardInterrupt):
        export(bilingual_app, folder)
    assert len(list(folder.rglob("*.html"))) == 2
    monkeypatch.undo()
    export(bilingual_app, folder)  # not refused as another site's folder
    assert set(tree(folder)) == SITE_FILES | {MANIFEST}


def test_a_folder_that_cannot_be_written(bilingual_app, tmp_path):
    (tmp_path / "site").write_text("a file", encoding="utf-8")
    with pytest.raises(SiteError, match=r"site: cannot write the site \(File exists\)"):
        export(bilingual_app, tmp_path / "site")


def test_cli_publish(bilingual_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["publish", "site"], obj=bilingual_app, catch_exceptions=False)
    assert (result.exit_code, result.stdout) == (0, "site: 7 files written, 0 removed, 0 unchanged; open site/index.html\n")
    result = runner.invoke(cli, ["publish", "site"], obj=bilingual_app, catch_exceptions=False)
    assert result.stdout == "site: 0 files written, 0 removed, 7 unchanged; open site/index.html\n"
    (tmp_path / "file").write_text("", encoding="utf-8")
    result = runner.invoke(cli, ["publish", "file/site"], obj=bilingual_app, catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (1, "Error: file/site: cannot write the site (Not a directory)\n")


def test_cli_publish_needs_a_database(tmp_path):
    result = CliRunner().invoke(cli, ["publish", str(tmp_path / "site")], catch_exceptions=False)
    assert result.exit_code == 1 and result.stderr.startswith("Error: no database at ")
    assert not (tmp_path / "site").exists()


PATHS = st.one_of(
    st.sampled_from(["index.html", "ja/index.html", "static/pages.css"]),
    st.builds(lambda i, lang: f"articles/{i}/{lang}.html", st.integers(1, 10**6), st.sampled_from(["en", "ja"])),
)


@given(PATHS, st.integers(1, 10**6), st.sampled_from(["en", "ja"]))
def test_a_relative_link_leads_where_it_says(page_path, article_id, lang):
    urls = RelativeUrls(page_path)
    here = posixpath.dirname(page_path)
    assert posixpath.normpath(posixpath.join(here, urls.article(article_id, lang))) == f"articles/{article_id}/{lang}.html"
    assert posixpath.normpath(posixpath.join(here, urls.index("ja"))) == "ja/index.html"
    assert posixpath.normpath(posixpath.join(here, urls.asset("pages.css"))) == "static/pages.css"


def test_a_reader_follows_the_links_in_the_folder_over_file_urls(bilingual_app, tmp_path, page):
    folder = tmp_path / "site"
    export(bilingual_app, folder)
    base = folder.as_uri()
    page.goto(f"{base}/index.html")
    page.get_by_role("link", name=MEXICO).click()
    page.wait_for_url(f"{base}/articles/1/en.html")
    assert page.locator("h1").inner_text() == MEXICO
    # The stylesheet loaded from the folder: the sidebar sits beside the article.
    assert page.locator("aside").bounding_box()["x"] > page.locator("article").bounding_box()["x"]
    page.get_by_role("link", name="Click Here for Japanese Translation").click()
    page.wait_for_url(f"{base}/articles/1/ja.html")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == f"<訳>{MEXICO}"
    page.get_by_role("link", name="英語の原文はこちら").click()
    page.wait_for_url(f"{base}/articles/1/en.html")
    page.locator("aside").get_by_role("link", name=SPAIN).click()
    page.wait_for_url(f"{base}/articles/2/en.html")
    assert page.locator("h1").inner_text() == SPAIN
    page.get_by_role("link", name="HOME").click()
    page.wait_for_url(f"{base}/index.html")


def test_an_export_takes_no_write_lock(bilingual_app, tmp_path, monkeypatch):
    """The export reads a snapshot: a batch or the desk holding the write lock does not stop it."""
    import translator.store.connection as connection

    monkeypatch.setattr(connection, "BUSY_TIMEOUT_SECONDS", 0.5)  # were it to wait, it would fail fast
    with bilingual_app.store() as writer, bilingual_app.store() as reader:
        with writer.transaction():  # BEGIN IMMEDIATE: the write lock, held through the export
            report = export_site(reader, tmp_path / "site")
    assert set(report.written) == SITE_FILES

"""The article pages, served: both languages joined by the link, as the journal lays them out."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translator.app import App
from translator.core.errors import ConfigError
from translator.text.importer import import_paths, save_page
from translator.text.journal import parse_page
from translator.core.news import Block, BlockKind
from translator.quality.style import apply_news_style
from translator.web import create_app
from translator.site.pages import SIDEBAR_SIZE, ArticlePage, Entry, fit_for_html, japanese_time, render_article
from translator.web.pages import route_rule

from .conftest import SEED, SPAIN, page_text, parse_html

MEXICO = "Mexico says won't accept US 'invasion' in fight against cartels"



@pytest.fixture(autouse=True)
def translations_go_live(hermetic, monkeypatch):
    """These tests are about the pages of published translations: `translate run` publishes
    what it translates (policy `current`); the default, `approved`, is tested in test_desk_editing.py."""
    monkeypatch.setenv("TRANSLATE_PUBLISH_POLICY", "current")


def get(app: App, url: str, status: int = 200) -> str:
    response = create_app(app).test_client().get(url)
    assert response.status_code == status, response.text
    return response.text


def text(element) -> str:
    return "".join(element.itertext())


def sidebar(root) -> list[tuple[str, str, str | None]]:
    """(time, headline, href or None) of each sidebar entry."""
    return [
        (text(li.find("time")), text(li)[len(text(li.find("time"))) + 1 :], li.find("a").get("href") if li.find("a") is not None else None)
        for li in root.iterfind(".//aside//li")
    ]


def test_the_english_page_as_the_journal_lays_it_out(bilingual_app):
    root = parse_html(get(bilingual_app, "/articles/1/en"))
    seed = parse_page(SEED.read_text(encoding="utf-8"))
    assert root.get("lang") == "en"
    assert text(root.find(".//nav")) == "HOME > AFP-JIJI PRESS NEWS JOURNAL > Article"
    assert root.find(".//nav/a").get("href") == "/"
    assert text(root.find(".//h1")) == MEXICO
    blocks = [(el.tag, text(el)) for el in root.find(".//article") if el.tag in ("p", "h2") and el.get("class") != "timestamp"]
    assert blocks == [("h2" if b.kind == BlockKind.SUBHEADING else "p", b.text) for b in seed.body]
    assert text(root.find(".//p[@class='timestamp']")) == "(2025/02/21 18:38)"
    link = root.find(".//p[@class='other-language']/a")
    assert (text(link), link.get("href")) == ("Click Here for Japanese Translation", "/articles/1/ja")
    entries = sidebar(root)
    assert len(entries) == SIDEBAR_SIZE == len(seed.sidebar) - 1  # the others of the sample page's 42
    assert entries[0] == ("02/21 18:37", SPAIN, "/articles/2/en")
    assert entries[1:] == [(h.published.strftime("%m/%d %H:%M"), h.headline, None) for h in seed.sidebar[2:]]


def test_the_japanese_page_in_the_same_form(bilingual_app):
    root = parse_html(get(bilingual_app, "/articles/1/ja"))
    assert root.get("lang") == "ja"
    assert text(root.find(".//nav")) == "ホーム > AFP-JIJI PRESS NEWS JOURNAL > 記事"
    assert root.find(".//nav/a").get("href") == "/ja/"
    assert text(root.find(".//h1")) == f"<訳>{MEXICO}"
    assert text(root.find(".//p[@class='machine-translation']")) == (
        "この記事は英語の原文を機械翻訳したものです。編集部による確認はまだ済んでいません。"
    )
    paragraphs = [text(p) for p in root.iterfind(".//article/p") if not p.get("class")]
    assert paragraphs[9] == "<訳>The lawsuit could lead to a new charge of alleged complicity with terrorist groups, she said."
    assert [text(h) for h in root.iterfind(".//article/h2")] == ["<訳>'Eligible for drone strikes'?", "<訳>Mexico adjusting strategy"]
    assert text(root.find(".//p[@class='timestamp']")) == "（2025年2月21日 18時38分）"
    back = root.find(".//p[@class='other-language']/a")
    assert (text(back), back.get("href"), back.get("hreflang")) == ("英語の原文はこちら", "/articles/1/en", "en")
    entries = sidebar(root)
    assert entries[0] == ("2月21日 18:37", f"<訳>{SPAIN}", "/articles/2/ja")
    assert entries[1] == ("2月21日 18:35", "<訳>Musk says Trump right to slam 'despised' Zelensky", None)
    assert len(entries) == SIDEBAR_SIZE


@pytest.mark.parametrize(
    "published, written",
    [("2025-02-21T18:38:00+09:00", "2025年2月21日 18時38分"), ("2024-12-01T09:05:00+09:00", "2024年12月1日 9時05分"), ("2025-01-09T00:00:00+09:00", "2025年1月9日 0時00分")],
)
def test_japanese_time(published, written):
    assert japanese_time(published) == written


def test_the_link_is_live_only_while_the_japanese_is_up_and_never_changes(fake_engine, tmp_path):
    app = App(engine_factory=lambda config: fake_engine)
    with app.store(create=True) as store:
        import_paths(store, [SEED])
    english = parse_html(get(app, "/articles/1/en"))
    assert english.find(".//p[@class='other-language']/a") is None
    assert text(english.find(".//p[@class='in-preparation']")) == "Japanese Translation in Preparation （日本語訳は準備中です）"
    assert "its translation is in preparation" in get(app, "/articles/1/ja", 404)

    app.translate_pending()
    with app.store() as store:
        published = store.aligned_article(1, "ja").links["ja"]
    assert parse_html(get(app, "/articles/1/en")).find(".//p[@class='other-language']/a").get("href") == published

    changed = tmp_path / "changed.txt"
    changed.write_text(SEED.read_text(encoding="utf-8").replace("Thursday", "Friday"), encoding="utf-8")
    with app.store() as store:
        import_paths(store, [changed])  # the English changed: its Japanese is stale, so not up
    assert parse_html(get(app, "/articles/1/en")).find(".//p[@class='other-language']/a") is None
    get(app, "/articles/1/ja", 404)

    app.translate_pending()
    assert parse_html(get(app, "/articles/1/en")).find(".//p[@class='other-language']/a").get("href") == published
    assert "&lt;訳&gt;Mexico&#39;s president warned the United States on Friday" in get(app, "/articles/1/ja")


def test_pages_that_do_not_exist(bilingual_app):
    assert "article 3 has no page in en: it is known only by its headline" in get(bilingual_app, "/articles/3/en", 404)
    assert "no article with id 99" in get(bilingual_app, "/articles/99/ja", 404)
    get(bilingual_app, "/articles/1/fr", 404)


def test_the_indexes_list_the_pages_in_their_language(bilingual_app):
    english = parse_html(get(bilingual_app, "/"))
    assert [(text(a), a.get("href")) for a in english.iterfind(".//main//li/a")] == [
        (MEXICO, "/articles/1/en"),
        (SPAIN, "/articles/2/en"),
    ]
    assert english.find(".//p[@class='other-language']/a").get("href") == "/ja/"
    japanese = parse_html(get(bilingual_app, "/ja/"))
    assert japanese.get("lang") == "ja"
    assert [(text(a), a.get("href")) for a in japanese.iterfind(".//main//li/a")] == [
        (f"<訳>{MEXICO}", "/articles/1/ja"),
        (f"<訳>{SPAIN}", "/articles/2/ja"),
    ]
    assert [text(t) for t in japanese.iterfind(".//main//li/time")] == ["2月21日 18:38", "2月21日 18:37"]


def test_an_empty_site_says_so(fake_engine):
    app = App(engine_factory=lambda config: fake_engine)
    with app.store(create=True):
        pass
    assert text(parse_html(get(app, "/ja/")).find(".//p[@class='empty']")) == "記事はまだありません。"


def test_the_server_answers_at_the_link_template(fake_engine, monkeypatch):
    monkeypatch.setenv("TRANSLATE_LINK_TEMPLATE", "https://news.example/{lang}/{id}.html")
    app = App(engine_factory=lambda config: fake_engine)
    with app.store(create=True) as store:
        import_paths(store, [SEED])
    app.translate_pending()
    english = parse_html(get(app, "/en/1.html"))
    assert english.find(".//p[@class='other-language']/a").get("href") == "/ja/1.html"
    assert parse_html(get(app, "/ja/1.html")).get("lang") == "ja"
    get(app, "/articles/1/en", 404)


@pytest.mark.parametrize(
    "template, rule",
    [
        ("/articles/{id}/{lang}", "/articles/<int:article_id>/<any(en, ja):lang>"),
        ("https://news.example/{lang}/{id}.html", "/<any(en, ja):lang>/<int:article_id>.html"),
    ],
)
def test_route_rule(template, rule):
    assert route_rule(template) == rule


@pytest.mark.parametrize("template", ["/articles/{id}", "https://{lang}.news.example/{id}", "/a?id={id}&lang={lang}"])
def test_a_template_that_cannot_be_served(template):
    with pytest.raises(ConfigError, match="the link template needs {id} and {lang} in its path"):
        route_rule(template)


def test_pages_load_nothing_from_elsewhere(bilingual_app):
    for url in ("/", "/ja/", "/articles/1/en", "/articles/1/ja"):
        html = get(bilingual_app, url)
        root = parse_html(html)
        assert root.find(".//script") is None and root.find(".//img") is None
        addresses = [el.get("href") or el.get("src") for el in root.iter() if el.get("href") or el.get("src")]
        assert addresses and all(re.fullmatch(r"/[^/].*|/", a) for a in addresses), addresses


class _Urls:
    def article(self, article_id: int, lang: str) -> str:
        return f"/articles/{article_id}/{lang}"

    def index(self, lang: str) -> str:
        return "/"

    def asset(self, name: str) -> str:
        return f"/static/{name}"


@pytest.mark.parametrize(
    "given, fit",
    [
        ("tab\tform feed\x0cline\nend", "tab\tform feed\x0cline\nend"),
        ("nul\x00 bell\x07 del\x7f c1\x85", "nul\ufffd bell\ufffd del\ufffd c1\ufffd"),
        ("\ufdd0\ufffe\uffff\U0001fffe\U0010ffff", "\ufffd" * 5),
        ("emoji \U0001f600 CJK Ext. B \U00020000 \U0002fffd", "emoji \U0001f600 CJK Ext. B \U00020000 \U0002fffd"),
    ],
)
def test_code_points_html_forbids_are_replaced(given, fit):
    assert fit_for_html(given) == fit
    page = ArticlePage(1, "en", given, "2025-02-21T18:38:00+09:00", (), False, False, ())
    assert text(parse_html(render_article(page, _Urls())).find(".//h1")) == fit


# Any text a page can hold: every code point but surrogates, which UTF-8 cannot carry,
# and CR, which HTML reads as a line end (journal lines never hold one).
ARTICLE_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r"), min_size=1)


@settings(max_examples=150, deadline=None)
@given(headline=ARTICLE_TEXT, paragraph=ARTICLE_TEXT, lang=st.sampled_from(["en", "ja"]))
def test_any_text_is_escaped_into_a_page_that_parses(headline, paragraph, lang):
    page = ArticlePage(
        1, lang, headline, "2025-02-21T18:38:00+09:00", (Block(BlockKind.PARAGRAPH, paragraph),), True, False,
        (Entry(2, "2025-02-21T18:37:00+09:00", headline, True),),
    )
    root = parse_html(render_article(page, _Urls()))
    assert text(root.find(".//h1")) == fit_for_html(headline)
    assert text(root.find(".//title")) == f"{fit_for_html(headline)} | AFP-JIJI PRESS NEWS JOURNAL"
    assert [text(p) for p in root.iterfind(".//article/p") if not p.get("class")] == [fit_for_html(paragraph)]
    assert root.find(".//script") is None


def test_markup_in_an_article_stays_text(fake_engine, tmp_path):
    headline = '<script>alert("x")</script> & co'
    app = App(engine_factory=lambda config: fake_engine)
    with app.store(create=True) as store:
        save_page(store, parse_page(page_text(headline, ['<img src=x onerror="alert(1)">'])))
    app.translate_pending()
    # The Japanese is the fake engine's '<訳>' + English, in news style (「」 quotes) like all machine output.
    for url, shown in (("/articles/1/en", headline), ("/articles/1/ja", apply_news_style("<訳>" + headline, headline=True))):
        html = get(app, url)
        assert "<script" not in html and "<img" not in html
        root = parse_html(html)
        assert text(root.find(".//h1")) == shown


def test_a_reader_follows_the_links_on_the_server(bilingual_app, live_server, page):
    url = live_server(bilingual_app)
    page.goto(f"{url}/articles/1/en")
    assert page.locator("h1").inner_text() == MEXICO
    # The stylesheet passed the Content-Security-Policy: the sidebar sits beside the article.
    assert page.locator("aside").bounding_box()["x"] > page.locator("article").bounding_box()["x"]
    page.get_by_role("link", name="Click Here for Japanese Translation").click()
    page.wait_for_url(f"{url}/articles/1/ja")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == f"<訳>{MEXICO}"
    page.get_by_role("link", name="英語の原文はこちら").click()
    page.wait_for_url(f"{url}/articles/1/en")
    page.locator("aside").get_by_role("link", name=SPAIN).click()
    page.wait_for_url(f"{url}/articles/2/en")
    assert page.locator("h1").inner_text() == SPAIN
    page.get_by_role("link", name="Click Here for Japanese Translation").click()
    page.wait_for_url(f"{url}/articles/2/ja")
    page.get_by_role("link", name="ホーム").click()
    page.wait_for_url(f"{url}/ja/")
    page.get_by_role("link", name=f"<訳>{MEXICO}").click()
    page.wait_for_url(f"{url}/articles/1/ja")


HEADLINES = ["Rates rise again", "Storm hits the coast", "Election called early", "Markets fall sharply",
             "Home team wins the cup", "New bridge opens", "Rail strike ends", "Forest fire spreads", "Trade deal signed"]  # fmt: skip


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from(["live", "withdrawn", "stale", "untranslated", "headline-only"])),
        min_size=1,
        max_size=len(HEADLINES) - 1,
    )
)
def test_a_served_page_reads_the_sidebars_the_whole_site_has(articles):
    # Site.load(around=id) reads a window per language; any mix of states and equal
    # times (ordered by id) must give each page the sidebars and state of the full read.
    from tempfile import TemporaryDirectory

    from translator.editorial import publish
    from translator.text.importer import save_page
    from translator.site import pages

    from .conftest import FakeEngine, jst, page

    with TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(pages, "SIDEBAR_SIZE", 3)  # windows shorter than the list
        app = App(flags={"db": f"{folder}/news.db"}, engine_factory=lambda config: FakeEngine())
        stories = [(HEADLINES[i + 1], jst(2025, 1, 1, 10, minute), state) for i, (minute, state) in enumerate(articles)]
        carrier = page(HEADLINES[0], published=jst(2025, 1, 1, 9, 0),
                       sidebar=[(when, h) for h, when, state in stories if state == "headline-only"])  # fmt: skip
        with app.store(create=True) as store:
            save_page(store, carrier)
            for headline, when, state in stories:
                if state not in ("headline-only", "untranslated"):
                    save_page(store, page(headline, [f"{headline}."], when))
        app.translate_pending()
        with app.store() as store:
            for headline, when, state in stories:
                if state == "untranslated" or state == "stale":
                    save_page(store, page(headline, [f"{headline}, changed."], when))
                elif state == "withdrawn":
                    publish.withdraw(store, store.db.execute("select id from articles where headline = ?", [headline]).fetchone()[0], "ja")
            whole = pages.Site.load(store)
            for (article_id,) in store.db.execute("select id from articles").fetchall():
                served = pages.Site.load(store, around=article_id)
                for lang in pages.LANGS:
                    assert served.sidebar(article_id, lang) == whole.sidebar(article_id, lang)
                assert served.live.get(article_id) == whole.live.get(article_id)
            assert len(whole.listings["en"]) == len(articles) + 1

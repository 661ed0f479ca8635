"""The desk in a real browser (Debian's chromium through Playwright), as an editor uses it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from translator.app import App
from translator.text.importer import import_paths
from translator.core.news import AuditAction, EditorialStatus, Origin

from .conftest import SEED, FakeEngine

SCREENSHOT = Path("/tmp/desk-side-by-side.png")
CORRECTION_SCREENSHOT = Path("/tmp/desk-correction.png")
PHONE_SCREENSHOT = Path("/tmp/desk-list-390px.png")
SEED_TEXT = SEED.read_text(encoding="utf-8")
CHANGED_FROM = "But the designation cannot be an opportunity for the US to invade our sovereignty"
CHANGED_TO = "But the designation must never be an opportunity for the US to invade our sovereignty"
ADDED = "Sheinbaum is due to speak again on Monday."


@pytest.fixture
def desk(live_server, monkeypatch, tmp_path: Path):
    """The seed page imported and machine-translated, served; publishing is the editors' (policy `approved`)."""
    monkeypatch.setenv("TRANSLATE_PUBLISH_POLICY", "approved")
    app = App(engine_factory=lambda config: FakeEngine())
    with app.store(create=True) as store:
        import_paths(store, [SEED])
    app.translate_pending()
    return app, live_server(app)


def name_yourself(page, url: str, name: str = "Hanako") -> None:
    page.goto(url + "/desk/")
    assert page.url.endswith("/desk/editor?next=/desk/")
    page.fill("input[name=name]", name)
    page.keyboard.press("Enter")
    page.wait_for_url(url + "/desk/")


def row(page, n: int):
    return page.locator(f"tr#s{n}")


def wait_origin(page, n: int, origin: str) -> None:
    page.wait_for_function(
        "([n, origin]) => document.querySelector(`tr#s${n} .origin`)?.textContent === origin", arg=[n, origin]
    )


def test_from_serve_to_a_published_japanese_article_and_a_correction(desk, page):
    app, url = desk
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message) or dialog.dismiss())
    name_yourself(page, url)

    # The list: newest first, the article machine-translated, nothing live under the policy `approved`.
    first = page.locator("table.articles tbody tr").first
    assert first.locator("td").nth(2).inner_text() == "machine-translated"
    assert first.locator("td").nth(3).inner_text() == ""
    first.locator("a").click()
    page.wait_for_url(url + "/desk/articles/1")
    assert page.locator("tr.block-start th").first.inner_text() == "HEADLINE"
    assert page.locator("tbody.block-subheading").count() == 2

    # An empty save is refused with a message, in place.
    assert page.inner_text("#status") == "machine-translated" and page.inner_text(".edited-count") == "0"
    box = row(page, 2).locator("textarea")
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.press("Control+Enter")
    assert page.locator(".save-error").inner_text() == (
        "Not saved: a sentence's Japanese cannot be empty: every English sentence needs its translation."
    )
    # Fix sentence 2: type into its box, save with Ctrl+Enter (in place, no reload). The header follows.
    page.keyboard.type("メキシコ大統領は木曜日、米国に警告した。")
    page.keyboard.press("Control+Enter")
    wait_origin(page, 2, "edited")
    assert row(page, 2).locator(".unedited .text").inner_text().startswith("<訳>Mexico's president warned")
    assert page.locator(".save-error").is_hidden()
    assert (page.inner_text("#status"), page.inner_text(".edited-count")) == ("edited", "1")

    # Fix sentence 3 without the mouse: Alt+ArrowDown moves to it, Ctrl+Enter saves.
    page.keyboard.press("Alt+ArrowDown")
    page.keyboard.press("Control+A")
    page.keyboard.type("この発言は、トランプ政権への一連の反論の最新のものだった。")
    page.keyboard.press("Control+Enter")
    wait_origin(page, 3, "edited")

    # Take an alternative for sentence 4: Escape, j to move on, a to open its alternatives, click the second.
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("a")
    page.wait_for_url(re.compile(r".*/desk/articles/1/sentences/[0-9a-f]{64}\?row=4$"))
    alternatives = page.locator("li.alternative .text")
    assert alternatives.count() == 5
    assert alternatives.nth(1).inner_text().startswith("<訳2>Mexico is trying")
    page.locator("li.alternative").nth(1).locator("button").click()
    page.wait_for_url(url + "/desk/articles/1#s4")
    assert row(page, 4).locator("textarea").input_value().startswith("<訳2>Mexico is trying")
    assert row(page, 4).locator(".origin").inner_text() == "edited"

    # Approve waits for the sentences with QA errors (the fake engine's '<訳>' + English is
    # 'English left untranslated'): each confirmed in place, the list and the button follow.
    assert page.locator("button.approve").is_disabled()
    flagged = [int(n) for n in page.locator(".need-review a").all_inner_texts()]
    # Sentence 4's alternative is the fake's English again: its save does not confirm its own error.
    assert len(flagged) > 20 and not {2, 3} & set(flagged) and 4 in flagged
    for n in flagged:
        row(page, n).locator("button.review").click()
        page.wait_for_function("(n) => document.querySelector(`tr#s${n} .reviewed`) !== null", arg=n)
    assert page.locator(".need-review").count() == 0
    # Approval means every sentence was seen: the ones still unreviewed are named by their count.
    # (Here every sentence was edited or confirmed: the fake's output is all flagged. test_desk_web.py
    # approves sentences left unreviewed, "Approve the 2 remaining sentences as they are".)
    assert page.inner_text("button.approve") == "Approve"
    # Approve, then publish: the Japanese page's link goes live.
    page.click("button.approve")
    assert page.inner_text("#status") == "approved"
    page.click("button.publish")
    assert page.inner_text("#status") == "published"
    assert page.get_attribute("a.live-link", "href") == "/articles/1/ja"
    page.screenshot(path=str(SCREENSHOT), full_page=False)
    with app.store() as store:
        article = store.aligned_article(1, "ja")
        assert article.links == {"ja": "/articles/1/ja", "en": "/articles/1/en"}
        trail = store.audit_trail(1, "ja")
        assert [(e.action, e.via, e.editor) for e in trail if e.action != AuditAction.REVIEW] == [
            (AuditAction.EDIT, "typed", "Hanako"),
            (AuditAction.EDIT, "typed", "Hanako"),
            (AuditAction.EDIT, "alternative", "Hanako"),
            (AuditAction.APPROVE, None, "Hanako"),
            (AuditAction.PUBLISH, None, "Hanako"),
        ]
        assert sum(e.action == AuditAction.REVIEW for e in trail) == len(flagged)
        assert article.approval.accepted == 0
    assert page.locator("table.audit tbody tr").count() == 5 + len(flagged)
    # The public Japanese page says what the editors checked.
    page.goto(url + "/articles/1/ja")
    total = len({p.source_hash for p in article.pairs})
    assert page.inner_text("p.machine-translation") == f"この記事は英語の原文を機械翻訳し、編集部が全{total}文を確認したものです。"
    page.go_back()

    # A corrected English page arrives: one sentence changed, one paragraph added; the batch runs.
    corrected = Path(app.config.db).parent / "corrected.txt"
    corrected.write_text(
        SEED_TEXT.replace(CHANGED_FROM, CHANGED_TO).replace("(2025/02/21 18:38)", f"{ADDED}\n(2025/02/21 18:38)"),
        encoding="utf-8",
    )
    with app.store() as store:
        import_paths(store, [corrected])
    app.translate_pending()

    page.goto(url + "/desk/")  # (a jump to #s6 on the same page would not reload it)
    page.goto(url + "/desk/articles/1#s6")
    assert page.inner_text("#status") == "stale"
    page.screenshot(path=str(CORRECTION_SCREENSHOT), full_page=False)
    changed = page.locator("tr.sentence.changed")
    assert changed.count() == 2
    old_to_new = changed.nth(0).locator(".english-diff")
    assert old_to_new.locator("del").all_inner_texts() == ["cannot"]
    assert old_to_new.locator("ins").all_inner_texts() == ["must never"]
    assert changed.nth(0).locator(".flag.changed").inner_text() == "English changed"
    assert changed.nth(1).locator(".english").inner_text() == ADDED
    assert changed.nth(1).locator(".flag.changed").inner_text() == "new sentence"
    assert changed.nth(0).locator("textarea").input_value() == f"<訳>{CHANGED_TO}, President Claudia Sheinbaum told a news conference."
    for n, text in [(2, "メキシコ大統領は木曜日、米国に警告した。"), (3, "この発言は、トランプ政権への一連の反論の最新のものだった。")]:
        assert row(page, n).locator("textarea").input_value() == text
        assert row(page, n).locator(".origin").inner_text() == "edited"
    assert row(page, 4).locator("textarea").input_value().startswith("<訳2>")
    assert page.locator("button.approve").is_disabled()
    assert page.locator(".need-review a").all_inner_texts() == ["6", "31"]
    page.goto(url + "/desk/?status=stale")
    assert page.locator("table.articles tbody tr").count() == 1
    with app.store() as store:
        assert store.aligned_article(1, "ja").editorial_status == EditorialStatus.STALE
        assert [p.origin for p in store.aligned_article(1, "ja").pairs[1:4]] == [Origin.EDITED] * 3
    assert dialogs == []


def test_the_list_fits_a_phone(desk, browser):
    """At 390 px wide (a phone) every headline of the list is on screen, not off to the right."""
    app, url = desk
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    page = context.new_page()
    try:
        name_yourself(page, url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        for link in page.locator("table.articles td.headline a").all()[:5]:
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        page.screenshot(path=str(PHONE_SCREENSHOT), full_page=False)
    finally:
        context.close()


def test_review_and_reapprove_with_the_keyboard_only(desk, page):
    app, url = desk
    name_yourself(page, url)
    page.goto(url + "/desk/articles/1")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("r")  # sentence 2 reviewed in place
    page.wait_for_function("() => document.querySelector('tr#s2 .reviewed') !== null")
    page.keyboard.press("Enter")  # edit sentence 2
    page.keyboard.type("（追記）")
    assert row(page, 2).locator(".unsaved").is_visible()
    page.keyboard.press("Escape")  # unsaved text undone
    assert not row(page, 2).locator(".unsaved").is_visible()
    assert row(page, 2).locator("textarea").input_value() == row(page, 2).locator("textarea").evaluate("t => t.defaultValue")
    with app.store() as store:
        assert [e.action for e in store.audit_trail(1, "ja")] == [AuditAction.REVIEW]
        assert store.aligned_article(1, "ja").pairs[1].reviewed


def test_the_desk_works_without_javascript(desk, browser):
    app, url = desk
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        name_yourself(page, url, "Taro")
        page.goto(url + "/desk/articles/1")
        row(page, 5).locator("textarea").fill("麻薬組織8団体がテロ組織に指定された。")
        row(page, 5).locator("button.save").click()
        page.wait_for_url(url + "/desk/articles/1#s5")
        assert row(page, 5).locator(".origin").inner_text() == "edited"
        row(page, 6).locator("button.review").click()
        page.wait_for_url(url + "/desk/articles/1#s6")
        assert row(page, 6).locator(".reviewed").count() == 1
    finally:
        context.close()
    with app.store() as store:
        assert [(e.action, e.editor) for e in store.audit_trail(1, "ja")] == [
            (AuditAction.EDIT, "Taro"), (AuditAction.REVIEW, "Taro"),
        ]


HOSTILE_HEADLINE = "<script>alert('headline')</script> \"quoted\" & 'single'"
HOSTILE_BODY = [
    "Click <a href=\"javascript:alert('body')\">here</a> now.",
    "An override \u202eredro\u202c mark and \u200fRLM text.",
]


def test_hostile_text_is_shown_as_text(live_server, page):
    from translator.text.importer import save_page

    from .conftest import page as journal_page

    app = App(engine_factory=lambda config: FakeEngine())
    with app.store(create=True) as store:
        save_page(store, journal_page(HOSTILE_HEADLINE, HOSTILE_BODY))
    app.translate_pending()
    url = live_server(app)
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message) or dialog.dismiss())
    name_yourself(page, url, "<img src=x onerror=alert('name')>")
    assert page.inner_text(".who b") == "<img src=x onerror=alert('name')>"
    assert page.locator("table.articles td.text a").inner_text() == HOSTILE_HEADLINE
    page.goto(url + "/desk/articles/1")
    assert page.inner_text("h1") == HOSTILE_HEADLINE
    assert row(page, 2).locator(".english").inner_text() == HOSTILE_BODY[0]
    assert page.locator("a[href^='javascript:']").count() == 0
    # A right-to-left override in one sentence stays inside its own box.
    assert row(page, 3).locator(".english").evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
    hostile_edit = "</textarea><script>alert('edit')</script>"
    box = row(page, 2).locator("textarea")
    box.fill(hostile_edit)
    box.press("Control+Enter")
    wait_origin(page, 2, "edited")
    page.reload()
    assert row(page, 2).locator("textarea").input_value() == hostile_edit
    assert page.locator("script").count() == 1  # desk.js only
    assert dialogs == []

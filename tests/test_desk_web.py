"""The desk's HTTP contract: editor names, CSRF on every change, escaping, list filters, errors, concurrency."""

from __future__ import annotations

import json
import re
import threading
import time

import html5lib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from translator.editorial import editing, terminology
from translator.app import App
from translator.text.importer import save_page
from translator.core.news import EditorialStatus, Hypothesis, sentence_hash
from translator.web import create_app

from .conftest import FakeEngine, jst, page

XHTML = "{http://www.w3.org/1999/xhtml}"
HOSTILE = "<script>alert(1)</script> \"q\" 'a' & javascript:alert(2) \u202eevil"


@pytest.fixture
def app():
    app = App(engine_factory=lambda config: FakeEngine())
    with app.store(create=True) as store:
        save_page(store, page("Talks end", ["One came. Two went.", "Three stayed."]))
    app.translate_pending()
    return app


def csrf(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)


def signed_in(app, name: str = "Hanako"):
    client = create_app(app).test_client()
    token = csrf(client.get("/desk/editor"))
    response = client.post("/desk/editor", data={"name": name, "next": "/desk/articles/1", "csrf_token": token})
    assert (response.status_code, response.headers["Location"]) == (302, "/desk/articles/1")
    return client, token


def sentence_url(source: str) -> str:
    return f"/desk/articles/1/sentences/{sentence_hash(source)}"


def texts(html: str, css_class: str) -> list[str]:
    """The text of every element of this class, as a browser's parser reads it."""
    tree = html5lib.parse(html)
    return [
        "".join(element.itertext())
        for element in tree.iter()
        if css_class in (element.get("class") or "").split()
    ]


@given(st.text(alphabet="ab 訳\u202e<", max_size=12), st.text(alphabet="ab 訳\u202e<", max_size=12), st.sampled_from(["word", "char"]))
def test_a_diff_gives_back_both_texts(old, new, unit):
    from translator.web.desk import diff

    runs = diff(old, new, unit)
    assert "".join(text for op, text in runs if op != "ins") == old
    assert "".join(text for op, text in runs if op != "del") == new
    assert all(text for _, text in runs)
    assert all(not (a == "same" and b == "same") for (a, _), (b, _) in zip(runs, runs[1:]))


def test_every_page_of_the_desk_asks_for_a_name_first(app):
    client = create_app(app).test_client()
    for path in ("/desk/", "/desk/articles/1", sentence_url("One came.") + "?row=2"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/desk/editor?next=/desk/")
    token = csrf(client.get("/desk/editor"))
    refused = client.post(sentence_url("One came."), data={"text": "x", "csrf_token": token})
    assert refused.status_code == 403
    assert client.post("/desk/editor", data={"name": " ", "csrf_token": token}).status_code == 400


def test_the_name_page_sends_only_to_desk_pages(app):
    client = create_app(app).test_client()
    token = csrf(client.get("/desk/editor"))
    for target in ("https://evil.example/", "//evil.example/desk/", "/desk/\\evil", "/static/x"):
        response = client.post("/desk/editor", data={"name": "Hanako", "next": target, "csrf_token": token})
        assert response.headers["Location"] == "/desk/"


@pytest.mark.parametrize(
    "path",
    [
        sentence_url("One came."),
        sentence_url("One came.") + "/review",
        "/desk/articles/1/approve",
        "/desk/articles/1/publish",
        "/desk/articles/1/unpublish",
        "/desk/editor",
    ],
)
def test_every_change_needs_the_csrf_token(app, path):
    client, _ = signed_in(app)
    assert client.post(path, data={"text": "x", "name": "Taro"}).status_code == 400
    with app.store() as store:
        assert store.audit_trail(1, "ja") == []


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.nip.io", "localhost.evil.example"])
def test_a_request_for_a_foreign_host_is_refused(app, host):
    """DNS rebinding: a page at evil.example whose name now resolves to 127.0.0.1 sends Host: evil.example.
    It can neither read a desk page (nor its CSRF token) nor set a name, edit, approve or publish."""
    client = create_app(app).test_client()
    for path in ("/desk/editor", "/desk/", "/", "/articles/1/en"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 421 and "csrf_token" not in response.text
    signed, token = signed_in(app)
    edit = signed.post(sentence_url("One came."), data={"text": "乗っ取り", "csrf_token": token}, headers={"Host": host})
    assert edit.status_code == 421
    with app.store() as store:
        assert store.audit_trail(1, "ja") == []


def test_loopback_names_and_the_allowed_hosts_are_answered(app):
    client = create_app(app, allowed_hosts=("desk.newsroom.example",)).test_client()
    for host in ("localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "desk.newsroom.example:8000"):
        assert client.get("/", headers={"Host": host}).status_code == 200
    assert client.get("/", headers={"Host": "other.newsroom.example"}).status_code == 421


@pytest.mark.parametrize(
    "header, other",
    [("Origin", "https://evil.example"), ("Origin", "null"), ("Referer", "https://evil.example/page")],
)
def test_a_change_from_another_origin_is_refused_even_with_the_token(app, header, other):
    """`Origin: null` is what a sandboxed frame or a file:// page sends: refused like any other."""
    client, token = signed_in(app)
    refused = client.post(sentence_url("One came."), data={"text": "乗っ取り", "csrf_token": token}, headers={header: other})
    assert refused.status_code == 403
    same = "http://localhost" + ("/desk/articles/1" if header == "Referer" else "")
    saved = client.post(sentence_url("One came."), data={"text": "一人来た。", "csrf_token": token}, headers={header: same})
    assert saved.status_code == 302
    with app.store() as store:
        assert [entry.after for entry in store.audit_trail(1, "ja")] == ["一人来た。"]


class PlainJapanese:
    """An engine whose Japanese QA finds nothing wrong in, so sentences can be left unreviewed."""

    package, package_version = "plain", "1"

    def translate(self, sentences):
        return [Hypothesis("会談は終わった。" if s.strip() else "", False, -0.1) for s in sentences]

    def alternatives(self, sentence, n):
        return self.translate([sentence])


def test_approval_names_the_sentences_no_one_reviewed_and_the_page_says_so():
    app = App(flags={"publish_policy": "approved"}, engine_factory=lambda config: PlainJapanese())
    with app.store(create=True) as store:
        save_page(store, page("Talks end", ["One came. Two went.", "Three stayed."]))
    app.translate_pending()
    client, token = signed_in(app)
    saved = client.post(sentence_url("One came."), data={"text": "一人が来た。", "csrf_token": token, "row": "2"},
                        headers={"X-Requested-With": "fetch", "X-CSRFToken": token})
    state = json.loads(saved.headers["X-Article-State"])
    assert (state["status"], state["edited"], state["remaining"], state["need_review"]) == ("edited", 1, 3, [])
    tree = html5lib.parse(client.get("/desk/articles/1").text)
    [button] = [b for b in tree.iter(f"{XHTML}button") if "approve" in (b.get("class") or "").split()]
    assert ("".join(button.itertext()), button.get("data-remaining")) == ("Approve the 3 remaining sentences as they are", "3")
    stale = client.post("/desk/articles/1/approve", data={"csrf_token": token, "accept_remaining": "2"})
    assert stale.status_code == 409 and "the page asked about 2: reload it" in stale.text
    approved = client.post("/desk/articles/1/approve", data={"csrf_token": token, "accept_remaining": "3"})
    assert approved.status_code == 302
    history = client.get("/desk/articles/1").text
    assert "approved 3 unreviewed sentences as they were" in history
    client.post("/desk/articles/1/publish", data={"csrf_token": token})
    note = "".join(texts(client.get("/articles/1/ja").text, "machine-translation"))
    assert note == "この記事は英語の原文を機械翻訳したものです。編集部が全4文のうち1文を確認し、残る3文は機械翻訳のまま承認しました。"
    with app.store() as store:  # reviews from before m011: what was seen is not known, and the page does not claim it
        store.db.execute("update sentence_reviews set text_hash = null, accepted = null")
        store.db.conn.commit()
    note = "".join(texts(client.get("/articles/1/ja").text, "machine-translation"))
    assert note == "この記事は英語の原文を機械翻訳し、編集部が承認したものです。"


def test_a_memory_suggestion_shows_what_it_gets_wrong_for_this_sentence():
    app = App(engine_factory=lambda config: PlainJapanese())
    with app.store(create=True) as store:
        save_page(store, page("Nikkei rises", ["The Nikkei rose 1.2 percent on Monday."]))
        save_page(store, page("Nikkei rises again", ["The Nikkei rose 2.5 percent on Monday."], published=jst(2025, 2, 22, 9, 0)))
    app.translate_pending()
    with app.store() as store:
        article = store.aligned_article(1, "ja")
        for pair in article.pairs:
            editing.edit_sentence(store, 1, "ja", pair.source_hash, "日経平均は月曜日に1.2%上昇した。" if "1.2" in pair.source else "日経平均が上昇", "Hanako")
        editing.approve(store, 1, "ja", "Hanako")
    client, _ = signed_in(app)
    response = client.get(f"/desk/articles/2/sentences/{sentence_hash('The Nikkei rose 2.5 percent on Monday.')}")
    assert response.status_code == 200
    flags = texts(response.text, "flag-error")
    assert flags == ["error: '2.5' is not in the Japanese"]


def test_a_headline_only_article_links_to_no_page():
    app = App(flags={"publish_policy": "current"}, engine_factory=lambda config: FakeEngine())
    with app.store(create=True) as store:
        save_page(store, page("Talks end", ["One came."], sidebar=[(jst(2025, 2, 21, 9, 0), "Rain falls")]))
    app.translate_pending()
    client, _ = signed_in(app)
    tree = html5lib.parse(client.get("/desk/articles/2").text)
    assert [a.get("href") for a in tree.iter(f"{XHTML}a") if (a.get("href") or "").startswith("/articles/")] == []
    assert "headline only: no page, its Japanese headline is in the sidebars" in "".join(texts(client.get("/desk/articles/2").text, "meta"))


def test_a_form_from_before_a_restart_says_to_reload(app):
    _, token = signed_in(app)
    restarted = create_app(app).test_client()  # a new process: a new secret key, no session it can read
    response = restarted.post(sentence_url("One came."), data={"text": "一人来た。", "csrf_token": token})
    assert response.status_code == 400
    assert texts(response.text, "error") == [
        "This page's form has expired (the desk restarted, or the session ended): reload the page, then save again."
    ]


def test_a_save_with_the_csrf_header_answers_with_the_new_row(app):
    client, token = signed_in(app)
    response = client.post(
        sentence_url("Two went."),
        data={"text": "二人が去った。", "row": "3"},
        headers={"X-CSRFToken": token, "X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<tr class="sentence" id="s3"')
    assert texts(response.text, "origin") == ["edited"]
    assert texts(response.text, "text") == ["<訳>Two went."]  # the machine output beside the edit


def test_a_form_save_returns_to_the_sentence(app):
    client, token = signed_in(app)
    response = client.post(sentence_url("Three stayed."), data={"text": "三人", "row": "4", "csrf_token": token})
    assert (response.status_code, response.headers["Location"]) == (302, "/desk/articles/1#s4")


def test_hostile_text_is_escaped_everywhere(app):
    with app.store() as store:
        save_page(store, page(HOSTILE, [HOSTILE], published=jst(2025, 2, 22, 9, 0)))
    app.translate_pending()
    client, token = signed_in(app, name="<b>Ed</b> \"x\"")
    client.post(f"/desk/articles/2/sentences/{sentence_hash(HOSTILE)}", data={"text": HOSTILE + "編集", "csrf_token": token})
    with app.store() as store:
        assert store.aligned_article(2, "ja").pairs[0].target == HOSTILE + "編集"
    for path in ("/desk/", "/desk/articles/2", f"/desk/articles/2/sentences/{sentence_hash(HOSTILE)}?row=1"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<b>Ed</b>" not in html
        assert 'href="javascript:' not in html
        tree = html5lib.parse(html)
        scripts = [element.get("src") for element in tree.iter(f"{XHTML}script")]
        assert scripts == ["/static/desk.js"]
    article = client.get("/desk/articles/2").text
    assert texts(article, "english") == [HOSTILE, HOSTILE]
    assert HOSTILE + "編集" in [
        element.text for element in html5lib.parse(article).iter(f"{XHTML}textarea")
    ]
    assert texts(article, "who") == ['Editor: <b>Ed</b> "x" (change)']


def test_the_list_filters_by_status_and_pages(app, monkeypatch):
    from translator.web import desk

    with app.store() as store:
        for n in range(3):
            save_page(store, page(f"Story {n}", published=jst(2025, 2, 22, 9, n)))
        editing.edit_sentence(store, 1, "ja", sentence_hash("One came."), "一人", "Hanako")
    client, _ = signed_in(app)

    def ids(path: str) -> list[str]:
        tree = html5lib.parse(client.get(path).text)
        return [row.get("data-id") for row in tree.iter(f"{XHTML}tr") if row.get("data-id")]

    assert ids("/desk/") == ["4", "3", "2", "1"]
    assert ids("/desk/?status=missing") == ["4", "3", "2"]
    assert ids("/desk/?status=edited") == ["1"]
    assert ids("/desk/?status=published") == []
    assert ids("/desk/?status=nonsense") == ["4", "3", "2", "1"]
    monkeypatch.setattr(desk, "PAGE_SIZE", 3)
    assert ids("/desk/?page=2") == ["1"]
    assert 'rel="next"' in client.get("/desk/").text
    with app.store() as store:
        assert store.editorial_counts("ja") == {
            EditorialStatus.MACHINE: 0, EditorialStatus.EDITED: 1, EditorialStatus.APPROVED: 0,
            EditorialStatus.PUBLISHED: 0, EditorialStatus.STALE: 0, EditorialStatus.MISSING: 3,
        }


def test_the_list_says_a_headline_only_article_is_in_sidebars_not_live():
    app = App(flags={"publish_policy": "current"}, engine_factory=lambda config: FakeEngine())
    with app.store(create=True) as store:
        save_page(store, page("Talks end", ["One came."], sidebar=[(jst(2025, 2, 21, 9, 0), "Rain falls")]))
    app.translate_pending()  # the publish policy `current`: both go up
    client, _ = signed_in(app)
    tree = html5lib.parse(client.get("/desk/").text)
    live = {row.get("data-id"): "".join(span.itertext()) for row in tree.iter(f"{XHTML}tr") if row.get("data-id")
            for span in row.iter(f"{XHTML}span") if "live" in (span.get("class") or "").split()}
    assert live == {"1": "live", "2": "in sidebars"}


def test_refusals_are_pages_not_tracebacks(app):
    client, token = signed_in(app)
    assert client.get("/desk/articles/9").status_code == 404
    assert client.get("/desk/articles/1/sentences/" + "0" * 64).status_code == 404
    approve = client.post("/desk/articles/1/publish", data={"csrf_token": token})
    assert approve.status_code == 409
    assert texts(approve.text, "error") == ["article 1 cannot be published: approve its translation first"]
    approve = client.post("/desk/articles/1/approve", data={"csrf_token": token})
    assert approve.status_code == 409
    assert texts(approve.text, "error") == [
        "article 1 cannot be approved: 4 sentences still need review (empty, or changed, cut short, or with a QA error)"
    ]
    blank = client.post(sentence_url("Two went."), data={"text": " \n", "csrf_token": token})
    assert blank.status_code == 409
    assert texts(blank.text, "error") == ["a sentence's Japanese cannot be empty: every English sentence needs its translation"]
    with app.store() as store:
        assert store.aligned_article(1, "ja").pairs[2].target == "<訳>Two went."


def test_alternatives_load_the_engine_once_per_server(app):
    built = []

    def factory(config):
        built.append(config)
        return FakeEngine()

    app = App(engine_factory=factory)
    client, _ = signed_in(app)
    for source in ("One came.", "Three stayed.", "One came."):
        response = client.get(sentence_url(source) + "?row=2")
        assert texts(response.text, "text")[:2] == [f"<訳>{source}", f"<訳2>{source}"]
    assert len(built) == 1


def test_alternatives_are_post_edited_as_the_batch_saves_its_output(app):
    with app.store() as store:
        terminology.add_term(store, "Talks", "協議")
    client, _ = signed_in(app)
    response = client.get(f"/desk/articles/1/sentences/{sentence_hash('Talks end')}?row=1")
    assert texts(response.text, "text")[:2] == ["<訳>協議end", "<訳2>協議end"]  # the glossary, then news style (no space before Latin)


def test_alternatives_say_why_when_no_model_is_installed(app):
    client, _ = signed_in(App())  # the real factory: no package in the test's models folder
    response = client.get(sentence_url("One came.") + "?row=2")
    assert response.status_code == 200
    [problem] = texts(response.text, "error")
    assert problem.startswith("Alternatives are unavailable: no en→ja package installed")


def test_the_desk_saves_while_a_run_writes_the_same_database(monkeypatch):
    """Edits through the desk while `translate run` saves 150 articles: every edit kept, no error reaches the editor."""
    app = App(engine_factory=lambda config: FakeEngine())
    with app.store(create=True) as store:
        for n in range(150):
            save_page(store, page(f"Story {n}", [f"First of {n}. Second of {n}."], published=jst(2025, 3, 1 + n // 24, n % 24, 0)))
    client, token = signed_in(app)
    started, failures, saved = threading.Event(), [], []

    def edit_while_running() -> None:
        started.wait(10)
        for n in range(150):
            article_id = n + 1
            response = client.post(
                f"/desk/articles/{article_id}/sentences/{sentence_hash(f'First of {n}.')}",
                data={"text": f"{n}番目の最初", "csrf_token": token},
            )
            if response.status_code != 302:
                failures.append((article_id, response.status_code, response.text[:200]))
            if client.get(f"/desk/articles/{article_id}").status_code != 200:
                failures.append((article_id, "read"))
            saved.append(article_id)

    desk = threading.Thread(target=edit_while_running)
    desk.start()
    report = app.translate_pending(on_start=lambda total: started.set(), on_article=lambda _: time.sleep(0.01))
    during = len(saved)
    desk.join(60)
    assert during > 0  # the two really ran at once
    assert failures == []
    assert report.articles == 150 and len(saved) == 150
    with app.store() as store:
        for n in range(150):
            first = store.aligned_article(n + 1, "ja").pairs[1]
            assert (first.target, first.unedited) == (f"{n}番目の最初", f"<訳>First of {n}.")
        assert store.db["audit"].count == 150


def test_translate_serve_starts_the_desk(tmp_path, app):
    """`translate serve` as a user starts it: a real process on a free loopback port, the desk behind /desk/."""
    import os
    import subprocess
    import sys
    import urllib.request

    env = {**os.environ, "TRANSLATE_DB": str(app.config.db)}
    server = subprocess.Popen(
        [sys.executable, "-m", "translator", "serve", "--port", "0"],
        env=env, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = server.stderr.readline()
        port = re.fullmatch(r"Serving on http://127\.0\.0\.1:(\d+)/ \(Ctrl-C to stop\)\n", line).group(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/desk/editor", timeout=10) as response:
            assert response.status == 200
            assert "Who is editing?" in response.read().decode()
    finally:
        server.terminate()
        server.wait(10)


def test_a_review_confirms_only_the_text_the_editor_saw(app):
    """Mark reviewed posts the row's text box: typed-over but unsaved text, or a text rewritten since
    the page loaded, is not confirmed."""
    client, token = signed_in(app)
    url = sentence_url("One came.") + "/review"
    typed = client.post(url, data={"text": "一人来た。", "csrf_token": token})
    assert typed.status_code == 409
    assert texts(typed.text, "error") == [
        "not marked reviewed: the Japanese in the box is not the saved text "
        "(save it first, or reload the page to see the saved one)"
    ]
    with app.store() as store:
        assert store.audit_trail(1, "ja") == []
    seen = client.post(url, data={"text": "<訳>One came.", "csrf_token": token})
    assert seen.status_code == 302
    with app.store() as store:
        assert [entry.action.value for entry in store.audit_trail(1, "ja")] == ["review"]

"""Issue 25's longest page: one paragraph of 262 KB (5,655 sentences), read and shown in memory linear in its text.

The handed file (../shared/cases/max_line_paragraph.txt) is made here again, byte for byte
(its SHA-256 is checked), rather than copied: 20 sentences in turn, just under the
import's line limit. Before issue 25 the aligned read copied the paragraph onto each
of its sentences' rows, 1.5 GB for `review`, `show` and the served page. Memory is
measured with tracemalloc (what Python allocates, the same on any machine); time is
bench/long_page.py's.
"""

from __future__ import annotations

import hashlib
import tracemalloc

import pytest

from translator.app import App
from translator.core.news import Hypothesis, Origin, TranslatedSentence
from translator.editorial.publish import publish_current
from translator.site.reading import article_view, render_text
from translator.site.review import render_review
from translator.text.importer import save_page
from translator.text.journal import parse_page
from translator.web import create_app

SUBJECTS = ("ministry", "agency", "council", "company", "union")
PREDICATES = ("said the plan would proceed in stages", "denied the report", "asked for more time", "promised a full review")
SENTENCES = [f"The {subject} {predicate} on day 1." for subject in SUBJECTS for predicate in PREDICATES]
PARAGRAPH = " ".join(SENTENCES[i % len(SENTENCES)] for i in range(5655))
PAGE = (
    "HOME > AFP-JIJI PRESS NEWS JOURNAL > Article\nMinistry outlines plan\n"
    f"{PARAGRAPH}\n(2025/06/01 09:00)\nClick Here for Japanese TranslationAFP-JIJI PRESS NEWS JOURNAL\n"
)
# Far above what the article needs (about 9 MiB), far below what the old read took (1.5 GB).
MEMORY_LIMIT = 64 * 2**20


def test_the_page_is_the_handed_file() -> None:
    assert len(PAGE.encode()) == 262_267
    assert hashlib.sha256(PAGE.encode()).hexdigest() == "919142b101c09a7966e63feb353067fb7db76bae931ba4035ad48339ce536e2a"


@pytest.fixture
def long_article(store, monkeypatch):
    """The page imported and translated ('<訳>' + English, saved as a run saves it) and published."""
    monkeypatch.setenv("TRANSLATE_PUBLISH_POLICY", "current")
    save_page(store, parse_page(PAGE))
    [(article_id, content_hash)] = store.pending("ja").items()
    store.save_translation(
        article_id,
        "ja",
        [
            TranslatedSentence(text, Hypothesis(f"<訳>{text}", False, -1.0), Origin.MACHINE)
            for text in ["Ministry outlines plan", *SENTENCES]
        ],
        package="fake-en_ja",
        package_version="1.0",
        source_hash=content_hash,
    )
    publish_current(store, "/articles/{id}/{lang}")
    return store


def peak(work) -> tuple[object, int]:
    """What `work()` returns, and the most memory Python held meanwhile beyond what it held before."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = work()
        return result, tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def test_review_and_show_read_the_long_page_in_little_memory(long_article) -> None:
    def review_and_show():
        article = long_article.aligned_article(1, "ja")
        return article, render_review(article, 160), render_text(article_view(article, "ja")), render_text(
            article_view(article, "en")
        )

    (article, review, japanese, english), used = peak(review_and_show)
    assert used < MEMORY_LIMIT
    assert [(block.kind.value, len(block.pairs)) for block in article.blocks] == [("headline", 1), ("paragraph", 5655)]
    assert article.blocks[1].text == PARAGRAPH
    assert [pair.source for pair in article.blocks[1].pairs] == [SENTENCES[i % 20] for i in range(5655)]
    assert review.count("<訳>The ministry denied the report on day 1.") == 283  # 5,655 sentences, 20 in turn
    assert PARAGRAPH in english
    assert japanese.count("<訳>") == 5656


def test_the_long_page_is_served_in_little_memory(long_article) -> None:
    client = create_app(App()).test_client()
    client.get("/articles/1/en")  # templates loaded, caches filled
    for lang, text in (("ja", f"<訳>{SENTENCES[0]}"), ("en", PARAGRAPH)):
        response, used = peak(lambda lang=lang: client.get(f"/articles/1/{lang}"))
        assert response.status_code == 200
        assert used < MEMORY_LIMIT
        assert text.replace("<", "&lt;").replace(">", "&gt;") in response.text

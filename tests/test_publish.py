"""Links: decided by publication, not by the batch; once given, never changed."""

from translator.translation import pipeline
from translator.editorial import publish
from translator.text.importer import import_paths, save_page
from translator.text.journal import parse_page
from translator.core.news import Status
from translator.site.reading import article_view

from .conftest import SEED, FakeEngine, page

TEMPLATE = "/articles/{id}/{lang}"


def test_link_fills_the_template():
    assert publish.link("https://example.com/{lang}/{id}.html", 7, "ja") == "https://example.com/ja/7.html"


def test_current_translations_are_published_once_with_both_links(store):
    import_paths(store, [SEED])
    pipeline.run(store, FakeEngine)
    assert publish.publish_current(store, TEMPLATE) == list(range(1, 43))
    assert store.aligned_article(1, "ja").links == {"ja": "/articles/1/ja", "en": "/articles/1/en"}
    assert publish.publish_current(store, TEMPLATE) == []


def test_only_current_translations_are_published(store):
    save_page(store, page("One"))
    pipeline.run(store, FakeEngine)
    save_page(store, page("Two", published=page("One").published.replace(hour=19)))
    assert publish.publish_current(store, TEMPLATE) == [1]
    assert store.aligned_article(2, "ja").links == {}


def test_a_link_never_changes(store):
    import_paths(store, [SEED])
    pipeline.run(store, FakeEngine)
    publish.publish_current(store, TEMPLATE)
    save_page(store, parse_page(SEED.read_text(encoding="utf-8").replace("Thursday", "Friday")))
    pipeline.run(store, FakeEngine)
    assert publish.publish_current(store, "https://new.example/{lang}/{id}") == []
    assert store.aligned_article(1, "ja").links == {"ja": "/articles/1/ja", "en": "/articles/1/en"}


def test_the_english_links_to_the_japanese_only_while_it_is_live(store):
    """One definition of a live page (the view live_pages): while the Japanese is stale its page
    is not live (the server answers 404, "in preparation"), so `show --lang en` prints no link;
    once translated again the same link comes back."""
    import_paths(store, [SEED])
    pipeline.run(store, FakeEngine)
    publish.publish_current(store, TEMPLATE)
    save_page(store, parse_page(SEED.read_text(encoding="utf-8").replace("Thursday", "Friday")))
    article = store.aligned_article(1, "ja")
    assert article.status == Status.STALE
    assert article_view(article, "en").link is None
    assert store.live_translations("ja", 1) == {}
    pipeline.run(store, FakeEngine)
    assert article_view(store.aligned_article(1, "ja"), "en").link == "/articles/1/ja"
    assert store.live_translations("ja", 1) == {1: False}

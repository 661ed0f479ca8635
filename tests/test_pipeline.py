import pytest

from translator import pipeline
from translator.config import resolve
from translator.errors import TranslationUnavailable
from translator.importer import import_paths, save_page
from translator.journal import parse_page
from translator.views import article_view

from .conftest import SEED, FakeEngine, jst, page

LINK = resolve().link


def run(store, engine, **kwargs):
    return pipeline.run(store, lambda: engine, LINK, **kwargs)


def translated_counts(store):
    """(article id, translated sentences, English sentences) for every article."""
    return store.db.execute(
        """
        select a.id,
               (select count(*) from translated_sentences t where t.article_id = a.id),
               (select count(*) from sentences s where s.article_id = a.id)
        from articles a order by a.id
        """
    ).fetchall()


def many_pages(count: int) -> list:
    return [
        page(
            f"Story {n} headline",
            [f"Paragraph one of story {n}. It has two sentences.", "TOKYO (AFP) - Boilerplate line."],
            published=jst(2025, 3, 1 + n % 28, n % 24, 0),
        )
        for n in range(count)
    ]


def test_run_translates_headline_and_body(store, fake_engine):
    import_paths(store, [SEED])
    report = run(store, fake_engine)
    assert (report.articles, report.sentences) == (42, 71)
    view = article_view(store, 1, "ja")
    assert view.headline == "<訳>Mexico says won't accept US 'invasion' in fight against cartels"
    assert view.body[10].kind == "subheading"
    assert view.body[10].text == "<訳>'Eligible for drone strikes'?"
    assert view.link == "/articles/1/en"
    assert article_view(store, 1, "en").link == "/articles/1/ja"
    translation = store.translation(1, "ja")
    assert (translation.package, translation.package_version) == ("fake-en_ja", "1.0")


def test_all_sentences_go_to_the_engine_in_one_batch(store, fake_engine):
    import_paths(store, [SEED])
    run(store, fake_engine)
    assert len(fake_engine.calls) == 1
    assert len(fake_engine.calls[0]) == 71


def test_nothing_pending_means_no_model(store):
    import_paths(store, [SEED])
    run(store, FakeEngine())

    def no_engine():
        raise AssertionError("the model was loaded with nothing to do")

    report = pipeline.run(store, no_engine, LINK)
    assert (report.articles, report.translated) == (0, 0)


def test_a_repeated_sentence_is_translated_once(store, fake_engine):
    for page in many_pages(30):
        save_page(store, page)
    report = run(store, fake_engine, chunk_sentences=20)
    seen = fake_engine.sentences_seen
    assert len(seen) == len(set(seen))
    assert seen.count("TOKYO (AFP) - Boilerplate line.") == 1
    assert seen.count("It has two sentences.") == 1
    assert report.sentences == 30 * 4
    assert report.translated == len(seen) == 30 * 2 + 2


def test_stale_article_reuses_unchanged_sentences(store, fake_engine):
    import_paths(store, [SEED])
    run(store, fake_engine)
    edited = SEED.read_text(encoding="utf-8").replace("The lawsuit could lead", "The lawsuit may lead")
    save_page(store, parse_page(edited))
    assert store.article(1).status == "stale"
    with pytest.raises(TranslationUnavailable, match="is out of date"):
        article_view(store, 1, "ja")

    again = FakeEngine()
    report = run(store, again)
    assert again.calls == [
        ["The lawsuit may lead to a new charge of alleged complicity with terrorist groups, she said."]
    ]
    assert (report.articles, report.translated) == (1, 1)
    assert store.article(1).status == "current"


def test_link_is_stable(store, fake_engine):
    import_paths(store, [SEED])
    run(store, fake_engine)
    save_page(store, parse_page(SEED.read_text(encoding="utf-8").replace("Thursday", "Friday")))
    pipeline.run(store, lambda: FakeEngine(), lambda i, lang: f"https://new.example/{lang}/{i}")
    assert store.article(1).link == "/articles/1/ja"


def test_interrupted_run_leaves_whole_articles_and_resumes(store):
    for page in many_pages(12):
        save_page(store, page)
    interrupted = FakeEngine(fail_on_call=3)
    with pytest.raises(KeyboardInterrupt):
        run(store, interrupted, chunk_sentences=10)
    counts = translated_counts(store)
    done = [article for article, translated, english in counts if translated]
    assert all(translated in (0, english) for _, translated, english in counts)
    assert len(done) == 6  # two chunks of three articles each were saved
    assert list(store.pending("ja")) == [article for article, translated, _ in counts if not translated]

    resumed = FakeEngine()
    report = run(store, resumed, chunk_sentences=10)
    assert report.articles == 6
    assert "TOKYO (AFP) - Boilerplate line." not in resumed.sentences_seen  # remembered
    assert all(translated == english for _, translated, english in translated_counts(store))
    assert list(store.pending("ja")) == []


def test_failed_write_leaves_no_partial_article(store, fake_engine, monkeypatch):
    import_paths(store, [SEED])
    real_upsert = type(store.db["translations"]).upsert

    def failing_upsert(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(store.db["translations"]), "upsert", failing_upsert)
    with pytest.raises(RuntimeError, match="disk full"):
        run(store, fake_engine)
    monkeypatch.setattr(type(store.db["translations"]), "upsert", real_upsert)
    assert store.counts()["translations"] == 0
    assert store.db["translated_sentences"].count == 0


def test_translate_lines(fake_engine):
    lines = ["First. Second.", "", "First."]
    assert pipeline.translate_lines(fake_engine, lines) == ["<訳>First.<訳>Second.", "", "<訳>First."]
    assert fake_engine.calls == [["First.", "Second."]]

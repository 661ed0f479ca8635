import pytest

from translator import pipeline
from translator.errors import TranslationUnavailable
from translator.importer import import_paths, save_page
from translator.journal import parse_page
from translator.news import Hypothesis, Origin, SentencePair, Status
from translator.reading import article_view

from .conftest import SEED, FakeEngine, jst, page

CHANGED = "The lawsuit may lead to a new charge of alleged complicity with terrorist groups, she said."


def run(store, engine, **kwargs):
    return pipeline.run(store, lambda: engine, **kwargs)


def translated_counts(store):
    """(article id, translated sentences, distinct English sentences) for every article."""
    return store.db.execute(
        """
        select a.id,
               (select count(*) from sentence_translations t where t.article_id = a.id),
               (select count(distinct source_hash) from sentences s where s.article_id = a.id)
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


def pairs(store, article_id=1):
    return [pair for block in store.aligned_article(article_id, "ja").blocks for pair in block.pairs]


def test_run_translates_headline_and_body(store, fake_engine):
    import_paths(store, [SEED])
    report = run(store, fake_engine)
    assert (report.articles, report.sentences, report.truncated) == (42, 71, {})
    article = store.aligned_article(1, "ja")
    assert article.status == Status.CURRENT
    assert (article.translation.package, article.translation.package_version) == ("fake-en_ja", "1.0")
    view = article_view(article, "ja")
    assert view.headline == "<訳>Mexico says won't accept US 'invasion' in fight against cartels"
    assert view.body[10].kind == "subheading"
    assert view.body[10].text == "<訳>'Eligible for drone strikes'?"
    # The fake's "Japanese" is English: QA says so (qa_store, at save).
    flags = article.blocks[0].pairs[0].flags
    assert [(f.check.value, f.severity.value) for f in flags] == [
        ("english_left", "error"),
        ("english_left", "error"),
        ("length_ratio", "warning"),
    ]
    assert article.blocks[0].pairs == (
        SentencePair(
            "Mexico says won't accept US 'invasion' in fight against cartels",
            article.blocks[0].pairs[0].source_hash,
            "<訳>Mexico says won't accept US 'invasion' in fight against cartels",
            Origin.MACHINE,
            False,
            -1.0,
            "fake-en_ja",
            "1.0",
            flags,
        ),
    )


def test_the_batch_does_not_publish(store, fake_engine):
    import_paths(store, [SEED])
    run(store, fake_engine)
    assert store.aligned_article(1, "ja").links == {}
    assert store.db["publications"].count == 0


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

    report = pipeline.run(store, no_engine)
    assert (report.articles, report.translated) == (0, 0)


def test_a_repeated_sentence_is_translated_once(store, fake_engine):
    for each in many_pages(30):
        save_page(store, each)
    report = run(store, fake_engine, chunk_sentences=20)
    seen = fake_engine.sentences_seen
    assert len(seen) == len(set(seen))
    assert seen.count("TOKYO (AFP) - Boilerplate line.") == 1
    assert seen.count("It has two sentences.") == 1
    assert report.sentences == 30 * 4
    assert report.translated == len(seen) == 30 * 2 + 2


def test_stale_article_reuses_unchanged_sentences_from_the_cache(store, fake_engine):
    import_paths(store, [SEED])
    run(store, fake_engine)
    save_page(store, parse_page(SEED.read_text(encoding="utf-8").replace("The lawsuit could lead", "The lawsuit may lead")))
    stale = store.aligned_article(1, "ja")
    assert stale.status == Status.STALE
    with pytest.raises(TranslationUnavailable, match="is out of date"):
        article_view(stale, "ja")
    # Unchanged sentences keep their translation; the new one has none yet.
    assert [pair.source for pair in pairs(store) if pair.target is None] == [CHANGED]

    again = FakeEngine()
    report = run(store, again)
    assert again.calls == [[CHANGED]]
    assert (report.articles, report.translated) == (1, 1)
    origins = {pair.source: pair.origin for pair in pairs(store)}
    assert origins[CHANGED] == Origin.MACHINE
    assert set(origins.values()) == {Origin.MACHINE, Origin.CACHED}
    assert list(origins.values()).count(Origin.MACHINE) == 1
    assert store.aligned_article(1, "ja").status == Status.CURRENT


def test_translations_stay_with_their_sentence_when_a_paragraph_is_inserted(store, fake_engine):
    save_page(store, page("Headline", ["First paragraph.", "Second paragraph. It goes on."]))
    run(store, fake_engine)
    save_page(store, page("Headline", ["A new lead paragraph.", "First paragraph.", "Second paragraph. It goes on."]))
    assert [(pair.source, pair.target) for pair in pairs(store)] == [
        ("Headline", "<訳>Headline"),
        ("A new lead paragraph.", None),
        ("First paragraph.", "<訳>First paragraph."),
        ("Second paragraph.", "<訳>Second paragraph."),
        ("It goes on.", "<訳>It goes on."),
    ]
    # The English the translation was made from is kept, to show what changed.
    made_from = store.aligned_article(1, "ja").translation.source_hash
    assert [b.text for b in store.revision(1, made_from)] == ["Headline", "First paragraph.", "Second paragraph. It goes on."]


def test_truncation_reaches_the_store_the_report_and_the_faces(store):
    save_page(store, page("Headline", ["Short one. A very long sentence here."]))
    save_page(store, page("Another", ["A very long sentence here."], published=jst(2025, 2, 22, 9, 0)))
    cutting = FakeEngine(truncated=["A very long sentence here."])
    report = run(store, cutting)
    assert report.truncated == {1: 1, 2: 1}
    assert [(pair.source, pair.truncated) for pair in pairs(store)] == [
        ("Headline", False),
        ("Short one.", False),
        ("A very long sentence here.", True),
    ]
    # From the cache, a cut sentence stays marked.
    assert store.cached_translations(["A very long sentence here."], "ja", "fake-en_ja", "1.0") == {
        "A very long sentence here.": Hypothesis("<訳>A very long sentence here.", True, -1.0)
    }


def test_interrupted_run_leaves_whole_articles_and_resumes(store):
    for each in many_pages(12):
        save_page(store, each)
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
    assert "TOKYO (AFP) - Boilerplate line." not in resumed.sentences_seen  # from the cache
    assert all(translated == english for _, translated, english in translated_counts(store))
    assert list(store.pending("ja")) == []


def test_failed_write_leaves_no_partial_article(store, fake_engine, monkeypatch):
    import_paths(store, [SEED])
    table = type(store.db["translations"])
    real_upsert = table.upsert

    def failing_upsert(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(table, "upsert", failing_upsert)
    with pytest.raises(RuntimeError, match="disk full"):
        run(store, fake_engine)
    monkeypatch.setattr(table, "upsert", real_upsert)
    assert store.db["translations"].count == 0
    assert store.db["sentence_translations"].count == 0


def test_translate_lines(fake_engine):
    lines = ["First. Second.", "", "First."]
    assert pipeline.translate_lines(fake_engine, lines) == ["<訳>First.<訳>Second.", "", "<訳>First."]
    assert fake_engine.calls == [["First.", "Second."]]

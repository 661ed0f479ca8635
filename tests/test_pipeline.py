import os
import socket
import sqlite3
import subprocess
import sys

import pytest
from sqlite_utils import Database

from translator.translation import pipeline
from translator.core.errors import StoreError, TranslationUnavailable
from translator.text.importer import import_paths, save_page
from translator.text.journal import parse_page
from translator.core.news import Hypothesis, Origin, SentencePair, Status, TranslatedSentence
from translator.site.reading import article_view
from translator.store import Store, opened

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


def test_nothing_pending_means_the_model_translates_nothing(store):
    """With nothing pending the engine is made only to name its package (for `upgradable`);
    its model, which loads on first use, is never asked for a sentence."""
    import_paths(store, [SEED])
    run(store, FakeEngine())
    idle = FakeEngine()
    report = pipeline.run(store, lambda: idle)
    assert (report.articles, report.translated, report.upgradable, idle.calls) == (0, 0, 0, [])


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


LONG = "A very long sentence here."


def summaries(store):
    return {a.id: (a.status, a.truncated, a.empty) for a in store.articles("ja")}


def as_if_saved_by_an_earlier_run(store):
    store.db.execute("update translations set translated_at = '2025-01-01T00:00:00+00:00'")


def test_incomplete_translations_are_marked_never_cached_and_retried_once_by_the_next_run(store):
    save_page(store, page("Headline", ["Short one. A very long sentence here. Blank out."]))
    save_page(store, page("Another", [LONG], published=jst(2025, 2, 22, 9, 0)))
    report = run(store, FakeEngine(truncated=[LONG], empty=["Blank out."]))
    assert (report.articles, report.truncated, report.empty) == (2, {1: 1, 2: 1}, {1: 1})
    assert [(pair.source, pair.target, pair.truncated) for pair in pairs(store)] == [
        ("Headline", "<訳>Headline", False),
        ("Short one.", "<訳>Short one.", False),
        (LONG, f"<訳>{LONG}", True),
        ("Blank out.", "", False),
    ]
    assert summaries(store) == {1: (Status.CURRENT, 1, 1), 2: (Status.CURRENT, 1, 0)}
    # Neither is reused from the cache; both are known to have failed.
    assert store.cached_translations([LONG, "Blank out.", "Short one."], "ja", "fake-en_ja", "1.0") == {
        "Short one.": Hypothesis("<訳>Short one.", False, -1.0)
    }
    assert store.failed_sources([LONG, "Blank out.", "Short one."], "ja", "fake-en_ja", "1.0") == {LONG, "Blank out."}

    # A run started in the same second as the save is not the next run: it retries nothing.
    assert run(store, FakeEngine()).articles == 0
    as_if_saved_by_an_earlier_run(store)
    second = FakeEngine(safer_truncated=[LONG])
    report = run(store, second)
    assert second.calls == []  # the usual decoding is not tried again
    assert second.safer().calls == [[LONG, "Blank out."]]  # each sentence once, for both articles
    assert (report.articles, report.retried, report.truncated, report.empty) == (2, 2, {1: 1, 2: 1}, {})
    rows = store.db.execute(
        "select article_id, source, text, origin, truncated, retried from sentence_translations order by article_id, source"
    ).fetchall()
    assert rows == [
        (1, LONG, f"<再訳>{LONG}", "machine", 1, 1),
        (1, "Blank out.", "<再訳>Blank out.", "machine", 0, 1),
        (1, "Headline", "<訳>Headline", "cached", 0, 0),
        (1, "Short one.", "<訳>Short one.", "cached", 0, 0),
        (2, LONG, f"<再訳>{LONG}", "machine", 1, 1),
        (2, "Another", "<訳>Another", "cached", 0, 0),
    ]
    assert summaries(store) == {1: (Status.CURRENT, 1, 0), 2: (Status.CURRENT, 1, 0)}

    # Retried once: a sentence still cut stays so, until its English changes.
    as_if_saved_by_an_earlier_run(store)
    third = FakeEngine()
    assert run(store, third).articles == 0 and third.calls == [] and third.safer().calls == []
    # A new article with a sentence this package failed on goes straight to the safer decoding.
    save_page(store, page("Third", [LONG], published=jst(2025, 2, 23, 9, 0)))
    report = run(store, third)
    assert (third.calls, third.safer().calls, report.retried) == ([["Third"]], [[LONG]], 1)


def test_a_retry_leaves_approved_articles_and_edited_sentences_alone(store):
    """A cut sentence is retried by the next run, but not under an approval nor under an editor's text."""
    from translator.core.news import sentence_hash
    from translator.editorial import editing

    save_page(store, page("Headline", [LONG]))
    save_page(store, page("Another", [LONG], published=jst(2025, 2, 22, 9, 0)))
    save_page(store, page("Third", [LONG], published=jst(2025, 2, 23, 9, 0)))
    run(store, FakeEngine(truncated=[LONG]))
    for source in ("Headline", LONG):  # article 1: every sentence confirmed as it is, then approved
        editing.mark_reviewed(store, 1, "ja", sentence_hash(source), "Hanako")
    editing.approve(store, 1, "ja", "Hanako")
    editing.edit_sentence(store, 2, "ja", sentence_hash(LONG), "長い文。", "Hanako")  # article 2: rewritten
    as_if_saved_by_an_earlier_run(store)
    again = FakeEngine()
    assert run(store, again).articles == 1 and again.safer().calls == [[LONG]]  # article 3 only
    approved = store.aligned_article(1, "ja")
    assert approved.approval is not None and [p.target for b in approved.blocks for p in b.pairs][1] == f"<訳>{LONG}"
    assert all(p.reviewed for b in approved.blocks for p in b.pairs)
    assert [p.target for p in pairs(store, 2)][1] == "長い文。"
    assert [p.target for p in pairs(store, 3)][1] == f"<再訳>{LONG}"


class NewerEngine(FakeEngine):
    """The same fake model, as a newer version of its package would install it."""

    package_version = "2.0"


def test_upgrade_retranslates_only_the_articles_no_editor_has_touched(store):
    """After a new model, `upgrade` gives it the untouched articles; an edit, a review or an approval keeps the old."""
    from translator.core.news import sentence_hash
    from translator.editorial import editing

    for n in range(5):
        save_page(store, page(f"Headline {n}", [f"Body {n}."], published=jst(2025, 2, 21 + n, 9, 0)))
    run(store, FakeEngine())
    editing.edit_sentence(store, 1, "ja", sentence_hash("Body 0."), "本文。", "Hanako")  # rewritten
    editing.mark_reviewed(store, 2, "ja", sentence_hash("Body 1."), "Hanako")  # one sentence confirmed
    for source in ("Headline 2", "Body 2."):  # every sentence confirmed, then approved
        editing.mark_reviewed(store, 3, "ja", sentence_hash(source), "Hanako")
    editing.approve(store, 3, "ja", "Hanako")

    newer = NewerEngine(label="<新訳>")
    plain = run(store, newer)  # a new model alone changes nothing, and says what an upgrade would take
    assert (plain.articles, plain.upgradable, newer.calls) == (0, 2, [])
    report = run(store, newer, upgrade=True)
    assert report.upgradable == 0  # an upgrade's report counts what it did instead
    assert (report.articles, newer.calls) == (2, [["Headline 3", "Body 3.", "Headline 4", "Body 4."]])
    provenance = {
        a: (store.aligned_article(a, "ja").translation.package_version, [p.target for p in pairs(store, a)])
        for a in range(1, 6)
    }
    assert provenance == {
        1: ("1.0", ["<訳>Headline 0", "本文。"]),
        2: ("1.0", ["<訳>Headline 1", "<訳>Body 1."]),
        3: ("1.0", ["<訳>Headline 2", "<訳>Body 2."]),
        4: ("2.0", ["<新訳>Headline 3", "<新訳>Body 3."]),
        5: ("2.0", ["<新訳>Headline 4", "<新訳>Body 4."]),
    }
    assert store.aligned_article(3, "ja").approval is not None
    again = NewerEngine()
    assert run(store, again, upgrade=True).articles == 0 and again.calls == []
    # What counts is the package in use: going back to 1.0 gives it the two untouched articles again.
    assert run(store, FakeEngine(), upgrade=True).articles == 2


def test_a_run_counts_what_an_upgrade_would_take_without_needing_a_package_for_it(store):
    """`upgradable` is a hint: with nothing translated the engine is not loaded for it, and a
    package that cannot be loaded leaves it at 0 rather than failing a run that had nothing to do."""
    from translator.core.errors import NoPackageError

    loads = []

    def no_package():
        loads.append(1)
        raise NoPackageError("no package translates en → ja")

    assert pipeline.run(store, no_package).upgradable == 0 and loads == []  # nothing translated yet
    for n in range(3):
        save_page(store, page(f"Headline {n}", [f"Body {n}."], published=jst(2025, 2, 21 + n, 9, 0)))
    assert run(store, FakeEngine()).upgradable == 0  # the package in use made them all
    assert pipeline.run(store, no_package).upgradable == 0 and loads == [1]
    assert pipeline.run(store, lambda: NewerEngine()).upgradable == 3
    save_page(store, page("Headline 9", ["Body 9."], published=jst(2025, 3, 1, 9, 0)))
    newer = NewerEngine()
    report = run(store, newer)  # the new article by the new version; the three older remain
    assert (report.articles, report.upgradable, newer.calls) == (1, 3, [["Headline 9", "Body 9."]])


class EditorsAtWorkEngine(NewerEngine):
    """The newer model, while editors at the desk (their own connection) begin on some articles."""

    def __init__(self, db_path, work, **kwargs):
        super().__init__(**kwargs)
        self.db_path, self.work = db_path, work

    def translate(self, sentences):
        if self.work:
            with opened(self.db_path) as desk:
                self.work(desk)
            self.work = None
        return super().translate(sentences)


def test_an_article_an_editor_begins_on_during_an_upgrade_keeps_its_japanese(store):
    """Whether an editor has begun is asked again at the save: the desk does not wait for the batch."""
    from translator.core.news import sentence_hash
    from translator.editorial import editing

    for n in range(4):
        save_page(store, page(f"Headline {n}", [f"Body {n}."], published=jst(2025, 2, 21 + n, 9, 0)))
    run(store, FakeEngine())

    def desk(desk_store):
        editing.edit_sentence(desk_store, 1, "ja", sentence_hash("Body 0."), "本文。", "Hanako")
        editing.mark_reviewed(desk_store, 2, "ja", sentence_hash("Body 1."), "Hanako")
        for source in ("Headline 2", "Body 2."):
            editing.mark_reviewed(desk_store, 3, "ja", sentence_hash(source), "Hanako")
        editing.approve(desk_store, 3, "ja", "Hanako")

    engine = EditorsAtWorkEngine(store.path, desk, label="<新訳>")
    report = run(store, engine, upgrade=True)
    assert (report.articles, report.kept, report.held) == (1, [1, 2, 3], 0)  # all four were untouched at the claim
    assert [store.aligned_article(a, "ja").translation.package_version for a in (1, 2, 3, 4)] == ["1.0"] * 3 + ["2.0"]
    assert [p.target for p in pairs(store, 2)] == ["<訳>Headline 1", "<訳>Body 1."]
    assert [p.reviewed for p in pairs(store, 2)] == [False, True]
    assert store.aligned_article(3, "ja").approval is not None
    assert all(p.reviewed for p in pairs(store, 3))
    # The next upgrade names what editors hold, and takes nothing.
    again = run(store, NewerEngine(), upgrade=True)
    assert (again.articles, again.kept, again.held) == (0, [], 3)


def test_articles_are_saved_as_soon_as_their_sentences_are_done(store):
    for n, body in enumerate([["One. Two."], ["Three. Four. Five."], ["One. Six."]]):
        save_page(store, page(f"Story {n}", body, published=jst(2025, 3, 1, n, 0)))
    engine = FakeEngine(step=2)
    calls_at_save = {}
    pipeline.run(store, lambda: engine, on_article=lambda article: calls_at_save.setdefault(article, len(engine.calls)))
    # Sentences go in the articles' order, two a step; each article is saved after the step that ends it.
    assert engine.calls == [["Story 0", "One."], ["Two.", "Story 1"], ["Three.", "Four."], ["Five.", "Story 2"], ["Six."]]
    assert calls_at_save == {1: 2, 2: 4, 3: 5}


def test_a_glossary_term_added_during_a_run_applies_to_every_article(store):
    """Issue 24: the desk may add a term while the batch runs; the articles saved after it follow it too."""
    from translator.editorial import terminology

    for n in range(3):
        save_page(store, page(f"Story {n}", ["Rubio agreed."], published=jst(2025, 3, 1, n, 0)))

    def add_the_term_once(article_id: int) -> None:
        if article_id == 1:
            terminology.add_term(store, "Rubio", "ルビオ")

    pipeline.run(store, lambda: FakeEngine(step=1), on_article=add_the_term_once)
    bodies = [[pair.target for pair in pairs(store, n)][1] for n in (1, 2, 3)]
    assert all("ルビオ" in text and "Rubio" not in text for text in bodies), bodies


def test_an_article_too_long_to_hold_is_refused_and_reported(store, fake_engine):
    save_page(store, page("Short", ["One. Two."]))
    save_page(store, page("Long", [" ".join(f"Sentence {n}." for n in range(30))], published=jst(2025, 3, 1, 9, 0)))
    report = run(store, fake_engine, max_article_sentences=20)
    assert (report.articles, report.refused) == (1, {2: 31})
    assert "Sentence 3." not in fake_engine.sentences_seen
    assert list(store.pending("ja")) == [2]
    assert run(store, FakeEngine(), max_article_sentences=20).refused == {2: 31}  # reported every run
    assert run(store, FakeEngine(), max_article_sentences=31).articles == 1


def test_articles_claimed_by_another_run_are_left_to_it_until_the_claim_expires(store):
    for each in many_pages(4):
        save_page(store, each)
    assert store.claim("ja", "other", sentences=8, max_sentences=100) == {
        1: store.db["articles"].get(1)["content_hash"], 2: store.db["articles"].get(2)["content_hash"],
    }
    engine = FakeEngine()
    report = run(store, engine)
    assert report.articles == 2 and list(store.pending("ja")) == [1, 2]
    assert "Story 0 headline" not in engine.sentences_seen
    store.db.execute("update claims set expires_at = 0")  # the other run died: its lease ran out
    assert run(store, FakeEngine()).articles == 2
    assert store.db["claims"].count == 0  # saving ends a claim; a run releases the rest


def test_claims_of_a_run_that_ended_on_this_machine_are_taken_at_once(store):
    for each in many_pages(3):
        save_page(store, each)
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = f"{socket.gethostname()}:{ended.stdout.strip()}:0000"
    alive = f"{socket.gethostname()}:{os.getpid()}:0000"
    store.claim("ja", dead, sentences=4, max_sentences=100)
    store.claim("ja", alive, sentences=4, max_sentences=100)
    store.claim("ja", "elsewhere:1:0000", sentences=4, max_sentences=100)
    report = run(store, FakeEngine())
    assert (report.articles, report.elsewhere) == (1, 2)  # the dead run's article; the others wait for their lease
    assert list(store.pending("ja")) == [2, 3]


def test_a_save_is_made_only_under_the_runs_own_claim(store, fake_engine):
    save_page(store, page("Headline", ["Body."]))
    content_hash = store.db["articles"].get(1)["content_hash"]
    assert store.claim("ja", "late", sentences=1, max_sentences=10, lease_seconds=-1) == {1: content_hash}
    assert store.claim("ja", "taker", sentences=1, max_sentences=10) == {1: content_hash}  # the lease had run out
    sentence = TranslatedSentence("Body.", Hypothesis("本文。"), Origin.MACHINE)
    fields = dict(package="p", package_version="1", source_hash=content_hash)
    assert store.save_translation(1, "ja", [sentence], owner="late", **fields) is False
    assert store.db["translations"].count == 0
    assert store.save_translation(1, "ja", [sentence], owner="taker", **fields) is True
    assert store.db["claims"].count == 0


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


class TranslateOnly:
    """An engine with `translate` only (no stream, no safer decoding): empty output for LONG."""

    package, package_version = "plain", "1"

    def __init__(self):
        self.calls: list[list[str]] = []

    def translate(self, sentences):
        self.calls.append(list(sentences))
        return [Hypothesis("" if s == LONG else f"訳{s}") for s in sentences]


def test_an_engine_with_translate_only_is_called_once_a_chunk_and_retries_with_itself(store):
    save_page(store, page("Headline", [f"Short one. {LONG}"]))
    engine = TranslateOnly()
    assert run(store, engine).empty == {1: 1}
    as_if_saved_by_an_earlier_run(store)
    assert run(store, engine).empty == {1: 1}
    assert engine.calls == [["Headline", "Short one.", LONG], [LONG]]
    as_if_saved_by_an_earlier_run(store)
    assert run(store, engine).articles == 0  # retried once, with the only decoding it has


def test_a_full_disk_stops_the_run_at_the_first_failed_save(store):
    # SQLite's own page limit makes the disk full: the first article needs more pages than are left.
    save_page(store, page("Long story", [" ".join(f"Sentence number {n} of the long story." for n in range(200))]))
    for each in many_pages(5):
        save_page(store, each)
    store.db.execute(f"pragma max_page_count = {store.db.execute('pragma page_count').fetchone()[0]}")
    engine = FakeEngine()
    with pytest.raises(StoreError) as raised:
        run(store, engine, chunk_sentences=10)
    assert str(raised.value) == (
        f"{store.path}: the disk is full (database or disk is full): free some space on it and run again"
    )
    assert len(engine.calls) == 1  # the first chunk; nothing more was translated in vain
    assert store.db["translations"].count == 0
    assert store.db["sentence_translations"].count == 0


def test_a_database_that_cannot_be_written_stops_the_run_before_the_model_loads(tmp_path):
    path = tmp_path / "db" / "news.db"
    with opened(path) as writable:
        import_paths(writable, [SEED])
    read_only = Store(Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True)))

    def no_engine():
        raise AssertionError("the model was loaded although nothing could be saved")

    with pytest.raises(StoreError) as raised:
        pipeline.run(read_only, no_engine)
    assert str(raised.value) == (
        f"{path}: the database is read-only (attempt to write a readonly database): make the file, its -wal "
        "and -shm files beside it, and their folder writable for this user"
    )
    assert read_only.articles("ja")[0].status == Status.MISSING  # reading still works
    read_only.close()


def test_translate_lines(fake_engine):
    lines = ["First. Second.", "", "First."]
    assert pipeline.translate_lines(fake_engine, lines) == ["<訳>First.<訳>Second.", "", "<訳>First."]
    assert fake_engine.calls == [["First.", "Second."]]

"""The store: migrations carry old databases forward, reads never create, writes are whole and wait their turn."""

import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from translator.store import migrations
from translator.core.errors import ArticleNotFound, StoreError
from translator.text.importer import import_paths, save_page
from translator.core.news import Origin, SentencePair, Status, sentence_hash
from translator.store import Store, opened

from .conftest import SEED, page


def m001_database(path: Path) -> Database:
    """A database as the first release left it: one article, translated, with its links."""
    db = Database(path)
    migrations.migrations.apply(db, stop_before="m002_blocks_and_sentence_identity")
    db["articles"].insert(
        {"id": 1, "headline": "Talks end", "published": "2025-02-21T18:38:00+09:00", "full_page": 1,
         "content_hash": "h1", "source": "p.txt", "created_at": "t", "updated_at": "t"}
    )
    db["segments"].insert_all(
        [{"article_id": 1, "position": 0, "kind": "headline", "text": "Talks end"},
         {"article_id": 1, "position": 1, "kind": "paragraph", "text": "They met. They met."}]
    )
    db["sentences"].insert_all(
        [{"article_id": 1, "position": 0, "idx": 0, "text": "Talks end"},
         {"article_id": 1, "position": 1, "idx": 0, "text": "They met."},
         {"article_id": 1, "position": 1, "idx": 1, "text": "They met."}]
    )
    db["translations"].insert(
        {"article_id": 1, "lang": "ja", "package": "p", "package_version": "1", "translated_at": "2025-02-21T10:00:00+00:00",
         "source_hash": "h1", "link": "/old/1/ja", "back_link": "/old/1/en"}
    )
    db["translated_sentences"].insert_all(
        [{"article_id": 1, "lang": "ja", "position": 0, "idx": 0, "source": "Talks end", "text": "協議終了"},
         {"article_id": 1, "lang": "ja", "position": 1, "idx": 0, "source": "They met.", "text": "会った。"},
         {"article_id": 1, "lang": "ja", "position": 1, "idx": 1, "source": "They met.", "text": "会った。"}]
    )
    return db


def test_a_first_release_database_migrates_forward(tmp_path: Path):
    store = Store(m001_database(tmp_path / "old.db"))
    tables = set(store.db.table_names())
    assert {"blocks", "sentence_translations", "publications", "revisions"} <= tables
    assert not {"segments", "translated_sentences"} & tables
    assert "link" not in store.db["translations"].columns_dict
    article = store.aligned_article(1, "ja")
    assert (article.status, article.links) == (Status.CURRENT, {"ja": "/old/1/ja", "en": "/old/1/en"})
    met = SentencePair("They met.", sentence_hash("They met."), "会った。", Origin.MACHINE, False, None, "p", "1")
    assert [block.pairs for block in article.blocks] == [
        (SentencePair("Talks end", sentence_hash("Talks end"), "協議終了", Origin.MACHINE, False, None, "p", "1"),),
        (met, met),
    ]
    assert [m.name for m in migrations.migrations.applied(store.db)][-11:] == [
        "m002_blocks_and_sentence_identity", "m003_publications", "m004_revisions", "m005_import_repairs",
        "m006_claims_and_retries",
        "m007_editing",
        "m008_glossary_and_qa_flags",
        "m009_live_pages",
        "m010_translation_family",
        "m011_what_a_review_saw",
        "m012_confidence_threshold",
    ]
    # Translations made before packages carried a threshold keep the default one.
    assert article.translation.confidence_threshold is None


def test_the_status_view_speaks_the_status_enum(store):
    import_paths(store, [SEED])
    row = {"lang": "ja", "package": "p", "package_version": "1", "translated_at": "t"}
    store.db["translations"].insert_all(
        [{**row, "article_id": 1, "source_hash": "other English"},
         {**row, "article_id": 2, "source_hash": store.db["articles"].get(2)["content_hash"]}]
    )
    assert {a.id: a.status for a in store.articles("ja") if a.id <= 3} == {
        1: Status.STALE, 2: Status.CURRENT, 3: Status.MISSING,
    }
    assert {row["status"] for row in store.db["translation_status"].rows} <= set(Status)


def test_reading_never_creates_a_database(tmp_path: Path):
    missing = tmp_path / "nowhere" / "news.db"
    with pytest.raises(StoreError) as raised:
        Store.open(missing, create=False)
    assert str(raised.value) == f"no database at {missing}: run `translate import` first"
    assert not (tmp_path / "nowhere").exists()


def test_aligned_article_of_no_article(store):
    with pytest.raises(ArticleNotFound, match="^no article with id 5$"):
        store.aligned_article(5, "ja")


def test_a_page_is_saved_whole_or_not_at_all(store, monkeypatch):
    real = Store.write_article

    def fail_on_the_sidebar(self, article_id, **fields):
        if not fields["full_page"]:
            raise RuntimeError("disk full")
        return real(self, article_id, **fields)

    monkeypatch.setattr(Store, "write_article", fail_on_the_sidebar)
    with pytest.raises(RuntimeError, match="disk full"):
        save_page(store, page("Lead", sidebar=[(page("x").published.replace(hour=9), "Side story")]))
    assert store.db["articles"].count == 0
    assert store.db["blocks"].count == 0


def test_revisions_keep_each_replaced_english(store):
    first = page("Headline", ["One."])
    save_page(store, first)
    save_page(store, page("Headline", ["Two."]))
    save_page(store, page("Headline", ["Three."]))
    assert [b.text for b in store.revision(1, first.content_hash)] == ["Headline", "One."]
    assert [b.text for b in store.revision(1, page("Headline", ["Three."]).content_hash)] == ["Headline", "Three."]
    assert store.revision(1, "unknown") is None
    assert store.db["revisions"].count == 2


def test_writes_take_the_write_lock_up_front_and_nest_as_savepoints(tmp_path: Path):
    store = Store.open(tmp_path / "news.db")
    statements = []
    store.db.conn.set_trace_callback(statements.append)
    with store.transaction():
        with store.transaction():
            pass
    assert [s.split()[0] for s in statements] == ["BEGIN", "SAVEPOINT", "RELEASE", "COMMIT"]
    assert statements[0] == "BEGIN IMMEDIATE"
    store.close()


def test_a_writer_waits_for_another_and_then_writes(tmp_path: Path):
    """The deferred transactions of before read, then were refused at once when another
    process had committed meanwhile ('database is locked'); now the second writer waits."""
    first = Store.open(tmp_path / "news.db")
    import_paths(first, [SEED])
    errors = []

    def write() -> None:  # another connection, as another process has
        try:
            with opened(tmp_path / "news.db") as second:
                save_page(second, page("Written second"))
        except Exception as error:  # reported below
            errors.append(error)

    with first.transaction():
        save_page(first, page("Written first", published=page("x").published.replace(hour=9)))
        waiting = threading.Thread(target=write)
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive()  # it waits for the write lock
    waiting.join(30)
    assert errors == []
    assert {"Written first", "Written second"} <= {a.headline for a in first.articles("ja")}
    first.close()


def test_a_lock_held_too_long_is_one_line(tmp_path: Path):
    first, second = Store.open(tmp_path / "news.db"), Store.open(tmp_path / "news.db")
    second.db.execute("pragma busy_timeout = 100")
    with first.transaction():
        with pytest.raises(StoreError) as raised:
            with second.transaction():
                pass
    assert str(raised.value) == (
        f"{tmp_path / 'news.db'}: another process kept the database locked for over 60 s (database is locked): "
        "run again when it has finished"
    )
    first.close()
    second.close()


def test_a_damaged_file_is_one_line(tmp_path: Path):
    path = tmp_path / "news.db"
    Store.open(path).close()
    with path.open("r+b") as file:  # keep the header, wreck the schema page
        file.seek(100)
        file.write(b"\xff" * 3000)
    with pytest.raises(StoreError) as raised:
        Store.open(path)
    assert str(raised.value) == (
        f"{path}: cannot open the database (database disk image is malformed): "
        "restore it from a backup, or point --db at another file"
    )

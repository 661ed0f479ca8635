"""Ordered schema migrations; the only place the schema is created or changed.

Each migration runs in one transaction with the record of it having run
(sqlite-utils Migrations), so a database is always at one version. Migrations
are never edited once released: a change is a new one, and existing databases
move forward through all of them.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from ..core.news import sentence_hash

migrations = Migrations("translate")


@migrations()
def m001_articles(db: Database) -> None:
    db["articles"].create(
        {
            "id": int,
            "headline": str,
            "published": str,  # ISO 8601 with +09:00
            "full_page": int,  # 0: known only from a sidebar
            "content_hash": str,
            "source": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"headline", "published", "full_page", "content_hash", "created_at", "updated_at"},
    )
    db["articles"].create_index(["published", "headline"], unique=True)

    # Position 0 is the headline, then paragraphs and subheadings in page order.
    db["segments"].create(
        {"article_id": int, "position": int, "kind": str, "text": str},
        pk=("article_id", "position"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"kind", "text"},
    )
    db["sentences"].create(
        {"article_id": int, "position": int, "idx": int, "text": str},
        pk=("article_id", "position", "idx"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"text"},
    )
    # One row per article and language: provenance, links, and a hash of the
    # English it was made from (it is stale when that differs from the article's).
    db["translations"].create(
        {
            "article_id": int,
            "lang": str,
            "package": str,
            "package_version": str,
            "translated_at": str,
            "source_hash": str,
            "link": str,  # where this translation is published; set once, then stable
            "back_link": str,  # where the English is
        },
        pk=("article_id", "lang"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"package", "translated_at", "source_hash"},
    )
    # Each translated sentence keeps the English it came from, so that an unchanged
    # sentence (a dateline, boilerplate, or one in an edited article) is not
    # translated again by the same package.
    db["translated_sentences"].create(
        {"article_id": int, "lang": str, "position": int, "idx": int, "source": str, "text": str},
        pk=("article_id", "lang", "position", "idx"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"source", "text"},
    )
    db["translated_sentences"].create_index(["source"])


@migrations()
def m002_blocks_and_sentence_identity(db: Database) -> None:
    """Blocks by their name; translated sentences keyed by their English, with what they are.

    A sentence is identified within its article by the hash of its English, not
    by its position, which every change to the English renumbers; whatever must
    survive such a change (edits, QA flags) is keyed the same way. Rows carried
    over from m001 say origin 'machine' and truncated 0: m001 did not record
    whether a sentence came from the cache or was cut at the length limit.
    """
    db.register_function(sentence_hash, deterministic=True, replace=True)
    db.rename_table("segments", "blocks")
    db["sentences"].add_column("source_hash", str)
    db.execute("update sentences set source_hash = sentence_hash(text)")
    db["sentences"].transform(not_null={"source_hash"})
    db["sentence_translations"].create(
        {
            "article_id": int,
            "lang": str,
            "source_hash": str,  # sentence_hash(source)
            "source": str,  # the English it was made from
            "text": str,
            "origin": str,  # news.Origin
            "truncated": int,  # 1: the output reached its length limit
            "score": float,  # the model's score; NULL where not recorded
        },
        pk=("article_id", "lang", "source_hash"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"source", "text", "origin", "truncated"},
    )
    db["sentence_translations"].create_index(["source_hash"])
    db.execute(
        """
        insert or ignore into sentence_translations
            (article_id, lang, source_hash, source, text, origin, truncated, score)
        select article_id, lang, sentence_hash(source), source, text, 'machine', 0, null
        from translated_sentences order by article_id, lang, position, idx
        """
    )
    db["translated_sentences"].drop()


@migrations()
def m003_publications(db: Database) -> None:
    """Links leave the translations for a table of their own, and the status becomes a view.

    A publication is where an article's page in one language is, from when. The
    m001 links carry over (the Japanese at `link`, the English at `back_link`).
    """
    db["publications"].create(
        {"article_id": int, "lang": str, "url": str, "published_at": str},
        pk=("article_id", "lang"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"url", "published_at"},
    )
    db.execute(
        """
        insert into publications (article_id, lang, url, published_at)
        select article_id, lang, link, translated_at from translations where link is not null
        union all
        select article_id, 'en', back_link, translated_at from translations where back_link is not null
        """
    )
    db["translations"].transform(drop={"link", "back_link"})
    # The status of each translation that exists (news.Status); no row means 'missing'.
    db.create_view(
        "translation_status",
        """
        select t.article_id, t.lang,
               case when t.source_hash = a.content_hash then 'current' else 'stale' end as status
        from translations t join articles a on a.id = t.article_id
        """,
    )


@migrations()
def m004_revisions(db: Database) -> None:
    """Earlier English of each article, so a change can be shown as a diff.

    `blocks` is JSON: [[kind, text, [sentence, ...]], ...], headline first.
    """
    db["revisions"].create(
        {"article_id": int, "content_hash": str, "blocks": str, "replaced_at": str},
        pk=("article_id", "content_hash"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"blocks", "replaced_at"},
    )


@migrations()
def m005_import_repairs(db: Database) -> None:
    """The text of each block that import repaired, as the page had it (issue 7).

    One row per repaired block (position as in `blocks`): `original` is the line as
    the file had it, `repairs` the names of what cleaning changed, comma-separated
    (cleaning.clean_line: html-entities, mojibake, control-characters,
    invisible-characters, spaces). Rewritten with the article's blocks.
    """
    db["import_repairs"].create(
        {"article_id": int, "position": int, "original": str, "repairs": str},
        pk=("article_id", "position"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"original", "repairs"},
    )


@migrations()
def m006_claims_and_retries(db: Database) -> None:
    """Claims on pending articles, so that concurrent batch runs share the work; retry marks.

    A claim says which process (`owner`) is translating an article into `lang`,
    until `expires_at` (Unix time, seconds): the process renews it while it
    works, so a claim outlives a killed process by one lease at most (see
    store.LEASE_SECONDS). A translated sentence records whether it came from the
    retry with safer decoding (`retried`), and in how many clause pieces an
    over-long sentence was translated (`pieces`); rows from before say 0 and 1.
    """
    db["claims"].create(
        {"article_id": int, "lang": str, "owner": str, "expires_at": float},
        pk=("article_id", "lang"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"owner", "expires_at"},
    )
    db["claims"].create_index(["owner"])
    db["sentence_translations"].add_column("retried", int, not_null_default=0)
    db["sentence_translations"].add_column("pieces", int, not_null_default=1)
    # The incomplete translations still to retry (store._INCOMPLETE), found without a scan.
    db.execute(
        """
        create index sentence_translations_to_retry on sentence_translations (article_id, lang)
        where retried = 0 and (truncated = 1 or (text = '' and trim(source) != ''))
        """
    )


@migrations()
def m007_editing(db: Database) -> None:
    """The editors' desk: edits, reviews, approvals, the audit trail, translation memory, withdrawal.

    Whatever belongs to a sentence is keyed by the hash of its English
    (news.sentence_hash), so it stays with the sentence when the English around
    it changes, and leaves it when the sentence itself changes.
    """
    sentence_key = {"article_id": int, "lang": str, "source_hash": str}
    # An editor's text for a sentence; the run's text stays in sentence_translations.
    db["edits"].create(
        {**sentence_key, "source": str, "text": str, "editor": str, "edited_at": str},
        pk=("article_id", "lang", "source_hash"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"source", "text", "editor", "edited_at"},
    )
    # An editor looked at this sentence (edited it, confirmed it, or approved the article).
    db["sentence_reviews"].create(
        {**sentence_key, "editor": str, "reviewed_at": str},
        pk=("article_id", "lang", "source_hash"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"editor", "reviewed_at"},
    )
    # base_hash: the English (content hash) the editors' work is based on, set by
    # their first action and by each approval; approved_*: NULL until approved,
    # and again after any later edit.
    db["article_reviews"].create(
        {"article_id": int, "lang": str, "base_hash": str, "approved_by": str, "approved_at": str},
        pk=("article_id", "lang"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"base_hash"},
    )
    # Every editor's change, per article: action (editing.Action), the sentence
    # and its text before and after where one changed, and the English it was made on.
    db["audit"].create(
        {
            "id": int,
            "article_id": int,
            "lang": str,
            "at": str,
            "editor": str,
            "action": str,
            "via": str,  # how an edit's text came: typed, alternative, memory
            "source_hash": str,
            "before": str,
            "after": str,
            "content_hash": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "lang", "at", "editor", "action", "content_hash"},
    )
    db["audit"].create_index(["article_id", "lang", "id"])
    # Translation memory: approved human translations, one per English sentence and language.
    db["memory"].create(
        {"lang": str, "source_hash": str, "source": str, "text": str, "editor": str, "article_id": int, "approved_at": str},
        pk=("lang", "source_hash"),
        not_null={"source", "text", "editor", "approved_at"},
    )
    # A withdrawn publication keeps its URL (a link never changes) but is not live.
    db["publications"].add_column("withdrawn_at", str)
    db.create_view(
        "editorial_status",
        """
        select t.article_id, t.lang,
               case
                 when t.source_hash != a.content_hash
                   or (r.base_hash is not null and r.base_hash != a.content_hash) then 'stale'
                 when r.approved_at is not null and p.url is not null and p.withdrawn_at is null then 'published'
                 when r.approved_at is not null then 'approved'
                 when exists (
                   select 1 from edits e
                   where e.article_id = t.article_id and e.lang = t.lang
                     and e.source_hash in (select s.source_hash from sentences s where s.article_id = e.article_id)
                 ) then 'edited'
                 else 'machine'
               end as status
        from translations t join articles a on a.id = t.article_id
        left join article_reviews r on r.article_id = t.article_id and r.lang = t.lang
        left join publications p on p.article_id = t.article_id and p.lang = t.lang
        """,
    )


@migrations()
def m008_glossary_and_qa_flags(db: Database) -> None:
    """The desk's glossary, the QA flags of each translated sentence, and the engine's own output.

    `glossary.key` is the English term with case and spacing ignored
    (glossary.term_key). A sentence's flags are keyed like its translation, by
    the hash of its English, in the order qa gives them (`seq`); spans are
    character offsets, NULL where a flag has none. `machine_text` keeps what the
    engine wrote before post-editing (glossary, style): the MT cache reuses it,
    so a later glossary is applied to it afresh. Rows from before this migration
    have NULL there, and their `text` is taken as the engine's.
    """
    db["glossary"].create(
        {"key": str, "english": str, "japanese": str, "note": str, "updated_at": str},
        pk="key",
        not_null={"english", "japanese", "note", "updated_at"},
    )
    db["qa_flags"].create(
        {
            "article_id": int,
            "lang": str,
            "source_hash": str,
            "seq": int,
            "check_name": str,  # qa.Check
            "severity": str,  # qa.Severity
            "message": str,
            "en_start": int,
            "en_end": int,
            "ja_start": int,
            "ja_end": int,
        },
        pk=("article_id", "lang", "source_hash", "seq"),
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"check_name", "severity", "message"},
    )
    db["sentence_translations"].add_column("machine_text", str)


@migrations()
def m009_live_pages(db: Database) -> None:
    """Whether a page is live, as one view that every reader of it asks (issue 22).

    A page is live while it is published and not withdrawn and, for a
    translation, while the translation is current (its English has not changed
    since): the link an English page shows, the Japanese page the server and the
    export make, the Japanese sidebars and the desk's "live" column. An article's
    own English has no translation row, so only the first two conditions apply to
    it. `reviewed`: an editor's approval holds for the English as it is.
    """
    db.create_view(
        "live_pages",
        """
        select p.article_id, p.lang, p.url,
               r.approved_at is not null and r.base_hash = a.content_hash as reviewed
        from publications p
        join articles a on a.id = p.article_id
        left join translations t on t.article_id = p.article_id and t.lang = p.lang
        left join article_reviews r on r.article_id = p.article_id and r.lang = p.lang
        where p.withdrawn_at is null and (t.article_id is null or t.source_hash = a.content_hash)
        """,
    )


@migrations()
def m010_translation_family(db: Database) -> None:
    """The model family of the package that made each translation (issue 23).

    Beside the package and its version: argos, opus-mt, m2m100, nllb or madlad400
    (translation/families.py), how the package's model reads and writes text. The
    translations made before came from Argos packages, the only ones that loaded:
    'argos'. NULL: an engine that names no family.
    """
    db["translations"].add_column("family", str)
    db.execute("update translations set family = 'argos'")


@migrations()
def m011_what_a_review_saw(db: Database) -> None:
    """What each sentence review saw (issue 24): the text it confirmed, and how.

    A review holds for the text it was given (`text_hash`, the sentence hash of
    the Japanese shown then): a retry, a glossary change or an edit that changes
    the text makes the sentence unreviewed again. `accepted` is 1 for a sentence
    taken as it was in the approval's one explicit step ("approve the 26 remaining
    sentences as they are"), 0 for one reviewed on its own; the public page says
    how many of each. Reviews from before this migration have NULL in both: they
    hold whatever the text, and their kind is unknown.
    """
    db["sentence_reviews"].add_column("text_hash", str)
    db["sentence_reviews"].add_column("accepted", int)


@migrations()
def m012_confidence_threshold(db: Database) -> None:
    """The QA confidence threshold of the package that made each translation.

    A package's scores are its own, so a package may carry the threshold under
    which QA warns of its output (metadata.json's `confidence_threshold`,
    quality/checks.py); the translation keeps it, and every later recheck uses
    it. NULL: the package had none, and checks.CONFIDENCE_THRESHOLD applies (as
    it did to every translation made before).
    """
    db["translations"].add_column("confidence_threshold", float)


def apply(db: Database) -> None:
    """Bring `db` up to the newest schema."""
    migrations.apply(db)

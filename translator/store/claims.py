"""Claims: batch runs share the pending articles, each taking some for a while (a lease)."""

from __future__ import annotations

import time

from ..core.news import Origin
from . import sql
from .connection import Connection

# How long a claim on a pending article lasts unless its batch run renews it, in
# seconds: what a killed run's articles wait before another run takes them over.
LEASE_SECONDS = 30.0


def _touched(article: str) -> str:
    """SQL, true when an editor has begun on the translation into :lang of the article whose id is
    `article` (an SQL expression): an edit, a sentence reviewed, or a review or approval."""
    return f"""(
        exists (select 1 from edits e where e.article_id = {article} and e.lang = :lang)
        or exists (select 1 from sentence_reviews sr where sr.article_id = {article} and sr.lang = :lang)
        or exists (select 1 from article_reviews r where r.article_id = {article} and r.lang = :lang)
    )"""


class Claims(Connection):
    """Table `claims`."""

    def _claimable(self, select: str, tail: str = "", one: bool = False) -> str:
        """SQL over the articles a batch run may take (parameters: lang, retry_before, now, owner,
        package, version; with `one`, only: an article's id).

        An article is pending when its translation is missing or stale, or when it
        is current but holds incomplete sentences not yet retried and was saved
        before `retry_before` (ISO 8601; NULL: no retries), i.e. by an earlier run.
        A retry leaves the editors' work alone: never a sentence an editor rewrote,
        never an approved article (its text is what the editors approved; a retry
        would change sentences under the approval).
        With `package` and `version` (else NULL), an article is also pending when
        another package or version made its translation and no editor has touched
        it: no edit, no sentence reviewed, no review or approval (re-translating
        after a model upgrade must never replace what an editor read, wrote or
        approved; a page published unreviewed, under the `current` policy, is
        re-translated like a stale one).
        It is claimable when no other owner holds a live claim on it. With `one`,
        the SQL is over the article `only` alone, pending whoever holds its claim
        (`a.id = :only`, so SQLite looks it up rather than scanning every article).
        """
        which = (
            "a.id = :only"
            if one
            else """not exists (
                    select 1 from claims c
                    where c.article_id = a.id and c.lang = :lang and c.expires_at > :now and c.owner != :owner
                )"""
        )
        return f"""
            select {select} from (
                select a.id, a.content_hash,
                       (select count(*) from sentences s where s.article_id = a.id) as sentences
                from articles a
                left join translations t on t.article_id = a.id and t.lang = :lang
                where (
                    t.source_hash is null or t.source_hash != a.content_hash
                    or (t.translated_at < :retry_before and exists (
                        select 1 from sentence_translations st
                        where st.article_id = a.id and st.lang = :lang and st.retried = 0 and {sql.INCOMPLETE}
                          and st.origin in ('{Origin.MACHINE}', '{Origin.CACHED}')
                          and not exists (
                              select 1 from edits e
                              where e.article_id = st.article_id and e.lang = st.lang and e.source_hash = st.source_hash
                          ))
                        and not exists (
                            select 1 from article_reviews r
                            where r.article_id = a.id and r.lang = :lang and r.approved_at is not null
                        ))
                    or (:package is not null and (t.package != :package or t.package_version is not :version)
                        and not {_touched("a.id")})
                )
                and {which}
            ) {tail}
        """

    def claimable(
        self,
        lang: str,
        *,
        max_sentences: int,
        retry_before: str | None = None,
        owner: str = "",
        upgrade_to: tuple[str, str] | None = None,
    ) -> int:
        """How many articles a batch run of `owner` could claim now (see `claim`)."""
        params = _params(lang, retry_before, owner, max_sentences, upgrade_to) | {"now": time.time()}
        with self.faults():
            return self.db.execute(self._claimable("count(*)", "where sentences <= :max"), params).fetchone()[0]

    def still_pending(
        self,
        article_id: int,
        lang: str,
        owner: str,
        *,
        retry_before: str | None = None,
        upgrade_to: tuple[str, str] | None = None,
    ) -> bool:
        """Whether the article is pending still (as `claim` decides, whoever holds its claim): the batch
        asks again in its save's transaction, for an editor may have begun on a retried or upgraded
        article (approved, reviewed or edited it) while the run was translating it."""
        params = _params(lang, retry_before, owner, 0, upgrade_to) | {"now": time.time(), "only": article_id}
        with self.faults():
            return self.db.execute(self._claimable("count(*)", one=True), params).fetchone()[0] > 0

    def translations_by_package(self, lang: str) -> dict[tuple[str, str | None, bool], int]:
        """The current translations into `lang` (their English unchanged since), counted by
        (package, package version, touched): `touched` when an editor has begun on the article
        (`_touched`), which an upgrade to another package never re-translates (`_claimable`)."""
        with self.faults():
            rows = self.db.execute(
                f"""
                select t.package, t.package_version, {_touched("a.id")} as touched, count(*)
                from translations t join articles a on a.id = t.article_id
                where t.lang = :lang and t.source_hash = a.content_hash
                group by 1, 2, 3
                """,
                {"lang": lang},
            ).fetchall()
        return {(package, version, bool(touched)): n for package, version, touched, n in rows}

    def oversized(self, lang: str, max_sentences: int, upgrade_to: tuple[str, str] | None = None) -> dict[int, int]:
        """Pending articles with more than `max_sentences` sentences, which no batch run takes: id → sentences."""
        params = _params(lang, None, "", max_sentences, upgrade_to) | {"now": time.time()}
        with self.faults():
            rows = self.db.execute(self._claimable("id, sentences", "where sentences > :max order by id"), params)
            return dict(rows.fetchall())

    def claim(
        self,
        lang: str,
        owner: str,
        *,
        sentences: int,
        max_sentences: int,
        retry_before: str | None = None,
        lease_seconds: float = LEASE_SECONDS,
        upgrade_to: tuple[str, str] | None = None,
    ) -> dict[int, str]:
        """Claim pending articles for `owner`, oldest first, until they hold `sentences` sentences.

        At least one article when any is claimable; articles of more than
        `max_sentences` sentences are left alone (see `oversized`). A claim lasts
        `lease_seconds` unless renewed; an expired one is anyone's. `upgrade_to`:
        (package, version) of the run's model; the untouched articles another one
        translated are pending too (see `_claimable`). Returns article id →
        content hash of its English, as claimed. Being a write, the first claim
        also proves that the database can be written.

        :raises StoreError: when the database cannot be written.
        """
        params = _params(lang, retry_before, owner, max_sentences, upgrade_to)
        claimed: dict[int, str] = {}
        with self.transaction():
            params["now"] = now = time.time()
            # Each article holds a sentence at least, so `sentences` rows are enough.
            rows = self.db.execute(
                self._claimable("id, content_hash, sentences", "where sentences <= :max order by id limit :limit"),
                {**params, "limit": max(sentences, 1)},
            ).fetchall()
            held = 0
            for article_id, content_hash, count in rows:
                if held >= sentences:
                    break
                claimed[article_id] = content_hash
                held += count
            self.db.conn.executemany(
                "insert or replace into claims (article_id, lang, owner, expires_at) values (?, ?, ?, ?)",
                [(article_id, lang, owner, now + lease_seconds) for article_id in claimed],
            )
        return claimed

    def renew_claims(self, owner: str, lease_seconds: float = LEASE_SECONDS) -> int:
        """Extend `owner`'s claims by `lease_seconds` from now; returns how many it holds."""
        with self.transaction():
            return self.db.conn.execute(
                "update claims set expires_at = ? where owner = ?", (time.time() + lease_seconds, owner)
            ).rowcount

    def claim_owners(self, lang: str) -> set[str]:
        """The owners of live claims on articles for translation into `lang`."""
        with self.faults():
            rows = self.db.execute(
                "select distinct owner from claims where lang = ? and expires_at > ?", (lang, time.time())
            )
            return {owner for (owner,) in rows}

    def claimed(self, lang: str) -> int:
        """How many articles live claims hold for translation into `lang` (other runs at work)."""
        with self.faults():
            return self.db.execute(
                "select count(*) from claims where lang = ? and expires_at > ?", (lang, time.time())
            ).fetchone()[0]

    def release_claims(self, owner: str) -> None:
        """Drop `owner`'s claims (the articles it did not save become anyone's again)."""
        with self.transaction():
            self.db.conn.execute("delete from claims where owner = ?", (owner,))


def _params(
    lang: str, retry_before: str | None, owner: str, max_sentences: int, upgrade_to: tuple[str, str] | None
) -> dict[str, object]:
    """The parameters of `Claims._claimable`'s SQL, but the time."""
    package, version = upgrade_to or (None, None)
    return {
        "lang": lang,
        "retry_before": retry_before,
        "owner": owner,
        "max": max_sentences,
        "package": package,
        "version": version,
    }

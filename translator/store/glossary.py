"""The desk's glossary and the QA flags of every translated sentence."""

from __future__ import annotations

from typing import Iterable, Iterator, Sequence

from ..core.news import Check, Flag, Severity
from ..quality.glossary import GlossaryEntry, term_key
from .connection import Connection


class Glossary(Connection):
    """Tables `glossary`, `qa_flags`."""

    def glossary(self) -> list[GlossaryEntry]:
        """The stored glossary, in order of the English terms (case ignored)."""
        # Plain rows, not sqlite-utils' dicts: a term change's recheck reads all of it (5,000
        # terms) again for each article it writes (issue 25).
        rows = self.db.execute("select english, japanese, note from glossary order by key")
        return [GlossaryEntry(*row) for row in rows]

    def glossary_entry(self, english: str) -> GlossaryEntry | None:
        """The entry for `english` (case, spacing and Unicode form ignored, glossary.term_key), if there is one."""
        row = next(self.db["glossary"].rows_where("key = ?", [term_key(english)]), None)
        return GlossaryEntry(row["english"], row["japanese"], row["note"]) if row else None

    def write_glossary(self, entries: Iterable[GlossaryEntry], at: str) -> None:
        """Add these entries, replacing those with the same English (term_key); `at` is ISO 8601."""
        with self.transaction():
            self.db["glossary"].upsert_all(
                ({"key": term_key(e.english), "english": e.english, "japanese": e.japanese, "note": e.note, "updated_at": at}
                 for e in entries),
                pk="key",
            )  # fmt: skip

    def remove_glossary_terms(self, englishes: Iterable[str]) -> None:
        """Remove the entries for these English terms (term_key)."""
        with self.transaction():
            for english in englishes:
                self.db["glossary"].delete_where("key = ?", [term_key(english)])

    def translated_sentences(self, lang: str) -> Iterator[tuple[int, str, str]]:
        """Every sentence of every article that has Japanese in `lang`, as its page shows it: (article id,
        English, Japanese), the Japanese an editor's text where there is one, else the saved translation."""
        # From the article's sentences: an editor may have written the only Japanese a sentence has.
        query = """
            select distinct s.article_id, s.text as source, coalesce(e.text, st.text) as text from sentences s
            left join sentence_translations st
              on st.article_id = s.article_id and st.lang = :lang and st.source_hash = s.source_hash
            left join edits e on e.article_id = s.article_id and e.lang = :lang and e.source_hash = s.source_hash
            where coalesce(e.text, st.text) is not null
        """
        for row in self.db.query(query, {"lang": lang}):
            yield row["article_id"], row["source"], row["text"]

    def flags(self, article_id: int, lang: str) -> dict[str, tuple[Flag, ...]]:
        """The article's QA flags in `lang`: sentence hash → its flags, in check order."""
        found: dict[str, list[Flag]] = {}
        for row in self.db["qa_flags"].rows_where(
            "article_id = ? and lang = ?", [article_id, lang], order_by="source_hash, seq"
        ):
            found.setdefault(row["source_hash"], []).append(
                Flag(
                    Check(row["check_name"]),
                    Severity(row["severity"]),
                    row["message"],
                    _span(row["en_start"], row["en_end"]),
                    _span(row["ja_start"], row["ja_end"]),
                )
            )
        return {source_hash: tuple(flags) for source_hash, flags in found.items()}

    def save_flags(self, article_id: int, lang: str, flags: dict[str, Sequence[Flag]]) -> None:
        """Replace the article's QA flags in `lang` with `flags` (sentence hash → flags), in one transaction."""
        with self.transaction():
            self.db["qa_flags"].delete_where("article_id = ? and lang = ?", [article_id, lang])
            self.db["qa_flags"].insert_all(
                {
                    "article_id": article_id,
                    "lang": lang,
                    "source_hash": source_hash,
                    "seq": seq,
                    "check_name": flag.check.value,
                    "severity": flag.severity.value,
                    "message": flag.message,
                    "en_start": flag.en_span[0] if flag.en_span else None,
                    "en_end": flag.en_span[1] if flag.en_span else None,
                    "ja_start": flag.ja_span[0] if flag.ja_span else None,
                    "ja_end": flag.ja_span[1] if flag.ja_span else None,
                }
                for source_hash, sentence_flags in flags.items()
                for seq, flag in enumerate(sentence_flags)
            )


def _span(start: int | None, end: int | None) -> tuple[int, int] | None:
    return None if start is None or end is None else (start, end)

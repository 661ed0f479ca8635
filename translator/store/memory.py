"""The translation memory's table: approved translations of English sentences."""

from __future__ import annotations

from typing import Iterable

from ..core.news import MemoryEntry, sentence_hash
from .connection import Connection


class Memory(Connection):
    """Table `memory`: one approved translation per (language, English sentence)."""

    def memory_exact(self, sources: Iterable[str], lang: str) -> dict[str, str]:
        """The memory's translations into `lang` of exactly these English sentences: English → text."""
        found: dict[str, str] = {}
        wanted = list(dict.fromkeys(sources))
        for start in range(0, len(wanted), 500):  # stay well under SQLite's variable limit
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.db.query(
                f"select source, text from memory where lang = ? and source_hash in ({marks})",
                [lang, *(sentence_hash(source) for source in chunk)],
            )
            found.update((row["source"], row["text"]) for row in rows)
        return found

    def remember(self, lang: str, pairs: Iterable[tuple[str, str]], *, editor: str, article_id: int, at: str) -> None:
        """Keep (English, translation) pairs approved by `editor` at `at` (ISO 8601); a newer one replaces an older one."""
        with self.transaction():
            self.db["memory"].upsert_all(
                (
                    {
                        "lang": lang,
                        "source_hash": sentence_hash(source),
                        "source": source,
                        "text": text,
                        "editor": editor,
                        "article_id": article_id,
                        "approved_at": at,
                    }
                    for source, text in pairs
                ),
                pk=("lang", "source_hash"),
            )

    def memory_entries(self, lang: str) -> list[MemoryEntry]:
        """Every entry of the memory into `lang`."""
        return [
            MemoryEntry(row["source"], row["text"], row["editor"], row["approved_at"])
            for row in self.db["memory"].rows_where("lang = ?", [lang])
        ]

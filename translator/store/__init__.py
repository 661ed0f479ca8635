"""The SQLite store: the only package that runs SQL.

`Store` is one connection (connection.py: opening, migrations, transactions,
faults); its methods come from one module per subject, each the only one that
reads or writes its tables:

- articles.py: articles and their English (blocks, sentences, revisions, import repairs);
- translations.py: translations, their status, the pending ones, the machine-translation cache;
- claims.py: batch runs' claims on pending articles;
- editorial.py: edits, reviews, approvals, the audit trail;
- publications.py: pages, their URLs, and whether they are live (the view `live_pages`);
- memory.py: the translation memory;
- glossary.py: the desk's glossary and the QA flags;
- aligned.py: the one read across them all that every face renders (aligned_article);
- sql.py: the SQL several of them share; migrations.py: the schema, in order.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Iterator

from .aligned import Aligned
from .articles import Articles
from .claims import LEASE_SECONDS, Claims
from .connection import store_error
from .editorial import Editorial
from .glossary import Glossary
from .memory import Memory
from .publications import Publications
from .translations import Translations


class Store(Articles, Translations, Claims, Editorial, Publications, Memory, Glossary, Aligned):
    """One SQLite database, migrated to the newest schema, with every subject's reads and writes."""


@contextlib.contextmanager
def opened(path: Path | str, *, create: bool = True) -> Iterator[Store]:
    """`Store.open`, closed on leaving the block; SQLite's fault reports in the block become StoreError."""
    store = Store.open(path, create=create)
    try:
        with store.faults():
            yield store
    finally:
        with contextlib.suppress(sqlite3.Error):  # what was committed stays committed
            store.close()


__all__ = ["LEASE_SECONDS", "Store", "opened", "store_error"]

"""One SQLite connection: opening (with migrations), transactions, and SQLite's faults as one-line errors.

Opening a store applies pending migrations (migrations.py). Every write runs in a
`transaction()`, which takes SQLite's write lock up front (BEGIN IMMEDIATE) and
waits for another process's write to end, so any number of processes (batch
runs, imports, the desk) share one database; methods that write several rows
do so in one transaction, so a reader never sees half an article, and they
nest, as savepoints, inside a caller's transaction.

SQLite's faults (disk full, read-only file or folder, a damaged file, a lock
held too long) come out as StoreError with one line that says what to do.
"""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Self

from sqlite_utils import Database

from ..core.errors import StoreError
from . import migrations

# How long a write waits for another process's write to finish, in seconds. Writes
# are short (one article, one page), so a wait this long means something is wrong.
BUSY_TIMEOUT_SECONDS = 60.0
# Primary SQLite result codes → (what is wrong, what to do).
_FAULTS = {
    13: ("the disk is full", "free some space on it and run again"),  # SQLITE_FULL
    8: (  # SQLITE_READONLY
        "the database is read-only",
        "make the file, its -wal and -shm files beside it, and their folder writable for this user",
    ),
    14: (  # SQLITE_CANTOPEN
        "cannot open the database file",
        "check that the file and its folder exist and are readable and writable for this user",
    ),
    3: ("access denied", "check the permissions of the file and its folder"),  # SQLITE_PERM
    5: (  # SQLITE_BUSY
        f"another process kept the database locked for over {BUSY_TIMEOUT_SECONDS:.0f} s",
        "run again when it has finished",
    ),
    6: ("the database is locked", "run again when the other process has finished"),  # SQLITE_LOCKED
    10: ("the disk failed to read or write", "check the disk (full? removed? failing?) and run again"),
    11: ("the database file is damaged", "restore it from a backup, or point --db at another file"),
    26: ("the file is not an SQLite database", "point --db at the database file"),  # SQLITE_NOTADB
    7: ("SQLite ran out of memory", "close other programs and run again"),  # SQLITE_NOMEM
}


def now() -> str:
    """The time now, as the store records it: ISO 8601, UTC, whole seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _cannot_share(error: sqlite3.Error) -> bool:
    """SQLite could not make or write the files it shares between connections (read-only folder)."""
    return ((getattr(error, "sqlite_errorcode", None) or 0) & 0xFF) in (8, 14)  # READONLY, CANTOPEN


def _has_wal(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def store_error(path: Path | str, error: sqlite3.Error, *, opening: bool = False) -> StoreError | None:
    """The one-line StoreError for a fault of the machine that SQLite reports, or None for
    anything else (a bug in a query is not the user's to fix, and keeps its traceback)."""
    code = getattr(error, "sqlite_errorcode", None)
    fault = _FAULTS.get(code & 0xFF) if code is not None else None
    if fault is None and isinstance(error, sqlite3.DatabaseError) and "file is not a database" in str(error):
        fault = _FAULTS[26]
    if fault is None:
        return None
    what, advice = fault
    if opening:
        return StoreError(f"{path}: cannot open the database ({error}): {advice}")
    return StoreError(f"{path}: {what} ({error}): {advice}")


class Connection:
    """One SQLite database, migrated to the newest schema: opening, closing, transactions, faults."""

    def __init__(self, db: Database, path: Path | None = None):
        """`path` names the database in messages (None: the file SQLite has open)."""
        self.db = db
        # True when opened as a file nobody changes (`_open_immutable`): it never sees a later write.
        self.immutable = False
        if path is None:
            row = db.execute("pragma database_list").fetchone()
            path = Path(row[2]) if row and row[2] else Path(":memory:")
        self.path = path
        # The wait for another process's write lock (sqlite3.connect's own default is 5 s).
        self.db.execute(f"pragma busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        self.db.execute("pragma foreign_keys = on")
        if migrations.migrations.pending(self.db):
            # Under the write lock, so that processes opening an old database at once
            # migrate it once (apply looks again at what is pending once it holds it).
            with self.transaction():
                migrations.apply(self.db)

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> Self:
        """Open (with `create`, make) the database at `path`, in WAL mode, and migrate it.

        :raises StoreError: when the file is missing (and `create` is False), its folder
            cannot be made, or the database is unusable (one line, with what to do).
        """
        path = Path(path)
        if not create and not path.is_file():
            raise StoreError(f"no database at {path}: run `translate import` first")
        if create:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"{path.parent}: cannot create the database's folder ({error.strerror or error}): "
                    "create it, or point --db elsewhere"
                ) from None
        connection = None
        try:
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
            db = Database(connection)
            if db.journal_mode != "wal":
                # WAL lets editors read while a batch run writes.
                db.enable_wal()
            return cls(db, path)
        except sqlite3.Error as error:
            if connection is not None:
                connection.close()
            if not create and _cannot_share(error) and not _has_wal(path):
                with contextlib.suppress(sqlite3.Error):
                    return cls._open_immutable(path)
            raise (store_error(path, error, opening=True) or StoreError(
                f"{path}: cannot open the database ({error})"
            )) from None
        except BaseException:  # a migration refused (StoreError), Ctrl-C: the connection is not kept
            if connection is not None:
                connection.close()
            raise

    @classmethod
    def _open_immutable(cls, path: Path) -> Self:
        """The database as a file nobody changes: for reading where SQLite cannot make its
        -shm file (a read-only folder or file system). Only when no -wal file holds changes
        not yet in the database file, which an immutable read would not see."""
        opened = cls(Database(sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)), path)
        opened.immutable = True
        return opened

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def faults(self) -> Iterator[None]:
        """Turn SQLite's reports of faults of the machine inside the block into StoreError."""
        try:
            yield
        except sqlite3.Error as error:
            mapped = store_error(self.path, error)
            if mapped is None:
                raise
            raise mapped from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction (inside one, a savepoint): all of it is written, or none.

        The outermost one starts with BEGIN IMMEDIATE: it takes SQLite's write lock
        before reading, waiting up to BUSY_TIMEOUT_SECONDS for another process's
        write to end. (A deferred transaction that reads, then writes, is refused at
        once under WAL when another process committed in between, whatever the busy
        timeout: concurrent runs died of that with "database is locked", issue 8.)
        Never open one inside `snapshot()`. It yields nothing: SQL stays in the
        store's methods (tests/test_architecture.py).

        :raises StoreError: when the write cannot be made (disk full, read-only file
            or folder, locked too long); nothing of the transaction is written.
        """
        conn = self.db.conn
        with self.faults():
            if conn.in_transaction:
                with self.db.atomic():  # a savepoint
                    yield
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every query in it sees the database as of one moment.

        Deferred: it takes no write lock, so it never waits for a writer, and it
        works on a read-only database. Write only through `transaction()`.
        """
        conn = self.db.conn
        with self.faults():
            if conn.in_transaction:
                yield
                return
            conn.execute("BEGIN")
            try:
                yield
            finally:
                self._rollback()

    def _rollback(self) -> None:
        # The error that brought us here may have ended the transaction already.
        with contextlib.suppress(sqlite3.Error):
            if self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")


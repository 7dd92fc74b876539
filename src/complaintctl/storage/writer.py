"""Write transactions on a SQLite file through the standard library, for the steps of a case.

`log`, `acknowledge`, `close` and the other steps run once and exit; importing the ORM costs
them many times what the write does. When the file's schema is current and the policy in use is
the one it stored last, a step only appends events and rewrites its case's rows, so it is
written here with `sqlite3` and the same statements (statements.py) and write methods
(writes.Writes) the store uses. Otherwise (a PostgreSQL URL, a schema to migrate, no policy
stored yet, a policy given that differs from the stored one) `open_writer` returns None and the
caller opens the full store, which does that work first.

A write transaction is the store's: `BEGIN IMMEDIATE` takes SQLite's write lock before the
first statement, waiting up to the busy timeout for another officer's command to finish, so a
reference, an event number and the chain head are each read and written by one command at a
time; the connection has the store's settings (write-ahead log, foreign keys, full sync).

Never imports SQLAlchemy or SQLModel.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any

from complaintctl.errors import StorageError
from complaintctl.storage import statements
from complaintctl.storage.chainkey import Keyring
from complaintctl.storage.locations import is_url
from complaintctl.storage.database_file import reclaim_sqlite
from complaintctl.storage.reader import Reader, usable_as_it_is
from complaintctl.storage.writes import Writes


def open_writer(location: str, fingerprint: str | None = None) -> "Writer | None":
    """A writer when the file can be written as it is; None when the full store must open it
    (see `reader.usable_as_it_is`). Refuses a file that is not a complaintctl database."""
    if is_url(location) or not Path(location).is_file():
        return None
    try:
        conn = sqlite3.connect(location, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute(statements.SQLITE_BUSY_TIMEOUT)
    except sqlite3.Error:
        return None
    try:
        # Checked before the settings: a file that is not complaintctl's is left as it is.
        usable = usable_as_it_is(conn, location, fingerprint)
        if usable:
            for setting in statements.SQLITE_SETTINGS:
                conn.execute(setting)
    except StorageError:
        conn.close()
        raise
    except sqlite3.Error:
        usable = False
    if not usable:
        conn.close()
        return None
    return Writer(location, conn)


class Writer(Writes, Reader):
    """Stands in for `Store` in a Context: `reading()` and `writing()` yield itself."""

    def __init__(self, location: str, conn: sqlite3.Connection) -> None:
        super().__init__(location, conn)
        self.keys = Keyring()

    @contextmanager
    def writing(self) -> Iterator["Writer"]:
        """One write transaction, holding the write lock from its first statement; whatever
        stops it before its end (a refusal, an interrupt) leaves nothing written."""
        self.conn.execute(statements.SQLITE_BEGIN_WRITE)
        try:
            yield self
            self.conn.execute(statements.COMMIT)
        except BaseException:
            # SQLite ends the transaction itself on some errors (a full disk); then there is none to roll back.
            if self.conn.in_transaction:
                self.conn.execute(statements.ROLLBACK)
            raise

    def reclaim(self) -> bool:
        """Rebuild the file after a redaction (statements.SQLITE_RECLAIM); False when another
        process's read kept part of the write-ahead log from being emptied."""
        return reclaim_sqlite(self.conn)

    def execute(self, sql: str, params: Mapping[str, Any]) -> int:
        return self.conn.execute(sql, params).rowcount

    def execute_many(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        # An INSERT is bound by position, each row's values taken in the columns' order in one call.
        positional = statements.by_position(sql)
        if positional is None or len(positional[1]) < 2:
            self.conn.executemany(sql, rows)
            return
        sql, columns = positional
        self.conn.executemany(sql, map(itemgetter(*columns), rows))


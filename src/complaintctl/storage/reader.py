"""Read-only queries on a SQLite file through the standard library, for commands that only look.

`show`, `list` and the reports run once and exit, often from cron: importing the ORM costs more
than the query. When the file's schema is current and the policy in use is the one it stored
last, nothing needs writing, so these commands read it here with `sqlite3` and the same
statements (statements.py) the store sends. Otherwise (a PostgreSQL URL, a schema to migrate, no
policy stored yet, a policy given that differs from the stored one) `open_reader` returns None
and the caller opens the full store, which does the work.

`Reader` has the read methods of `store.Transaction` (queries.Queries) with the same results.
Never imports SQLAlchemy or SQLModel.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from complaintctl.errors import StorageError
from complaintctl.storage import statements
from complaintctl.storage.database_file import applied_migrations, connect
from complaintctl.storage.locations import is_url
from complaintctl.storage.queries import Queries


def open_reader(location: str, fingerprint: str | None = None) -> "Reader | None":
    """A reader when the file can be read as it is; None when the full store must open it: a
    schema to migrate, no policy stored yet, or (given the `fingerprint` of the policy the
    command was given) a policy that differs from the one stored, to be stored as a new version.

    Refuses a file that is not a complaintctl database (see `applied_migrations`)."""
    if is_url(location) or not Path(location).is_file():
        return None
    try:
        conn = connect(location)
    except sqlite3.Error:
        return None
    try:
        usable = usable_as_it_is(conn, location, fingerprint)
    except StorageError:
        conn.close()
        raise
    if not usable:
        conn.close()
        return None
    return Reader(location, conn)


def usable_as_it_is(conn: sqlite3.Connection, location: str, fingerprint: str | None) -> bool:
    """Whether the SQLite database on `conn` needs nothing stored before a command uses it: its
    schema current, a policy stored and (given a policy's `fingerprint`) that one the latest.
    Read in one transaction, changing nothing. False when it cannot be read (busy, damaged): the
    full store then says why. Refuses a file that is not a complaintctl database."""
    from complaintctl.storage import migrations

    try:
        conn.execute(statements.BEGIN)
        applied = applied_migrations(conn, location)
        stored = None
        if not migrations.pending(applied) and not migrations.unknown(applied):
            stored = conn.execute(statements.LATEST_POLICY_FINGERPRINT).fetchone()
        conn.execute(statements.COMMIT)
    except sqlite3.Error:
        return False
    return bool(stored) and (fingerprint is None or stored[0] == fingerprint)


def references_starting(location: str, start: str, limit: int) -> list[str]:
    """Case references beginning with `start`, in order, through the reference index."""
    if is_url(location):
        from complaintctl.storage.store import Store

        store = Store.open(location)
        try:
            with store.reading() as tx:
                return tx.references_starting(start, limit)
        finally:
            store.dispose()
    if not Path(location).is_file():
        return []
    reader = Reader(location, connect(location))
    try:
        return reader.references_starting(start, limit)
    finally:
        reader.dispose()


class Reader(Queries):
    """Stands in for `Store` in a read-only Context: `reading()` yields itself."""

    is_sqlite = True
    dates_as_text = True

    def __init__(self, location: str, conn: sqlite3.Connection) -> None:
        self.location = location
        self.conn = conn

    @contextmanager
    def reading(self) -> Iterator["Reader"]:
        self.conn.execute(statements.BEGIN)
        try:
            yield self
        finally:
            self.conn.execute(statements.COMMIT)

    @contextmanager
    def writing(self) -> Iterator[Any]:
        raise StorageError("this command only reads the database")
        yield  # pragma: no cover

    def dispose(self) -> None:
        self.conn.close()

    def run(self, sql: str, params: Mapping[str, Any]) -> tuple[Sequence[str], sqlite3.Cursor]:
        cursor = self.conn.execute(sql, params)
        return [column[0] for column in cursor.description or ()], cursor

    def stream_tuples(self, sql: str, batch: int) -> sqlite3.Cursor:
        """The rows of a statement, as stored, stepped through as they are iterated."""
        return self.conn.execute(sql)

    def stream(self, sql: str, batch: int, dates: bool = True) -> Iterator[dict[str, Any]]:
        """The rows of a statement as dicts, as store.Transaction.stream gives them; SQLite
        steps through them as they are iterated, so `batch` needs no say here. With `dates`
        False, date columns stay as SQLite keeps them (ISO text), which is quicker."""
        names, rows = self.cursor(sql, {}) if dates else self.run(sql, {})
        for row in rows:
            yield dict(zip(names, row))

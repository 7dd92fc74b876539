"""Whether a SQLite file is a complaintctl database, found out without changing it.

Only `init` makes a database. Every other command opens a file only after it is seen here to
be complaintctl's: a SQLite file with a `schema_migrations` table naming the first release's
migration. An empty file, a text file, another program's database or one made before the first
release is refused as it is: the check reads with `sqlite3` alone, before the store's engine
sets its journal mode, and never writes. (Nor does it open the file itself: closing a file
descriptor of a database drops every lock the process holds on it, which SQLite's other
connections in the process rely on.)
"""

from __future__ import annotations

import os
import sqlite3

from complaintctl.errors import StorageError
from complaintctl.storage import statements
from complaintctl.storage.locations import shown


def connect(location: str) -> sqlite3.Connection:
    """A read-only connection to a SQLite file; we begin and commit its transactions ourselves."""
    conn = sqlite3.connect(location, timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute(statements.SQLITE_BUSY_TIMEOUT)
    conn.execute(statements.SQLITE_READ_ONLY)
    return conn


# SQLite's primary result codes for an SQL error (such as a missing column) and a file that is not a database.
SQLITE_ERROR, SQLITE_NOTADB = 1, 26


def not_complaintctl(location: str) -> StorageError:
    return StorageError(f"{shown(location)} is not a complaintctl database; check --db, or run `complaintctl init` for a new one")


def applied_migrations(conn: sqlite3.Connection, location: str) -> set[str]:
    """The migrations a SQLite database has had, read without changing it. Refuses one that is
    not a complaintctl database: without a `schema_migrations` table naming complaintctl's first
    migration, as another program's database, or one made before the first release, is."""
    from complaintctl.storage import migrations

    try:
        if conn.execute(statements.SQLITE_HAS_MIGRATIONS).fetchone() is None:
            raise not_complaintctl(location)
        applied = {row[0] for row in conn.execute(statements.APPLIED_MIGRATIONS)}
    except sqlite3.DatabaseError as problem:
        # Not SQLite after all, or another program's schema_migrations (no `name` column): not
        # ours. Anything else (busy, locked, damaged) is no answer, and goes up as it is.
        if (problem.sqlite_errorcode or 0) & 0xFF not in (SQLITE_ERROR, SQLITE_NOTADB):
            raise
        raise not_complaintctl(location) from None
    if migrations.MIGRATIONS[0][0] not in applied:
        raise not_complaintctl(location)
    return applied


def check_database_file(location: str) -> set[str]:
    """The migrations applied to the SQLite file at `location`, read without changing it (no
    journal mode set, no table made); refuses a file that is not a complaintctl database, and
    a folder, a pipe or a device, which SQLite would only call unopenable or a disk error."""
    if not os.path.isfile(location):
        raise not_complaintctl(location)
    conn = connect(location)
    try:
        return applied_migrations(conn, location)
    finally:
        conn.close()


def reclaim_sqlite(conn: sqlite3.Connection) -> bool:
    """Run statements.SQLITE_RECLAIM on a connection outside any transaction."""
    vacuum, checkpoint = statements.SQLITE_RECLAIM
    try:
        conn.execute(vacuum)
        busy = conn.execute(checkpoint).fetchone()
    except sqlite3.OperationalError:  # another process held the file past the busy timeout
        return False
    return not busy or busy[0] == 0

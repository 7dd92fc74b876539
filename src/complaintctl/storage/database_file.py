"""Whether a SQLite file is a complaintctl database, found out without changing it.

Only `init` makes a database. Every other command opens a file only after it is seen here to
be complaintctl's: a SQLite file with a `schema_migrations` table naming the first release's
migration. An empty file, a text file, another program's database or one made before the first
release is refused as it is: the check reads with `sqlite3` alone, before the store's engine
sets its journal mode, and never writes.
"""

from __future__ import annotations

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


# The first bytes of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"


def not_complaintctl(location: str) -> StorageError:
    return StorageError(f"{shown(location)} is not a complaintctl database; check --db, or run `complaintctl init` for a new one")


def connect_checked(location: str) -> sqlite3.Connection:
    """`connect` to a file that at least starts as a SQLite database does; refuses any other
    (empty, text, …) before SQLite sees it. Nothing is written to it."""
    try:
        with open(location, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as problem:
        raise StorageError(f"cannot read {shown(location)} ({problem.strerror}); check --db and the file's permissions") from None
    if header != SQLITE_HEADER:
        raise not_complaintctl(location)
    return connect(location)


def applied_migrations(conn: sqlite3.Connection, location: str) -> set[str]:
    """The migrations a SQLite database has had, read without changing it. Refuses one that is
    not a complaintctl database: without a `schema_migrations` table naming complaintctl's first
    migration, as another program's database, or one made before the first release, is."""
    from complaintctl.storage import migrations

    try:
        if conn.execute(statements.SQLITE_HAS_MIGRATIONS).fetchone() is None:
            raise not_complaintctl(location)
        applied = {row[0] for row in conn.execute(statements.APPLIED_MIGRATIONS)}
    except sqlite3.OperationalError as problem:
        if problem.sqlite_errorname in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            raise
        raise not_complaintctl(location) from None  # another program's schema_migrations
    except sqlite3.DatabaseError as problem:
        if problem.sqlite_errorname != "SQLITE_NOTADB":
            raise
        raise not_complaintctl(location) from None
    if migrations.MIGRATIONS[0][0] not in applied:
        raise not_complaintctl(location)
    return applied


def check_database_file(location: str) -> set[str]:
    """The migrations applied to the SQLite file at `location`, read without changing it (no
    journal mode set, no table made); refuses a file that is not a complaintctl database."""
    conn = connect_checked(location)
    try:
        return applied_migrations(conn, location)
    finally:
        conn.close()

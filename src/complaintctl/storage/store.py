"""The full store: a SQLite file or a PostgreSQL database through SQLAlchemy, and the
transactions that read and write it.

Events are appended, never updated or deleted; each carries a hash over its content and the
previous event's hash. The `cases`, `stages` and `actions` tables and the report records are a
projection of the events, rewritten whenever a case changes and re-derivable at any time.

A transaction runs the statements of statements.py through SQLAlchemy's `text()`: the reads
are queries.Queries, shared with the light reader; the writes are writes.Writes, shared with the
light writer. Only the running of a statement is here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.elements import TextClause

from complaintctl.errors import StorageError
from complaintctl.storage import migrations, statements
from complaintctl.storage.chainkey import KEY_ID, KEYED_AFTER, Keyring, make_key
from complaintctl.storage.database_file import check_database_file, not_complaintctl
from complaintctl.storage.locations import is_url, shown, with_quoted_password
from complaintctl.storage.queries import dated
from complaintctl.storage.writes import Writes


def _create_private_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(descriptor)


def _postgres_engine(location: str) -> Engine:
    scheme, _, rest = with_quoted_password(location).partition("://")
    if scheme in ("postgresql", "postgres"):
        scheme = "postgresql+psycopg"
    if not scheme.startswith("postgresql"):
        raise StorageError(f"unsupported database URL scheme {scheme!r}; use a file path or postgresql+psycopg://user@host/database")
    # An unreachable server should fail the command in seconds, not hang it.
    connect_args = {} if "connect_timeout=" in rest else {"connect_timeout": 10}
    try:
        # No pool: each command is one short process, and a shared server should not keep idle
        # connections for sessions (tests, `shell`) that open many stores.
        engine = create_engine(f"{scheme}://{rest}", poolclass=NullPool, connect_args=connect_args)
    except ModuleNotFoundError:
        raise StorageError("PostgreSQL needs psycopg: pip install 'complaintctl[postgres]'") from None
    except ArgumentError:
        raise StorageError(
            f"cannot read the database URL {shown(location)}; write it as postgresql+psycopg://user:password@host:5432/database"
        ) from None

    @sa_event.listens_for(engine, "begin")
    def _begin(conn: Connection):
        # As SQLite's BEGIN IMMEDIATE: writers queue here until the previous one commits, so a
        # reference, an event number and the chain head are each read and written by one at a time.
        if conn.get_execution_options().get("write", False):
            conn.exec_driver_sql(statements.POSTGRES_WRITE_LOCK)

    return engine


def _make_engine(location: str) -> Engine:
    if is_url(location):
        return _postgres_engine(location)
    engine = create_engine(f"sqlite:///{location}", connect_args={"timeout": 30})

    @sa_event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):
        # Let us issue BEGIN ourselves so that writers take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for setting in (statements.SQLITE_BUSY_TIMEOUT, *statements.SQLITE_SETTINGS):
            cursor.execute(setting)
        cursor.close()

    @sa_event.listens_for(engine, "begin")
    def _begin(conn: Connection):
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql(statements.SQLITE_BEGIN_WRITE if immediate else statements.BEGIN)

    return engine


class Store:
    """A complaints database: SQLite file or PostgreSQL URL."""

    def __init__(self, location: str, engine: Engine) -> None:
        self.location = location
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self.keys = Keyring()
        # Where the chain key of a database this store has just created is kept.
        self.key_file: Path | None = None

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def create(cls, location: str) -> "Store":
        """Create a new, empty database; refuses one that already exists."""
        if not is_url(location):
            path = Path(location)
            if path.exists():
                try:
                    check_database_file(location)
                except StorageError:
                    raise StorageError(f"{location} already exists and is not a complaintctl database; choose another --db") from None
                raise StorageError(f"{location} already exists; use it as it is, or choose another --db")
            try:
                _create_private_file(path)
            except OSError as problem:
                raise StorageError(f"cannot create {location} ({problem.strerror}); check the folder exists and is writable") from None
        store = cls(location, _make_engine(location))
        try:
            store.migrate(fresh=True)
            store.start_chain()
        except BaseException:
            store.dispose()
            if not is_url(location):
                for leftover in (location, f"{location}-wal", f"{location}-shm"):
                    Path(leftover).unlink(missing_ok=True)
            raise
        return store

    @classmethod
    def open(cls, location: str) -> "Store":
        """Open an existing database, upgrading its schema if this release is newer."""
        if not is_url(location):
            if not Path(location).exists():
                raise StorageError(f"no database at {location}; run `complaintctl init` first, or point --db at the right file")
            # Before the engine sets its journal mode: a file complaintctl did not make is left as it is.
            check_database_file(location)
        store = cls(location, _make_engine(location))
        store.migrate()
        return store

    def migrate(self, fresh: bool = False) -> None:
        """Apply pending migrations; a database already up to date costs one read.

        A PostgreSQL database is made by `init` (`fresh`), which refuses one that already holds
        complaintctl's tables, as it refuses an existing file; other commands refuse one without.
        """
        try:
            applied_before = self._applied_migrations()
            if not fresh and applied_before is not None and not migrations.pending(applied_before):
                return
            if not fresh and applied_before is None:
                if self.is_sqlite:
                    raise not_complaintctl(self.location)
                raise StorageError(
                    f"no complaintctl database at {shown(self.location)}; run `complaintctl init` first, or point --db at the right database"
                )
            with self.engine.connect().execution_options(write=True) as conn, conn.begin():
                conn.exec_driver_sql(statements.CREATE_MIGRATIONS_TABLE)
                applied = {row[0] for row in conn.exec_driver_sql(statements.APPLIED_MIGRATIONS)}
                if fresh and applied:
                    raise StorageError(
                        f"{shown(self.location)} already holds a complaintctl database; use it as it is, or choose another --db"
                    )
                self._refuse_newer(applied)
                applying = migrations.pending(applied)
                for name, step in applying:
                    step(conn)
                    conn.execute(
                        statement(statements.RECORD_MIGRATION),
                        {"name": name, "applied_at": datetime.now().isoformat(timespec="seconds")},
                    )
                if not fresh and migrations.REDERIVE_OPEN_CASES & {name for name, _ in applying}:
                    rederive_open_cases(conn)
        except OperationalError as problem:
            raise StorageError(f"cannot use the database {shown(self.location)}: {problem.orig}") from None
        except ProgrammingError as problem:
            if getattr(problem.orig, "sqlstate", None) != "42501":
                raise
            raise StorageError(
                f"the login in {shown(self.location)} may not create complaintctl's tables ({problem.orig}); "
                "ask for the database's ownership or GRANT CREATE ON SCHEMA public"
            ) from None

    def start_chain(self) -> None:
        """Give a new database its chain key (made, or COMPLAINTCTL_KEY_FILE's): every event is keyed."""
        key = make_key()
        with self.writing() as tx:
            tx.set_meta(KEY_ID, key.id)
            tx.set_meta(KEYED_AFTER, "")
        self.key_file = key.path

    def _applied_migrations(self) -> set[str] | None:
        """The migrations the database has had; None when it has no migrations table yet."""
        with self.engine.connect() as conn, conn.begin():
            exists = conn.exec_driver_sql(
                statements.SQLITE_HAS_MIGRATIONS if self.is_sqlite else statements.POSTGRES_HAS_MIGRATIONS
            ).scalar()
            if not exists:
                return None
            applied = {row[0] for row in conn.exec_driver_sql(statements.APPLIED_MIGRATIONS)}
        if migrations.MIGRATIONS[0][0] not in applied:
            return None  # another program's table of that name
        self._refuse_newer(applied)
        return applied

    def _refuse_newer(self, applied: set[str]) -> None:
        newer = migrations.unknown(applied)
        if newer:
            raise StorageError(
                f"{shown(self.location)} was written by a newer complaintctl (schema {max(newer)}); upgrade complaintctl to use it"
            )

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator["Transaction"]:
        """One write transaction, holding the write lock from its first statement."""
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            yield Transaction(conn, self.is_sqlite, self.keys)

    @contextmanager
    def reading(self) -> Iterator["Transaction"]:
        with self.engine.connect() as conn:
            if not self.is_sqlite:
                # One snapshot for every query of the read, as SQLite gives: a report never mixes
                # the database before and after another officer's command.
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield Transaction(conn, self.is_sqlite, self.keys)

    def reclaim(self) -> bool:
        """After a redaction, rewrite what held the data so that no copy from before remains in
        the database's files: SQLite's file rebuilt and its write-ahead log truncated, or
        PostgreSQL's tables rewritten (statements.POSTGRES_RECLAIM). False when SQLite's log
        could not be emptied because another process was reading."""
        if self.is_sqlite:
            from complaintctl.storage.database_file import reclaim_sqlite

            raw = self.engine.raw_connection()
            try:
                return reclaim_sqlite(raw.driver_connection)
            finally:
                raw.close()
        from sqlalchemy.exc import OperationalError

        try:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(statements.POSTGRES_RECLAIM)
        except OperationalError:  # a lock another session held, or the server went away
            return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()


@lru_cache(maxsize=512)
def statement(sql: str) -> TextClause:
    """A statement of statements.py as SQLAlchemy runs it; made once for each text."""
    return text(sql)


class Transaction(Writes):
    """The repository operations, inside one transaction: the reads of queries.Queries and the
    writes of writes.Writes, each a statement of statements.py run through SQLAlchemy."""

    def __init__(self, conn: Connection, is_sqlite: bool, keys: Keyring | None = None) -> None:
        self.conn = conn
        self.is_sqlite = is_sqlite
        self.keys = keys or Keyring()
        self.dates_as_text = is_sqlite
        # Rows read to be written back are locked on PostgreSQL; a SQLite writer holds the file.
        self.for_update = "" if is_sqlite else statements.POSTGRES_FOR_UPDATE

    def run(self, sql: str, params: Mapping[str, Any]) -> tuple[Sequence[str], Iterable[Sequence[Any]]]:
        result = self.conn.execute(statement(sql), params)
        if not result.returns_rows:
            return [], []
        return list(result.keys()), result

    def stream(self, sql: str, batch: int, dates: bool = True) -> Iterator[dict[str, Any]]:
        """The rows of a statement as dicts, fetched `batch` at a time: a large table costs time,
        not memory. With `dates` False, SQLite's date columns stay ISO text, which is quicker."""
        result = self.conn.execution_options(yield_per=batch).execute(statement(sql))
        names = list(result.keys())
        rows = dated(names, result) if self.dates_as_text and dates else result
        for row in rows:
            yield dict(zip(names, row))

    def stream_tuples(self, sql: str, batch: int) -> Iterable[Sequence[Any]]:
        """The rows of a statement, as stored, fetched `batch` at a time."""
        return self.conn.execution_options(yield_per=batch).execute(statement(sql))

    def execute(self, sql: str, params: Mapping[str, Any]) -> int:
        return self.conn.execute(statement(sql), params).rowcount

    def execute_many(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        self.conn.execute(statement(sql), list(rows))


def rederive_open_cases(conn: Connection) -> None:
    """Derive every open case again from its events under the stored policy, inside a migration
    (a closed case has no deadline left to change). A database with no policy stored yet has
    every case derived when its first version is stored (services.sync_policy)."""
    from complaintctl.domain.case import derive
    from complaintctl.domain.policy import PolicyHistory

    tx = Transaction(conn, conn.dialect.name == "sqlite")
    versions = tx.policy_versions()
    if not versions:
        return
    history = PolicyHistory(versions)
    latest = history.latest
    cases = dict(tx.tuples(statements.OPEN_CASES))
    ids = list(cases)
    for start in range(0, len(ids), 500):
        for case_id, events in tx.histories(ids[start : start + 500]).items():
            if events:
                tx.save_case(case_id, derive(cases[case_id], events, latest.policy, latest.calendar, history))

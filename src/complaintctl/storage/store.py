"""The full store: a SQLite file or a PostgreSQL database through SQLAlchemy, and the
transactions that read and write it.

Events are appended, never updated or deleted; each carries a hash over its content and the
previous event's hash. The `cases`, `stages` and `actions` tables are a projection of the
events, rewritten whenever a case changes and re-derivable at any time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import func, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool
from sqlmodel import create_engine, select

from complaintctl.domain.case import Case
from complaintctl.domain.events import Event
from complaintctl.errors import NotFound, StorageError
from complaintctl.storage import migrations
from complaintctl.storage.locations import is_url, shown
from complaintctl.storage.projection import action_rows, case_values, event_from_row, event_hash, save_records, stage_rows
from complaintctl.storage.schema import actions_table, cases_table, counters_table, events_table, meta_table, stages_table


def _create_private_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(descriptor)


# The key of the PostgreSQL advisory lock that lets one write transaction run at a time.
POSTGRES_WRITE_LOCK = 0x636F6D706C61696E


def _postgres_engine(location: str) -> Engine:
    scheme, _, rest = location.partition("://")
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
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({POSTGRES_WRITE_LOCK})")

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
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @sa_event.listens_for(engine, "begin")
    def _begin(conn: Connection):
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Store:
    """A complaints database: SQLite file or PostgreSQL URL."""

    def __init__(self, location: str, engine: Engine) -> None:
        self.location = location
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def create(cls, location: str) -> "Store":
        """Create a new, empty database; refuses one that already exists."""
        if not is_url(location):
            path = Path(location)
            if path.exists():
                raise StorageError(f"{location} already exists; use it as it is, or choose another --db")
            try:
                _create_private_file(path)
            except OSError as problem:
                raise StorageError(f"cannot create {location} ({problem.strerror}); check the folder exists and is writable") from None
        store = cls(location, _make_engine(location))
        try:
            store.migrate(fresh=True)
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
        if not is_url(location) and not Path(location).exists():
            raise StorageError(f"no database at {location}; run `complaintctl init` first, or point --db at the right file")
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
            if not fresh and applied_before is None and not self.is_sqlite:
                raise StorageError(
                    f"no complaintctl database at {shown(self.location)}; run `complaintctl init` first, or point --db at the right database"
                )
            with self.engine.connect().execution_options(write=True) as conn, conn.begin():
                conn.exec_driver_sql(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR(100) PRIMARY KEY, applied_at VARCHAR(40) NOT NULL)"
                )
                applied = {row[0] for row in conn.exec_driver_sql("SELECT name FROM schema_migrations")}
                if fresh and applied:
                    raise StorageError(
                        f"{shown(self.location)} already holds a complaintctl database; use it as it is, or choose another --db"
                    )
                self._refuse_newer(applied)
                for name, step in migrations.pending(applied):
                    step(conn)
                    conn.execute(
                        text("INSERT INTO schema_migrations (name, applied_at) VALUES (:name, :at)"),
                        {"name": name, "at": datetime.now().isoformat(timespec="seconds")},
                    )
        except OperationalError as problem:
            raise StorageError(f"cannot use the database {shown(self.location)}: {problem.orig}") from None
        except ProgrammingError as problem:
            if getattr(problem.orig, "sqlstate", None) != "42501":
                raise
            raise StorageError(
                f"the login in {shown(self.location)} may not create complaintctl's tables ({problem.orig}); "
                "ask for the database's ownership or GRANT CREATE ON SCHEMA public"
            ) from None

    def _applied_migrations(self) -> set[str] | None:
        """The migrations the database has had; None when it has no migrations table yet."""
        with self.engine.connect() as conn, conn.begin():
            exists = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
                if self.is_sqlite
                else "SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_migrations' AND table_schema = current_schema()"
            ).scalar()
            if not exists:
                return None
            applied = {row[0] for row in conn.exec_driver_sql("SELECT name FROM schema_migrations")}
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
            yield Transaction(conn, self.is_sqlite)

    @contextmanager
    def reading(self) -> Iterator["Transaction"]:
        with self.engine.connect() as conn:
            if not self.is_sqlite:
                # One snapshot for every query of the read, as SQLite gives: a report never mixes
                # the database before and after another officer's command.
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield Transaction(conn, self.is_sqlite)

    def dispose(self) -> None:
        self.engine.dispose()


class Transaction:
    """The repository operations, inside one transaction."""

    def __init__(self, conn: Connection, is_sqlite: bool) -> None:
        self.conn = conn
        self.is_sqlite = is_sqlite

    # -- meta --------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        return self.conn.execute(select(meta_table.c.value).where(meta_table.c.key == key)).scalar()

    def set_meta(self, key: str, value: str) -> None:
        updated = self.conn.execute(meta_table.update().where(meta_table.c.key == key).values(value=value))
        if updated.rowcount == 0:
            self.conn.execute(meta_table.insert().values(key=key, value=value))

    # -- references ----------------------------------------------------------------------------

    def next_reference(self, prefix: str, year: int) -> str:
        """Allocate the next reference; the transaction's lock keeps it unique."""
        current = self.conn.execute(
            select(counters_table.c.last_number)
            .where(counters_table.c.prefix == prefix, counters_table.c.year == year)
            .with_for_update()
        ).scalar()
        if current is None:
            number = 1
            self.conn.execute(counters_table.insert().values(prefix=prefix, year=year, last_number=number))
        else:
            number = current + 1
            self.conn.execute(
                counters_table.update()
                .where(counters_table.c.prefix == prefix, counters_table.c.year == year)
                .values(last_number=number)
            )
        return f"{prefix}-{year}-{number:05d}"

    # -- events ----------------------------------------------------------------------------------

    def case_id(self, reference: str) -> int:
        found = self.conn.execute(select(cases_table.c.id).where(cases_table.c.reference == reference)).scalar()
        if found is None:
            raise NotFound(f"no case with reference {reference or '(none given)'}; check it with `complaintctl list`")
        return found

    def events(self, case_id: int) -> list[Event]:
        rows = self.conn.execute(
            select(events_table).where(events_table.c.case_id == case_id).order_by(events_table.c.number)
        )
        return [event_from_row(row) for row in rows]

    def append(self, reference: str, case_id: int, events: list[Event]) -> None:
        """Append events to a case's history, chaining each to the previous event recorded."""
        head = self.conn.execute(
            select(meta_table.c.value).where(meta_table.c.key == "chain_head").with_for_update()
        ).scalar()
        for item in events:
            digest = event_hash(reference, item, head or "")
            self.conn.execute(
                events_table.insert().values(
                    case_id=case_id,
                    number=item.number,
                    kind=item.kind,
                    business_date=item.on,
                    officer=item.officer,
                    recorded_at=item.recorded_at.isoformat(),
                    details=json.dumps(item.details, sort_keys=True, ensure_ascii=False),
                    prev_hash=head or "",
                    hash=digest,
                )
            )
            head = digest
        self.set_meta("chain_head", head)

    # -- the projection ----------------------------------------------------------------------------

    def insert_case(self, case: Case) -> int:
        values = case_values(case)
        result = self.conn.execute(cases_table.insert().values(reference=case.reference, **values))
        case_id = result.inserted_primary_key[0]
        self._write_children(case_id, case)
        return case_id

    def save_case(self, case_id: int, case: Case) -> None:
        self.conn.execute(cases_table.update().where(cases_table.c.id == case_id).values(**case_values(case)))
        self.conn.execute(stages_table.delete().where(stages_table.c.case_id == case_id))
        self.conn.execute(actions_table.delete().where(actions_table.c.case_id == case_id))
        self._write_children(case_id, case)

    def _write_children(self, case_id: int, case: Case) -> None:
        self.conn.execute(stages_table.insert(), stage_rows(case_id, case))
        actions = action_rows(case_id, case)
        if actions:
            self.conn.execute(actions_table.insert(), actions)
        # The report records (Ombudsman, surveys, learning) are projected with the case.
        save_records(self.conn, case_id, case)

    def references_to_rederive(self, today: date) -> list[str]:
        """Cases whose deadlines can still move: open ones, and closed ones still escalatable."""
        rows = self.conn.execute(
            select(cases_table.c.reference).where(
                (cases_table.c.status != "closed") | (cases_table.c.escalate_by >= today)
            )
        )
        return [row[0] for row in rows]

    # -- queries ----------------------------------------------------------------------------------

    def list_cases(
        self,
        status: str | None = None,
        stage: int | None = None,
        handler: str | None = None,
        service: str | None = None,
        received_from: date | None = None,
        received_to: date | None = None,
        case_type: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        c = cases_table.c
        query = select(
            c.reference, c.type, c.stage, c.status, c.outcome, c.received_on, c.name, c.service,
            c.category, c.handler, c.respond_by, c.next_due, c.next_due_what,
        )
        if status:
            query = query.where(c.status == status)
        if stage:
            query = query.where(c.stage == stage)
        if handler:
            query = query.where(func.lower(c.handler) == handler.lower())
        if service:
            query = query.where(func.lower(c.service) == service.lower())
        if received_from:
            query = query.where(c.received_on >= received_from)
        if received_to:
            query = query.where(c.received_on <= received_to)
        if case_type:
            query = query.where(c.type == case_type)
        query = query.order_by(c.received_on, c.id)
        if limit:
            query = query.limit(limit)
        return [dict(row._mapping) for row in self.conn.execute(query)]

    def deadlines_due_by(self, cutoff: date) -> list[dict[str, Any]]:
        c = cases_table.c
        query = (
            select(c.reference, c.stage, c.status, c.name, c.handler, c.service, c.next_due, c.next_due_what)
            .where(c.next_due <= cutoff, c.status != "closed")
            .order_by(c.next_due, c.reference)
        )
        return [dict(row._mapping) for row in self.conn.execute(query)]

    def actions_due_by(self, cutoff: date) -> list[dict[str, Any]]:
        a, c = actions_table.c, cases_table.c
        query = (
            select(c.reference, a.stage, a.number, a.what, a.due, a.owner, c.handler, c.name, c.service)
            .select_from(actions_table.join(cases_table, a.case_id == c.id))
            .where(a.done_on.is_(None), a.due <= cutoff)
            .order_by(a.due, c.reference, a.number)
        )
        return [dict(row._mapping) for row in self.conn.execute(query)]

    def all_actions(self, outstanding_only: bool = False) -> list[dict[str, Any]]:
        a, c = actions_table.c, cases_table.c
        query = select(c.reference, a.stage, a.number, a.what, a.due, a.owner, a.done_on, c.handler).select_from(
            actions_table.join(cases_table, a.case_id == c.id)
        )
        if outstanding_only:
            query = query.where(a.done_on.is_(None))
        query = query.order_by(a.due, c.reference, a.number)
        return [dict(row._mapping) for row in self.conn.execute(query)]



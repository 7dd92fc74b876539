"""Read-only queries on a SQLite file through the standard library, for commands that only look.

`show`, `list` and the reports run once and exit, often from cron: importing the ORM costs more
than the query. When the file's schema is current and its deadlines were derived under the
policy in use, nothing needs writing, so these commands read it here with `sqlite3` and the same
SQL the store would send. Otherwise (a PostgreSQL URL, a schema to migrate, a policy that
changed) `open_reader` returns None and the caller opens the full store, which does the work.

`Reader` offers the read methods of `store.Transaction` with the same results (dates as `date`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from complaintctl.errors import NotFound, StorageError
from complaintctl.domain.events import Event

DATE_COLUMNS = frozenset(
    {"received_on", "acknowledge_by", "acknowledged_on", "respond_by", "escalate_by", "next_due", "due", "done_on", "closed_on"}
)
LIST_COLUMNS = (
    "reference", "type", "stage", "status", "outcome", "received_on", "name", "service",
    "category", "handler", "respond_by", "next_due", "next_due_what",
)


def _connect(location: str) -> sqlite3.Connection:
    conn = sqlite3.connect(location, timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA query_only = 1")
    return conn


def _dated(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description]
    dated = [index for index, name in enumerate(names) if name in DATE_COLUMNS]
    rows = []
    for row in cursor:
        values = list(row)
        for index in dated:
            if values[index] is not None:
                values[index] = date.fromisoformat(values[index])
        rows.append(dict(zip(names, values)))
    return rows


def open_reader(location: str, fingerprint: str) -> "Reader | None":
    """A reader when the file can be read as it is; None when the full store must open it."""
    if "://" in location or not Path(location).is_file():
        return None
    from complaintctl.storage import migrations

    try:
        conn = _connect(location)
    except sqlite3.Error:
        return None
    try:
        conn.execute("BEGIN")
        applied = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
        stored = conn.execute("SELECT value FROM meta WHERE key = 'policy_fingerprint'").fetchone()
        conn.execute("COMMIT")
    except sqlite3.Error:
        conn.close()
        return None
    if migrations.pending(applied) or migrations.unknown(applied) or not stored or stored[0] != fingerprint:
        conn.close()
        return None
    return Reader(location, conn)


def references_starting(location: str, start: str, limit: int) -> list[str]:
    """Case references beginning with `start`, in order, through the reference index."""
    if "://" in location:
        from sqlalchemy import text

        from complaintctl.storage.store import Store

        store = Store.open(location)
        try:
            with store.reading() as tx:
                rows = tx.conn.execute(
                    text("SELECT reference FROM cases WHERE reference >= :a AND reference < :b ORDER BY reference LIMIT :n"),
                    {"a": start, "b": start + "\uffff", "n": limit},
                )
                return [row[0] for row in rows]
        finally:
            store.dispose()
    if not Path(location).is_file():
        return []
    conn = _connect(location)
    try:
        rows = conn.execute(
            "SELECT reference FROM cases WHERE reference >= ? AND reference < ? ORDER BY reference LIMIT ?",
            (start, start + "\uffff", limit),
        )
        return [row[0] for row in rows]
    finally:
        conn.close()


class Reader:
    """Stands in for `Store` in a read-only Context: `reading()` yields itself."""

    is_sqlite = True

    def __init__(self, location: str, conn: sqlite3.Connection) -> None:
        self.location = location
        self.conn = conn

    @contextmanager
    def reading(self) -> Iterator["Reader"]:
        self.conn.execute("BEGIN")
        try:
            yield self
        finally:
            self.conn.execute("COMMIT")

    @contextmanager
    def writing(self) -> Iterator[Any]:
        raise StorageError("this command only reads the database")
        yield  # pragma: no cover

    def dispose(self) -> None:
        self.conn.close()

    # -- the read methods of store.Transaction -----------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def case_id(self, reference: str) -> int:
        row = self.conn.execute("SELECT id FROM cases WHERE reference = ?", (reference,)).fetchone()
        if row is None:
            raise NotFound(f"no case with reference {reference or '(none given)'}; check it with `complaintctl list`")
        return row[0]

    def events(self, case_id: int) -> list[Event]:
        rows = self.conn.execute(
            "SELECT kind, business_date, officer, recorded_at, details, number FROM events WHERE case_id = ? ORDER BY number",
            (case_id,),
        )
        return [
            Event(
                kind=kind,
                on=date.fromisoformat(on),
                officer=officer,
                recorded_at=datetime.fromisoformat(recorded_at),
                details=json.loads(details),
                number=number,
            )
            for kind, on, officer, recorded_at, details, number in rows
        ]

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
        where: list[str] = []
        values: list[Any] = []
        for clause, value in (
            ("status = ?", status),
            ("stage = ?", stage),
            ("lower(handler) = ?", handler.lower() if handler else None),
            ("lower(service) = ?", service.lower() if service else None),
            ("received_on >= ?", received_from.isoformat() if received_from else None),
            ("received_on <= ?", received_to.isoformat() if received_to else None),
            ("type = ?", case_type),
        ):
            if value:
                where.append(clause)
                values.append(value)
        query = f"SELECT {', '.join(LIST_COLUMNS)} FROM cases"
        if where:
            query += " WHERE " + " AND ".join(where)
        query += " ORDER BY received_on, id"
        if limit:
            query += " LIMIT ?"
            values.append(limit)
        return _dated(self.conn.execute(query, values))

    def deadlines_due_by(self, cutoff: date) -> list[dict[str, Any]]:
        return _dated(
            self.conn.execute(
                "SELECT reference, stage, status, name, handler, service, next_due, next_due_what FROM cases "
                "WHERE next_due <= ? AND status != 'closed' ORDER BY next_due, reference",
                (cutoff.isoformat(),),
            )
        )

    def actions_due_by(self, cutoff: date) -> list[dict[str, Any]]:
        return _dated(
            self.conn.execute(
                "SELECT c.reference, a.stage, a.number, a.what, a.due, a.owner, c.handler, c.name, c.service "
                "FROM actions a JOIN cases c ON a.case_id = c.id "
                "WHERE a.done_on IS NULL AND a.due <= ? ORDER BY a.due, c.reference, a.number",
                (cutoff.isoformat(),),
            )
        )

    def all_actions(self, outstanding_only: bool = False) -> list[dict[str, Any]]:
        query = (
            "SELECT c.reference, a.stage, a.number, a.what, a.due, a.owner, a.done_on, c.handler "
            "FROM actions a JOIN cases c ON a.case_id = c.id"
        )
        if outstanding_only:
            query += " WHERE a.done_on IS NULL"
        return _dated(self.conn.execute(query + " ORDER BY a.due, c.reference, a.number"))

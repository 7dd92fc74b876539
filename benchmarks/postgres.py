"""A throwaway PostgreSQL server holding the same cases as a generated SQLite file.

The server is the one the tests start (tests/pg.py: initdb and pg_ctl in a temporary folder,
127.0.0.1 only, as an unprivileged user when run as root), stopped and removed afterwards. The
database is made by `complaintctl init`, then the SQLite file's rows are copied in table by table
(COPY), the identity sequences moved past them, and `complaintctl verify` checks the result.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TEST_SERVER = Path(__file__).resolve().parent.parent / "tests" / "pg.py"
KEPT_BY_INIT = {"sqlite_sequence", "schema_migrations", "meta"}  # written by init, or SQLite's own
# The annual report's month figures: kept by the triggers on `stages` as its rows are copied.
KEPT_BY_TRIGGERS = {"received_months", "closed_months"}


@dataclass(frozen=True)
class Database:
    url: str
    about: str  # the server's version and how the data was loaded


def test_servers():
    """tests/pg.py as a module (it is a pytest plugin; its server needs no pytest to run)."""
    spec = importlib.util.spec_from_file_location("complaintctl_test_pg", TEST_SERVER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up by module name
    spec.loader.exec_module(module)
    return module


@contextmanager
def server() -> Iterator[tuple[object | None, str]]:
    """A running server and its version, or None and why there is none; stopped on leaving."""
    try:
        import psycopg  # noqa: F401  (the store's driver, needed for the copy too)

        pg = test_servers()
    except ImportError as missing:
        yield None, f"PostgreSQL not timed: {missing.name} is not installed (pip install -e '.[test,postgres]')"
        return
    try:
        running = pg.start_server()
    except (RuntimeError, pg.pytest.skip.Exception) as problem:
        yield None, f"PostgreSQL not timed: {problem}"
        return
    try:
        yield running, server_version(running)
    finally:
        pg.stop_server(running)


def plain(url: str) -> str:
    """The store's SQLAlchemy URL as psycopg takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def server_version(running) -> str:
    import psycopg

    with psycopg.connect(plain(running.url("postgres"))) as conn:
        return "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0]


def loaded(running, source: Path, command: list[str], env: dict[str, str]) -> Database:
    """A new database on `running` holding the cases of the SQLite file `source`."""
    import psycopg

    running.admin('CREATE DATABASE "bench"')
    url = running.url("bench")
    subprocess.run([*command, "--db", url, "init"], check=True, capture_output=True, env=env)
    rows = sqlite3.connect(source)
    try:
        tables = [name for (name,) in rows.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        tables = sorted(set(tables) - KEPT_BY_INIT - KEPT_BY_TRIGGERS, key=lambda name: name != "cases")  # cases first: the others refer to it
        with psycopg.connect(plain(url)) as conn:
            for table in tables:
                # init stored the policy it started with; the copy takes the source's versions instead.
                conn.execute(f'DELETE FROM "{table}"')
                cursor = rows.execute(f'SELECT * FROM "{table}"')
                columns = ", ".join(f'"{column[0]}"' for column in cursor.description)
                with conn.cursor().copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                    for row in cursor:
                        copy.write_row(row)
                if any(column[0] == "id" for column in cursor.description):
                    conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))")
            for key, value in rows.execute("SELECT key, value FROM meta"):
                conn.execute("UPDATE meta SET value = %s WHERE key = %s", (value, key))
    finally:
        rows.close()
    checked = subprocess.run([*command, "--db", url, "verify"], check=False, capture_output=True, text=True, env=env)
    if checked.returncode != 0:
        raise SystemExit(f"Error: the PostgreSQL copy fails `complaintctl verify`: {checked.stdout.strip()} {checked.stderr.strip()}")
    return Database(url, f"`complaintctl verify`: {checked.stdout.strip()}")

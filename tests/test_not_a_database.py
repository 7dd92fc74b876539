"""Only `init` makes a database: every other command refuses a file complaintctl did not make
(empty, text, another program's SQLite database) and leaves it exactly as it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from conftest import Cli

COMMANDS = [
    ["list"],
    ["show", "CMP-2026-00001"],
    ["log", "--name", "Ann Example", "--summary", "Bins", "--received", "2026-11-02"],
    ["note", "CMP-2026-00001", "Phoned"],
    ["overdue"],
    ["overdue", "--as-of", "2025-01-06"],
    ["report", "annual", "--year", "2025"],
    ["letter", "CMP-2026-00001"],
    ["action", "list"],
    ["verify"],
    ["backup", "copy.db"],
]
NOT_OURS = "is not a complaintctl database; check --db, or run `complaintctl init` for a new one"


def empty(path: Path) -> None:
    path.write_bytes(b"")


def empty_0644(path: Path) -> None:
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    os.close(descriptor)
    path.chmod(0o644)


def text(path: Path) -> None:
    path.write_text("Minutes of the meeting\n" * 100)


def foreign(path: Path) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE recipes (name TEXT, serves INTEGER)")
        connection.execute("INSERT INTO recipes VALUES ('soup', 4)")
    connection.close()


def foreign_wal(path: Path) -> None:
    """Another program's database in WAL mode, as complaintctl's own are."""
    foreign(path)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.close()


def other_migrations(path: Path) -> None:
    """Another tool's `schema_migrations` table (Rails keeps one with a `version` column)."""
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE schema_migrations (version VARCHAR(20) PRIMARY KEY)")
        connection.execute("INSERT INTO schema_migrations VALUES ('20240101000000')")
    connection.close()


def before_the_first_release(path: Path) -> None:
    """complaintctl's table of migrations, without the first release's migration in it."""
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE schema_migrations (name VARCHAR(100) PRIMARY KEY, applied_at VARCHAR(40) NOT NULL)")
        connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, details TEXT)")
    connection.close()


FILES = [empty, empty_0644, text, foreign, foreign_wal, other_migrations, before_the_first_release]


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file of the folder: its digest and mode."""
    return {
        path.name: (hashlib.sha256(path.read_bytes()).hexdigest(), stat.S_IMODE(path.stat().st_mode))
        for path in sorted(folder.iterdir())
    }


@pytest.mark.parametrize("make", FILES, ids=lambda make: make.__name__)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: "-".join(command[:2]))
def test_a_file_complaintctl_did_not_make_is_refused_and_untouched(tmp_path, monkeypatch, make, command):
    folder = tmp_path / "files"
    folder.mkdir()
    make(folder / "their.db")
    before = snapshot(folder)
    monkeypatch.chdir(folder)

    outcome = Cli("their.db")(*command)

    assert outcome.exit_code == 1
    assert outcome.stderr == f"Error: their.db {NOT_OURS}\n"
    assert outcome.stdout == ""
    assert snapshot(folder) == before  # no byte, mode or side file (-wal, -shm, -journal) changed


@pytest.mark.parametrize("make", FILES, ids=lambda make: make.__name__)
def test_init_never_takes_over_an_existing_file(tmp_path, monkeypatch, make):
    folder = tmp_path / "files"
    folder.mkdir()
    make(folder / "their.db")
    before = snapshot(folder)
    monkeypatch.chdir(folder)

    outcome = Cli("their.db")("init")

    assert outcome.exit_code == 1
    assert outcome.stderr == "Error: their.db already exists and is not a complaintctl database; choose another --db\n"
    assert snapshot(folder) == before


def test_init_on_its_own_database_still_says_use_it(cli):
    outcome = cli("init")
    assert outcome.exit_code == 1
    assert outcome.stderr == f"Error: {cli.db} already exists; use it as it is, or choose another --db\n"


def test_a_missing_file_is_still_refused_and_not_created(tmp_path):
    outcome = Cli(str(tmp_path / "missing.db"))("list")
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith("Error: no database at ")
    assert not (tmp_path / "missing.db").exists()


def test_the_first_release_database_still_opens(tmp_path):
    import shutil

    copy = tmp_path / "release-1.db"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "release-1.db", copy)
    assert Cli(str(copy)).ok("list", "--json").json()


@pytest.mark.both_databases
def test_a_postgresql_database_with_other_tables_is_refused_but_by_init(db_location, backend):
    from sqlalchemy import create_engine, text as sql

    if backend == "sqlite":
        foreign(Path(db_location))
    else:
        engine = create_engine(db_location)
        with engine.begin() as connection:
            connection.execute(sql("CREATE TABLE recipes (name TEXT, serves INTEGER)"))
        engine.dispose()
    cli = Cli(db_location)
    for command in (["list"], ["log", "--name", "Ann Example", "--summary", "Bins", "--received", "2026-11-02"], ["verify"]):
        outcome = cli(*command)
        assert outcome.exit_code == 1, command
        assert outcome.stderr.count("\n") == 1 and outcome.stderr.startswith("Error: ")
        assert "complaintctl database" in outcome.stderr and "complaintctl init" in outcome.stderr
    if backend == "postgresql":
        engine = create_engine(db_location)
        with engine.connect() as connection:
            tables = connection.execute(sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).all()
        engine.dispose()
        assert tables == [("recipes",)]


@pytest.mark.parametrize("kind", ["folder", "pipe"])
@pytest.mark.parametrize("command", [["list"], ["note", "CMP-2026-00001", "Phoned"], ["verify", "--head"], ["init"]],
                         ids=lambda command: "-".join(command[:2]))
def test_a_folder_or_a_pipe_at_db_is_refused_as_not_a_database(tmp_path, kind, command):
    """Not SQLite's "unable to open database file" or "disk I/O error", which say to try again."""
    path = tmp_path / "complaints.db"
    if kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)
    outcome = Cli(str(path))(*command)
    assert outcome.exit_code == 1 and outcome.stderr.count("\n") == 1
    assert "is not a complaintctl database" in outcome.stderr, outcome.stderr
    assert sorted(item.name for item in tmp_path.iterdir()) == ["complaints.db"]

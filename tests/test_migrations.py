"""A database made by the first release upgrades on first use; one from a newer release is refused.

tests/fixtures/release-1.db was written by the first release's commands (schema 001 only): four
cases logged, acknowledged, extended, closed with an action, escalated, noted.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from complaintctl.storage import migrations

FIXTURE = Path(__file__).parent / "fixtures" / "release-1.db"


def rows(db: Path, query: str) -> list[tuple]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def old_database(tmp_path) -> Path:
    copy = tmp_path / "release-1.db"
    shutil.copyfile(FIXTURE, copy)
    copy.chmod(0o600)
    return copy


def test_the_fixture_is_a_first_release_database():
    assert rows(FIXTURE, "SELECT name FROM schema_migrations") == [("001_initial",)]
    assert rows(FIXTURE, "SELECT count(*) FROM events") == [(14,)]


def test_an_old_database_upgrades_on_first_use_and_keeps_everything(old_database, tmp_path):
    from conftest import Cli

    events_before = rows(old_database, "SELECT id, case_id, number, kind, business_date, officer, recorded_at, details, prev_hash, hash FROM events ORDER BY id")
    cases_before = rows(old_database, "SELECT reference, type, stage, status, outcome, handler, respond_by, escalate_by FROM cases ORDER BY id")
    stages_before = rows(old_database, "SELECT case_id, number, closed_on, outcome, compensation_pence FROM stages ORDER BY case_id, number")
    actions_before = rows(old_database, "SELECT case_id, number, what, due, done_on FROM actions ORDER BY case_id, number")
    counters_before = rows(old_database, "SELECT * FROM reference_counters")

    cli = Cli(str(old_database))
    listed = cli.ok("list", "--json").json()
    assert sorted(row["reference"] for row in listed) == sorted(row[0] for row in cases_before)

    applied = {name for (name,) in rows(old_database, "SELECT name FROM schema_migrations")}
    assert applied == {name for name, _ in migrations.MIGRATIONS}
    assert rows(old_database, "SELECT id, case_id, number, kind, business_date, officer, recorded_at, details, prev_hash, hash FROM events ORDER BY id") == events_before
    assert rows(old_database, "SELECT reference, type, stage, status, outcome, handler, respond_by, escalate_by FROM cases ORDER BY id") == cases_before
    assert rows(old_database, "SELECT case_id, number, closed_on, outcome, compensation_pence FROM stages ORDER BY case_id, number") == stages_before
    assert rows(old_database, "SELECT case_id, number, what, due, done_on FROM actions ORDER BY case_id, number") == actions_before
    assert rows(old_database, "SELECT * FROM reference_counters") == counters_before

    cli.ok("verify")
    first = cli.show("CMP-2026-00001")
    assert (first["stage"], first["status"]) == (2, "open")
    assert [event["kind"] for event in first["events"]] == ["logged", "acknowledged", "note", "closed", "action-added", "escalated"]
    assert cli.show("CMP-2026-00002")["outcome"] == "not-upheld"
    assert cli.show("CMP-2026-00003")["status"] == "acknowledged"

    # The upgraded database keeps working: references continue, and the chain still verifies.
    logged = cli.ok("log", "--name", "New Person", "--summary", "After the upgrade", "--received", "2026-11-02")
    assert logged.stdout.split()[0] == "CMP-2026-00005"
    cli.ok("note", "CMP-2026-00001", "Reviewed after the upgrade")
    cli.ok("verify")
    assert stat.S_IMODE(old_database.stat().st_mode) == 0o600


def test_a_second_use_does_not_migrate_again(old_database):
    from conftest import Cli

    cli = Cli(str(old_database))
    cli.ok("list")
    applied = rows(old_database, "SELECT name, applied_at FROM schema_migrations ORDER BY name")
    cli.ok("list")
    assert rows(old_database, "SELECT name, applied_at FROM schema_migrations ORDER BY name") == applied


def test_a_database_from_a_newer_release_is_refused_and_left_unchanged(old_database):
    from conftest import Cli

    connection = sqlite3.connect(old_database)
    with connection:
        connection.execute("INSERT INTO schema_migrations (name, applied_at) VALUES ('999_from_the_future', '2030-01-01T00:00:00')")
    connection.close()
    before = digest(old_database)

    cli = Cli(str(old_database))
    for command in (["list"], ["show", "CMP-2026-00001"], ["verify"], ["note", "CMP-2026-00001", "hello"]):
        outcome = cli(*command)
        assert outcome.exit_code == 1, command
        assert "written by a newer complaintctl" in outcome.stderr
        assert "upgrade complaintctl" in outcome.stderr
        assert "Traceback" not in outcome.stderr
    assert digest(old_database) == before
    assert ("001_initial",) in rows(old_database, "SELECT name FROM schema_migrations")
    assert len(rows(old_database, "SELECT name FROM schema_migrations")) == 2


def test_the_report_indexes_migration_puts_each_case_on_its_stages(old_database):
    """006_report_indexes: every stage row carries its case's type, service area and category,
    and the annual report's queries read `stages` through covering indexes alone."""
    from conftest import Cli

    from complaintctl.storage import statements

    cli = Cli(str(old_database))
    cli.ok("list")
    assert rows(old_database, "SELECT count(*) FROM stages WHERE case_type IS NULL") == [(0,)]
    assert rows(
        old_database,
        "SELECT count(*) FROM stages s JOIN cases c ON c.id = s.case_id "
        "WHERE s.case_type IS NOT c.type OR s.service IS NOT c.service OR s.category IS NOT c.category",
    ) == [(0,)]
    indexes = {name for (name,) in rows(old_database, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'stages'")}
    assert {"ix_stages_received_figures", "ix_stages_closed_figures"} <= indexes
    assert not {"ix_stages_received", "ix_stages_closed"} & indexes
    connection = sqlite3.connect(old_database)
    try:
        for sql in (statements.STAGES_RECEIVED, statements.STAGES_THEMES, statements.STAGES_CLOSED, statements.STAGES_REFUSED):
            plan = " ".join(row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql, {"start": "2026-04-01", "end": "2027-03-31"}))
            assert "USING COVERING INDEX ix_stages_" in plan and "cases" not in plan, plan
        # The report itself reads the month figures of 015_month_figures_live_cases, by their key.
        for sql in (statements.ANNUAL_RECEIVED, statements.ANNUAL_THEMES, statements.ANNUAL_CLOSED, statements.ANNUAL_REFUSED):
            plan = " ".join(row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql, {"start": "2026-04-01", "end": "2027-03-31"}))
            assert "_months USING INDEX sqlite_autoindex_" in plan and " stages " not in plan, plan
        # A stage that no longer says what its case says is found by verify.
        connection.execute("UPDATE stages SET service = 'Somewhere else' WHERE case_id = 1")
        connection.commit()
    finally:
        connection.close()
    assert cli("verify").exit_code != 0


def test_012_fills_the_search_text_of_the_cases_already_stored(cli):
    """A database from before 012_search_text: `list --search` finds its cases by their details
    as logged and as corrected (a voided amendment aside), and verify agrees with what was filled."""
    from first_release import UNDO

    kept = cli.ok("log", "--name", "Cat Lee", "--address", "3 High St, Worksop S80 1AA", "--summary", "Fine issued wrongly",
                  "--received", "2026-11-03").stdout.split()[0]
    other = cli.ok("log", "--name", "Dan Ray", "--summary", "Bins", "--received", "2026-11-04").stdout.split()[0]
    cli.ok("amend", kept, "--reason", "Mistyped", "--address", "5 Low St, Retford DN22 6AA", "--name", "Catherine Lee")
    cli.ok("amend", other, "--reason", "Wrong one", "--phone", "07700 900999")
    cli.ok("void", other, "--reason", "Amended the wrong case")
    with sqlite3.connect(cli.db) as conn:
        for statement in UNDO["012_search_text"]:
            conn.execute(statement)
        conn.execute("DELETE FROM schema_migrations WHERE name = '012_search_text'")
    search = lambda text: [row["reference"] for row in cli.ok("list", "--search", text, "--json").json()]  # noqa: E731
    assert search("s80 1aa") == [kept]
    assert search("DN22 6AA") == [kept]
    assert search("catherine") == [kept]
    assert search("mistyped") == []
    assert search("900999") == []
    assert search("bins") == [other]
    assert rows(Path(cli.db), "SELECT count(*) FROM cases WHERE search_text = ''") == [(0,)]
    cli.ok("verify")


def test_014_lets_overdue_read_the_open_deadlines_from_one_index(cli):
    """A database from before 014_open_deadlines gets the index on first use; the overdue query
    reads it alone, in its order (no row of `cases`, no sort), and lists the same items."""
    from first_release import UNDO

    from complaintctl.storage import statements

    late = cli.ok("log", "--name", "Eve Late", "--summary", "Potholes", "--received", "2026-10-01").stdout.split()[0]
    cli.ok("log", "--name", "Fay Done", "--summary", "Bins", "--received", "2026-10-02")
    closed = cli.ok("log", "--name", "Gus Shut", "--summary", "Noise", "--received", "2026-10-05").stdout.split()[0]
    cli.ok("acknowledge", closed, "--on", "2026-10-06")
    cli.ok("close", closed, "--outcome", "upheld", "--reasons", "r", "--on", "2026-10-07")
    before = cli.ok("overdue", "--as-of", "2026-11-02", "--json").json()
    with sqlite3.connect(cli.db) as conn:
        for statement in UNDO["014_open_deadlines"]:
            conn.execute(statement)
        conn.execute("DELETE FROM schema_migrations WHERE name = '014_open_deadlines'")
    cli.ok("list")  # the full store applies what is pending
    assert rows(Path(cli.db), "SELECT name FROM sqlite_master WHERE name = 'ix_cases_open_deadlines'") == [("ix_cases_open_deadlines",)]
    connection = sqlite3.connect(cli.db)
    try:
        plan = " ".join(row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + statements.DEADLINES_DUE_BY, {"cutoff": "2026-11-01"}))
    finally:
        connection.close()
    assert plan == "SEARCH cases USING COVERING INDEX ix_cases_open_deadlines (next_due<?)", plan
    after = cli.ok("overdue", "--as-of", "2026-11-02", "--json").json()
    assert after == before and {item["reference"] for item in after} >= {late} and closed not in {item["reference"] for item in after}
    cli.ok("verify")

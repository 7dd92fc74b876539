"""Steps on an up-to-date SQLite file are written through sqlite3 (storage/writer.py), without the
ORM, and leave exactly the rows the SQLAlchemy store leaves."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime, timezone

import pytest
from freezegun import freeze_time

from complaintctl import services
from complaintctl.domain import policy
from complaintctl.domain.policy import PolicyHistory
from complaintctl.services.context import Context, Database
from complaintctl.storage.writer import Writer, open_writer
from conftest import Cli

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 10, 30, tzinfo=timezone.utc)
# Every table a step writes, each in an order that does not depend on how the rows were written.
TABLES = {
    "events": "case_id, number",
    "cases": "id",
    "stages": "case_id, number",
    "actions": "case_id, number",
    "ombudsman_cases": "case_id",
    "ombudsman_findings": "case_id, number",
    "ombudsman_orders": "case_id, number",
    "surveys": "case_id, stage",
    "learning": "case_id, number",
    "reference_counters": "prefix, year",
    "meta": "key",
    "policy_versions": "number",
}


def through_writer(location: str) -> Database:
    writer = open_writer(location)
    assert writer is not None, "an up-to-date file must take the light writer"
    return writer


def through_store(location: str) -> Database:
    from complaintctl.storage.store import Store

    return Store.open(location)


def context(database: Database) -> Context:
    with database.reading() as tx:
        history = PolicyHistory(tx.policy_versions())
    latest = history.latest
    return Context(database, latest.policy, latest.calendar, "Jo Officer", TODAY, NOW, history)


def every_step(ctx: Context) -> None:
    """Every kind of step, on three complaints and a compliment: deadlines, extensions, both
    stages, remedies and actions, a refusal, Ombudsman records, a survey and learning."""
    first = services.log_case(ctx, {
        "type": "complaint", "name": "Ann Example", "email": "ann@example.org", "summary": "Damp in the bedroom",
        "service": "Repairs", "category": "Damp", "received_on": date(2025, 6, 2), "issue_date": date(2024, 1, 10),
        "housing": True, "anonymous": False,
    }).reference
    services.acknowledge(ctx, first, date(2025, 6, 3), "Jo Officer", "Damp not fixed", "A repair")
    services.extend(ctx, first, date(2025, 6, 10), "Waiting for the surveyor", days=5)
    services.record_update(ctx, first, date(2025, 6, 12), "Surveyor booked", next_update=date(2025, 6, 19))
    promises = [("Fix the wall", date(2025, 7, 1), "Repairs team"), ("Call back", date(2025, 7, 4), None)]
    remedy = services.Remedy(apology=True, compensation_pence=15000, remedy="Repair", actions=promises)
    services.close(ctx, first, date(2025, 6, 20), "upheld", reasons="Late repair", learning="Inspect damp sooner", remedy=remedy)
    services.escalate(ctx, first, date(2025, 6, 24), "Pat Kay", outcomes_sought="A full review")
    services.acknowledge(ctx, first, date(2025, 6, 25))
    services.complete_action(ctx, first, 1, date(2025, 6, 30))
    services.close(ctx, first, date(2025, 8, 29), "partly-upheld", reasons="Partly")
    services.add_note(ctx, first, date(2025, 9, 1), "Rang the complainant")
    services.add_action(ctx, first, date(2025, 9, 1), "Write again", date(2025, 9, 15), "Pat Kay")
    services.record_survey(ctx, first, date(2025, 9, 2), {"satisfied_with_handling": False, "easy_to_complain": True})
    services.record_learning(ctx, first, date(2025, 9, 3), "Call back within two days")
    services.refer(ctx, first, date(2025, 9, 10), "HOS-123")
    services.determine(ctx, first, date(2025, 12, 1), ["Repairs=maladministration", "Complaint handling=service failure"])
    services.add_order(ctx, first, "apology", date(2025, 12, 15), on=date(2025, 12, 1))
    services.add_order(ctx, first, "compensation", date(2026, 1, 5), amount_pence=30000, on=date(2025, 12, 1))
    services.comply(ctx, first, 2, date(2026, 1, 10))
    refused = services.log_case(ctx, {
        "type": "complaint", "name": "Bob Example", "summary": "Parking ticket", "service": "Parking",
        "received_on": date(2025, 10, 1), "housing": False, "anonymous": False,
    }).reference
    services.close(ctx, refused, date(2025, 10, 1), "refused", reasons="Already open", exclusion="duplicate")
    services.log_case(ctx, {"type": "compliment", "name": "Bo Grateful", "summary": "Quick", "received_on": date(2026, 1, 5),
                            "housing": False, "anonymous": False})
    services.log_case(ctx, {"type": "complaint", "anonymous": True, "summary": "Noise", "received_on": date(2026, 2, 27),
                            "housing": False})


def rows(location: str) -> dict[str, list[tuple]]:
    connection = sqlite3.connect(location)
    try:
        return {table: connection.execute(f"SELECT * FROM {table} ORDER BY {by}").fetchall() for table, by in TABLES.items()}
    finally:
        connection.close()


def recorded(location: str, opened: Callable[[str], Database]) -> dict[str, list[tuple]]:
    database = opened(location)
    try:
        every_step(context(database))
    finally:
        database.dispose()
    return rows(location)


def test_the_light_writer_leaves_the_rows_the_store_leaves(tmp_path, monkeypatch):
    # One chain key for both files, and one moment for both `init`s: the hashes can then agree.
    monkeypatch.setenv("COMPLAINTCTL_KEY_FILE", str(tmp_path / "shared.key"))
    locations = {way: str(tmp_path / f"{way}.db") for way in ("writer", "store")}
    with freeze_time(NOW):
        for location in locations.values():
            Cli(location).ok("init")
    light = recorded(locations["writer"], through_writer)
    full = recorded(locations["store"], through_store)

    *_, last_hash, redacted_by = light["events"][-1]
    assert len(light["events"]) == 24 and len(last_hash) == 64 and redacted_by is None, "every step was recorded, chained"
    assert [row[1] for row in light["cases"]] == ["CMP-2025-00001", "CMP-2025-00002", "CMP-2026-00001", "CMP-2026-00002"]
    for table, found in full.items():
        assert found, f"nothing in {table}: the comparison would prove nothing"
        assert light[table] == found, table
    for location in locations.values():
        assert "every case matches its events" in Cli(location).ok("verify").stdout


def test_a_refused_step_writes_nothing(cli, db_location):
    reference = cli.ok("log", "--name", "Ann Example", "--summary", "Damp").stdout.split()[0]
    before = rows(db_location)
    refused = cli("close", reference, "--outcome", "upheld", "--reasons", "Not yet acknowledged")
    assert refused.exit_code == 1 and refused.stderr.startswith("Error: ")
    interrupted = open_writer(db_location)
    try:
        with pytest.raises(KeyboardInterrupt), interrupted.writing() as tx:
            tx.set_meta("chain_head", "interrupted")
            raise KeyboardInterrupt
    finally:
        interrupted.dispose()
    assert rows(db_location) == before
    cli.ok("verify")


def test_the_full_store_writes_when_something_must_be_stored_first(cli, db_location, tmp_path):
    reference = cli.ok("log", "--name", "Ann Example", "--summary", "Damp", "--received", "2026-11-02").stdout.split()[0]
    stored = policy.load(None)
    assert isinstance(open_writer(db_location, stored.fingerprint()), Writer)
    # A policy that differs from the stored one is stored first, by the store: the writer declines.
    slower = tmp_path / "slow.toml"
    slower.write_text("[stage1]\nacknowledge_days = 10\n", encoding="utf-8")
    assert open_writer(db_location, policy.load(str(slower)).fingerprint()) is None
    assert open_writer(str(tmp_path / "missing.db")) is None
    assert open_writer("postgresql+psycopg://nobody@localhost/none") is None
    stepped = cli("note", reference, "With a new policy", config=str(slower))
    assert stepped.exit_code == 0 and "Policy changed (version 2)" in stepped.stderr
    # Stored now: the next step with it takes the light writer again.
    assert open_writer(db_location, policy.load(str(slower)).fingerprint()) is not None
    # A schema with a migration to apply: the store migrates it first.
    connection = sqlite3.connect(db_location)
    with connection:
        latest = connection.execute("SELECT max(name) FROM schema_migrations").fetchone()[0]
        connection.execute("DELETE FROM schema_migrations WHERE name = ?", (latest,))
    connection.close()
    assert open_writer(db_location) is None


def test_a_file_that_is_not_a_database_is_refused_unchanged(tmp_path):
    from complaintctl.errors import StorageError

    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE notes (text TEXT)")
    connection.close()
    before = other.read_bytes()
    with pytest.raises(StorageError, match="not a complaintctl database"):
        open_writer(str(other))
    assert other.read_bytes() == before


def test_a_step_on_the_command_line_takes_the_light_writer(cli, db_location):
    reference = cli.ok("log", "--name", "Ann Example", "--summary", "Damp").stdout.split()[0]
    code = (
        "import json, sys\n"
        "from complaintctl.cli import app\n"
        "try:\n"
        f"    app({['--db', db_location, 'note', reference, 'Rang back']!r}, prog_name='complaintctl')\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    modules = json.loads(result.stderr.splitlines()[-1])
    assert "complaintctl.storage.writer" in modules and "sqlalchemy" not in modules
    assert [event["kind"] for event in cli.show(reference)["events"]] == ["logged", "note"]

"""verify: the storage, the hash chain and the projection; backup: a private, verified copy."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest


def raw(db: str, statement: str, *params) -> None:
    """Change the file behind complaintctl's back, as someone with the file could."""
    connection = sqlite3.connect(db)
    with connection:
        connection.execute(statement, params)
    connection.close()


def scalar(db: str, query: str, *params):
    connection = sqlite3.connect(db)
    try:
        return connection.execute(query, params).fetchone()[0]
    finally:
        connection.close()


@pytest.fixture
def busy(cli):
    """A database with cases at several steps, including closed ones with actions."""
    first = cli.ok("log", "--name", "Ada Example", "--summary", "Leaking roof", "--received", "2026-10-01").stdout.split()[0]
    second = cli.ok("log", "--name", "Ben Sample", "--summary", "Missed bins", "--received", "2026-10-05").stdout.split()[0]
    third = cli.ok("log", "--anonymous", "--type", "comment", "--summary", "Nice park").stdout.split()[0]
    cli.ok("acknowledge", first, "--on", "2026-10-02")
    cli.ok("note", first, "Phoned the tenant")
    cli.ok(
        "close", first, "--outcome", "upheld", "--reasons", "The roof leaked", "--apology", "--compensation", "100",
        "--action", "Fix the roof", "--action-due", "2026-12-20", "--on", "2026-10-20",
    )
    cli.ok("acknowledge", second, "--on", "2026-10-06")
    cli.ok("extend", second, "--days", "5", "--reason", "Waiting for the contractor", "--on", "2026-10-10")
    return cli, [first, second, third]


def test_verify_passes_on_a_database_written_by_the_commands(busy):
    cli, references = busy
    outcome = cli.ok("verify")
    assert outcome.stdout.startswith("OK: 9 events in 3 cases")
    assert len(outcome.stdout.strip().splitlines()) == 1
    report = cli.ok("verify", "--json").json()
    head = scalar(cli.db, "SELECT hash FROM events ORDER BY id DESC LIMIT 1")
    key_id = scalar(cli.db, "SELECT value FROM meta WHERE key = 'chain_key_id'")
    assert report == {
        "ok": True, "events": 9, "cases": 3, "policy_versions": 1, "storage": "ok", "problem_count": 0, "problems": [],
        "chain_head": head, "key_id": key_id, "unkeyed_events": 0, "unkeyed_policy_versions": 0, "redacted_events": 0,
        "anchor": None,
    }
    assert outcome.stdout.rstrip().endswith(f"; chain head {head}")


def test_an_altered_event_is_named_by_reference_and_number(busy):
    cli, references = busy
    first = references[0]
    event_id = scalar(cli.db, "SELECT e.id FROM events e JOIN cases c ON c.id = e.case_id WHERE c.reference = ? AND e.number = 1", first)
    raw(cli.db, "UPDATE events SET details = replace(details, 'Leaking roof', 'Dry roof') WHERE id = ?", event_id)

    outcome = cli("verify")
    assert outcome.exit_code == 1
    assert f"Error: {first} event 1 (id {event_id}): was altered" in outcome.stderr
    assert "Ada" not in outcome.stderr and "roof" not in outcome.stderr
    report = cli("verify", "--json").json()
    assert report["ok"] is False
    assert report["problems"][0] == {
        "reference": first,
        "event": 1,
        "event_id": event_id,
        "policy_version": None,
        "problem": "was altered after it was recorded: its content no longer matches its hash",
    }
    # The case's stored rows now differ from its events because the event was altered, and say so.
    others = [problem["problem"] for problem in report["problems"][1:] if problem["reference"] == first]
    assert others and all(problem.endswith("; an event of the case was altered") for problem in others), others


def test_an_altered_officer_or_date_is_detected(busy):
    cli, references = busy
    raw(cli.db, "UPDATE events SET officer = 'someone.else' WHERE id = 2")
    assert cli("verify").exit_code == 1
    raw(cli.db, "UPDATE events SET officer = 'officer.one' WHERE id = 2")
    assert cli("verify").exit_code == 0
    raw(cli.db, "UPDATE events SET business_date = '2026-10-03' WHERE id = 4")
    outcome = cli("verify")
    assert outcome.exit_code == 1
    assert "(id 4): was altered" in outcome.stderr


def test_a_deleted_event_in_the_middle_is_detected(busy):
    cli, references = busy
    first = references[0]
    note_id = scalar(cli.db, "SELECT id FROM events WHERE kind = 'note'")
    raw(cli.db, "DELETE FROM events WHERE id = ?", note_id)
    outcome = cli("verify")
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith(f"Error: {first} event 4 (id {note_id + 1}): does not follow the event recorded before it")


def test_the_newest_event_deleted_is_detected(busy):
    cli, references = busy
    newest = scalar(cli.db, "SELECT max(id) FROM events")
    raw(cli.db, "DELETE FROM events WHERE id = ?", newest)
    outcome = cli("verify")
    assert outcome.exit_code == 1
    assert "the newest event or policy version recorded after" in outcome.stderr
    assert "chain head does not match" in outcome.stderr


def test_a_case_whose_events_were_all_deleted_is_detected(busy):
    cli, references = busy
    third = references[2]
    raw(cli.db, "DELETE FROM events WHERE case_id = (SELECT id FROM cases WHERE reference = ?)", third)
    outcome = cli("verify", "--json")
    assert outcome.exit_code == 1
    assert any(p["reference"] == third and "has no events" in p["problem"] for p in outcome.json()["problems"])


@pytest.mark.parametrize(
    "statement, what",
    [
        ("UPDATE cases SET status = 'closed' WHERE reference = :second", "case row (status)"),
        ("UPDATE cases SET handler = 'someone.else' WHERE reference = :second", "case row (handler)"),
        ("UPDATE cases SET respond_by = '2030-01-01' WHERE reference = :second", "case row (respond_by"),
        # What `list --search` looks in is projected too: a case hidden from the search is found out.
        ("UPDATE cases SET search_text = '' WHERE reference = :second", "case row (search_text)"),
        ("UPDATE stages SET compensation_pence = 0 WHERE case_id = (SELECT id FROM cases WHERE reference = :first)", "stage 1 row (compensation_pence)"),
        ("UPDATE actions SET done_on = '2026-11-01' WHERE case_id = (SELECT id FROM cases WHERE reference = :first)", "action 1 row (done_on)"),
        ("DELETE FROM actions WHERE case_id = (SELECT id FROM cases WHERE reference = :first)", "0 action rows"),
    ],
)
def test_an_edited_projection_is_detected(busy, statement, what):
    cli, references = busy
    connection = sqlite3.connect(cli.db)
    with connection:
        connection.execute(statement, {"first": references[0], "second": references[1]})
    connection.close()
    outcome = cli("verify")
    assert outcome.exit_code == 1
    assert what in outcome.stderr and "the projection was changed outside complaintctl" in outcome.stderr
    assert "Ada" not in outcome.stderr and "Ben" not in outcome.stderr


def test_a_damaged_file_fails_the_storage_check(busy, tmp_path):
    cli, _ = busy
    damaged = tmp_path / "damaged.db"
    source, target = sqlite3.connect(cli.db), sqlite3.connect(damaged)
    source.backup(target)
    target.execute("PRAGMA journal_mode = DELETE")
    page_size = target.execute("PRAGMA page_size").fetchone()[0]
    root = target.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_events_kind'").fetchone()[0]
    source.close()
    target.close()
    data = bytearray(damaged.read_bytes())
    # Scribble over an index page, as a failing disk might: the tables still read, the index lies.
    offset = (root - 1) * page_size
    data[offset + 8 : offset + page_size] = b"\x07" * (page_size - 8)
    damaged.write_bytes(bytes(data))

    outcome = type(cli)(str(damaged))("verify")
    assert outcome.exit_code == 1
    assert "Traceback" not in outcome.stderr
    assert outcome.stderr.startswith("Error: ")


def test_database_and_its_side_files_are_private(busy):
    cli, _ = busy
    for path in (cli.db, f"{cli.db}-wal", f"{cli.db}-shm"):
        if Path(path).exists():
            assert stat.S_IMODE(Path(path).stat().st_mode) == 0o600, path


def test_backup_is_private_complete_and_verified(busy, tmp_path):
    cli, references = busy
    copy = tmp_path / "copies" / "backup.db"
    copy.parent.mkdir()
    outcome = cli.ok("backup", str(copy))
    assert "9 events in 3 cases, verified" in outcome.stdout
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert sorted(path.name for path in copy.parent.iterdir()) == ["backup.db"]
    backup_cli = type(cli)(str(copy))
    backup_cli.ok("verify")
    assert backup_cli.show(references[0]) == cli.show(references[0])


def test_backup_never_overwrites(busy, tmp_path):
    cli, _ = busy
    existing = tmp_path / "keep.db"
    existing.write_text("precious")
    outcome = cli("backup", str(existing))
    assert outcome.exit_code == 1
    assert "already exists" in outcome.stderr
    assert existing.read_text() == "precious"


def test_backup_into_a_missing_folder_is_refused(busy, tmp_path):
    cli, _ = busy
    outcome = cli("backup", str(tmp_path / "nowhere" / "copy.db"))
    assert outcome.exit_code == 1
    assert "cannot create" in outcome.stderr


@pytest.mark.both_databases
def test_verify_on_either_database_finds_an_altered_event(cli, backend):
    from sqlalchemy import create_engine, text

    reference = cli.ok("log", "--name", "Ada Example", "--summary", "Leaking roof", "--received", "2026-10-01").stdout.split()[0]
    cli.ok("acknowledge", reference, "--on", "2026-10-02")
    cli.ok("note", reference, "Phoned the tenant")
    report = cli.ok("verify", "--json").json()
    assert (report["ok"], report["events"], report["cases"]) == (True, 3, 1)

    location = cli.db if "://" in cli.db else f"sqlite:///{cli.db}"
    engine = create_engine(location)
    with engine.begin() as connection:
        connection.execute(text("UPDATE events SET details = :details WHERE number = 3"), {"details": '{"text": "Never phoned"}'})
    engine.dispose()
    outcome = cli("verify")
    assert outcome.exit_code == 1
    assert f"Error: {reference} event 3" in outcome.stderr
    assert "was altered" in outcome.stderr


@pytest.mark.both_databases
def test_backup_of_postgresql_points_to_pg_dump(cli, backend, tmp_path):
    outcome = cli("backup", str(tmp_path / "copy.db"))
    if backend == "postgresql":
        assert outcome.exit_code == 1
        assert "pg_dump" in outcome.stderr
        assert not (tmp_path / "copy.db").exists()
    else:
        assert outcome.exit_code == 0, outcome.stderr


@pytest.fixture
def with_records(busy):
    """The first case (closed, upheld) with an Ombudsman referral and order, a survey and learning."""
    cli, references = busy
    first = references[0]
    cli.ok("ombudsman", "refer", first, "--on", "2026-10-22", "--their-reference", "HO-1")
    cli.ok("ombudsman", "determine", first, "--on", "2026-10-26", "--finding", "Repairs=maladministration")
    cli.ok("ombudsman", "order", first, "--kind", "compensation", "--amount", "150", "--due", "2026-11-20")
    cli.ok("ombudsman", "comply", first, "1", "--on", "2026-10-28")
    cli.ok("survey", first, "--on", "2026-10-21", "--satisfied", "yes", "--easy", "no")
    cli.ok("learning", first, "Roof inspections now yearly")
    return cli, references


def test_verify_passes_with_report_records(with_records):
    cli, _ = with_records
    assert cli.ok("verify").stdout.startswith("OK: 15 events in 3 cases")


@pytest.mark.parametrize(
    "statement, what",
    [
        ("UPDATE ombudsman_orders SET complied_on = NULL", "ombudsman_orders 1 row (complied_on)"),
        ("UPDATE ombudsman_findings SET finding = 'no-maladministration'", "ombudsman_findings 1 row (finding)"),
        ("UPDATE ombudsman_cases SET determined_on = '2026-10-27'", "ombudsman_cases 1 row (determined_on)"),
        ("UPDATE surveys SET easy_to_complain = 1", "surveys 1 row (easy_to_complain)"),
        ("DELETE FROM learning", "0 learning rows but its events give 1"),
        ("INSERT INTO learning (case_id, number, stage, recorded_on, text) VALUES (999, 1, 1, '2026-10-30', 'x')",
         "learning rows belong to no case (case id 999)"),
    ],
)
def test_an_edited_report_record_is_detected(with_records, statement, what):
    cli, _ = with_records
    raw(cli.db, statement)
    outcome = cli("verify")
    assert outcome.exit_code == 1
    assert what in outcome.stderr
    assert "Roof inspections" not in outcome.stderr and "HO-1" not in outcome.stderr


@pytest.mark.both_databases
def test_verify_on_either_database_compares_report_records(cli, backend):
    from sqlalchemy import create_engine, text

    reference = cli.ok("log", "--name", "Ada Example", "--summary", "Leaking roof", "--received", "2026-10-01").stdout.split()[0]
    cli.ok("acknowledge", reference, "--on", "2026-10-02")
    cli.ok("close", reference, "--outcome", "upheld", "--reasons", "The roof leaked", "--on", "2026-10-09")
    cli.ok("survey", reference, "--on", "2026-10-12", "--satisfied", "yes", "--easy", "no")
    cli.ok("ombudsman", "refer", reference, "--on", "2026-10-22")
    assert cli.ok("verify", "--json").json()["ok"] is True

    location = cli.db if "://" in cli.db else f"sqlite:///{cli.db}"
    engine = create_engine(location)
    with engine.begin() as connection:
        connection.execute(text("UPDATE surveys SET satisfied_with_handling = :value"), {"value": False})
    engine.dispose()
    outcome = cli("verify")
    assert outcome.exit_code == 1
    assert f"{reference}: the stored surveys 1 row (satisfied_with_handling)" in outcome.stderr


@pytest.mark.both_databases
def test_the_month_figures_follow_every_write_and_verify_compares_them(cli, backend):
    """The annual report's month tables (015_month_figures_live_cases) are kept by triggers as
    each step rewrites a case's stages: after a mix of steps (a correction and a void among them)
    they hold what the stage rows count, and a figure changed behind complaintctl's back fails
    verify."""
    from sqlalchemy import create_engine, text

    first = cli.ok("log", "--name", "Ada Example", "--summary", "Leaking roof", "--received", "2026-09-28", "--service", "Repairs").stdout.split()[0]
    second = cli.ok("log", "--name", "Ben Sample", "--summary", "Missed bins", "--received", "2026-10-05").stdout.split()[0]
    third = cli.ok("log", "--name", "Cy Third", "--summary", "Not ours", "--received", "2026-10-06").stdout.split()[0]
    cli.ok("acknowledge", first, "--on", "2026-09-29")
    cli.ok("close", first, "--outcome", "upheld", "--reasons", "It leaked", "--apology", "--compensation", "100", "--on", "2026-10-02")
    cli.ok("escalate", first, "--on", "2026-10-05", "--handler", "Second Officer")
    cli.ok("acknowledge", first, "--on", "2026-10-06")
    cli.ok("close", first, "--outcome", "not-upheld", "--reasons", "Reviewed", "--on", "2026-11-02")
    cli.ok("acknowledge", second, "--on", "2026-10-06")
    cli.ok("amend", second, "--service", "Waste", "--category", "Missed collection", "--reason", "Filed under the wrong service")
    cli.ok("close", second, "--outcome", "withdrawn", "--on", "2026-10-07")
    cli.ok("void", second, "--reason", "Closed the wrong case")
    cli.ok("close", third, "--outcome", "refused", "--exclusion", "service-request", "--reasons", "A request", "--on", "2026-10-06")
    assert cli.ok("verify", "--json").json()["ok"] is True

    location = cli.db if "://" in cli.db else f"sqlite:///{cli.db}"
    engine = create_engine(location)
    try:
        with engine.connect() as connection:
            received = connection.execute(text(
                "SELECT number, month, case_type, outcome, exclusion, service, category, stages FROM received_months WHERE stages != 0"
            )).all()
            closed = connection.execute(text(
                "SELECT number, month, outcome, in_time, apology, stages, compensated, compensation_pence FROM closed_months WHERE stages != 0"
            )).all()
        # SQLite gives a month as its ISO text, PostgreSQL as a date: both are compared as 'YYYY-MM'.
        assert sorted((number, str(day)[:7], *rest) for number, day, *rest in received) == [
            (1, "2026-09", "complaint", "upheld", "", "Repairs", "", 1),
            (1, "2026-10", "complaint", "", "", "Waste", "Missed collection", 1),
            (1, "2026-10", "complaint", "refused", "service-request", "", "", 1),
            (2, "2026-10", "complaint", "not-upheld", "", "Repairs", "", 1),
        ]
        assert sorted((number, str(day)[:7], outcome, in_time, apology, stages, compensated, int(pence))
                      for number, day, outcome, in_time, apology, stages, compensated, pence in closed) == [
            (1, "2026-10", "refused", 0, 0, 1, 0, 0),
            (1, "2026-10", "upheld", 1, 1, 1, 1, 10000),
            (2, "2026-11", "not-upheld", 1, 0, 1, 0, 0),
        ]
        with engine.begin() as connection:
            connection.execute(text("UPDATE closed_months SET stages = stages + 1 WHERE outcome = 'refused'"))
    finally:
        engine.dispose()
    outcome = cli("verify")
    assert outcome.exit_code == 1
    assert "the month figures of the annual report (closed_months) differ from the stage rows in 2026-10" in outcome.stderr

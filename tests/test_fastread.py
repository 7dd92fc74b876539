"""Read-only commands on an up-to-date SQLite file run without the ORM, and agree with the store."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from complaintctl.storage import reader as fastread
from complaintctl.domain import policy


def imported_by(db: str, *args: str) -> set[str]:
    """The modules a command line loads, run in a fresh interpreter as a user would run it."""
    code = (
        "import sys\n"
        "from complaintctl.cli import app\n"
        "try:\n"
        f"    app(args={['--db', db, *args]!r}, prog_name='complaintctl')\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return set(result.stderr.strip().splitlines()[-1].split())


def seeded(cli) -> list[str]:
    references = []
    for name, received, service in (
        ("Ann Example", "2026-10-01", "Housing Repairs"),
        ("Bob Example", "2026-10-05", "Parking"),
        ("Cat Example", "2026-11-02", "Housing Repairs"),
    ):
        out = cli.ok("log", "--name", name, "--summary", "Repairs", "--received", received, "--service", service)
        references.append(out.stdout.split()[0])
    cli.ok("acknowledge", references[0], "--on", "2026-10-02", "--handler", "Jo Officer")
    cli.ok("close", references[0], "--outcome", "upheld", "--reasons", "Late repair", "--on", "2026-10-10",
           "--action", "Fix the gutter", "--action-due", "2026-10-20")
    return references


def test_show_and_list_do_not_import_the_orm(cli, db_location):
    references = seeded(cli)
    for args in (("show", references[0], "--json"), ("show", references[1]), ("list", "--status", "open", "--json"), ("action", "list", "--overdue")):
        modules = imported_by(db_location, *args)
        assert not {"sqlalchemy", "sqlmodel", "jinja2"} & modules, args


def test_reader_answers_as_the_store_does(cli, db_location):
    from complaintctl.storage.store import Store

    seeded(cli)
    chosen = policy.load(None)
    reader = fastread.open_reader(db_location, chosen.fingerprint())
    assert reader is not None
    store = Store.open(db_location)
    try:
        with store.reading() as tx, reader.reading() as fast:
            for filters in (
                {},
                {"status": "open"},
                {"status": "closed"},
                {"service": "housing repairs"},
                {"handler": "JO OFFICER"},
                {"received_from": date(2026, 10, 2), "received_to": date(2026, 11, 30)},
                {"stage": 1, "case_type": "complaint", "limit": 2},
            ):
                assert fast.list_cases(**filters) == tx.list_cases(**filters), filters
            cutoff = date(2026, 12, 31)
            assert fast.deadlines_due_by(cutoff) == tx.deadlines_due_by(cutoff)
            assert fast.actions_due_by(cutoff) == tx.actions_due_by(cutoff)
            assert fast.all_actions() == tx.all_actions()
            assert fast.all_actions(True) == tx.all_actions(True)
            case_id = tx.case_id("CMP-2026-00001")
            assert fast.case_id("CMP-2026-00001") == case_id
            assert fast.events(case_id) == tx.events(case_id)
    finally:
        store.dispose()
        reader.dispose()


def test_a_changed_policy_or_a_missing_file_goes_through_the_store(cli, db_location, tmp_path):
    references = seeded(cli)
    assert fastread.open_reader(db_location, "not-the-fingerprint") is None
    assert fastread.open_reader(str(tmp_path / "missing.db"), policy.load(None).fingerprint()) is None
    assert fastread.open_reader("postgresql+psycopg://nobody@localhost/none", "x") is None
    # A policy with longer timescales: the read-only command must still show the moved deadline.
    config = tmp_path / "slow.toml"
    config.write_text("[stage1]\nrespond_days = 20\n")
    before = cli.show(references[2])["respond_by"]
    after = cli.ok("show", references[2], "--json", config=str(config)).json()["respond_by"]
    assert after > before
    listed = cli.ok("list", "--status", "open", "--json", config=str(config)).json()
    assert {row["reference"]: row["respond_by"] for row in listed}[references[2]] == after


def test_unknown_reference_is_one_line_on_the_fast_path(cli):
    seeded(cli)
    outcome = cli("show", "CMP-2026-09999")
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith("Error: no case with reference CMP-2026-09999")


def test_references_starting(cli, db_location):
    references = seeded(cli)
    assert fastread.references_starting(db_location, "CMP-2026-0000", 10) == references
    assert fastread.references_starting(db_location, "CMP-2026-00002", 10) == [references[1]]
    assert fastread.references_starting(db_location, "", 2) == references[:2]

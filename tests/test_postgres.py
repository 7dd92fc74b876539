"""PostgreSQL: the same commands give the same results as on SQLite, and concurrent officers
never lose an event or share a reference. Runs on the server that tests/pg.py starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import pytest
from freezegun import freeze_time

import first_release
from conftest import Cli
from pg import SUPERUSER

TODAY = "2026-11-25 12:00:00"


# -- the lifecycle gives identical output ------------------------------------------------------------


def lifecycle(cli: Cli) -> list[tuple]:
    """Both stages, refusals, queries, records, letters, reports and verify: every outcome, in order."""
    steps = [
        ("log", "--name", "Ann Example", "--email", "ann@example.org", "--service", "Housing Repairs",
         "--category", "Damp and mould", "--summary", "Mould in the bedroom", "--housing",
         "--received", "2026-09-01", "--json"),
        ("log", "--anonymous", "--summary", "Bins missed twice", "--service", "Waste",
         "--received", "2026-09-02", "--json"),
        ("log", "--name", "Bo Grateful", "--type", "compliment", "--summary", "Quick repair",
         "--received", "2026-09-03", "--json"),
        ("acknowledge", "CMP-2026-00001", "--handler", "Sam Lee", "--on", "2026-09-02", "--json"),
        ("acknowledge", "CMP-2026-00001", "--on", "2026-09-03"),
        ("update", "CMP-2026-00001", "--progress", "Surveyor booked", "--on", "2026-09-10", "--json"),
        ("extend", "CMP-2026-00001", "--days", "5", "--reason", "Awaiting the surveyor's report", "--on", "2026-09-15", "--json"),
        ("note", "CMP-2026-00001", "Called the resident: café visit arranged", "--on", "2026-09-16", "--json"),
        ("close", "CMP-2026-00001", "--outcome", "partly-upheld", "--reasons", "Repair was late",
         "--apology", "--compensation", "150", "--action", "Treat the mould", "--action-due", "2026-10-30",
         "--on", "2026-09-25", "--json"),
        ("escalate", "CMP-2026-00001", "--handler", "Pat Kay", "--on", "2026-10-01", "--json"),
        ("acknowledge", "CMP-2026-00001", "--on", "2026-10-02", "--json"),
        ("action", "add", "CMP-2026-00001", "--what", "Call back", "--due", "2026-10-20", "--on", "2026-10-02", "--json"),
        ("action", "done", "CMP-2026-00001", "1", "--on", "2026-10-15", "--json"),
        ("close", "CMP-2026-00001", "--outcome", "upheld", "--reasons", "Still damp", "--on", "2026-10-20", "--json"),
        ("acknowledge", "CMP-2026-00002", "--on", "2026-09-03", "--json"),
        ("note", "CMP-2026-00099", "Nobody", "--on", "2026-09-03"),
        ("show", "CMP-2026-00001", "--json"),
        ("show", "CMP-2026-00002", "--json"),
        ("show", "CMP-2026-00003", "--json"),
        ("list", "--json"),
        ("list", "--status", "open", "--json"),
        ("list", "--service", "housing repairs", "--json"),
        ("list", "--from", "2026-09-02", "--to", "2026-09-30", "--type", "complaint", "--json"),
        ("list", "--csv"),
        ("action", "list", "--json"),
        ("action", "list", "--overdue", "--json"),
        ("survey", "CMP-2026-00001", "--satisfied", "no", "--easy", "yes", "--time", "no", "--informed", "yes",
         "--addressed", "no", "--on", "2026-10-25", "--json"),
        ("learning", "CMP-2026-00001", "Check gutters each autumn", "--on", "2026-10-26", "--json"),
        ("ombudsman", "refer", "CMP-2026-00001", "--their-reference", "HO-123", "--on", "2026-11-02", "--json"),
        ("ombudsman", "determine", "CMP-2026-00001", "--finding", "Repairs=maladministration", "--on", "2026-11-20", "--json"),
        ("ombudsman", "order", "CMP-2026-00001", "--kind", "compensation", "--amount", "300", "--due", "2026-12-18", "--json"),
        ("ombudsman", "show", "CMP-2026-00001", "--json"),
        ("letter", "CMP-2026-00001", "acknowledgement", "--stage", "1"),
        ("letter", "CMP-2026-00001", "decision", "--stage", "2", "--format", "html"),
        ("letter", "CMP-2026-00002", "acknowledgement"),
        ("overdue", "--json"),
        ("overdue", "--within", "10", "--json"),
        ("overdue", "--check"),
        ("report", "annual", "--year", "2026", "--json"),
        ("report", "annual", "--year", "2026", "--format", "markdown"),
        ("verify", "--json"),
    ]
    with freeze_time(TODAY):
        return [(step, *_outcome(cli(*step))) for step in steps]


def _outcome(outcome) -> tuple:
    try:
        body = json.loads(outcome.stdout)
    except ValueError:
        body = outcome.stdout
    return outcome.exit_code, body, outcome.stderr


def test_the_lifecycle_on_postgresql_gives_the_same_output_as_on_sqlite(tmp_path, pg_url, monkeypatch):
    # One chain key for both, as a team shares one (COMPLAINTCTL_KEY_FILE): the first init makes it.
    monkeypatch.setenv("COMPLAINTCTL_KEY_FILE", str(tmp_path / "team.key"))
    sqlite, postgres = Cli(str(tmp_path / "complaints.db")), Cli(pg_url)
    for runner in (sqlite, postgres):
        with freeze_time(TODAY):
            runner.ok("init")

    on_sqlite, on_postgres = lifecycle(sqlite), lifecycle(postgres)

    assert [row[1] for row in on_sqlite].count(0) == len(on_sqlite) - 3, "only the two refusals and the overdue check exit non-zero"
    assert on_sqlite[4][1] == 1 and on_sqlite[15][1] == 1 and on_sqlite[-4][1] == 3, "the refusals are refused, the check finds overdue work"
    for expected, got in zip(on_sqlite, on_postgres):
        if expected[0][0] == "verify":
            # The storage check is SQLite's integrity_check; PostgreSQL's server answers for its own.
            expected[2].pop("storage"), got[2].pop("storage")
        assert got == expected, f"{expected[0]} differs on PostgreSQL"


# -- init and migrations -----------------------------------------------------------------------------


def _rows(url: str, query: str) -> list[tuple]:
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        return conn.execute(query).fetchall()


def test_init_on_an_existing_database_is_refused_and_keeps_everything(pg_url):
    from complaintctl.storage import migrations

    cli = Cli(pg_url)
    created = cli.ok("init")
    assert "Created postgresql+psycopg://" in created.stdout
    cli.ok("log", "--name", "Ann Example", "--summary", "Leak", "--received", "2026-11-02")

    again = cli("init")

    assert again.exit_code == 1
    assert "already holds a complaintctl database" in again.stderr
    names = [name for (name,) in _rows(pg_url, "SELECT name FROM schema_migrations ORDER BY name")]
    assert names == [name for name, _ in migrations.MIGRATIONS]
    assert cli.show("CMP-2026-00001")["name"] == "Ann Example"
    # Four upgrades at once stored one first version.
    assert _rows(pg_url, "SELECT number FROM policy_versions") == [(1,)]
    cli.ok("verify")
    plain_scheme = Cli(pg_url.replace("postgresql+psycopg://", "postgres://"))
    assert plain_scheme.show("CMP-2026-00001")["name"] == "Ann Example"


def test_a_command_on_a_database_without_init_says_to_run_init(pg_url):
    outcome = Cli(pg_url)("list")

    assert outcome.exit_code == 1
    assert "run `complaintctl init` first" in outcome.stderr
    assert _rows(pg_url, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'") == [(0,)]


def test_an_older_schema_is_upgraded_once_without_losing_a_case(pg_url):
    from complaintctl.storage import migrations

    released = list(migrations.MIGRATIONS)
    if len(released) == 1:
        pytest.skip("one migration only: no older schema to upgrade from")
    cli = Cli(pg_url)
    cli.ok("init")
    cli.ok("log", "--name", "Ann Example", "--summary", "Leak", "--received", "2026-11-02")
    first_release.postgresql(pg_url)
    assert _rows(pg_url, "SELECT name FROM schema_migrations") == [(released[0][0],)]

    results = _finish(_spawn(pg_url, ["list", "--json"], copies=4))

    assert all(code == 0 for code, _, _ in results), results
    assert all([row["reference"] for row in json.loads(out)] == ["CMP-2026-00001"] for _, out, _ in results)
    names = [name for (name,) in _rows(pg_url, "SELECT name FROM schema_migrations ORDER BY name")]
    assert names == [name for name, _ in released]
    assert cli.show("CMP-2026-00001")["name"] == "Ann Example"


def test_concurrent_init_makes_the_schema_once(pg_url):
    from complaintctl.storage import migrations

    results = _finish(_spawn(pg_url, ["init"], copies=4))

    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1, 1, 1], results
    assert all("already holds" in err for code, _, err in results if code == 1)
    names = [name for (name,) in _rows(pg_url, "SELECT name FROM schema_migrations ORDER BY name")]
    assert names == [name for name, _ in migrations.MIGRATIONS]


def test_a_login_that_may_not_create_tables_is_told_what_to_ask_for(pg_url, pg_server):
    name = pg_url.rsplit("/", 1)[1]
    pg_server.admin(f"CREATE ROLE clerk_{name} LOGIN")
    clerk = Cli(pg_url.replace(f"://{SUPERUSER}@", f"://clerk_{name}@"))

    outcome = clerk("init")

    assert outcome.exit_code == 1
    assert "GRANT CREATE ON SCHEMA public" in outcome.stderr
    assert _rows(pg_url, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'") == [(0,)]


def test_a_password_typed_with_at_signs_and_slashes_is_one_password(pg_url):
    """`p@ss/w:rd` typed into the URL as it is: read as the password (not a host `ss` and a
    database `w:rd@…`), and never printed."""
    typed = pg_url.replace("://complaintctl@", "://complaintctl:p@ss/w:rd@")
    cli = Cli(typed)
    created = cli.ok("init")
    cli.ok("log", "--name", "Ann Example", "--summary", "Leak", "--received", "2026-11-02")
    missing = Cli(typed.rsplit("/", 1)[0] + "/no_such_database")("list")
    assert missing.exit_code == 1 and "no_such_database" in missing.stderr
    for printed in (created.stdout + created.stderr, missing.stdout + missing.stderr):
        assert "p@ss" not in printed and "ss/w" not in printed and "w:rd" not in printed, printed


def test_a_password_in_the_url_is_never_printed():
    outcome = Cli("postgresql+psycopg://clerk:s3cret-word@127.0.0.1:1/complaints")("list")

    assert outcome.exit_code == 1
    assert outcome.stderr.startswith("Error: ")
    assert "s3cret-word" not in outcome.stderr + outcome.stdout
    assert "clerk:***@127.0.0.1" in outcome.stderr


# -- concurrent officers -------------------------------------------------------------------------------

WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from typer.testing import CliRunner
    from complaintctl.cli import app

    db, go, repeat, officer, *command = sys.argv[1:]
    Path(f"{go}.{officer}").touch()
    while not Path(go).exists():
        time.sleep(0.005)
    runner = CliRunner()
    for turn in range(int(repeat)):
        args = [a.replace("{turn}", str(turn)) for a in command]
        result = runner.invoke(app, ["--db", db, "--officer", officer, *args])
        if result.exit_code != 0:
            sys.stderr.write(f"turn {turn}: exit {result.exit_code}: {result.stderr}{result.exception!r}\\n")
            sys.exit(result.exit_code or 1)
        sys.stdout.write(result.stdout)
    """
)


def _spawn(db: str, command: list[str], copies: int, repeat: int = 1) -> list[subprocess.Popen]:
    go = Path(os.environ["XDG_DATA_HOME"]).parent / f"go-{time.monotonic_ns()}"
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, db, str(go), str(repeat), f"officer.{index}", *command],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for index in range(copies)
    ]
    # Start them together, once every one has paid its imports.
    deadline = time.monotonic() + 120
    while not all(Path(f"{go}.officer.{index}").exists() for index in range(copies)) and time.monotonic() < deadline:
        time.sleep(0.02)
    go.write_text("go")
    return workers


def _finish(workers: list[subprocess.Popen]) -> list[tuple[int, str, str]]:
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        results.append((worker.returncode, out, err))
    return results


def _assert_chain_intact(url: str) -> list[tuple]:
    """Every event chains to what was recorded before it (an event, or a policy version where one
    was stored), and its hash covers its content."""
    from complaintctl.domain.events import Event
    from complaintctl.storage.chainkey import find_key
    from complaintctl.storage.projection import event_hash

    rows = _rows(
        url,
        "SELECT c.reference, e.number, e.kind, e.business_date, e.officer, e.recorded_at, e.details, e.prev_hash, e.hash"
        " FROM events e JOIN cases c ON c.id = e.case_id ORDER BY e.id",
    )
    key = find_key(_rows(url, "SELECT value FROM meta WHERE key = 'chain_key_id'")[0][0]).secret
    versions = _rows(url, "SELECT prev_hash, hash FROM policy_versions ORDER BY number")
    head = ""
    for reference, number, kind, on, officer, recorded_at, details, prev_hash, digest in rows:
        while versions and versions[0][0] == head:
            head = versions.pop(0)[1]
        event = Event(kind=kind, on=on, officer=officer, recorded_at=datetime.fromisoformat(recorded_at),
                      details=json.loads(details), number=number)
        assert prev_hash == head, f"{reference} event {number} does not chain to the event before it"
        assert event_hash(reference, event, prev_hash, key) == digest, f"{reference} event {number} hash is wrong"
        head = digest
    while versions and versions[0][0] == head:
        head = versions.pop(0)[1]
    assert not versions, "a policy version is out of the chain"
    assert _rows(url, "SELECT value FROM meta WHERE key = 'chain_head'") == [(head,)]
    return rows


def test_eight_processes_logging_at_once_lose_nothing_and_share_no_reference(pg_url):
    Cli(pg_url).ok("init")
    per_worker = 4

    results = _finish(
        _spawn(pg_url, ["log", "--name", "Resident {turn}", "--summary", "Noise", "--received", "2026-11-02", "--json"],
               copies=8, repeat=per_worker)
    )

    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    printed = [json.loads(line)["reference"] for _, out, _ in results for line in _json_documents(out)]
    expected = [f"CMP-2026-{number:05d}" for number in range(1, 8 * per_worker + 1)]
    assert sorted(printed) == expected
    listed = Cli(pg_url).ok("list", "--json").json()
    assert sorted(row["reference"] for row in listed) == expected
    rows = _assert_chain_intact(pg_url)
    assert len(rows) == 8 * per_worker
    assert len({row[8] for row in rows}) == len(rows)
    assert Cli(pg_url)("verify").exit_code == 0


def test_four_processes_noting_one_case_at_once_keep_every_note_in_order(pg_url):
    cli = Cli(pg_url)
    cli.ok("init")
    cli.ok("log", "--name", "Ann Example", "--summary", "Leak", "--received", "2026-11-02")
    per_worker = 4

    results = _finish(_spawn(pg_url, ["note", "CMP-2026-00001", "note {turn}", "--on", "2026-11-03"], copies=4, repeat=per_worker))

    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    events = cli.show("CMP-2026-00001")["events"]
    assert len(events) == 1 + 4 * per_worker
    assert [event["number"] for event in events] == list(range(1, len(events) + 1))
    assert sorted(event["details"].get("text", "") for event in events[1:]) == sorted(
        f"note {turn}" for turn in range(per_worker) for _worker in range(4)
    )
    _assert_chain_intact(pg_url)
    assert cli("verify").exit_code == 0


def _json_documents(text: str) -> list[str]:
    """Split the concatenated JSON objects a worker printed, one per command."""
    decoder, documents, position = json.JSONDecoder(), [], 0
    text = text.strip()
    while position < len(text):
        _, end = decoder.raw_decode(text, position)
        documents.append(text[position:end])
        while end < len(text) and text[end].isspace():
            end += 1
        position = end
    return documents

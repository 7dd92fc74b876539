"""The benchmark generator writes what the commands would have written."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
from datetime import date

import pytest

from conftest import REPO, Cli

TODAY = date(2026, 11, 26)


def load_generator():
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module  # its workers find their functions by module name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    location = str(tmp_path_factory.mktemp("bench") / "generated.db")
    totals = load_generator().generate(location, 3000, seed=7, today=TODAY, workers=2)
    return location, totals


def rows(location: str, sql: str) -> list[tuple]:
    conn = sqlite3.connect(location)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_counts_and_a_realistic_mix(generated):
    location, totals = generated
    assert totals["cases"] == 3000
    assert rows(location, "SELECT count(*) FROM cases")[0][0] == 3000
    statuses = dict(rows(location, "SELECT status, count(*) FROM cases GROUP BY status"))
    still_open = statuses.get("open", 0) + statuses.get("acknowledged", 0)
    assert 0.005 * 3000 <= still_open <= 0.05 * 3000
    outcomes = dict(rows(location, "SELECT outcome, count(*) FROM stages GROUP BY outcome"))
    for outcome in ("upheld", "partly-upheld", "not-upheld", "refused", "withdrawn"):
        assert outcomes.get(outcome, 0) > 0, outcome
    stages = dict(rows(location, "SELECT stage, count(*) FROM cases GROUP BY stage"))
    assert stages[1] > 0.8 * 3000 and stages[2] > 0
    assert rows(location, "SELECT count(*) FROM stages WHERE extension_days > 0")[0][0] > 0
    assert rows(location, "SELECT count(*) FROM actions")[0][0] > 0
    years = rows(location, "SELECT min(received_on), max(received_on) FROM cases")[0]
    assert years[0] < "2017-01-01" and years[1] >= "2026-06-01"
    types = dict(rows(location, "SELECT type, count(*) FROM cases GROUP BY type"))
    assert set(types) == {"complaint", "compliment", "comment"}


def test_every_case_is_its_events_derived_again(generated):
    """The projection and the hash chain are exactly what the store would have written."""
    from complaintctl.domain import policy
    from complaintctl.domain.case import derive
    from complaintctl.storage.store import Store
    from complaintctl.storage.chainkey import find_key
    from complaintctl.storage.projection import case_values, action_rows, event_hash, stage_rows

    location, _ = generated
    # Keyed as `init` keys a database: with a key of its own, kept outside it.
    key = find_key(rows(location, "SELECT value FROM meta WHERE key = 'chain_key_id'")[0][0]).secret
    chosen = policy.load(None)
    calendar = chosen.calendar()
    store = Store.open(location)
    try:
        with store.reading() as tx:
            # `init` stored the first policy version, the first link of the chain; the events follow it.
            head = rows(location, "SELECT hash FROM policy_versions WHERE number = 1")[0][0]
            for case_id, reference in rows(location, "SELECT id, reference FROM cases ORDER BY id LIMIT 400"):
                events = tx.events(case_id)
                case = derive(reference, events, chosen, calendar)
                stored = tx.conn.exec_driver_sql(
                    "SELECT type, stage, status, outcome, handler, respond_by, next_due FROM cases WHERE id = ?", (case_id,)
                ).fetchone()
                values = case_values(case)
                assert tuple(stored) == (
                    values["type"], values["stage"], values["status"], values["outcome"], values["handler"],
                    values["respond_by"].isoformat() if values["respond_by"] else None,
                    values["next_due"].isoformat() if values["next_due"] else None,
                )
                assert len(stage_rows(case_id, case)) == rows(location, f"SELECT count(*) FROM stages WHERE case_id = {case_id}")[0][0]
                assert len(action_rows(case_id, case)) == rows(location, f"SELECT count(*) FROM actions WHERE case_id = {case_id}")[0][0]
                for event, (prev, digest) in zip(
                    events, rows(location, f"SELECT prev_hash, hash FROM events WHERE case_id = {case_id} ORDER BY number")
                ):
                    assert prev == head
                    assert digest == event_hash(reference, event, prev, key)
                    head = digest
    finally:
        store.dispose()
    assert rows(location, "SELECT value FROM meta WHERE key = 'chain_head'")[0][0] == rows(
        location, "SELECT hash FROM events ORDER BY id DESC LIMIT 1"
    )[0][0]


def test_the_commands_read_and_write_a_generated_database(generated):
    location, _ = generated
    cli = Cli(location)
    open_cases = cli.ok("list", "--status", "open", "--json").json()
    assert all(row["status"] == "open" for row in open_cases)
    reference = rows(location, "SELECT reference FROM cases WHERE stage = 2 LIMIT 1")[0][0]
    shown = cli.show(reference)
    assert shown["stage"] == 2
    assert [event["kind"] for event in shown["events"]][:2] == ["logged", "acknowledged"]
    logged = cli.ok("log", "--name", "New Person", "--summary", "Noise", "--received", "2026-11-20", "--json").json()
    year_count = rows(location, "SELECT count(*) FROM cases WHERE reference LIKE 'CMP-2026-%'")[0][0]
    assert logged["reference"] == f"CMP-2026-{year_count:05d}"


def test_a_long_json_list_is_one_item_a_line_and_the_same_as_a_short_one(generated):
    location, _ = generated
    cli = Cli(location)
    long_output = cli.ok("list", "--json").stdout
    lines = long_output.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    items = [json.loads(line.rstrip(",")) for line in lines[1:-1]]
    assert len(items) == len(json.loads(long_output)) >= 3000
    short = cli.ok("list", "--json", "--limit", "5").json()
    assert "\n  " in cli.ok("list", "--json", "--limit", "5").stdout  # the indented form
    assert items[:5] == short
    assert all(isinstance(item["received_on"], str) and len(item["received_on"]) == 10 for item in items)


def test_verify_accepts_a_generated_database_when_available(generated):
    from complaintctl.cli import app

    import typer.main

    if "verify" not in typer.main.get_command(app).commands:
        pytest.skip("verify is not part of this build")
    location, _ = generated
    Cli(location).ok("verify")


def test_same_seed_same_cases(tmp_path):
    generator = load_generator()
    first, second = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    generator.generate(first, 300, seed=3, today=TODAY, workers=1)
    generator.generate(second, 300, seed=3, today=TODAY, workers=2)
    query = "SELECT reference, status, outcome, respond_by FROM cases ORDER BY id"
    assert rows(first, query) == rows(second, query)


def test_refuses_an_existing_file(tmp_path):
    existing = tmp_path / "there.db"
    existing.write_text("")
    with pytest.raises(SystemExit, match="already exists"):
        load_generator().generate(str(existing), 10, today=TODAY)


def test_the_benchmark_times_show_and_letter_on_complaints_in_the_middle_of_the_file(generated, tmp_path):
    """Whatever the generator put at the middle of the file: there, a compliment (which has no
    letters) is passed over for the complaint after it."""
    location, _ = generated
    spec = importlib.util.spec_from_file_location("bench_datasets", REPO / "benchmarks" / "datasets.py")
    datasets = importlib.util.module_from_spec(spec)
    sys.modules["bench_datasets"] = datasets  # its dataclasses are found by module name
    spec.loader.exec_module(datasets)
    copy = tmp_path / "copy.db"
    with sqlite3.connect(location) as source, sqlite3.connect(copy) as target:
        source.backup(target)
        last = target.execute("SELECT max(id) FROM cases").fetchone()[0]
        target.execute("UPDATE cases SET type = 'compliment' WHERE id IN (?, ?)", (last // 2, last // 3))
    shown, noted = datasets.existing(copy)
    found = dict(rows(str(copy), "SELECT reference, id FROM cases WHERE type = 'complaint'"))
    assert found[shown] > last // 2 and found[noted] > last // 3
    assert found[shown] - last // 2 < 50 and found[noted] - last // 3 < 50

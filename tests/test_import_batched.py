"""`import` keeps a batch of rows in memory and writes each case once; the rows it leaves must be
exactly those the same sheet leaves when each step of each row is recorded on its own, as the
step commands record them (one transaction a step, each reading the case back from the file)."""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timezone

import pytest

from complaintctl.cli import workers
from complaintctl.domain.policy import PolicyHistory
from complaintctl.errors import InvalidInput
from complaintctl.services import importing
from complaintctl.services.context import Context
from complaintctl.storage.writer import open_writer
from conftest import REPO, Cli

# After every date of the example sheet.
TODAY = date(2027, 1, 29)
NOW = datetime(2027, 1, 29, 9, 15, tzinfo=timezone.utc)
# Every table an import writes, each in an order that does not depend on how the rows were
# written. The stages' and actions' own ids are left out: the projection rewrites a case's rows
# whenever the case changes, so their ids say only how many times it was rewritten.
TABLES = {
    "events": ("id", "id"),
    "cases": ("id", "id"),
    "stages": ("case_id, number", None),
    "actions": ("case_id, number", None),
    "reference_counters": ("prefix, year", None),
    "meta": ("key", None),
    "policy_versions": ("number", None),
    # The month figures, counted once at the end of a batched import (on SQLite) and by the
    # trigger at each step here. A step rewrites its case's stages, which can leave a figure
    # counted down to 0: a row of 0 stages counts nothing (verify and the report skip it).
    "received_months": ("number, month, case_type, outcome, exclusion, service, category", None),
    "closed_months": ("number, month, outcome, in_time, apology", None),
}


def rows_of(location: str) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(location)
    try:
        found = {}
        for table, (order, _) in TABLES.items():
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            kept = [name for name in columns if name != "id" or TABLES[table][1]]
            counted = " WHERE stages != 0" if table.endswith("_months") else ""
            found[table] = conn.execute(f"SELECT {', '.join(kept)} FROM {table}{counted} ORDER BY {order}").fetchall()
        return found
    finally:
        conn.close()


def copy_database(source, target) -> None:
    """A copy of a SQLite file in write-ahead mode, with what its log holds."""
    original, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        original.backup(copy)
    finally:
        original.close()
        copy.close()


def context(location: str, today: date) -> Context:
    writer = open_writer(location)
    assert writer is not None
    with writer.reading() as tx:
        history = PolicyHistory(tx.policy_versions())
    latest = history.latest
    return Context(writer, latest.policy, latest.calendar, "officer.one", today, NOW, history)


def step_by_step(ctx: Context, sheet: importing.Sheet) -> importing.Report:
    """The sheet recorded a step at a time, each step its own transaction on the file."""
    rows = list(sheet.each_row())
    report = importing.Report(rows_read=len(rows))
    with ctx.store.reading() as tx:
        known = tx.external_refs()
    seen: dict[str, int] = {}
    for row in rows:
        key = importing.row_admitted(row, known, seen, report)
        if key is not None:
            importing.import_row(ctx, row, key, report)
    return report


@pytest.fixture(params=["here", "workers"])
def mapped(request, monkeypatch):
    """How an import's batches are recorded: in this process, or by forked workers (as the
    command records a sheet of more than one batch), on any number of cores."""
    if request.param == "here":
        return map
    monkeypatch.setattr(workers, "available", lambda: 3)
    return workers.mapped


@pytest.mark.parametrize(("cores", "expected"), [(1, 0), (2, 3), (3, 3), (16, workers.MOST_WORKERS)])
def test_the_workers_are_one_more_than_the_cores_and_none_on_one(monkeypatch, cores, expected) -> None:
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this system: no workers at all")
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert workers.available() == expected


def test_workers_stopped_early_end_whatever_the_caller_made_of_sigterm() -> None:
    """A caller may have SIGTERM raise in Python (the PostgreSQL fixture does, for the session); a
    worker must still end when the work stops early and it is terminated, though its main thread
    is waiting for an item while another of its threads may take the signal."""
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this system: no workers at all")

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt("terminated")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        answers = workers.in_order(range(20), lambda _: str(signal.getsignal(signal.SIGTERM) is signal.SIG_DFL).encode(), 2)
        assert next(answers) == b"True"
        answers.close()
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert multiprocessing.active_children() == []


def both_ways(tmp_path, sheet_path, today: date, monkeypatch, mapped=map) -> tuple[dict, dict, importing.Report]:
    cli = Cli(str(tmp_path / "batched.db"))
    cli.ok("init")
    # One file, copied: the same chain key and policy version, so the same hashes are expected.
    copy_database(tmp_path / "batched.db", tmp_path / "stepwise.db")
    sheet = importing.read_sheet(str(sheet_path), "utf-8", {})
    # Small batches, so that rows are written in several and a case's ids cross them.
    monkeypatch.setattr(importing, "ROWS_A_BATCH", 7)
    batched = importing.import_sheet(context(str(tmp_path / "batched.db"), today), sheet, mapped=mapped)
    stepwise = step_by_step(context(str(tmp_path / "stepwise.db"), today), sheet)
    assert batched.written and not batched.refused and not stepwise.refused
    assert (batched.cases_created, batched.stages) == (stepwise.cases_created, stepwise.stages)
    return rows_of(str(tmp_path / "batched.db")), rows_of(str(tmp_path / "stepwise.db")), batched


def test_the_example_sheet_leaves_the_rows_the_steps_leave(tmp_path, monkeypatch, mapped) -> None:
    batched, stepwise, report = both_ways(tmp_path, REPO / "examples" / "spreadsheet.csv", TODAY, monkeypatch, mapped)
    assert report.cases_created == 40
    assert len(batched["events"]) > 100 and len(batched["stages"]) == 42
    for table in TABLES:
        assert batched[table] == stepwise[table], table
    cli = Cli(str(tmp_path / "batched.db"))
    assert "every case matches its events" in cli.ok("verify").stdout


def test_an_exported_database_leaves_the_rows_the_steps_leave(tmp_path, monkeypatch, mapped) -> None:
    """Every kind of row the generator makes: extensions, refusals, withdrawals, stage 2."""
    generated = tmp_path / "generated.db"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), "--cases", "400", "--db", str(generated),
         "--today", "2026-05-29", "--workers", "0"],
        check=True, capture_output=True,
    )
    Cli(str(generated)).ok("export", "--out", str(tmp_path / "sheet.csv"))
    batched, stepwise, report = both_ways(tmp_path, tmp_path / "sheet.csv", TODAY, monkeypatch, mapped)
    assert report.cases_created == 400 and report.stages > 400
    assert any(row for row in batched["events"] if "extended" in row)
    for table in TABLES:
        assert batched[table] == stepwise[table], table


def test_a_refused_row_leaves_nothing_and_the_others_are_still_checked(tmp_path, monkeypatch, mapped) -> None:
    sheet = tmp_path / "sheet.csv"
    lines = ["Ref,Date received,Ack date,Response date,Outcome"]
    lines += [f"R{number},01/04/2026,02/04/2026,10/04/2026,Upheld" for number in range(20)]
    lines[6] = "R5,01/04/2026,31/03/2026,10/04/2026,Upheld"  # acknowledged before it was received
    lines[9] = "R2,01/04/2026,02/04/2026,10/04/2026,Upheld"  # the reference of line 4 again
    lines.append("R20,01/04/2026,02/04/2026,,Withdrawn")  # an outcome with no date
    sheet.write_text("\n".join(lines) + "\n")
    cli = Cli(str(tmp_path / "c.db"))
    cli.ok("init")
    before = rows_of(str(tmp_path / "c.db"))
    monkeypatch.setattr(importing, "ROWS_A_BATCH", 3)
    report = importing.import_sheet(context(str(tmp_path / "c.db"), TODAY), importing.read_sheet(str(sheet), "utf-8", {}), mapped=mapped)
    assert [item["line"] for item in report.refused] == [7, 10, 22] and report.cases_created == 18 and not report.written
    assert report.refused[1]["reason"] == "the same reference as line 4"
    assert rows_of(str(tmp_path / "c.db")) == before


def test_an_import_into_a_database_with_cases_adds_its_stages_to_their_month_figures(tmp_path, monkeypatch) -> None:
    """The figures the database held are added to, not replaced; the trigger counts the steps
    recorded after the import; the trigger and the indexes (dropped while a sheet as large as
    the database is imported) are back as they were; a dry run and a refused sheet leave them."""
    location = str(tmp_path / "c.db")
    cli = Cli(location)
    cli.ok("init")

    def sheet(name: str, numbers: range, extra: str = "") -> str:
        path = tmp_path / name
        rows = [f"N{number},01/04/2026,02/04/2026,10/04/2026,Upheld,Housing" for number in numbers]
        path.write_text("\n".join(["Ref,Date received,Ack date,Response date,Outcome,Service", *rows, *([extra] if extra else [])]) + "\n")
        return str(path)

    def figures() -> tuple[dict, list]:
        tables = rows_of(location)
        conn = sqlite3.connect(location)
        try:
            triggers = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'index') ORDER BY name").fetchall()
        finally:
            conn.close()
        return {table: tables[table] for table in ("received_months", "closed_months")}, triggers

    cli.ok("import", sheet("first.csv", range(12)))
    before = figures()
    made = {name for kind, name, _ in before[1]}
    assert {"stages_counted", "stages_recounted", "stages_uncounted", "ix_cases_live", "ix_stages_received_figures"} <= made
    assert before[0]["received_months"] == [(1, "2026-04-01", "complaint", "upheld", "", "Housing", "", 12)]
    cli.ok("import", sheet("second.csv", range(12, 30)), "--dry-run")
    assert cli("import", sheet("refused.csv", range(12, 30), "N99,01/04/2026,31/03/2026,,")).exit_code == 1
    assert figures() == before
    monkeypatch.setattr(importing, "ROWS_A_BATCH", 7)
    report = importing.import_sheet(context(location, TODAY), importing.read_sheet(sheet("second.csv", range(12, 30)), "utf-8", {}))
    assert report.written and report.cases_created == 18
    after = figures()
    assert after[1] == before[1]
    assert after[0]["received_months"] == [(1, "2026-04-01", "complaint", "upheld", "", "Housing", "", 30)]
    assert [row[-3:] for row in after[0]["closed_months"]] == [(30, 0, 0)]
    cli.ok("log", "--name", "A. Person", "--received", "2026-04-01", "--summary", "Bins", "--service", "Housing")
    assert (1, "2026-04-01", "complaint", "", "", "Housing", "", 1) in figures()[0]["received_months"]
    # verify counts the figures again from the stage rows.
    assert "every case matches its events" in cli.ok("verify").stdout


def test_a_case_derived_further_is_the_case_derived_whole(tmp_path) -> None:
    """`import` folds each step's events onto the case the previous step left (derive_further):
    for every case of a generated database, and every point its history could be cut at, the
    case derived up to the cut and then further is the case derived from every event at once."""
    from complaintctl.domain import policy as policies
    from complaintctl.domain.case import derive, derive_further, settle_further
    from complaintctl.domain.events import CORRECTION_KINDS
    from complaintctl.storage.reader import open_reader
    from test_generate import TODAY as GENERATED_ON, load_generator

    location = str(tmp_path / "generated.db")
    load_generator().generate(location, 400, seed=5, today=GENERATED_ON, workers=1)
    chosen = policies.load(None)
    calendar = chosen.calendar()
    reader = open_reader(location)
    assert reader is not None
    splits = left = 0
    try:
        with reader.reading() as tx:
            history = PolicyHistory(tx.policy_versions())
            for reference, events, _ in tx.every_history(500):
                whole = derive(reference, events, chosen, calendar, history)
                for cut in range(1, len(events)):
                    before = derive(reference, events[:cut], chosen, calendar, history)
                    assert derive_further(before, events[cut:], chosen, calendar, history) == whole, (reference, cut)
                    splits += 1
                # Logged and folded a step at a time, the deadlines left unsettled until the end
                # (as an import's logging, acknowledgements and closes leave them): the same case
                # once settled.
                unsettled = derive(reference, events[:1], chosen, calendar, history, settle=False)
                for event in events[1:]:
                    unsettled = derive_further(unsettled, [event], chosen, calendar, history, settle=False)
                if not any(event.kind in CORRECTION_KINDS for event in events):
                    assert unsettled.unsettled, reference
                    left += 1
                assert settle_further(unsettled, chosen, calendar, history) == whole, reference
                assert not unsettled.unsettled
    finally:
        reader.dispose()
    assert splits > 800
    assert left > 300


def test_the_command_has_workers_record_a_long_sheet_and_a_failing_one_leaves_nothing(tmp_path, monkeypatch) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Ref,Date received,Ack date,Response date,Outcome\n" + "".join(f"R{number},01/04/2026,02/04/2026,10/04/2026,Upheld\n" for number in range(20)))
    location = str(tmp_path / "c.db")
    cli = Cli(location)
    cli.ok("init")
    before = rows_of(location)
    monkeypatch.setattr(importing, "ROWS_A_BATCH", 3)
    monkeypatch.setattr(workers, "available", lambda: 3)
    real = importing.import_row

    def failing(ctx, row, key, report, titles):
        if row.line == 12:
            raise RuntimeError(f"the disk went away in process {os.getpid()}")
        return real(ctx, row, key, report, titles)

    monkeypatch.setattr(importing, "import_row", failing)
    refused = cli("import", str(sheet))
    assert refused.exit_code == 1 and "the disk went away in process" in refused.stderr
    assert f"process {os.getpid()};" not in refused.stderr, "the rows were not recorded by a worker"
    assert len(refused.stderr.strip().splitlines()) == 1
    assert rows_of(location) == before
    monkeypatch.setattr(importing, "import_row", real)
    assert "Cases created: 20" in cli.ok("import", str(sheet)).stderr
    assert "every case matches its events" in cli.ok("verify").stdout
    assert [row[0] for row in cli_references(location)] == [f"CMP-2026-{number:05d}" for number in range(1, 21)]


def cli_references(location: str) -> list[tuple]:
    conn = sqlite3.connect(location)
    try:
        return conn.execute("SELECT reference FROM cases ORDER BY id").fetchall()
    finally:
        conn.close()


def test_a_sheet_that_stops_being_csv_after_batches_were_recorded_leaves_nothing(tmp_path, monkeypatch, mapped) -> None:
    """The rows are read as the batches are recorded: a line far down the sheet that is not CSV
    (a quote closed and then followed by text) is found after earlier batches were recorded,
    written and counted, and still refuses the whole sheet in one line, naming the file."""
    sheet = tmp_path / "sheet.csv"
    lines = ["Ref,Date received,Ack date,Response date,Outcome,Reasons"]
    lines += [f"R{number},01/04/2026,02/04/2026,10/04/2026,Upheld,r" for number in range(40)]
    # Line 37: after a dozen batches of three, more than the workers are sent before one answers.
    lines.insert(36, 'R99,01/04/2026,02/04/2026,10/04/2026,Upheld,"closed"early')
    sheet.write_text("\n".join(lines) + "\n")
    location = str(tmp_path / "c.db")
    cli = Cli(location)
    cli.ok("init")
    before = rows_of(location)
    monkeypatch.setattr(importing, "ROWS_A_BATCH", 3)
    read = importing.read_sheet(str(sheet), "utf-8", {})
    reached: list[int] = []
    with pytest.raises(InvalidInput, match=r"sheet\.csv is not a CSV file this can read \(line 37: "):
        importing.import_sheet(context(location, TODAY), read, progress=reached.append, mapped=mapped)
    assert reached and reached == sorted(reached) and reached[-1] < 37
    assert rows_of(location) == before
    refused = cli("import", str(sheet))
    assert refused.exit_code == 1 and "not a CSV file" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert rows_of(location) == before


def test_progress_is_told_the_line_each_batch_reached(tmp_path, monkeypatch, mapped) -> None:
    """A quoted cell over two lines: the lines told are those of the file, not the rows."""
    sheet = tmp_path / "sheet.csv"
    rows = [f'R{number},01/04/2026,"Bins\nnot emptied"' for number in range(7)]
    sheet.write_text("Ref,Date received,Summary\n" + "\n".join(rows) + "\n")
    location = str(tmp_path / "c.db")
    Cli(location).ok("init")
    monkeypatch.setattr(importing, "ROWS_A_BATCH", 3)
    reached: list[int] = []
    report = importing.import_sheet(context(location, TODAY), importing.read_sheet(str(sheet), "utf-8", {}), progress=reached.append, mapped=mapped)
    assert report.written and report.rows_read == 7 and report.cases_created == 7
    # Rows start on lines 2, 4, 6, … 14 of 15: three to a batch, then one to a batch from line 9
    # on (the last two batches' worth of lines), the batch that reached it closed there.
    assert reached == [6, 10, 12, 14]


def test_the_rows_at_the_end_of_a_sheet_go_in_smaller_batches(tmp_path, monkeypatch) -> None:
    """So that the workers finish together: a fifth of a batch within the last two batches'
    worth of lines, every row still planned once and in order."""
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Ref,Date received\n" + "".join(f"R{number},01/04/2026\n" for number in range(95)))
    monkeypatch.setattr(importing, "ROWS_A_BATCH", 10)
    read = importing.read_sheet(str(sheet), "utf-8", {})
    report = importing.Report()
    planner = importing._Planner("CMP", set(), {}, report)
    batches = list(planner.batches(read.each_row(), len(read.lines)))
    # Lines 2 to 96: whole batches of ten until line 76 (96 lines less 20), where the batch
    # begun at line 72 ends, then batches of two.
    assert [len(batch) for batch in batches] == [10] * 7 + [5] + [2] * 10
    assert [line for batch in batches for line, *_ in batch] == list(range(2, 97))
    assert report.rows_read == 95 and planner.counted == {2026: 95}


def test_a_team_s_own_sheet_of_generated_cases_gives_their_stages_dates_and_outcomes(tmp_path) -> None:
    """The team's sheet the benchmark imports (benchmarks/dataio.team_sheet: the example sheet's
    headings, dates dd/mm/yyyy) of generated cases, every kind of row among them: imported whole,
    each case with the stages' dates, handlers and outcomes its row gives."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from dataio import TEAM_COLUMNS, team_sheet
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    generated = tmp_path / "generated.db"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), "--cases", "300", "--db", str(generated),
         "--today", "2026-05-29", "--workers", "0"],
        check=True, capture_output=True,
    )
    exported, team = tmp_path / "export.csv", tmp_path / "team.csv"
    Cli(str(generated)).ok("export", "--out", str(exported))
    assert team_sheet(exported, team) == 300
    assert team.read_text().splitlines()[0] == ",".join(TEAM_COLUMNS)
    target = Cli(str(tmp_path / "target.db"))
    target.ok("init")
    report = json.loads(target.ok("import", str(team), "--json").stdout)
    assert report["written"] and report["cases_created"] == 300 and not report["refused"]
    again = tmp_path / "again.csv"
    target.ok("export", "--out", str(again))
    compared = [column for column in TEAM_COLUMNS.values() if column != "reference"]
    before = {row["reference"]: row for row in csv.DictReader(exported.open())}
    after = list(csv.DictReader(again.open()))
    assert len(after) == 300
    for row in after:
        old = before[row["external_ref"]]
        assert {column: row[column] for column in compared} == {column: old[column] for column in compared}
    assert "every case matches its events" in target.ok("verify").stdout

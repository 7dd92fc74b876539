"""Several officers writing to one SQLite file at once: nothing fails, nothing is lost or doubled."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path


from conftest import REPO

WRITER = str(REPO / "tests" / "writer.py")
EXECUTABLE = Path(sys.executable).with_name("complaintctl")


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "src")}


def start_writers(arguments: list[list[str]], go: Path) -> list[subprocess.Popen]:
    """Start writer processes and release them together once every one is ready."""
    processes = [
        subprocess.Popen([sys.executable, WRITER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment())
        for args in arguments
    ]
    deadline = time.monotonic() + 120
    while len(list(go.parent.glob(f"{go.name}.*.ready"))) < len(processes):
        assert time.monotonic() < deadline, "writers did not start"
        assert all(process.poll() is None for process in processes), [process.communicate() for process in processes]
        time.sleep(0.02)
    go.touch()
    return processes


def finish(processes: list[subprocess.Popen]) -> list[list[str]]:
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "Traceback" not in err
        outputs.append(out.split())
    return outputs


def query(db: str, sql: str, *params) -> list[tuple]:
    connection = sqlite3.connect(db, timeout=30)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def test_eight_processes_logging_at_once(cli, tmp_path):
    writers, each = 8, 15
    go = tmp_path / "go"
    processes = start_writers([["log", cli.db, str(each), f"writer{n}", str(go)] for n in range(writers)], go)
    printed = finish(processes)

    references = [reference for output in printed for reference in output]
    assert len(references) == writers * each
    assert len(set(references)) == writers * each
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    assert numbers == list(range(1, writers * each + 1))

    stored = query(cli.db, "SELECT reference FROM cases")
    assert sorted(row[0] for row in stored) == sorted(references)
    assert query(cli.db, "SELECT count(*) FROM events WHERE kind = 'logged'") == [(writers * each,)]
    for n in range(writers):
        assert query(cli.db, "SELECT count(*) FROM cases WHERE service = ?", f"writer{n}") == [(each,)]
    cli.ok("verify")


def test_the_light_writer_and_the_store_logging_at_once(cli, tmp_path):
    """Four processes writing through sqlite3 (as the command line does on an up-to-date file)
    and four through SQLAlchemy (as it does with a policy to store first) share one lock."""
    each = 15
    go = tmp_path / "go"
    arguments = [[mode, cli.db, str(each), f"{mode}{n}", str(go)] for n in range(4) for mode in ("log", "log-store")]
    printed = finish(start_writers(arguments, go))

    references = [reference for output in printed for reference in output]
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    assert numbers == list(range(1, 8 * each + 1))
    # Half of them each way: the store's writers record as their own officer.
    by_officer = query(cli.db, "SELECT officer, count(*) FROM events WHERE kind = 'logged' GROUP BY officer ORDER BY officer")
    assert by_officer == [("officer.one", 4 * each), ("store writer", 4 * each)]
    cli.ok("verify")


def test_eight_real_command_lines_logging_at_once(cli):
    """The installed executable itself, eight copies started together."""
    processes = [
        subprocess.Popen(
            [str(EXECUTABLE), "--db", cli.db, "log", "--name", f"Person {n}", "--summary", "At once"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in range(8)
    ]
    references = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        references.append(out.split()[0])
    assert len(set(references)) == 8
    cli.ok("verify")


def test_four_processes_adding_notes_to_one_case(cli, tmp_path):
    reference = cli.ok("log", "--name", "Shared Case", "--summary", "Everyone writes here").stdout.split()[0]
    writers, each = 4, 15
    go = tmp_path / "go"
    processes = start_writers([["note", cli.db, str(each), f"writer{n}", str(go), reference] for n in range(writers)], go)
    finish(processes)

    case = cli.show(reference)
    notes = query(
        cli.db,
        "SELECT e.number, e.details FROM events e JOIN cases c ON c.id = e.case_id WHERE c.reference = ? ORDER BY e.number",
        reference,
    )
    assert [number for number, _ in notes] == list(range(1, writers * each + 2))
    texts = sorted(details for _, details in notes[1:])
    expected = sorted(f'{{"text": "writer{n} note {i}"}}' for n in range(writers) for i in range(each))
    assert texts == expected
    assert len(case["events"]) == writers * each + 1
    cli.ok("verify")


def test_backup_under_four_live_writers(cli, tmp_path):
    go, stop = tmp_path / "go", tmp_path / "stop"
    processes = start_writers([["log", cli.db, "400", f"writer{n}", str(go), str(stop)] for n in range(4)], go)
    try:
        deadline = time.monotonic() + 120
        while query(cli.db, "SELECT count(*) FROM cases")[0][0] < 12:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        copy = tmp_path / "backup.db"
        backup = subprocess.run(
            [str(EXECUTABLE), "--db", cli.db, "backup", str(copy)], capture_output=True, text=True, timeout=120
        )
        still_writing = all(process.poll() is None for process in processes)
    finally:
        stop.touch()
    printed = finish(processes)

    assert backup.returncode == 0, backup.stderr
    assert "verified" in backup.stdout
    assert still_writing, "the writers finished before the backup: the test proved nothing"
    copied = {row[0] for row in query(str(copy), "SELECT reference FROM cases")}
    written = {reference for output in printed for reference in output}
    assert 12 <= len(copied) < len(written)
    assert copied <= written
    # A consistent snapshot: every case in the copy has its event, and references have no gaps.
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in copied)
    assert numbers == list(range(1, len(copied) + 1))
    assert query(str(copy), "SELECT count(*) FROM events") == [(len(copied),)]
    type(cli)(str(copy)).ok("verify")
    cli.ok("verify")

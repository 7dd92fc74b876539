"""A bulk write killed with SIGKILL leaves a database that verifies, each command whole or absent."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import REPO

WRITER = str(REPO / "tests" / "writer.py")

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def count(db: str, sql: str) -> int:
    connection = sqlite3.connect(db, timeout=30)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


def kill_during_bulk_write(db: str, after_events: int) -> None:
    process = subprocess.Popen(
        [sys.executable, WRITER, "lifecycle", db, "bulk"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    try:
        deadline = time.monotonic() + 120
        while count(db, "SELECT count(*) FROM events") < after_events:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the writer is too slow"
            time.sleep(0.01)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def test_sigkill_during_a_bulk_write_leaves_a_database_that_verifies(cli):
    for target in (10, 35, 60):
        kill_during_bulk_write(cli.db, target)
        cli.ok("verify")

    connection = sqlite3.connect(cli.db)
    rows = connection.execute(
        "SELECT c.reference, e.kind, e.details FROM events e JOIN cases c ON c.id = e.case_id ORDER BY e.id"
    ).fetchall()
    connection.close()
    histories: dict[str, list[str]] = {}
    for reference, kind, details in rows:
        histories.setdefault(reference, []).append(kind)
        if kind == "action-added":
            assert json.loads(details)["what"] in ("first promise", "second promise")
    assert len(histories) >= 3
    # Each command is one transaction: logged alone, acknowledged alone, closed with both its actions.
    whole = [
        ["logged"],
        ["logged", "acknowledged"],
        ["logged", "acknowledged", "closed", "action-added", "action-added"],
    ]
    for reference, kinds in histories.items():
        assert kinds in whole, f"{reference} has a partial command: {kinds}"

    # The database keeps working after the crashes, and references continue without a duplicate.
    after = cli.ok("log", "--name", "After Crash", "--summary", "Still works").stdout.split()[0]
    assert after not in histories
    cli.ok("verify")

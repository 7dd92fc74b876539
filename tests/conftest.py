"""Shared fixtures: every test gets its own database file and never touches real data."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]

# A PostgreSQL server for tests marked `both_databases`; see tests/pg.py.
pytest_plugins = ["pg"]


@pytest.fixture(scope="session", autouse=True)
def isolated_configuration(tmp_path_factory):
    """The configuration folder, where `init` keeps each database's chain key (named by its id,
    see storage/chainkey.py), is one temporary folder for the session: a database a module's
    fixture made is written to by its tests, which each have their own environment otherwise."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))
        patch.delenv("COMPLAINTCTL_KEY_FILE", raising=False)
        yield


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path, monkeypatch):
    """Point every default at a temporary folder so no test reads or writes real data."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("COMPLAINTCTL_OFFICER", "officer.one")
    monkeypatch.setenv("NO_COLOR", "1")
    for name in ("COMPLAINTCTL_DB", "COMPLAINTCTL_CONFIG", "COMPLAINTCTL_DEBUG", "COMPLAINTCTL_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def db_location(tmp_path, backend, request) -> str:
    """Where the test's database lives: a SQLite file, or a new PostgreSQL database (tests/pg.py)."""
    if backend == "postgresql":
        return request.getfixturevalue("pg_url")
    return str(tmp_path / "complaints.db")


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


def through_lane(runner: CliRunner, arguments: list[str]) -> Outcome | None:
    """The command line run as the console script runs it when the lane reads it in full
    (cli/lane.py), captured as CliRunner captures; None when the lane leaves it to Typer."""
    from complaintctl.cli import lane

    exit_code = 0
    with runner.isolation() as (stdout, stderr, _output):
        try:
            if not lane.run(arguments, lambda: None):
                return None
        except SystemExit as end:
            exit_code = end.code if isinstance(end.code, int) else (0 if end.code is None else 1)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        out, err = stdout.getvalue(), stderr.getvalue()
    return Outcome(exit_code, out.decode(runner.charset, "replace"), err.decode(runner.charset, "replace"))


class Cli:
    """The real command line, as the console script runs it (the lane, else Typer through its
    CliRunner), against one database."""

    def __init__(self, db: str, config: str | None = None) -> None:
        self.db = db
        self.config = config
        self.runner = CliRunner()

    def __call__(self, *args: str, officer: str | None = None, config: str | None = None) -> Outcome:
        from complaintctl.cli import app

        prefix = ["--db", self.db]
        chosen = config or self.config
        if chosen:
            prefix += ["--config", str(chosen)]
        if officer:
            prefix += ["--officer", officer]
        arguments = [*prefix, *map(str, args)]
        in_lane = through_lane(self.runner, arguments)
        if in_lane is not None:
            return in_lane
        result = self.runner.invoke(app, arguments, catch_exceptions=False)
        return Outcome(result.exit_code, result.stdout, result.stderr)

    def ok(self, *args: str, **kwargs) -> Outcome:
        outcome = self(*args, **kwargs)
        assert outcome.exit_code == 0, f"{args} exited {outcome.exit_code}: {outcome.stderr}"
        return outcome

    def show(self, reference: str) -> dict:
        return self.ok("show", reference, "--json").json()


@pytest.fixture
def cli(db_location) -> Cli:
    """A CLI on a fresh, initialised database."""
    runner = Cli(db_location)
    runner.ok("init")
    return runner


def import_refusals(cli: Cli, sheet) -> dict[int, str]:
    """The rows an import of `sheet` refused, line by line, with their reasons; the import must
    have failed as a refusal does (exit 1, in words, without a traceback)."""
    refused = cli("import", str(sheet), "--json")
    assert refused.exit_code == 1 and "Traceback" not in refused.stderr and "unexpected" not in refused.stderr
    return {item["line"]: item["reason"] for item in json.loads(refused.stdout)["refused"]}


def exported_by_workers(monkeypatch, rows_a_batch: int, cases_a_batch: int = 2) -> list[int]:
    """Exports made from here on by forked workers (cli/export_workers.py), `rows_a_batch` rows
    to a batch of JSON and `cases_a_batch` cases to a batch of CSV, even on one core; the list
    of the batches each export handed to them."""
    from complaintctl.cli import export_workers

    handed: list[int] = []
    through = export_workers._in_workers

    def counted(batches, encode, count):
        def each():
            for batch in batches:
                handed.append(len(batch))
                yield batch

        return through(each(), encode, count)

    monkeypatch.setattr(export_workers, "ROWS_A_BATCH", rows_a_batch)
    monkeypatch.setattr(export_workers, "CASES_A_BATCH", cases_a_batch)
    monkeypatch.setattr(export_workers, "_workers_available", lambda: 3)
    monkeypatch.setattr(export_workers, "_in_workers", counted)
    return handed


@pytest.fixture
def chromium() -> str:
    """A headless Chromium for the browser checks. Outside CI a machine without one skips them;
    in CI (CI=true, as .ci/run sets, after installing it) a missing browser is a failure."""
    found = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)), None)
    if found:
        return found
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail("no headless Chromium in this CI run: .ci/run installs it with apt-get as root on Debian; "
                    "install chromium (or chromium-browser, google-chrome) on the runner")
    pytest.skip("no headless Chromium on this machine (apt-get install chromium)")

"""A real PostgreSQL server for the test session, and a fresh database for each test that asks.

The server is started once per session with initdb and pg_ctl in a temporary folder, listens on
127.0.0.1 only (and a Unix socket in that folder), and is stopped and removed at the end. initdb
refuses to run as root, so as root (CI containers) the server runs as an unprivileged user.

Test modules opt into running on both databases with one line:

    pytestmark = pytest.mark.both_databases

(or the same marker on a class or a test). Each such test then runs twice, as `test[sqlite]`
and `test[postgresql]`, and `db_location` (hence `cli`) points at a new SQLite file or a new,
empty PostgreSQL database made for that test alone.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

BACKENDS = ("sqlite", "postgresql")
SUPERUSER = "complaintctl"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "both_databases: run the test on SQLite and on a real PostgreSQL server (tests/pg.py)"
    )


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_databases"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request) -> str:
    """Which database the test runs on: "sqlite" unless the test is marked both_databases."""
    return getattr(request, "param", "sqlite")


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) + sorted(glob.glob(f"/usr/pgsql-*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _unprivileged_user() -> pwd.struct_passwd:
    """Who runs the server when the tests run as root: initdb will not run as root."""
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "complaintctl-pg"],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    return pwd.getpwnam("complaintctl-pg")


@dataclass
class PostgresServer:
    port: int
    folder: Path
    pg_ctl: str
    run_as: dict

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True) as conn:
            conn.execute(statement)

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def _run(command: list[str], run_as: dict, what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120, **run_as)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")


def start_server() -> PostgresServer:
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed; PostgreSQL tests skipped")
    as_root = os.geteuid() == 0
    # The server's user must reach its folder: as root, /tmp rather than a private TMPDIR.
    folder = Path(tempfile.mkdtemp(prefix="complaintctl-pg-", dir="/tmp" if as_root and os.path.isdir("/tmp") else None))
    run_as: dict = {}
    if as_root:
        user = _unprivileged_user()
        os.chown(folder, user.pw_uid, user.pw_gid)
        run_as = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": [], "cwd": str(folder)}
    data = folder / "data"
    _run(
        [initdb, "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"],
        run_as,
        "initdb",
    )
    last_problem = None
    for _attempt in range(3):
        port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c max_connections=300 "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        try:
            _run(
                [pg_ctl, "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60", "-o", options, "start"],
                run_as,
                "pg_ctl start",
            )
            return PostgresServer(port, folder, pg_ctl, run_as)
        except RuntimeError as problem:
            last_problem = problem
    shutil.rmtree(folder, ignore_errors=True)
    raise RuntimeError(f"could not start PostgreSQL: {last_problem}")


def stop_server(server: PostgresServer) -> None:
    try:
        _run([server.pg_ctl, "-D", str(server.folder / "data"), "-m", "fast", "-w", "stop"], server.run_as, "pg_ctl stop")
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)


def _stop_on_sigterm():
    """Let `timeout` or CI cancelling the run stop the server too: SIGTERM becomes an interrupt,
    after which pytest still tears the session down. Returns the handler to restore."""
    previous = signal.getsignal(signal.SIGTERM)
    if previous is not signal.SIG_DFL or threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt("terminated")

    signal.signal(signal.SIGTERM, interrupt)
    return previous


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the whole session, stopped and removed afterwards."""
    pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[test,postgres]'")
    previous = _stop_on_sigterm()
    server = start_server()
    try:
        yield server
    finally:
        stop_server(server)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


@pytest.fixture
def pg_url(pg_server) -> str:
    """A URL to a new, empty PostgreSQL database of this test's own, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    pg_server.admin(f'CREATE DATABASE "{name}"')
    yield pg_server.url(name)
    pg_server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

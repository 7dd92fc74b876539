"""A writer process for the concurrency and crash tests: `python tests/writer.py MODE DB ...`.

Each command runs exactly as the command line runs it (the database opened afresh, one
transaction), but many of them share one Python start-up, so that a test can afford enough
writes to collide. On an up-to-date SQLite file the command line writes through the light
writer (storage/writer.py): `log` and `note` fail if anything loaded the ORM instead, and
`lifecycle` stops at once. `log-store` logs through the full store, as a command does that has
a policy to store first, so that the two kinds of writer can be set against each other.

  log DB COUNT TAG GO [STOP]        log COUNT complaints, or until STOP exists; print each reference
  log-store DB COUNT TAG GO [STOP]  the same, each through a new SQLAlchemy store
  note DB COUNT TAG GO REF          add COUNT notes to one case
  lifecycle DB TAG                  log, acknowledge and close with two actions, for ever (until killed)

GO is a file to wait for, so that every writer starts at the same moment.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def wait_for(go: str) -> None:
    Path(f"{go}.{os.getpid()}.ready").touch()
    deadline = time.monotonic() + 60
    while not Path(go).exists():
        if time.monotonic() > deadline:
            sys.exit("the start signal never came")
        time.sleep(0.005)


def run_cli(db: str, *args: str) -> tuple[int, str]:
    """One command line, in this process; returns its exit code and stdout."""
    import io
    from contextlib import redirect_stdout

    from complaintctl.cli import app

    captured = io.StringIO()
    with redirect_stdout(captured):
        try:
            result = app(["--db", db, *args], prog_name="complaintctl", standalone_mode=False)
        except SystemExit as stop:
            result = stop.code
    return (result or 0), captured.getvalue()


def log_through_store(db: str, *args: str) -> tuple[int, str]:
    """What `log --name N --summary S --service V` records, through a Store opened for it."""
    from complaintctl import services
    from complaintctl.clock import now_utc, today_in_london
    from complaintctl.services.context import Context
    from complaintctl.storage.store import Store

    fields = dict(zip(args[1::2], args[2::2]))
    store = Store.open(db)
    try:
        history = services.stored_policy(store)
        latest = history.latest
        context = Context(store, latest.policy, latest.calendar, "store writer", today_in_london(), now_utc(), history)
        case = services.log_case(
            context,
            {"type": "complaint", "name": fields["--name"], "summary": fields["--summary"], "service": fields["--service"],
             "received_on": context.today, "housing": False, "anonymous": False},
        )
    finally:
        store.dispose()
    return 0, f"{case.reference}\n"


def log_many(db: str, count: int, tag: str, go: str, stop: str | None, through_store: bool = False) -> int:
    failures = 0
    log = log_through_store if through_store else run_cli
    wait_for(go)
    for index in range(count):
        if stop and Path(stop).exists():
            break
        code, out = log(db, "log", "--name", f"{tag} {index}", "--summary", f"written by {tag} #{index}", "--service", tag)
        if code != 0:
            failures += 1
            print(f"FAILED {tag} {index} exit {code}", file=sys.stderr)
        else:
            print(out.split()[0], flush=True)
    return failures


def note_many(db: str, count: int, tag: str, go: str, reference: str) -> int:
    failures = 0
    wait_for(go)
    for index in range(count):
        code, _ = run_cli(db, "note", reference, f"{tag} note {index}")
        if code != 0:
            failures += 1
            print(f"FAILED {tag} {index} exit {code}", file=sys.stderr)
        else:
            print(f"{tag} note {index}", flush=True)
    return failures


def lifecycle_forever(db: str, tag: str) -> None:
    """Through the services, as fast as possible: each step is one transaction."""
    from datetime import date, timedelta

    from complaintctl import services
    from complaintctl.cli import settings

    settings.db = db
    context = settings.context()
    if orm_loaded():
        sys.exit("the ORM was loaded: the light writer was not used")
    index = 0
    while True:
        index += 1
        received = context.today - timedelta(days=20)
        case = services.log_case(
            context,
            {"type": "complaint", "name": f"{tag} {index}", "summary": f"bulk {index}", "received_on": received, "housing": False, "anonymous": False},
        )
        services.acknowledge(context, case.reference, received + timedelta(days=1), None, None, None)
        services.close(
            context,
            case.reference,
            received + timedelta(days=5),
            "upheld",
            reasons="bulk decision",
            remedy=services.Remedy(
                apology=True,
                compensation_pence=100 * index,
                actions=[("first promise", date(2027, 1, 4), None), ("second promise", date(2027, 1, 5), None)],
            ),
        )
        print(case.reference, flush=True)


def orm_loaded() -> bool:
    return "sqlalchemy" in sys.modules


def main() -> int:
    mode, db = sys.argv[1], sys.argv[2]
    if mode == "lifecycle":
        lifecycle_forever(db, sys.argv[3])
    if mode in ("log", "log-store"):
        stop = sys.argv[6] if len(sys.argv) > 6 else None
        failures = log_many(db, int(sys.argv[3]), sys.argv[4], sys.argv[5], stop, through_store=mode == "log-store")
    elif mode == "note":
        failures = note_many(db, int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6])
    else:
        return 2
    if mode != "log-store" and orm_loaded():
        print("the ORM was loaded: the command lines did not write through the light writer", file=sys.stderr)
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""A tour of complaintctl: a handful of complaints taken through their lifecycles.

Every command is printed as an officer would type it, then run for real against a fresh SQLite
file (demo/complaints.db by default). The dates are fixed, so the output is the same every day.

    python examples/demo.py [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
POLICY = HERE / "policies" / "north-west-leicestershire.toml"


class Officer:
    """Runs complaintctl as one officer would, printing each command first."""

    def __init__(self, database: Path, name: str, policy: Path | None = None) -> None:
        self.database = database
        self.name = name
        self.policy = policy

    def __call__(self, *args: str, quiet: bool = False, may_fail: bool = False) -> str:
        shown = " ".join(shlex.quote(part) for part in args)
        print(f"\n[{self.name}] $ complaintctl {shown}", flush=True)
        environment = {**os.environ, "COMPLAINTCTL_DB": str(self.database), "COMPLAINTCTL_OFFICER": self.name, "NO_COLOR": "1"}
        if self.policy:
            environment["COMPLAINTCTL_CONFIG"] = str(self.policy)
        environment.pop("COMPLAINTCTL_DEBUG", None)
        result = subprocess.run(
            [sys.executable, "-m", "complaintctl", *args],
            capture_output=True,
            text=True,
            env=environment,
        )
        if not quiet:
            sys.stdout.write(result.stdout)
        sys.stdout.write(result.stderr)
        if result.returncode not in (0, 3) and not may_fail:
            raise SystemExit(f"demo stopped: the command above exited {result.returncode}")
        if may_fail and result.returncode == 0:
            raise SystemExit("demo stopped: the command above should have been refused")
        return result.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("demo") / "complaints.db", help="where to build the demo database")
    options = parser.parse_args()
    database: Path = options.db
    database.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        leftover.unlink(missing_ok=True)

    policy = POLICY if POLICY.exists() else None
    priya = Officer(database, "priya.shah", policy)
    tom = Officer(database, "tom.okafor", policy)
    dawn = Officer(database, "dawn.reid", policy)

    print("# A complaints team at a district council, autumn 2026.")
    if policy:
        print(f"# Policy: {policy.relative_to(HERE.parent)} (acknowledge in 2 working days, respond in 10,")
        print("# stage 2 within one calendar month of the stage 1 reply, updates every 10 working days).")
    priya("init")

    print("\n# 1. A repair complaint from a council tenant, received on a Saturday.")
    repair = priya(
        "log", "--name", "Mrs Aisha Begum", "--email", "aisha.begum@example.net", "--channel", "online",
        "--service", "Housing Repairs", "--category", "Damp and mould", "--housing",
        "--summary", "Damp in the back bedroom reported three times since June; no one has visited.",
        "--outcomes-sought", "A survey and repair, and an apology.", "--received", "2026-09-05",
    )
    priya("acknowledge", repair, "--handler", "Priya Shah", "--on", "2026-09-08",
          "--understanding", "No inspection followed three damp reports made since June.")
    priya("extend", repair, "--days", "5", "--reason", "A damp survey is booked for 21 September.", "--on", "2026-09-17")
    priya("close", repair, "--outcome", "upheld", "--on", "2026-09-25",
          "--reasons", "The first two reports were closed in error without an inspection.",
          "--steps", "Reviewed the repair log, spoke to the surveyor, inspected on 21 September.",
          "--apology", "--compensation", "150", "--remedy", "Mould wash and extractor fan.",
          "--action", "Fit extractor fan in back bedroom", "--action-due", "2026-10-16",
          "--learning", "Repair calls about damp now always trigger an inspection.")

    print("\n# 2. The tenant asks for a review: stage 2 goes to someone else.")
    tom("escalate", repair, "--handler", "Priya Shah", "--on", "2026-10-02", may_fail=True)
    tom("escalate", repair, "--handler", "Tom Okafor", "--on", "2026-10-02")
    tom("acknowledge", repair, "--on", "2026-10-05")

    print("\n# 3. A council tax complaint that has another route: refused, with an explanation.")
    tax = dawn("log", "--name", "Mr Gareth Llewellyn", "--phone", "01632 960123", "--service", "Council Tax",
               "--summary", "Disputes the band of his property.", "--received", "2026-10-12", "--channel", "phone")
    dawn("close", tax, "--outcome", "refused", "--exclusion", "statutory-appeal", "--on", "2026-10-13",
         "--reasons", "Banding appeals go to the Valuation Office Agency; we have sent the form.")

    print("\n# 4. A waste complaint, acknowledged late and still open.")
    bins = dawn("log", "--name", "O'Hara & Sons", "--email", "office@ohara.example", "--service", "Waste",
                "--summary", "Trade bin missed four weeks running.", "--received", "2026-10-14")
    dawn("acknowledge", bins, "--on", "2026-10-19")
    dawn("note", bins, "Crew sheet shows the bin store was locked on two of the four weeks.", "--on", "2026-10-20")

    print("\n# 5. A compliment: counted, no clock.")
    dawn("log", "--type", "compliment", "--name", "Mr Ray Patel", "--service", "Waste",
         "--summary", "Thanks to the crew for returning the bins to the kerb.", "--received", "2026-10-21")

    print("\n# 6. Steps out of order, or missing what the rules need, are refused and change nothing.")
    dawn("escalate", bins, "--handler", "Tom Okafor", "--on", "2026-10-21", may_fail=True)
    dawn("close", bins, "--outcome", "refused", "--on", "2026-10-21", may_fail=True)

    print("\n# What an officer sees.")
    priya("list")
    priya("show", repair)
    priya("workdays", "add", "2026-12-23", "2")
    priya("action", "list")


if __name__ == "__main__":
    main()

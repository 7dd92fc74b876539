"""What is timed and what it must meet: the commands, the yardsticks and the goals.

Every goal is a ratio of two medians timed in the same table of the same run: a command against
F (`python -c "import typer, rich.console"` in the same venv) or against taskwarrior's
comparable command. Memory is the largest resident size of any read.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from datasets import Cases
from timing import Measure

GOAL_SIZES = (10_000, 1_000_000)
TASKWARRIOR_SIZE = 10_000
READS = ("show_json", "show", "list", "overdue_json", "overdue", "letter")
WRITES = ("log", "acknowledge", "extend", "close", "note")
MEMORY_MB = 60
MEMORY_OF = (*READS, "report", "self_assessment")  # the reports only read too
FLOOR = [sys.executable, "-c", "import typer, rich.console"]


@dataclass(frozen=True)
class Command:
    label: str
    argv: Sequence[str] | Callable[[int], Sequence[str]]  # a function gives run i its own command
    ok: tuple[int, ...] = (0,)


@dataclass(frozen=True)
class Goal:
    command: str
    limit: float
    against: str = "F"
    sizes: tuple[int, ...] = GOAL_SIZES


GOALS = [
    Goal("help", 1.2),
    *(Goal(read, 1.4) for read in READS),
    *(Goal(write, 1.8) for write in WRITES),
    Goal("report", 3.0, sizes=(1_000_000,)),
    Goal("self_assessment", 3.0, sizes=(1_000_000,)),
    Goal("show", 1.0, against="task_info", sizes=(TASKWARRIOR_SIZE,)),
    Goal("overdue", 1.0, against="task_overdue", sizes=(TASKWARRIOR_SIZE,)),
    Goal("log", 2.0, against="task_add", sizes=(TASKWARRIOR_SIZE,)),
]


def complaintctl(cli: list[str], cases: Cases, list_status: str, year: int) -> dict[str, Command]:
    """The commands timed on one database; `cli` is the command with its --db."""
    return {
        "show_json": Command("`show REF --json`", [*cli, "show", cases.shown, "--json"]),
        "show": Command("`show REF`", [*cli, "show", cases.shown]),
        "list": Command(f"`list --status {list_status} --json`", [*cli, "list", "--status", list_status, "--json"]),
        "overdue_json": Command("`overdue --json`", [*cli, "overdue", "--json"]),
        "overdue": Command("`overdue`", [*cli, "overdue"]),
        "letter": Command("`letter REF`", [*cli, "letter", cases.shown]),
        "report": Command("`report annual --json`", [*cli, "report", "annual", "--year", str(year), "--json"]),
        "self_assessment": Command(
            "`report self-assessment --json`", [*cli, "report", "self-assessment", "--year", str(year), "--json"]
        ),
        "log": Command(
            "`log … --json`",
            [*cli, "log", "--name", "Sam Bench", "--summary", "Pothole on Mill Lane", "--service", "Highways", "--json"],
        ),
        "acknowledge": Command("`acknowledge REF`", lambda run: [*cli, "acknowledge", cases.fresh[run]]),
        "extend": Command(
            "`extend REF --days 5 --reason …`",
            lambda run: [*cli, "extend", cases.to_extend[run], "--days", "5", "--reason", "Waiting for the contractor's report"],
        ),
        "close": Command(
            "`close REF --outcome upheld --reasons …`",
            lambda run: [*cli, "close", cases.to_close[run], "--outcome", "upheld", "--reasons", "The bins were missed twice"],
        ),
        "note": Command("`note REF TEXT`", [*cli, "note", cases.noted, "Rang the complainant back"]),
    }


def taskwarrior(size: int) -> dict[str, Command]:
    return {
        "task_info": Command(f"`task {size // 2} info`", ["task", str(size // 2), "info"]),
        "task_overdue": Command("`task overdue`", ["task", "overdue"], ok=(0, 1)),  # 1: nothing matched
        "task_add": Command("`task add …`", ["task", "add", "Respond to the complainant", "project:complaints", "due:tomorrow"]),
    }


@dataclass
class Table:
    """The commands timed together, taking turns, on one database."""

    title: str
    size: int
    database: str  # "SQLite" or "PostgreSQL"
    labels: dict[str, str]  # what was timed, in the order shown
    measures: dict[str, Measure]
    seconds: float  # how long its rounds took
    notes: list[str] = field(default_factory=list)
    absent: dict[str, str] = field(default_factory=dict)  # a command not timed here, and why


@dataclass(frozen=True)
class Verdict:
    goal: str
    measured: str
    limit: str
    met: str
    of: tuple[str, str, int] | None = None  # the command, what it is set beside, the size


def ratio(tables: list[Table], goal: Goal, size: int) -> Verdict:
    """The goal's verdict at one size: measured, not met, or not measured and why."""
    table = next((table for table in sqlite(tables) if table.size == size), None)
    against = "F" if goal.against == "F" else label(tables, goal.against)
    verdict = partial(
        Verdict,
        f"{label(tables, goal.command)} at {size:,} cases",
        limit=f"≤ {goal.limit:g}× {against}",
        of=(goal.command, goal.against, size),
    )
    if table is None:
        sizes = " and ".join(f"{timed.size:,}" for timed in sqlite(tables))
        return verdict(measured="—", met=f"not measured: this run timed {sizes} cases")
    missing = next((key for key in (goal.command, goal.against) if key not in table.measures), None)
    if missing:
        return verdict(measured="—", met=f"not measured: {table.absent.get(missing, 'not timed')}")
    value, base = table.measures[goal.command], table.measures[goal.against]
    measured = f"{value.median / base.median:.2f}× ({value.median:.3f} s / {base.median:.3f} s)"
    if not base.ok:
        return verdict(measured=measured, met=f"not measured: {against} failed ({failed(base)})")
    if not value.ok:
        return verdict(measured=measured, met=f"not met: it failed ({failed(value)})")
    return verdict(measured=measured, met="met" if value.median <= goal.limit * base.median else "not met")


def memory(tables: list[Table]) -> Verdict:
    reads = [
        (value, key, table.size) for table in sqlite(tables) for key, value in table.measures.items() if key in MEMORY_OF
    ]
    what, limit = "peak memory of any read (SQLite)", f"≤ {MEMORY_MB} MB"
    if not reads:
        return Verdict(what, "—", limit, "not measured")
    peak, key, size = max(reads, key=lambda read: read[0].peak_mb)
    measured = f"{peak.peak_mb:.0f} MB ({label(tables, key)} at {size:,})"
    broken = next(((value, key, size) for value, key, size in reads if not value.ok), None)
    if broken:
        value, key, size = broken
        return Verdict(what, measured, limit, f"not met: {label(tables, key)} at {size:,} failed ({failed(value)})")
    return Verdict(what, measured, limit, "met" if peak.peak_mb <= MEMORY_MB else "not met")


def verdicts(tables: list[Table]) -> list[Verdict]:
    return [ratio(tables, goal, size) for goal in GOALS for size in goal.sizes] + [memory(tables)]


def sqlite(tables: list[Table]) -> list[Table]:
    return [table for table in tables if table.database == "SQLite"]


def label(tables: list[Table], key: str) -> str:
    return next((table.labels[key] for table in tables if key in table.labels), f"`{key}`")


def failed(value: Measure) -> str:
    codes = ", ".join(str(code) for code in value.failures)
    return f"exit {codes}: {value.error}" if value.error else f"exit {codes}"

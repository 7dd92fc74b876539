"""RESULTS.md, written whole from one run's measures: nothing in it is typed by hand."""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dataio import EXPORT_MEMORY_MB, Rate, section
from datasets import Dataset
from plan import GOALS, Table, Verdict, failed, verdicts
from timing import Measure


@dataclass(frozen=True)
class Run:
    """What a report says about the run as a whole."""

    command_line: str  # how benchmarks/run was started
    started: str  # "YYYY-MM-DD HH:MM UTC"
    minutes: float
    timed: str  # the complaintctl command timed, and its version
    floor: str  # F's command line, with the venv's Python
    repeat: int
    loads: tuple[tuple[float, float, float], tuple[float, float, float]]  # before, after
    quick: bool
    postgres: str  # why PostgreSQL was not timed, or ""


def machine() -> str:
    def first(path: str, key: str) -> str:
        try:
            return next((line.split(":", 1)[1].strip() for line in Path(path).read_text().splitlines() if line.startswith(key)), "")
        except OSError:
            return ""

    model = first("/proc/cpuinfo", "model name") or platform.machine()
    memory = first("/proc/meminfo", "MemTotal")
    memory = f", {int(memory.split()[0]) / 1024 / 1024:.1f} GB RAM" if memory else ""
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPU ({model}){memory}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def seconds(value: Measure) -> str:
    return f"{value.median:.3f} s" if value.ok else f"{value.median:.3f} s, failed ({failed(value)})"


def times(value: Measure, base: Measure) -> str:
    return f"{value.median / base.median:.2f}×"


def limits(table: Table) -> dict[str, str]:
    """Each command's goal against F in this table, as written in the goal column."""
    return {goal.command: f"≤ {goal.limit:g}× F" for goal in GOALS if goal.against == "F" and table.size in goal.sizes}


def table_section(table: Table, results: dict[tuple[str, str, int], str]) -> list[str]:
    floor = table.measures["F"]
    lines = [
        f"## {table.title}",
        "",
        (
            f"F: {seconds(floor)} median ({floor.cpu:.3f} s CPU, {floor.peak_mb:.0f} MB); the commands below took turns"
            f" with it for {table.seconds / 60:.1f} min."
        ),
        "",
        *(f"- {note}" for note in table.notes),
        *([""] if table.notes else []),
    ]
    goals = limits(table) if table.database == "SQLite" else {}
    lines += [
        "| command | median wall | × F | median CPU | CPU × F | peak memory | goal | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, label in table.labels.items():
        if key == "F" or key.startswith("task_") or key not in table.measures:
            continue
        value = table.measures[key]
        goal = goals.get(key, "—")
        met = results.get((key, "F", table.size), "—") if goal != "—" else "—"
        lines.append(
            f"| {label} | {seconds(value)} | {times(value, floor)} | {value.cpu:.3f} s | {value.cpu / floor.cpu:.2f}× |"
            f" {value.peak_mb:.0f} MB | {goal} | {met} |"
        )
    lines.append("")
    tasks = [key for key in table.labels if key.startswith("task_") and key in table.measures]
    if tasks:
        lines += taskwarrior_section(table, tasks, results)
    for key, why in table.absent.items():
        lines += [f"{table.labels.get(key, key)}: not timed: {why}.", ""]
    return lines


def taskwarrior_section(table: Table, tasks: list[str], results: dict[tuple[str, str, int], str]) -> list[str]:
    pairs = {goal.against: goal for goal in GOALS if goal.against in tasks}
    lines = [
        f"Beside taskwarrior, in the same turns, with {table.size:,} pending tasks:",
        "",
        "| complaintctl | median | taskwarrior | median | ratio | goal | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for key in tasks:
        if key not in table.measures:
            continue
        goal, task = pairs.get(key), table.measures[key]
        if goal is None:
            lines.append(f"| — | — | {table.labels[key]} | {seconds(task)} | — | — | — |")
            continue
        ours = table.measures[goal.command]
        lines.append(
            f"| {table.labels[goal.command]} | {seconds(ours)} | {table.labels[key]} | {seconds(task)} | "
            f"{times(ours, task)} | ≤ {goal.limit:g}× | {results.get((goal.command, key, table.size), '—')} |"
        )
    lines.append("")
    return lines


def generator_section(datasets: list[Dataset]) -> list[str]:
    lines = [
        "## Generator",
        "",
        (
            "`benchmarks/generate.py` wrote each database this run used (kept in the work folder between runs"
            " until the generator or the schema changes, or for a week):"
        ),
        "",
        "| cases | generated | seconds | cases a second | load average after (1 min) |",
        "|---|---|---|---|---|",
    ]
    for dataset in datasets:
        when = f"{dataset.generated_on}, {'by this run' if dataset.made_now else 'kept from an earlier run'}"
        rate = f"{dataset.rate:,}" if dataset.rate else "—"
        took = f"{dataset.seconds:.1f}" if dataset.seconds else "—"
        lines.append(f"| {dataset.size:,} | {when} | {took} | {rate} | {dataset.load:.2f} |")
    lines.append("")
    return lines


def preamble(run: Run) -> list[str]:
    before, after = run.loads
    quick = " A quick run (--quick): fewer sizes and repeats than the goals ask for." if run.quick else ""
    how = (
        f"Each figure is the median wall-clock time of {run.repeat} whole-process runs after one warm-up. The commands"
        " of a table take turns (interleaved, each round starting one command further on), so drift of the machine falls"
        " on them alike, and every ratio is of two medians of the same table. Peak memory is the largest resident size of"
        " any run (wait4; benchmarks/spawner.py starts the processes and stays small, so the figure is the command's own)."
        " A command that exits other than 0 is shown as failed and never meets its goal."
    )
    return [
        "# complaintctl benchmarks",
        "",
        f"Written by `{run.command_line}` on {run.started}; the run took {run.minutes:.0f} min.{quick}",
        "",
        f"- Machine: {machine()}.",
        f"- Load average (1, 5, 15 min) before the timing: {loads(before)}; after: {loads(after)}; {os.cpu_count()} cores.",
        f"- Timed: {run.timed}. F: `{run.floor}`.",
        f"- {how}",
        "",
    ]


def loads(values: tuple[float, float, float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def rate_verdict(rate: Rate) -> Verdict:
    """An `export` or `import` rate as a line of the goals."""
    memory = f", {rate.peak_mb:.0f} MB" if rate.unit == "cases" else ""
    limit = f"≥ {rate.goal:,} {rate.unit}/s" + (f", ≤ {EXPORT_MEMORY_MB} MB" if rate.unit == "cases" else "")
    return Verdict(f"{rate.label} of {rate.size:,} {rate.unit}", f"{rate.per_second:,.0f} {rate.unit}/s{memory}", limit, rate.met)


def report(run: Run, tables: list[Table], datasets: list[Dataset], rates: list[Rate] = ()) -> str:
    found = verdicts(tables)
    results = {verdict.of: verdict.met for verdict in found if verdict.of}
    found += [rate_verdict(rate) for rate in rates if rate.goal]
    lines = [
        *preamble(run),
        "## Goals",
        "",
        "| goal | measured | limit | met |",
        "|---|---|---|---|",
        *(f"| {verdict.goal} | {verdict.measured} | {verdict.limit} | {verdict.met} |" for verdict in found),
        "",
        f"Met: {sum(verdict.met == 'met' for verdict in found)} of {len(found)}.",
        "",
    ]
    for table in tables:
        lines += table_section(table, results)
    lines += section(list(rates))
    if run.postgres:
        lines += ["## PostgreSQL", "", run.postgres, ""]
    lines += generator_section(datasets)
    return "\n".join(lines)

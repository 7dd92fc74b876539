"""Data in and out: `export` and `import` timed as whole processes, as rates against their goals.

Cheap by design: each export runs once. At 10,000 cases each export format is timed, with no
goal (the start of the process weighs in so few). Two sheets of those cases are then imported
(IMPORT_ROUNDS rounds, each sheet in turn, the median kept), each into a new database made by
`init`: their CSV export, every field of every case (the round trip between two databases), and
a team's own sheet of the same cases (`team_sheet`: headed as examples/spreadsheet.csv heads
its columns, dates written dd/mm/yyyy), which is what a team brings across. At
1,000,000 cases, the size the goal is set at, two exports are timed: CSV, the default, and JSON,
which derives each case from its events. Each export writes its file in the work folder
(removed afterwards), as `--out` does; the imports are timed before the large exports, whose
gigabytes the system is still writing out for some seconds after.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import datasets
from timing import Run, Spawner

IMPORT_ROWS_A_SECOND = 5_000
EXPORT_CASES_A_SECOND = 20_000
EXPORT_MEMORY_MB = 100
EXPORT_GOAL_SIZE = 1_000_000  # the export goal is for a million cases
SHEET_SIZE = 10_000  # the database whose CSV export is the sheet imported
FORMATS = ("csv", "json", "jsonl")
LARGE_FORMATS = ("csv", "json")  # at EXPORT_GOAL_SIZE


# Imports timed, the median kept: an import takes a second or two, in which a shared machine's
# other work weighs more than in the long exports, each timed once.
IMPORT_ROUNDS = 7


@dataclass(frozen=True)
class Rate:
    """A timed run of `export` or `import` (for an import, the median of IMPORT_ROUNDS)."""

    label: str  # what was timed, e.g. "`export --format json`"
    size: int  # cases exported, or rows imported
    unit: str  # "cases" or "rows"
    run: Run
    goal: int | None  # the rate it must reach (a second); None where no goal is set
    error: str = ""  # its last line on stderr when it failed
    walls: tuple[float, ...] = ()  # every round's wall time, where there were several

    @property
    def per_second(self) -> float:
        return self.size / self.run.wall if self.run.wall else 0.0

    @property
    def peak_mb(self) -> float:
        return self.run.peak_kb / 1024

    @property
    def met(self) -> str:
        if self.goal is None:
            return "—"
        if self.run.code != 0:
            return f"not met: it failed (exit {self.run.code}: {self.error})"
        fast = self.per_second >= self.goal
        small = self.unit != "cases" or self.peak_mb <= EXPORT_MEMORY_MB
        return "met" if fast and small else "not met"


def timed(spawner: Spawner, argv: list[str], env: dict[str, str]) -> tuple[Run, str]:
    with tempfile.TemporaryDirectory() as folder:
        stderr = Path(folder) / "stderr"
        run = spawner.run(argv, env, stderr)
        lines = stderr.read_text(errors="replace").strip().splitlines() if run.code else []
    return run, lines[-1] if lines else ""


def export_rate(spawner: Spawner, cli: list[str], env: dict[str, str], size: int, fmt: str, out: Path) -> Rate:
    out.unlink(missing_ok=True)
    try:
        run, error = timed(spawner, [*cli, "export", "--format", fmt, "--out", str(out)], env)
    finally:
        if fmt != "csv" or size != SHEET_SIZE:
            out.unlink(missing_ok=True)
    goal = EXPORT_CASES_A_SECOND if size >= EXPORT_GOAL_SIZE else None
    return Rate(f"`export --format {fmt}`", size, "cases", run, goal, error)


def rates(kept: dict[int, datasets.Dataset], sizes: list[int], work: Path, command: list[str], env: dict[str, str], spawner: Spawner) -> list[Rate]:
    """Every export and the import, each timed once; none when the run has no 10,000 cases."""
    found: list[Rate] = []
    for size in sizes:
        if size != SHEET_SIZE and size != max(sizes):
            continue
        formats = FORMATS if size == SHEET_SIZE else LARGE_FORMATS
        print(f"timing export of {size:,} cases ({', '.join(formats)})…", file=sys.stderr, flush=True)
        sheet = work / f"sheet-{SHEET_SIZE}.csv"
        with datasets.working_copy(kept[size], work) as location:
            cli = [*command, "--db", str(location)]
            for fmt in formats:
                out = sheet if (size, fmt) == (SHEET_SIZE, "csv") else work / f"export-{size}.{fmt}"
                found.append(export_rate(spawner, cli, env, size, fmt, out))
        if sheet.exists():
            team = work / f"team-{SHEET_SIZE}.csv"
            rows = team_sheet(sheet, team)
            print(f"timing import of {SHEET_SIZE:,} rows, an export's and a team's…", file=sys.stderr, flush=True)
            found += import_rates(
                spawner, [("`import EXPORT.csv` (every field)", sheet, SHEET_SIZE), ("`import TEAM.csv` (a team's columns)", team, rows)],
                work, command, env,
            )
            sheet.unlink()
            team.unlink()
    return found


# A team's sheet, headed as examples/spreadsheet.csv heads its columns (without its notes, with
# the days extended, compensation, late reason and stage 2 reasons a team keeps too): each
# heading with the export's column it is made from.
TEAM_COLUMNS = {
    "Ref": "reference", "Date received": "received_on", "Complainant": "name", "Email": "email", "Phone": "phone",
    "Service": "service", "Category": "category", "Details": "summary", "Type": "type", "Ack date": "stage1_acknowledged_on",
    "Officer": "stage1_handler", "Days extended": "stage1_extension_days", "Response date": "stage1_closed_on",
    "Outcome": "stage1_outcome", "Reasons": "stage1_reasons", "Compensation": "stage1_compensation",
    "Stage 2 requested": "stage2_received_on", "Late reason": "stage2_late_reason", "Stage 2 acknowledged": "stage2_acknowledged_on",
    "Stage 2 handler": "stage2_handler", "Stage 2 closed": "stage2_closed_on", "Stage 2 outcome": "stage2_outcome",
    "Stage 2 reasons": "stage2_reasons",
}


def team_sheet(export: Path, out: Path) -> int:
    """The rows of `export` (a CSV export) as a team keeps them (TEAM_COLUMNS), each date as
    dd/mm/yyyy; how many rows it has."""
    count = 0
    with export.open(encoding="utf-8", newline="") as source, out.open("w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target)
        writer.writerow(TEAM_COLUMNS)
        for row in csv.DictReader(source):
            cells = [row[column] for column in TEAM_COLUMNS.values()]
            writer.writerow([f"{cell[8:10]}/{cell[5:7]}/{cell[:4]}" if _iso_date(cell) else cell for cell in cells])
            count += 1
    return count


def _iso_date(cell: str) -> bool:
    return len(cell) == 10 and cell[4] == cell[7] == "-" and cell[:4].isdigit()


def import_rates(
    spawner: Spawner, sheets: list[tuple[str, Path, int]], work: Path, command: list[str], env: dict[str, str]
) -> list[Rate]:
    """Each sheet (label, file, rows) imported into a database just made by `init`, under a chain
    key kept in the work folder: IMPORT_ROUNDS rounds, each importing every sheet in turn, each
    into a new database (so that drift of the machine falls on the sheets alike); the median
    round of each kept (a failed round is kept at once, and its sheet timed no more)."""
    runs: dict[str, list[Run]] = {label: [] for label, _, _ in sheets}
    failed: dict[str, Rate] = {}
    for _ in range(IMPORT_ROUNDS):
        for label, sheet, rows in sheets:
            if label in failed:
                continue
            run, error = _imported(spawner, sheet, work, command, env)
            if run.code != 0:
                failed[label] = Rate(label, rows, "rows", run, IMPORT_ROWS_A_SECOND, error)
            else:
                runs[label].append(run)
    rates = []
    for label, _, rows in sheets:
        if label in failed:
            rates.append(failed[label])
            continue
        timed_runs = sorted(runs[label], key=lambda run: run.wall)
        median = timed_runs[len(timed_runs) // 2]
        rates.append(Rate(label, rows, "rows", median, IMPORT_ROWS_A_SECOND, walls=tuple(run.wall for run in timed_runs)))
    return rates


def _imported(spawner: Spawner, sheet: Path, work: Path, command: list[str], env: dict[str, str]) -> tuple[Run, str]:
    database = work / "imported.db"
    for old in work.glob("imported.db*"):
        old.unlink()
    keyed = {**env, "COMPLAINTCTL_KEY_FILE": str(work / "imported.key")}
    subprocess.run([*command, "--db", str(database), "init"], check=True, capture_output=True, env=keyed)
    try:
        return timed(spawner, [*command, "--db", str(database), "import", str(sheet)], keyed)
    finally:
        for old in work.glob("imported.db*"):
            os.unlink(old)


def section(found: list[Rate]) -> list[str]:
    if not found:
        return []
    lines = [
        "## Data in and out",
        "",
        (
            f"Each export timed once as a whole process. Goals: `import` at least {IMPORT_ROWS_A_SECOND:,} rows a second;"
            f" `export` of {EXPORT_GOAL_SIZE:,} cases at least {EXPORT_CASES_A_SECOND:,} a second in at most {EXPORT_MEMORY_MB} MB. Two"
            f" sheets of the {SHEET_SIZE:,} cases are imported, each into a database made by `init`, in {IMPORT_ROUNDS} rounds that import each in turn: their CSV"
            " export (every field of every case, as between two databases) and a team's own sheet of them (headed as"
            " examples/spreadsheet.csv, dates dd/mm/yyyy). The median is given, and below the table every round."
        ),
        "",
        "| command | of | wall | CPU | a second | peak memory | goal | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for rate in found:
        memory = f", ≤ {EXPORT_MEMORY_MB} MB" if rate.unit == "cases" else ""
        goal = f"≥ {rate.goal:,} {rate.unit}/s{memory}" if rate.goal else "—"
        lines.append(
            f"| {rate.label} | {rate.size:,} {rate.unit} | {rate.run.wall:.2f} s | {rate.run.cpu:.2f} s | {rate.per_second:,.0f} |"
            f" {rate.peak_mb:.0f} MB | {goal} | {rate.met} |"
        )
    lines.append("")
    for rate in found:
        if rate.walls:
            rounds = ", ".join(f"{rate.size / wall:,.0f}" for wall in rate.walls)
            lines += [f"{rate.label}, every round ({rate.unit} a second, quickest first): {rounds}.", ""]
    return lines

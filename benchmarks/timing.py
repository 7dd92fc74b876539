"""Whole-process timings: each command started as its own process, the commands taking turns.

A figure is the median wall-clock time of repeated runs after one warm-up. The commands of one
table run in turns (each round runs every command once, starting one further along each time),
so a burst of load from elsewhere on a shared machine falls on all of them alike and the ratios
between them stay honest. The peak memory is the largest resident size any of the runs reached,
from wait4's rusage of that child, started by spawner.py so that the figure is the command's own.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

SPAWNER = Path(__file__).resolve().parent / "spawner.py"
Argv = Sequence[str]


@dataclass(frozen=True)
class Run:
    wall: float  # seconds from start to exit
    cpu: float  # user + system seconds
    code: int  # exit status
    peak_kb: int  # largest resident size


@dataclass(frozen=True)
class Measure:
    median: float
    cpu: float  # median CPU seconds
    peak_mb: float
    failures: tuple[int, ...]  # exit codes of the timed runs that failed, none when all succeeded
    error: str  # the first failing run's last line on stderr

    @property
    def ok(self) -> bool:
        return not self.failures


class Spawner:
    """spawner.py, running beside the harness for as long as the `with` block lasts."""

    def __enter__(self) -> Spawner:
        self.process = subprocess.Popen(
            [sys.executable, "-S", str(SPAWNER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        return self

    def run(self, argv: Argv, env: dict[str, str], stderr: Path) -> Run:
        self.process.stdin.write(json.dumps({"argv": list(argv), "env": env, "stderr": str(stderr)}) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError("benchmarks/spawner.py stopped")
        return Run(**json.loads(answer))

    def __exit__(self, *_) -> None:
        self.process.stdin.close()
        self.process.wait()


class Job:
    """One command to time: the same command line every run, or `command(i)` for run i.

    A write that needs a case in a given state takes a function, so that each run (the warm-up
    being run 0) works on a case of its own.
    """

    def __init__(self, command: Argv | Callable[[int], Argv], env: dict[str, str], ok: Sequence[int] = (0,)) -> None:
        self.command, self.env, self.ok = command, env, tuple(ok)
        self.runs: list[Run] = []
        self.started = 0
        self.error = ""

    def run(self, spawner: Spawner, stderr: Path) -> None:
        command = self.command(self.started) if callable(self.command) else self.command
        self.started += 1
        result = spawner.run(command, self.env, stderr)
        if result.code not in self.ok and not self.error:
            lines = stderr.read_text(errors="replace").strip().splitlines()
            self.error = lines[-1] if lines else "(nothing on stderr)"
        self.runs.append(result)

    def measure(self) -> Measure:
        failures = tuple(sorted({run.code for run in self.runs} - set(self.ok)))
        return Measure(
            median=statistics.median(run.wall for run in self.runs),
            cpu=statistics.median(run.cpu for run in self.runs),
            peak_mb=max(run.peak_kb for run in self.runs) / 1024,
            failures=failures,
            error=self.error if failures else "",
        )


def take_turns(jobs: dict[str, Job], repeat: int, what: str, spawner: Spawner) -> dict[str, Measure]:
    """Runs every job once to warm up, then `repeat` rounds of every job once each."""
    order = list(jobs.values())
    with tempfile.TemporaryDirectory() as folder:
        stderr = Path(folder) / "stderr"
        for job in order:
            job.run(spawner, stderr)
            job.runs.clear()
            job.error = ""
        for number in range(repeat):
            print(f"  {what}: round {number + 1} of {repeat}", file=sys.stderr, flush=True)
            start = number % len(order)
            for job in order[start:] + order[:start]:
                job.run(spawner, stderr)
    return {key: job.measure() for key, job in jobs.items()}

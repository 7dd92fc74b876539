"""taskwarrior (`task`, from Debian) as the yardstick: installed when missing, given N pending tasks.

The tasks are written straight into its data file, as `task add` would leave them, with entry
dates over the last three months and due dates from twenty days ago to forty days ahead, so
about a third are overdue. The file is written anew for each run: `task add` grows it.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import time
import uuid
from pathlib import Path


def installed() -> tuple[bool, str]:
    """Whether `task` can be run, and a sentence saying which one or why not."""
    if shutil.which("task") is None:
        problem = install()
        if problem:
            return False, f"taskwarrior could not be installed: {problem}"
        how = "installed by this run with `apt-get install taskwarrior`"
    else:
        how = "already installed"
    version = subprocess.run(["task", "--version"], check=False, capture_output=True, text=True).stdout.strip()
    return True, f"taskwarrior {version} ({how})"


def install() -> str:
    """Installs Debian's taskwarrior quietly; returns what stopped it, or "" when it worked."""
    if os.geteuid() != 0:
        return "not running as root"
    if shutil.which("apt-get") is None:
        return "no apt-get on this machine"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-q", "taskwarrior"]
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    if done.returncode != 0:  # the package lists may be missing or stale
        subprocess.run(["apt-get", "update", "-q"], check=False, capture_output=True, env=env, stdin=subprocess.DEVNULL)
        done = subprocess.run(command, check=False, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    if done.returncode != 0 or shutil.which("task") is None:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return f"`apt-get install taskwarrior` failed: {lines[-1] if lines else f'exit {done.returncode}'}"
    return ""


def with_tasks(work: Path, size: int, base_env: dict[str, str]) -> dict[str, str]:
    """The environment for `task` to run on `size` pending tasks of its own."""
    folder = work / f"task-{size}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(size)
    now = int(time.time())
    with open(folder / "pending.data", "w") as handle:
        for number in range(size):
            entry = now - rng.randint(1, 90) * 86400
            due = now + rng.randint(-20, 40) * 86400
            handle.write(
                f'[description:"Complaint {number + 1}: respond to the complainant" due:"{due}" entry:"{entry}" '
                f'modified:"{entry}" project:"complaints" status:"pending" uuid:"{uuid.UUID(int=rng.getrandbits(128), version=4)}"]\n'
            )
    for name in ("completed.data", "undo.data", "backlog.data"):
        (folder / name).touch()
    rc = work / f"taskrc-{size}"
    rc.write_text(
        f"data.location={folder}\nconfirmation=off\nverbose=nothing\ngc=off\nrecurrence=off\nhooks=off\n"
        "search.case.sensitive=no\ndefaultwidth=120\nnews.version=99.0.0\n"
    )
    return {**base_env, "TASKRC": str(rc), "TASKDATA": str(folder)}

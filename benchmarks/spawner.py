"""Starts each timed process for timing.py, from a process that stays small.

On Linux a child's peak resident size starts from that of the process that started it (until
exec it shares or copies its memory), so wait4 would report the harness's own size for any
command smaller than the harness: the harness grows (PostgreSQL's driver, the copied rows), a
command does not. This process imports next to nothing (run it with `python -S`), so the peak
it reports is the command's own.

One request a line on stdin, {"argv": [...], "env": {...}, "stderr": PATH}; one answer a line
on stdout, {"wall": seconds, "cpu": seconds, "code": exit status, "peak_kb": kilobytes}.
"""

import json
import os
import sys
import time


def run(argv: list[str], env: dict[str, str], stderr: str) -> dict:
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
    ]
    started = time.perf_counter()
    try:
        pid = os.posix_spawnp(argv[0], argv, env, file_actions=actions)
    except OSError as problem:
        with open(stderr, "w") as errors:
            errors.write(f"{argv[0]}: {problem.strerror}\n")
        return {"wall": 0.0, "cpu": 0.0, "code": 127, "peak_kb": 0}
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "code": os.waitstatus_to_exitcode(status), "peak_kb": usage.ru_maxrss}


def main() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        print(json.dumps(run(request["argv"], request["env"], request["stderr"])), flush=True)


if __name__ == "__main__":
    main()

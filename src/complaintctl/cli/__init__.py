"""The command line: thin commands that parse, call one service or report, and render.

`runtime` holds the app; `process_settings` the settings resolved once per process, `refusals` the
one-line errors; `options` the option callbacks and `results` what a step prints. Each other
module registers one group of commands on the app when imported: `setup` (init), `steps` (log,
acknowledge, extend, update, close, escalate, note), `corrections` (amend, void), `team` (officer
add/list/retire, assign), `restrictions` (restrict, restrict list/end), `cases` (show, list),
`explain`, `pack`, `actions`, `workdays`, `integrity` (verify, backup), `letters`, `overdue`,
`records` (ombudsman, survey, learning), `reports`, `dataio` (export, import) and `shell` (over
`session`); `commands` names the module of each command. `lane` runs the commonest command
lines (`show`, `log`, `list --json`, `letter`) without Typer, through `bodies`, what those
commands do. The console script (`main`) imports only the module of the command it runs; `app`,
asked for here, has every command. Nothing outside this package imports from it but the entry points.
"""

import gc
import sys

# Start-up makes a few hundred thousand objects that live as long as the process (modules,
# classes, the command tree), and the collector would walk them over and over while they are
# made. It runs rarely until the command is about to run, and then as it was.
GC_THRESHOLD = gc.get_threshold()
gc.set_threshold(100_000, 50, 100)

from complaintctl.cli.process_settings import settings  # noqa: E402 - after the collector's threshold is raised


def start_collecting() -> None:
    """What start-up made lives until the process ends: never collected, and never walked again.
    The command runs with the collector as it was."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def main() -> None:
    """The `complaintctl` console script: the lane when it reads the command line, else Typer,
    importing and building only the command it runs."""
    from complaintctl.cli import lane

    if lane.run(sys.argv[1:], start_collecting):
        return
    from complaintctl.cli import runtime

    runtime.main()


def __getattr__(name: str):
    """`app` with every command registered (for the tests, and anything that runs any command)."""
    if name == "app":
        from complaintctl.cli import commands, runtime

        commands.register(None)
        runtime.use_plain_help()
        return runtime.app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main", "settings"]

"""The command line: thin commands that parse, call one service or report, and render.

`runtime` holds the app, the settings resolved once per process and the one-line errors;
each other module registers one group of commands on the app when imported.
"""

from complaintctl.cli import (  # noqa: F401  (each registers its commands on the app)
    integrity_commands,
    letters_commands,
    overdue_commands,
    records_commands,
    reports_commands,
    shell_commands,
)
from complaintctl.cli.runtime import app, main, settings

__all__ = ["app", "main", "settings"]

"""The command line: thin commands that parse, call one service or report, and render.

`runtime` holds the app, the settings resolved once per process and the one-line errors;
each other module registers one group of commands on the app when imported.
"""

from complaintctl.cli import (  # noqa: F401  (each registers its commands on the app)
    integrity,
    letters,
    overdue,
    records,
    reports,
    shell,
)
from complaintctl.cli.runtime import app, main, settings

__all__ = ["app", "main", "settings"]

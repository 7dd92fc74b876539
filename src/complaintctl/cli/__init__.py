"""The command line: thin commands that parse, call one service or report, and render.

`runtime` holds the app, the settings resolved once per process and the one-line errors;
`options` the option callbacks and `results` what a step prints. Each other module registers
one group of commands on the app when imported: `setup` (init), `steps` (log, acknowledge,
extend, update, close, escalate, note), `corrections` (amend, void), `team` (officer add/list/retire,
assign), `cases` (show, list), `explain`, `actions`, `workdays`,
`integrity` (verify, backup), `letters`, `overdue`, `records` (ombudsman, survey, learning),
`reports`, `dataio` (export, import) and `shell` (over `session`). Nothing outside this package imports from it but the
entry points.
"""

# The order of these imports is the order `--help` lists the commands in; keep it.
# isort: off
from complaintctl.cli import setup  # noqa: F401  (each registers its commands on the app)
from complaintctl.cli import steps  # noqa: F401
from complaintctl.cli import corrections  # noqa: F401
from complaintctl.cli import team  # noqa: F401
from complaintctl.cli import cases  # noqa: F401
from complaintctl.cli import explain  # noqa: F401
from complaintctl.cli import actions  # noqa: F401
from complaintctl.cli import workdays  # noqa: F401
from complaintctl.cli import integrity  # noqa: F401
from complaintctl.cli import letters  # noqa: F401
from complaintctl.cli import overdue  # noqa: F401
from complaintctl.cli import records  # noqa: F401
from complaintctl.cli import reports  # noqa: F401
from complaintctl.cli import dataio  # noqa: F401
from complaintctl.cli import shell  # noqa: F401
# isort: on
from complaintctl.cli.coercion import use_plain_values
from complaintctl.cli.runtime import app, main, settings

use_plain_values()

__all__ = ["app", "main", "settings"]

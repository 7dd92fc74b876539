"""Which module of `cli/` registers each command, so that a process imports only the one it runs.

A command module registers its commands on the app when it is imported. Importing all of them
costs more than the command itself, so the console script imports the module of the command on
its command line alone; the top-level help, an unknown name and `shell` (which runs any command)
import them all, in the order of this table, which is the order `--help` lists them in.

A new command (or command group) is one line here, naming the module its function is in;
tests/test_startup.py checks that this table and the modules agree.
"""

import importlib
from typing import Optional

# isort: off
MODULES = {
    "init": "setup",
    "log": "steps",
    "acknowledge": "steps",
    "extend": "steps",
    "update": "steps",
    "close": "steps",
    "escalate": "steps",
    "note": "steps",
    "amend": "corrections",
    "void": "corrections",
    "officer": "team",
    "assign": "team",
    "restrict": "restrictions",
    "show": "cases",
    "list": "cases",
    "explain": "explain",
    "pack": "pack",
    "sar": "sar",
    "hold": "retention",
    "retention": "retention",
    "action": "actions",
    "workdays": "workdays",
    "verify": "integrity",
    "backup": "integrity",
    "letter": "letters",
    "overdue": "overdue",
    "survey": "records",
    "learning": "records",
    "ombudsman": "records",
    "report": "reports",
    "export": "dataio",
    "import": "dataio",
    "shell": "shell",
}
# isort: on


def register(name: Optional[str]) -> None:
    """Import the module that registers the command `name`; every module when `name` is None
    (the top-level help), unknown (click then says so) or `shell`."""
    module = MODULES.get(name) if name and name != "shell" else None
    for module in [module] if module is not None else dict.fromkeys(MODULES.values()):
        importlib.import_module(f"complaintctl.cli.{module}")

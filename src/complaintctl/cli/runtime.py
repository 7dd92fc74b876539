"""The app, the settings resolved once per process, and one-line errors.

Every command module registers its commands on `app` when imported (see `cli/__init__.py`),
asks `settings` for today, the policy and the database, and wraps its function in `handled`
so that any refusal is one `Error: …` line and an exit code, never a traceback.

Start-up is kept light: the database, templating and holiday libraries are imported inside the
commands that use them, never at module level. The command modules do not postpone their
annotations (no `from __future__ import annotations`): Typer reads every command's signature at
each start, and annotations kept as strings would be compiled again each time.
"""

import functools
import os
import sys
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Optional

import typer

from complaintctl import __version__
from complaintctl.clock import today_in_london
from complaintctl.domain.text import ONE_LINE, problem
from complaintctl.errors import EXIT_REFUSED, ComplaintError, InvalidInput

if TYPE_CHECKING:
    from complaintctl.services.context import Context

try:
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
except ImportError:  # Typer releases that use click itself
    from click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup


class OneLineErrors(TyperGroup):
    """A malformed command line is one `Error: …` line and exit 2, like every other refusal."""

    def make_context(self, *args, **kwargs):
        with _one_line_usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with _one_line_usage_errors():
            return super().invoke(ctx)


class _one_line_usage_errors:
    def __enter__(self):
        return self

    def __exit__(self, kind, error, _traceback):
        if not isinstance(error, UsageError) or isinstance(error, NoArgsIsHelpError):
            return False
        hint = f"; see '{error.ctx.command_path} --help'" if error.ctx is not None else ""
        message = " ".join(error.format_message().split()).rstrip(".")
        sys.stderr.write(f"Error: {message}{hint}\n")
        raise typer.Exit(error.exit_code) from None


app = typer.Typer(
    cls=OneLineErrors,
    name="complaintctl",
    help="Run the statutory two-stage complaints process: log, acknowledge, extend, close, escalate; "
    "working-day deadlines, letters and reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@dataclass
class Settings:
    """The global options, and what follows from them: today, the policy, the database."""

    db: Optional[str] = None
    config: Optional[str] = None
    officer: Optional[str] = None
    _today: Optional[date] = None

    @property
    def today(self) -> date:
        if self._today is None:
            self._today = today_in_london()
        return self._today

    def database(self) -> str:
        if self.db:
            return self.db
        from complaintctl.storage.locations import default_database_path

        return str(default_database_path())

    def officer_name(self) -> str:
        """`--officer` (checked as it was parsed), else the login name, held to the same rule."""
        if self.officer and self.officer.strip():
            return " ".join(self.officer.split())
        import getpass

        try:
            login = getpass.getuser()
        except (KeyError, OSError):
            return "unknown"
        found = problem(login, ONE_LINE)
        if found is not None:
            raise InvalidInput(f"the login name {found}; say who is recording with --officer NAME")
        return login

    def policy(self):
        from complaintctl.domain import policy

        return policy.load(self.config)

    def context(self, *, create: bool = False) -> "Context":
        """Open the database (or, with `create`, create it) with the policy; cases whose
        deadlines moved are re-derived."""
        from complaintctl.clock import now_utc
        from complaintctl.services.context import Context
        from complaintctl.services import sync_policy
        from complaintctl.storage.store import Store

        chosen = self.policy()
        store = (Store.create if create else Store.open)(self.database())
        context = Context(
            store=store,
            policy=chosen,
            calendar=chosen.calendar(),
            officer=self.officer_name(),
            today=self.today,
            now=now_utc(),
        )
        sync_policy(context)
        return context

    def reading_context(self) -> "Context":
        """A Context for commands that only read: a SQLite file with nothing to migrate or
        re-derive is read through sqlite3 alone, without importing the ORM (see storage.reader)."""
        from complaintctl.storage.reader import open_reader

        chosen = self.policy()
        reader = open_reader(self.database(), chosen.fingerprint())
        if reader is None:
            return self.context()
        from complaintctl.clock import now_utc
        from complaintctl.services.context import Context

        return Context(reader, chosen, chosen.calendar(), self.officer_name(), self.today, now_utc())


settings = Settings()


def handled(command):
    """Turn a refusal into one line on stderr and its exit code, never a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
            sys.stdout.flush()  # so that a closed pipe is met here, where it is handled
            return result
        except ComplaintError as error:
            fail(str(error), error.exit_code)
        except (typer.Exit, typer.Abort, SystemExit, UsageError):
            raise
        except KeyboardInterrupt:
            fail("interrupted; nothing was recorded by the unfinished command", EXIT_REFUSED)
        except BrokenPipeError:
            # The reader stopped early (`| head`): what it read was right, so this is no failure.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except Exception as error:  # noqa: BLE001 - the contract is no tracebacks
            if os.environ.get("COMPLAINTCTL_DEBUG"):
                raise
            origin = type(error).__module__.split(".")[0]
            if origin in ("sqlalchemy", "sqlite3", "psycopg"):
                detail = str(getattr(error, "orig", error)).splitlines()[0]
                if "file is not a database" in detail or "file is encrypted" in detail:
                    fail(f"{settings.db or 'the database'} is not a complaintctl database ({detail}); check --db or COMPLAINTCTL_DB", EXIT_REFUSED)
                fail(f"database problem: {detail}; nothing was changed, try again", EXIT_REFUSED)
            if isinstance(error, OSError) and error.strerror:
                where = f" {error.filename}" if error.filename else ""
                fail(f"could not read or write{where}: {error.strerror}; free space or fix permissions and run it again", EXIT_REFUSED)
            fail(f"unexpected {type(error).__name__}: {error}; set COMPLAINTCTL_DEBUG=1 to see where", EXIT_REFUSED)

    return run


def fail(message: str, code: int = EXIT_REFUSED):
    """Stop the command with `Error: message` on stderr and the exit code."""
    from complaintctl.output.render import printable

    sys.stderr.write(f"Error: {printable(' '.join(message.split()))}\n")
    raise typer.Exit(code)


def _officer_value(param: typer.CallbackParam, value: Optional[str]) -> Optional[str]:
    """`--officer` or COMPLAINTCTL_OFFICER: one line of at most 200 characters, like every name
    (see `domain.text`), refused before any command runs. The error names both."""
    found = None if value is None else problem(value, ONE_LINE)
    if found is not None:
        raise typer.BadParameter(found, param=param)
    return value


def _version(value: bool) -> None:
    if value:
        typer.echo(f"complaintctl {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Optional[str] = typer.Option(None, "--db", envvar="COMPLAINTCTL_DB", help="SQLite file, or a postgresql+psycopg:// URL."),
    config: Optional[str] = typer.Option(None, "--config", envvar="COMPLAINTCTL_CONFIG", help="Policy file (TOML)."),
    officer: Optional[str] = typer.Option(None, "--officer", envvar="COMPLAINTCTL_OFFICER", callback=_officer_value, help="Who is recording (default: login name)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    settings.db = db
    settings.config = config
    settings.officer = officer
    settings._today = None


# The global options that take a value: the word after one of them is not the command.
VALUED_OPTIONS = ("--db", "--config", "--officer")


def invoked_command(arguments: list[str]) -> Optional[str]:
    """The command a command line runs, or None when it names none (`--help`, `--version`)."""
    after_option = False
    for word in arguments:
        if after_option:
            after_option = False
        elif word in VALUED_OPTIONS:
            after_option = True
        elif not word.startswith("-"):
            return word
    return None


def build_only(name: Optional[str]) -> None:
    """Keep on the app only the command (or group) `name`, when it is one.

    Typer turns every registered command into a click command each time it starts, reading
    every signature; a process runs one command, so only that one is built. The top-level help,
    an unknown name (which click then reports with the list) and `shell` (which runs any
    command) keep them all.
    """
    if name is None or name == "shell":
        return
    commands = [info for info in app.registered_commands if (info.name or info.callback.__name__.replace("_", "-")) == name]
    groups = [info for info in app.registered_groups if info.name == name]
    if commands or groups:
        app.registered_commands[:] = commands
        app.registered_groups[:] = groups


def main() -> None:
    """The `complaintctl` console script."""
    build_only(invoked_command(sys.argv[1:]))
    app(prog_name="complaintctl")



"""The app, the settings resolved once per process, and one-line errors.

Every command module registers its commands on `app` when imported (see `cli/__init__.py`),
asks `settings` for today, the policy and the database, and wraps its function in `handled`
so that any refusal is one `Error: …` line and an exit code, never a traceback.

Start-up is kept light: the database, templating and holiday libraries are imported inside the
commands that use them, never at module level. The command modules do not postpone their
annotations (no `from __future__ import annotations`): Typer reads every command's signature at
each start, and annotations kept as strings would be compiled again each time.
"""

import errno
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
    from complaintctl.domain.officers import Roster
    from complaintctl.domain.policy import Policy
    from complaintctl.services.context import Context, Database

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
        message = brief(error.format_message()).rstrip(".")
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
    """The global options, and what follows from them: today, the policy, the database.

    The policy: the database remembers its own (SPEC §10). A command without --config works
    under the latest version the database stored; one with --config whose file differs from it
    stores the file as a new version first, whatever the command (a `show` too: every command
    then gives the same answer), and says so in one line on stderr. Nothing is kept between
    processes: each command reads the stored versions again.
    """

    db: Optional[str] = None
    config: Optional[str] = None
    officer: Optional[str] = None
    _today: Optional[date] = None
    # The context this command opened, whose policy its letters are written under.
    _context: Optional["Context"] = None

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

    def given_policy(self) -> "Optional[Policy]":
        """The policy file of --config (or COMPLAINTCTL_CONFIG); None when none was given."""
        if not self.config:
            return None
        from complaintctl.domain import policy

        return policy.load(self.config)

    def policy(self) -> "Policy":
        """The policy this command works under: its database's once opened; else the file of
        --config, the policy stored in the database, or (with no database) the built-in one."""
        if self._context is not None:
            return self._context.policy
        given = self.given_policy()
        if given is not None:
            return given
        from complaintctl.storage.locations import is_url

        location = self.database()
        if is_url(location) or os.path.isfile(location):
            return self.reading_context().policy
        from complaintctl.domain import policy

        return policy.load(None)

    def roster(self) -> "Roster":
        """The team roster: as this command's step read it, else as the database holds it now."""
        from complaintctl import services

        return services.roster(self._context if self._context is not None else self.reading_context())

    def context(self, *, create: bool = False, policy: "Optional[Policy]" = None) -> "Context":
        """Open the database (or, with `create`, create it) under its policy: the one given
        (`policy`, else --config), stored as a new version when it differs from the stored one,
        or else the stored one (a database without one stores the built-in policy).

        A SQLite file with nothing to migrate and no policy to store is written through sqlite3
        alone, without importing the ORM (see storage.writer); the full store does the rest."""
        given = policy or self.given_policy()
        if not create:
            from complaintctl.storage.writer import open_writer

            writer = open_writer(self.database(), given.fingerprint() if given is not None else None)
            if writer is not None:
                return self._context_as_stored(writer, given)
        from complaintctl.clock import now_utc
        from complaintctl import services
        from complaintctl.services.context import Context
        from complaintctl.storage.store import Store

        store = (Store.create if create else Store.open)(self.database())
        officer, now = self.officer_name(), now_utc()
        history = None if given is not None or create else services.stored_policy(store)
        if history is not None:
            latest = history.latest
            context = Context(store, latest.policy, latest.calendar, officer, self.today, now, history)
        else:
            if given is None:
                from complaintctl.domain import policy as policies

                given = policies.load(None)
            context = Context(store, given, given.calendar(), officer, self.today, now)
            change = services.sync_policy(context)
            if change is not None and not create:
                _say_stored(change, given)
        self._context = context
        return context

    def reading_context(self) -> "Context":
        """A Context for commands that only read: a SQLite file with nothing to migrate and no
        policy to store is read through sqlite3 alone, without importing the ORM (see storage.reader)."""
        from complaintctl.storage.reader import open_reader

        given = self.given_policy()
        reader = open_reader(self.database(), given.fingerprint() if given is not None else None)
        if reader is None:
            return self.context()
        return self._context_as_stored(reader, given)

    def _context_as_stored(self, database: "Database", given: "Optional[Policy]") -> "Context":
        """The Context on a database whose latest stored policy is the one in force: `given`,
        the same policy by its fingerprint, or the stored one when none was given."""
        from complaintctl.clock import now_utc
        from complaintctl.domain.policy import PolicyHistory
        from complaintctl.services.context import Context

        with database.reading() as tx:
            history = PolicyHistory(tx.policy_versions())
        latest = history.latest
        chosen, calendar = (given, given.calendar()) if given is not None else (latest.policy, latest.calendar)
        self._context = Context(database, chosen, calendar, self.officer_name(), self.today, now_utc(), history)
        return self._context


def _say_stored(change, given) -> None:
    """One line on stderr: the policy given was stored as a new version, and what changed."""
    if not change.changed:
        sys.stderr.write(f"Policy stored for this database (version {change.version}), from {given.source}\n")
        return
    shown = ", ".join(change.changed[:6]) + (f" and {len(change.changed) - 6} more" if len(change.changed) > 6 else "")
    sys.stderr.write(f"Policy changed (version {change.version}): {shown}; stored for this database\n")


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
            if isinstance(error, OSError) and error.errno == errno.ENAMETOOLONG:
                fail(f"could not use {error.filename or 'a file'} (the name is too long); choose a shorter path", EXIT_REFUSED)
            if isinstance(error, OSError) and error.strerror:
                where = f" {error.filename}" if error.filename else ""
                fail(f"could not read or write{where}: {error.strerror}; free space or fix permissions and run it again", EXIT_REFUSED)
            fail(f"unexpected {type(error).__name__}: {error}; set COMPLAINTCTL_DEBUG=1 to see where", EXIT_REFUSED)

    return run


def fail(message: str, code: int = EXIT_REFUSED):
    """Stop the command with `Error: message` on stderr and the exit code."""
    from complaintctl.output.render import printable

    sys.stderr.write(f"Error: {printable(brief(message))}\n")
    raise typer.Exit(code)


# A word of a message longer than LONGEST_WORD (a path of 100,000 characters), or a message longer
# than LONGEST_MESSAGE (a shell line's 50,000 extra arguments), is shown by its two ends: a
# refusal stays one line a person can read.
LONGEST_WORD = 300
LONGEST_MESSAGE = 2000


def _ends(text: str, head: int, tail: int) -> str:
    return f"{text[:head]}…{text[-tail:]} ({len(text):,} characters)"


def brief(message: str) -> str:
    """`message` on one line, an over-long word or message shown by its two ends."""
    words = [word if len(word) <= LONGEST_WORD else _ends(word, 200, 60) for word in message.split()]
    joined = " ".join(words)
    return joined if len(joined) <= LONGEST_MESSAGE else _ends(joined, 1500, 300)


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
    settings._context = None


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



"""The settings one process of the command line resolves once: the global options, and what
follows from them (today, the policy, the database).

Free of Typer, like `refusals`: the lane (cli/lane.py) runs the commonest commands with these
alone, and Typer's app (cli/runtime.py) fills the same `settings` from its global options.
"""

import os
import sys
from datetime import date
from typing import TYPE_CHECKING, Optional

from complaintctl.clock import today_in_london
from complaintctl.domain.text import ONE_LINE, problem
from complaintctl.errors import InvalidInput

if TYPE_CHECKING:
    from complaintctl.domain.officers import Roster
    from complaintctl.domain.policy import Policy
    from complaintctl.services.context import Context, Database


class Settings:
    """The global options, and what follows from them: today, the policy, the database. (One
    per process, starting from the values below: a plain class, as it needs nothing a dataclass
    would write, and each command's start-up would pay for writing it.)

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
    # Commands run inside `shell`, where messages speak of `help` rather than `complaintctl --help`.
    in_shell: bool = False

    def start(self, db: Optional[str], config: Optional[str], officer: Optional[str]) -> None:
        """A command begins: its global options, and nothing kept from one run before it."""
        self.db, self.config, self.officer = db, config, officer
        self._today = None
        self._context = None

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

    def opened_context(self) -> "Context":
        """The Context this command opened, else one for reading."""
        return self._context if self._context is not None else self.reading_context()

    def reading_context(self) -> "Context":
        """A Context for commands that only read: a SQLite file with nothing to migrate and no
        policy to store is read through sqlite3 alone, without importing the ORM (see storage.reader)."""
        from complaintctl.storage.reader import open_reader

        given = self.given_policy()
        reader = open_reader(self.database(), given.fingerprint() if given is not None else None)
        if reader is None:
            return self.context()
        return self._context_as_stored(reader, given)

    def reading_database(self) -> "Database":
        """The database alone, for a command that reads no policy, calendar or officer (`list`):
        the file through sqlite3 when it can be read as it is and no --config was given; else
        the store of `reading_context` (which stores a --config policy first, as every command
        does)."""
        if not self.config:
            from complaintctl.storage.reader import open_reader

            reader = open_reader(self.database())
            if reader is not None:
                return reader
        return self.reading_context().store

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

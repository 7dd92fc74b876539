"""The team roster: who may handle cases and record steps, and how a typed name finds them. Pure.

While the roster is empty, handlers and officers are free text, as typed. Once it has officers,
a name typed on the command line (`--handler`, `--officer`) must find one of them: by login, by
full name, or by the start of either when only one officer's does (case and spacing aside). What
is recorded is then the officer's full name, the same however they were typed, so `priya.shah`
and `Priya Shah` are one officer. A name recorded before the roster existed is matched exactly
(by login or full name, never by its start), so a login typed into an old case still counts as
that officer.

Names and logins are unique across the roster, retired officers included: a retired officer is
kept, so that the cases they handled still name them, but is given no new case or step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from complaintctl.errors import InvalidInput, RuleViolation

if TYPE_CHECKING:
    from complaintctl.domain.case import Case

# How many names a refusal lists before it says how many more there are.
NAMES_LISTED = 12


def name_key(text: str) -> str:
    """A name or login as it is compared: case and runs of spaces do not count."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Officer:
    """A member of the team.

    id:         the roster's number for the officer, never reused
    name:       the full name, as cases, letters and `show` give it
    login:      the account name they record under (COMPLAINTCTL_OFFICER defaults to it); optional
    email:      their work address; optional
    roles:      some of vocabulary.OFFICER_ROLES
    added_at:   when they were added to the roster, and `added_by` who added them
    retired_at: when they left it (None while they are on it), and `retired_by` who retired them
    roles_changed_at: when their roles were last changed (None if never since they were added),
                and `roles_changed_by` who changed them
    """

    id: int
    name: str
    login: str | None
    email: str | None
    roles: tuple[str, ...]
    added_at: datetime
    added_by: str
    retired_at: datetime | None = None
    retired_by: str | None = None
    roles_changed_at: datetime | None = None
    roles_changed_by: str | None = None

    @property
    def active(self) -> bool:
        return self.retired_at is None

    @property
    def keys(self) -> tuple[str, ...]:
        """What finds the officer exactly: the full name and the login."""
        return (name_key(self.name),) + ((name_key(self.login),) if self.login else ())

    def labelled(self) -> str:
        """`Priya Shah (priya.shah)`: how a refusal lists the officer."""
        return f"{self.name} ({self.login})" if self.login else self.name


class Roster:
    """The officers of a database, in the order they were added."""

    def __init__(self, officers: Iterable[Officer] = ()) -> None:
        self.officers: tuple[Officer, ...] = tuple(officers)

    def __bool__(self) -> bool:
        return bool(self.officers)

    @property
    def active(self) -> list[Officer]:
        return [officer for officer in self.officers if officer.active]

    def exact(self, text: str | None) -> Officer | None:
        """The officer whose full name or login this is, retired or not; None for any other text."""
        if not text:
            return None
        key = name_key(text)
        return next((officer for officer in self.officers if key in officer.keys), None)

    def find(self, typed: str, option: str) -> Officer:
        """The current officer a typed name means: by login or full name, else the only current
        officer whose name or login starts with it. Refuses an unknown, ambiguous or retired name,
        listing the roster (`option` says where the name was typed)."""
        found = self.exact(typed)
        if found is not None:
            if not found.active:
                raise RuleViolation(
                    f"{option} names {found.name}, who left the team roster on {found.retired_at.date().isoformat()}; "
                    f"name a current officer: {self.listed(self.active)}"
                )
            return found
        key = name_key(typed)
        starting = [officer for officer in self.active if key and any(part.startswith(key) for part in officer.keys)]
        if len(starting) == 1:
            return starting[0]
        if starting:
            raise InvalidInput(
                f"{option} could be any of {self.listed(starting)}; type more of the name, or the login"
            )
        raise InvalidInput(
            f"{option} names no officer on the team roster; give the login, the full name or the start of either "
            f"of one of: {self.listed(self.active)}; or add them with `complaintctl officer add NAME`"
        )

    def recorder(self, officer: str) -> str:
        """Who is recording, as the roster names them: the name typed while the roster is empty."""
        if not self:
            return officer
        return self.find(officer, "--officer (or COMPLAINTCTL_OFFICER, else your login name)").name

    def handler(self, typed: str, option: str = "--handler") -> str:
        """The handler a typed name gives, as it is recorded: the name typed while the roster is empty."""
        if not self:
            return typed
        return self.find(typed, option).name

    def kept(self, recorded: str) -> str:
        """A handler recorded earlier, who keeps the stage at its next step: their name on the roster
        (the name itself when it is not there, as recorded before the roster). A retired officer
        is refused: the stage needs a current one."""
        officer = self.exact(recorded)
        if officer is None:
            return recorded
        if not officer.active:
            raise RuleViolation(
                f"the stage's handler, {officer.name}, left the team roster on {officer.retired_at.date().isoformat()}; "
                "name a current officer with --handler"
            )
        return officer.name

    def identity(self, recorded: str | None) -> str | None:
        """What two recorded handlers are compared by: the officer, when the roster knows the name
        or login; otherwise the text itself, case and spacing aside."""
        if not recorded:
            return None
        officer = self.exact(recorded)
        return name_key(officer.name if officer else recorded)

    def display_name(self, recorded: str | None) -> str | None:
        """The name a complainant reads for a recorded handler: the officer's full name, never
        their login."""
        officer = self.exact(recorded)
        return officer.name if officer else recorded

    def holding(self, role: str) -> list[Officer]:
        return [officer for officer in self.active if role in officer.roles]

    @staticmethod
    def listed(officers: Sequence[Officer], nobody: str = "nobody (every officer has left the roster)") -> str:
        if not officers:
            return nobody
        shown = ", ".join(officer.labelled() for officer in officers[:NAMES_LISTED])
        more = len(officers) - NAMES_LISTED
        return shown + (f" and {more} more (see `complaintctl officer list`)" if more > 0 else "")


def check_reviewer(case: Case, handler: str | None, roster: Roster, role: str | None) -> None:
    """A handler for stage 2 (at the escalation, its acknowledgement, or an assignment): no one who
    handled stage 1 (compared as officers, so a login and a full name are one person), and, where
    the policy names a `reviewer_role`, an officer who holds it (checked once the roster has
    officers)."""
    if not handler:
        return
    first = case.stages[0]
    earlier = {roster.identity(name) for name in [*first.handlers, first.handler] if name}
    if roster.identity(handler) in earlier:
        raise RuleViolation(
            f"{case.reference}: {handler} handled stage 1, and stage 2 needs someone with no prior involvement; "
            "name another officer with --handler"
        )
    if not role or not roster:
        return
    officer = roster.exact(handler)
    if officer is None or role not in officer.roles:
        eligible = [found for found in roster.holding(role) if roster.identity(found.name) not in earlier]
        raise RuleViolation(
            f"{case.reference}: the policy ([stage2] reviewer_role) has stage 2 handled by an officer with the "
            f"{role} role, and {handler} does not hold it; name one with --handler: "
            f"{Roster.listed(eligible, 'no other officer holds it; see `complaintctl officer list`')}"
        )

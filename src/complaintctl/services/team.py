"""The team roster: adding and retiring officers, and who is recording a step.

Roster changes are kept in the `officers` table, each with who made it and when, not in the
events: they are not steps of any case, and the chain `verify` checks is the cases' history.
Every step records the officer's full name, so a case's history never depends on the roster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from complaintctl.domain.officers import Officer, Roster, name_key
from complaintctl.errors import InvalidInput, RuleViolation
from complaintctl.services.context import Context, Writing


def roster(ctx: Context) -> Roster:
    """The roster as it is now (the one a step's transaction read, when one was recorded)."""
    if ctx.roster is not None:
        return ctx.roster
    with ctx.store.reading() as tx:
        return Roster(tx.officers())


def join(ctx: Context, tx: Writing) -> Roster:
    """Read the roster inside a write transaction and name who is recording as it does: once the
    roster has officers, `--officer` (or the login name) must be one of them."""
    officers = tx.officers()
    if ctx.roster is not None and ctx.roster.officers is officers:
        # The very roster this context already joined (an import's steps share one transaction,
        # which reads the officers once): the recorder it named stands.
        return ctx.roster
    found = Roster(officers)
    ctx.officer = found.recorder(ctx.officer)
    ctx.roster = found
    return found


@dataclass(frozen=True)
class Added:
    """An officer just added, and whether whoever added them is on the roster themselves (the
    first officer is added by anyone; from then on only officers on it record)."""

    officer: Officer
    recorder_on_roster: bool


def add_officer(ctx: Context, name: str, login: str | None, email: str | None, roles: Sequence[str]) -> Added:
    name = " ".join((name or "").split())
    login = (login or "").strip() or None
    if not name:
        raise InvalidInput("give the officer's full name, e.g. `complaintctl officer add \"Priya Shah\"`")
    if login and any(character.isspace() for character in login):
        raise InvalidInput("--login is one word, the name the officer signs in with (no spaces)")
    with ctx.store.writing() as tx:
        team = join(ctx, tx)
        wanted = {name_key(name)} | ({name_key(login)} if login else set())
        if any(wanted & set(officer.keys) for officer in team.officers):
            raise RuleViolation(
                "an officer with that name or login is already on the roster (retired officers stay on it); "
                "see `complaintctl officer list`"
            )
        officer = Officer(
            id=0,
            name=name,
            login=login,
            email=(email or "").strip() or None,
            roles=tuple(dict.fromkeys(roles or ("handler",))),
            added_at=ctx.now,
            added_by=ctx.officer,
        )
        officer_id = tx.add_officer(officer)
    added = replace(officer, id=officer_id)
    return Added(added, recorder_on_roster=bool(team) or name_key(ctx.officer) in added.keys)


def change_roles(ctx: Context, typed: str, roles: Sequence[str]) -> Officer:
    """Replace a current officer's roles (at least one), keeping who changed them and when."""
    chosen = tuple(dict.fromkeys(roles))
    if not chosen:
        raise InvalidInput("give the officer's roles, e.g. `--role handler --role reviewer`; they replace the current ones")
    with ctx.store.writing() as tx:
        team = join(ctx, tx)
        if not team:
            raise InvalidInput("the team roster is empty; add officers with `complaintctl officer add`")
        gone = team.exact(typed)
        if gone is not None and not gone.active:
            raise RuleViolation(f"{gone.name} left the roster on {gone.retired_at.date().isoformat()}; their roles stay as they were")
        officer = team.find(typed, "NAME")
        if set(officer.roles) == set(chosen):
            raise RuleViolation(f"{officer.name} already holds exactly those roles ({', '.join(officer.roles)}); nothing changed")
        tx.change_officer_roles(officer.id, chosen, ctx.now, ctx.officer)
    return replace(officer, roles=chosen, roles_changed_at=ctx.now, roles_changed_by=ctx.officer)


@dataclass(frozen=True)
class Retired:
    """An officer just retired, and the open cases they still handle (to be given to others)."""

    officer: Officer
    open_cases: list[str]


def retire_officer(ctx: Context, typed: str) -> Retired:
    with ctx.store.writing() as tx:
        team = join(ctx, tx)
        if not team:
            raise InvalidInput("the team roster is empty; add officers with `complaintctl officer add`")
        gone = team.exact(typed)
        if gone is not None and not gone.active:
            raise RuleViolation(f"{gone.name} already left the roster on {gone.retired_at.date().isoformat()}")
        officer = team.find(typed, "NAME")
        if team.active == [officer]:
            raise RuleViolation(
                "that is the last current officer on the roster, and every step needs one; add another officer first"
            )
        if officer.name == ctx.officer:  # every later step typed as them would be refused
            raise RuleViolation("you cannot retire yourself; ask another officer on the roster")
        tx.retire_officer(officer.id, ctx.now, ctx.officer)
        open_cases = tx.open_cases_handled_by(officer)
    return Retired(replace(officer, retired_at=ctx.now, retired_by=ctx.officer), open_cases)

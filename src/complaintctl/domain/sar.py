"""A subject access request (`sar`): the person asked about, each case found about them and why
it was found, and what the export holds of each case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from complaintctl.domain.case import Case
from complaintctl.domain.pack import StepCase
from complaintctl.domain.restrictions import Restriction, contact_key, phone_key
from complaintctl.domain.retention import REDACTED

if TYPE_CHECKING:
    from complaintctl.domain.officers import Roster

# Which details of a case say who it is about, and in which role.
ROLES = {
    "name": ("name", "complainant"),
    "email": ("email", "complainant"),
    "phone": ("phone", "complainant"),
    "representative": ("name", "representative"),
    "representative_email": ("email", "representative"),
}


@dataclass(frozen=True)
class Person:
    """The details a request gives: names and emails with runs of spaces as one (their case
    kept, so that a database can lower them as it lowers what it holds), phones as their digits."""

    names: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]

    @classmethod
    def given(cls, names: list[str], emails: list[str], phones: list[str]) -> Person:
        def kept(values: list[str], key) -> tuple[str, ...]:
            return tuple(dict.fromkeys(found for found in map(key, values) if found))

        return cls(kept(names, _spaced), kept(emails, _spaced), kept(phones, phone_key))

    def __bool__(self) -> bool:
        return bool(self.names or self.emails or self.phones)

    def matches(self, what: str, value: object) -> bool:
        """Whether a detail held (`what` is name, email or phone) is one of the person's, compared
        as restrictions compare them (contact_key, phone_key). A detail redacted past retention is
        no one's: the marker left in its place matches no request, even one that gives it."""
        if not isinstance(value, str) or not value or value == REDACTED:
            return False
        if what == "phone":
            return phone_key(value) in self.phones
        return contact_key(value) in {contact_key(given) for given in (self.names if what == "name" else self.emails)}


def _spaced(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Match:
    """One detail of a case that matched: its key (`email`, `representative`…), the role it
    gives the person, the value held, and whether the case holds it still (not amended away)."""

    key: str
    role: str
    value: str
    current: bool


def matches(case: Case, person: Person) -> list[Match]:
    """Why the case is about the person: each detail it was logged or amended with that matches."""
    held: dict[tuple[str, str], bool] = {}
    for event in case.events:
        if event.kind == "logged":
            values = [(key, event.details.get(key)) for key in ROLES]
        elif event.kind == "amended":
            values = [(key, change.get("after")) for key, change in event.details.get("changes", {}).items() if key in ROLES]
        else:
            continue
        for key, value in values:
            if person.matches(ROLES[key][0], value):
                held[(key, str(value))] = False
    for key in ROLES:
        value = case.details.get(key)
        if person.matches(ROLES[key][0], value):
            held[(key, str(value))] = True
    return [Match(key, ROLES[key][1], value, current) for (key, value), current in held.items()]


@dataclass(frozen=True)
class SarCase:
    """A case found about the person, why, the letters its steps sent, and the restriction in
    force on its complainant (as `show` gives it)."""

    case: Case
    matched: tuple[Match, ...]
    letters: tuple[StepCase, ...]
    restriction: Restriction | None = None


@dataclass(frozen=True)
class SarSource:
    """Everything a subject access export shows, read in the transaction that records it."""

    cases: tuple[SarCase, ...]
    officer: str
    made_at: datetime
    roster: Roster

"""Managed contact: a restriction on how one person may contact the organisation, decided after
unreasonable or persistent behaviour (SPEC §12). Pure.

A restriction names the person as the officer typed them (a name, an email address, a phone
number: any of them), says why, what the arrangements are (one named contact, writing only…),
who decided it and when it is to be reviewed. It is recorded and may be ended with a reason,
never deleted or changed: the row keeps who recorded each and when.

A restriction never stops a complaint being made: a complaint from the person is recorded as
any other, and the officer is told of the arrangements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


def contact_key(text: str | None) -> str:
    """A name or an email address as it is compared: case and runs of spaces do not count."""
    return " ".join((text or "").split()).casefold()


def phone_key(text: str | None) -> str:
    """A phone number as it is compared: its digits alone (`01530 454545` is `01530454545`)."""
    return "".join(character for character in text or "" if character.isdigit())


@dataclass(frozen=True)
class Restriction:
    """One restriction.

    id:           its number, never reused
    name, email, phone: the person, as typed (at least one)
    reason:       why it was decided
    arrangements: how the person may contact the organisation while it lasts
    decided_by:   who decided, as the roster names them (the names typed while it is empty)
    decided_on:   the date of the decision
    review_on:    the date it is to be reviewed by (it lasts until then unless renewed)
    recorded_at, recorded_by: when and by whom it was recorded
    ended_on, ended_at, ended_by, end_reason: its end, when it has one
    """

    id: int
    name: str | None
    email: str | None
    phone: str | None
    reason: str
    arrangements: str
    decided_by: tuple[str, ...]
    decided_on: date
    review_on: date
    recorded_at: datetime
    recorded_by: str
    ended_on: date | None = None
    ended_at: datetime | None = None
    ended_by: str | None = None
    end_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.ended_on is None

    def matches(self, name: str | None, email: str | None, phone: str | None) -> bool:
        """Whether a complainant with these details is the restricted person: the same name, the
        same email address or the same phone number, case and spacing aside."""
        return bool(
            (self.name and contact_key(name) == contact_key(self.name))
            or (self.email and contact_key(email) == contact_key(self.email))
            or (self.phone and phone_key(self.phone) and phone_key(phone) == phone_key(self.phone))
        )

    def as_dict(self) -> dict[str, Any]:
        """The `restrict list --json` object, and `show --json`'s `restriction`."""
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "reason": self.reason,
            "arrangements": self.arrangements,
            "decided_by": list(self.decided_by),
            "decided_on": self.decided_on.isoformat(),
            "review_on": self.review_on.isoformat(),
            "active": self.active,
            "recorded_at": self.recorded_at.isoformat(),
            "recorded_by": self.recorded_by,
            "ended_on": self.ended_on.isoformat() if self.ended_on else None,
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "ended_by": self.ended_by,
            "end_reason": self.end_reason,
        }


def matching(restrictions: list[Restriction], name: str | None, email: str | None, phone: str | None) -> Restriction | None:
    """The latest active restriction on a person with these details, if any."""
    found = [item for item in restrictions if item.active and item.matches(name, email, phone)]
    return found[-1] if found else None


def restriction_in(restrictions: list[Restriction], details: dict) -> Restriction | None:
    """The restriction in force on a case's complainant (its logged details), if any; an
    anonymous complainant is under none."""
    if details.get("anonymous") or not (details.get("name") or details.get("email") or details.get("phone")):
        return None
    return matching(restrictions, details.get("name"), details.get("email"), details.get("phone"))

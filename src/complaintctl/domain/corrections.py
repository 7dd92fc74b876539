"""Corrections: an `amended` event changes a case's details, a `voided` event takes back its
latest step. Pure; no I/O.

Both are events like any other, so the history keeps the mistake, the correction and its
reason. `derive` reads them before its fold: the voided steps (and the voids themselves) are
left out of it, and the details are those of `logged` with every amendment in force applied, so
the case, its deadlines, its letters and its report figures are as if the mistake had never
been made.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from complaintctl.domain.events import NOT_STEPS, Event
from complaintctl.domain.vocabulary import PREFERRED_CONTACT


class Amendable(NamedTuple):
    """A detail of a case that `amend` corrects: its key in the case's details (the option is
    `--KEY` with dashes), what it holds, and its help text. A row of a fixed table, so a named
    tuple: every command that folds a case loads it, and a frozen dataclass costs several times
    as much to define.

    `kind` is "line" (one line of text), "text" (free text), "email", "choice" (one of
    `choices`), "date" (kept as ISO text) or "flag" (yes or no: `--KEY/--no-KEY`)."""

    key: str
    kind: str
    help: str
    choices: tuple[str, ...] = ()

    @property
    def option(self) -> str:
        return "--" + self.key.replace("_", "-")


# Every detail `amend` may correct, in the order `--help` lists them. A new detail of `log` that
# a person may mistype is one more line here.
AMENDABLE = (
    Amendable("name", "line", "The complainant's name (a name given for an anonymous complaint ends its anonymity)."),
    Amendable("email", "email", "Email address; \"\" removes it."),
    Amendable("phone", "line", "Telephone number; \"\" removes it."),
    Amendable("address", "text", "Postal address; \"\" removes it."),
    Amendable("preferred_contact", "choice", "How they prefer to be contacted.", PREFERRED_CONTACT),
    Amendable("representative", "line", "Someone acting for the complainant; \"\" removes them."),
    Amendable("representative_email", "email", "The representative's email address, where letters go; \"\" removes it."),
    Amendable("representative_address", "text", "The representative's postal address, where letters go; \"\" removes it."),
    Amendable("service", "line", "Service area."),
    Amendable("category", "line", "Category for the thematic analysis."),
    Amendable("summary", "text", "What it is about."),
    Amendable("outcomes_sought", "text", "What the complainant wants to happen."),
    Amendable("issue_date", "date", "When the problem happened or became known."),
    Amendable("housing", "flag", "About the organisation as a housing landlord (Housing Ombudsman), or not."),
    Amendable("adjustments", "text", "Reasonable adjustments, e.g. large print, interpreter."),
)

AMENDABLE_KEYS = tuple(field.key for field in AMENDABLE)


def voided_numbers(events: Iterable[Event]) -> frozenset[int]:
    """The numbers of the events that a `voided` event took back."""
    return frozenset(number for event in events if event.kind == "voided" for number in event.details["events"])


def in_force(events: Iterable[Event], voided: frozenset[int]) -> list[Event]:
    """The events a case is derived from: all but the voided ones and the voids themselves."""
    return [event for event in events if event.kind != "voided" and event.number not in voided]


def amended(details: dict[str, Any], events: Iterable[Event]) -> dict[str, Any]:
    """The case's details with every amendment among `events` applied, in order."""
    current = dict(details)
    for event in events:
        if event.kind == "amended":
            for key, change in event.details["changes"].items():
                current[key] = change["after"]
    return current


def latest_step(events: list[Event]) -> list[Event]:
    """The events of the latest step among `events` (those in force), the `logged` event and the
    records of a pack handed out never among them: one event, or a close and the actions promised with it (recorded together by
    one command). Empty when nothing but the logging is left."""
    steps = [event for event in events if event.kind != "logged" and event.kind not in NOT_STEPS]
    if not steps:
        return []
    last = steps[-1]
    if last.kind != "action-added":
        return [last]
    group = [last]
    for event in reversed(steps[:-1]):
        together = (
            event.recorded_at == last.recorded_at
            and event.officer == last.officer
            and event.number == group[0].number - 1
        )
        if not together or event.kind not in ("action-added", "closed"):
            break
        group.insert(0, event)
        if event.kind == "closed":
            return group
    return [last]

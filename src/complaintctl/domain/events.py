"""Events: the record every case is derived from, and the one list of their kinds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

# The steps of a case's lifecycle, which move its state and deadlines.
CASE_KINDS = (
    "logged",
    "acknowledged",
    "handler-changed",
    "assigned",
    "extended",
    "updated",
    "closed",
    "escalated",
    "action-added",
    "action-done",
)

# Internal notes change nothing the complainant is told and no deadline.
NOTE_KINDS = ("note",)

# Corrections: an amendment of the case's details, and the void of its latest step
# (domain/corrections.py). Both apply as if made when the case began: the fold reads them first.
CORRECTION_KINDS = ("amended", "voided")

# The records kept for the annual report: they never change a case's state or deadlines.
RECORD_KINDS = (
    "ombudsman-referred",
    "ombudsman-determined",
    "ombudsman-order",
    "ombudsman-complied",
    "survey",
    "learning",
)

# What was handed out about a case (the complaint file for an Ombudsman, a subject access export):
# a fact of its history that changes neither its state nor its deadlines, and is no step that a
# void could take back.
EXPORT_KINDS = ("pack-exported", "sar-exported")

# A case's keeping (domain/retention.py): a legal hold placed or released, and the redaction of its
# personal data past retention. Neither changes its state or deadlines; no void takes one back.
RETENTION_KINDS = ("held", "hold-released", "redacted")

# Recorded about a case without being a step of its handling.
NOT_STEPS = (*EXPORT_KINDS, *RETENTION_KINDS)

EVENT_KINDS = (*CASE_KINDS, *NOTE_KINDS, *CORRECTION_KINDS, *RECORD_KINDS, *EXPORT_KINDS, *RETENTION_KINDS)


@dataclass(frozen=True)
class Event:
    """One recorded step. `on` is the business date; `recorded_at` is when it was typed in."""

    kind: str
    on: date
    officer: str
    recorded_at: datetime
    details: dict[str, Any]
    number: int = 0  # position in the case's history, from 1


_new_object = object.__new__
_set = object.__setattr__


def stored_event(kind: str, on: date, officer: str, recorded_at: datetime, details: dict[str, Any], number: int) -> Event:
    """`Event(kind, on, officer, recorded_at, details, number)`, made for the millions of events
    an export reads and the tens of thousands an import records: a frozen dataclass's __init__
    sets each field through object.__setattr__, which costs more than the rest of reading the
    event; the fields here are the same, given as the instance's dict at once."""
    event = _new_object(Event)
    _set(event, "__dict__", {"kind": kind, "on": on, "officer": officer, "recorded_at": recorded_at, "details": details, "number": number})
    return event

"""Retention: which of a case's details are personal data, what redaction leaves of them, and the
legal hold that keeps them.

A case's personal data (SPEC §11) is redacted in its events once every stage and action has been
closed for the policy's `[retention] years` (counted back from a day by `cutoff`) and nothing
else was done on it since, unless the case is held; storage's RETENTION_DUE finds those cases. What the reports count (dates, stages, outcomes, services, categories,
exclusion codes, remedies given, compensation) is never personal here, so a report of any year
is the same after redaction as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from complaintctl.domain.events import Event

REDACTED = "[redacted]"

# The details a person gives about themselves and their complaint, as `log` and `amend` record them.
CONTACT_FIELDS = (
    "name",
    "email",
    "phone",
    "address",
    "representative",
    "representative_email",
    "representative_address",
    "summary",
    "outcomes_sought",
    "adjustments",
)

# The personal details of each kind of event: what the complainant said, what was found and
# done for them, and whatever an officer wrote about them. Officers' names, dates, outcomes,
# exclusion codes, remedies given and amounts stay, as do the organisation's lessons learnt.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "logged": CONTACT_FIELDS,
    "acknowledged": ("understanding", "outcomes_sought"),
    "assigned": ("reason",),
    "handler-changed": ("reason",),
    "extended": ("reason", "good_reason", "late_reason"),
    "updated": ("progress",),
    "closed": ("reasons", "steps_taken", "remedy"),
    "escalated": ("reasons", "outcomes_sought", "late_reason"),
    "action-added": ("what",),
    "note": ("text",),
    "voided": ("reason",),
    # And the before and after of each amended contact field (redacted_details).
    "amended": ("reason",),
    "ombudsman-order": ("what",),
    "held": ("reason",),
    "hold-released": ("reason",),
}


def redacted_value(value: Any) -> Any:
    """`value` with every text in it replaced; nothing (None, an empty text) stays nothing."""
    if isinstance(value, str):
        return REDACTED if value else value
    if isinstance(value, list):
        return [redacted_value(item) for item in value]
    if isinstance(value, dict):
        return {key: redacted_value(item) for key, item in value.items()}
    return value


def redacted_details(kind: str, details: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """An event's details with its personal fields redacted, and the fields that changed."""
    changed: list[str] = []
    result = dict(details)
    for key in PERSONAL_FIELDS.get(kind, ()):
        if key in result:
            after = redacted_value(result[key])
            if after != result[key]:
                result[key] = after
                changed.append(key)
    if kind == "amended":
        changes = {}
        for key, change in details.get("changes", {}).items():
            if key in CONTACT_FIELDS:
                after = {side: redacted_value(value) for side, value in change.items()}
                if after != change:
                    changed.append(f"changes.{key}")
                change = after
            changes[key] = change
        result["changes"] = changes
    return result, changed


def redacted_event(event: Event) -> tuple[Event, list[str]]:
    details, changed = redacted_details(event.kind, event.details)
    if not changed:
        return event, []
    return Event(event.kind, event.on, event.officer, event.recorded_at, details, event.number), changed


def cutoff(as_of: date, years: int) -> date:
    """The last date of activity whose data may be redacted on `as_of`: `years` before it (29
    February falls back to the 28th)."""
    try:
        return as_of.replace(year=as_of.year - years)
    except ValueError:
        return as_of.replace(year=as_of.year - years, day=28)


class Hold(NamedTuple):
    """A legal hold on a case: placed on `since` by `officer`, for `reason`. (Named tuples here:
    `show` loads this module, and a frozen dataclass costs several times as much to define.)"""

    since: date
    officer: str
    reason: str


def hold_of(events: list[Event]) -> Hold | None:
    """The hold in force on a case, as its latest hold or release leaves it."""
    held = held_event(events)
    return None if held is None else Hold(held.on, held.officer, held.details.get("reason") or "")


def held_event(events: Iterable[Any]) -> Any:
    """The `held` event of the hold in force, or None: any events with a kind (an export reads
    fewer fields of them than an Event has)."""
    held = None
    for event in events:
        if event.kind == "held":
            held = event
        elif event.kind == "hold-released":
            held = None
    return held


def redacted_on(events: list[Event]) -> date | None:
    """When the case's personal data was last redacted, if it was."""
    found = None
    for event in events:
        if event.kind == "redacted":
            found = event.on
    return found


class Due(NamedTuple):
    """A case whose personal data is past retention: what `retention` lists. A held case
    (`held_since` its hold's date) is listed and never redacted."""

    reference: str
    type: str
    last_activity: date
    held_since: date | None

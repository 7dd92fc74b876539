"""The use cases: each step validates against the case derived from its events, then records
new events; the reads return cases and rows. They reach the database only through the
protocols of `context`, and take "today" from the Context, never from the clock.

The names below are found in their modules when first asked for (PEP 562), so a command that
only reads never imports the steps that write.
"""

import importlib
from typing import TYPE_CHECKING

# Each name this package offers, and the module it lives in.
_HOMES = {
    "Context": "context",
    "Step": "context",
    "amend": "corrections",
    "void": "corrections",
    "LOOK_ALIKE_WORKING_DAYS": "reading",
    "derive_case": "reading",
    "get_case": "reading",
    "letter_case": "reading",
    "letter_step": "reading",
    "list_actions": "reading",
    "list_cases": "case_list",
    "listing": "case_list",
    "listing_json": "case_list",
    "open_look_alikes": "reading",
    "add_order": "record_steps",
    "comply": "record_steps",
    "determine": "record_steps",
    "record_learning": "record_steps",
    "record_survey": "record_steps",
    "refer": "record_steps",
    "PolicyChange": "steps",
    "Remedy": "steps",
    "acknowledge": "steps",
    "add_action": "steps",
    "add_note": "steps",
    "assign": "steps",
    "close": "steps",
    "complete_action": "steps",
    "escalate": "steps",
    "extend": "steps",
    "log_case": "steps",
    "record_update": "steps",
    "stored_policy": "steps",
    "sync_policy": "steps",
    "Added": "team",
    "Retired": "team",
    "add_officer": "team",
    "retire_officer": "team",
    "change_roles": "team",
    "roster": "team",
}

if TYPE_CHECKING:
    from complaintctl.services.context import Context, Step
    from complaintctl.services.corrections import amend, void
    from complaintctl.services.case_list import list_cases, listing, listing_json
    from complaintctl.services.reading import (
        LOOK_ALIKE_WORKING_DAYS,
        derive_case,
        get_case,
        letter_case,
        letter_step,
        list_actions,
        open_look_alikes,
    )
    from complaintctl.services.record_steps import (
        add_order,
        comply,
        determine,
        record_learning,
        record_survey,
        refer,
    )
    from complaintctl.services.steps import (
        PolicyChange,
        Remedy,
        acknowledge,
        add_action,
        add_note,
        assign,
        close,
        complete_action,
        escalate,
        extend,
        log_case,
        record_update,
        stored_policy,
        sync_policy,
    )
    from complaintctl.services.team import (
        Added,
        Retired,
        add_officer,
        change_roles,
        retire_officer,
        roster,
    )


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


__all__ = [
    "LOOK_ALIKE_WORKING_DAYS",
    "Added",
    "Context",
    "PolicyChange",
    "Remedy",
    "Retired",
    "Step",
    "acknowledge",
    "add_action",
    "add_note",
    "add_officer",
    "add_order",
    "amend",
    "assign",
    "change_roles",
    "close",
    "complete_action",
    "comply",
    "derive_case",
    "determine",
    "escalate",
    "extend",
    "get_case",
    "letter_case",
    "letter_step",
    "list_actions",
    "list_cases",
    "listing",
    "listing_json",
    "log_case",
    "open_look_alikes",
    "record_learning",
    "record_survey",
    "record_update",
    "refer",
    "retire_officer",
    "roster",
    "stored_policy",
    "sync_policy",
    "void",
]

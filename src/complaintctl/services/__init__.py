"""The use cases: each step validates against the case derived from its events, then records
new events; the reads return cases and rows. They reach the database only through the
protocols of `context`, and take "today" from the Context, never from the clock."""

from complaintctl.services.context import Context, Step
from complaintctl.services.corrections import amend, void
from complaintctl.services.reading import (
    LOOK_ALIKE_WORKING_DAYS,
    get_case,
    letter_case,
    letter_step,
    list_actions,
    list_cases,
    open_look_alikes,
)
from complaintctl.services.record_steps import add_order, comply, determine, record_learning, record_survey, refer
from complaintctl.services.team import Added, Retired, add_officer, retire_officer, roster
from complaintctl.services.steps import (
    PolicyChange,
    Remedy,
    acknowledge,
    add_action,
    add_note,
    assign,
    close,
    complete_action,
    derive_case,
    escalate,
    extend,
    log_case,
    record_update,
    stored_policy,
    sync_policy,
)

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

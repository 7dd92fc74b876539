"""Every case with every field, streamed for `export`: one flat row per case for a spreadsheet,
or the case as `show --json` gives it.

The flat rows are read from the projected tables (dates, outcomes, handlers, compensation) and
from the case's own events for what only they hold (contact details with every amendment, each
stage's reasons and remedies, the actions): no case is derived, so a million export at the speed
the database reads them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from complaintctl.domain.corrections import amended, in_force, voided_numbers
from complaintctl.domain.restrictions import restriction_in
from complaintctl.domain.retention import held_event
from complaintctl.services.context import Context
from complaintctl.services.steps import derive_case

# Rows read a statement at a time: enough to keep the database busy, few enough to stay small.
BATCH = 2000

CASE_FIELDS = (
    "reference", "external_ref", "type", "status", "stage", "outcome", "received_on", "name", "email", "phone",
    "address", "preferred_contact", "channel", "representative", "representative_email", "representative_address",
    "anonymous", "service", "category", "summary", "outcomes_sought", "issue_date", "housing", "adjustments",
    "ombudsman", "over_12_months", "handler", "next_due", "next_due_what",
)
# What the projected case row holds for these, as the export names them.
_FROM_ROW = ("reference", "external_ref", "type", "status", "stage", "outcome", "received_on", "ombudsman",
             "over_12_months", "handler", "next_due", "next_due_what", "service", "category", "housing")
STAGE_FIELDS = (
    "received_on", "handler", "acknowledge_by", "acknowledged_on", "respond_by", "extension_days", "closed_on",
    "outcome", "exclusion", "in_time", "reasons", "steps_taken", "remedy", "apology", "compensation", "learning",
    "late_reason",
)
_FROM_EVENTS = ("reasons", "steps_taken", "remedy", "learning", "late_reason")
COLUMNS = (
    *CASE_FIELDS,
    *(f"stage{number}_{name}" for number in (1, 2) for name in STAGE_FIELDS),
    "actions",
    "stage2_actions",
    "hold_since",
    "hold_reason",
    "stage2_request_reasons",
)


# Yes/no columns, kept as 0/1 by SQLite and as booleans by PostgreSQL: shown the same from either.
_FLAGS = frozenset({"anonymous", "housing", "over_12_months", "in_time", "apology"})
_POSITION = {name: index for index, name in enumerate(COLUMNS)}
# Where each value of a case's row goes: (position, column of the projected row).
_CASE_PLACES = tuple((_POSITION[name], name) for name in _FROM_ROW)
_DETAIL_PLACES = tuple((_POSITION[name], name) for name in CASE_FIELDS if name not in _FROM_ROW)
# For each stage number, where each stage column goes.
_STAGE_PLACES = {
    number: tuple((_POSITION[f"stage{number}_{name}"], name) for name in STAGE_FIELDS if name not in _FROM_EVENTS and name != "compensation")
    for number in (1, 2)
}
_STAGE_WORD_PLACES = {number: tuple((_POSITION[f"stage{number}_{name}"], name) for name in _FROM_EVENTS) for number in (1, 2)}
_FLAG_POSITIONS = tuple(
    index for index, name in enumerate(COLUMNS) if name in _FLAGS or name.split("_", 1)[-1] in _FLAGS
)
_COMPENSATION = {number: _POSITION[f"stage{number}_compensation"] for number in (1, 2)}
# A case's actions, those promised at stage 1 and those at stage 2 (numbered on from stage 1's).
_ACTIONS = {1: _POSITION["actions"], 2: _POSITION["stage2_actions"]}
_HOLD_SINCE, _HOLD_REASON = _POSITION["hold_since"], _POSITION["hold_reason"]
_REQUEST_REASONS = _POSITION["stage2_request_reasons"]
# The columns people typed, which a spreadsheet might take for a formula.
TYPED = frozenset(
    {"external_ref", "name", "email", "phone", "address", "representative", "representative_email",
     "representative_address", "service", "category", "summary", "outcomes_sought", "adjustments", "handler", "actions",
     "stage2_actions", "hold_reason", "stage2_request_reasons"}
    | {f"stage{number}_{name}" for number in (1, 2) for name in (*_FROM_EVENTS, "handler")}
)


@contextmanager
def kept_batches(
    ctx: Context, cases: int, received_from: date | None = None, received_to: date | None = None
) -> Iterator[Iterator[Any]]:
    """One read transaction, so one snapshot, for a flat export made a batch at a time
    elsewhere: what it reads of the cases received in the dates given (all when none), `cases`
    cases at a time in id order, as stored (storage.queries.kept_batches; its cases_as_kept
    makes them what `flat_row` takes). The batches are read as they are iterated, inside the `with`."""
    with ctx.store.reading() as tx:
        yield tx.kept_batches(cases, received_from, received_to)


def flat_row(row: dict[str, Any], stages: list[dict[str, Any]], actions: list[dict[str, Any]], events: list[Any]) -> list[Any]:
    """One case's row for a spreadsheet, its values in the order of COLUMNS, from what a flat
    export reads of it (storage.queries.cases_as_kept); dates as ISO text or `date`, as the
    database keeps them."""
    kinds = {event.kind for event in events}
    steps = in_force(events, voided_numbers(events)) if "voided" in kinds else events
    if not steps:
        details = {}
    else:
        details = amended(steps[0].details, steps) if "amended" in kinds else steps[0].details
    flat: list[Any] = [None] * len(COLUMNS)
    get = details.get
    for index, name in _DETAIL_PLACES:
        flat[index] = get(name)
    for index, name in _CASE_PLACES:
        flat[index] = row[name]
    told = _stage_texts(steps)
    for stage in stages:
        number = stage["number"]
        if number not in _STAGE_PLACES:
            continue
        for index, name in _STAGE_PLACES[number]:
            flat[index] = stage[name]
        for index, name in _STAGE_WORD_PLACES[number]:
            flat[index] = told.get((number, name))
        if number == 2:
            flat[_REQUEST_REASONS] = told.get((2, "request_reasons"))
        flat[_COMPENSATION[number]] = f"{(stage['compensation_pence'] or 0) / 100:.2f}"
    for index in _FLAG_POSITIONS:
        if flat[index] is not None:
            flat[index] = "yes" if flat[index] else "no"
    for action in actions:
        index = _ACTIONS[2 if action["stage"] == 2 else 1]
        text = _action_text(action)
        flat[index] = text if flat[index] is None else f"{flat[index]}\n{text}"
    held = held_event(steps) if "held" in kinds else None
    if held is not None:
        flat[_HOLD_SINCE], flat[_HOLD_REASON] = held.on, held.details.get("reason")
    return flat


def _stage_texts(steps: list[Any]) -> dict[tuple[int, str], Any]:
    """Each stage's words, as its close (and for stage 2 its escalation) recorded them."""
    told: dict[tuple[int, str], Any] = {}
    stage = 1
    for event in steps:
        if event.kind == "escalated":
            stage = 2
            told[(2, "late_reason")] = event.details.get("late_reason")
            told[(2, "request_reasons")] = event.details.get("reasons")
        elif event.kind == "closed":
            for name in ("reasons", "steps_taken", "remedy", "learning"):
                told[(stage, name)] = event.details.get(name)
    return told


def _action_text(action: dict[str, Any]) -> str:
    text = f"{action['number']}. {action['what']} (due {action['due']}"
    if action["owner"]:
        text += f", {action['owner']}"
    if action["done_on"]:
        text += f", done {action['done_on']}"
    return text + ")"


def cases(
    ctx: Context, received_from: date | None = None, received_to: date | None = None
) -> Iterator[tuple[Any, Any, list[tuple[str, str]]]]:
    """Each case received in the dates given, derived from its events (as `show` gives it), in id
    order, with the restriction its complainant is under (or None), as `show` reads it, and
    its events' `recorded_at` and details as stored (text). The events of every case come from one
    statement read in case order, so a million cases cost one pass over the events and never
    more memory than one case's."""
    with ctx.store.reading() as tx:
        # Restrictions are few: read once, matched to each case in memory.
        restrictions = tx.restrictions(active_only=True)
        yield from derived(ctx, restrictions, tx.every_history(BATCH, received_from, received_to))


def derived(
    ctx: Context, restrictions: list[Any], histories: Iterable[tuple[str, list[Any], list[tuple[str, str]]]]
) -> Iterator[tuple[Any, Any, list[tuple[str, str]]]]:
    """What `cases` gives for these histories (reference, events, their `recorded_at` and details
    as stored), with the restrictions read in the same transaction."""
    for reference, events, stored in histories:
        case = derive_case(ctx, reference, events)
        yield case, restriction_in(restrictions, case.details) if restrictions else None, stored


@contextmanager
def history_batches(
    ctx: Context, rows: int, received_from: date | None = None, received_to: date | None = None
) -> Iterator[tuple[list[Any], Iterator[list[Sequence[Any]]]]]:
    """One read transaction, so one snapshot, for an export made a batch at a time elsewhere: the
    restrictions not ended, and the rows of every case received in the dates given, as stored,
    about `rows` at a time, each list whole cases in id order (storage.queries.histories_from_rows
    makes their histories, `derived` their cases). The batches are read as they are iterated,
    inside the `with`."""
    with ctx.store.reading() as tx:
        yield tx.restrictions(active_only=True), tx.history_batches(rows, received_from, received_to)

"""The use cases that only read: a case, the outstanding actions, the case as a letter about
one of its steps tells it, and how a case's deadlines were counted (`list`: case_list.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from complaintctl.domain.case import Case, derive, derive_further, settle_further
from complaintctl.domain.events import CORRECTION_KINDS, Event
from complaintctl.errors import InvalidInput
from complaintctl.services.context import Context

if TYPE_CHECKING:
    from complaintctl.domain.explain import Explanation
    from complaintctl.domain.policy import Policy

# The steps each letter kind is about, within its stage. A stage 2 acknowledgement stands on the
# escalation request until the stage is acknowledged; a closure letter on the close and the
# actions added or done after it.
_LETTER_STEPS = {
    "acknowledgement": ("escalated", "acknowledged"),
    "extension": ("extended",),
    "update": ("updated",),
    "decision": ("closed",),
    "refusal": ("closed",),
    "closure": ("closed", "action-added", "action-done"),
}

def derive_case(ctx: Context, reference: str, events: list[Event], settle: bool = True) -> Case:
    """The case its events tell, under the context's policy, calendar and policy history; with
    `settle` False, its deadlines are left for `settle_case` (domain/case.py derive)."""
    return derive(reference, events, ctx.policy, ctx.calendar, ctx.history, settle)


def derive_further_case(ctx: Context, case: Case, new_events: list[Event], settle: bool = True) -> Case:
    """`case` (as derived with `ctx`) with `new_events` folded onto it; `case` is changed. With
    `settle` False, its deadlines are left for `settle_case` (domain/case.py derive_further)."""
    return derive_further(case, new_events, ctx.policy, ctx.calendar, ctx.history, settle)


def settle_case(ctx: Context, case: Case) -> Case:
    """`case` (as derived further with `ctx`) with its deadlines settled, if they were left."""
    return settle_further(case, ctx.policy, ctx.calendar, ctx.history)


def get_case(ctx: Context, reference: str) -> Case:
    with ctx.store.reading() as tx:
        events = tx.events(tx.case_id(reference))
    return derive_case(ctx, reference, events)


def explanation_of(ctx: Context, case: Case, stage: int | None = None) -> Explanation:
    """How each deadline of a case read with `ctx` was counted; with `stage`, that stage's only."""
    # Imported here: `show` and `list` never explain.
    from complaintctl.domain.explain import Explanation, explain

    explanation = explain(case, ctx.policy, ctx.calendar, ctx.history)
    if stage is None:
        return explanation
    if case.has_clock and stage > len(case.stages):
        raise InvalidInput(f"{case.reference} has no stage {stage}: it has not been escalated; leave out --stage")
    chosen = tuple(deadline for deadline in explanation.deadlines if deadline.stage == stage)
    return Explanation(explanation.reference, explanation.type, chosen, explanation.latest_version)


def explain_case(ctx: Context, reference: str, stage: int | None = None) -> Explanation:
    return explanation_of(ctx, get_case(ctx, reference), stage)


# A complaint logged within this many working days of another still open, from the same person
# about the same service, may be the same complaint twice.
LOOK_ALIKE_WORKING_DAYS = 10


def open_look_alikes(ctx: Context, case: Case) -> list[str]:
    """The references of the complaints still open that look like `case`: from the same person
    (the same name or email, whatever its case), about the same service, received within
    LOOK_ALIKE_WORKING_DAYS working days of it. For a warning: nothing is refused."""
    if case.type != "complaint":
        return []
    received = case.received_on
    earliest = received
    while ctx.calendar.between(earliest, received) < LOOK_ALIKE_WORKING_DAYS:
        earliest -= timedelta(days=1)
    latest = ctx.calendar.add(received, LOOK_ALIKE_WORKING_DAYS)
    details = case.details
    with ctx.store.reading() as tx:
        return tx.open_look_alikes(case.reference, earliest, latest, details.get("service"), details.get("name"), details.get("email"))


def list_actions(ctx: Context, overdue_only: bool = False) -> list[dict[str, Any]]:
    with ctx.store.reading() as tx:
        if overdue_only:
            # The same row shape as the full list, so `--overdue --json` keeps the contract.
            return [row for row in tx.all_actions(outstanding_only=True) if row["due"] < ctx.today]
        return tx.all_actions()


def letter_step(case: Case, kind: str, stage_number: int) -> Event | None:
    """The recorded step a letter is about: the stage's acknowledgement (for stage 2 not yet
    acknowledged, the escalation request), its latest extension or update, its close, or for a
    closure letter the latest of its close and the actions added or done after it. None when
    there is no such step (the letter itself then says why it cannot be written)."""
    wanted = _LETTER_STEPS.get(kind, ())
    step = None
    stage = 1
    closed = False
    for event in case.events_in_force:
        if event.kind == "escalated":
            stage = 2
        if stage != stage_number:
            continue
        closed = closed or event.kind == "closed"
        if event.kind in wanted and (closed or kind != "closure"):
            step = event
    return step


def step_events(case: Case, step: Event) -> list[Event]:
    """The case's events up to and including `step`, with the actions the same command promised
    after it (a close records its actions straight after the close): what the case was when the
    step's letter was first written. Corrections recorded later are kept: an amended detail (a
    mistyped address) was wrong then too, and a voided step never happened."""
    kept = [event for event in case.events if event.number <= step.number]
    later = case.events[len(kept) :]
    same_command = 0
    for event in later:
        if event.kind != "action-added" or event.recorded_at != step.recorded_at or event.on != step.on:
            break
        same_command += 1
    return kept + later[:same_command] + [event for event in later[same_command:] if event.kind in CORRECTION_KINDS]


def letter_case(ctx: Context, case: Case, kind: str | None, stage_number: int) -> tuple[Case, "Policy"]:
    """The case and the policy a letter about one of its steps is written with: the case derived
    from its events up to that step, under the policy version in force when the step was
    recorded, so that a letter printed again says what it said when it was first sent (its date,
    its dates, the actions then outstanding, the organisation, the Ombudsman)."""
    step = letter_step(case, kind, stage_number) if kind else None
    if step is None:
        return case, ctx.policy
    return case_at_step(ctx, case, step)


def case_at_step(ctx: Context, case: Case, step: Event) -> tuple[Case, "Policy"]:
    """The case as it stood when `step` was recorded (see `step_events`), and the policy version
    then in force: what the step's letter said when it was first written."""
    events = step_events(case, step)
    if ctx.history is None:
        if len(events) == len(case.events):
            return case, ctx.policy
        return derive(case.reference, events, ctx.policy, ctx.calendar), ctx.policy
    history = ctx.history.until(step.recorded_at)
    version = history.latest
    if version.number == ctx.history.latest.number and len(events) == len(case.events):
        return case, ctx.policy
    return derive(case.reference, events, version.policy, version.calendar, history), version.policy

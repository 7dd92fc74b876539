"""`pack`: the complaint file an Ombudsman asks for, gathered in one write transaction so that
what it shows, the chain hash it quotes and the `pack-exported` event it leaves are one moment
of the record."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from complaintctl.domain.case import Case
from complaintctl.domain.events import Event
from complaintctl.domain.explain import explain
from complaintctl.domain.pack import PackSource, StepCase
from complaintctl.services.context import Context
from complaintctl.services.reading import case_at_step
from complaintctl.services.steps import derive_case
from complaintctl.services.team import join

if TYPE_CHECKING:
    from complaintctl.domain.policy import PolicyVersion

# The steps that send the complainant a letter. An action added or done sends the closure
# letter only once its stage is closed, and an action promised by the close itself (recorded by
# the same command) is in the close's letter.
LETTER_STEPS = ("acknowledged", "escalated", "extended", "updated", "closed", "action-added", "action-done")
ACTION_STEPS = ("action-added", "action-done")


def letter_cases(ctx: Context, case: Case) -> list[StepCase]:
    """Each step in force that sent a letter, with the case as that letter was written from."""
    found = []
    close = None  # the close whose command may have promised the actions that follow it
    for step in case.events_in_force:
        promised_by_close = (
            close is not None and step.kind == "action-added" and (step.recorded_at, step.on) == (close.recorded_at, close.on)
        )
        close = step if step.kind == "closed" else close if promised_by_close else None
        if step.kind not in LETTER_STEPS or promised_by_close:
            continue
        then, policy = case_at_step(ctx, case, step)
        if step.kind in ACTION_STEPS and not then.current.is_closed:
            continue
        found.append(StepCase(step, then, policy))
    return found


def versions_used(ctx: Context, case: Case) -> tuple[PolicyVersion, ...]:
    if ctx.history is None:
        return ()
    used = {ctx.history.at(event.recorded_at).number: ctx.history.at(event.recorded_at) for event in case.events}
    if case.has_clock and not case.current.is_closed:
        used[ctx.history.latest.number] = ctx.history.latest
    return tuple(used[number] for number in sorted(used))


def export_pack(ctx: Context, reference: str, write: Callable[[PackSource], dict[str, Any]]) -> Case:
    """Gather the case's pack, let `write` write it (returning what the `pack-exported` event
    records of it) and record the event. Whatever `write` raises records nothing.

    A redacted case's pack will say what was redacted and when: the redaction events belong in
    `PackSource` beside the history, once retention and redaction exist."""
    with ctx.store.writing() as tx:
        roster = join(ctx, tx)
        case_id = tx.case_id(reference)
        events = tx.events(case_id)
        case = derive_case(ctx, reference, events)
        source = PackSource(
            case=case,
            case_hash=tx.case_chain_hash(case_id),
            chain_head=tx.meta("chain_head") or "",
            officer=ctx.officer,
            made_at=ctx.now,
            versions=versions_used(ctx, case),
            policy=ctx.policy,
            explanation=explain(case, ctx.policy, ctx.calendar, ctx.history),
            letters=tuple(letter_cases(ctx, case)) if case.has_clock else (),
            roster=roster,
        )
        details = write(source)
        exported = Event(
            kind="pack-exported", on=ctx.today, officer=ctx.officer, recorded_at=ctx.now, details=details,
            number=len(events) + 1,
        )
        tx.append(reference, case_id, [exported])
        updated = derive_case(ctx, reference, [*events, exported])
        tx.save_case(case_id, updated)
    return updated

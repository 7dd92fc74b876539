"""The use cases: each validates a step against the derived case, then records its events.

Every service takes a Context that carries the store, the policy, the calendar, the officer
and the date; none of them asks the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from complaintctl.domain.case import Case
from complaintctl.domain.events import stored_event
from complaintctl.domain.officers import check_reviewer
from complaintctl.domain.policy import PolicyHistory, PolicyVersion, changed_keys
from complaintctl.domain.vocabulary import DECISIONS, EXCLUSIONS, MOST_EXTENSION_DAYS
from complaintctl.errors import ComplaintError, InvalidInput, InvalidTransition, RuleViolation
from complaintctl.services.context import Context, Database, Step
from complaintctl.services.reading import derive_case, derive_further_case, settle_case
from complaintctl.services.team import join


def clean(text: str | None) -> str | None:
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


def check_on(
    ctx: Context,
    case: Case | None,
    on: date,
    after: date | None = None,
    what: str = "this step",
    option: str = "--on",
    since: str = "",
) -> None:
    """Refuse a step dated in the future, or before `after` (what happened then: `since`), or
    with no `after`, before the case's current stage was received."""
    if on > ctx.today:
        raise InvalidInput(f"{option} {on.isoformat()} is in the future; record {what} on or after the day it happens")
    if after is None and case is not None:
        after, since = case.current.received_on, f"stage {case.current.number} was received"
    if after and on < after:
        reference = case.reference if case else "the case"
        # The day it may not come before is named as well as dated: an officer checks that step's date.
        when = f", when {since}" if since else ""
        raise InvalidInput(f"{reference}: --on {on.isoformat()} is before {after.isoformat()}{when}; check the date")


def _require_clock(case: Case, step: str) -> None:
    if not case.has_clock:
        raise InvalidTransition(f"{case.reference} is a {case.type}: it has no clock, so there is nothing to {step}")


def _require_open(case: Case, step: str) -> None:
    _require_clock(case, step)
    stage = case.current
    if stage.is_closed:
        if case.stage == 2:
            hint = ""
        elif stage.outcome in DECISIONS:
            hint = " Escalate it to stage 2 first if the complainant has asked for a review."
        else:
            # A refusal or a withdrawal cannot be reviewed at stage 2: the case ends there.
            hint = f" It ended {stage.outcome}; log a new complaint if the complainant raises it again."
        raise InvalidTransition(
            f"{case.reference}: stage {case.stage} was closed on {stage.closed_on.isoformat()}, so it cannot {step}.{hint}"
        )


def record_steps(ctx: Context, reference: str, plan: Callable[[Case], list[Step]], reads_deadlines: bool = True) -> Case:
    """Load a case, let `plan` validate and choose its new events, append them, save the projection.

    `reads_deadlines` False: `plan` reads none of what the end of a case's fold settles (an open
    stage's deadlines, the case's Ombudsman), so a case the transaction keeps derived (an
    import's) need not have them settled for it."""
    with ctx.store.writing() as tx:
        join(ctx, tx)
        case_id = tx.case_id(reference)
        events = tx.events(case_id)
        kept = tx.derived_case(case_id)
        if kept is not None and reads_deadlines:
            settle_case(ctx, kept)
        case = kept or derive_case(ctx, reference, events)
        try:
            steps = plan(case)
        except ComplaintError as refusal:
            # Every refusal names the case it was about, so a batch of commands can be followed.
            if reference in str(refusal):
                raise
            raise type(refusal)(f"{reference}: {refusal}") from None
        # `stored_event` makes the same Event without the frozen __init__: an import records
        # tens of thousands of steps.
        new_events = [
            stored_event(kind, on, ctx.officer, ctx.now, details, len(events) + index)
            for index, (kind, on, details) in enumerate(steps, start=1)
        ]
        tx.append(reference, case_id, new_events)
        # A case the transaction keeps derived (an import's) is its own, not shared: the new
        # events are folded onto it rather than the whole history again, and its deadlines are
        # settled when a step reads them or the transaction writes it (`settle_case`).
        if kept is not None:
            updated = derive_further_case(ctx, kept, new_events, settle=ctx.before_commit is not None)
        else:
            updated = derive_case(ctx, reference, events + new_events)
        tx.save_case(case_id, updated)
        if ctx.before_commit is not None:
            ctx.before_commit(updated)
    return updated


# -- the policy --------------------------------------------------------------------------------------

# Cases derived again a few hundred at a time, their events read in one statement.
REDERIVE_BATCH = 500


@dataclass(frozen=True)
class PolicyChange:
    """A policy version stored by `sync_policy`: its number and the keys that changed from the
    version before (none for a database's first version)."""

    version: int
    changed: tuple[str, ...]


def stored_policy(store: Database) -> PolicyHistory | None:
    """The versions of the policy the database stored; None before the first is stored."""
    with store.reading() as tx:
        versions = tx.policy_versions()
    return PolicyHistory(versions) if versions else None


def sync_policy(ctx: Context) -> PolicyChange | None:
    """Make `ctx.policy` the database's policy in force, and give `ctx` the history of versions.

    A policy that differs from the latest version stored is stored as a new version, in force
    from `ctx.now`, and the open cases are derived again under it: a closed case keeps the
    deadlines of the versions in force when its steps were taken (unless a step of it was
    recorded after `ctx.now`, by a clock ahead of this one). A database with no version
    yet (new, or made by an earlier release) gets its first, in force from the beginning, and
    every case it holds is derived again under it, so that what is stored and what is derived
    agree from then on. Returns the version stored, or None when the policy was already in force.
    """
    fingerprint = ctx.policy.fingerprint()
    with ctx.store.reading() as tx:
        versions = tx.policy_versions()
    if versions and versions[-1].policy.fingerprint() == fingerprint:
        ctx.history = PolicyHistory(versions)
        return None
    with ctx.store.writing() as tx:
        # Another officer's command may have stored it meanwhile: the write lock is held now.
        versions = tx.policy_versions()
        if versions and versions[-1].policy.fingerprint() == fingerprint:
            ctx.history = PolicyHistory(versions)
            return None
        previous = versions[-1] if versions else None
        changed = tuple(changed_keys(previous.policy, ctx.policy)) if previous else ()
        version = PolicyVersion(
            number=previous.number + 1 if previous else 1,
            recorded_at=ctx.now,
            policy=ctx.policy,
            officer=ctx.officer,
            note=f"{', '.join(changed) if previous else 'first version'}; from {ctx.policy.source}",
        )
        tx.add_policy_version(version)
        ctx.history = PolicyHistory([*versions, version])
        cases = tx.cases_to_rederive(since=ctx.now if previous else None)
        ids = list(cases)
        for start in range(0, len(ids), REDERIVE_BATCH):
            for case_id, events in tx.histories(ids[start : start + REDERIVE_BATCH]).items():
                if events:
                    tx.save_case(case_id, derive_case(ctx, cases[case_id], events))
    return PolicyChange(version.number, changed)


# -- logging ---------------------------------------------------------------------------------------


def log_case(ctx: Context, fields: dict[str, Any]) -> Case:
    """Record a new complaint, compliment or comment and give it a reference."""
    # `clean` spelled out: an import logs a case a row, each with a score of fields.
    details = {key: (value.strip() or None) if isinstance(value, str) else value for key, value in fields.items()}
    received_on: date = details["received_on"]
    issue_date: date | None = details.get("issue_date")
    check_on(ctx, None, received_on, what="the receipt", option="--received")
    if issue_date and issue_date > received_on:
        raise InvalidInput(f"--issue-date {issue_date.isoformat()} is after --received {received_on.isoformat()}; check the dates")
    if details.get("anonymous") and details.get("name"):
        raise InvalidInput("use either --name or --anonymous, not both")
    if not details.get("anonymous") and not details.get("name"):
        raise InvalidInput("say who made it with --name NAME, or record it with --anonymous")
    if not details.get("representative"):
        for key in ("representative_email", "representative_address"):
            if details.get(key):
                raise InvalidInput(f"--{key.replace('_', '-')} needs --representative NAME as well")
    preferred = details.get("preferred_contact")
    if preferred in ("email", "phone") and not details.get(preferred):
        raise InvalidInput(f"--preferred-contact {preferred} needs --{preferred} as well")
    if preferred == "letter" and not details.get("address"):
        raise InvalidInput("--preferred-contact letter needs --address as well")
    if details["type"] == "complaint" and not details.get("summary"):
        raise InvalidInput("describe the complaint with --summary TEXT")
    details["housing"] = ctx.policy.routes_to_housing(details.get("service"), details.get("housing"))
    details["received_on"] = received_on.isoformat()
    details["issue_date"] = issue_date.isoformat() if issue_date else None

    with ctx.store.writing() as tx:
        join(ctx, tx)
        reference = tx.next_reference(ctx.policy.reference_prefix, received_on.year)
        logged = stored_event("logged", received_on, ctx.officer, ctx.now, details, 1)
        # Logging reads no deadline: a transaction that keeps the case derived settles them later.
        case = derive_case(ctx, reference, [logged], settle=not tx.keeps_cases_derived)
        case_id = tx.insert_case(case)
        tx.append(reference, case_id, [logged])
    return case


# -- the steps of a stage --------------------------------------------------------------------------


def acknowledge(
    ctx: Context,
    reference: str,
    on: date,
    handler: str | None = None,
    understanding: str | None = None,
    outcomes_sought: str | None = None,
) -> Case:
    def plan(case: Case) -> list[Step]:
        _require_open(case, "be acknowledged")
        stage = case.current
        if stage.acknowledged_on:
            raise InvalidTransition(
                f"{case.reference}: stage {stage.number} was already acknowledged on {stage.acknowledged_on.isoformat()}"
            )
        check_on(ctx, case, on, what="the acknowledgement")
        chosen = _handler(ctx, handler, stage.handler)
        if stage.number == 2:
            check_reviewer(case, chosen, ctx.roster, ctx.policy.reviewer_role)
        return [
            (
                "acknowledged",
                on,
                {
                    "stage": stage.number,
                    "handler": chosen,
                    "understanding": clean(understanding) or case.details.get("summary"),
                    "outcomes_sought": clean(outcomes_sought) or stage.outcomes_sought or case.details.get("outcomes_sought"),
                },
            )
        ]

    return record_steps(ctx, reference, plan, reads_deadlines=False)


def _handler(ctx: Context, typed: str | None, kept: str | None = None) -> str:
    """Who handles the stage: the officer named with --handler, else the stage's handler so far,
    else whoever is recording; once the roster has officers, always a current one of them."""
    if clean(typed):
        return ctx.roster.handler(clean(typed))
    if kept:
        return ctx.roster.kept(kept)
    return ctx.officer


def extend(
    ctx: Context,
    reference: str,
    on: date,
    reason: str,
    days: int | None = None,
    to: date | None = None,
    good_reason: str | None = None,
    late_reason: str | None = None,
) -> Case:
    def plan(case: Case) -> list[Step]:
        _require_open(case, "be extended")
        stage = case.current
        check_on(ctx, case, on, what="the extension")
        if not clean(reason):
            raise InvalidInput("say why more time is needed with --reason TEXT")
        if (days is None) == (to is None):
            raise InvalidInput("give the extension as either --days N or --to DATE")
        current_due = stage.respond_by
        extra = days
        if to is not None:
            if not ctx.calendar.is_working_day(to):
                raise InvalidInput(f"--to {to.isoformat()} is not a working day; choose a working day for the new response date")
            extra = ctx.calendar.between(current_due, to)
            if extra <= 0:
                raise InvalidInput(
                    f"{case.reference}: --to {to.isoformat()} is not after the current response date {current_due.isoformat()}"
                )
        if extra <= 0:
            raise InvalidInput("--days must be at least 1")
        if extra > MOST_EXTENSION_DAYS:
            raise InvalidInput(
                f"{case.reference}: an extension of {extra} working days is more than {MOST_EXTENSION_DAYS}; check the number or the date"
            )
        cap = ctx.policy.stage(stage.number).extension_max_days
        total = stage.extension_days + extra
        if total > cap and not clean(good_reason):
            raise RuleViolation(
                f"{case.reference}: that makes {total} working days of extension at stage {stage.number}, "
                f"over the policy's limit of {cap}; record why with --good-reason TEXT"
            )
        late = on > current_due
        if late and not clean(late_reason):
            raise RuleViolation(
                f"{case.reference}: the response was due on {current_due.isoformat()}; "
                "an extension after that needs --late-reason TEXT"
            )
        new_due = ctx.calendar.add(current_due, extra)
        if new_due < on:
            raise InvalidInput(
                f"{case.reference}: the new response date {new_due.isoformat()} would already have passed on "
                f"{on.isoformat()}; extend further with more --days or a later --to"
            )
        return [
            (
                "extended",
                on,
                {
                    "stage": stage.number,
                    "days": extra,
                    "reason": clean(reason),
                    "good_reason": clean(good_reason),
                    "late_reason": clean(late_reason) if late else None,
                    "late": late,
                    "previous_respond_by": current_due.isoformat(),
                    "new_respond_by": new_due.isoformat(),
                },
            )
        ]

    return record_steps(ctx, reference, plan)


def record_update(ctx: Context, reference: str, on: date, progress: str, next_update: date | None = None) -> Case:
    def plan(case: Case) -> list[Step]:
        _require_open(case, "be updated")
        check_on(ctx, case, on, what="the update")
        if not clean(progress):
            raise InvalidInput("say what progress was reported with --progress TEXT")
        if next_update and next_update <= on:
            raise InvalidInput(f"--next {next_update.isoformat()} must be after the update itself ({on.isoformat()})")
        return [
            (
                "updated",
                on,
                {
                    "stage": case.stage,
                    "progress": clean(progress),
                    "next_update": next_update.isoformat() if next_update else None,
                },
            )
        ]

    return record_steps(ctx, reference, plan)


@dataclass
class Remedy:
    """What the organisation does to put things right, recorded with the outcome."""

    apology: bool = False
    compensation_pence: int = 0
    remedy: str | None = None
    actions: list[tuple[str, date, str | None]] | None = None


def close(
    ctx: Context,
    reference: str,
    on: date,
    outcome: str,
    reasons: str | None = None,
    exclusion: str | None = None,
    steps_taken: str | None = None,
    learning: str | None = None,
    remedy: Remedy | None = None,
) -> Case:
    remedy = remedy or Remedy()

    def plan(case: Case) -> list[Step]:
        _require_open(case, "be closed again")
        stage = case.current
        # A decision follows the acknowledgement; a refusal or withdrawal may come before one.
        decided_after = stage.acknowledged_on if outcome in DECISIONS else None
        check_on(ctx, case, on, after=decided_after, what="the outcome", since=f"stage {stage.number} was acknowledged")
        if outcome == "refused":
            if not exclusion:
                raise InvalidInput(
                    f"--outcome refused needs --exclusion CODE; one of: {', '.join(EXCLUSIONS)}"
                )
            if not clean(reasons):
                raise InvalidInput("explain the refusal with --reasons TEXT")
        elif exclusion:
            raise InvalidInput("--exclusion applies only with --outcome refused")
        if exclusion and exclusion not in EXCLUSIONS:
            raise InvalidInput(f"unknown exclusion {exclusion!r}; use one of: {', '.join(EXCLUSIONS)}")
        if outcome in DECISIONS:
            if stage.acknowledged_on is None:
                raise InvalidTransition(
                    f"{case.reference}: stage {stage.number} has not been acknowledged; "
                    f"run `complaintctl acknowledge {case.reference}` before recording a decision"
                )
            if not clean(reasons):
                raise InvalidInput("give the reasons for the decision with --reasons TEXT")
        if remedy.compensation_pence < 0:
            raise InvalidInput("--compensation cannot be negative")
        steps: list[Step] = [
            (
                "closed",
                on,
                {
                    "stage": stage.number,
                    "outcome": outcome,
                    "reasons": clean(reasons),
                    "exclusion": exclusion,
                    "steps_taken": clean(steps_taken),
                    "remedy": clean(remedy.remedy),
                    "apology": remedy.apology,
                    "compensation_pence": remedy.compensation_pence,
                    "learning": clean(learning),
                },
            )
        ]
        number = len(case.actions)
        for what, due, owner in remedy.actions or []:
            if not clean(what):
                raise InvalidInput("each --action needs a description")
            if due < case.received_on:
                raise InvalidInput(f"{case.reference}: --action-due {due.isoformat()} is before the case was received")
            number += 1
            steps.append(("action-added", on, _action_details(number, what, due, owner)))
        return steps

    return record_steps(ctx, reference, plan, reads_deadlines=False)


def escalate(
    ctx: Context,
    reference: str,
    on: date,
    handler: str | None = None,
    late_reason: str | None = None,
    outcomes_sought: str | None = None,
    reasons: str | None = None,
) -> Case:
    """Open stage 2. `reasons`: what the complainant remains unhappy about, when they said."""

    def plan(case: Case) -> list[Step]:
        _require_clock(case, "escalate")
        first = case.stages[0]
        if case.stage == 2:
            raise InvalidTransition(f"{case.reference} is already at stage 2, the final stage")
        if not first.is_closed:
            raise InvalidTransition(
                f"{case.reference}: stage 1 is still open; close it with a decision before escalating to stage 2"
            )
        if first.outcome not in DECISIONS:
            raise InvalidTransition(
                f"{case.reference}: stage 1 ended {first.outcome}, not with a decision, so there is nothing to review at stage 2"
            )
        check_on(ctx, case, on, after=first.closed_on, what="the escalation request", since="stage 1 was closed")
        if first.escalate_by and on > first.escalate_by and not clean(late_reason):
            raise RuleViolation(
                f"{case.reference}: the window to ask for stage 2 ended on {first.escalate_by.isoformat()}; "
                "accept the request late with --late-reason TEXT"
            )
        chosen = ctx.roster.handler(clean(handler)) if clean(handler) else None
        check_reviewer(case, chosen, ctx.roster, ctx.policy.reviewer_role)
        if not clean(reasons) and case.ombudsman == "lgsco" and ctx.policy.stage2_reasons == "required-lgsco":
            raise RuleViolation(
                f"{case.reference}: the policy asks an LGSCO case's stage 2 request to say what the complainant "
                "remains unhappy about ([stage2] reasons); give it with --reasons TEXT"
            )
        late = bool(first.escalate_by and on > first.escalate_by)
        return [
            (
                "escalated",
                on,
                {
                    "handler": chosen,
                    "late_reason": clean(late_reason) if late else None,
                    "outcomes_sought": clean(outcomes_sought),
                    "reasons": clean(reasons),
                },
            )
        ]

    return record_steps(ctx, reference, plan)


def assign(ctx: Context, reference: str, on: date, handler: str, reason: str | None = None) -> Case:
    """Give the current stage to another officer, before or after its acknowledgement."""

    def plan(case: Case) -> list[Step]:
        _require_open(case, "be given to another officer")
        stage = case.current
        check_on(ctx, case, on, after=stage.received_on, what="the assignment", since=f"stage {stage.number} was received")
        if not clean(handler):
            raise InvalidInput("name the officer who takes the case over with --handler NAME")
        chosen = ctx.roster.handler(clean(handler))
        if ctx.roster.identity(chosen) == ctx.roster.identity(stage.handler):
            raise InvalidTransition(f"{case.reference}: stage {stage.number} is already handled by {chosen}")
        if stage.number == 2:
            check_reviewer(case, chosen, ctx.roster, ctx.policy.reviewer_role)
        return [
            (
                "assigned",
                on,
                {"stage": stage.number, "handler": chosen, "previous_handler": stage.handler, "reason": clean(reason)},
            )
        ]

    return record_steps(ctx, reference, plan, reads_deadlines=False)


# -- notes and actions -----------------------------------------------------------------------------


def add_note(ctx: Context, reference: str, on: date, text: str) -> Case:
    def plan(case: Case) -> list[Step]:
        check_on(ctx, case, on, what="the note")
        if not clean(text):
            raise InvalidInput("the note is empty; give its text")
        return [("note", on, {"text": clean(text)})]

    return record_steps(ctx, reference, plan, reads_deadlines=False)


def _action_details(number: int, what: str, due: date, owner: str | None) -> dict[str, Any]:
    return {"number": number, "what": clean(what), "due": due.isoformat(), "owner": clean(owner)}


def add_action(ctx: Context, reference: str, on: date, what: str, due: date, owner: str | None = None) -> Case:
    return add_actions(ctx, reference, [PromisedAction(on, what, due, owner)])


class PromisedAction(NamedTuple):
    """An action as `add_actions` records it: added `on`, and done on `done_on` if it was."""

    on: date
    what: str
    due: date
    owner: str | None = None
    done_on: date | None = None


def add_actions(ctx: Context, reference: str, actions: Sequence[PromisedAction]) -> Case:
    """Actions added, and those done completed, in one step: the events and refusals of
    `add_action` and then `complete_action` for each in turn (an import brings a case's actions
    in at once)."""

    def plan(case: Case) -> list[Step]:
        promised: list[Step] = []
        number = len(case.actions)
        for action in actions:
            check_on(ctx, case, action.on, what="the action")
            # Actions are promises made to a complainant; compliments and comments never appear as due.
            _require_clock(case, "promise as an action")
            if not clean(action.what):
                raise InvalidInput("say what the action is with --what TEXT")
            if action.due < case.received_on:
                raise InvalidInput(f"{case.reference}: --due {action.due.isoformat()} is before the case was received")
            number += 1
            promised.append(("action-added", action.on, _action_details(number, action.what, action.due, action.owner)))
            if action.done_on is not None:
                check_on(ctx, case, action.done_on, after=action.on, what="the action's completion", since=f"action {number} was added")
                promised.append(("action-done", action.done_on, {"number": number}))
        return promised

    return record_steps(ctx, reference, plan)


def complete_action(ctx: Context, reference: str, number: int, on: date) -> Case:
    def plan(case: Case) -> list[Step]:
        action = next((item for item in case.actions if item.number == number), None)
        if action is None:
            raise InvalidInput(
                f"{case.reference} has no action {number}; see them with `complaintctl show {case.reference}`"
            )
        if action.done_on:
            raise InvalidTransition(f"{case.reference}: action {number} was already done on {action.done_on.isoformat()}")
        check_on(ctx, case, on, after=action.added_on, what="the action's completion", since=f"action {number} was added")
        return [("action-done", on, {"number": number})]

    return record_steps(ctx, reference, plan)

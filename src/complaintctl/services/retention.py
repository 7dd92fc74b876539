"""Retention: legal holds, and the redaction of personal data kept past the policy's period
(domain/retention.py says what and when)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from complaintctl.domain.case import Case
from complaintctl.domain.events import Event
from complaintctl.domain.retention import REDACTED, Due, cutoff, due_for_redaction, hold_of, redacted_event, redacted_on
from complaintctl.errors import InvalidInput, InvalidTransition
from complaintctl.services.context import Context, Step
from complaintctl.services.reading import derive_case
from complaintctl.services.steps import check_on, clean, record_steps
from complaintctl.services.team import join

# Cases derived a few hundred at a time, their events read in one statement.
BATCH = 500


def place_hold(ctx: Context, reference: str, on: date, reason: str) -> Case:
    """A legal hold: the case's personal data is never redacted while it holds."""

    def plan(case: Case) -> list[Step]:
        check_on(ctx, case, on, what="the hold")
        if not clean(reason):
            raise InvalidInput("say why the case is held with --reason TEXT")
        hold = hold_of(case.events)
        if hold is not None:
            raise InvalidTransition(f"{case.reference} is already held (since {hold.since.isoformat()}); release it with --release")
        redacted = redacted_on(case.events)
        if redacted is not None and not _still_personal(case):
            raise InvalidTransition(f"{case.reference}: its personal data was redacted on {redacted.isoformat()}; a hold cannot bring it back")
        return [("held", on, {"reason": clean(reason)})]

    return record_steps(ctx, reference, plan)


def release_hold(ctx: Context, reference: str, on: date, reason: str) -> Case:
    def plan(case: Case) -> list[Step]:
        check_on(ctx, case, on, what="the release")
        if not clean(reason):
            raise InvalidInput("say why the hold ends with --reason TEXT")
        if hold_of(case.events) is None:
            raise InvalidTransition(f"{case.reference} is not held; place a hold with `complaintctl hold {case.reference} --reason TEXT`")
        return [("hold-released", on, {"reason": clean(reason)})]

    return record_steps(ctx, reference, plan)


def _still_personal(case: Case) -> bool:
    return any(redacted_event(event)[1] for event in case.events)


@dataclass
class Retention:
    """What `retention` found on `as_of`: the cases past the period (held ones among them, never
    redacted), and with `--apply` what was redacted."""

    as_of: date
    years: int
    cutoff: date
    due: list[Due] = field(default_factory=list)
    applied: bool = False
    redacted: list[str] = field(default_factory=list)
    redacted_events: int = 0
    restrictions: int = 0
    reclaimed: bool = True

    @property
    def held(self) -> list[Due]:
        return [item for item in self.due if item.held is not None]

    @property
    def to_redact(self) -> list[Due]:
        return [item for item in self.due if item.held is None]


def review(ctx: Context, as_of: date) -> Retention:
    """The cases whose personal data is past retention on `as_of`; changes nothing."""
    years = ctx.policy.retention_years
    found = Retention(as_of, years, cutoff(as_of, years))
    with ctx.store.reading() as tx:
        for _, case in _candidates(ctx, tx, found.cutoff):
            item = due_for_redaction(case, as_of, years)
            if item is not None:
                found.due.append(item)
    return found


def apply(ctx: Context, as_of: date) -> Retention:
    """Redact the personal data of every case past retention on `as_of` and not held, in one
    transaction, then rebuild the database's files so that none of it remains in them. Each
    case records a `redacted` event that vouches for what changed (see storage/integrity.py)."""
    if as_of > ctx.today:
        raise InvalidInput(f"--as-of {as_of.isoformat()} is in the future; redaction counts from today or earlier")
    years = ctx.policy.retention_years
    found = Retention(as_of, years, cutoff(as_of, years), applied=True)
    with ctx.store.writing() as tx:
        join(ctx, tx)
        for case_id, case in _candidates(ctx, tx, found.cutoff):
            item = due_for_redaction(case, as_of, years)
            if item is None:
                continue
            found.due.append(item)
            if item.held is not None:
                continue
            changes = [(event, *redacted_event(event)) for event in case.events]
            changes = [change for change in changes if change[2]]
            number = len(case.events) + 1
            vouched = tx.redact_events(case.reference, case_id, changes, by=number)
            record = Event(
                kind="redacted",
                on=ctx.today,
                officer=ctx.officer,
                recorded_at=ctx.now,
                details={"as_of": as_of.isoformat(), "years": years, "events": vouched},
                number=number,
            )
            tx.append(case.reference, case_id, [record])
            events = [redacted if fields else event for event, redacted, fields in changes] + [record]
            by_number = {event.number: event for event in events}
            history = [by_number.get(event.number, event) for event in case.events] + [record]
            tx.save_case(case_id, derive_case(ctx, case.reference, history))
            found.redacted.append(case.reference)
            found.redacted_events += len(changes)
        found.restrictions = tx.redact_restrictions(found.cutoff, REDACTED)
    if found.redacted or found.restrictions:
        found.reclaimed = ctx.store.reclaim()
    return found


def _candidates(ctx: Context, tx, cut: date):
    """Each case (id, derived) that may be past retention, a batch of histories at a time."""
    cases = tx.retention_candidates(cut)
    ids = list(cases)
    for start in range(0, len(ids), BATCH):
        for case_id, events in tx.histories(ids[start : start + BATCH]).items():
            if events:
                yield case_id, derive_case(ctx, cases[case_id], events)

"""Retention: legal holds, and the redaction of personal data kept past the policy's period
(domain/retention.py says what and when)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from complaintctl.domain.case import Case
from complaintctl.domain.events import Event
from complaintctl.domain.retention import REDACTED, Due, cutoff, hold_of, redacted_event, redacted_on
from complaintctl.errors import InvalidInput, InvalidTransition
from complaintctl.services.context import Context, Step
from complaintctl.services.reading import derive_case
from complaintctl.services.steps import check_on, clean, record_steps
from complaintctl.services.team import join

# Cases derived a few hundred at a time, their events read in one statement.
BATCH = 500

# Set while what a redaction replaced may still be in the database's files (the rebuild that
# removes them had not finished): the next `retention --apply` rebuilds them even with nothing new.
RECLAIM_PENDING = "reclaim_pending"


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
        return [item for item in self.due if item.held_since is not None]

    @property
    def to_redact(self) -> list[Due]:
        return [item for item in self.due if item.held_since is None]


def review(ctx: Context, as_of: date) -> Retention:
    """The cases whose personal data is past retention on `as_of`; changes nothing."""
    years = ctx.policy.retention_years
    found = Retention(as_of, years, cutoff(as_of, years))
    with ctx.store.reading() as tx:
        found.due = [_due(row) for row in tx.retention_due(found.cutoff)]
    return found


def apply(ctx: Context, as_of: date) -> Retention:
    """Redact the personal data of every case past retention on `as_of` and not held, in one
    transaction, then rebuild the database's files so that none of it remains in them. Each
    case records a `redacted` event that vouches for what changed (see storage/integrity.py),
    and is not due again until something more is done on it."""
    if as_of > ctx.today:
        raise InvalidInput(f"--as-of {as_of.isoformat()} is in the future; redaction counts from today or earlier")
    years = ctx.policy.retention_years
    found = Retention(as_of, years, cutoff(as_of, years), applied=True)
    with ctx.store.writing() as tx:
        join(ctx, tx)
        rows = tx.retention_due(found.cutoff)
        found.due = [_due(row) for row in rows]
        unheld = {row["id"]: item.reference for row, item in zip(rows, found.due) if item.held_since is None}
        ids = list(unheld)
        for start in range(0, len(ids), BATCH):
            for case_id, events in tx.histories(ids[start : start + BATCH]).items():
                found.redacted_events += _redact(ctx, tx, case_id, unheld[case_id], events, as_of, years)
                found.redacted.append(unheld[case_id])
        found.restrictions = tx.redact_restrictions(found.cutoff, REDACTED)
        pending = bool(found.redacted or found.restrictions or tx.meta(RECLAIM_PENDING))
        if pending:
            tx.set_meta(RECLAIM_PENDING, "1")
    if pending:
        found.reclaimed = ctx.store.reclaim()
        if found.reclaimed:
            with ctx.store.writing() as tx:
                tx.set_meta(RECLAIM_PENDING, "")
    return found


def _redact(ctx: Context, tx, case_id: int, reference: str, events: list[Event], as_of: date, years: int) -> int:
    """Redact one case's events and record its `redacted` event (even when nothing personal was
    left, so that it is not due again); the number of events redacted."""
    changes = [(event, *redacted_event(event)) for event in events]
    changes = [change for change in changes if change[2]]
    number = len(events) + 1
    vouched = tx.redact_events(reference, case_id, changes, by=number) if changes else []
    record = Event(
        kind="redacted",
        on=ctx.today,
        officer=ctx.officer,
        recorded_at=ctx.now,
        details={"as_of": as_of.isoformat(), "years": years, "events": vouched},
        number=number,
    )
    tx.append(reference, case_id, [record])
    redacted = {event.number: replaced for event, replaced, _ in changes}
    history = [redacted.get(event.number, event) for event in events] + [record]
    tx.save_case(case_id, derive_case(ctx, reference, history))
    return len(changes)


def _due(row: dict) -> Due:
    held = row["held_on"] if row["hold_kind"] == "held" else None
    return Due(row["reference"], row["type"], row["last_activity"], held)

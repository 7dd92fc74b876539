"""How each deadline of a case was counted. Pure; no I/O.

For every deadline `derive` gives a case (each stage's acknowledgement and response dates, the
stage 2 window after a stage 1 decision, the next progress update) this says the date it counts
from and why, how many days and which policy key sets them, every day inside the count that was
not counted and why (a weekend, the nation's bank holiday by its gov.uk name, the
organisation's closure day), the extensions added, and for a calendar-month window whether the
month was too short for the day. It counts with the calendars `derive` used, under the policy
version in force at each step, and refuses to give an account that does not reach the date
`derive` gave (`ExplanationMismatch`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from complaintctl.domain.bank_holidays import gov_uk_name
from complaintctl.domain.calendar import add_months

if TYPE_CHECKING:
    from complaintctl.domain.calendar import Calendar
    from complaintctl.domain.case import Case, Stage
    from complaintctl.domain.events import Event
    from complaintctl.domain.policy import Policy, PolicyHistory

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Why a day inside a count was not counted.
WEEKEND, BANK_HOLIDAY, CLOSURE = "weekend", "bank-holiday", "closure"

# How a deadline is counted.
WORKING_DAYS, CALENDAR_MONTHS, CALENDAR_DAYS, PROMISED = "working days", "calendar months", "calendar days", "promised"

# What a deadline counts from.
RECEIPT = "receipt"
ACKNOWLEDGEMENT = "acknowledgement"
ACKNOWLEDGE_BY = "acknowledge-by"  # not acknowledged: the last day it could have been
STAGE1_RESPONSE = "stage-1-response"
ORIGINAL_RESPONSE_DATE = "original-response-date"
FIRST_EXTENSION = "first-extension"
LAST_UPDATE = "last-update"

_ONE_DAY = timedelta(days=1)


class ExplanationMismatch(Exception):
    """The counting does not reach the date `derive` gave: a fault in the program, never in the case."""


@dataclass(frozen=True)
class SkippedDay:
    """A day inside a count that was not counted.

    day:    the date
    reason: WEEKEND, BANK_HOLIDAY or CLOSURE (a closure day of the organisation's policy)
    name:   "Saturday" or "Sunday", the bank holiday's gov.uk name ("Boxing Day (substitute
            day)"), or "closure day"
    """

    day: date
    reason: str
    name: str


@dataclass(frozen=True)
class Extension:
    """An extension of a stage's response date, as recorded."""

    on: date
    days: int
    reason: str | None
    good_reason: str | None = None  # recorded to go beyond the policy's cap
    late_reason: str | None = None  # recorded after the response was already due


@dataclass(frozen=True)
class Deadline:
    """One deadline and how it was counted.

    what:           "acknowledge", "respond", "escalate" (the last day stage 2 may be asked
                    for) or "update" (the next progress update)
    stage:          the stage it belongs to (the stage 2 window belongs to stage 1's decision)
    due:            the date, as `derive` gave it
    start:          the date it counts from (never itself counted)
    start_why:      RECEIPT, ACKNOWLEDGEMENT, ACKNOWLEDGE_BY, STAGE1_RESPONSE,
                    ORIGINAL_RESPONSE_DATE, FIRST_EXTENSION or LAST_UPDATE
    unit:           WORKING_DAYS, CALENDAR_MONTHS, CALENDAR_DAYS or PROMISED (an update date
                    given with the last update, earlier than the policy's cadence)
    amount:         how many of `unit` the policy sets (0 for PROMISED)
    policy_key:     the key and value that set `amount`, e.g. "[stage1] respond_days = 10"
    start_key:      the key that chose `start`, where one does
    nation:         the calendar's nation
    policy_version: the number of the policy version counted under (None without a history)
    skipped:        every day after `start` up to `due` that was not counted, in order
    extensions:     the stage's extensions, counted after `amount`
    counted_due:    the date `amount` alone reaches (before the extensions)
    in_time_by:     the date a response counts as in time by, where a late extension makes it
                    earlier than `due`
    clamped_from:   for a calendar-month window, the day number the month did not have
    done_on:        when what was due was done (acknowledged, responded, closed, escalated)
    done:           what was done then: "acknowledged", "responded", "closed (refused)"…
    in_time:        whether that was by the date (None when not done or not a response)
    """

    what: str
    stage: int
    due: date
    start: date
    start_why: str
    unit: str
    amount: int
    policy_key: str
    nation: str
    start_key: str | None = None
    policy_version: int | None = None
    skipped: tuple[SkippedDay, ...] = ()
    extensions: tuple[Extension, ...] = ()
    counted_due: date | None = None
    in_time_by: date | None = None
    clamped_from: int | None = None
    done_on: date | None = None
    done: str | None = None
    in_time: bool | None = None

    @property
    def extension_days(self) -> int:
        return sum(extension.days for extension in self.extensions)

    @property
    def working_days(self) -> int | None:
        """The working days counted, extensions included; None for a count in calendar time."""
        return self.amount + self.extension_days if self.unit == WORKING_DAYS else None

    def counted_days(self) -> list[date]:
        """The days counted, in order: every day after `start` up to `due` that was not skipped
        (for a count in calendar time, every day)."""
        left_out = {skipped.day for skipped in self.skipped}
        days, current = [], self.start
        while current < self.due:
            current += _ONE_DAY
            if current not in left_out:
                days.append(current)
        return days


@dataclass(frozen=True)
class Explanation:
    """A case's deadlines with their counting; `latest_version` is the number of the policy
    version in force now (None without a history), so that a reader can tell whether a
    deadline was counted under an earlier one."""

    reference: str
    type: str
    deadlines: tuple[Deadline, ...]
    latest_version: int | None = None


def not_counted(calendar: Calendar, day: date) -> SkippedDay:
    """Why a day that is not a working day is not one. A weekend is named first, even when a
    bank holiday falls on it: its substitute day is the one the count skips for the holiday."""
    if day.weekday() >= 5:
        return SkippedDay(day, WEEKEND, WEEKDAYS[day.weekday()])
    name = calendar.bank_holiday_name(day)
    if name is not None:
        return SkippedDay(day, BANK_HOLIDAY, gov_uk_name(name))
    return SkippedDay(day, CLOSURE, "closure day")


def count(calendar: Calendar, start: date, days: int) -> tuple[date, list[SkippedDay]]:
    """`Calendar.add`, day by day, keeping each day it passes over: the `days`-th working day
    after `start`, and the days after `start` before it that were not counted."""
    current, remaining, skipped = start, days, []
    while remaining:
        current += _ONE_DAY
        if calendar.is_working_day(current):
            remaining -= 1
        else:
            skipped.append(not_counted(calendar, current))
    return current, skipped


@dataclass(frozen=True)
class _Rules:
    policy: Policy
    calendar: Calendar
    version: int | None


class _Versions:
    """The policy a deadline was settled under, as `derive` chose it: the version in force
    when the step that settled it was recorded, or the one in force now for what is open."""

    def __init__(self, policy: Policy, calendar: Calendar, history: PolicyHistory | None) -> None:
        self.history = history
        self.now = _Rules(policy, calendar, history.latest.number if history else None)

    def at(self, step: Event | None) -> _Rules:
        if step is None or self.history is None:
            return self.now
        version = self.history.at(step.recorded_at)
        return _Rules(version.policy, version.calendar, version.number)


def _stage_of(events: list[Event]) -> list[tuple[int, Event]]:
    """Each event with the stage it belongs to: the stage its details name, else the stage the
    case was at (2 from the escalation on)."""
    current, found = 1, []
    for event in events:
        if event.kind == "escalated":
            current = 2
        found.append((int(event.details.get("stage") or current), event))
    return found


def _step(staged: list[tuple[int, Event]], stage: int, kind: str, on: date | None) -> Event | None:
    """The latest recorded step of that kind, stage and date."""
    if on is None:
        return None
    found = None
    for number, event in staged:
        if number == stage and event.kind == kind and event.on == on:
            found = event
    return found


def _check(reference: str, stage: Stage, what: str, counted: date, derived: date | None) -> None:
    if counted != derived:
        raise ExplanationMismatch(
            f"{reference}: stage {stage.number} {what} counts to {counted.isoformat()}, "
            f"but the case's date is {derived.isoformat() if derived else 'none'}"
        )


def _acknowledge(reference: str, stage: Stage, rules: _Rules) -> Deadline:
    days = rules.policy.stage(stage.number).acknowledge_days
    due, skipped = count(rules.calendar, stage.received_on, days)
    _check(reference, stage, "acknowledge", due, stage.acknowledge_by)
    done = stage.acknowledged_on
    return Deadline(
        what="acknowledge",
        stage=stage.number,
        due=due,
        start=stage.received_on,
        start_why=RECEIPT,
        unit=WORKING_DAYS,
        amount=days,
        policy_key=f"[stage{stage.number}] acknowledge_days = {days}",
        nation=rules.calendar.nation,
        policy_version=rules.version,
        skipped=tuple(skipped),
        done_on=done,
        done="acknowledged" if done else None,
        in_time=None if done is None else done <= due,
    )


def _extensions(stage: Stage) -> tuple[Extension, ...]:
    return tuple(
        Extension(
            on=extension["on"],
            days=int(extension["days"]),
            reason=extension.get("reason"),
            good_reason=extension.get("good_reason"),
            late_reason=extension.get("late_reason"),
        )
        for extension in stage.extensions
    )


def _respond(reference: str, stage: Stage, rules: _Rules) -> Deadline:
    settings = rules.policy.stage(stage.number)
    if settings.respond_from == "receipt":
        start, why = stage.received_on, RECEIPT
    elif stage.acknowledged_on is not None:
        start, why = stage.acknowledged_on, ACKNOWLEDGEMENT
    else:
        start, why = stage.acknowledge_by, ACKNOWLEDGE_BY
    counted_due, skipped = count(rules.calendar, start, settings.respond_days)
    _check(reference, stage, "respond (before extensions)", counted_due, stage.original_respond_by)
    due, more = count(rules.calendar, counted_due, stage.extension_days)
    _check(reference, stage, "respond", due, stage.respond_by)
    if stage.responded:
        done, done_how = stage.closed_on, "responded"
    elif stage.closed_on is not None:
        done, done_how = stage.closed_on, f"closed ({stage.outcome})"
    else:
        done, done_how = None, None
    return Deadline(
        what="respond",
        stage=stage.number,
        due=due,
        start=start,
        start_why=why,
        unit=WORKING_DAYS,
        amount=settings.respond_days,
        policy_key=f"[stage{stage.number}] respond_days = {settings.respond_days}",
        start_key=f'[stage{stage.number}] respond_from = "{settings.respond_from}"',
        nation=rules.calendar.nation,
        policy_version=rules.version,
        skipped=tuple(skipped + more),
        extensions=_extensions(stage),
        counted_due=counted_due,
        in_time_by=stage.in_time_by if stage.in_time_by not in (None, due) else None,
        done_on=done,
        done=done_how,
        in_time=stage.responded_in_time,
    )


def _escalate(reference: str, stage: Stage, rules: _Rules, escalated_on: date | None) -> Deadline:
    window = rules.policy.escalation_window
    start = stage.closed_on
    skipped: list[SkippedDay] = []
    clamped_from = None
    if window.unit == "months":
        unit, due = CALENDAR_MONTHS, add_months(start, window.amount)
        clamped_from = start.day if due.day != start.day else None
    elif window.unit == "working_days":
        unit, (due, skipped) = WORKING_DAYS, count(rules.calendar, start, window.amount)
    else:
        unit, due = CALENDAR_DAYS, start + timedelta(days=window.amount)
    _check(reference, stage, "escalation window", due, stage.escalate_by)
    return Deadline(
        what="escalate",
        stage=stage.number,
        due=due,
        start=start,
        start_why=STAGE1_RESPONSE,
        unit=unit,
        amount=window.amount,
        policy_key=f'[stage2] escalation_window = "{rules.policy.raw["stage2"]["escalation_window"]}"',
        nation=rules.calendar.nation,
        policy_version=rules.version,
        skipped=tuple(skipped),
        clamped_from=clamped_from,
        done_on=escalated_on,
        done="escalated" if escalated_on else None,
        in_time=None if escalated_on is None else escalated_on <= due,
    )


def _update(reference: str, stage: Stage, rules: _Rules) -> Deadline:
    every = rules.policy.update_every_days
    if every:
        start, why = stage.original_respond_by, ORIGINAL_RESPONSE_DATE
        if stage.extensions and stage.extensions[0]["on"] < start:
            start, why = stage.extensions[0]["on"], FIRST_EXTENSION
        latest = max((update["on"] for update in stage.updates), default=None)
        if latest is not None and latest >= start:
            start, why = latest, LAST_UPDATE
        due, skipped = count(rules.calendar, start, every)
        if due == stage.update_due:
            return Deadline(
                what="update",
                stage=stage.number,
                due=due,
                start=start,
                start_why=why,
                unit=WORKING_DAYS,
                amount=every,
                policy_key=f"[updates] every_days = {every}",
                nation=rules.calendar.nation,
                policy_version=rules.version,
                skipped=tuple(skipped),
            )
    # Otherwise it is the date the complainant was promised with an update (`update --next`).
    promised = [update for update in stage.updates if update.get("next_update") == stage.update_due.isoformat()]
    if not promised:
        raise ExplanationMismatch(
            f"{reference}: stage {stage.number}'s next update is due {stage.update_due.isoformat()}, "
            "by neither [updates] every_days nor a date promised with an update"
        )
    return Deadline(
        what="update",
        stage=stage.number,
        due=stage.update_due,
        start=promised[-1]["on"],
        start_why=LAST_UPDATE,
        unit=PROMISED,
        amount=0,
        policy_key="update --next",
        nation=rules.calendar.nation,
        policy_version=rules.version,
    )


def explain(case: Case, policy: Policy, calendar: Calendar, history: PolicyHistory | None = None) -> Explanation:
    """Every deadline of a case derived by `derive(…, policy, calendar, history)`, with its
    counting; `policy`, `calendar` and `history` are the ones it was derived with. A compliment
    or a comment has none."""
    if not case.has_clock:
        return Explanation(case.reference, case.type, (), history.latest.number if history else None)
    versions = _Versions(policy, calendar, history)
    staged = _stage_of(case.events)
    deadlines: list[Deadline] = []
    for stage in case.stages:
        acknowledged = _step(staged, stage.number, "acknowledged", stage.acknowledged_on)
        closed = _step(staged, stage.number, "closed", stage.closed_on)
        # An acknowledgement date is settled when the stage is acknowledged, else when it closes.
        deadlines.append(_acknowledge(case.reference, stage, versions.at(acknowledged or closed)))
        if stage.respond_by is not None:
            deadlines.append(_respond(case.reference, stage, versions.at(closed)))
        if stage.update_due is not None:
            deadlines.append(_update(case.reference, stage, versions.now))
        if stage.escalate_by is not None:
            escalated_on = case.stages[1].received_on if len(case.stages) > 1 else None
            deadlines.append(_escalate(case.reference, stage, versions.at(closed), escalated_on))
    return Explanation(case.reference, case.type, tuple(deadlines), versions.now.version)

